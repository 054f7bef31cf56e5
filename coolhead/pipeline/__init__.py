"""The streaming pipeline: per-role frame analysis, per-frame trackers, cue policy.

Audio time only: a replayed file and a live capture fed the same samples give the same events.
"""

from coolhead.pipeline.pipeline import Pipeline

__all__ = ["Pipeline"]
