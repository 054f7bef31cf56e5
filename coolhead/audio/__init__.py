"""Audio in: reading recorded calls, live capture, resampling, chunking into role streams."""
