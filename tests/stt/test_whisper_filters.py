"""Whisper's encoder context per utterance and the rules that drop non-speech output (no model needed)."""

from __future__ import annotations

import pytest

from coolhead.pipeline.stt_whisper import context_frames, is_hallucination


@pytest.mark.parametrize(
    "seconds, frames", [(0.4, 1000), (8.9, 1000), (9.1, 1100), (12.3, 1400), (28.5, 3000), (45.0, 3000)]
)
def test_encoder_context_is_the_utterance_plus_a_second_at_least_ten_at_most_thirty(
    seconds: float, frames: int
) -> None:
    assert context_frames(int(seconds * 16000)) == frames


SPEECH = " I'd like to speak to your manager, please."


@pytest.mark.parametrize(
    "text, no_speech, logprob, ratio",
    [
        (SPEECH, 0.05, -0.3, 1.1),
        (" Thank you.", 0.2, -0.5, 0.7),  # a real, short thank-you
        (" No, no, I said the twenty-first.", 0.1, -0.6, 1.0),
        (" At the end of the month.", 0.1, -0.4, 0.9),
        (" Kids are talking by the door!", 0.44, -0.46, 0.78),  # acted anger: high no-speech, confident words
        (" Dzień dobry, chciałbym rozmawiać z kierownikiem.", 0.1, -0.7, 1.0),
        (" من می‌خواهم با مدیر صحبت کنم", 0.1, -0.7, 1.0),
    ],
)
def test_speech_is_kept(text: str, no_speech: float, logprob: float, ratio: float) -> None:
    assert not is_hallucination(text, no_speech, logprob, ratio)


@pytest.mark.parametrize(
    "text, no_speech, logprob, ratio",
    [
        (" Thank you so much for watching, and I'll see you in the next video.", 0.1, -0.3, 1.2),
        (" see you in the next video", 0.3, -0.5, 0.9),
        (" Subtitles by the Amara.org community", 0.2, -0.4, 1.0),
        (" Music", 0.3, -0.9, 0.5),
        (" [Music]", 0.3, -0.9, 0.5),
        (" ♪ ♪ ♪", 0.5, -1.2, 0.8),
        (" (applause)", 0.4, -0.9, 0.6),
        (" you", 0.5, -1.1, 0.3),
        (" Beep, beep, beep, beep.", 0.71, -0.68, 1.35),
        (" بی بی بی بی بی", 0.67, -1.0, 1.5),
        (" I'm sorry, I'm sorry, I'm sorry, I'm sorry, I'm sorry.", 0.78, -0.44, 5.41),
        (" Thank you very much.", 0.83, -1.14, 0.71),  # Whisper's own no-speech rule
        (" Thank you.", 0.90, -1.01, 0.56),  # tiny.en on a pink-noise burst through the phone line
        ("  ", 0.0, -0.1, 0.0),
    ],
)
def test_non_speech_output_is_dropped(text: str, no_speech: float, logprob: float, ratio: float) -> None:
    assert is_hallucination(text, no_speech, logprob, ratio)
