"""Small widgets shared by the pages and dialogs: plain-text labels and tooltips, headings, big
buttons, a list beside its detail, OK and Cancel.

Imported before the first paint, so nothing here names the `Qt` namespace at import time: the
first use of `PySide6.QtCore.Qt` makes PySide build all of its hundred-odd enums (~10 ms of a
~160 ms start-up). See `plain_label`. Lists and dialogs are not on the Home page either: their
classes are imported where they are used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPushButton, QSplitter, QWidget

if TYPE_CHECKING:  # made into Python types by PySide only when first used (~2 ms)
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidget


def plain_label(text: str = "", *, wrap: bool = True, selectable: bool = True) -> QLabel:
    """A label that shows catalogue or user text literally: never rendered as HTML.

    The format is `Qt.TextFormat.PlainText` (STYLE rule 13), set through the label's Qt
    property by enum key rather than by naming the Python enum, which would build the whole
    `Qt` namespace at start-up. Qt checks the key; a refused one raises here, never falls back
    to rich text.
    """
    label = QLabel()
    _set_enum_property(label, "textFormat", "PlainText")
    label.setWordWrap(wrap)
    if selectable:
        _set_enum_property(label, "textInteractionFlags", "TextSelectableByMouse")
    label.setText(text)
    return label


def _set_enum_property(widget: QWidget, name: str, key: str) -> None:
    if not widget.setProperty(name, key):
        raise ValueError(f"Qt refused {key!r} for the {name!r} property")


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` literally.

    Qt guesses whether a tooltip is rich text (a name like "<b>Bridge</b>" would show in bold,
    "&lt;" as "<"), and a tooltip has no text format to set, so the text goes in as escaped
    rich text: it always reads exactly as typed, line breaks kept.
    """
    import html  # not at start-up: the Home page has no tooltips

    return f'<p style="white-space: pre-wrap">{html.escape(text, quote=False)}</p>'


def heading(text: str = "", *, scale: float = 1.6, selectable: bool = True) -> QLabel:
    """A bold, larger plain-text label for titles."""
    label = plain_label(text, selectable=selectable)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    return label


def primary_button(text: str, accessible: str | None = None) -> QPushButton:
    """The one obvious action on a page (Start), in the accent colour."""
    button = QPushButton(text)
    button.setObjectName("primary")
    button.setAccessibleName(accessible or text.replace("&", ""))
    button.setMinimumHeight(48)
    font = QFont(button.font())
    font.setPointSizeF(font.pointSizeF() * 1.3)
    button.setFont(font)
    return button


def button(text: str, accessible: str | None = None) -> QPushButton:
    b = QPushButton(text)
    b.setAccessibleName(accessible or text.replace("&", ""))
    return b


def list_and_detail(left: QWidget, detail: QWidget) -> QSplitter:
    """A list (with whatever goes with it) on the left, the chosen item in full on the right,
    taking two thirds of the width; neither side can be collapsed away."""
    splitter = QSplitter()
    splitter.addWidget(left)
    splitter.addWidget(detail)
    splitter.setStretchFactor(1, 2)
    splitter.setChildrenCollapsible(False)
    return splitter


def select_by_id(items: QListWidget, item_id: str | None) -> bool:
    """Make the row whose id (`Qt.ItemDataRole.UserRole`) is `item_id` current; False if no
    row has it."""
    from PySide6.QtCore import Qt  # lists are not on the Home page: see the module docstring

    for row in range(items.count()):
        if items.item(row).data(Qt.ItemDataRole.UserRole) == item_id:
            items.setCurrentRow(row)
            return True
    return False


def ok_cancel(dialog: QDialog) -> QDialogButtonBox:
    """OK and Cancel, accepting and rejecting `dialog`."""
    from PySide6.QtWidgets import QDialogButtonBox  # dialogs are not on the Home page

    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
