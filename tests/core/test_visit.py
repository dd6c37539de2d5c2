"""The visit report's data, from hand-built records: dose steps, stops for pain, notes, weeks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coach.core.models import Side
from coach.core.records import (
    ExerciseEvent,
    ExerciseEventKind,
    Felt,
    Outcome,
    PainScore,
    SessionRecord,
    SetRecord,
    StoredSet,
)
from coach.core.visit import PlannedDose, dose_history, visit_report
from tests.helpers.factories import exercise

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2024, 6, 3)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=LONDON)


def session(n: int, day: date, outcome=Outcome.COMPLETED, note=None, pain=(4, 5)):
    return SessionRecord(id=n, routine_id="r", routine_name="Routine", started_at=at(day),
                         local_date=day, outcome=outcome, weekly_goal=3, set_count=2,
                         pain_before=PainScore(*pain), note=note,
                         felt=Felt.SAME if note else None)


def held(n: int, day: date, hold: float, *, side=Side.RIGHT, complete=True) -> StoredSet:
    return StoredSet(n, day, SetRecord("stretch", 1, at(day), side=side, complete=complete,
                                       reps_done=3, reps_planned=3, hold_seconds=hold,
                                       hold_seconds_planned=hold, sets_planned=1))


def walked(n: int, day: date, seconds: float) -> StoredSet:
    return StoredSet(n, day, SetRecord("walk", 1, at(day), reps_planned=1,
                                       work_seconds=seconds, work_seconds_planned=seconds,
                                       sets_planned=1))


def test_sessions_in_a_row_with_the_same_dose_make_one_step():
    sets = [held(1, MONDAY, 20), held(2, MONDAY + timedelta(days=2), 20),
            held(3, MONDAY + timedelta(days=4), 30, complete=False)]
    (first, second) = dose_history(sets, {})["stretch"]
    assert first.dose == PlannedDose(hold_seconds=20, reps=3, sets=1, each_side=True)
    assert first.dose.describe() == "Hold 20 s · 3 reps · each side"
    assert (first.first, first.last, first.sessions) == (MONDAY, MONDAY + timedelta(days=2), 2)
    assert second.dose.describe() == "Hold 30 s · 3 reps · each side"
    assert second.achieved() == "0 of 1 set in full; best hold 30 s"


def test_a_timed_activity_reads_as_its_duration():
    walk = exercise("walk", duration_seconds=600)
    (step,) = dose_history([walked(1, MONDAY, 600)], {"walk": walk})["walk"]
    assert step.dose.describe() == "10 min"
    # Without the catalogue's word for it, one rep and no hold still reads as a duration.
    (step,) = dose_history([walked(1, MONDAY, 600)], {})["walk"]
    assert step.dose.describe() == "10 min"


def test_the_report_gathers_weeks_stops_for_pain_and_notes_from_its_first_day():
    sessions = [session(1, MONDAY - timedelta(days=7)),  # before the report: not in it
                session(2, MONDAY, note="Felt stiff"),
                session(3, MONDAY + timedelta(days=1), Outcome.STOPPED_FOR_PAIN, pain=(6, 7)),
                session(4, MONDAY + timedelta(days=8))]
    events = [(4, ExerciseEvent(ExerciseEventKind.STOPPED_FOR_PAIN, "stretch",
                                at(MONDAY + timedelta(days=8)), side=Side.LEFT,
                                detail="sharp")),
              (4, ExerciseEvent(ExerciseEventKind.SKIPPED, "walk",
                                at(MONDAY + timedelta(days=8))))]
    sets = [held(1, MONDAY - timedelta(days=7), 10), held(2, MONDAY, 20)]
    report = visit_report(sessions, sets, events, since=MONDAY,
                          today=MONDAY + timedelta(days=9))
    assert [w.sessions for w in report.weeks] == [2, 1]
    assert report.sessions == 3
    assert report.routines == ("Routine",)
    assert [(s.day, s.session_ended, [(e.exercise_id, e.side, e.detail) for e in s.exercises])
            for s in report.stopped] == [
        (MONDAY + timedelta(days=1), True, []),
        (MONDAY + timedelta(days=8), False, [("stretch", "left", "sharp")])]
    assert report.stopped[0].pain_before == "back 6, leg 7"
    assert report.stopped[1].pain_before == "back 4, leg 5"  # the session's, though it went on
    assert [w.stopped_for_pain for w in report.weeks] == [1, 1]
    assert [(n.day, n.text, n.felt) for n in report.notes] == [(MONDAY, "Felt stiff", "same")]
    assert [s.dose.hold_seconds for s in report.doses["stretch"]] == [20]
    assert report.pain_lines[0].startswith("Back pain")


def test_a_report_cannot_start_after_today():
    with pytest.raises(ValueError, match="on or before today"):
        visit_report([], [], [], since=MONDAY + timedelta(days=1), today=MONDAY)
