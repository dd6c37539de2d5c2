"""The catalogue's loading problems, shown once in a readable dialog (never a traceback)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from coach.core.models import Problem
from coach.ui.widgets import plain_label


class ProblemsDialog(QDialog):
    def __init__(self, problems: Sequence[Problem], parent: QWidget | None = None, *,
                 title: str = "Some exercises could not be loaded",
                 intro: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        count = len(problems)
        intro_label = plain_label(intro if intro is not None else (
            f"Physio Coach found {count} problem{'s' if count != 1 else ''} in its exercise "
            "files. Everything else loaded normally; the items below were left out or cannot "
            "be started until the file is fixed."
        ))
        text = QPlainTextEdit()
        text.setReadOnly(True)
        text.setAccessibleName("Problems")
        text.setPlainText("\n".join(str(p) for p in problems))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.resize(700, 360)

