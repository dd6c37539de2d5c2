"""The red-flag screen: six yes/no questions, and advice by urgency when any answer is yes.

Page one asks the six questions of `coach.core.safety.RED_FLAGS`, each with a Yes and a No;
"Continue" is enabled once all six are answered. All no, and nothing held: the dialog is
accepted. Any yes, or a hold from an earlier yes (`hold`): page two shows what to do (the
most urgent level's title and action, and the reason for each sign) and that no session
starts until a clinician has checked the person. With a hold from an earlier start, and no
new sign now, page two also asks for the confirmation "A doctor or physiotherapist has
checked me and said I can exercise": ticked, "Continue" accepts it; "Not yet" keeps the
hold. A first yes can never be confirmed in the same dialog.

The dialog returns `RedFlagResult`; recording it (answers, the clearance, with the time) is
the caller's job.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from coach.core.safety import (
    CLEARANCE_TEXT,
    HOLD_TEXT,
    RED_FLAGS,
    Hold,
    ScreeningNeed,
    clearance_allowed,
    red_flag_advice,
)
from coach.safety_flow import RedFlagResult
from coach.ui.pain_check_dialog import YesNo
from coach.ui.theme import WARNING
from coach.ui.widgets import button, heading, plain_label, primary_button

INTRO = {
    ScreeningNeed.FIRST: (
        "Before your first session, please answer these six questions. They look for rare "
        "signs that a back problem needs a doctor straight away, not exercise."),
    ScreeningNeed.WEEKLY: (
        "Your weekly safety check: the same six quick questions. Answer for how you are "
        "now."),
    ScreeningNeed.HOLD: "Please answer the six questions again for how you are now.",
    None: "Answer for how you are now.",
}


def day_text(moment: datetime) -> str:
    """'Thursday 3 December'."""
    return f"{moment:%A} {moment.day} {moment:%B}"


class RedFlagsDialog(QDialog):
    def __init__(self, need: ScreeningNeed | None = ScreeningNeed.FIRST, *,
                 hold: Hold | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Safety check")
        self.setModal(True)
        self.setMinimumWidth(640)
        # A button that cannot be pressed yet must look like it.
        self.setStyleSheet("QPushButton#primary:disabled { background: palette(mid);"
                           " color: palette(window); }")
        self._hold = hold
        self._answers: dict[str, bool] = {}
        self._acknowledged = False
        self._cleared = False
        self.pages = QStackedWidget()
        self.pages.addWidget(self._questions_page(need))
        self.pages.addWidget(self._advice_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

    # --- pages ------------------------------------------------------------------------------

    def _questions_page(self, need: ScreeningNeed | None) -> QWidget:
        page = QWidget()
        title = heading("Safety check", scale=1.6)
        text = INTRO[need]
        if self._hold is not None:
            text = (f"On {day_text(self._hold.since)} you told the coach about a warning sign. "
                    f"{text}")
        intro = plain_label(text)
        grid = QGridLayout()
        grid.setVerticalSpacing(14)
        self.questions: dict[str, YesNo] = {}
        for row, flag in enumerate(RED_FLAGS):
            label = plain_label(f"{row + 1}. {flag.question}")
            choice = YesNo(flag.question)
            choice.group.idClicked.connect(self._answered)
            self.questions[flag.id] = choice
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(choice, row, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 1)
        box = QWidget()
        box.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidget(box)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.continue_button = primary_button("&Continue", "Continue")
        self.continue_button.setEnabled(False)
        self.continue_button.clicked.connect(self._continue)
        self.cancel_button = button("&Later", "Answer later (no session starts until then)")
        self.cancel_button.clicked.connect(self.reject)
        self.remaining = plain_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.remaining, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.continue_button)
        layout = QVBoxLayout(page)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self._answered()
        return page

    def _advice_page(self) -> QWidget:
        page = QWidget()
        self.title = heading("", scale=1.8)
        self.title.setStyleSheet(f"color: {WARNING};")
        self.advice = plain_label()
        font = self.advice.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.advice.setFont(font)
        self.advice.setAccessibleName("What to do")
        self.next_step = plain_label()
        font = self.next_step.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.next_step.setFont(font)
        self.clear_box = QCheckBox(CLEARANCE_TEXT)
        self.clear_box.setFont(font)
        self.clear_box.toggled.connect(lambda on: self.clear_button.setEnabled(on))
        self.clear_button = primary_button("&Continue", "A clinician has checked me: continue")
        self.clear_button.clicked.connect(self._clear)
        self.ok_button = primary_button("&OK", "I understand")
        self.ok_button.clicked.connect(self._acknowledge)
        self.not_yet_button = button("&Not yet", "Not checked yet: no session")
        self.not_yet_button.clicked.connect(self._acknowledge)
        buttons = QHBoxLayout()
        buttons.addStretch()
        for b in (self.not_yet_button, self.clear_button, self.ok_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(page)
        layout.addWidget(self.title)
        layout.addWidget(self.advice)
        layout.addSpacing(12)
        layout.addWidget(self.next_step)
        layout.addWidget(self.clear_box)
        layout.addStretch()
        layout.addLayout(buttons)
        return page

    def _show_advice(self) -> None:
        signs = [fid for fid, yes in self._answers.items() if yes]
        advice = red_flag_advice(signs) or (self._hold.advice() if self._hold else None)
        assert advice is not None
        self.title.setText(advice.title)
        self.advice.setText(advice.text)
        can_clear = clearance_allowed(self._hold, self._answers)
        if can_clear:
            self.next_step.setText(f"{HOLD_TEXT} Has one checked you since "
                                   f"{day_text(self._hold.since)}?")
        else:
            self.next_step.setText(f"{HOLD_TEXT} When they have, press Start again and "
                                   "confirm it.")
        self.clear_box.setVisible(can_clear)
        self.clear_button.setVisible(can_clear)
        self.clear_button.setEnabled(False)
        self.not_yet_button.setVisible(can_clear)
        self.ok_button.setVisible(not can_clear)
        self.pages.setCurrentIndex(1)
        (self.clear_box if can_clear else self.ok_button).setFocus()

    # --- behaviour --------------------------------------------------------------------------

    def _answered(self, _id: int = 0) -> None:
        left = sum(1 for q in self.questions.values() if q.value() is None)
        self.continue_button.setEnabled(left == 0)
        self.remaining.setText("" if left == 0 else
                               f"{left} question{'s' if left != 1 else ''} still to answer")

    def _continue(self) -> None:
        self._answers = {fid: bool(q.value()) for fid, q in self.questions.items()}
        if any(self._answers.values()) or self._hold is not None:
            self._show_advice()
        else:
            self.accept()

    def _acknowledge(self) -> None:
        self._acknowledged = True
        self.accept()

    def _clear(self) -> None:
        if self.clear_box.isChecked() and self.clear_box.isVisible():
            self._acknowledged = self._cleared = True
            self.accept()

    # --- the answer -------------------------------------------------------------------------

    def result_value(self) -> RedFlagResult | None:
        """The answers given (None when the questions were not all answered)."""
        if not self._answers:
            return None
        return RedFlagResult(dict(self._answers), self._acknowledged, self._cleared)
