"""The big countdown: digits sized to fill a ring that drains as the phase runs.

A painted widget, so the digits grow with the window: readable from a mat three metres away when
fullscreen, and still whole at 800x600. It shows what it is given (text, progress, a label);
the session engine decides all of it.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from coach.ui.theme import ACCENT

#: Share of the ring's inner diameter the digits may take, across and down.
_DIGITS_WIDTH = 0.86
_DIGITS_HEIGHT = 0.30
_LABEL_HEIGHT = 0.13


class CountdownView(QWidget):
    """Draws `text` (e.g. "0:25") inside a ring showing how much of the phase is left.

    `label` is a short word under the digits ("Hold", "Rest", "Paused"). `emphasis` colours the
    ring as work (accent) rather than a rest or lead-in (highlight); `dimmed` greys it (paused).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._label = ""
        self._progress = 0.0
        self._emphasis = False
        self._dimmed = False
        self.work_colour = QColor(ACCENT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(140, 140)
        self.setAccessibleName("Countdown")

    # --- what to show -------------------------------------------------------------------------

    def set_state(self, text: str, progress: float, label: str = "", *, emphasis: bool = False,
                  dimmed: bool = False) -> None:
        progress = min(1.0, max(0.0, progress))
        new = (text, label, progress, emphasis, dimmed)
        if new == (self._text, self._label, self._progress, self._emphasis, self._dimmed):
            return
        self._text, self._label, self._progress, self._emphasis, self._dimmed = new
        self.setAccessibleDescription(f"{label} {text}".strip())
        self.update()

    def text(self) -> str:
        return self._text

    def label(self) -> str:
        return self._label

    def progress(self) -> float:
        return self._progress

    def digit_pixel_size(self) -> int:
        """The pixel size the digits are drawn at (for layout checks)."""
        return self._digits_font(self._ring_rect()).pixelSize()

    # --- painting ---------------------------------------------------------------------------

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(360, 360)

    def _ring_rect(self) -> QRectF:
        side = max(10.0, min(self.width(), self.height()) - 8.0)
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def _ring_width(self, ring: QRectF) -> float:
        return max(6.0, ring.width() * 0.055)

    def _digits_font(self, ring: QRectF) -> QFont:
        inner = ring.width() - 2 * self._ring_width(ring)
        font = QFont(self.font())
        font.setBold(True)
        font.setPixelSize(100)
        # Size for the widest digits of this length, so the size does not jump as they change.
        template = re.sub(r"\d", "0", self._text or "0:00")
        metrics = QFontMetricsF(font)
        advance = max(1.0, metrics.horizontalAdvance(template))
        height = max(1.0, metrics.capHeight())
        pixel = min(100 * inner * _DIGITS_WIDTH / advance, 100 * inner * _DIGITS_HEIGHT / height)
        font.setPixelSize(max(8, int(pixel)))
        return font

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text_colour = pal.windowText().color()
        ring = self._ring_rect()
        width = self._ring_width(ring)
        track_rect = ring.adjusted(width / 2, width / 2, -width / 2, -width / 2)

        track = QColor(text_colour)
        track.setAlphaF(0.15)
        pen = QPen(track, width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        painter.drawEllipse(track_rect)

        if self._dimmed:
            arc = QColor(text_colour)
            arc.setAlphaF(0.45)
        elif self._emphasis:
            arc = QColor(self.work_colour)
        else:
            arc = pal.highlight().color()
        left = 1.0 - self._progress
        if left > 0:
            pen = QPen(arc, width)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap if left < 1 else Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            # Qt angles are 1/16 degree, counter-clockwise from 3 o'clock; draining clockwise
            # from 12 o'clock leaves the remaining arc ending at 12.
            painter.drawArc(track_rect, 90 * 16, int(round(left * 360 * 16)))

        font = self._digits_font(ring)
        metrics = QFontMetricsF(font)
        inner = ring.width() - 2 * width
        cap = metrics.capHeight()
        lift = inner * 0.07 if self._label else 0.0
        baseline = ring.center().y() + cap / 2 - lift
        painter.setFont(font)
        painter.setPen(text_colour)
        painter.drawText(QPointF(ring.center().x() - metrics.horizontalAdvance(self._text) / 2,
                                 baseline), self._text)

        if self._label:
            label_font = QFont(self.font())
            label_font.setBold(True)
            room = inner * 0.72
            pixel = max(8, int(inner * _LABEL_HEIGHT * 0.75))
            label_font.setPixelSize(pixel)
            label_metrics = QFontMetricsF(label_font)
            wide = label_metrics.horizontalAdvance(self._label)
            if wide > room:  # shrink a long label ("Get into position") to fit, down to 60%
                label_font.setPixelSize(max(8, int(pixel * max(0.6, room / wide))))
                label_metrics = QFontMetricsF(label_font)
            label = label_metrics.elidedText(self._label, Qt.TextElideMode.ElideRight, room)
            painter.setFont(label_font)
            top = baseline + inner * 0.06
            painter.drawText(QRectF(ring.center().x() - room / 2, top, room,
                                    label_metrics.height() * 1.2),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)
        painter.end()
