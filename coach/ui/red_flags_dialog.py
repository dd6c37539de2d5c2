"""The red-flag screen: six yes/no questions, and the urgent advice when any answer is yes.

Page one asks the six questions of `coach.core.safety.RED_FLAGS`, each with a Yes and a No;
"Continue" is enabled once all six are answered. All no: the dialog is accepted. Any yes: page
two shows `URGENT_ADVICE` in large type; "I have read this advice" must be ticked before
"Done" is enabled, and only that counts as the acknowledgement. Closing the dialog there
keeps the answers (they are recorded) without an acknowledgement, so no session starts today
until it is given. `acknowledge_only=True` opens straight on page two (a yes was recorded
earlier today and not yet acknowledged).

The dialog returns `RedFlagResult`; recording it (answers, then the acknowledgement, with the
time) is the caller's job.
"""

from __future__ import annotations

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

from coach.core.safety import RED_FLAGS, URGENT_ADVICE, ScreeningNeed
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
    None: "Answer for how you are now.",
}


class RedFlagsDialog(QDialog):
    def __init__(self, need: ScreeningNeed | None = ScreeningNeed.FIRST, *,
                 acknowledge_only: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Safety check")
        self.setModal(True)
        self.setMinimumWidth(640)
        # A button that cannot be pressed yet must look like it.
        self.setStyleSheet("QPushButton#primary:disabled { background: palette(mid);"
                           " color: palette(window); }")
        self._answers: dict[str, bool] = {}
        self._acknowledged = False
        self.pages = QStackedWidget()
        self.pages.addWidget(self._questions_page(need))
        self.pages.addWidget(self._urgent_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        if acknowledge_only:
            self.pages.setCurrentIndex(1)
            self.close_button.setText("&Not now")

    # --- pages ------------------------------------------------------------------------------

    def _questions_page(self, need: ScreeningNeed | None) -> QWidget:
        page = QWidget()
        title = heading("Safety check", scale=1.6)
        intro = plain_label(INTRO[need])
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

    def _urgent_page(self) -> QWidget:
        page = QWidget()
        title = heading("Please get medical help today", scale=1.8)
        title.setStyleSheet(f"color: {WARNING};")
        self.advice = plain_label(URGENT_ADVICE)
        font = self.advice.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.advice.setFont(font)
        self.advice.setAccessibleName("Urgent advice")
        self.read_box = QCheckBox("I have read this advice")
        self.read_box.toggled.connect(lambda on: self.done_button.setEnabled(on))
        self.done_button = primary_button("&Done", "I have read this advice: done")
        self.done_button.setEnabled(False)
        self.done_button.clicked.connect(self._acknowledge)
        self.close_button = button("&Close", "Close without confirming")
        self.close_button.clicked.connect(self._close_unacknowledged)
        later = plain_label("No exercise session will start today until you confirm that you "
                            "have read this.")
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.done_button)
        layout = QVBoxLayout(page)
        layout.addWidget(title)
        layout.addWidget(self.advice)
        layout.addSpacing(12)
        layout.addWidget(later)
        layout.addWidget(self.read_box)
        layout.addStretch()
        layout.addLayout(buttons)
        return page

    # --- behaviour --------------------------------------------------------------------------

    def _answered(self, _id: int = 0) -> None:
        left = sum(1 for q in self.questions.values() if q.value() is None)
        self.continue_button.setEnabled(left == 0)
        self.remaining.setText("" if left == 0 else
                               f"{left} question{'s' if left != 1 else ''} still to answer")

    def _continue(self) -> None:
        self._answers = {fid: bool(q.value()) for fid, q in self.questions.items()}
        if any(self._answers.values()):
            self.pages.setCurrentIndex(1)
            self.read_box.setFocus()
        else:
            self.accept()

    def _acknowledge(self) -> None:
        if self.read_box.isChecked():
            self._acknowledged = True
            self.accept()

    def _close_unacknowledged(self) -> None:
        self.done(QDialog.DialogCode.Rejected)

    # --- the answer -------------------------------------------------------------------------

    def result_value(self) -> RedFlagResult | None:
        """The answers given (None when the questions were not all answered)."""
        if not self._answers:
            return None
        return RedFlagResult(dict(self._answers), self._acknowledged)

    @property
    def acknowledged(self) -> bool:
        return self._acknowledged
