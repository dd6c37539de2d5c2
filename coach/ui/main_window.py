"""The main window: Home, Routines, Exercises (and, later, Progress), with the menus.

It renders the catalogue and forwards intent as signals; `app.py` decides what they do.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QTabWidget, QWidget

from coach.core.models import Catalogue
from coach.ui.exercise_browser import ExerciseBrowser
from coach.ui.routine_pages import HomePage, RoutinesPage

__all__ = ["MainWindow"]


class MainWindow(QMainWindow):
    """`first_paint` fires once, after the window has painted for the first time."""

    first_paint = Signal()
    start_routine = Signal(str)
    try_exercise = Signal(str)
    present_exercise = Signal(str)
    settings_requested = Signal()
    routine_chosen = Signal(str)

    def __init__(self, catalogue: Catalogue, routine_id: str | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Physio Coach")
        self.setMinimumSize(800, 600)
        self.resize(1100, 760)
        self.catalogue = catalogue
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Sections")
        self.tabs.setDocumentMode(True)
        self.home = HomePage(catalogue, routine_id)
        self.routines = RoutinesPage(catalogue)
        self.exercises = ExerciseBrowser(catalogue)
        self.tabs.addTab(self.home, "&Home")
        self.tabs.addTab(self.routines, "&Routines")
        self.tabs.addTab(self.exercises, "E&xercises")
        self.setCentralWidget(self.tabs)
        self.home.start_requested.connect(self.start_routine)
        self.home.routine_chosen.connect(self.routine_chosen)
        self.routines.start_requested.connect(self.start_routine)
        self.exercises.try_requested.connect(self.try_exercise)
        self.exercises.present_requested.connect(self.present_exercise)
        self._build_menus()
        self._painted = False
        self.installEventFilter(self)
        self.tabs.installEventFilter(self)

    def add_page(self, page: QWidget, title: str) -> int:
        """Add a section (e.g. Progress) after the built-in ones."""
        return self.tabs.addTab(page, title)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.settings_action = QAction("&Settings…", self)
        self.settings_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Preferences))
        self.settings_action.setShortcuts([QKeySequence("Ctrl+,")])
        self.settings_action.triggered.connect(self.settings_requested)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.help_menu = menu.addMenu("&Help")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            self.first_paint.emit()
        return super().eventFilter(watched, event)
