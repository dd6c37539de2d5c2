"""The Tips page: short posture and lifting cards, and the heat and cold timers.

Cards come from `coach.core.tips` (plain text). The "Heat and cold" card has one button per
timer; pressing one asks app.py to start it (`timer_requested(exercise_id)`), which asks how
many minutes and runs it like "Try this exercise" (recorded).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from coach.core.models import Exercise
from coach.core.thermal import minutes_range
from coach.core.tips import TIPS, TOPIC_TITLES, Tip, tips_by_topic
from coach.ui.widgets import FlowLayout, button, heading, mnemonic_literal, plain_label

CARD_STYLE = ("QFrame#card { border: 1px solid palette(mid); border-radius: 6px;"
              " background: palette(base); }")


def card(title: str, text: str) -> QFrame:
    frame = QFrame()
    frame.setObjectName("card")
    frame.setStyleSheet(CARD_STYLE)
    layout = QVBoxLayout(frame)
    layout.addWidget(heading(title, scale=1.15))
    layout.addWidget(plain_label(text))
    layout.addStretch()
    return frame


class TipsPage(QWidget):
    timer_requested = Signal(str)

    def __init__(self, timers: Sequence[Exercise] = (), tips: tuple[Tip, ...] = TIPS,
                 columns: int = 2) -> None:
        super().__init__()
        body = QWidget()
        outer = QVBoxLayout(body)
        outer.addWidget(heading("Tips for every day", scale=1.6))
        self.timer_buttons: dict[str, QPushButton] = {}
        if timers:
            outer.addWidget(heading("Heat and cold", scale=1.25))
            row = FlowLayout()  # wraps at a large text size
            for exercise in timers:
                span = minutes_range(exercise)
                extra = f" ({span[0]}-{span[1]} min)" if span else ""
                b = button(f"Start {mnemonic_literal(exercise.name.lower())}{extra}",
                           f"Start a {exercise.name.lower()} timer")
                b.setMinimumHeight(44)
                b.clicked.connect(lambda _=False, eid=exercise.id: self.timer_requested.emit(eid))
                self.timer_buttons[exercise.id] = b
                row.addWidget(b)
            outer.addLayout(row)
            outer.addWidget(plain_label(
                "Always keep a towel between a heat or cold pack and your skin. The timer "
                "tells you when to take it off."))
        self.cards: list[QFrame] = []
        for topic, group in tips_by_topic(tips):
            outer.addSpacing(8)
            outer.addWidget(heading(TOPIC_TITLES[topic], scale=1.25))
            grid = QGridLayout()
            for n, tip in enumerate(group):
                frame = card(tip.title, tip.text)
                self.cards.append(frame)
                grid.addWidget(frame, n // columns, n % columns)
            outer.addLayout(grid)
        outer.addStretch()
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
