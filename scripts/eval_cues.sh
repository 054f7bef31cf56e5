#!/usr/bin/env bash
# Anger, interruption and cue figures on calls built from an emotional-speech corpus: build the
# calls (once), replay every condition, score it.
#
#   scripts/eval_cues.sh CORPUS SPLIT [WORK_DIR] [ROUNDS] [SEED]
#
# CORPUS: ravdess or nemo (devkit/emotion_corpora.py); SPLIT: tune (the only
# speakers tuned on) or test (held out). Calls go to WORK_DIR/SPLIT (default WORK_DIR
# /tmp/coolhead-calls/CORPUS; these corpora must never enter the repo), one folder per condition
# (clean, phone, levelnorm, effort6: scripts/build_emotion_calls.py); ROUNDS calls per speaker
# and kind (default 2), SEED of the draw (default 0). A finished build is reused while ROUNDS
# and SEED stay the same; the replays are always redone (--force: the code may have changed
# under the same settings). Replays into WORK_DIR/SPLIT/events-CONDITION, writes the `coolhead
# eval` figures to WORK_DIR/SPLIT/CONDITION.json and prints them. Acoustic path only (--no-stt).
# One table over corpora and conditions: scripts/cue_table.py WORK_DIR/SPLIT ...
# MONO=1: the clean and phone calls mixed down to mono (scripts/mix_to_mono.py) and replayed as
# conditions mono-clean and mono-phone instead (needs coolhead[mono]).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
    echo "usage: scripts/eval_cues.sh CORPUS SPLIT [WORK_DIR] [ROUNDS] [SEED]" >&2
    exit 2
fi
corpus="$1"
split="$2"
work="${3:-/tmp/coolhead-calls/$corpus}"
rounds="${4:-2}"
seed="${5:-0}"
conditions=(clean phone levelnorm effort6)
py=.venv/bin/python
[ -x "$py" ] || py=python3
set_dir="$work/$split"
stamp="$corpus $split rounds=$rounds seed=$seed"
if [ "$(cat "$set_dir/.complete" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "${set_dir:?}"
    "$py" scripts/build_emotion_calls.py --corpus "$corpus" --split "$split" --out "$set_dir" \
        --rounds "$rounds" --seed "$seed" --conditions "$(IFS=,; echo "${conditions[*]}")"
    echo "$stamp" > "$set_dir/.complete"
fi
if [ "${MONO:-0}" = 1 ]; then
    rm -rf "$set_dir"/mono-clean "$set_dir"/mono-phone
    "$py" scripts/mix_to_mono.py "$set_dir" clean phone
    conditions=(mono-clean mono-phone)
fi
for condition in "${conditions[@]}"; do
    rm -rf "$set_dir/events-$condition"
    "$py" -m coolhead.cli.main analyze --quiet --force --no-stt "$set_dir/$condition" --out "$set_dir/events-$condition"
    echo "== $corpus $split, $condition"
    "$py" -m coolhead.cli.main eval "$set_dir/events-$condition" --truth "$set_dir/$condition" \
        --json "$set_dir/$condition.json"
done
