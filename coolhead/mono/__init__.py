"""Mono recordings: who speaks when in a mixed stream, then two streams the pipeline analyses
like a stereo call.

``model`` runs coolhead's own speaker-segmentation model (trained with pyannote.audio by
training/train_mono_segmentation.py, exported to ONNX, run with onnxruntime: the ``mono`` extra);
``segmenter`` makes it causal with a bounded look-ahead; ``split`` turns the mixed chunks into
agent and customer chunks.
"""
