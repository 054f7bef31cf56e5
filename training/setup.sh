#!/usr/bin/env bash
# The training environment of the mono segmentation model (docs/mono.md): .venv-train beside
# .venv, CPU torch from this machine's disk, pyannote.audio without torchcodec and without
# torchaudio's CUDA-linked compiled ops (training feeds waveforms in memory).
set -euo pipefail
cd "$(dirname "$0")/.."
python3.11 -m venv .venv-train
pip=.venv-train/bin/pip
$pip install -q --upgrade pip
$pip install -q torch==2.13.0
$pip install -q --no-deps torchaudio==2.11.0 pyannote.audio==4.0.7 torch-audiomentations julius torch-pitch-shift primePy
rm -f .venv-train/lib/python3.11/site-packages/torchaudio/lib/*.so
$pip install -q asteroid-filterbanks einops huggingface-hub lightning matplotlib opentelemetry-api \
    opentelemetry-exporter-otlp opentelemetry-sdk pyannote-core pyannote-database pyannote-metrics \
    pyannote-pipeline pyannoteai-sdk pytorch-metric-learning rich safetensors torchmetrics numpy soundfile \
    onnx onnxruntime 'torch==2.13.0'
.venv-train/bin/python -c "import pyannote.audio, torch; print('pyannote.audio', pyannote.audio.__version__, 'torch', torch.__version__)"
