"""Builds the application's objects and wires them together: the only place that knows them all."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from coach.core.errors import KnownError

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
    from coach import logs
    from coach.catalogue_files import load_app_catalogue
    from coach.paths import resolve

    paths = resolve(args.data_dir)
    paths.ensure()
    log_file = logs.setup(paths.log_file)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from coach.ui.main_window import MainWindow
    from coach.ui.problems_dialog import show_problems_once

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Physio Coach")
    app.setOrganizationName("physio-coach")
    app.setDesktopFileName("physio-coach")
    catalogue = load_app_catalogue(paths, args.catalogue)
    window = MainWindow(catalogue)
    window.show()
    if args.exit_when_ready:
        window.first_paint.connect(lambda: QTimer.singleShot(0, app.quit))
    elif catalogue.problems:
        QTimer.singleShot(0, lambda: show_problems_once(window, catalogue.problems))
    log.info("window open; log file %s", log_file)
    return app.exec()
