"""Routines and prescriptions in the real app: `coach FILE.toml` adds the prescription after the
first-run questions and the patient can start it; "Demo" presents one exercise with every step
read slowly; the Progress tab's button writes the visit report."""

from __future__ import annotations

import argparse
import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest

from coach.app import DEMO_RATE_SHARE
from coach.catalogue_files import library, load_app_catalogue
from coach.cli import _file_as_option, build_parser
from coach.core.cues import Verbosity
from coach.core.prescription import export_prescription
from coach.paths import assets_dir, resolve
from coach.ui.presenter import PresenterWindow
from tests.helpers.visit_history import build_history
from tests.ui.test_app_sessions import make_app
from tests.ui.test_routine_editor import FakePrompts as EditorPrompts

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def prompts_for_both(app):
    """The session tests' fake prompts, answering the routine questions too."""
    session_prompts = app.prompts
    editor = EditorPrompts()
    for name in ("choose", "save_file", "open_file", "problems", "ask_date"):
        setattr(session_prompts, name, getattr(editor, name))
    return session_prompts, editor


@pytest.fixture
def coach_app(qtbot, tmp_path):
    app, _speakers = make_app(tmp_path)
    qtbot.addWidget(app.window)
    yield app
    app.shutdown()


def prescription(tmp_path: Path) -> Path:
    """A physio's export of the desk break under a new id."""
    physio = resolve(tmp_path / "physio")
    catalogue = load_app_catalogue(physio)
    routine = dataclasses.replace(catalogue.routine("desk-break"), id="office-breaks",
                                  name="Office breaks")
    rx = tmp_path / "office-breaks.toml"
    rx.write_text(export_prescription(catalogue, routine, shipped=set(catalogue.exercises),
                                      assets_dir=assets_dir()), encoding="utf-8")
    return rx


def test_coach_file_toml_means_open_this_prescription():
    parser = build_parser()
    args = parser.parse_args(_file_as_option(["--data-dir", "d", "rx.toml"]))
    assert args.open_files == [Path("rx.toml")]
    assert getattr(args, "handler", None) is None
    args = parser.parse_args(_file_as_option(["validate", "rx.toml"]))
    assert args.files == [Path("rx.toml")]
    assert args.open_files == []


def test_a_prescription_named_at_start_up_is_added_after_the_first_run_and_can_start(
        coach_app, tmp_path):
    app = coach_app
    prompts, _ = prompts_for_both(app)
    app.args = argparse.Namespace(**{**vars(app.args), "open_files": [prescription(tmp_path)]})
    app._after_first_paint()
    assert prompts.asked[0] == "red flags"  # the first-run screen came first
    assert "office-breaks" in app.catalogue.routines
    assert (app.paths.prescriptions_dir / "office-breaks.toml").is_file()
    assert app.window.home.chooser.findData("office-breaks") >= 0
    app.start_routine("office-breaks")
    assert app.session is not None
    assert app.session.plan.routine_id == "office-breaks"


def test_demo_presents_one_exercise_with_every_step_read_slowly(coach_app):
    app = coach_app
    app.demo_exercise("bridge")
    assert isinstance(app.session_window, PresenterWindow)
    assert [item.exercise.id for item in app.session.plan.items] == ["bridge"]
    speech = app.session._speech
    assert speech.verbosity is Verbosity.FULL
    assert speech.rate == round(app.settings.speech.rate * DEMO_RATE_SHARE)
    assert app.recorder is None  # a demonstration is not recorded


def test_the_progress_tab_has_the_visit_report_button(coach_app, tmp_path):
    app = coach_app
    prompts, editor_prompts = prompts_for_both(app)
    today = app.wall_now().date()
    build_history(app.paths.history_db, today - timedelta(days=1))
    app.window.tabs.setCurrentWidget(app.progress_tab)
    view = app.window.page_of(app.progress_tab)
    assert view.report is not None
    assert any(w.sessions for w in view.report.weeks)
    editor_prompts.save_to = tmp_path / "visit.pdf"
    editor_prompts.confirm_answer = False  # "Saved": Close, not open it
    view.report_button.click()
    assert editor_prompts.save_to.read_bytes().startswith(b"%PDF")
    assert library(app.paths).folder == app.paths.prescriptions_dir
