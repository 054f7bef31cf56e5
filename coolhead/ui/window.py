"""The cue window: small, always on top, never takes keyboard focus.

The current cue is shown big and plain on a coloured panel with its reason, for
``cue_visible_s`` seconds, then fades. Below it: the customer's anger level, the agent's
loudness against their own baseline, the call's interruption count, and a start/end call button.
Runs in the Qt GUI thread only; ``QtSink`` (coolhead/ui/app.py) brings events in via signals.
"""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, QPropertyAnimation, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QGraphicsOpacityEffect,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coolhead.cue_kinds import CUES
from coolhead.i18n import CueTexts

OTHER_CUE_COLOUR = "#495057"
"""Panel colour of a cue kind this version does not know (an event from a newer coolhead)."""
IDLE_COLOUR = "#212529"
REASON_MIN_HEIGHT = 48
RLM = "\u200f"
"""Right-to-left mark: fixes the paragraph direction of RTL text that starts with digits."""
FADE_MS = 800
LOUDNESS_RANGE_DB = (-12.0, 12.0)
"""Agent loudness meter span, dB relative to their own baseline (0, their usual, in the middle)."""


class CueWindow(QWidget):
    call_toggled = Signal(bool)
    """The agent pressed the call button: True = start a call, False = end it."""

    def __init__(self, texts: CueTexts, cue_visible_s: float = 4.0) -> None:
        super().__init__(
            None, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint | Qt.WindowType.WindowDoesNotAcceptFocus
        )
        self.texts = texts
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWindowTitle(texts.label("window_title"))
        self.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if texts.right_to_left else Qt.LayoutDirection.LeftToRight
        )
        self.setFixedWidth(420)
        self.current_cue: str | None = None
        self._in_call = False
        self.note_shown = False

        self.panel = QWidget()
        self.panel.setAutoFillBackground(True)
        self.cue_title = QLabel(texts.label("waiting"))
        self.cue_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cue_title.setFont(_font(26, bold=True))
        self.cue_reason = QLabel("")
        self.cue_reason.setWordWrap(True)
        self.cue_reason.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.cue_reason.setFont(_font(12))
        self.cue_reason.setMinimumHeight(REASON_MIN_HEIGHT)
        panel_layout = QVBoxLayout(self.panel)
        panel_layout.addWidget(self.cue_title)
        panel_layout.addWidget(self.cue_reason)
        self._opacity = QGraphicsOpacityEffect(self.panel)
        self.panel.setGraphicsEffect(self._opacity)
        self._fade = QPropertyAnimation(self._opacity, b"opacity", self)
        self._fade.setDuration(FADE_MS)
        self._fade.setEasingCurve(QEasingCurve.Type.InQuad)
        self._fade.finished.connect(self._idle)
        self._hold = QTimer(self, singleShot=True, interval=int(cue_visible_s * 1000))
        self._hold.timeout.connect(self._start_fade)

        self.anger_meter = Meter((0.0, 1.0), ("0", "0.5", "1"), "0.00")
        low_db, high_db = LOUDNESS_RANGE_DB
        self.loudness_meter = Meter(LOUDNESS_RANGE_DB, (f"{low_db:+.0f}", "0", f"{high_db:+.0f} dB"), "+88.8 dB")
        self.interruptions = QLabel("0")
        self.interruptions.setFont(_font(12, bold=True))
        meters = QGridLayout()
        for row, (label, widget) in enumerate(
            (
                (texts.label("customer_anger"), self.anger_meter),
                (texts.label("agent_loudness"), self.loudness_meter),
                (texts.label("interruptions"), self.interruptions),
            )
        ):
            meters.addWidget(QLabel(label), row, 0)
            meters.addWidget(widget, row, 1)
        self.call_button = QPushButton(texts.label("start_call"))
        self.call_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.call_button.setCheckable(True)
        self.call_button.toggled.connect(self._toggled)

        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.panel)
        self._layout.addLayout(meters)
        self._layout.addWidget(self.call_button)
        self._paint_panel(IDLE_COLOUR)
        self.set_meters(0.0, 0.0)

    def show_cue(self, kind: str, reason: str) -> None:
        """Show a cue now (replacing any other), hold it, then fade."""
        self.current_cue = kind
        self.note_shown = False
        self._fade.stop()
        self._opacity.setOpacity(1.0)
        self.cue_title.setText(self.texts.title(kind))
        self.cue_reason.setText(self._directed(reason))
        spec = CUES.get(kind)  # type: ignore[call-overload]  # a str: CueKind members hash as their values
        self._paint_panel(spec.colour if spec else OTHER_CUE_COLOUR)
        self._hold.start()

    def show_note(self, lines: list[str]) -> None:
        """The post-call note, on the idle panel until the next call or cue."""
        self._hold.stop()
        self._fade.stop()
        self._opacity.setOpacity(1.0)
        self.current_cue = None
        self.note_shown = True
        self.cue_title.setText(self.texts.label("after_call"))
        self.cue_reason.setText("\n".join(lines))
        self._paint_panel(IDLE_COLOUR)
        self._fit_reason()

    def _fit_reason(self) -> None:
        """Room for the whole reason or note (a note is longer than a cue's reason)."""
        self.cue_reason.setMinimumHeight(
            max(REASON_MIN_HEIGHT, self.cue_reason.heightForWidth(self.cue_reason.width()))
        )
        self._layout.activate()
        self.adjustSize()

    def clear_note(self) -> None:
        if self.note_shown:
            self._idle()

    def set_meters(self, customer_anger: float, agent_vs_baseline_db: float) -> None:
        self.anger_meter.show_value(customer_anger, f"{customer_anger:.2f}")
        self.loudness_meter.show_value(agent_vs_baseline_db, f"{agent_vs_baseline_db:+.1f} dB")

    def set_interruptions(self, total: int, by_agent: int) -> None:
        self.interruptions.setText(
            self._directed(self.texts.label("interruptions_count").format(total=total, by_you=by_agent))
        )

    def set_call_state(self, armed: bool, in_call: bool) -> None:
        """``armed``: calls are being taken (the button's state); ``in_call``: one is going on now."""
        if self.call_button.isChecked() != armed:
            self.call_button.blockSignals(True)
            self.call_button.setChecked(armed)
            self.call_button.blockSignals(False)
        self.call_button.setText(self.texts.label("end_call" if armed else "start_call"))
        self._in_call = in_call
        if self.current_cue is None and not self.note_shown:
            self.cue_title.setText(self.texts.label("listening" if in_call else "waiting"))

    def _directed(self, text: str) -> str:
        """Text that starts with a digit would otherwise be laid out left to right."""
        return RLM + text if self.texts.right_to_left else text

    def _toggled(self, checked: bool) -> None:
        self.call_button.setText(self.texts.label("end_call" if checked else "start_call"))
        self.call_toggled.emit(checked)

    def _start_fade(self) -> None:
        self._fade.setStartValue(1.0)
        self._fade.setEndValue(0.0)
        self._fade.start()

    def _idle(self) -> None:
        self.current_cue = None
        self.note_shown = False
        self.cue_reason.setText("")
        self._fit_reason()
        self.cue_title.setText(self.texts.label("listening" if self._in_call else "waiting"))
        self._paint_panel(IDLE_COLOUR)
        self._opacity.setOpacity(1.0)

    def _paint_panel(self, colour: str) -> None:
        palette = self.panel.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(colour))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("#ffffff"))
        self.panel.setPalette(palette)


class Meter(QWidget):
    """A bar with its scale under it and its value beside it, in dark text on the window's
    background (never on the bar, where it would vanish at some fill levels)."""

    def __init__(self, span: tuple[float, float], scale: tuple[str, str, str], widest_value: str) -> None:
        """``scale``: the texts at the span's start, middle and end."""
        super().__init__()
        self.span = span
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setTextVisible(False)
        self.bar.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.bar.setMaximumHeight(14)
        self.value = QLabel("")
        self.value.setFont(_font(10, bold=True))
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.value.setMinimumWidth(self.value.fontMetrics().horizontalAdvance(widest_value) + 4)
        ticks = QHBoxLayout()
        ticks.setContentsMargins(0, 0, 0, 0)
        for text, align in zip(
            scale, (Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignHCenter, Qt.AlignmentFlag.AlignRight)
        ):
            tick = QLabel(text)
            tick.setFont(_font(7))
            tick.setAlignment(align)
            tick.setStyleSheet("color: #6c757d")
            ticks.addWidget(tick, 1)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.bar)
        column.addLayout(ticks)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(column, 1)
        row.addWidget(self.value)

    def show_value(self, value: float, text: str) -> None:
        """Fill the bar to ``value`` (clipped to the span) and show ``text`` (the true value)."""
        low, high = self.span
        self.bar.setValue(round(100 * (min(max(value, low), high) - low) / (high - low)))
        self.value.setText(text)


def _font(point_size: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(point_size)
    font.setBold(bold)
    return font
