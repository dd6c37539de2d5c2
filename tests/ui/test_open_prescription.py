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


def test_a_prescription_of_a_megabyte_of_empty_tables_shows_a_hundred_problems_and_the_count(
        tmp_path, qtbot):
    """It once built 700,000 problems (seconds, hundreds of megabytes) into the dialog."""
    from coach.core.catalogue import MAX_FILE_BYTES, MAX_PROBLEMS
    from coach.ui.problems_dialog import ProblemsDialog

    worst = tmp_path / "worst.toml"
    worst.write_text("schema = 1\n" + "[[exercise]]\n" * ((MAX_FILE_BYTES - 11) // 13))
    app, _ = make_app(tmp_path)
    qtbot.addWidget(app.window)
    app.prompts.problems = Prompts().problems
    app.prompts.inform = lambda *a: None  # "nothing could be added" (tested elsewhere)
    watcher = answer_when_open(ProblemsDialog, lambda dialog: dialog.accept())
    try:
        assert app.routine_actions.open_prescription(worst) == []
        (shown,) = watcher.seen
        (intro,) = shown.labels
        (listed,) = shown.boxes
        lines = listed.splitlines()
        assert len(lines) == MAX_PROBLEMS + 1
        more = int(lines[-1].split("... and ")[1].split(" more")[0].replace(",", ""))
        assert intro.startswith(f"worst.toml has {MAX_PROBLEMS + more:,} problems. ")
    finally:
        watcher.stop()
        app.shutdown()
