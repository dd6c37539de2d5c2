"""Progress statistics from hand-built histories: Monday weeks, daylight saving, gaps, streaks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.core.records import NO_PAIN_SCORE, ExerciseWeek, Outcome, PainScore, SessionRecord
from coach.core.stats import (
    BodyPart,
    Streaks,
    WeekStats,
    calendar,
    day_streaks,
    exercise_progress,
    exercise_summary,
    pain_summary,
    pain_trend,
    progress_report,
    streak_summary,
    streaks,
    week_streaks,
    week_summary,
    weekly_stats,
    window_adherence,
)
from coach.core.weeks import local_date, week_start, week_starts

LONDON = ZoneInfo("Europe/London")
_ids = iter(range(1, 1_000_000))


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0, fold: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON, fold=fold)


def session(
    started: datetime,
    *,
    outcome: Outcome = Outcome.COMPLETED,
    sets: int = 6,
    goal: int | None = None,
    pain: PainScore = NO_PAIN_SCORE,
    active_seconds: float = 600.0,
    closed: bool = True,
) -> SessionRecord:
    return SessionRecord(
        id=next(_ids), routine_id="r", routine_name="R", started_at=started,
        local_date=local_date(started), outcome=outcome, weekly_goal=goal, closed=closed,
        pain_before=pain, set_count=sets, active_seconds=active_seconds,
    )


def counts(weeks: list[WeekStats]) -> list[int]:
    return [w.sessions for w in weeks]


# --- weeks -----------------------------------------------------------------------------------


def test_a_week_runs_from_monday_to_sunday():
    history = [session(at(2024, 6, 9, 23, 59)), session(at(2024, 6, 10, 0, 0))]
    weeks = weekly_stats(history, first_week=date(2024, 6, 3), last_week=date(2024, 6, 10))
    assert [w.week_start for w in weeks] == [date(2024, 6, 3), date(2024, 6, 10)]
    assert counts(weeks) == [1, 1]
    assert weeks[0].week_end == date(2024, 6, 9)


def test_weeks_without_sessions_are_listed_with_zero_sessions():
    history = [session(at(2024, 5, 6)), session(at(2024, 5, 27))]
    weeks = weekly_stats(history, first_week=date(2024, 5, 6), last_week=date(2024, 5, 27))
    assert counts(weeks) == [1, 0, 0, 1]
    assert [w.pain_leg for w in weeks] == [None] * 4


def test_the_spring_daylight_saving_change_keeps_each_session_in_its_local_week():
    # Clocks go forward at 01:00 GMT on Sunday 31 March 2024 (to 02:00 BST).
    history = [
        session(at(2024, 3, 30, 9)),        # Saturday
        session(at(2024, 3, 31, 0, 30)),    # Sunday, before the change (GMT)
        session(at(2024, 3, 31, 23, 30)),   # Sunday, after it (BST): 22:30 UTC
        session(at(2024, 4, 1, 0, 30)),     # Monday 00:30 BST is still Sunday in UTC
    ]
    weeks = weekly_stats(history, first_week=date(2024, 3, 25), last_week=date(2024, 4, 1))
    assert counts(weeks) == [3, 1]
    assert day_streaks([s.local_date for s in history], date(2024, 4, 1)) == (3, 3)
    assert week_starts(date(2024, 4, 7), 3) == [date(2024, 3, 18), date(2024, 3, 25),
                                                 date(2024, 4, 1)]


def test_the_autumn_daylight_saving_change_keeps_both_sessions_of_the_repeated_hour_on_sunday():
    # Clocks go back at 02:00 BST on Sunday 27 October 2024: 01:30 happens twice.
    first = at(2024, 10, 27, 1, 30, fold=0)   # 00:30 UTC
    second = at(2024, 10, 27, 1, 30, fold=1)  # 01:30 UTC
    saturday_night = at(2024, 10, 27, 0, 30)  # 23:30 UTC on Saturday
    monday = at(2024, 10, 28, 0, 15)
    history = [session(saturday_night), session(first), session(second), session(monday)]
    assert second.utcoffset() == timedelta(0)
    assert first.utcoffset() == timedelta(hours=1)
    weeks = weekly_stats(history, first_week=date(2024, 10, 21), last_week=date(2024, 10, 28))
    assert counts(weeks) == [3, 1]
    today = date(2024, 10, 28)
    assert day_streaks([s.local_date for s in history], today) == (2, 2)


def test_several_sessions_on_one_day_each_count_for_the_week_but_once_for_the_streak():
    day = [session(at(2024, 6, 4, h)) for h in (8, 13, 19)]
    weeks = weekly_stats(day, first_week=date(2024, 6, 4), last_week=date(2024, 6, 4))
    assert counts(weeks) == [3]
    assert streaks(day, date(2024, 6, 4), goal_now=3) == Streaks(1, 1, 1, 1)


def test_a_session_counts_when_completed_or_when_it_did_at_least_one_set():
    history = [
        session(at(2024, 6, 3), outcome=Outcome.COMPLETED, sets=0),
        session(at(2024, 6, 4), outcome=Outcome.STOPPED_FOR_PAIN, sets=2),
        session(at(2024, 6, 5), outcome=Outcome.ENDED_EARLY, sets=1, closed=False),  # crash
        session(at(2024, 6, 6), outcome=Outcome.ENDED_EARLY, sets=0),  # abandoned at once
        session(at(2024, 6, 7), outcome=Outcome.STOPPED_FOR_PAIN, sets=0),
    ]
    (week,) = weekly_stats(history, first_week=date(2024, 6, 3), last_week=date(2024, 6, 3))
    assert week.sessions == 3
    assert week.completed == 1
    assert week.stopped_for_pain == 2
    assert day_streaks([s.local_date for s in history if s.done], date(2024, 6, 7)) == (0, 3)


def test_the_weekly_goal_is_the_last_one_recorded_and_is_carried_through_empty_weeks():
    history = [
        session(at(2024, 5, 6), goal=3),
        session(at(2024, 5, 7), goal=5),     # today's routine changed mid-week
        session(at(2024, 5, 27), goal=None),  # no goal recorded: keep the last one
    ]
    weeks = weekly_stats(history, first_week=date(2024, 4, 29), last_week=date(2024, 5, 27),
                         goal_now=4)
    assert [w.goal for w in weeks] == [None, 5, 5, 5, 5]  # no goal before the first session
    later = weekly_stats(history, first_week=date(2024, 5, 20), last_week=date(2024, 5, 20))
    assert later[0].goal == 5  # carried in from weeks before the window


def test_this_weeks_goal_is_the_goal_in_force_now_whatever_its_sessions_recorded():
    """Home and Progress show the same "n of goal" at any moment: the current week takes the
    goal in force (today's routine's), even when a session this week recorded another one."""
    history = [session(at(2024, 5, 27), goal=7), session(at(2024, 6, 3), goal=10)]
    weeks = weekly_stats(history, first_week=date(2024, 5, 27), last_week=date(2024, 6, 4),
                         goal_now=7, today=date(2024, 6, 4))
    assert [w.goal for w in weeks] == [7, 7]
    assert week_summary(weeks[-1]) == "1 of 7 sessions this week"
    report = progress_report(history, [], today=date(2024, 6, 4), goal_now=7)
    assert report.summaries.sessions == "1 of 7 sessions this week"
    assert [w.goal for w in report.weeks[:-2]] == [None] * 10  # before the first session


def test_adherence_leaves_out_the_current_week_and_extra_sessions_never_make_up_a_missed_one():
    weeks = [
        WeekStats(date(2024, 5, 6), sessions=5, goal=3),   # 2 extra: counts as 3
        WeekStats(date(2024, 5, 13), sessions=1, goal=3),
        WeekStats(date(2024, 5, 20), sessions=0, goal=3),  # this week, not over
    ]
    assert window_adherence(weeks, today=date(2024, 5, 21)) == pytest.approx(4 / 6)
    assert weeks[0].adherence == pytest.approx(5 / 3)
    assert window_adherence(weeks[2:], today=date(2024, 5, 21)) is None


# --- streaks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("today", "current"), [
    (date(2024, 6, 12), 3),  # done today
    (date(2024, 6, 13), 3),  # not yet today: yesterday's streak still stands
    (date(2024, 6, 14), 0),  # a whole day missed
])
def test_the_current_day_streak_holds_until_a_whole_day_is_missed(today, current):
    days = [date(2024, 6, d) for d in (1, 2, 3, 4, 5, 10, 11, 12)]
    assert day_streaks(days, today) == (current, 5)


def test_a_gap_day_breaks_the_day_streak():
    days = [date(2024, 6, 1), date(2024, 6, 2), date(2024, 6, 4)]
    assert day_streaks(days, date(2024, 6, 4)) == (1, 2)


def test_the_week_streak_counts_weeks_that_met_their_goal_and_this_week_is_not_over():
    goal = 2
    history = []
    for monday, n in [(date(2024, 4, 29), 2), (date(2024, 5, 6), 3), (date(2024, 5, 13), 1),
                      (date(2024, 5, 20), 2), (date(2024, 5, 27), 2), (date(2024, 6, 3), 1)]:
        history += [session(datetime.combine(monday + timedelta(days=i), time(9),
                                             tzinfo=LONDON), goal=goal) for i in range(n)]
    s = streaks(history, date(2024, 6, 4), goal_now=goal)
    assert s.current_weeks == 2  # weeks of 20 and 27 May; this week has 1 of 2 so far
    assert s.best_weeks == 2
    history.append(session(at(2024, 6, 5), goal=goal))
    assert streaks(history, date(2024, 6, 5), goal_now=goal).current_weeks == 3


def test_an_empty_week_breaks_the_week_streak():
    history = [session(at(2024, 5, 6), goal=1), session(at(2024, 5, 20), goal=1)]
    weeks = weekly_stats(history, first_week=date(2024, 5, 6), last_week=date(2024, 5, 27))
    assert week_streaks(weeks, date(2024, 5, 27)) == (1, 1)


def test_no_history_has_no_streaks():
    assert streaks([], date(2024, 6, 3)) == Streaks(0, 0, 0, 0)


# --- pain, activity, exercises, calendar -------------------------------------------------------


def test_weekly_pain_is_the_mean_of_the_scores_given_before_sessions_skipping_blanks():
    history = [
        session(at(2024, 6, 3), pain=PainScore(back=4, leg=6)),
        session(at(2024, 6, 4), pain=PainScore(back=None, leg=3)),
        session(at(2024, 6, 5), pain=PainScore()),
    ]
    (week,) = weekly_stats(history, first_week=date(2024, 6, 3), last_week=date(2024, 6, 3))
    assert week.pain_back == 4
    assert week.pain_leg == 4.5


def test_the_headline_reads_sessions_this_week_and_the_leg_pain_trend():
    # The issue's own example: "5 of 5 sessions this week; leg pain down from 6 to 4 over 4
    # weeks".
    history = []
    for monday, leg in [(date(2024, 5, 13), 6), (date(2024, 5, 20), 5), (date(2024, 5, 27), 5),
                        (date(2024, 6, 3), 4)]:
        history += [session(datetime.combine(monday + timedelta(days=i), time(8),
                                             tzinfo=LONDON), goal=5,
                            pain=PainScore(back=2, leg=leg)) for i in range(5)]
    report = progress_report(history, [], today=date(2024, 6, 7), goal_now=5)
    assert report.summaries.headline == ("5 of 5 sessions this week; leg pain down from 6 to 4 "
                                         "over 4 weeks")
    assert report.summaries.back_pain == "Back pain steady at 2 over 4 weeks"
    assert report.this_week.week_start == date(2024, 6, 3)
    assert len(report.weeks) == 12
    assert report.streaks.current_weeks == 4


@pytest.mark.parametrize(("points", "text"), [
    ((), "No leg pain scores yet"),
    (((date(2024, 6, 3), 4.4),), "Leg pain 4 (one week of scores so far)"),
    (((date(2024, 5, 6), 3.5), (date(2024, 6, 3), 5.0)), "Leg pain up from 4 to 5 over 5 weeks"),
    (((date(2024, 5, 27), 4.6), (date(2024, 6, 3), 5.4)), "Leg pain steady at 5 over 2 weeks"),
])
def test_the_pain_summary_rounds_half_up_and_counts_the_weeks_spanned(points, text):
    from coach.core.stats import PainTrend

    assert pain_summary(PainTrend(BodyPart.LEG, points)) == text


def test_the_pain_trend_skips_weeks_without_scores():
    weeks = [WeekStats(date(2024, 5, 6), 1, 3, pain_leg=6.0), WeekStats(date(2024, 5, 13), 0, 3),
             WeekStats(date(2024, 5, 20), 2, 3, pain_leg=4.0)]
    trend = pain_trend(weeks, "leg")
    assert trend.points == ((date(2024, 5, 6), 6.0), (date(2024, 5, 20), 4.0))
    assert trend.weeks_spanned == 3


def test_active_minutes_are_the_work_time_of_the_week():
    history = [session(at(2024, 6, 3), active_seconds=900), session(at(2024, 6, 4),
                                                                     active_seconds=1500)]
    report = progress_report(history, [], today=date(2024, 6, 4), weeks=2)
    assert report.this_week.active_minutes == 40
    # The week before the first session is not averaged in: there is no finished week yet.
    assert report.summaries.active == "40 active minutes this week"


def test_the_active_average_counts_finished_weeks_since_the_first_session():
    history = [session(at(2024, 5, 20), active_seconds=1200),   # 20 min, week of 20 May
               session(at(2024, 6, 4), active_seconds=600)]     # 10 min, this week
    report = progress_report(history, [], today=date(2024, 6, 5), weeks=12)
    # 12 weeks in view, but only 20 May and 27 May are finished weeks since the first session.
    assert report.summaries.active == ("10 active minutes this week; 10 a week on average "
                                       "over the previous 2 weeks")
    one_week = progress_report(history[:1], [], today=date(2024, 5, 28), weeks=12)
    assert one_week.summaries.active == "0 active minutes this week; 20 the week before"


def test_per_exercise_progression_compares_the_first_and_last_weeks_in_view():
    rows = [
        ExerciseWeek("bridge", date(2024, 4, 22), sets=3, longest_hold=10, most_reps=8),
        ExerciseWeek("bridge", date(2024, 5, 27), sets=3, longest_hold=20, most_reps=10),
        ExerciseWeek("bridge", date(2024, 1, 1), sets=3, longest_hold=5, most_reps=5),
        ExerciseWeek("cat-camel", date(2024, 5, 6), sets=2, most_reps=8),
        ExerciseWeek("cat-camel", date(2024, 5, 13), sets=2, most_reps=12),
        ExerciseWeek("walk", date(2024, 5, 13), sets=1),
    ]
    progress = exercise_progress(rows, since=date(2024, 3, 18))
    assert [w.week_start for w in progress["bridge"].weeks] == [date(2024, 4, 22),
                                                               date(2024, 5, 27)]
    assert progress["bridge"].best_hold == 20
    assert exercise_summary(progress["bridge"]) == "Longest hold up from 10 s to 20 s over 6 weeks"
    assert exercise_summary(progress["cat-camel"]) == (
        "Most reps in a set up from 8 to 12 over 2 weeks")
    assert exercise_summary(progress["walk"]) == "1 set done"


def test_a_hold_over_a_minute_is_written_in_minutes():
    rows = [ExerciseWeek("plank", date(2024, 5, 6), 1, longest_hold=45),
            ExerciseWeek("plank", date(2024, 5, 13), 1, longest_hold=90)]
    progress = exercise_progress(rows)
    assert exercise_summary(progress["plank"]) == (
        "Longest hold up from 45 s to 1 min 30 s over 2 weeks")


def test_the_calendar_shows_twelve_weeks_monday_first_ending_with_this_week():
    history = [session(at(2024, 6, 4)), session(at(2024, 6, 4, 18)),
               session(at(2024, 6, 5), outcome=Outcome.STOPPED_FOR_PAIN, sets=1),
               session(at(2024, 3, 1))]  # before the calendar starts
    cal = calendar(history, today=date(2024, 6, 5))
    assert len(cal) == 12
    assert all(len(w.days) == 7 for w in cal)
    assert cal[0].week_start == date(2024, 3, 18)
    assert cal[-1].days[0].day == date(2024, 6, 3)
    tuesday, wednesday, thursday = cal[-1].days[1:4]
    assert tuesday.sessions == 2
    assert wednesday.stopped_for_pain
    assert not wednesday.future
    assert thursday.future


def test_summaries_for_weeks_and_streaks():
    assert week_summary(WeekStats(date(2024, 6, 3), sessions=2, goal=3)) == (
        "2 of 3 sessions this week")
    assert week_summary(WeekStats(date(2024, 6, 3), sessions=1, goal=0)) == "1 session this week"
    assert streak_summary(Streaks(1, 12, 2, 5)) == (
        "1 day in a row (best 12); 2 weeks in a row on goal (best 5)")


def test_a_report_needs_at_least_one_week():
    with pytest.raises(ValueError, match="at least one week"):
        progress_report([], [], today=date(2024, 6, 3), weeks=0)


def test_a_time_without_its_zone_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        local_date(datetime(2024, 6, 3, 9))


# --- invariants --------------------------------------------------------------------------------

histories = st.lists(
    st.tuples(
        st.dates(min_value=date(2023, 1, 1), max_value=date(2024, 12, 31)),
        st.integers(0, 23),
        st.sampled_from(list(Outcome)),
        st.integers(0, 3),  # sets
        st.one_of(st.none(), st.integers(0, 7)),  # goal
    ),
    max_size=60,
)


def build(rows) -> list[SessionRecord]:
    return [session(datetime.combine(d, time(h), tzinfo=LONDON), outcome=o, sets=n, goal=g)
            for d, h, o, n, g in rows]


@settings(max_examples=150, deadline=None)
@given(rows=histories, today=st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 3, 1)))
def test_weekly_counts_add_up_to_the_sessions_that_count(rows, today):
    history = build(rows)
    first = date(2023, 1, 1)
    weeks = weekly_stats(history, first_week=first, last_week=today)
    in_range = [s for s in history if week_start(first) <= s.local_date <= today + timedelta(
        days=6 - today.weekday())]
    assert sum(w.sessions for w in weeks) == sum(1 for s in in_range if s.done)
    assert all(w.week_start.weekday() == 0 for w in weeks)
    assert all((b.week_start - a.week_start).days == 7 for a, b in zip(weeks, weeks[1:],
                                                                          strict=False))
    value = window_adherence(weeks, today)
    assert value is None or 0 <= value <= 1


@settings(max_examples=150, deadline=None)
@given(rows=histories, today=st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 3, 1)))
def test_a_current_streak_never_exceeds_the_best(rows, today):
    history = [s for s in build(rows) if s.local_date <= today]
    s = streaks(history, today)
    assert 0 <= s.current_days <= s.best_days
    assert 0 <= s.current_weeks <= s.best_weeks


@settings(max_examples=200, deadline=None)
@given(days=st.sets(st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 3, 31))),
       today=st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 4, 2)))
def test_day_streaks_agree_with_counting_day_by_day(days, today):
    best = run = 0
    d = date(2023, 12, 31)
    while d <= date(2024, 4, 1):
        run = run + 1 if d in days else 0
        best = max(best, run)
        d += timedelta(days=1)
    current = 0
    d = today if today in days else today - timedelta(days=1)
    while d in days:
        current += 1
        d -= timedelta(days=1)
    assert day_streaks(days, today) == (current, best)


def test_weeks_before_the_first_session_are_not_missed_weeks():
    history = [session(at(2024, 5, 27), goal=2), session(at(2024, 5, 28), goal=2)]
    report = progress_report(history, [], today=date(2024, 6, 4))
    assert report.adherence == 1.0
    assert report.summaries.adherence == ("100% of planned sessions done; goal met in 1 of "
                                          "1 week")


def test_an_empty_history_says_so_instead_of_0_percent():
    report = progress_report([], [], today=date(2024, 6, 4))
    assert report.adherence is None
    assert report.summaries.adherence == "No sessions recorded yet"
    assert report.summaries.headline == "0 of 3 sessions this week"


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1900, 1, 8), max_value=date(2200, 1, 1)))
def test_the_week_of_a_day_starts_on_the_monday_on_or_before_it(day):
    monday = week_start(day)
    assert monday.weekday() == 0
    assert 0 <= (day - monday).days <= 6
    assert week_starts(day, 2) == [monday - timedelta(days=7), monday]


def test_home_lines_give_this_week_against_the_goal_and_the_last_session():
    from coach.core.stats import home_summary

    tz = ZoneInfo("Europe/London")

    def session(day: date, outcome: Outcome, sets: int = 3, **pain) -> SessionRecord:
        started = datetime.combine(day, time(9), tz)
        return SessionRecord(id=day.day, routine_id="r", routine_name="Core and glutes",
                             started_at=started, local_date=day, outcome=outcome,
                             set_count=sets, **pain)

    wednesday = date(2026, 11, 18)
    history = [session(date(2026, 11, 13), Outcome.COMPLETED),          # last week
               session(date(2026, 11, 16), Outcome.COMPLETED),          # Monday
               session(date(2026, 11, 17), Outcome.ENDED_EARLY, sets=0),  # does not count
               session(date(2026, 11, 17), Outcome.STOPPED_FOR_PAIN, sets=2,
                       pain_before=PainScore(4, 5), pain_after=PainScore(4, 6))]
    week, last = home_summary(history, today=wednesday, goal=5)
    assert week == "2 of 5 sessions this week"
    assert last == ("Last session: Core and glutes, yesterday, stopped because it hurt "
                    "(back pain 4 to 4; leg pain 5 to 6)")
    assert home_summary([], today=wednesday, goal=5) == ("", "")
    _, older = home_summary([session(date(2026, 11, 2), Outcome.COMPLETED)], today=wednesday,
                            goal=5)
    assert older == "Last session: Core and glutes, Monday 2 November, completed"
