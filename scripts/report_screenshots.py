"""Regenerate docs/img/report.png (a heated synthetic call) and docs/img/index.png (a batch of a
few calls) in headless Chromium: ``.venv/bin/python scripts/report_screenshots.py``.

Also what the report tests use: the synthetic call, and headless Chromium (screenshot, DOM).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from coolhead import events
from coolhead.config import Config
from coolhead.events import Event
from coolhead.report.summary import CallSummary, summarise

ROOT = Path(__file__).resolve().parents[1]
WINDOW_WIDTH_PX = 1280
SENTENCES = {
    "agent": [
        "Thank you for calling, how can I help you today?",
        "Let me look into that for you.",
        "I understand, I can see the charge on your account.",
        "Please calm down, that is our policy.",
        "I am sorry, I hear you: you were charged twice and nobody called you back.",
        "I can put you through to my supervisor right now.",
    ],
    "customer": [
        "I was charged twice this month.",
        "I have called three times already and nobody fixed it.",
        "This is ridiculous, I want my money back now!",
        "Don't tell me to calm down!",
        "Okay. Thank you, that would help.",
        "Yes, that is the account number.",
    ],
}


def customer_anger(t_s: np.ndarray, duration_s: float, ends_heated: bool = False) -> np.ndarray:
    """Calm, heated around 40-50 % of the call (peak 1.0), calm again by three quarters (or, with
    ``ends_heated``, heated to the end)."""
    share = t_s / duration_s
    bump = np.exp(-0.5 * ((share - 0.45) / 0.09) ** 2)
    return np.clip(0.18 + 0.85 * np.where(ends_heated & (share > 0.45), 1.0, bump), 0.0, 1.0)


PAUSE_REASON = "You are talking over the customer: stop and let them finish."
REASONS = {
    "avoid_phrase": "Avoid 'calm down': it blocks the customer.",
    "restate": "The customer is getting angry: restate their concern and apologise.",
    "lower_voice": "Your voice is raised: lower it.",
    "transfer": "Still angry: offer to transfer to a supervisor.",
}


def _turn(
    who: str, start_s: float, end_s: float, duration_s: float, ends_heated: bool, rng: np.random.Generator
) -> list[Event]:
    """One turn's speech, words and anger readings (every 0.5 s; the agent's rise with the customer's)."""
    said = str(rng.choice(SENTENCES[who])).split()
    word_edges_s = np.linspace(start_s, end_s, len(said) + 1)
    out = [
        events.speech(who, start_s, end_s),
        events.words(who, [(w, s, e, 1.0) for w, s, e in zip(said, word_edges_s, word_edges_s[1:])]),
    ]
    grid_s = np.arange(start_s + 0.5, end_s, 0.5)
    customer = customer_anger(grid_s, duration_s, ends_heated)
    level = customer if who == "customer" else 0.15 + 0.25 * (customer > 0.6)
    level = np.clip(level + rng.normal(0.0, 0.03, len(grid_s)), 0.0, 1.0)
    loudness_db = 12.0 * (level - 0.2) + rng.normal(0.0, 0.8, len(grid_s))
    for t_s, lv, db in zip(grid_s, level, loudness_db):
        out.append(events.anger(t_s, who, round(float(lv), 3), departures={"loudness_db": round(float(db), 2)}))
    return out


def synthetic_call_events(duration_s: float = 60.0, seed: int = 0, ends_heated: bool = False) -> list[Event]:
    """A two-party call's events: turns with some talk-overs (interruptions; ``pause`` when the
    agent cut in), a customer who gets heated and calms down (``restate`` at the onset, then
    ``lower_voice`` and ``transfer``), an ``avoid_phrase``, and words for every turn."""
    rng = np.random.default_rng(seed)
    roles = {"0": "agent", "1": "customer"}
    out = [events.call_header("synthetic/heated_call.wav", 8000, 2, roles, duration=duration_s)]
    who, start_s, prev_end_s = "agent", 0.5, 0.0
    while start_s < duration_s - 1.0:
        end_s = min(start_s + rng.uniform(2.0, 7.0), duration_s - 0.2)
        out += _turn(who, start_s, end_s, duration_s, ends_heated, rng)
        if start_s < prev_end_s:
            out.append(events.interruption(who, start_s, prev_end_s - start_s))
            if who == "agent":
                out.append(events.cue(start_s + 0.4, "pause", PAUSE_REASON))
        prev_end_s = end_s
        talk_over = rng.random() < 0.15
        start_s = end_s - rng.uniform(0.4, 1.2) if talk_over else end_s + rng.uniform(0.2, 1.0)
        who = "customer" if who == "agent" else "agent"
    heated = (e["t"] for e in out if e["type"] == "anger" and e["speaker"] == "customer" and e["level"] >= 0.9)
    onset_s = next(heated, 0.45 * duration_s)
    cue_times_s = {
        "avoid_phrase": 0.2 * duration_s,
        "restate": onset_s + 0.3,
        "lower_voice": onset_s + 0.03 * duration_s,
        "transfer": onset_s + 0.08 * duration_s,
    }
    return out + [events.cue(t_s, kind, REASONS[kind]) for kind, t_s in cue_times_s.items()]


def synthetic_summary(duration_s: float = 60.0, seed: int = 0, ends_heated: bool = False) -> CallSummary:
    config = Config()
    found = synthetic_call_events(duration_s, seed, ends_heated)
    return summarise(found, config.cues.restate_level, config.anger.aroused_level)


def chromium() -> str:
    """The Chromium executable (scripts/setup.sh installs Debian's ``chromium``)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise FileNotFoundError("chromium not found: install it with scripts/setup.sh (apt-get install chromium)")
    return found


def _headless(args: list[str], timeout_s: float) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with a throwaway profile, no network chatter, at scale 1."""
    with tempfile.TemporaryDirectory(prefix="coolhead-chromium-") as profile:
        command = [
            chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
            "--force-device-scale-factor=1", f"--user-data-dir={profile}", *args,
        ]  # fmt: skip
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout_s)


def screenshot(html_path: Path, png_path: Path, height_px: int, timeout_s: float = 60.0) -> None:
    """Render ``html_path`` at ``WINDOW_WIDTH_PX`` × ``height_px`` into ``png_path``."""
    png_path = png_path.resolve()
    png_path.unlink(missing_ok=True)
    size = f"--window-size={WINDOW_WIDTH_PX},{height_px}"
    done = _headless([f"--screenshot={png_path}", size, html_path.resolve().as_uri()], timeout_s)
    if done.returncode != 0 or not png_path.is_file():
        raise RuntimeError(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")


def dump_dom(html_path: Path, timeout_s: float = 60.0) -> str:
    """The DOM of ``html_path`` after its scripts ran."""
    done = _headless(["--dump-dom", html_path.resolve().as_uri()], timeout_s)
    if done.returncode != 0:
        raise RuntimeError(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def main() -> None:
    from coolhead.audio.reader import probe_call
    from coolhead.report.html import call_report_html, index_html
    from coolhead.report.note import post_call_note
    from coolhead.report.summary import table_row
    from coolhead.run.replay import replay_call

    config = Config()
    heated = synthetic_summary(90.0, seed=3)
    rows = [
        table_row("heated_call.wav", heated),
        table_row("long_call.wav", synthetic_summary(600.0, seed=1)),
        table_row("unresolved_call.wav", synthetic_summary(240.0, seed=2, ends_heated=True)),
    ]
    for sample in ("call1_agent_talks_over.wav", "call2_customer_cuts_in.flac", "call3_smooth_turns.wav"):
        found: list[Event] = []
        replay_call(probe_call(ROOT / "samples" / sample), config, found.append)
        rows.append(table_row(sample, summarise(found, config.cues.restate_level, config.anger.aroused_level)))
    rows.append(table_row("broken.wav", None, "failed", "broken.wav: not an audio file (no RIFF header)"))
    out_dir = ROOT / "docs" / "img"
    with tempfile.TemporaryDirectory() as tmp:
        report, index = Path(tmp) / "heated_call.html", Path(tmp) / "index.html"
        report.write_text(call_report_html("heated_call.wav", heated, post_call_note(heated, None)), encoding="utf-8")
        hrefs = {str(r["call"]): f"{r['call']}.html" for r in rows if r["status"] == "ok"}
        index.write_text(index_html(rows, hrefs), encoding="utf-8")
        screenshot(report, out_dir / "report.png", 1500)
        screenshot(index, out_dir / "index.png", 620)
    print(f"wrote {out_dir / 'report.png'} and {out_dir / 'index.png'}")


if __name__ == "__main__":
    main()
