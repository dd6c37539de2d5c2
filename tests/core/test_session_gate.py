"""The session gate: screening first, then one decision from the pain check, the history of pain
checks and each exercise's dose history; and the dose history read from plain records."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coach.core.catalogue import load_catalogue
from coach.core.dose_history import exercise_sessions, progression_history
from coach.core.models import Catalogue, Side
from coach.core.plan import PlanSettings, plan_exercise, plan_routine
from coach.core.progression import ExerciseSession
from coach.core.records import (
    ExerciseEvent,
    ExerciseEventKind,
    Felt,
    Outcome,
    PainScore,
    Screening,
    SessionRecord,
    SetRecord,
    StoredSet,
)
from coach.core.safety import RED_FLAGS, AdviceKind, ScreeningNeed, StopRules
from coach.core.session_gate import SessionGate, single_exercise

TZ = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue([ROOT / "exercises.toml"], assets_dir=ROOT / "assets")


# --- screening -------------------------------------------------------------------------------


def screening(at: datetime, *, yes: bool = False, ack: datetime | None = None) -> Screening:
    answers = {f.id: False for f in RED_FLAGS}
    answers["walking"] = yes
    return Screening(answered_at=at, answers=answers, acknowledged_at=ack)


def test_the_first_session_needs_the_screen_and_a_week_later_the_recheck(cat):
    gate = SessionGate(cat)
    assert gate.screening([], NOW).need is ScreeningNeed.FIRST
    assert gate.screening([screening(NOW - timedelta(days=1))], NOW).need is None
    assert gate.screening([screening(NOW - timedelta(days=8))], NOW).need is ScreeningNeed.WEEKLY


def test_a_yes_blocks_on_every_later_day_even_when_acknowledged_until_cleared(cat):
    gate = SessionGate(cat)
    yes = screening(NOW - timedelta(days=3), yes=True, ack=NOW - timedelta(days=3))
    status = gate.screening([yes, screening(NOW - timedelta(days=1))], NOW)
    assert status.blocked
    assert status.need is ScreeningNeed.HOLD
    cleared = replace(yes, cleared_at=NOW - timedelta(days=1))
    assert not gate.screening([cleared], NOW).blocked


# --- pain advice -----------------------------------------------------------------------------


def test_high_pain_suggests_the_flare_up_routine_instead(cat):
    decision = SessionGate(cat).check(cat.routine("core-and-glutes"), pain=PainScore(7, 2))
    assert [a.kind for a in decision.advice] == [AdviceKind.HIGH_PAIN]
    assert decision.suggest_routine == "flare-up"
    assert not decision.stop
    assert decision.worth_showing


def test_the_threshold_comes_from_the_settings(cat):
    gate = SessionGate(cat, StopRules(high_pain=9))
    assert gate.check(cat.routine("core-and-glutes"), pain=PainScore(8, 8)).advice == ()


def test_skipped_pain_questions_give_no_pain_advice(cat):
    decision = SessionGate(cat).check(cat.routine("core-and-glutes"))
    assert decision.advice == ()
    assert not decision.worth_showing


def test_spreading_leg_pain_advises_stopping_even_before_heat_or_cold(cat):
    gate = SessionGate(cat)
    for target in (cat.routine("gentle-daily-stretch"), single_exercise("cold-therapy")):
        decision = gate.check(target, pain=PainScore(2, 3), leg_spreading=True)
        assert decision.stop
        assert [a.kind for a in decision.advice] == [AdviceKind.SPREADING]


def test_spreading_leg_pain_with_high_pain_is_not_today_alone(cat):
    decision = SessionGate(cat).check(cat.routine("core-and-glutes"), pain=PainScore(8, 9),
                                      leg_spreading=True)
    assert [a.kind for a in decision.advice] == [AdviceKind.SPREADING]
    assert decision.stop
    assert decision.suggest_routine is None


def test_a_flare_since_the_last_session_suggests_the_flare_up_routine_and_holds_doses(cat):
    history = [record(n, (3, 3), (3, 3)) for n in (1, 3, 5)]
    decision = SessionGate(cat).check(
        cat.routine("core-and-glutes"), pain=PainScore(5, 3), sessions=history,
        histories={"knee-plank": [done(10, n) for n in (1, 3, 5)]})
    assert [a.kind for a in decision.advice] == [AdviceKind.FLARE]
    assert decision.suggest_routine == "flare-up"
    (plank,) = [d for d in decision.doses if d.exercise_id == "knee-plank"]
    assert not plank.stepped_up
    assert plank.held_back == "your pain is higher than after your last session"


def test_no_step_up_on_a_high_pain_day_or_after_a_harder_session(cat):
    plank_history = {"knee-plank": [done(10, n) for n in (1, 3, 5)]}
    target = cat.routine("core-and-glutes")
    high = SessionGate(cat).check(target, pain=PainScore(7, 2), histories=plank_history)
    (plank,) = [d for d in high.doses if d.exercise_id == "knee-plank"]
    assert plank.held_back == "your pain is 7 out of 10 today"
    assert not plank.stepped_up
    harder = [replace(record(n, (3, 3), (3, 3)), felt=Felt.HARDER) for n in (1, 3, 5)]
    decision = SessionGate(cat).check(target, pain=PainScore(3, 3), sessions=harder,
                                      histories=plank_history)
    (plank,) = [d for d in decision.doses if d.exercise_id == "knee-plank"]
    assert plank.held_back == "you found your last session harder"
    assert not plank.stepped_up
    fine = SessionGate(cat).check(target, pain=PainScore(3, 3), histories=plank_history)
    assert [d for d in fine.doses if d.exercise_id == "knee-plank"][0].stepped_up


def test_high_pain_does_not_advise_against_a_cold_pack_on_its_own(cat):
    decision = SessionGate(cat).check(single_exercise("cold-therapy"), pain=PainScore(9, 9))
    assert decision.advice == ()
    # A single ordinary exercise does get the advice.
    bridge = SessionGate(cat).check(single_exercise("bridge"), pain=PainScore(9, 9))
    assert bridge.suggest_routine == "flare-up"


def record(n: int, before: tuple[int, int], after: tuple[int, int]) -> SessionRecord:
    started = NOW - timedelta(days=10 - n)
    return SessionRecord(id=n, routine_id="core-and-glutes", routine_name="Core",
                         started_at=started, local_date=started.date(),
                         outcome=Outcome.COMPLETED, pain_before=PainScore(*before),
                         pain_after=PainScore(*after), set_count=5)


def test_pain_rising_in_two_sessions_advises_the_physio_and_holds_every_dose(cat):
    history = {"knee-plank": [done(10, d) for d in (1, 2, 3)]}
    rising = [record(1, (3, 3), (5, 3)), record(2, (3, 3), (3, 6))]
    decision = SessionGate(cat).check(cat.routine("core-and-glutes"), sessions=rising,
                                      histories=history)
    assert decision.pain_rising
    assert [a.kind for a in decision.advice] == [AdviceKind.RISING]
    plank = next(d for d in decision.doses if d.exercise_id == "knee-plank")
    assert not plank.stepped_up
    assert "pain has been rising" in plank.text
    assert decision.overrides[plank.item_index] == {"hold_seconds": 10}


# --- progression -----------------------------------------------------------------------------


def done(hold: float, day: int, *, completed: bool = True, after=(3, 3)) -> ExerciseSession:
    return ExerciseSession(local_date=date(2026, 3, day), planned={"hold_seconds": hold,
                                                                   "reps": 3, "sets": 1},
                           completed=completed, pain_before=PainScore(3, 3),
                           pain_after=PainScore(*after))


def test_three_good_sessions_step_the_knees_down_plank_up_and_the_plan_uses_the_new_dose(cat):
    gate = SessionGate(cat)
    routine = cat.routine("core-and-glutes")
    decision = gate.check(routine, histories={"knee-plank": [done(10, d) for d in (1, 3, 5)]})
    plank = next(d for d in decision.announcements if d.exercise_id == "knee-plank")
    assert plank.text == "Plank on your knees today: 15 s, up from 10 s"
    assert (plank.today, plank.previous) == ("15 s", "10 s")
    assert decision.worth_showing
    plan = plan_routine(cat, decision.apply(routine), PlanSettings())
    item = plan.items[plank.item_index]
    assert item.exercise.id == "knee-plank"
    assert item.dose.hold_seconds == 15
    # The routine in the catalogue is unchanged.
    assert cat.dose_for(routine.items[plank.item_index]).hold_seconds == 10


def test_the_level_reached_carries_on_without_an_announcement(cat):
    history = {"knee-plank": [done(10, 1), done(10, 2), done(10, 3), done(15, 4)]}
    decision = SessionGate(cat).check(cat.routine("core-and-glutes"), histories=history)
    plank = next(d for d in decision.doses if d.exercise_id == "knee-plank")
    assert plank.today == "15 s"
    assert not plank.stepped_up
    assert plank not in decision.announcements


def test_a_locked_dose_stays_and_says_so(cat):
    gate = SessionGate(cat, locked={"knee-plank"})
    decision = gate.check(cat.routine("core-and-glutes"),
                          histories={"knee-plank": [done(10, d) for d in (1, 3, 5)]})
    plank = next(d for d in decision.announcements if d.exercise_id == "knee-plank")
    assert plank.locked
    assert plank.text == "Plank on your knees stays at 10 s today: the dose is locked."
    assert decision.overrides[plank.item_index] == {"hold_seconds": 10}


def test_a_routine_that_sets_its_own_dose_is_not_moved_by_progression(cat):
    # The flare-up routine holds the knee-to-chest stretch 15 s on purpose.
    history = {"knee-to-chest": [ExerciseSession(date(2026, 3, d), {"hold_seconds": 20},
                                                 True) for d in (1, 2, 3)]}
    decision = SessionGate(cat).check(cat.routine("flare-up"), histories=history)
    assert all(d.exercise_id != "knee-to-chest" for d in decision.doses)
    plan = plan_routine(cat, decision.apply(cat.routine("flare-up")), PlanSettings())
    knee = next(i for i in plan.items if i.exercise.id == "knee-to-chest")
    assert knee.dose.hold_seconds == 15


def test_a_single_exercise_steps_up_too(cat):
    decision = SessionGate(cat).check(single_exercise("squat"), histories={"squat": [
        ExerciseSession(date(2026, 3, d), {"reps": 10, "sets": 1}, True) for d in (1, 2, 3)]})
    assert decision.announcements[0].text == "Squat to a chair today: 12 reps, up from 10 reps"
    plan = plan_exercise(cat, "squat", PlanSettings(), overrides=decision.overrides[0])
    assert plan.items[0].dose.reps == 12


# --- the dose history from records -----------------------------------------------------------


def session(sid: int, day: int, before=(3, 3), after=(3, 3)) -> SessionRecord:
    started = datetime(2026, 3, day, 9, 0, tzinfo=TZ)
    return SessionRecord(id=sid, routine_id="r", routine_name="R", started_at=started,
                         local_date=started.date(), outcome=Outcome.COMPLETED,
                         pain_before=PainScore(*before), pain_after=PainScore(*after))


def row(sid: int, exercise_id: str, number: int, *, side=None, complete=True, hold=30.0,
        reps=1, sets=2, work=None, item=0) -> StoredSet:
    return StoredSet(sid, date(2026, 3, 1), SetRecord(
        exercise_id=exercise_id, set_number=number, completed_at=NOW, side=side,
        complete=complete, reps_planned=reps, hold_seconds_planned=hold, sets_planned=sets,
        work_seconds_planned=work if work is not None else (hold or 0) * reps, item_index=item))


def test_a_session_with_every_set_done_counts_as_completed_with_its_planned_dose(cat):
    plank = cat.exercise("plank")
    history = exercise_sessions(plank, [session(1, 1, after=(4, 2))],
                                [row(1, "plank", 1), row(1, "plank", 2)], [])
    assert history == [ExerciseSession(date(2026, 3, 1), {"hold_seconds": 30.0, "reps": 1,
                                                          "sets": 2}, True,
                                       PainScore(3, 3), PainScore(4, 2))]


def test_a_missing_or_cut_short_set_or_a_skipped_side_is_not_completed(cat):
    plank = cat.exercise("plank")
    short = exercise_sessions(plank, [session(1, 1)], [row(1, "plank", 1)], [])
    cut = exercise_sessions(plank, [session(1, 1)],
                            [row(1, "plank", 1), row(1, "plank", 2, complete=False)], [])
    assert not short[0].completed
    assert not cut[0].completed
    stretch = cat.exercise("hamstring-stretch")  # each leg
    sets = stretch.dose.sets
    one_side = [row(1, stretch.id, n, side=Side.RIGHT, hold=stretch.dose.hold_seconds,
                    reps=stretch.dose.reps, sets=sets) for n in range(1, sets + 1)]
    assert not exercise_sessions(stretch, [session(1, 1)], one_side, [])[0].completed
    both = one_side + [row(1, stretch.id, n, side=Side.LEFT, hold=stretch.dose.hold_seconds,
                           reps=stretch.dose.reps, sets=sets) for n in range(1, sets + 1)]
    assert exercise_sessions(stretch, [session(1, 1)], both, [])[0].completed


def test_stopped_for_pain_before_any_set_counts_at_the_level_reached_and_not_completed(cat):
    plank = cat.exercise("plank")
    hurt = ExerciseEvent(ExerciseEventKind.STOPPED_FOR_PAIN, "plank", NOW)
    history = exercise_sessions(
        plank, [session(1, 1), session(2, 2)],
        [row(1, "plank", 1, hold=40.0), row(1, "plank", 2, hold=40.0)], [(2, hurt)])
    assert [s.completed for s in history] == [True, False]
    assert history[1].planned == {"hold_seconds": 40.0, "reps": 1, "sets": 2}


def test_a_skip_makes_the_session_incomplete_and_other_exercises_are_ignored(cat):
    plank = cat.exercise("plank")
    skipped = ExerciseEvent(ExerciseEventKind.SKIPPED, "plank", NOW)
    history = exercise_sessions(
        plank, [session(1, 1), session(2, 2)],
        [row(1, "plank", 1), row(1, "plank", 2), row(2, "bridge", 1)], [(1, skipped)])
    assert [s.local_date.day for s in history] == [1]
    assert not history[0].completed


def test_a_timed_activity_is_planned_by_its_duration(cat):
    walking = cat.exercise("walking")
    history = exercise_sessions(walking, [session(1, 1)],
                                [row(1, "walking", 1, hold=None, sets=1, work=900.0)], [])
    assert history[0].planned["duration_seconds"] == 900.0
    assert history[0].completed


def test_sessions_at_a_dose_off_the_progression_do_not_count(cat):
    knee = cat.exercise("knee-to-chest")
    history = [ExerciseSession(date(2026, 3, 1), {"hold_seconds": 15}, True),
               ExerciseSession(date(2026, 3, 2), {"hold_seconds": 20}, True)]
    assert progression_history(knee, history) == history[1:]


# --- "this hurts": the easier version --------------------------------------------------------


def test_a_stopped_exercise_offers_the_easier_version_the_catalogue_names(cat):
    from coach.core.session_gate import easier_offer

    offer = easier_offer(cat, "plank", cat.exercise("plank").easier)
    assert offer is not None
    assert offer.exercise_id == "knee-plank"
    assert offer.button_text == "Try Plank on your knees instead"
    assert offer.text.startswith("Forearm plank stopped. Plank on your knees is a gentler "
                                 "version")
    assert easier_offer(cat, "plank", None) is None
    assert easier_offer(cat, "plank", "no-such-exercise") is None
    assert easier_offer(cat, "plank", "plank") is None
