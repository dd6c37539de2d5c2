"""Presenter mode: one exercise after another, fullscreen, for a physiotherapist in the clinic.

The same session view as a patient's, in a presenter style: full screen on the chosen screen,
the high-contrast palette, extra large type, and only the exercise (its name, set/rep/side, the
illustration, the big countdown and the current step); no buttons, no captions. It is started
from the Exercises browser ("Present from here") and runs from that exercise through the rest
of the list shown, so a clicker steps through them; every step is read aloud.

Clicker keys: Page Down or Right = next exercise, Page Up or Left = back (restart the exercise,
or pressed again straight away, the previous one), Space, B or "." = pause (clickers send B or
"." for their "blank screen" button), Esc ends the presentation at once (a demonstration is not
recorded, so there is nothing to confirm). A, M, H, F11 and F5 (ready) work as in the session
window.

With two or more screens and none remembered, it asks once which to use and offers to remember
the choice (`choose_screen`).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from coach.settings import Theme
from coach.ui.prompts import Prompts, ScreenChoice
from coach.ui.session_controller import SessionController
from coach.ui.session_window import Control, SessionWindow, bring_to_front
from coach.ui.theme import palette
from coach.ui.widgets import ok_cancel, plain_label

#: Presenter type is about this much larger than the session window's.
TYPE_SCALE = 1.6

PRESENTER_KEYS: dict[str, tuple[str, ...]] = {
    "pause": ("Space", "B", "."),
    "skip": ("PgDown", "Right"),
    "back": ("PgUp", "Left"),
}


class PresenterWindow(SessionWindow):
    """A `SessionWindow` in presenter style; `show_on(screen)` puts it full screen there."""

    TYPE_SIZES = {
        **SessionWindow.TYPE_SIZES,
        "title": (1.7 * TYPE_SCALE, True),
        "counter": (1.3 * TYPE_SCALE, True),
        "current_step": (1.4 * TYPE_SCALE, False),
        "finished_view.title": (2.4 * 1.3, True),
        "finished_view.summary": (1.4 * TYPE_SCALE, False),
        "finished_view.details": (TYPE_SCALE, False),
        "finished_view.hint": (TYPE_SCALE, False),
    }

    def __init__(self, controller: SessionController, *, prompts: Prompts | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(controller, prompts=prompts, presenter=True, parent=parent)
        self._contrast = palette(Theme.HIGH_CONTRAST)
        self._apply_contrast()
        self.setAutoFillBackground(True)
        self.setWindowTitle(f"Presenting {controller.plan.name} — Physio Coach")
        self._presenter_style()

    def _apply_contrast(self) -> None:
        # Set on every widget: with the app's style sheet in force, a palette set on the
        # window alone does not reach its children.
        for widget in (self, *self.findChildren(QWidget)):
            widget.setPalette(self._contrast)

    def apply_fonts(self) -> None:
        """As the session window's, then the high-contrast palette again: a widget given a new
        style sheet (its type grew with the window) is re-polished with the app's palette."""
        super().apply_fonts()
        if hasattr(self, "_contrast"):
            self._apply_contrast()

    def _keys_for(self, control: Control) -> tuple[str, ...]:
        return PRESENTER_KEYS.get(control.name, control.keys)

    def _presenter_style(self) -> None:
        self.current_step.setWordWrap(True)
        # A yellow ring for work on black, like the high-contrast theme's highlights.
        self.countdown.work_colour = palette(Theme.HIGH_CONTRAST).highlight().color()

    def ask_stop(self) -> None:
        """Esc ends the demonstration straight away."""
        self.close()

    def show_on(self, screen: QScreen | None) -> None:
        """Full screen on `screen` (None: wherever the window manager puts it)."""
        if screen is not None:
            self.setScreen(screen)
            self.setGeometry(screen.geometry())
        self.showFullScreen()
        bring_to_front(self)


# --- choosing the screen ---------------------------------------------------------------------


def screen_names(screens: Sequence[QScreen], current: QScreen | None) -> list[str]:
    names = []
    for n, screen in enumerate(screens, start=1):
        size = screen.size()
        text = f"Screen {n}: {screen.name() or 'unnamed'} ({size.width()} × {size.height()})"
        if screen is current:
            text += ", where Physio Coach is now"
        names.append(text)
    return names


def choose_screen(prompts: Prompts, parent: QWidget | None, saved: int | None,
                  screens: Sequence[QScreen] | None = None) -> ScreenChoice | None:
    """The screen to present on: the only one, the remembered one, else ask (None: cancelled).

    A remembered screen that is no longer connected is asked about again.
    """
    screens = list(QGuiApplication.screens() if screens is None else screens)
    if len(screens) <= 1:
        return ScreenChoice(0, remember=False)
    if saved is not None and 0 <= saved < len(screens):
        return ScreenChoice(saved, remember=False)
    current = parent.screen() if parent is not None else None
    # Offer the screen the main window is not on: the one facing the room.
    default = next((n for n, s in enumerate(screens) if s is not current), 0)
    return prompts.choose_screen(parent, screen_names(screens, current), default)


class ScreenChooser(QDialog):
    """"Which screen should the exercise be shown on?" with "Remember this choice"."""

    def __init__(self, names: Sequence[str], current: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Present on which screen?")
        intro = plain_label("Which screen should the exercise be shown on?", selectable=False)
        self.list = QListWidget()
        self.list.setAccessibleName("Screens")
        self.list.addItems(list(names))
        self.list.setCurrentRow(max(0, min(current, len(names) - 1)))
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.remember = QCheckBox("&Remember this choice")
        self.remember.setAccessibleName("Remember this screen for presenting")
        self.remember.setChecked(True)
        buttons = ok_cancel(self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Present here")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(self.remember)
        layout.addWidget(buttons)
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def choice(self) -> ScreenChoice:
        return ScreenChoice(self.list.currentRow(), self.remember.isChecked())
