"""The one seam for modal questions the session asks: tests hand in a `Prompts` of their own.

`Prompts` is a tiny dialog service (Picard's `user_dialog_service`): the session window asks it
to confirm stopping, presenter mode asks it which screen to use, the crash handler asks it to
show what went wrong. Widgets never call `QMessageBox` themselves, so a test replaces the whole
set with a fake that answers at once (see `tests/ui/fakes.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget


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
        box = QMessageBox(parent)
        box.setWindowTitle(title)
        box.setIcon(QMessageBox.Icon.Question)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(text)
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
        box = QMessageBox(parent)
        box.setWindowTitle("Physio Coach")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(text)
        box.setModal(False)
        self._keep(box)

    def _keep(self, dialog: QDialog) -> None:
        self._open.append(dialog)
        dialog.finished.connect(lambda _=0: self._open.remove(dialog))
        dialog.show()
        dialog.raise_()

