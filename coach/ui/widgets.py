"""Small widgets shared by the pages and dialogs: plain-text labels and tooltips, headings, big
buttons, a list beside its detail, OK and Cancel.

Imported before the first paint, so nothing here names the `Qt` namespace at import time: the
first use of `PySide6.QtCore.Qt` makes PySide build all of its hundred-odd enums (~10 ms of a
~160 ms start-up). See `plain_label`. Lists and dialogs are not on the Home page either: their
classes are imported where they are used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize
from PySide6.QtGui import QFont, QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLabel,
    QLayout,
    QLayoutItem,
    QPushButton,
    QSplitter,
    QWidget,
)

if TYPE_CHECKING:  # made into Python types by PySide only when first used (~2 ms)
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QListWidget


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


def rich_text_literal(text: str) -> str:
    """`text` escaped for a place where Qt always reads rich text (a chart's title): it shows
    as typed, and a name like '<img src="/dev/zero">' is never a tag that loads a file."""
    import html  # not at start-up: the Home page has no chart or tooltip

    return html.escape(text, quote=False)


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` literally.

    Qt guesses whether a tooltip is rich text (a name like "<b>Bridge</b>" would show in bold,
    "&lt;" as "<"), and a tooltip has no text format to set, so the text goes in as escaped
    rich text: it always reads exactly as typed, line breaks kept.
    """
    return f'<p style="white-space: pre-wrap">{rich_text_literal(text)}</p>'


def mnemonic_literal(text: str) -> str:
    """`text` (a name from a file) for a button or menu: an "&" in it shows as "&" instead of
    underlining the next letter and giving the button a shortcut."""
    return text.replace("&", "&&")


#: Markup characters and the look-alikes a desktop notification shows instead.
_NOTIFICATION_LOOKALIKES = str.maketrans({"<": "\u2039", ">": "\u203a", "&": "\uff06"})


def notification_text(text: str) -> str:
    """`text` for a desktop notification (`QSystemTrayIcon.showMessage`): on Linux it goes to
    the notification server, which may read markup (`<b>`, `<img src=...>`) or may show
    entities like "&lt;" as they are; neither can be known, so "<", ">" and "&" become the
    look-alikes "‹", "›" and "＆", which read the same either way."""
    return text.translate(_NOTIFICATION_LOOKALIKES)


#: The dynamic property holding a widget's text size relative to body text (see `scaled_font`).
FONT_SCALE = "coachFontScale"


def scaled_font(widget: QWidget, scale: float, *, bold: bool = False) -> None:
    """Make `widget`'s text `scale` times the body text, now and after every change of the text
    size (`coach.ui.theme.apply_theme` sizes it again from the property it is given here)."""
    widget.setProperty(FONT_SCALE, scale)
    font = QFont(widget.font())
    font.setBold(bold or font.bold())
    widget.setFont(font)
    rescale_font(widget, QApplication.font().pointSizeF())


def rescale_font(widget: QWidget, body_points: float) -> None:
    """Size the text of a widget made with `scaled_font` for body text of `body_points`
    (unless its own style sheet sizes it: the session window sizes its large type itself)."""
    scale = widget.property(FONT_SCALE)
    if scale and "font-size" not in widget.styleSheet():
        font = QFont(widget.font())
        font.setPointSizeF(body_points * float(scale))
        widget.setFont(font)


def heading(text: str = "", *, scale: float = 1.6, selectable: bool = True) -> QLabel:
    """A bold, larger plain-text label for titles (larger whatever the text size)."""
    label = plain_label(text, selectable=selectable)
    scaled_font(label, scale, bold=True)
    return label


def primary_button(text: str, accessible: str | None = None) -> QPushButton:
    """The one obvious action on a page (Start), in the accent colour."""
    button = QPushButton(text)
    button.setObjectName("primary")
    button.setAccessibleName(accessible or text.replace("&", ""))
    button.setMinimumHeight(48)
    scaled_font(button, 1.3)
    return button


def button(text: str, accessible: str | None = None) -> QPushButton:
    b = QPushButton(text)
    b.setAccessibleName(accessible or text.replace("&", ""))
    return b


class _Proportional(QSplitter):
    """Keeps its panes at `shares` of its width (within their minimum widths) until the user
    drags the handle."""

    def __init__(self, shares: tuple[int, ...]) -> None:
        super().__init__()
        self.shares = shares
        self.dragged = False
        self.splitterMoved.connect(self._dragged)

    def _dragged(self, _pos: int, _index: int) -> None:
        self.dragged = True

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if not self.dragged and self.width() > 0:
            total = sum(self.shares)
            self.setSizes([self.width() * share // total for share in self.shares])


def list_and_detail(left: QWidget, detail: QWidget) -> QSplitter:
    """A list (with whatever goes with it) on the left, the chosen item in full on the right,
    taking two thirds of the width; neither side can be collapsed away. Lists wrap long names
    rather than scroll sideways."""
    from PySide6.QtWidgets import QListWidget

    for items in left.findChildren(QListWidget):
        items.setWordWrap(True)
        _set_enum_property(items, "horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
        items.setMinimumHeight(items.fontMetrics().lineSpacing() * 5)
    splitter = _Proportional((1, 2))
    splitter.addWidget(vertical_scroll(left))  # a short window: the filters scroll too
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


def vertical_scroll(content: QWidget) -> QWidget:
    """`content` in a frameless area that scrolls up and down when the window is short, and
    never sideways: the content is laid out to the width there is (text wraps), and the area
    asks for at least the content's narrowest width, so nothing is cut off at the side."""
    from PySide6.QtWidgets import QFrame, QScrollArea

    class VerticalScroll(QScrollArea):
        def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
            hint = super().minimumSizeHint()
            inner = self.widget().minimumSizeHint().width() if self.widget() else 0
            bar = self.verticalScrollBar().sizeHint().width()
            return QSize(max(hint.width(), inner + bar + 2 * self.frameWidth()),
                         hint.height())

    scroll = VerticalScroll()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    _set_enum_property(scroll, "horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
    scroll.setWidget(content)
    return scroll


class FlowLayout(QLayout):
    """Widgets in a row that wraps onto the next line when the width runs out (a row of
    buttons at a large text size), like words in a paragraph."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 8) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt API)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt API)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt API)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self):  # noqa: N802 (Qt API)
        from PySide6.QtCore import Qt

        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt API)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt API)
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt API)
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt API)
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _place(self, rect: QRect, *, move: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x > rect.x() and x + hint.width() > rect.right() + 1:
                x, y, line = rect.x(), y + line + self._gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._gap
            line = max(line, hint.height())
        return y + line - rect.y()


def dialog_layout(dialog: QDialog, content: QLayout, buttons: QWidget) -> None:
    """Lay out a settings-like dialog: `content` scrolls up and down when the window is short
    for the text size, `buttons` stay in view below it; the dialog opens no larger than the
    window it belongs to (or the screen), so it fits the smallest window at any text size."""
    from PySide6.QtWidgets import QVBoxLayout

    body = QWidget()
    body.setLayout(content)
    _wheel_scrolls_the_page(body)
    layout = QVBoxLayout(dialog)
    layout.addWidget(vertical_scroll(body), 1)
    layout.addWidget(buttons)
    parent = dialog.parentWidget()
    if parent is not None:
        limit = parent.window().size()
    else:
        screen = dialog.screen()
        limit = screen.availableSize() if screen is not None else QSize(800, 600)
    hint = dialog.sizeHint().expandedTo(dialog.minimumSizeHint())
    dialog.resize(min(hint.width(), limit.width()), min(hint.height(), limit.height()))


class _WheelToPage(QObject):
    """Sends a wheel turned over a value field that does not have the keyboard focus to the
    page around it, so scrolling a long settings page never changes a number or a choice on
    the way (a safety threshold moved from 2 to 1 that way, unseen)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        if watched.hasFocus():
            return False
        from PySide6.QtWidgets import QAbstractScrollArea

        page = watched.parentWidget()
        while page is not None and not isinstance(page, QAbstractScrollArea):
            page = page.parentWidget()
        if page is not None and isinstance(event, QWheelEvent):
            # Moved here rather than re-sent: Qt hands a re-sent wheel event back to the
            # widget that took the start of the turn (this field), which would loop.
            bar = page.verticalScrollBar()
            notches = event.angleDelta().y() / 120
            bar.setValue(bar.value() - round(notches * QApplication.wheelScrollLines()
                                             * bar.singleStep()))
        return True


def _wheel_scrolls_the_page(page: QWidget) -> None:
    """Value fields on `page` (spin boxes, lists of choices, sliders) take the wheel only once
    clicked into; before that the wheel scrolls the page."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QComboBox

    relay = _WheelToPage(page)
    for kind in (QAbstractSpinBox, QComboBox, QAbstractSlider):
        for field in page.findChildren(kind):
            field.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            field.installEventFilter(relay)


def narrow_form(form: QFormLayout) -> QFormLayout:
    """A form whose label goes above its field when the row is too narrow for both, and whose
    lists of choices do not insist on the width of their longest entry."""
    from PySide6.QtWidgets import QComboBox, QFormLayout

    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        combo = item.widget() if item is not None else None
        if isinstance(combo, QComboBox):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
    return form


class WrappingCheckBox(QCheckBox):
    """A check box whose sentence wraps onto more lines when the width runs out (a plain
    QCheckBox keeps it on one line, wider than a small window at a large text size). The
    whole box, sentence included, toggles it; its accessible name is the sentence."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QHBoxLayout

        super().__init__(parent)
        self._label = plain_label(text, selectable=False)
        _set_enum_property(self._label, "alignment", "AlignVCenter")
        self._label.setAttribute(_transparent_for_mouse(), True)
        self._row = QHBoxLayout(self)
        self._row.addWidget(self._label)
        self.setAccessibleName(text)
        sizing = self.sizePolicy()
        sizing.setHeightForWidth(True)
        self.setSizePolicy(sizing)

    def text(self) -> str:
        return self._label.text()

    def _indent(self) -> int:
        from PySide6.QtWidgets import QStyle

        style = self.style()
        return (style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, self)
                + style.pixelMetric(QStyle.PixelMetric.PM_CheckBoxLabelSpacing, None, self) + 4)

    def hitButton(self, pos: QPoint) -> bool:  # noqa: N802 (Qt API)
        return self.rect().contains(pos)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt API)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt API)
        return max(super().sizeHint().height(),
                   self._label.heightForWidth(max(1, width - self._indent())))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        hint = self._label.sizeHint()
        return QSize(self._indent() + hint.width(),
                     max(super().sizeHint().height(), hint.height()))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        words = max((self._label.fontMetrics().horizontalAdvance(w)
                     for w in self._label.text().split()), default=0)
        return QSize(self._indent() + words, super().sizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self._row.setContentsMargins(self._indent(), 0, 0, 0)
        super().resizeEvent(event)


def _transparent_for_mouse():
    from PySide6.QtCore import Qt

    return Qt.WidgetAttribute.WA_TransparentForMouseEvents
