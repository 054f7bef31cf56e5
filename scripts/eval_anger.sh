#!/usr/bin/env bash
# Anger figures on RAVDESS calls: build the calls (once), replay them, score them.
#
#   scripts/eval_anger.sh [test|tune] [WORK_DIR] [ROUNDS] [SEED]
#
# test (default) = held-out actors 17-24, tune = actors 1-16 (the only ones tuned on).
# Calls go to WORK_DIR (default /tmp/coolhead-ravdess; RAVDESS must never enter the repo);
# ROUNDS calls per actor and kind (default 2), SEED of the draw (default 0). The larger draw in
# docs/anger.md: scripts/eval_anger.sh test /tmp/coolhead-ravdess-5x 5 100
# Prints the `coolhead eval` table for the clean and the telephone-band version and writes
# WORK_DIR/SET/{clean,phone}.json. Acoustic path only (--no-stt).
set -euo pipefail
cd "$(dirname "$0")/.."
set_name="${1:-test}"
work="${2:-/tmp/coolhead-ravdess}"
rounds="${3:-2}"
seed="${4:-0}"
py=.venv/bin/python
[ -x "$py" ] || py=python3
if [ ! -f "$work/$set_name/phone/.complete" ]; then
    rm -rf "${work:?}/$set_name"
    "$py" scripts/build_ravdess_calls.py --actors "$set_name" --out "$work/$set_name" --phone \
        --rounds "$rounds" --seed "$seed"
    touch "$work/$set_name/phone/.complete"
fi
for band in clean phone; do
    rm -rf "$work/$set_name/events-$band"
    "$py" -m coolhead.cli.main analyze --quiet --no-stt "$work/$set_name/$band" --out "$work/$set_name/events-$band"
    echo "== $set_name actors, $band"
    "$py" -m coolhead.cli.main eval "$work/$set_name/events-$band" --truth "$work/$set_name/$band" \
        --json "$work/$set_name/$band.json"
done
