"""The pain checks before and after a session.

Both checks ask back pain and leg pain, each 0-10, where the leg pain has gone (further down
the leg, up towards the back, or no change), and the three nerve signs that need emergency
care in one line (`NERVE_SIGNS_QUESTION`; a yes makes the caller ask the six red-flag
questions). After a session: how it felt compared with last time, and an optional note.
Every question may be left unanswered (it is saved as skipped).

Each 0-10 scale is a row of eleven large buttons (a person on a mat may be reaching from the
floor): click one, or, with the row focused, press a digit (0-9; "1" then "0" for 10) or the
arrow keys; "Clear" takes the answer back. The dialogs return plain values (`PainBefore`,
`PainAfter`); saving them is the caller's job (app.py, through the recorder).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from coach.core.records import PAIN_MAX, PAIN_MIN, Felt, LegPain, PainScore
from coach.core.safety import NERVE_SIGNS_QUESTION
from coach.safety_flow import PainAfter, PainBefore
from coach.ui.theme import ACCENT
from coach.ui.widgets import button, heading, plain_label, primary_button

#: The scale's buttons look like buttons in every theme, and the chosen one stands out.
SCALE_STYLE = (
    "QPushButton { background: palette(button); border: 2px solid palette(mid);"
    " border-radius: 4px; padding: 4px; font-weight: bold; }"
    f"QPushButton:checked {{ background: {ACCENT}; color: #ffffff; border-color: {ACCENT}; }}"
)

SCALE_HINT = "0 means no pain at all, 10 the worst pain you can imagine."
LEG_PAIN_BEFORE = "Has your leg pain moved since your last session?"
LEG_PAIN_AFTER = "Has your leg pain moved during this session?"
LEG_PAIN_LABELS = {LegPain.FURTHER_DOWN: "Further down my leg",
                   LegPain.TOWARDS_BACK: "Up, towards my back",
                   LegPain.NO_CHANGE: "No change"}
FELT_LABELS = {Felt.EASIER: "Easier", Felt.SAME: "About the same", Felt.HARDER: "Harder"}


class PainScale(QWidget):
    """Eleven buttons 0-10 and "Clear"; `value()` is None until one is chosen."""

    changed = Signal(object)  # int | None

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet(SCALE_STYLE)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: list[QPushButton] = []
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        for n in range(PAIN_MIN, PAIN_MAX + 1):
            b = QPushButton(str(n))
            b.setCheckable(True)
            b.setMinimumSize(48, 48)
            b.setAccessibleName(f"{name}: {n} out of 10")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the row takes the keys
            self.group.addButton(b, n)
            self.buttons.append(b)
            row.addWidget(b)
        self.clear_button = button("Clear", f"{name}: clear the answer")
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_button.clicked.connect(self.clear)
        row.addSpacing(8)
        row.addWidget(self.clear_button)
        self.group.idClicked.connect(lambda n: self.changed.emit(n))
        self._typed = ""

    def value(self) -> int | None:
        checked = self.group.checkedId()
        return None if checked < 0 else checked

    def set_value(self, value: int | None) -> None:
        if value is None:
            self.clear()
            return
        self.buttons[value].setChecked(True)
        self.changed.emit(value)

    def clear(self) -> None:
        self.group.setExclusive(False)
        for b in self.buttons:
            b.setChecked(False)
        self.group.setExclusive(True)
        self._typed = ""
        self.changed.emit(None)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        key = event.key()
        current = self.value()
        if Qt.Key.Key_0 <= key <= Qt.Key.Key_9:
            digit = key - Qt.Key.Key_0
            # "1" then "0" makes 10; any other digit starts again.
            self._typed = "10" if self._typed == "1" and digit == 0 else str(digit)
            self.set_value(int(self._typed))
            return
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Up):
            self.set_value(PAIN_MIN if current is None else min(PAIN_MAX, current + 1))
            return
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Down):
            self.set_value(PAIN_MIN if current is None else max(PAIN_MIN, current - 1))
            return
        if key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self.clear()
            return
        super().keyPressEvent(event)


class YesNo(QWidget):
    """Two radio buttons; `value()` None until one is chosen."""

    def __init__(self, name: str, yes: str = "Yes", no: str = "No",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.yes = QRadioButton(yes)
        self.no = QRadioButton(no)
        for radio, text in ((self.yes, yes), (self.no, no)):
            radio.setAccessibleName(f"{name}: {text}")
            radio.setMinimumHeight(32)
            font = radio.font()
            font.setPointSizeF(font.pointSizeF() * 1.15)
            radio.setFont(font)
        self.group = QButtonGroup(self)
        self.group.addButton(self.yes, 1)
        self.group.addButton(self.no, 0)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.yes)
        row.addWidget(self.no)
        row.addStretch()

    def value(self) -> bool | None:
        checked = self.group.checkedId()
        return None if checked < 0 else bool(checked)


class Choice(QWidget):
    """A row of radio buttons, one per option; `value()` None until one is chosen."""

    def __init__(self, name: str, options: dict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.group = QButtonGroup(self)
        self.buttons: dict = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for value, text in options.items():
            radio = QRadioButton(text)
            radio.setAccessibleName(f"{name}: {text}")
            radio.setMinimumHeight(32)
            font = radio.font()
            font.setPointSizeF(font.pointSizeF() * 1.15)
            radio.setFont(font)
            self.group.addButton(radio)
            self.buttons[value] = radio
            row.addWidget(radio)
        row.addStretch()

    def value(self):  # -> the chosen option's key, or None
        return next((v for v, b in self.buttons.items() if b.isChecked()), None)


def _question(text: str) -> QWidget:
    label = plain_label(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.15)
    font.setBold(True)
    label.setFont(font)
    return label


class _PainCheck(QDialog):
    """What both checks share: a title and intro, the back and leg pain scales, then the
    questions a check adds and its two buttons (the first the default)."""

    def __init__(self, *, window_title: str, title: str, intro: str, when: str,
                 parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title)
        self.setModal(True)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(heading(title, scale=1.5))
        self._layout.addWidget(plain_label(f"{intro} {SCALE_HINT} Leave a question blank to "
                                           "skip it."))
        self._layout.addSpacing(8)
        self.back = PainScale("Back pain")
        self.leg = PainScale("Leg pain")
        self._ask(f"Back pain {when}", self.back)
        self._ask(f"Leg pain {when}", self.leg)
        self.back.setFocus()

    def _ask_leg_and_nerves(self, leg_question: str) -> None:
        self.leg_pain = Choice("Where the leg pain has gone", LEG_PAIN_LABELS)
        self._ask(leg_question, self.leg_pain)
        self.nerve_signs = YesNo("New nerve signs")
        self._ask(NERVE_SIGNS_QUESTION, self.nerve_signs)

    def _ask(self, question: str, answer: QWidget | QLayout) -> None:
        self._layout.addWidget(_question(question))
        if isinstance(answer, QLayout):
            self._layout.addLayout(answer)
        else:
            self._layout.addWidget(answer)

    def _buttons(self, accept: tuple[str, str],
                 reject: tuple[str, str]) -> tuple[QPushButton, QPushButton]:
        """The accepting (default) and the rejecting button, at the bottom right."""
        yes, no = primary_button(*accept), button(*reject)
        yes.setDefault(True)
        yes.clicked.connect(self.accept)
        no.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(no)
        row.addWidget(yes)
        self._layout.addSpacing(8)
        self._layout.addLayout(row)
        return yes, no

    def pain(self) -> PainScore:
        return PainScore(self.back.value(), self.leg.value())


class PainBeforeDialog(_PainCheck):
    """Asked before a session; accepted with "Start", rejected with "Cancel" (no session)."""

    def __init__(self, session_name: str, parent: QWidget | None = None) -> None:
        super().__init__(window_title="How is your pain today?", title="Before you start",
                         intro=f"A quick check before {session_name}.", when="right now",
                         parent=parent)
        self._ask_leg_and_nerves(LEG_PAIN_BEFORE)
        self.start_button, self.cancel_button = self._buttons(
            ("&Start", "Start the session"), ("&Cancel", "Do not start the session"))

    def value(self) -> PainBefore:
        return PainBefore(self.pain(), self.leg_pain.value(), self.nerve_signs.value())


class PainAfterDialog(_PainCheck):
    """Asked when a session ends; "Save" accepts, "Skip" rejects (nothing is saved).
    "Compared with last time" is asked only with `compare` (there was a last time)."""

    def __init__(self, session_name: str, parent: QWidget | None = None, *,
                 compare: bool = True) -> None:
        super().__init__(window_title="How is your pain now?", title="After your session",
                         intro=f"How do you feel after {session_name}?", when="now",
                         parent=parent)
        self._ask_leg_and_nerves(LEG_PAIN_AFTER)
        self.felt_group = QButtonGroup(self)
        self.felt_buttons: dict[Felt, QRadioButton] = {}
        if compare:
            felt_row = QHBoxLayout()
            for felt, text in FELT_LABELS.items():
                radio = QRadioButton(text)
                radio.setAccessibleName(f"Compared with last time: {text}")
                self.felt_group.addButton(radio)
                self.felt_buttons[felt] = radio
                felt_row.addWidget(radio)
            felt_row.addStretch()
            self._ask("Compared with last time, this session felt", felt_row)
        self.note = QLineEdit()
        self.note.setAccessibleName("A note for your history (optional)")
        self.note.setPlaceholderText("Anything you want to remember, or tell your physio")
        self.note.setMaxLength(500)
        self._ask("Note", self.note)
        self.save_button, self.skip_button = self._buttons(
            ("&Save", "Save the answers"), ("S&kip", "Skip these questions"))

    def value(self) -> PainAfter:
        felt = next((f for f, b in self.felt_buttons.items() if b.isChecked()), None)
        note = self.note.text().strip() or None
        return PainAfter(self.pain(), felt, note, self.leg_pain.value(),
                         self.nerve_signs.value())
