"""``coolhead bench``: how fast and how lean coolhead runs, measured, printed and recorded.

Every figure comes with the spread of its repeats (min/median/max) and, for the acoustic path,
as a ratio to a lean reference pipeline timed in the same run (``reference.py``), so figures
stay comparable on a noisy shared machine. Modules: ``timing`` (repeats), ``reference`` (the
baseline), ``replay`` (the layers of the replay path), ``live`` (chunk latency, live capacity),
``process`` (cold start, memory, scaling with call length), ``batch`` (QA batch throughput),
``transcripts`` (with speech-to-text), ``machine`` (what ran it).
"""
