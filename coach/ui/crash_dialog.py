"""The crash dialog: something went wrong, the session carries on, and where the log file is.

The traceback is behind "Show details", never the message itself. `coach.ui.crash_reporter`
decides when it is shown (through `Prompts.crash`); this module is imported only then.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coach.ui.widgets import heading, plain_label


def crash_message(log_file: Path | None) -> str:
    where = (f"The details were written to the log file:\n{log_file}" if log_file
             else "The details could not be written to a log file.")
    return ("Something went wrong inside Physio Coach. If a session is running it carries on, "
            "and everything you have done so far is kept.\n\n" + where + "\n\nIf it keeps "
            "happening, please send that file to whoever gave you Physio Coach.")


class CrashDialog(QDialog):
    """Says something went wrong and names the log file; the traceback is behind a button."""

    def __init__(self, log_file: Path | None, details: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Something went wrong — Physio Coach")
        self.setModal(False)
        self.title = heading("Something went wrong", scale=1.4)
        self.message = plain_label(crash_message(log_file))
        self.message.setAccessibleName("What happened")
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Technical details")
        self.details.hide()
        self.toggle = QPushButton("Show &details")
        self.toggle.setAccessibleName("Show technical details")
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._toggle)
        buttons = QDialogButtonBox()
        carry_on = buttons.addButton("&Carry on", QDialogButtonBox.ButtonRole.AcceptRole)
        carry_on.setDefault(True)
        buttons.addButton(self.toggle, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(560, 240)

    def _toggle(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.toggle.setText("Hide &details" if shown else "Show &details")
        if shown:
            self.resize(max(self.width(), 720), max(self.height(), 480))
