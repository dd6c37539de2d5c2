"""A prescription the patient opens becomes today's routine: selected on Home, remembered in
the settings file, and the message says so (real app, real files, the real message box)."""

from __future__ import annotations

import argparse

import pytest
from PySide6.QtWidgets import QMessageBox

from coach import settings as settings_file
from coach.ui.prompts import Prompts
from tests.ui.real_dialogs import answer_when_open
from tests.ui.test_app_prescriptions import prescription
from tests.ui.test_app_sessions import make_app, restore_app_look  # noqa: F401 (fixture)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints",
                                       "This plugin does not support raise")


def test_a_prescription_opened_at_start_up_becomes_todays_routine(tmp_path, qtbot):
    rx = prescription(tmp_path)
    app, _ = make_app(tmp_path)
    qtbot.addWidget(app.window)
    assert app.window.home.current_routine_id() != "office-breaks"
    app.args = argparse.Namespace(**{**vars(app.args), "open_files": [rx]})
    app.prompts.inform = Prompts().inform
    watcher = answer_when_open(QMessageBox, lambda box: box.accept())
    try:
        app._after_first_paint()
        (told,) = watcher.seen
        assert told.title == "Prescription added"
        assert "\"Office breaks\" is now today's routine" in told.text
        assert app.window.home.current_routine_id() == "office-breaks"
        assert app.window.tabs.currentWidget() is app.window.home
        saved = settings_file.load(app.paths.settings_file).settings
        assert saved.routine_id == "office-breaks"
    finally:
        watcher.stop()
        app.shutdown()
    again, _ = make_app(tmp_path)  # the next start opens on it
    qtbot.addWidget(again.window)
    try:
        assert again.window.home.current_routine_id() == "office-breaks"
    finally:
        again.shutdown()
