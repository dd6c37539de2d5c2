"""What the coach has to say before a session: the stop-rule advice and today's dose steps.

It renders a `GateDecision` (coach.core.session_gate) and returns what the person chose:

- start (or "Start anyway" after a warning), do the suggested routine instead ("Do the
  flare-up routine instead"), or not today; advice not to exercise today has one action only,
  "Not today" (no other routine or "Start anyway" beside it);
- for each dose note, "Keep ... at ... (lock this dose)": ticked means the dose is locked and
  will not be stepped up until unticked (here or in "Safety and reminders").

No rule is decided here: the dialog shows the decision's sentences and the buttons it implies.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coach.core.session_gate import DoseNote, GateDecision
from coach.safety_flow import BriefChoice, BriefResult
from coach.ui.theme import WARNING
from coach.ui.widgets import button, heading, mnemonic_literal, plain_label, primary_button


def lock_text(note: DoseNote) -> str:
    keep = note.previous if note.stepped_up and note.previous else note.today
    return f"Keep {note.exercise_name} at {keep} for now (lock this dose)"


class SessionBriefDialog(QDialog):
    def __init__(self, decision: GateDecision, *, session_name: str,
                 suggested_name: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Before you start")
        self.setModal(True)
        self.setMinimumWidth(640)
        self._choice = BriefChoice.NOT_TODAY
        layout = QVBoxLayout(self)
        layout.addWidget(heading(f"Before {session_name}", scale=1.5))
        self.advice_labels = []
        for advice in decision.advice:
            label = plain_label(advice.message)
            font = label.font()
            font.setPointSizeF(font.pointSizeF() * 1.15)
            label.setFont(font)
            label.setFrameShape(QFrame.Shape.StyledPanel)
            label.setMargin(8)
            if advice.stop:
                label.setStyleSheet(f"color: {WARNING}; font-weight: bold;")
            self.advice_labels.append(label)
            layout.addWidget(label)
        self.lock_boxes: dict[str, QCheckBox] = {}
        self.dose_labels = []
        notes = decision.announcements
        if notes:
            layout.addSpacing(8)
            layout.addWidget(heading("Today's doses", scale=1.2))
        for note in notes:
            label = plain_label(note.text)
            self.dose_labels.append(label)
            layout.addWidget(label)
            box = QCheckBox(lock_text(note))
            box.setChecked(note.locked)
            self.lock_boxes[note.exercise_id] = box
            layout.addWidget(box)
        layout.addSpacing(12)
        row = QHBoxLayout()
        row.addStretch()
        self.not_today = (primary_button("&OK, not today", "Not today: do not start a session")
                          if decision.stop else
                          button("&Not today", "Not today: do not start a session"))
        self.not_today.clicked.connect(lambda: self._choose(BriefChoice.NOT_TODAY))
        row.addWidget(self.not_today)
        self.suggested: QPushButton | None = None
        if decision.suggest_routine and suggested_name and not decision.stop:
            self.suggested = button(f"Do the {mnemonic_literal(suggested_name)} routine "
                                    "&instead", f"Do the {suggested_name} routine instead")
            self.suggested.setObjectName("primary")  # the accent colour, at the normal size
            self.suggested.setMinimumHeight(44)
            self.suggested.clicked.connect(lambda: self._choose(BriefChoice.SUGGESTED))
            row.addWidget(self.suggested)
        start_text = "Start &anyway" if decision.warning else "&Start"
        self.start = (button if decision.warning else primary_button)(start_text)
        self.start.clicked.connect(lambda: self._choose(BriefChoice.START))
        if decision.stop:  # one message, one action
            self.start.hide()
        row.addWidget(self.start)
        layout.addLayout(row)
        for b in (self.not_today, self.suggested, self.start):
            if b is not None and not b.isHidden():  # never squeezed below its text
                b.ensurePolished()
                b.setMinimumWidth(b.sizeHint().width())
        default = (self.not_today if decision.stop else
                   self.suggested if self.suggested is not None else self.start)
        default.setDefault(True)
        default.setFocus()
        self.adjustSize()

    def _choose(self, choice: BriefChoice) -> None:
        self._choice = choice
        self.accept()

    def result_value(self) -> BriefResult:
        """The choice (closing the dialog means "not today") and the lock boxes."""
        choice = self._choice if self.result() == QDialog.DialogCode.Accepted \
            else BriefChoice.NOT_TODAY
        return BriefResult(choice, {eid: b.isChecked() for eid, b in self.lock_boxes.items()})
