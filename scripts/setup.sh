#!/usr/bin/env bash
# Set up coolhead on a fresh Debian/Ubuntu machine: system packages (when run as root),
# a virtual environment in .venv, and the package with every extra. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  espeak-ng sox                                     # test speech synthesis and audio tools
  libportaudio2                                     # sounddevice (live capture)
  pulseaudio pulseaudio-utils libasound2-plugins    # headless capture devices for live tests
  xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 libxcb-shape0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 libegl1 libgl1 libfontconfig1 libdbus-1-3
  fonts-dejavu-core fonts-noto-core                 # the cue window (Qt) and its scripts (Persian)
  chromium                                          # renders the HTML reports in their tests
)

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null
else
  echo "setup: not root or no apt-get: make sure these are installed: ${APT_PACKAGES[*]}" >&2
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[all,dev]"
echo "setup: done; run .venv/bin/coolhead --help"
