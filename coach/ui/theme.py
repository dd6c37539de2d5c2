"""Light, dark and high-contrast palettes, and the text size, applied to the whole application."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication

from coach.settings import Theme
from coach.ui.widgets import FONT_SCALE, rescale_font

ACCENT = "#e0662b"
#: Problems and warnings (a routine that cannot start, the urgent advice, "This hurts").
WARNING = "#b3261e"

_COLOURS: dict[Theme, dict[QPalette.ColorRole, str]] = {
    Theme.LIGHT: {
        QPalette.ColorRole.Window: "#f4f6f7", QPalette.ColorRole.WindowText: "#1d2a30",
        QPalette.ColorRole.Base: "#ffffff", QPalette.ColorRole.AlternateBase: "#eef1f3",
        QPalette.ColorRole.Text: "#1d2a30", QPalette.ColorRole.Button: "#e8ecee",
        QPalette.ColorRole.ButtonText: "#1d2a30", QPalette.ColorRole.Highlight: "#2b6f8f",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#ffffff",
        QPalette.ColorRole.ToolTipText: "#1d2a30", QPalette.ColorRole.PlaceholderText: "#5d6b72",
        QPalette.ColorRole.Link: "#1f5d7a", QPalette.ColorRole.Mid: "#8a979e",
    },
    Theme.DARK: {
        QPalette.ColorRole.Window: "#1b2226", QPalette.ColorRole.WindowText: "#e6ecef",
        QPalette.ColorRole.Base: "#232c31", QPalette.ColorRole.AlternateBase: "#2a343a",
        QPalette.ColorRole.Text: "#e6ecef", QPalette.ColorRole.Button: "#2d383e",
        QPalette.ColorRole.ButtonText: "#e6ecef", QPalette.ColorRole.Highlight: "#4b9cc2",
        QPalette.ColorRole.HighlightedText: "#0d1417", QPalette.ColorRole.ToolTipBase: "#2a343a",
        QPalette.ColorRole.ToolTipText: "#e6ecef", QPalette.ColorRole.PlaceholderText: "#9aa8af",
        QPalette.ColorRole.Link: "#8cc8e6", QPalette.ColorRole.Mid: "#6b7b83",
    },
    Theme.HIGH_CONTRAST: {
        QPalette.ColorRole.Window: "#000000", QPalette.ColorRole.WindowText: "#ffffff",
        QPalette.ColorRole.Base: "#000000", QPalette.ColorRole.AlternateBase: "#1a1a1a",
        QPalette.ColorRole.Text: "#ffffff", QPalette.ColorRole.Button: "#000000",
        QPalette.ColorRole.ButtonText: "#ffff00", QPalette.ColorRole.Highlight: "#ffff00",
        QPalette.ColorRole.HighlightedText: "#000000", QPalette.ColorRole.ToolTipBase: "#000000",
        QPalette.ColorRole.ToolTipText: "#ffffff", QPalette.ColorRole.PlaceholderText: "#d0d0d0",
        QPalette.ColorRole.Link: "#00ffff", QPalette.ColorRole.Mid: "#ffffff",
    },
}

BASE_POINT_SIZE = 11.0


def palette(theme: Theme) -> QPalette:
    pal = QPalette()
    for role, colour in _COLOURS[theme].items():
        pal.setColor(role, QColor(colour))
    return pal


#: Qt's own command-line options for every QApplication we make (the tests' too).
QT_ARGUMENTS = ["-style", "fusion"]


def new_application(argv: list[str]) -> QApplication:
    """The application object, in the Fusion style: the one style that draws our palettes the
    same on every platform (native styles ignore parts of a palette).

    The style is asked for on Qt's command line: made once, before any window, and never
    wrapped for Python (asking `app.style()` or `app.setStyle()` afterwards costs ~4 ms of
    start-up, most of it PySide building QStyle's enums).
    """
    return QApplication([*argv[:1], *QT_ARGUMENTS])


def apply_theme(app: QApplication, theme: Theme, text_scale: float) -> None:
    """Set the palette and the base font size for every window. Called on the GUI thread."""
    app.setPalette(palette(theme))
    font = QFont(app.font())
    font.setPointSizeF(BASE_POINT_SIZE * text_scale)
    app.setFont(font)
    # Every push button has a fill and a frame (a style sheet border alone would leave it
    # looking like plain text); one that cannot be pressed looks it, the primary one too.
    # Check boxes and radio buttons grow with the text (the style's are a fixed 14 px).
    indicator = max(14, round(QFontMetrics(font).height() * 0.8))
    app.setStyleSheet(
        f"QCheckBox::indicator, QRadioButton::indicator, QAbstractItemView::indicator "
        f"{{ width: {indicator}px; "
        f"height: {indicator}px; }}"
        "QPushButton { background: palette(button); border: 2px solid palette(mid);"
        " border-radius: 4px; padding: 6px 14px; }"
        "QPushButton:pressed { background: palette(mid); }"
        "QPushButton:disabled { color: palette(mid); }"
        f"QPushButton:focus {{ border: 2px solid {ACCENT}; }}"
        f"QPushButton#primary {{ background: {ACCENT}; color: #ffffff; font-weight: bold;"
        f" border-color: {ACCENT}; }}"
        "QPushButton#primary:focus { border-color: palette(window-text); }"
        "QPushButton#primary:disabled { background: palette(mid); color: palette(window);"
        " border-color: palette(mid); }"
    )
    # Headings and the Start button keep their size relative to the new body text (after the
    # style sheet: applying one puts back the fonts widgets had when it was last applied).
    for widget in app.allWidgets():
        if widget.property(FONT_SCALE):
            rescale_font(widget, font.pointSizeF())
