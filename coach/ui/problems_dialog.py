"""A file's problems (the catalogue's at start-up, a prescription's when opened), shown in a
readable dialog, one per line (never a traceback). Opened through `Prompts.problems`."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from coach.core.models import Problem
from coach.ui.widgets import plain_label


class ProblemsDialog(QDialog):
    def __init__(self, problems: Sequence[Problem], parent: QWidget | None = None, *,
                 title: str, intro: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        text = QPlainTextEdit()
        text.setReadOnly(True)
        text.setAccessibleName("Problems")
        text.setPlainText("\n".join(str(p) for p in problems))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(intro))
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.resize(700, 360)
