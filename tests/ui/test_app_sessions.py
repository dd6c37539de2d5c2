"""CoachApp wires a session: Start opens the session window, the real ticker drives it, the
history records it, settings apply live and persist."""

from __future__ import annotations

import argparse

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette

from coach.app import CoachApp
from coach.core.cues import Verbosity
from coach.core.records import Outcome
from coach.paths import resolve
from coach.settings import Theme
from coach.speech.fake import FakeSpeaker
from coach.ui.presenter import PresenterWindow
from coach.ui.qt_compat import protect_singletons
from coach.ui.session_window import SessionWindow
from tests.ui.session_helpers import FakePrompts


@pytest.fixture(autouse=True)
def restore_app_look(qapp):
    """CoachApp applies the theme to the whole application: put it back for other tests."""
    style = qapp.style().name()
    font, palette, sheet = QFont(qapp.font()), QPalette(qapp.palette()), qapp.styleSheet()
    yield
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setFont(font)


def make_app(tmp_path, *, time_scale: float | None = 1000.0) -> tuple[CoachApp, list]:
    protect_singletons()  # whole sessions make many Qt calls; see coach.ui.qt_compat
    paths = resolve(tmp_path / "data")
    paths.ensure()
    args = argparse.Namespace(catalogue=[], exit_when_ready=False, time_scale=time_scale,
                              data_dir=tmp_path / "data")
    app = CoachApp(paths, args, paths.log_file)
    app.prompts = FakePrompts()
    speakers: list[FakeSpeaker] = []

    def fake_speaker(clock, settings, *, on_caption, on_notice):
        speakers.append(FakeSpeaker())
        return speakers[-1]

    app.make_speaker = fake_speaker
    return app, speakers


@pytest.fixture
def coach_app(qtbot, tmp_path):
    app, speakers = make_app(tmp_path)
    qtbot.addWidget(app.window)
    yield app, speakers
    app.shutdown()


def test_start_runs_the_routine_in_the_session_window_and_records_it(coach_app, qtbot):
    app, speakers = coach_app
    app.window.home.chooser.setCurrentIndex(app.window.home.chooser.findData("desk-break"))
    qtbot.mouseClick(app.window.home.start, Qt.MouseButton.LeftButton)
    window = app.session_window
    assert isinstance(window, SessionWindow)
    assert window.isVisible()
    assert speakers[0].prepared
    with qtbot.waitSignal(app.session.finished, timeout=10_000) as finished:
        pass  # 426 s of routine at 1000 times real time
    result = finished.args[0]
    assert result.completed
    assert window.windowTitle() == "Finished — Physio Coach"
    sessions = app.history().sessions()
    assert [s.routine_id for s in sessions] == ["desk-break"]
    assert sessions[0].outcome is Outcome.COMPLETED
    window.close()
    assert app.session is None


def test_closing_the_session_window_closes_the_session_in_the_history(tmp_path, qtbot):
    """Closed before the first set: recorded and closed, as nothing done (not "ended early",
    which is for a session stopped after something was done)."""
    app, _ = make_app(tmp_path, time_scale=None)  # real time: nothing finishes in this test
    qtbot.addWidget(app.window)
    try:
        app.start_routine("desk-break")
        assert app.session.engine.running
        app.session_window.close()
        sessions = app.history().sessions()
        assert sessions[0].closed
        assert sessions[0].outcome is Outcome.NOTHING_DONE
    finally:
        app.shutdown()


def test_file_quit_during_a_session_closes_its_window_and_records_the_session(
        tmp_path, qtbot):
    """Quit ends the app even with a session open: its window closes with the main window
    (it used to stay open, keeping the process alive), and the session is recorded: closed
    at once, before any set, it is a session in which nothing was done."""
    app, _ = make_app(tmp_path, time_scale=None)
    qtbot.addWidget(app.window)
    try:
        app.window.show()
        app.start_routine("desk-break")
        window = app.session_window
        [quit_action] = [a for a in app.window.file_menu.actions() if a.text() == "&Quit"]
        quit_action.trigger()
        assert not window.isVisible()
        assert not app.window.isVisible()
        assert app.session is None
        [session] = app.history().sessions()
        assert session.closed
        assert session.outcome is Outcome.NOTHING_DONE
    finally:
        app.shutdown()


def test_a_second_start_brings_the_running_session_forward(tmp_path, qtbot):
    app, speakers = make_app(tmp_path, time_scale=None)
    qtbot.addWidget(app.window)
    try:
        app.start_routine("desk-break")
        first = app.session
        app.try_exercise("bridge")
        assert app.session is first
        assert len(speakers) == 1
    finally:
        app.shutdown()


def test_try_this_exercise_runs_that_exercise_alone(tmp_path, qtbot):
    app, _ = make_app(tmp_path, time_scale=None)
    qtbot.addWidget(app.window)
    try:
        app.window.exercises.select("bridge")
        qtbot.mouseClick(app.window.exercises.detail.try_button, Qt.MouseButton.LeftButton)
        assert app.session.plan.routine_id is None
        assert [i.exercise.id for i in app.session.plan.items] == ["bridge"]
        assert app.session_window.title.text() == "Bridge"
    finally:
        app.shutdown()


def test_present_runs_from_the_chosen_exercise_through_the_list_shown_unrecorded(
        tmp_path, qtbot):
    app, speakers = make_app(tmp_path, time_scale=None)
    qtbot.addWidget(app.window)
    try:
        browser = app.window.exercises
        shown = browser.shown_ids()
        browser.select("bridge")
        qtbot.mouseClick(browser.detail.present_button, Qt.MouseButton.LeftButton)
        window = app.session_window
        assert isinstance(window, PresenterWindow)
        assert window.isFullScreen()
        plan = app.session.plan
        assert [i.exercise.id for i in plan.items] == shown[shown.index("bridge"):]
        assert app.session.speech.verbosity is Verbosity.FULL
        assert app.recorder is None
        window.close()
        assert app.history().sessions() == []
    finally:
        app.shutdown()


def test_settings_apply_to_a_running_session_and_persist(tmp_path, qtbot):
    app, speakers = make_app(tmp_path, time_scale=None)
    qtbot.addWidget(app.window)
    try:
        app.start_routine("desk-break")
        new = app.settings.replace(
            theme=Theme.HIGH_CONTRAST, prepare_seconds=8, text_scale=1.5,
            speech=app.settings.speech.replace(rate=140, verbosity=Verbosity.MINIMAL))
        app.apply_settings(new)
        assert speakers[0].applied[-1].rate == 140
        assert app.session.engine.verbosity is Verbosity.MINIMAL
        assert app.plan_settings().prepare_seconds == 8
    finally:
        app.shutdown()
    again, _ = make_app(tmp_path)
    qtbot.addWidget(again.window)
    try:
        assert again.settings == new
        assert again.settings.speech.rate == 140
        assert again.settings.theme is Theme.HIGH_CONTRAST
    finally:
        again.shutdown()


def test_home_shows_this_week_and_the_last_session_once_there_is_history(qtbot, tmp_path):
    """The Home page says how the week is going against today's routine's goal."""
    from datetime import datetime

    from coach.core.records import Outcome, PainScore
    from coach.storage.history import HistoryStore

    store = HistoryStore.open(tmp_path / "data" / "history.db", backup=False)
    now = datetime.now().astimezone()
    sid = store.start_session("desk-break", "Desk break", now, weekly_goal=10,
                              pain_before=PainScore(3, 2))
    store.finish_session(sid, now, Outcome.COMPLETED, pain_after=PainScore(2, 2))
    store.close()
    app, _ = make_app(tmp_path)
    qtbot.addWidget(app.window)
    try:
        home = app.window.home
        assert home.week.text() == ""
        home.chooser.setCurrentIndex(home.chooser.findData("desk-break"))
        app.refresh_home()
        desk_break = app.catalogue.routine("desk-break").sessions_per_week
        assert home.week.text() == f"1 of {desk_break} sessions this week"
        assert home.last_session.text() == (
            "Last session: Desk break, today, completed (back pain 3 to 2; leg pain 2 to 2)")
    finally:
        app.shutdown()


def test_catalogue_problems_are_shown_once_before_the_first_run_questions(qtbot, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "catalogue.toml").write_text(
        'schema = 1\n[[exercise]]\nid = "mine"\nname = "Mine"\ncategory = "strech"\n'
        'summary = "s"\nposition = "standing"\nsteps = ["a"]\nhold_seconds = 5\n')
    app, _ = make_app(tmp_path)
    qtbot.addWidget(app.window)
    try:
        order: list[str] = []
        prompts = app.prompts
        real_problems, real_red_flags = prompts.problems, prompts.red_flags
        prompts.problems = lambda *a: (order.append("problems"), real_problems(*a))[1]
        prompts.red_flags = lambda *a, **k: (order.append("red flags"), real_red_flags(*a, **k))[1]
        app._after_first_paint()
        assert order[:2] == ["problems", "red flags"]
        assert prompts.problem_lists == [[
            f"{data / 'catalogue.toml'}:5: exercise 'mine': category must be one of stretch, "
            "strength, mobility, nerve-glide, aerobic, posture, heat, cold, got 'strech' "
            "(did you mean 'stretch'?)"]]
    finally:
        app.shutdown()


def test_a_history_deleted_during_a_session_is_saved_again_and_said_once_the_window_closes(
        tmp_path, qtbot):
    app, _ = make_app(tmp_path, time_scale=None)  # real time: nothing finishes by itself
    qtbot.addWidget(app.window)
    try:
        app.start_routine("desk-break")
        db = app.paths.history_db
        for name in ("history.db", "history.db-wal", "history.db-shm"):
            db.with_name(name).unlink(missing_ok=True)
        assert app.session.skip()  # recorded as skipped: the next write
        assert db.exists()
        assert app.prompts.warnings == []  # nothing over the countdown
        app.session_window.close()
        assert app.prompts.warnings == [
            "Your exercise history file was deleted while Physio Coach was open. It has been "
            f"saved again, with everything it held up to now: {db}"]
        (session,) = app.history().sessions()
        assert session.routine_id == "desk-break"
    finally:
        app.shutdown()


def test_home_and_routines_show_the_routines_real_length_at_the_persons_settings(coach_app):
    """The figure is the plan's (get-ready, rests, both sides) and follows the settings."""
    from coach.core.plan import about, routine_seconds

    app, _ = coach_app
    home = app.window.home
    home.chooser.setCurrentIndex(home.chooser.findData("gentle-daily-stretch"))

    def shown(settings) -> str:
        return about(routine_seconds(app.catalogue, "gentle-daily-stretch",
                                     settings.plan_settings()))

    routines = app.window.routines
    routines.select("gentle-daily-stretch")
    for facts in (home.facts, routines.detail.facts):
        assert f" · {shown(app.settings)} · " in facts.text()
    longer = app.settings.replace(prepare_seconds=60, rest_between_seconds=120)
    assert shown(longer) != shown(app.settings)
    app.apply_settings(longer)
    for facts in (home.facts, routines.detail.facts):
        assert f" · {shown(longer)} · " in facts.text()


class ModalAnswerer:
    """Answers each modal dialog as it opens, in order, through its real widgets (a timer on
    the event loop, as pytest-qt's note on modal dialogs shows); remembers their titles."""

    def __init__(self, *answers) -> None:
        from PySide6.QtCore import QTimer

        self.answers = list(answers)
        self.titles: list[str] = []
        self._seen: set[int] = set()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._check)
        self.timer.start()

    def _check(self) -> None:
        from PySide6.QtWidgets import QApplication

        dialog = QApplication.activeModalWidget()
        if dialog is None or id(dialog) in self._seen or not dialog.isVisible():
            return
        self._seen.add(id(dialog))
        self.titles.append(dialog.windowTitle())
        answer = self.answers.pop(0) if self.answers else None
        try:
            if answer is not None:
                answer(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()
            if not self.answers:
                self.timer.stop()

    def stop(self) -> None:
        self.timer.stop()


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
@pytest.mark.parametrize("when", ["getting into position", "after some exercise"])
def test_stopping_a_session_asks_the_pain_after_it_in_the_window_too(tmp_path, qtbot, when):
    """Through the real prompt service: the real "Stop the session?" box, then the real pain
    check, whose answers are saved with the session (as `coach run` does after a stop)."""
    from PySide6.QtWidgets import QMessageBox

    from coach.core.plan import plan_routine
    from coach.core.records import PainScore
    from coach.ui.prompts import Prompts

    app, _ = make_app(tmp_path, time_scale=50.0)
    qtbot.addWidget(app.window)
    app.prompts = Prompts()
    try:
        plan = plan_routine(app.catalogue, "desk-break", app.plan_settings())
        app.open_session(plan, recorder_answers={})
        controller = app.session
        if when == "after some exercise":
            qtbot.waitUntil(lambda: controller.engine.result.active_seconds > 0,
                            timeout=20_000)

        def stop(box):
            assert isinstance(box, QMessageBox)
            next(b for b in box.buttons() if b.text() == "Stop the session").click()

        def pain(dialog):
            dialog.back.set_value(3)
            dialog.save_button.click()

        answerer = ModalAnswerer(stop, pain)
        try:
            app.session_window.ask_stop()
            qtbot.waitUntil(lambda: not answerer.answers, timeout=10_000)
            qtbot.waitUntil(lambda: app.history().sessions()[0].pain_after is not None,
                            timeout=10_000)
        finally:
            answerer.stop()
        assert answerer.titles == ["Stop the session?", "How is your pain now?"]
        assert controller.engine.result.ended_early
        assert app.history().sessions()[0].pain_after == PainScore(3, None)
    finally:
        app.shutdown()


def test_two_windows_on_one_data_folder_keep_each_others_settings(qtbot, tmp_path):
    """Window B changes the theme, then window A (opened before) the text size: the file and
    window A end up with both, instead of A's whole copy undoing B's theme."""
    from coach import settings as settings_file
    from coach.settings import Theme

    first, _ = make_app(tmp_path)
    second, _ = make_app(tmp_path)
    qtbot.addWidget(first.window)
    qtbot.addWidget(second.window)
    try:
        second.apply_settings(second.settings.replace(theme=Theme.DARK))
        first.apply_settings(first.settings.replace(text_scale=1.5))
        on_disk = settings_file.load(first.paths.settings_file).settings
        assert (on_disk.theme, on_disk.text_scale) == (Theme.DARK, 1.5)
        assert (first.settings.theme, first.settings.text_scale) == (Theme.DARK, 1.5)
        second.apply_settings(second.settings.replace(text_scale=1.25))
        on_disk = settings_file.load(first.paths.settings_file).settings
        assert (on_disk.theme, on_disk.text_scale) == (Theme.DARK, 1.25)
    finally:
        first.shutdown()
        second.shutdown()


def test_a_second_window_on_the_same_data_folder_brings_the_first_to_the_front(qtbot,
                                                                              tmp_path):
    """The first window is this test's app (listening as `run_gui` makes it); the second is a
    real `python -m coach` on the same folder: it ends at once and the first comes forward."""
    import os
    import subprocess
    import sys

    from coach.ui.single_instance import SingleInstance
    from tests.cli.test_faults import ROOT

    app, _ = make_app(tmp_path)
    qtbot.addWidget(app.window)
    instance = SingleInstance(app.paths.data_dir)
    try:
        assert instance.claim()
        instance.activated.connect(app.come_forward)
        app.window.showMinimized()
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
        env.pop("COACH_DATA_DIR", None)
        with qtbot.waitSignal(instance.activated, timeout=20_000):
            second = subprocess.run(
                [sys.executable, "-m", "coach", "--data-dir", str(app.paths.data_dir)],
                capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
        assert second.returncode == 0, second.stderr
        assert second.stderr == (f"coach: Physio Coach is already open for "
                                 f"{app.paths.data_dir}; its window was brought to the "
                                 "front.\n")
        assert app.window.isVisible()
        assert not app.window.isMinimized()
        assert not (app.paths.data_dir / "history.db").exists()  # the second opened nothing
    finally:
        instance.release()
        app.shutdown()


def test_records_kept_in_memory_are_written_while_the_window_runs_once_space_returns(
        qtbot, tmp_path):
    """A real small disk (tmpfs) as the data folder, full when a session starts: once space is
    free again the window writes the session by itself, without waiting for the next record
    or the quit, and says so."""
    import sqlite3
    from datetime import datetime

    from tests.helpers.faults import fill, free, small_disk

    with small_disk(tmp_path / "data") as data:
        app, _ = make_app(tmp_path)
        qtbot.addWidget(app.window)
        try:
            store = app.history()
            fill(data)
            store.start_session("desk-break", "Desk break", datetime.now().astimezone())
            assert store.pending_count == 1
            assert app.history_retry.isActive()
            app.history_retry.setInterval(20)
            free(data)
            qtbot.waitUntil(lambda: store.pending_count == 0, timeout=5000)
            assert not app.history_retry.isActive()
            conn = sqlite3.connect(data / "history.db")
            assert conn.execute("SELECT routine_id FROM sessions").fetchall() == [
                ("desk-break",)]
            conn.close()
            assert any("the disk is full" in m for m in app.prompts.warnings)
            assert any("now been saved" in m for m in app.prompts.warnings)
        finally:
            app.shutdown()
