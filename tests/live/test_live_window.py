"""The cue window, really drawn (Qt offscreen platform; xcb under Xvfb), checked by its pixels."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt starts; CI has no display

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from coolhead.cue_kinds import CUES, CueKind  # noqa: E402
from coolhead.i18n import LANGUAGES, load_texts, pick_language  # noqa: E402
from coolhead.report.note import TAKE_A_MOMENT  # noqa: E402
from coolhead.run.live_call import FinishedCall  # noqa: E402
from coolhead.ui.app import QtSink  # noqa: E402
from coolhead.ui.latency import LatencyLog  # noqa: E402
from coolhead.ui.window import FADE_MS, IDLE_COLOUR, CueWindow  # noqa: E402
from tests.conftest import ROOT  # noqa: E402

ARTIFACTS = ROOT / "tests" / "artifacts"
PAUSE_EVENT = {
    "t": 6.9,
    "type": "cue",
    "cue": "pause",
    "reason_key": "talking_over",
    "reason": "You are talking over the customer: stop and let them finish.",
}


@pytest.fixture(scope="module")
def qapp() -> QApplication:
    return QApplication.instance() or QApplication(["coolhead-test"])


def _wait(qapp: QApplication, done, timeout_s: float = 3.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        assert time.monotonic() < deadline, "timed out waiting for the window"
        qapp.processEvents()
        time.sleep(0.01)


def _colour_at(image: QImage, widget, window, x: int, y: int) -> str:
    point = widget.mapTo(window, QPoint(x, y)) * image.devicePixelRatio()
    return QColor(image.pixel(point)).name()


def _show_from_listener_thread(qapp: QApplication, window: CueWindow, sink: QtSink, event: dict) -> None:
    """Deliver ``event`` the way the listener does: from another thread, through the sink."""
    thread = threading.Thread(target=sink.on_event, args=(event, time.perf_counter()))
    thread.start()
    thread.join()
    _wait(qapp, lambda: window.current_cue == event["cue"])


def test_cue_from_the_listener_thread_is_shown_then_fades(qapp: QApplication) -> None:
    latency = LatencyLog()
    window = CueWindow(load_texts("en"), cue_visible_s=0.3)
    sink = QtSink(window, latency)
    window.show()
    window.set_call_state(armed=True, in_call=True)
    window.set_meters(0.62, 4.5)
    _show_from_listener_thread(qapp, window, sink, PAUSE_EVENT)

    image = window.grab().toImage()
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(str(ARTIFACTS / "cue-window.png"))
    assert window.cue_title.text() == "PAUSE"
    assert window.cue_reason.text() == PAUSE_EVENT["reason"]
    assert _colour_at(image, window.panel, window, 4, 4) == CUES[CueKind.PAUSE].colour
    assert window.interruptions.text() == "1, 1 by you"  # PAUSE says so: the talk-over is counted at once
    assert len(latency.samples_ms("cue")) == 1

    flags = window.windowFlags()
    assert flags & Qt.WindowType.WindowStaysOnTopHint and flags & Qt.WindowType.WindowDoesNotAcceptFocus
    assert window.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert window.focusPolicy() == Qt.FocusPolicy.NoFocus and window.call_button.focusPolicy() == Qt.FocusPolicy.NoFocus

    _wait(qapp, lambda: window.current_cue is None, timeout_s=0.3 + FADE_MS / 1000 + 2)
    assert _colour_at(window.grab().toImage(), window.panel, window, 4, 4) == IDLE_COLOUR
    assert window.cue_title.text() == "Listening"


def test_a_talk_over_is_counted_once_when_its_pause_cue_comes(qapp: QApplication) -> None:
    window = CueWindow(load_texts("en"))
    sink = QtSink(window, LatencyLog())
    for event in (
        {"t": 0.0, "type": "call", "started_utc": "2026-12-05T10:00:00.000+00:00"},
        PAUSE_EVENT,  # decided at 6.9 s, while the agent's talk-over from 6.27 s lasts
        {"t": 6.27, "type": "interruption", "by": "agent", "overlap_s": 1.05},  # the same talk-over, ended
        {"t": 12.0, "type": "interruption", "by": "customer", "overlap_s": 0.6},
        {"t": 20.0, "type": "interruption", "by": "agent", "overlap_s": 0.4},  # within the pause cue's cool-down
    ):
        sink.on_event(event, None)
        qapp.processEvents()
    assert window.interruptions.text() == "3, 2 by you"


def test_the_post_call_note_is_shown_after_the_call_until_the_next_one(qapp: QApplication) -> None:
    window = CueWindow(load_texts("en"))
    sink = QtSink(window, LatencyLog())
    window.show()
    note = ["Call of 0 min 30 s.", "Cues given: 1 pause.", TAKE_A_MOMENT]
    call = FinishedCall(Path("c.jsonl"), None, 30.0, 12, 1, "ended by the agent", note, Path("c.note.txt"))
    thread = threading.Thread(target=sink.on_call_end, args=(call,))  # as the listener does
    thread.start()
    thread.join()
    _wait(qapp, lambda: window.note_shown)
    assert window.cue_title.text() == "After the call"
    assert window.cue_reason.text().splitlines() == note
    reason = window.cue_reason
    _wait(qapp, lambda: reason.geometry().bottom() < window.panel.height() <= window.height())  # the note fits
    ARTIFACTS.mkdir(exist_ok=True)
    window.grab().save(str(ARTIFACTS / "window-post-call-note.png"))
    sink.on_event({"t": 0.0, "type": "call", "started_utc": "2026-12-05T10:00:00.000+00:00"}, None)  # next call
    _wait(qapp, lambda: not window.note_shown)
    assert window.cue_reason.text() == ""


def test_call_button_ends_and_starts_calls(qapp: QApplication) -> None:
    window = CueWindow(load_texts("en"))
    window.set_call_state(armed=True, in_call=True)
    toggles: list[bool] = []
    window.call_toggled.connect(toggles.append)
    window.call_button.click()
    window.call_button.click()
    assert toggles == [False, True]
    assert window.call_button.text() == "End call"


def _bar_fill_sides(window: CueWindow, image: QImage) -> tuple[str, str]:
    """Colours near the two ends of the anger meter (filled to 70%)."""
    bar = window.anger_meter.bar
    y = bar.height() // 2
    return (_colour_at(image, bar, window, 6, y), _colour_at(image, bar, window, bar.width() - 6, y))


@pytest.mark.parametrize("language", ["fa", "en"])
def test_persian_is_laid_out_right_to_left(qapp: QApplication, language: str) -> None:
    texts = load_texts(language)
    window = CueWindow(texts)
    window.show()
    window.set_call_state(armed=True, in_call=True)
    window.set_meters(0.7, 4.5)
    window.set_interruptions(3, 2)
    window.show_cue("pause", texts.reason(PAUSE_EVENT))
    qapp.processEvents()
    image = window.grab().toImage()
    image.save(str(ARTIFACTS / f"cue-window-{language}.png"))

    rtl = language == "fa"
    assert (window.layoutDirection() == Qt.LayoutDirection.RightToLeft) == rtl
    assert window.cue_title.text() == ("مکث کنید" if rtl else "PAUSE")
    bar_x = window.anger_meter.bar.mapTo(window, QPoint(0, 0)).x()
    meter_label = next(
        w for w in window.findChildren(type(window.cue_title)) if w.text() == texts.label("customer_anger")
    )
    assert (meter_label.mapTo(window, QPoint(0, 0)).x() > bar_x) == rtl  # label, then bar, in reading order
    start, end = _bar_fill_sides(window, image)
    filled, empty = (end, start) if rtl else (start, end)
    assert filled != empty, "the meter is filled from the reading start"
    assert QColor(empty).lightness() > QColor(filled).lightness()


@pytest.mark.parametrize("language", LANGUAGES)
def test_meter_values_are_readable_at_every_value_in_every_language(qapp: QApplication, language: str) -> None:
    """Each meter's value is whole, in dark text beside its bar (not on it), with a scale."""
    window = CueWindow(load_texts(language))
    window.show()
    for anger, loudness_db in ((0.0, -30.0), (0.62, 4.5), (1.0, 0.0), (0.999, 88.8), (0.05, -6.0)):
        window.set_meters(anger, loudness_db)
        qapp.processEvents()
        image = window.grab().toImage()
        for meter, text in ((window.anger_meter, f"{anger:.2f}"), (window.loudness_meter, f"{loudness_db:+.1f} dB")):
            label = meter.value
            assert label.text() == text
            assert label.fontMetrics().horizontalAdvance(text) <= label.contentsRect().width(), (language, text)
            assert not label.geometry().intersects(meter.bar.geometry())
            assert QColor(_colour_at(image, label, window, 1, 1)).lightness() > 200  # dark text on a light ground
            ticks = [w.text() for w in meter.findChildren(type(label)) if w is not label]
            assert len(ticks) == 3 and all(ticks)
    window.grab().save(str(ARTIFACTS / f"meters-{language}.png"))


def test_every_language_has_every_text() -> None:
    assert set(LANGUAGES) >= {"en", "fa", "ro", "sv"}
    english = load_texts("en")
    assert set(english.cues) == set(CUES)
    for language in LANGUAGES:
        texts = load_texts(language)
        assert set(texts.cues) == set(english.cues), language
        assert all(set(v) == {"title", "reason"} for v in texts.cues.values()), language
        assert set(texts.reasons) == set(english.reasons), language
        assert set(texts.ui) == set(english.ui), language
        assert "2" in texts.reason({"cue": "lower_voice", "reason_key": "voice_raised", "reason_args": {"seconds": 2}})


def test_reasons_are_translated_by_key_rule_or_kind() -> None:
    fa, en = load_texts("fa"), load_texts("en")
    assert fa.reason(PAUSE_EVENT) == fa.reasons["talking_over"]
    assert fa.reason({"cue": "transfer", "rule": "manager_request", "reason": "..."}) == fa.reasons["manager_request"]
    no_key = {"cue": "restate", "reason": "The customer just finished an angry turn: restate it."}
    assert fa.reason(no_key) == fa.cues["restate"]["reason"]
    assert en.reason(no_key) == no_key["reason"]
    assert en.title("brand_new_cue") == "BRAND NEW CUE"


def test_language_comes_from_config_else_locale() -> None:
    assert pick_language("ro", {"LANG": "sv_SE.UTF-8"}) == "ro"
    assert pick_language("", {"LANG": "sv_SE.UTF-8"}) == "sv"
    assert pick_language("", {"LANGUAGE": "de:fa", "LANG": "en_US.UTF-8"}) == "fa"
    assert pick_language("", {"LC_ALL": "C", "LANG": "fa_IR.UTF-8"}) == "fa"
    assert pick_language("", {"LANG": "de_DE.UTF-8"}) == "en"


XVFB_SCRIPT = """
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
app = QApplication([])
assert app.platformName() == "xcb", app.platformName()
from coolhead.i18n import load_texts
from coolhead.cue_kinds import CUES
from coolhead.ui.window import CueWindow
window = CueWindow(load_texts("sv"))
window.show()
texts = load_texts("sv")
window.show_cue("transfer", texts.reason({"cue": "transfer", "rule": "manager_request", "reason": ""}))
app.processEvents()
image = window.grab().toImage()
assert window.cue_title.text() == "KOPPLA VIDARE"
assert window.cue_reason.text() == texts.reasons["manager_request"]
assert QColor(image.pixel(window.panel.pos().x() + 4, window.panel.pos().y() + 4)).name() == CUES["transfer"].colour
image.save(__import__("sys").argv[1])
"""


def test_window_under_xvfb_with_the_xcb_platform(tmp_path: Path) -> None:
    if shutil.which("xvfb-run") is None:
        pytest.fail("xvfb-run not installed (apt: xvfb xauth; .ci/run installs it)")
    shot = ARTIFACTS / "cue-window-sv-xvfb.png"
    result = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 640x480x24", sys.executable, "-c", XVFB_SCRIPT, str(shot)],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "xcb"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.stat().st_size > 1000
