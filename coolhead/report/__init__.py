"""What a call came to, for people: its summary figures, the post-call note, the per-call HTML
report with its plots, and the batch table and index (events in, files for QA out)."""
