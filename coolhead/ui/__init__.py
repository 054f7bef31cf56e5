"""What the agent sees live: the cue window (Qt) and the console cue printer."""
