"""Builds the application's objects and wires them together: the only place that knows them all."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from coach import logs
from coach import settings as settings_file
from coach.catalogue_files import load_app_catalogue
from coach.core.errors import KnownError
from coach.paths import ASSETS_DIR, AppPaths, resolve
from coach.settings import Settings
from coach.ui.main_window import MainWindow
from coach.ui.theme import apply_theme

if TYPE_CHECKING:
    from coach.speech.voices import VoiceInfo

# Dialogs and the speech engine's voice list are imported when first needed, not at start-up:
# `coach --exit-when-ready` is benchmarked against a bare window.

log = logging.getLogger(__name__)


def _check_display() -> None:
    if sys.platform.startswith("linux") and not (
        os.environ.get("QT_QPA_PLATFORM")
        or os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
    ):
        raise KnownError(
            "no screen was found (DISPLAY is not set). Physio Coach needs a desktop session; "
            "on a machine without one, try it under a virtual screen: xvfb-run coach"
        )


def run_gui(args: argparse.Namespace) -> int:
    """Open the main window and run the Qt event loop until it closes. Returns the exit code."""
    _check_display()
    paths = resolve(args.data_dir)
    paths.ensure()
    log_file = logs.setup(paths.log_file)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Physio Coach")
    app.setOrganizationName("physio-coach")
    app.setDesktopFileName("physio-coach")
    coach_app = CoachApp(paths, args, log_file)
    coach_app.start()
    code = app.exec()
    coach_app.shutdown()
    return code


class CoachApp:
    """Owns the long-lived objects of a GUI run and connects the window's requests to them."""

    def __init__(self, paths: AppPaths, args: argparse.Namespace, log_file: Path) -> None:
        self.paths = paths
        self.args = args
        self.log_file = log_file
        self.app = QApplication.instance()
        loaded = settings_file.load(paths.settings_file)
        self.settings = loaded.settings
        self.notices: list[str] = [loaded.notice] if loaded.notice else []
        apply_theme(self.app, self.settings.theme, self.settings.text_scale)
        self.app.setWindowIcon(QIcon(str(ASSETS_DIR / "icon" / "physio-coach.svg")))
        self.catalogue = load_app_catalogue(paths, args.catalogue)
        self.window = MainWindow(self.catalogue, routine_id=self.settings.routine_id)
        self.window.settings_requested.connect(self.open_settings)
        self.window.routine_chosen.connect(self._remember_routine)

    def start(self) -> None:
        self.window.show()
        if self.args.exit_when_ready:
            # Start-up checks and benchmarks: no dialog may block; quit after the first paint.
            self.window.first_paint.connect(lambda: QTimer.singleShot(0, self.app.quit))
            return
        QTimer.singleShot(0, self._show_notices)
        log.info("window open; log file %s", self.log_file)

    def _show_notices(self) -> None:
        from coach.ui.problems_dialog import show_problems_once

        for notice in self.notices:
            QMessageBox.information(self.window, "Physio Coach", notice)
        self.notices.clear()
        if self.catalogue.problems:
            show_problems_once(self.window, self.catalogue.problems)

    def open_settings(self) -> None:
        from coach.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self.voices(), self.window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_settings(dialog.value())

    def voices(self) -> list[VoiceInfo]:
        from coach.speech.voices import list_voices

        return list_voices()

    def apply_settings(self, new: Settings) -> None:
        """Save and apply new settings at once (theme, text size; speech when a speaker runs)."""
        self.settings = new
        apply_theme(self.app, new.theme, new.text_scale)
        try:
            settings_file.save(self.paths.settings_file, new)
        except KnownError as e:
            QMessageBox.warning(self.window, "Physio Coach", e.message)

    def _remember_routine(self, routine_id: str) -> None:
        self.settings = self.settings.replace(routine_id=routine_id)
        try:
            settings_file.save(self.paths.settings_file, self.settings)
        except KnownError as e:
            log.warning("could not remember today's routine: %s", e.message)

    def shutdown(self) -> None:
        """Called once the event loop has finished."""
