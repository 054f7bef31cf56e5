#!/usr/bin/env bash
# Interruption detection on labelled real-speech calls: build both splits (clean and phone),
# analyse them, score them, print one table. Tune on `tune`, report `report`.
#   scripts/eval_interruptions.sh [WORK_DIR]      (default: /tmp/coolhead-eval; ~1 min on one core)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-/tmp/coolhead-eval}"
py=.venv/bin/python
rm -rf "$work/calls" "$work/events" "$work/scores"
$py scripts/build_eval_calls.py "$work/calls"
for split in tune report; do
  for version in clean phone; do
    .venv/bin/coolhead analyze "$work/calls/$split/$version" --out "$work/events/$split/$version" --quiet --no-stt
    mkdir -p "$work/scores/$split"
    .venv/bin/coolhead eval "$work/events/$split/$version" --truth "$work/calls/$split/$version" \
      --json "$work/scores/$split/$version.json" > /dev/null
  done
done
echo
$py scripts/interruption_table.py "$work"
