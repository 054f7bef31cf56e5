"""Where events go: JSONL files, the console timeline (and, later, the cue window and reports)."""
