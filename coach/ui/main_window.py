"""The main window: Home, Routines and Exercises, with the File and Help menus.

It renders the catalogue and forwards intent as signals; `app.py` decides what they do, and adds
the Progress and Tips tabs (`add_page`) and its own menu entries. Only Home is built for the
first paint; every other tab is built the first time it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QTabWidget, QVBoxLayout, QWidget

from coach.core.models import Catalogue
from coach.core.plan import PlanSettings
from coach.ui.home_page import HomePage

if TYPE_CHECKING:
    from coach.ui.exercise_browser import ExerciseBrowser
    from coach.ui.routine_pages import RoutinesPage

__all__ = ["MainWindow"]


class MainWindow(QMainWindow):
    """`first_paint` fires once, after the window has painted for the first time."""

    first_paint = Signal()
    start_routine = Signal(str)
    try_exercise = Signal(str)
    present_exercise = Signal(str)
    settings_requested = Signal()
    routine_chosen = Signal(str)
    # Routines and prescriptions (coach.ui.routine_actions does them).
    new_routine = Signal()
    edit_routine = Signal(str)
    export_routine = Signal(str)
    print_routine = Signal(str)
    demo_exercise = Signal(str)
    add_to_routine = Signal(str)

    def __init__(self, catalogue: Catalogue, routine_id: str | None = None,
                 plan_settings: PlanSettings | None = None) -> None:
        """`plan_settings`: the person's settings, for the routines' lengths."""
        super().__init__()
        self.plan_settings = plan_settings
        self.setWindowTitle("Physio Coach")
        self.setMinimumSize(800, 600)
        self.resize(1100, 760)
        self.catalogue = catalogue
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Sections")
        self.tabs.setDocumentMode(True)
        self.home = HomePage(catalogue, routine_id, plan_settings)
        self.tabs.addTab(self.home, "&Home")
        # The other pages are built the first time they are shown: start-up paints Home only.
        self._routines = _LazyPage(self._make_routines)
        self._exercises = _LazyPage(self._make_exercises)
        self.tabs.addTab(self._routines, "&Routines")
        self.tabs.addTab(self._exercises, "E&xercises")
        self.tabs.currentChanged.connect(self._page_shown)
        self.setCentralWidget(self.tabs)
        self._editing = False
        self._companions: list[QWidget] = []
        self.home.start_requested.connect(self.start_routine)
        self.home.routine_chosen.connect(self.routine_chosen)
        self._build_menus()
        self._painted = False
        self.installEventFilter(self)
        self.tabs.installEventFilter(self)

    def set_plan_settings(self, settings: PlanSettings) -> None:
        """The person's settings changed: routine lengths are shown for the new ones."""
        self.plan_settings = settings
        self.home.set_plan_settings(settings)
        if self._routines.built:
            self.routines.set_plan_settings(settings)

    @property
    def routines(self) -> RoutinesPage:
        return self._routines.page()  # type: ignore[return-value]

    @property
    def exercises(self) -> ExerciseBrowser:
        return self._exercises.page()  # type: ignore[return-value]

    def _make_routines(self) -> QWidget:
        from coach.ui.routine_pages import RoutinesPage

        page = RoutinesPage(self.catalogue, self.plan_settings)
        page.start_requested.connect(self.start_routine)
        page.new_requested.connect(self.new_routine)
        page.edit_requested.connect(self.edit_routine)
        page.export_requested.connect(self.export_routine)
        page.print_requested.connect(self.print_routine)
        return page

    def _make_exercises(self) -> QWidget:
        from coach.ui.exercise_browser import ExerciseBrowser

        page = ExerciseBrowser(self.catalogue)
        page.try_requested.connect(self.try_exercise)
        page.present_requested.connect(self.present_exercise)
        page.detail.demo_requested.connect(self.demo_exercise)
        page.detail.add_requested.connect(self.add_to_routine)
        page.detail.set_can_add(self._editing)
        return page

    def _page_shown(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if isinstance(widget, _LazyPage):
            widget.page()

    def selected_routine_id(self) -> str | None:
        """The routine shown on the Routines tab when it is the one in view, else today's."""
        if self.tabs.currentWidget() is self._routines and self._routines.built:
            return self.routines.detail.routine_id
        return self.home.current_routine_id()

    def catalogue_changed(self, show_routine: str | None = None) -> None:
        """The catalogue object was updated in place (a routine added or saved): show it."""
        self.home.refresh(show_routine)
        for page in (self._routines, self._exercises):
            page.reset()
        if show_routine is not None:
            self.tabs.setCurrentWidget(self._routines)
            self.routines.select(show_routine)

    def make_todays_routine(self, routine_id: str) -> bool:
        """Show `routine_id` on Home as today's routine (remembered, as if chosen there)."""
        if not self.home.choose(routine_id):
            return False
        self.tabs.setCurrentWidget(self.home)
        return True

    def set_editing(self, editing: bool) -> None:
        """A routine editor is open: the Exercises tab offers "Add to routine"."""
        self._editing = editing
        if self._exercises.built:
            self.exercises.detail.set_can_add(editing)

    def add_page(self, factory: Callable[[], QWidget], title: str) -> QWidget:
        """Add a section (e.g. Progress) after the built-in ones, built when first shown.

        Returns the tab's container; `page_of(container)` builds and returns the page."""
        container = _LazyPage(factory)
        self.tabs.addTab(container, title)
        return container

    @staticmethod
    def page_of(container: QWidget) -> QWidget:
        assert isinstance(container, _LazyPage)
        return container.page()

    def is_built(self, container: QWidget) -> bool:
        return isinstance(container, _LazyPage) and container.built

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = self.file_menu = menu.addMenu("&File")
        self.settings_action = QAction("&Settings…", self)
        # setShortcuts, not setShortcut: PySide resolves the latter's overloads through the
        # whole `Qt` namespace (~10 ms before the first paint; see coach.ui.widgets).
        self.settings_action.setShortcuts([QKeySequence("Ctrl+,")])
        self.settings_action.triggered.connect(self.settings_requested)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcuts(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.quit)
        file_menu.addAction(self.quit_action)
        self.help_menu = menu.addMenu("&Help")

    def add_companion(self, window: QWidget) -> None:
        """A window of this app's own (a routine editor, a session) that File > Quit closes
        too."""
        self._companions.append(window)
        window.destroyed.connect(lambda _=None, w=window: self._companions.remove(w))

    def quit(self) -> None:
        """File > Quit: close the companion windows, each of which may ask first (an editor
        with unsaved changes), then this one; stop at the first that stays open."""
        for window in list(self._companions):
            if window.isVisible() and not window.close():
                return
        self.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            self.first_paint.emit()
        return super().eventFilter(watched, event)


class _LazyPage(QWidget):
    """A tab's container that builds its page on first use."""

    def __init__(self, factory: Callable[[], QWidget]) -> None:
        super().__init__()
        self._factory = factory
        self._page: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    @property
    def built(self) -> bool:
        return self._page is not None

    def page(self) -> QWidget:
        if self._page is None:
            self._page = self._factory()
            self.layout().addWidget(self._page)
        return self._page

    def reset(self) -> None:
        """Build the page afresh on next use (now, if it is in view)."""
        if self._page is None:
            return
        self._page.hide()
        self._page.deleteLater()
        self._page = None
        if self.isVisible():
            self.page()
