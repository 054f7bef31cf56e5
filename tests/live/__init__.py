"""Live capture tests on real (PulseAudio null-sink) devices and a real (offscreen/Xvfb) window."""
