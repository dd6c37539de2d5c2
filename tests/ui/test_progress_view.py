"""The Progress tab renders what the statistics computed, with a summary line per chart."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCharts import QBarSeries, QLineSeries
from PySide6.QtCore import Qt

from coach.core.records import Outcome, PainScore, SetRecord
from coach.storage.history import HistoryStore
from coach.ui.progress_view import ProgressView

TZ = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
NAMES = {"bridge": "Bridge", "plank": "Forearm plank"}


def build_history(path, weeks: int = 4):
    """Three sessions a week for `weeks` weeks; leg pain falling from 6 to 3."""
    now = MONDAY + timedelta(weeks=weeks - 1, days=4)
    store = HistoryStore.open(path, now=lambda: now, backup=False)
    for week in range(weeks):
        for day in (0, 2, 4):
            start = MONDAY + timedelta(weeks=week, days=day)
            sid = store.start_session("core-and-glutes", "Core and glutes", start,
                                      weekly_goal=3, pain_before=PainScore(4, 6 - week))
            for n in (1, 2):
                store.record_set(sid, SetRecord(
                    exercise_id="plank", set_number=n, completed_at=start + timedelta(minutes=n),
                    reps_done=1, reps_planned=1, hold_seconds=30 + 5 * week,
                    hold_seconds_planned=30 + 5 * week, work_seconds=30 + 5 * week))
            store.finish_session(sid, start + timedelta(minutes=10), Outcome.COMPLETED,
                                 pain_after=PainScore(4, 6 - week))
    return store, now.date()


def test_the_progress_tab_shows_the_summaries_as_plain_text(qtbot, tmp_path):
    store, today = build_history(tmp_path / "history.db")
    report = store.progress(today, weeks=12)
    store.close()
    view = ProgressView(NAMES)
    qtbot.addWidget(view)
    view.set_report(report)
    assert view.headline.text() == report.summaries.headline
    assert "leg pain down from 6 to 3" in view.headline.text()
    assert view.sessions_summary.text() == report.summaries.sessions
    assert view.leg_summary.text() == report.summaries.leg_pain
    assert view.active_summary.text() == report.summaries.active
    assert not view.empty.isVisibleTo(view)
    for label in (view.headline, view.sessions_summary, view.leg_summary, view.exercise_summary):
        assert label.textFormat() == Qt.TextFormat.PlainText


def test_each_chart_holds_one_point_or_bar_per_week(qtbot, tmp_path):
    store, today = build_history(tmp_path / "history.db")
    report = store.progress(today, weeks=12)
    store.close()
    view = ProgressView(NAMES)
    qtbot.addWidget(view)
    view.set_report(report)
    bars = [s for s in view.sessions_chart.series() if isinstance(s, QBarSeries)][0]
    assert bars.barSets()[0].count() == 12
    assert [bars.barSets()[0].at(i) for i in range(8, 12)] == [3, 3, 3, 3]
    leg = [s for s in view.pain_chart.series() if s.name() == "Leg"][0]
    assert isinstance(leg, QLineSeries)
    assert [p.y() for p in leg.points()] == [6, 5, 4, 3]
    assert view.exercise.currentData() == "plank"
    assert view.exercise.currentText() == "Forearm plank"
    hold = view.exercise_chart.series()[0]
    assert [p.y() for p in hold.points()] == [30, 35, 40, 45]
    assert view.calendar.weeks == report.calendar


def test_an_empty_history_says_what_will_appear(qtbot, tmp_path):
    store = HistoryStore.open(tmp_path / "history.db", backup=False)
    report = store.progress(MONDAY.date(), weeks=12)
    store.close()
    view = ProgressView(NAMES)
    qtbot.addWidget(view)
    view.set_report(report)
    assert view.empty.isVisibleTo(view)
    assert not view.exercise.isVisibleTo(view)


def test_a_walk_is_followed_in_minutes_not_as_one_rep(qtbot, tmp_path):
    """A timed activity records one "rep" of some minutes: Progress follows its minutes."""
    now = MONDAY + timedelta(weeks=1, days=2)
    with HistoryStore.open(tmp_path / "history.db", now=lambda: now, backup=False) as store:
        for week, minutes in ((0, 10), (1, 12)):
            start = MONDAY + timedelta(weeks=week)
            sid = store.start_session("easy-walk", "Easy walk", start, weekly_goal=5)
            store.record_set(sid, SetRecord(
                "walking", 1, start + timedelta(minutes=minutes), reps_done=1, reps_planned=1,
                work_seconds=60.0 * minutes, work_seconds_planned=600.0, sets_planned=1))
            store.finish_session(sid, start + timedelta(minutes=minutes + 1), Outcome.COMPLETED)
        report = store.progress(now.date(), weeks=4)
    view = ProgressView({"walking": "Walking"})
    qtbot.addWidget(view)
    view.set_report(report)
    assert view.exercise_summary.text() == (
        "Longest time in one go up from 10 min to 12 min over 2 weeks")
    (line,) = view.exercise_chart.series()
    assert line.name() == "Longest time in one go (min)"
    assert [p.y() for p in line.points()] == [10, 12]


def test_after_the_clock_went_back_a_day_todays_sessions_still_count_on_the_progress_tab(
        qtbot, tmp_path):
    """The wall clock was set back 30 hours after two sessions: the Progress tab of the real
    app still counts them (they are not 'in the future')."""
    from tests.ui.test_app_sessions import make_app

    app, _speakers = make_app(tmp_path)
    qtbot.addWidget(app.window)
    try:
        now = datetime.now().astimezone()
        with HistoryStore.open(app.paths.history_db, backup=False) as store:
            for start in (now - timedelta(days=3), now - timedelta(minutes=20)):
                sid = store.start_session("desk-break", "Desk break", start, weekly_goal=3)
                store.finish_session(sid, start + timedelta(minutes=8), Outcome.COMPLETED)
        app.wall_now = lambda: datetime.now().astimezone() - timedelta(hours=30)
        app.window.tabs.setCurrentWidget(app.progress_tab)
        view = app.window.page_of(app.progress_tab)
        qtbot.waitUntil(lambda: view.report is not None, timeout=5000)
        assert view.calendar_summary.text().startswith("Exercised on 2 of the last ")
        assert sum(w.sessions for w in view.report.weeks) == 2
    finally:
        app.shutdown()
