"""How a session ended, and the weekly goal, read the same everywhere a person looks: the end
page, Home, Progress and the history file. Through the real app, its real session window (keys
pressed as a person would) and the real SQLite history."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt

from coach.core.records import Outcome
from tests.ui.session_helpers import press, show_active
from tests.ui.test_app_sessions import make_app


def skip_everything(app, qtbot) -> None:
    """Press Right (skip) until the session is over: every exercise and rest is skipped."""
    window = app.session_window
    show_active(qtbot, window)
    for _ in range(100):
        if app.session.engine.finished:
            break
        press(qtbot, window, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: window.finished_view.isVisible(), timeout=5_000)


def recorded(app) -> list[tuple[str, int, str]]:
    """(routine id, weekly goal, outcome) of every session, straight from the file."""
    with sqlite3.connect(app.paths.history_db) as conn:
        return conn.execute(
            "SELECT routine_id, weekly_goal, outcome FROM sessions ORDER BY id").fetchall()


def test_a_session_where_every_exercise_was_skipped_is_recorded_and_shown_as_nothing_done(
        qtbot, tmp_path):
    app, _ = make_app(tmp_path, time_scale=None)
    qtbot.addWidget(app.window)
    try:
        home = app.window.home
        routine = app.catalogue.routine(home.current_routine_id())
        qtbot.mouseClick(home.start, Qt.MouseButton.LeftButton)
        window = app.session_window
        skip_everything(app, qtbot)
        end = window.finished_view
        assert end.title.text() == "No exercise done this time"
        n = len(routine.items)
        assert end.summary.text() == (
            f"All {n} exercises were skipped, so this session does not count towards your week")
        assert "Well done" not in end.title.text() + end.summary.text()
        window.close()
        qtbot.waitUntil(lambda: app.session is None, timeout=5_000)

        assert recorded(app) == [(routine.id, routine.sessions_per_week, "nothing-done")]
        assert home.week.text() == f"0 of {routine.sessions_per_week} sessions this week"
        assert home.last_session.text().startswith(
            f"Last session: {routine.name}, today, nothing done")
        app.window.tabs.setCurrentWidget(app.progress_tab)
        progress = app.window.page_of(app.progress_tab)
        assert progress.report.this_week.sessions == 0
        assert progress.report.this_week.nothing_done == 1
        assert progress.report.streaks.current_days == 0
    finally:
        app.shutdown()


def test_after_a_desk_break_home_and_progress_show_the_same_weekly_goal(qtbot, tmp_path):
    """Today's routine is Gentle daily stretches (7 a week); a Desk break (10 a week) started
    from the Routines tab counts towards that goal and does not change it."""
    app, _ = make_app(tmp_path)  # 1000 times real time: the desk break runs to its end
    qtbot.addWidget(app.window)
    try:
        home = app.window.home
        home.chooser.setCurrentIndex(home.chooser.findData("gentle-daily-stretch"))
        goal = app.catalogue.routine("gentle-daily-stretch").sessions_per_week
        assert app.catalogue.routine("desk-break").sessions_per_week != goal
        routines = app.window.routines
        routines.select("desk-break")
        qtbot.mouseClick(routines.detail.start, Qt.MouseButton.LeftButton)
        with qtbot.waitSignal(app.session.finished, timeout=10_000) as finished:
            pass
        assert finished.args[0].completed
        assert app.session_window.finished_view.title.text() == "Well done"
        app.session_window.close()
        qtbot.waitUntil(lambda: app.session is None, timeout=5_000)

        assert recorded(app) == [("desk-break", goal, Outcome.COMPLETED.value)]
        app.window.tabs.setCurrentWidget(app.progress_tab)
        progress = app.window.page_of(app.progress_tab)
        assert home.week.text() == f"1 of {goal} sessions this week"
        assert progress.sessions_summary.text() == home.week.text()
        assert progress.headline.text().startswith(home.week.text())
        # The goal line starts with the week of the first session (this one).
        goal_line = [s for s in progress.sessions_chart.series() if s.name() == "Weekly goal"]
        (line,) = goal_line
        assert [(p.x(), p.y()) for p in line.points()] == [(len(progress.report.weeks) - 1,
                                                             goal)]
    finally:
        app.shutdown()
