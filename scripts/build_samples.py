#!/usr/bin/env python3
"""Build the sample calls in samples/ (audio + ground truth + README with credits).

Three short two-party calls of real recorded speech that may be redistributed (LibriSpeech and
AMI: CC BY 4.0; LJ Speech: public domain), scripted turn by turn so each shows something:

- ``call1_agent_talks_over.wav``: telephone recording (8 kHz G.711 mu-law): the agent cuts in
  while the customer is still explaining (the ``pause`` cue), later latches on briefly.
- ``call2_customer_cuts_in.flac``: 16 kHz FLAC: the customer cuts in on the agent, later the
  agent on the customer (a ``pause`` cue); a latch.
- ``call3_smooth_turns.wav``: 16 kHz PCM16: turn changes with gaps and latches only; nothing
  for the tool to flag.

    .venv/bin/python scripts/build_samples.py [--data ../shared/data] [--out samples]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coolhead.audio.reader import probe_call  # noqa: E402
from coolhead.evaluation.truth import load_truth  # noqa: E402
from devkit.callbuilder import CallBuilder, Gap, Interrupt, Latch, Turn, write_call  # noqa: E402
from devkit.corpora import LIBRISPEECH_NAMED, Clip, split_clips  # noqa: E402

CREDITS = {
    "librispeech": "LibriSpeech ASR corpus (Panayotov, Chen, Povey, Khudanpur, 2015), "
    "https://www.openslr.org/12/, CC BY 4.0",
    "ljspeech": "LJ Speech Dataset (Keith Ito and Linda Johnson, 2017), "
    "https://keithito.com/LJ-Speech-Dataset/, public domain",
    "ami": "AMI Meeting Corpus (Carletta et al., 2005), https://groups.inf.ed.ac.uk/ami/corpus/, CC BY 4.0",
}

ORIGINAL_IDS = {
    "testing_routine": "251-137823-0002",
    "another_engineer": "251-137823-0003",
    "another_door": "3536-23268-0010",
    "i_tell_you": "251-118436-0001",
}
"""From shared/data/librispeech/arm_samples_transcripts.md."""


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    p.add_argument("--out", type=Path, default=ROOT / "samples")
    args = p.parse_args()
    if not args.data.is_dir():
        print(f"build_samples: no data directory {args.data}", file=sys.stderr)
        return 2
    tune, report = split_clips(args.data, "tune"), split_clips(args.data, "report")
    clips = {speaker: tune.get(speaker, []) + report.get(speaker, []) for speaker in tune | report}
    lj, l1089 = clips["ljspeech:LJ"], clips["librispeech:1089"]
    l251, l3536, mee009 = clips["librispeech:251"], clips["librispeech:3536"], clips["ami:MEE009"]
    fee083 = clips["ami:FEE083"]
    sections = []

    def make(name: str, turns: list[tuple[str, Clip, object]], **write) -> None:
        call = CallBuilder(name)
        for role, clip, place in turns:
            call.add(Turn(role, clip.audio, place=place))
        audio, truth = write_call(args.out, name, call.build(), **write)
        used = sorted({(c.file, c.start_s): c.source for _, c, _ in turns}.items())
        sections.append((audio, truth.name, load_truth(truth), [source for _, source in used]))

    make(
        "call1_agent_talks_over",
        [
            ("agent", lj[2], Gap(0.5)),
            ("customer", l1089[0], Gap(0.6)),
            ("agent", lj[5], Interrupt(position=0.3, yield_after_s=1.6)),
            ("customer", l1089[4], Gap(0.7)),
            ("agent", lj[12], Latch(0.12)),
            ("customer", l1089[2], Gap(0.8)),
            ("agent", lj[7], Gap(0.5)),
            ("customer", l1089[3], Gap(0.6)),
            ("agent", lj[9], Gap(0.4)),
        ],
        phone=True,
        seed=7,
    )
    make(
        "call2_customer_cuts_in",
        [
            ("agent", mee009[0], Gap(0.5)),
            ("customer", l251[2], Gap(0.6)),
            ("agent", mee009[1], Gap(0.5)),
            ("customer", l251[1], Interrupt(position=0.5, yield_after_s=1.4)),
            ("agent", mee009[2], Gap(0.8)),
            ("customer", l251[0], Latch(0.1)),
            ("agent", mee009[5], Interrupt(position=0.4, yield_after_s=1.5)),
            ("customer", l3536[0], Gap(0.7)),
            ("agent", mee009[3], Gap(0.6)),
            ("agent", mee009[6], Gap(0.9)),
            ("agent", mee009[4], Gap(0.7)),
        ],
        flac=True,
    )
    make(
        "call3_smooth_turns",
        [
            ("agent", fee083[0], Gap(0.4)),
            ("customer", lj[17], Gap(0.5)),
            ("agent", fee083[2], Latch(0.15)),
            ("customer", lj[14], Gap(0.9)),
            ("agent", fee083[7], Gap(0.3)),
            ("customer", lj[20], Latch(0.08)),
            ("agent", fee083[1], Gap(0.6)),
            ("customer", lj[22], Gap(0.5)),
            ("agent", fee083[5], Latch(0.1)),
            ("customer", lj[23], Gap(0.6)),
        ],
    )
    (args.out / "README.md").write_text(_readme(sections), encoding="utf-8")
    for audio, _, truth, _ in sections:
        print(
            f"{audio.name}: {truth['duration']:.1f} s, {len(truth['interruptions'])} interruptions, "
            f"{len(truth['short_overlaps'])} latches"
        )
    return 0


def _readme(sections: list) -> str:
    lines = [
        "# Sample calls",
        "",
        "Two-party calls built from real recorded speech with `scripts/build_samples.py` (channel 0 agent,",
        "channel 1 customer). Each `NAME.json` is the call's ground truth (format: docs/events.md), so",
        "`coolhead analyze samples --out ev && coolhead eval ev --truth samples` scores them.",
        "",
    ]
    for audio, truth_name, truth, sources in sections:
        info = probe_call(audio)
        lines += [
            f"## {audio.name}",
            "",
            f"{truth['duration']:.0f} s, {info.sample_rate_hz} Hz stereo {info.subtype}, "
            f"ground truth `{truth_name}`: "
            + ", ".join(f"{x['by']} interrupts at {x['t']:.2f} s" for x in truth["interruptions"])
            + ("; " if truth["interruptions"] else "no interruptions; ")
            + f"{len(truth['short_overlaps'])} brief latch(es), not interruptions.",
            "",
            "Speech from (file@start-end seconds):",
            "",
        ]
        lines += [f"- `{s}`" for s in sources] + [""]
    lines += [
        "## Credits and licences",
        "",
        "The recordings were trimmed, re-levelled, placed on two channels and (call1) passed through a",
        "simulated telephone line. Sources:",
        "",
    ]
    lines += [f"- {text}" for text in CREDITS.values()]
    lines += [
        "",
        "The LibriSpeech clips saved under readable names are, in LibriSpeech's numbering: "
        + ", ".join(f"`{name}` = {ORIGINAL_IDS[name]}" for name in LIBRISPEECH_NAMED)
        + ".",
        "The AMI files are 30 s excerpts of AMI meetings as distributed in the shared data",
        "(`ami/*.flac` with `debug.*.rttm` speaker labels).",
    ]
    lines += [
        "",
        "These derived calls are shared under the same terms: CC BY 4.0 for the parts from",
        "LibriSpeech and AMI (credit the corpora above), no restriction for LJ Speech. No RAVDESS",
        "material is included.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
