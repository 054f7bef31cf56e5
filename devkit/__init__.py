"""Development kit, not part of the installed package: building labelled test calls from the
real speech in ../shared/data (corpus loaders, call builders, dialogues), synthetic speech
(espeak-ng), and the speech-to-text measurements. Used by scripts/ and tests/; `coolhead eval`
needs only coolhead/evaluation (truth, metrics, runner)."""
