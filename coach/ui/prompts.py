"""The one seam for modal questions the session asks: tests hand in a `Prompts` of their own.

`Prompts` is a tiny dialog service (Picard's `user_dialog_service`): the session window asks it
to confirm stopping, presenter mode asks it which screen to use, the crash handler asks it to
show what went wrong, and app.py asks it the safety questions (the red-flag screen, the pain
checks before and after a session, the advice and dose steps before one, the disclaimer, how
long a heat or cold pack stays on). Widgets never call `QMessageBox` themselves, so a test
replaces the whole set with a fake that answers at once (see `tests/ui/session_helpers.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from coach.ui.widgets import ok_cancel, plain_label

if TYPE_CHECKING:
    from coach.core.models import Problem
    from coach.core.records import LegPain
    from coach.core.safety import Hold, ScreeningNeed
    from coach.core.session_gate import GateDecision
    from coach.safety_flow import BriefResult, PainAfter, PainBefore, RedFlagResult

T = TypeVar("T")

#: A one-field question (`_ask`) is at least this many characters of its font wide.
ASK_WIDTH_CHARACTERS = 52
#: ...and its field at least this tall, in pixels (the session's buttons are 44).
ASK_FIELD_HEIGHT = 40


@dataclass(frozen=True)
class ScreenChoice:
    """The screen picked for presenter mode (an index into the system's list) and whether the
    user asked for it to be remembered."""

    index: int
    remember: bool


class Prompts:
    """The real dialogs. Every method blocks in a nested event loop until answered, so the
    session's timer keeps running while a question is open. Non-blocking ones are kept here
    until closed."""

    def __init__(self) -> None:
        self._open: list[QDialog] = []

    def confirm(self, parent: QWidget | None, title: str, text: str, *, yes: str,
                no: str) -> bool:
        """Ask a yes/no question; True for `yes`. The safe answer (`no`) is the default."""
        box = _message_box(parent, title, text, QMessageBox.Icon.Question)
        yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no_button)
        box.setEscapeButton(no_button)
        box.exec()
        return box.clickedButton() is yes_button

    def choose_screen(self, parent: QWidget | None, names: Sequence[str],
                      current: int) -> ScreenChoice | None:
        """Which screen presenter mode opens on; None if the user cancelled."""
        from coach.ui.presenter import ScreenChooser

        dialog = ScreenChooser(names, current, parent)
        if dialog.exec() != ScreenChooser.DialogCode.Accepted:
            return None
        return dialog.choice()

    def crash(self, parent: QWidget | None, log_file: Path | None, details: str) -> QDialog:
        """Tell the user something went wrong (non-blocking: the session keeps going)."""
        from coach.ui.crash_dialog import CrashDialog

        dialog = CrashDialog(log_file, details, parent)
        self._keep(dialog)
        return dialog

    def warn(self, parent: QWidget | None, text: str) -> None:
        """A plain warning for an expected problem (a known error that reached the top)."""
        box = _message_box(parent, "Physio Coach", text, QMessageBox.Icon.Warning)
        box.setModal(False)
        self._keep(box)

    # --- safety; each dialog is imported when first needed -----------------------------------

    def red_flags(self, parent: QWidget | None, need: ScreeningNeed | None, *,
                  hold: Hold | None = None) -> RedFlagResult | None:
        """The six red-flag questions, the advice for any yes, and (`hold`: a yes from an
        earlier start) the clinician's-check confirmation. None when the questions were not
        all answered."""
        from coach.ui.red_flags_dialog import RedFlagsDialog

        dialog = RedFlagsDialog(need, hold=hold, parent=parent)
        dialog.exec()
        return dialog.result_value()

    def pain_before(self, parent: QWidget | None, session_name: str) -> PainBefore | None:
        """Back and leg pain and "spreading?" before a session; None: do not start."""
        from coach.ui.pain_check_dialog import PainBeforeDialog

        dialog = PainBeforeDialog(session_name, parent)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def pain_after(self, parent: QWidget | None, session_name: str, *,
                   compare: bool) -> PainAfter | None:
        """Back and leg pain, how it felt (`compare`: against last time) and a note after a
        session; None: skipped."""
        from coach.ui.pain_check_dialog import PainAfterDialog

        dialog = PainAfterDialog(session_name, parent, compare=compare)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def session_brief(self, parent: QWidget | None, decision: GateDecision, *,
                      session_name: str, suggested_name: str | None) -> BriefResult:
        """The advice and dose steps before a session; the person's choice and locks."""
        from coach.ui.session_brief_dialog import SessionBriefDialog

        dialog = SessionBriefDialog(decision, session_name=session_name,
                                    suggested_name=suggested_name, parent=parent)
        dialog.exec()
        return dialog.result_value()

    def disclaimer(self, parent: QWidget | None) -> None:
        from coach.ui.disclaimer_dialog import DisclaimerDialog

        DisclaimerDialog(parent).exec()

    def choose_minutes(self, parent: QWidget | None, title: str, text: str,
                       choices: Sequence[int], default: int) -> int | None:
        """A number of minutes from `choices` (a heat or cold pack); None if cancelled."""
        from PySide6.QtWidgets import QComboBox

        from coach.core.words import counted

        combo = QComboBox()
        combo.setAccessibleName("Minutes")
        for minutes in choices:
            combo.addItem(counted(minutes, "minute"), minutes)
        combo.setCurrentIndex(max(0, combo.findData(default)))
        return _ask(parent, title, text, combo, combo.currentData)

    def inform(self, parent: QWidget | None, title: str, text: str) -> None:
        """A plain message that waits for OK (advice after a session)."""
        _message_box(parent, title, text, QMessageBox.Icon.Information).exec()

    def leg_pain_moved(self, parent: QWidget | None, text: str) -> LegPain | None:
        """Where the leg pain has gone (after "this hurts"); None if not answered."""
        from coach.core.records import LegPain
        from coach.ui.pain_check_dialog import LEG_PAIN_LABELS

        key = self.choose(parent, "This hurts", text,
                          [(leg.value, label) for leg, label in LEG_PAIN_LABELS.items()])
        return LegPain(key) if key else None

    # --- routines and prescriptions -----------------------------------------------------------

    def choose(self, parent: QWidget | None, title: str, text: str,
               options: Sequence[tuple[str, str]]) -> str | None:
        """One of `options` ((key, button text), the first the default); None if cancelled."""
        box = _message_box(parent, title, text, QMessageBox.Icon.Question)
        buttons = {box.addButton(label, QMessageBox.ButtonRole.AcceptRole): key
                   for key, label in options}
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(next(iter(buttons)))
        box.setEscapeButton(cancel)
        box.exec()
        return buttons.get(box.clickedButton())

    def open_file(self, parent: QWidget | None, title: str, directory: Path | None,
                  filters: str) -> Path | None:
        """A file to open, e.g. a prescription; None if cancelled."""
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getOpenFileName(parent, title, str(directory or Path.home()),
                                              filters)
        return Path(name) if name else None

    def save_file(self, parent: QWidget | None, title: str, suggested: Path,
                  filters: str) -> Path | None:
        """Where to save, starting from `suggested`; None if cancelled."""
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
        return Path(name) if name else None

    def ask_date(self, parent: QWidget | None, title: str, text: str, default: date,
                 latest: date) -> date | None:
        """A day (a calendar to pick from), at most `latest`; None if cancelled."""
        from PySide6.QtCore import QDate
        from PySide6.QtWidgets import QDateEdit

        edit = QDateEdit(QDate(default.year, default.month, default.day))
        edit.setCalendarPopup(True)
        edit.setMaximumDate(QDate(latest.year, latest.month, latest.day))
        edit.setDisplayFormat("d MMMM yyyy")

        def picked() -> date:
            day = edit.date()
            return date(day.year(), day.month(), day.day())

        return _ask(parent, title, text, edit, picked)

    def problems(self, parent: QWidget | None, title: str, intro: str,
                 problems: Sequence[Problem]) -> None:
        """A file's problems, each on its own line, until OK."""
        from coach.ui.problems_dialog import ProblemsDialog

        ProblemsDialog(problems, parent, title=title, intro=intro).exec()

    def _keep(self, dialog: QDialog) -> None:
        self._open.append(dialog)
        dialog.finished.connect(lambda _=0: self._open.remove(dialog))
        dialog.show()
        dialog.raise_()


def _message_box(parent: QWidget | None, title: str, text: str,
                 icon: QMessageBox.Icon) -> QMessageBox:
    """A message box whose text is shown literally: it often names a routine, an exercise or
    a file, and QMessageBox would otherwise render "<b>...</b>" in them as HTML."""
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setIcon(icon)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    return box


def _ask(parent: QWidget | None, title: str, text: str, field: QWidget,
         answer: Callable[[], T]) -> T | None:
    """A question (plain text) over one field, with OK and Cancel: `answer()` when accepted,
    None when cancelled.

    `answer` is read while the dialog is still there: the field belongs to the dialog and is
    deleted with it, so it cannot be read once this returns. The dialog is as wide as about
    `ASK_WIDTH_CHARACTERS` characters of its font (so it grows with the text size), and the
    field is as tall as a finger-sized button.
    """
    from PySide6.QtWidgets import QVBoxLayout

    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setMinimumWidth(dialog.fontMetrics().averageCharWidth() * ASK_WIDTH_CHARACTERS)
    field.setMinimumHeight(max(field.sizeHint().height(), ASK_FIELD_HEIGHT))
    layout = QVBoxLayout(dialog)
    layout.setSpacing(12)
    for widget in (plain_label(text), field, ok_cancel(dialog)):
        layout.addWidget(widget)
    field.setFocus()
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return answer()
    finally:
        dialog.deleteLater()
