"""Progress statistics over a history: pure functions of plain records, no SQL and no Qt.

The unit is the local week, Monday to Sunday (`coach.core.weeks`); a session belongs to the
local date it started on, so a week that contains a daylight-saving change is still seven days.

Definitions (the progress tab and `coach history` show exactly these):

- A session *counts* (`SessionRecord.done`) when it was completed or partly done, or ended early
  or stopped for pain after at least one set. Stopping because it hurts never costs a streak; a
  session in which nothing was done (no set, no exercise time) never counts.
- The *weekly goal in force* is the sessions per week of today's routine (`goal_in_force`: the
  routine on the Home page), and each session records the goal in force when it started,
  whichever routine it ran (a Desk break does not change the goal). The current week's goal is
  the goal in force now, so Home, Progress, `coach history` and the report agree at any moment;
  a finished week's goal is the one recorded by its last session that has one; a week without
  sessions keeps the goal of the week before; before the first recorded goal, the goal in
  force. Weeks before the week of the first session have no goal (None): nobody misses a goal
  before they start.
- A week's *sessions with a pain stop* are those stopped for pain, or in which an exercise was
  stopped because it hurt and the session went on (`SessionRecord.had_pain_stop`).
- *Adherence* of a week is sessions / goal (above 1 when more were done); over several weeks it
  is the sum of min(sessions, goal) over the sum of goals, for weeks that are over (the current
  week is not yet over and is left out) and not before the first session ever, so an extra
  session never makes up for a missed week and nobody "missed" weeks before they started.
- *Day streak*: consecutive days with at least one counted session. Several sessions on one day
  count once. The current streak still holds today when the last counted day was yesterday (the
  day is not over).
- *Week streak*: consecutive weeks whose counted sessions reached the goal. The current one
  includes this week once its goal is met, otherwise it runs to last week.
- *Pain*: the weekly mean of the back and leg scores given before sessions (skipped answers are
  left out, not counted as 0). The trend compares the first and last weeks with scores in view.
- *Active minutes*: the time under work of the sets (`SetRecord.work_seconds`), summed.
- *Per-exercise progression*: for each week, the longest hold and the most reps done in one set;
  for a timed activity (no hold, never more than one rep: a walk), the longest time in one go.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from coach.core.models import Catalogue, format_duration, format_seconds
from coach.core.records import ExerciseWeek, Outcome, SessionRecord, StoredSet
from coach.core.weeks import ONE_WEEK, week_start, week_starts, weeks_between
from coach.core.words import counted

#: `Routine.sessions_per_week` when nothing says otherwise.
DEFAULT_WEEKLY_GOAL = 3
#: The progress view shows at least this many weeks (the issue's "last 12+ weeks").
DEFAULT_WEEKS = 12


def goal_in_force(catalogue: Catalogue, routine_id: str | None) -> int:
    """The weekly goal now: the sessions per week of today's routine, `routine_id` (the Home
    page's; the first routine that can be started when it is not one of those), else
    `DEFAULT_WEEKLY_GOAL`. Sessions record it when they start, whichever routine they run."""
    usable = catalogue.usable_routines()
    routine = next((r for r in usable if r.id == routine_id), usable[0] if usable else None)
    return routine.sessions_per_week if routine is not None else DEFAULT_WEEKLY_GOAL


# --- weeks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekStats:
    """One Monday week of history."""

    week_start: date
    sessions: int
    """Sessions that count (`SessionRecord.done`)."""
    goal: int | None
    """None for a week before the week of the first session."""
    completed: int = 0
    stopped_for_pain: int = 0
    """Sessions with a pain stop: stopped for pain, or an exercise stopped because it hurt."""
    nothing_done: int = 0
    """Sessions started in which nothing was done (they do not count)."""
    pain_back: float | None = None
    """Mean back pain before the week's sessions; None when none was given."""
    pain_leg: float | None = None
    active_seconds: float = 0.0

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def has_goal(self) -> bool:
        return self.goal is not None and self.goal > 0

    @property
    def adherence(self) -> float | None:
        """sessions / goal (may exceed 1); None when there is no goal (or it is 0)."""
        return self.sessions / self.goal if self.goal else None

    @property
    def met_goal(self) -> bool:
        return self.goal is not None and self.goal > 0 and self.sessions >= self.goal

    @property
    def active_minutes(self) -> float:
        return self.active_seconds / 60


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


def weekly_stats(
    sessions: Iterable[SessionRecord],
    *,
    first_week: date,
    last_week: date,
    goal_now: int = DEFAULT_WEEKLY_GOAL,
    today: date | None = None,
) -> list[WeekStats]:
    """One `WeekStats` per week from the week of `first_week` to that of `last_week`, oldest
    first; weeks without sessions are included with 0 sessions. `goal_now` is the weekly goal
    in force (`goal_in_force`): the goal of the week of `today`, when given, and of weeks
    before any goal was recorded. Sessions before `first_week` only matter for the goal
    carried forward (see the module docstring)."""
    first, last = week_start(first_week), week_start(last_week)
    this_week = week_start(today) if today is not None else None
    by_week: dict[date, list[SessionRecord]] = defaultdict(list)
    for s in sessions:
        by_week[week_start(s.local_date)].append(s)
    started = min(by_week, default=None)
    goal = goal_now
    # The goal carried into `first` comes from the latest earlier week that set one.
    for monday in sorted(w for w in by_week if w < first):
        goal = _week_goal(by_week[monday], goal)
    result: list[WeekStats] = []
    monday = first
    while monday <= last:
        week = by_week.get(monday, [])
        goal = _week_goal(week, goal)
        if monday == this_week:
            week_goal: int | None = goal_now
        elif started is None or monday < started:
            week_goal = None
        else:
            week_goal = goal
        result.append(WeekStats(
            week_start=monday,
            sessions=sum(1 for s in week if s.done),
            goal=week_goal,
            completed=sum(1 for s in week if s.outcome is Outcome.COMPLETED),
            stopped_for_pain=sum(1 for s in week if s.had_pain_stop),
            nothing_done=sum(1 for s in week if s.outcome is Outcome.NOTHING_DONE),
            pain_back=_mean([s.pain_before.back for s in week if s.pain_before.back is not None]),
            pain_leg=_mean([s.pain_before.leg for s in week if s.pain_before.leg is not None]),
            active_seconds=sum(s.active_seconds for s in week),
        ))
        monday += ONE_WEEK
    return result


def _week_goal(week: Sequence[SessionRecord], carried: int) -> int:
    ordered = sorted(week, key=lambda s: (s.local_date, s.started_at, s.id))
    goals = [s.weekly_goal for s in ordered if s.weekly_goal is not None]
    return goals[-1] if goals else carried


def _weeks_over(weeks: Sequence[WeekStats], today: date,
                since: date | None) -> list[WeekStats]:
    """The weeks with a goal that are over, from the week of `since` on."""
    first = week_start(since) if since is not None else date.min
    return [w for w in weeks if first <= w.week_start < week_start(today) and w.has_goal]


def window_adherence(weeks: Sequence[WeekStats], today: date,
                     since: date | None = None) -> float | None:
    """Sum of min(sessions, goal) / sum of goals over the weeks that are over, from the week of
    `since` (the first session ever: weeks before someone started are not missed weeks);
    None when there is no such week."""
    over = _weeks_over(weeks, today, since)
    planned = sum(w.goal or 0 for w in over)
    if planned == 0:
        return None
    return sum(min(w.sessions, w.goal or 0) for w in over) / planned


# --- streaks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Streaks:
    current_days: int = 0
    best_days: int = 0
    current_weeks: int = 0
    best_weeks: int = 0


def day_streaks(days: Iterable[date], today: date) -> tuple[int, int]:
    """(current, best) runs of consecutive days in `days` (duplicates count once)."""
    unique = sorted(set(days))
    best = run = 0
    previous: date | None = None
    for day in unique:
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        best = max(best, run)
        previous = day
    present = set(unique)
    start = today if today in present else today - timedelta(days=1)
    current = 0
    while start in present:
        current += 1
        start -= timedelta(days=1)
    return current, best


def week_streaks(weeks: Sequence[WeekStats], today: date) -> tuple[int, int]:
    """(current, best) runs of consecutive weeks that met their goal.

    `weeks` must be consecutive, oldest first, as `weekly_stats` returns them.
    """
    best = run = 0
    for w in weeks:
        run = run + 1 if w.met_goal else 0
        best = max(best, run)
    this_week = week_start(today)
    upto = [w for w in weeks if w.week_start <= this_week]
    if upto and upto[-1].week_start == this_week and not upto[-1].met_goal:
        upto = upto[:-1]  # this week is not over: it does not break the streak yet
    current = 0
    for w in reversed(upto):
        if not w.met_goal:
            break
        current += 1
    return current, best


def streaks(sessions: Sequence[SessionRecord], today: date,
            goal_now: int = DEFAULT_WEEKLY_GOAL) -> Streaks:
    """Day and week streaks over the whole history, current as of `today`."""
    done = [s for s in sessions if s.done]
    current_days, best_days = day_streaks((s.local_date for s in done), today)
    if not sessions:
        return Streaks(current_days, best_days)
    first = min(s.local_date for s in sessions)
    weeks = weekly_stats(sessions, first_week=first, last_week=max(today, first),
                         goal_now=goal_now, today=today)
    current_weeks, best_weeks = week_streaks(weeks, today)
    return Streaks(current_days, best_days, current_weeks, best_weeks)


# --- calendar --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    day: date
    sessions: int = 0
    """Sessions that count, started on this day."""
    started: int = 0
    """Every session started on this day, counted or not."""
    stopped_for_pain: bool = False
    """A session this day was stopped for pain, or had an exercise stopped because it hurt."""
    future: bool = False


@dataclass(frozen=True)
class CalendarWeek:
    week_start: date
    days: tuple[CalendarDay, ...]
    """Monday to Sunday."""


def calendar(sessions: Iterable[SessionRecord], *, today: date,
             weeks: int = DEFAULT_WEEKS) -> list[CalendarWeek]:
    """The last `weeks` weeks (ending with this one) day by day, oldest week first."""
    counted: dict[date, int] = defaultdict(int)
    started: dict[date, int] = defaultdict(int)
    pain: set[date] = set()
    for s in sessions:
        started[s.local_date] += 1
        if s.done:
            counted[s.local_date] += 1
        if s.had_pain_stop:
            pain.add(s.local_date)
    result = []
    for monday in week_starts(today, weeks):
        days = tuple(
            CalendarDay(day=d, sessions=counted.get(d, 0), started=started.get(d, 0),
                        stopped_for_pain=d in pain, future=d > today)
            for d in (monday + timedelta(days=i) for i in range(7))
        )
        result.append(CalendarWeek(monday, days))
    return result


# --- pain ------------------------------------------------------------------------------------


class BodyPart(StrEnum):
    BACK = "back"
    LEG = "leg"


@dataclass(frozen=True)
class PainTrend:
    """Weekly mean pain before sessions, for the weeks that have a score, oldest first."""

    part: BodyPart
    points: tuple[tuple[date, float], ...] = ()

    @property
    def first(self) -> tuple[date, float] | None:
        return self.points[0] if self.points else None

    @property
    def last(self) -> tuple[date, float] | None:
        return self.points[-1] if self.points else None

    @property
    def weeks_spanned(self) -> int:
        """Weeks from the first week with a score to the last, both included."""
        if not self.points:
            return 0
        return weeks_between(self.points[0][0], self.points[-1][0]) + 1


def pain_trend(weeks: Sequence[WeekStats], part: BodyPart | str) -> PainTrend:
    body = BodyPart(part)
    points = []
    for w in weeks:
        value = w.pain_back if body is BodyPart.BACK else w.pain_leg
        if value is not None:
            points.append((w.week_start, value))
    return PainTrend(body, tuple(points))


# --- per-exercise progression ----------------------------------------------------------------


def exercise_weeks(sets: Iterable[StoredSet]) -> list[ExerciseWeek]:
    """Per exercise and week, from individual sets: the same as the store's SQL aggregate."""
    groups: dict[tuple[str, date], list[StoredSet]] = defaultdict(list)
    for s in sets:
        groups[(s.record.exercise_id, week_start(s.session_date))].append(s)
    result = []
    for (exercise_id, monday), group in sorted(groups.items()):
        holds = [s.record.hold_seconds for s in group if s.record.hold_seconds is not None]
        reps = [s.record.reps_done for s in group if s.record.reps_done is not None]
        work = [s.record.work_seconds for s in group if s.record.work_seconds is not None]
        result.append(ExerciseWeek(
            exercise_id=exercise_id,
            week_start=monday,
            sets=len(group),
            longest_hold=max(holds) if holds else None,
            most_reps=max(reps) if reps else None,
            total_reps=sum(reps),
            work_seconds=sum(s.record.work_seconds or 0.0 for s in group),
            longest_work=max(work) if work else None,
        ))
    return result


@dataclass(frozen=True)
class ExerciseProgress:
    """One exercise's weeks in view (only weeks with sets), oldest first."""

    exercise_id: str
    weeks: tuple[ExerciseWeek, ...]

    @property
    def best_hold(self) -> float | None:
        holds = [w.longest_hold for w in self.weeks if w.longest_hold is not None]
        return max(holds) if holds else None


def exercise_progress(rows: Iterable[ExerciseWeek], *,
                      since: date | None = None) -> dict[str, ExerciseProgress]:
    """Group per-week rows by exercise (keeping weeks from the week of `since` on)."""
    first = week_start(since) if since is not None else date.min
    grouped: dict[str, list[ExerciseWeek]] = defaultdict(list)
    for row in rows:
        if row.week_start >= first:
            grouped[row.exercise_id].append(row)
    return {
        ex: ExerciseProgress(ex, tuple(sorted(weeks, key=lambda w: w.week_start)))
        for ex, weeks in sorted(grouped.items())
    }


# --- one-line summaries ----------------------------------------------------------------------


def _round(value: float) -> int:
    """Half up, as people round (Python's round() sends 4.5 to 4)."""
    return math.floor(value + 0.5)


def _seconds(value: float) -> str:
    return format_seconds(value) if value < 60 else format_duration(value)


def _count(value: float) -> str:
    return f"{value:g}"


def week_summary(week: WeekStats) -> str:
    """'5 of 5 sessions this week' (or '2 sessions this week' when there is no goal)."""
    if week.goal:
        noun = "session" if week.goal == 1 else "sessions"
        return f"{week.sessions} of {week.goal} {noun} this week"
    return f"{counted(week.sessions, 'session')} this week"


def adherence_summary(weeks: Sequence[WeekStats], today: date,
                      since: date | None = None) -> str:
    """'80% of planned sessions done; goal met in 3 of 4 weeks' (finished weeks only)."""
    over = _weeks_over(weeks, today, since)
    value = window_adherence(weeks, today, since)
    if value is None:
        return "No finished weeks yet"
    met = sum(1 for w in over if w.met_goal)
    return (f"{_round(value * 100)}% of planned sessions done; goal met in {met} of "
            f"{counted(len(over), 'week')}")


def streak_summary(s: Streaks) -> str:
    return (f"{counted(s.current_days, 'day')} in a row (best {s.best_days}); "
            f"{counted(s.current_weeks, 'week')} in a row on goal (best {s.best_weeks})")


def pain_summary(trend: PainTrend) -> str:
    """'Leg pain down from 6 to 4 over 4 weeks' (means rounded to whole numbers)."""
    name = f"{trend.part.value.capitalize()} pain"
    if not trend.points:
        return f"No {trend.part.value} pain scores yet"
    if len(trend.points) == 1:
        return f"{name} {_round(trend.points[0][1])} (one week of scores so far)"
    start, end = _round(trend.points[0][1]), _round(trend.points[-1][1])
    span = counted(trend.weeks_spanned, "week")
    if end < start:
        return f"{name} down from {start} to {end} over {span}"
    if end > start:
        return f"{name} up from {start} to {end} over {span}"
    return f"{name} steady at {start} over {span}"


def active_summary(weeks: Sequence[WeekStats], today: date, since: date | None) -> str:
    """'42 active minutes this week; 35 a week on average over the previous 4 weeks'.

    The average is over the finished weeks in view from the week of `since` (the first session
    ever), like the adherence: the weeks before someone started would only drag it down, and
    this week is not over yet.
    """
    if not weeks:
        return "No active minutes yet"
    this = f"{counted(_round(weeks[-1].active_minutes), 'active minute')} this week"
    first = week_start(since) if since is not None else date.min
    before = [w for w in weeks if first <= w.week_start < week_start(today)]
    if not before:
        return this
    average = _round(sum(w.active_minutes for w in before) / len(before))
    if len(before) == 1:
        return f"{this}; {average} the week before"
    return f"{this}; {average} a week on average over the previous {len(before)} weeks"


def calendar_summary(weeks: Sequence[CalendarWeek]) -> str:
    """'Exercised on 30 of the last 84 days'."""
    days = [d for w in weeks for d in w.days if not d.future]
    active = sum(1 for d in days if d.sessions > 0)
    return f"Exercised on {active} of the last {counted(len(days), 'day')}"


class Measure(StrEnum):
    """What an exercise's progress is measured in, week by week."""

    HOLD = "hold"    # the longest hold
    REPS = "reps"    # the most reps in one set
    TIME = "time"    # a timed activity: the longest time in one go


def measure_of(progress: ExerciseProgress) -> Measure | None:
    """Holds when it has any; reps when a set ever had more than one; otherwise (a walk: one
    "rep" of some minutes) time; None when nothing was measured."""
    weeks = progress.weeks
    if any(w.longest_hold for w in weeks):
        return Measure.HOLD
    if any((w.most_reps or 0) > 1 for w in weeks):
        return Measure.REPS
    if any(w.longest_work for w in weeks):
        return Measure.TIME
    if any(w.most_reps for w in weeks):
        return Measure.REPS
    return None


def measure_value(week: ExerciseWeek, measure: Measure) -> float | None:
    """The week's best in `measure` (seconds for holds and time)."""
    value = {Measure.HOLD: week.longest_hold, Measure.REPS: week.most_reps,
             Measure.TIME: week.longest_work}[measure]
    return value if value else None


def exercise_summary(progress: ExerciseProgress) -> str:
    """'Longest hold up from 10 s to 20 s over 6 weeks', or the same for reps in a set, or for
    a timed activity 'Longest time in one go up from 10 min to 15 min over 4 weeks'."""
    measure = measure_of(progress)
    points: list[tuple[date, float]] = [] if measure is None else [
        (w.week_start, value) for w in progress.weeks
        if (value := measure_value(w, measure)) is not None]
    if measure is Measure.HOLD:
        label, fmt = "Longest hold", _seconds
    elif measure is Measure.REPS:
        label, fmt = "Most reps in a set", _count
    elif measure is Measure.TIME:
        label, fmt = "Longest time in one go", _seconds
    else:
        return f"{counted(sum(w.sets for w in progress.weeks), 'set')} done"
    (first_week, first), (last_week, last) = points[0], points[-1]
    if len(points) == 1:
        return f"{label} {fmt(first)}"
    span = counted(weeks_between(first_week, last_week) + 1, "week")
    if last > first:
        return f"{label} up from {fmt(first)} to {fmt(last)} over {span}"
    if last < first:
        return f"{label} down from {fmt(first)} to {fmt(last)} over {span}"
    return f"{label} steady at {fmt(first)} over {span}"


def _join(*parts: str) -> str:
    """'5 of 5 sessions this week; leg pain down ...': later parts start in lower case."""
    out = [parts[0]] + [p[:1].lower() + p[1:] for p in parts[1:]]
    return "; ".join(out)


# --- the whole report ------------------------------------------------------------------------


@dataclass(frozen=True)
class Summaries:
    """One line of text per chart, ready to show (plain text)."""

    headline: str
    sessions: str
    adherence: str
    streaks: str
    calendar: str
    back_pain: str
    leg_pain: str
    active: str
    exercises: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class ProgressReport:
    """Everything the progress view shows, computed once."""

    today: date
    weeks: tuple[WeekStats, ...]
    """The weeks in view, oldest first; the last is the current week."""
    adherence: float | None
    streaks: Streaks
    calendar: tuple[CalendarWeek, ...]
    back_pain: PainTrend
    leg_pain: PainTrend
    exercises: Mapping[str, ExerciseProgress]
    summaries: Summaries

    @property
    def this_week(self) -> WeekStats:
        return self.weeks[-1]


def progress_report(
    sessions: Sequence[SessionRecord],
    exercise_rows: Iterable[ExerciseWeek],
    *,
    today: date,
    weeks: int = DEFAULT_WEEKS,
    goal_now: int = DEFAULT_WEEKLY_GOAL,
) -> ProgressReport:
    """The progress view's statistics for the `weeks` weeks ending with the week of `today`.

    `sessions` should be the whole history (best streaks look at all of it); `exercise_rows`
    need only cover the weeks in view. `goal_now`: the weekly goal in force (`goal_in_force`).
    A session dated after `today` means the wall clock was set back since: the report ends on
    that session's day instead, so nothing done is hidden as "in the future".
    """
    if weeks < 1:
        raise ValueError("at least one week is needed")
    today = max([today, *(s.local_date for s in sessions)])
    mondays = week_starts(today, weeks)
    first_day = min((s.local_date for s in sessions), default=None)
    in_view = weekly_stats(sessions, first_week=mondays[0], last_week=today,
                           goal_now=goal_now, today=today)
    s = streaks(sessions, today, goal_now)
    cal = calendar(sessions, today=today, weeks=weeks)
    back, leg = pain_trend(in_view, BodyPart.BACK), pain_trend(in_view, BodyPart.LEG)
    progress = exercise_progress(exercise_rows, since=mondays[0])
    sessions_line = week_summary(in_view[-1])
    leg_line, back_line = pain_summary(leg), pain_summary(back)
    if len(leg.points) >= 2:
        headline = _join(sessions_line, leg_line)
    elif len(back.points) >= 2:
        headline = _join(sessions_line, back_line)
    else:
        headline = sessions_line
    summaries = Summaries(
        headline=headline,
        sessions=sessions_line,
        adherence=(adherence_summary(in_view, today, first_day) if first_day is not None
                   else "No sessions recorded yet"),
        streaks=streak_summary(s),
        calendar=calendar_summary(cal),
        back_pain=back_line,
        leg_pain=leg_line,
        active=active_summary(in_view, today, first_day),
        exercises=MappingProxyType({ex: exercise_summary(p) for ex, p in progress.items()}),
    )
    return ProgressReport(
        today=today,
        weeks=tuple(in_view),
        adherence=(window_adherence(in_view, today, first_day) if first_day is not None
                   else None),
        streaks=s,
        calendar=tuple(cal),
        back_pain=back,
        leg_pain=leg,
        exercises=MappingProxyType(progress),
        summaries=summaries,
    )


# --- the Home page ---------------------------------------------------------------------------


def home_summary(sessions: Sequence[SessionRecord], *, today: date, goal: int) -> tuple[str, str]:
    """Two lines for the Home page: this week against the goal in force (`goal`, see
    `goal_in_force`), as the Progress tab counts it, and the last session with its outcome.

    `sessions`: at least this week's and the most recent one, oldest first. Both lines are empty
    before the first session.
    """
    if not sessions:
        return "", ""
    (this_week,) = weekly_stats(sessions, first_week=today, last_week=today, goal_now=goal,
                                today=today)
    week = week_summary(this_week)
    last = sessions[-1]
    day = last.local_date
    when = ("today" if day == today
            else "yesterday" if day == today - timedelta(days=1)
            else f"{day:%A} {day.day} {day:%B}")  # not %-d: glibc's, refused on Windows
    line = f"Last session: {last.routine_name}, {when}, {last.outcome.words}"
    pain = [f"{part} pain {before} to {after}" for part, before, after in (
        ("back", last.pain_before.back, last.pain_after.back),
        ("leg", last.pain_before.leg, last.pain_after.leg),
    ) if before is not None and after is not None]
    if pain:
        line += f" ({'; '.join(pain)})"
    return week[:1].upper() + week[1:], line
