"""Catalogue problems at start-up, in the real app with the real problems dialog and real
files: a file that cannot be read says nothing from it loaded and Home says why nothing can
start; an exercise reusing an id is reported as that, with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

import coach.catalogue_files
from coach.paths import default_catalogue
from coach.ui.problems_dialog import ProblemsDialog
from coach.ui.prompts import Prompts
from tests.ui.real_dialogs import answer_when_open
from tests.ui.test_app_sessions import make_app, restore_app_look  # noqa: F401 (fixture)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints",
                                       "This plugin does not support raise")


def start_up(tmp_path: Path, qtbot, **files: str):
    """The app's start-up on a data folder holding `files`, the problems dialog real and
    answered with OK; returns the app and what the dialog showed."""
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    for name, text in files.items():
        (data / name).write_text(text, encoding="utf-8")
    app, _ = make_app(tmp_path)
    qtbot.addWidget(app.window)
    app.prompts.problems = Prompts().problems
    watcher = answer_when_open(ProblemsDialog, lambda d: d.accept())
    try:
        app._after_first_paint()
    finally:
        watcher.stop()
    return app, watcher.seen


def test_a_syntax_error_in_exercises_toml_says_nothing_loaded_and_start_says_why(
        tmp_path, qtbot, monkeypatch):
    broken = tmp_path / "exercises.toml"
    lines = default_catalogue().read_text(encoding="utf-8").splitlines()
    lines[59] += " = = oops"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(coach.catalogue_files, "default_catalogue", lambda: broken)
    app, seen = start_up(tmp_path, qtbot)
    try:
        (dialog,) = seen
        assert dialog.title == "An exercise file could not be read"
        assert "Nothing from exercises.toml was loaded" in dialog.text
        assert "loaded normally" not in dialog.text
        assert f"{broken}:60: this is not valid TOML" in dialog.boxes[0]
        home = app.window.home
        assert not home.start.isEnabled()
        assert home.empty.isVisibleTo(home)
        assert "exercises.toml could not be read (a mistake at line 60)" in home.empty.text()
        assert "line 60" in home.start.toolTip()
        with qtbot.assertNotEmitted(home.start_requested):
            qtbot.mouseClick(home.start, Qt.MouseButton.LeftButton)
    finally:
        app.shutdown()


def test_a_syntax_error_in_the_users_catalogue_leaves_the_rest_loaded(tmp_path, qtbot):
    app, seen = start_up(tmp_path, qtbot, **{"catalogue.toml": "schema = 1\n[[exercise]\n"})
    try:
        (dialog,) = seen
        assert "Nothing from catalogue.toml was loaded" in dialog.text
        assert ":2: this is not valid TOML" in dialog.boxes[0]
        assert app.window.home.start.isEnabled()
        assert not app.window.home.empty.isVisibleTo(app.window.home)
    finally:
        app.shutdown()


def test_an_exercise_in_the_users_catalogue_reusing_a_shipped_id_is_reported_as_a_clash(
        tmp_path, qtbot):
    own = ('schema = 1\n\n[[exercise]]\nid = "bridge"\nname = "My bridge"\nreps = 15\n')
    app, seen = start_up(tmp_path, qtbot, **{"catalogue.toml": own})
    try:
        (dialog,) = seen
        (line,) = dialog.boxes[0].splitlines()
        user_file = tmp_path / "data" / "catalogue.toml"
        assert line.startswith(f"{user_file}:3: The exercise \"My bridge\" uses the id "
                               "'bridge', which \"Bridge\" (")
        assert line.endswith("already has; rename one (this one is left out until then)")
        assert "dose" not in line
        assert "Everything else loaded normally" in dialog.text
        assert app.catalogue.exercise("bridge").name == "Bridge"
    finally:
        app.shutdown()
