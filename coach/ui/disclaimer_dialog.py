"""The short disclaimer: the coach supports a clinician's advice, it does not replace it.

Shown once on the first run (app.py remembers it in the settings) and again from
Help > About / disclaimer.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from coach import __version__
from coach.core.safety import DISCLAIMER
from coach.ui.widgets import heading, plain_label, primary_button

#: What the dialog is: read before the first session (and again from Help).
TITLE = "Before you start"
STOP_NOTE = ("Stop any exercise that causes pain rather than a stretch, and press \"This "
             "hurts\" (H) so it is recorded. Use Help > Red-flag check at any time.")


class DisclaimerDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setModal(True)
        self.setMinimumWidth(520)
        self.text = plain_label(DISCLAIMER)
        font = self.text.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.text.setFont(font)
        self.ok = primary_button("&I understand", "I understand")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.ok)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(TITLE, scale=1.6))
        layout.addWidget(plain_label(f"Physio Coach, version {__version__}"))
        layout.addSpacing(8)
        layout.addWidget(self.text)
        layout.addWidget(plain_label(STOP_NOTE))
        layout.addSpacing(8)
        layout.addLayout(row)
