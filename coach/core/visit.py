"""The progress report for a visit to the physiotherapist: plain data over the history.

`visit_report` gathers, from a date on: adherence per week (the weekly table of
`coach.core.stats`), the pain trend, the dose history of each exercise (the planned values the
set rows carry, as steps: "hold 20 s, 3 reps from 3 Jun; hold 30 s from 17 Jun"), the sessions
with a pain stop (stopped for pain, or an exercise stopped because it hurt while the session
went on: the weekly table's column counts exactly these), and the notes the patient left. The
PDF (`coach.pdf.report`) and `coach report` render it; nothing here knows about pages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from coach.core.dose_history import planned_dose
from coach.core.models import Exercise, format_duration, format_seconds
from coach.core.records import (
    ExerciseEvent,
    ExerciseEventKind,
    Outcome,
    SessionRecord,
    StoredSet,
)
from coach.core.stats import (
    DEFAULT_WEEKLY_GOAL,
    BodyPart,
    PainTrend,
    WeekStats,
    adherence_summary,
    pain_summary,
    pain_trend,
    weekly_stats,
    window_adherence,
)
from coach.core.words import counted


@dataclass(frozen=True)
class PlannedDose:
    """The dose a set was asked for, as the history recorded it."""

    hold_seconds: float | None = None
    reps: int | None = None
    sets: int | None = None
    duration_seconds: float | None = None
    each_side: bool = False

    def describe(self) -> str:
        """'Hold 20 s · 3 reps · 2 sets · each side', '10 reps', '10 min'."""
        parts = []
        if self.duration_seconds:
            parts.append(format_duration(self.duration_seconds))
        else:
            if self.hold_seconds:
                parts.append(f"Hold {format_seconds(self.hold_seconds)}")
            if self.reps:
                parts.append(f"{self.reps} rep" + ("s" if self.reps != 1 else ""))
            if self.sets and self.sets > 1:
                parts.append(f"{self.sets} sets")
        if self.each_side:
            parts.append("each side")
        return " · ".join(parts) or "as planned"


@dataclass(frozen=True)
class DoseStep:
    """A run of sessions in which an exercise was asked for with the same dose."""

    dose: PlannedDose
    first: date
    last: date
    sessions: int
    sets_done: int
    sets_complete: int
    best_hold: float | None = None
    most_reps: int | None = None
    longest_seconds: float | None = None
    """The longest time under work in one set."""
    total_seconds: float = 0.0

    def achieved(self) -> str:
        """'12 of 12 sets in full; best hold 20 s', or for a timed activity (a walk) its
        minutes: '12 of 12 times in full; longest 12 min; 2 h 4 min in all'."""
        if self.dose.duration_seconds:
            text = f"{self.sets_complete} of {counted(self.sets_done, 'time')} in full"
            if self.longest_seconds:
                text += f"; longest {format_duration(round(self.longest_seconds))}"
            if self.sets_done > 1 and self.total_seconds:
                text += f"; {format_duration(round(self.total_seconds))} in all"
            return text
        text = f"{self.sets_complete} of {counted(self.sets_done, 'set')} in full"
        if self.best_hold:
            text += f"; best hold {format_seconds(round(self.best_hold, 1))}"
        elif self.most_reps:
            text += f"; most reps {self.most_reps}"
        return text


@dataclass(frozen=True)
class PainStop:
    """One exercise stopped because it hurt; `detail` is what was said about it, if anything
    more than the button's own words."""

    exercise_id: str
    side: str | None = None
    detail: str | None = None


#: The reason the engine gives for an exercise cut short by "this hurts" (not worth printing).
HURTS_REASON = "this hurts"


@dataclass(frozen=True)
class StoppedForPain:
    """A session with a pain stop: stopped for pain (`session_ended`), or with exercises
    stopped because they hurt while the session went on. One per session, so the weekly
    table's "Sessions with a pain stop" counts exactly these. Pain is the session's, before
    and after ("back 4, leg 5"; "" when not given)."""

    day: date
    routine_name: str
    session_ended: bool
    exercises: tuple[PainStop, ...] = ()
    note: str | None = None
    pain_before: str = ""
    pain_after: str = ""


@dataclass(frozen=True)
class Note:
    day: date
    routine_name: str
    text: str
    felt: str = ""


@dataclass(frozen=True)
class VisitReport:
    since: date
    today: date
    weeks: tuple[WeekStats, ...]
    adherence: float | None
    adherence_line: str
    back_pain: PainTrend
    leg_pain: PainTrend
    pain_lines: tuple[str, str]
    sessions: int
    """Sessions that count (`SessionRecord.done`)."""
    completed: int
    outcomes: dict[Outcome, int]
    """The sessions that count, by outcome."""
    not_counted: int
    """Sessions started in which nothing was done (no set, no exercise time)."""
    routines: tuple[str, ...]
    doses: dict[str, tuple[DoseStep, ...]]
    stopped: tuple[StoppedForPain, ...]
    notes: tuple[Note, ...]

    @property
    def empty(self) -> bool:
        return self.sessions == 0 and not self.doses

    def sessions_line(self) -> str:
        """'9 sessions done: 6 completed, 2 partly done, 1 stopped because it hurt. Not
        counted: 1 session in which nothing was done.'"""
        n = self.sessions
        text = f"{n} session{'s' if n != 1 else ''} done"
        parts = [f"{count} {outcome.words}" for outcome in Outcome
                 if (count := self.outcomes.get(outcome, 0))]
        if parts:
            text += ": " + ", ".join(parts)
        text += "."
        if nothing := self.not_counted:
            text += (f" Not counted: {nothing} session{'s' if nothing != 1 else ''} in which "
                     "nothing was done.")
        return text


def _pain(back: int | None, leg: int | None) -> str:
    if back is None and leg is None:
        return ""
    return f"back {'-' if back is None else back}, leg {'-' if leg is None else leg}"


def visit_report(
    sessions: Sequence[SessionRecord],
    sets: Iterable[StoredSet],
    events: Iterable[tuple[int, ExerciseEvent]],
    *,
    since: date,
    today: date,
    goal_now: int = DEFAULT_WEEKLY_GOAL,
    exercises: Mapping[str, Exercise] | None = None,
) -> VisitReport:
    """The report from `since` to `today`. `sessions` may be the whole history (the weekly
    goal carries over from before `since`); only those from `since` on are reported.
    `goal_now` is the weekly goal in force (`coach.core.stats.goal_in_force`).
    `exercises` (the catalogue's) tells a timed activity from held reps in the dose history."""
    if since > today:
        raise ValueError("the report must start on or before today")
    # The exercises stopped for pain, by session: the weekly column and the section are both
    # made from these, so they cannot disagree.
    pain_stops: dict[int, list[PainStop]] = defaultdict(list)
    for session_id, event in events:
        if event.kind is ExerciseEventKind.STOPPED_FOR_PAIN:
            detail = event.detail if event.detail != HURTS_REASON else None
            pain_stops[session_id].append(PainStop(
                event.exercise_id, side=event.side.value if event.side else None,
                detail=detail))
    sessions = [replace(s, pain_stops=len(pain_stops.get(s.id, ()))) for s in sessions]
    weeks = weekly_stats(sessions, first_week=since, last_week=today, goal_now=goal_now,
                         today=today)
    in_view = [s for s in sessions if since <= s.local_date <= today]
    first_day = min((s.local_date for s in in_view), default=None)
    back, leg = pain_trend(weeks, BodyPart.BACK), pain_trend(weeks, BodyPart.LEG)
    stopped = tuple(
        StoppedForPain(
            day=s.local_date, routine_name=s.routine_name,
            session_ended=s.outcome is Outcome.STOPPED_FOR_PAIN,
            exercises=tuple(pain_stops.get(s.id, ())), note=s.note,
            pain_before=_pain(s.pain_before.back, s.pain_before.leg),
            pain_after=_pain(s.pain_after.back, s.pain_after.leg))
        for s in in_view if s.had_pain_stop)
    outcomes: dict[Outcome, int] = defaultdict(int)
    for s in in_view:
        if s.done:
            outcomes[s.outcome] += 1
    notes = tuple(
        Note(day=s.local_date, routine_name=s.routine_name, text=s.note or "",
             felt=s.felt.value if s.felt else "")
        for s in in_view if s.note)
    routines = tuple(dict.fromkeys(s.routine_name for s in in_view))
    return VisitReport(
        since=since, today=today, weeks=tuple(weeks),
        adherence=window_adherence(weeks, today, first_day) if first_day else None,
        adherence_line=(adherence_summary(weeks, today, first_day) if first_day
                        else "No sessions recorded in this period"),
        back_pain=back, leg_pain=leg, pain_lines=(pain_summary(back), pain_summary(leg)),
        sessions=sum(1 for s in in_view if s.done),
        completed=outcomes[Outcome.COMPLETED],
        outcomes=dict(outcomes), not_counted=sum(1 for s in in_view if not s.done),
        routines=routines,
        doses=dose_history([s for s in sets if since <= s.session_date <= today],
                           exercises or {}),
        stopped=stopped, notes=notes,
    )


def dose_history(sets: Iterable[StoredSet],
                 exercises: Mapping[str, Exercise]) -> dict[str, tuple[DoseStep, ...]]:
    """Per exercise (in order of first use), the planned dose as steps over time: sessions in a
    row asked for the same dose make one step."""
    sessions: dict[str, dict[int, list[StoredSet]]] = defaultdict(dict)
    for s in sets:
        sessions[s.record.exercise_id].setdefault(s.session_id, []).append(s)
    out: dict[str, tuple[DoseStep, ...]] = {}
    for exercise_id, by_session in sessions.items():
        steps: list[DoseStep] = []
        ordered = sorted(by_session.values(), key=lambda g: (g[0].session_date, g[0].session_id))
        for group in ordered:
            dose = _planned(group, exercises.get(exercise_id))
            day = group[0].session_date
            holds = [s.record.hold_seconds for s in group if s.record.hold_seconds]
            reps = [s.record.reps_done for s in group if s.record.reps_done]
            work = [s.record.work_seconds for s in group if s.record.work_seconds]
            done = len(group)
            complete = sum(1 for s in group if s.record.complete)
            if steps and steps[-1].dose == dose:
                last = steps[-1]
                steps[-1] = DoseStep(
                    dose=dose, first=last.first, last=day, sessions=last.sessions + 1,
                    sets_done=last.sets_done + done, sets_complete=last.sets_complete + complete,
                    best_hold=max([h for h in (last.best_hold, *holds) if h], default=None),
                    most_reps=max([r for r in (last.most_reps, *reps) if r], default=None),
                    longest_seconds=max([w for w in (last.longest_seconds, *work) if w],
                                        default=None),
                    total_seconds=last.total_seconds + sum(work))
            else:
                steps.append(DoseStep(
                    dose=dose, first=day, last=day, sessions=1, sets_done=done,
                    sets_complete=complete, best_hold=max(holds, default=None),
                    most_reps=max(reps, default=None), longest_seconds=max(work, default=None),
                    total_seconds=sum(work)))
        out[exercise_id] = tuple(steps)
    return out


def _planned(group: Sequence[StoredSet], exercise: Exercise | None) -> PlannedDose:
    """The session's planned dose (`coach.core.dose_history.planned_dose` when the exercise is
    still in the catalogue; otherwise a timed activity is one without a hold or reps)."""
    each_side = any(s.record.side is not None for s in group)
    if exercise is not None:
        p = planned_dose(exercise, group)
        if "duration_seconds" in p:
            return PlannedDose(duration_seconds=p["duration_seconds"], each_side=each_side)
        return PlannedDose(hold_seconds=p.get("hold_seconds"), reps=p.get("reps"),
                           sets=p.get("sets"), each_side=each_side)
    first = group[0].record
    if first.hold_seconds_planned is None and (first.reps_planned or 1) <= 1:
        return PlannedDose(duration_seconds=first.work_seconds_planned, each_side=each_side)
    return PlannedDose(hold_seconds=first.hold_seconds_planned, reps=first.reps_planned,
                       sets=first.sets_planned, each_side=each_side)
