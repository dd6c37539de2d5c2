"""The session controls: skip, back, add time, "this hurts", stop, and using them while paused."""

from __future__ import annotations

import pytest

from coach.core.clock import FakeClock
from coach.core.cues import CueKind, Verbosity
from coach.core.engine import BACK_GRACE_SECONDS, SessionEngine
from coach.core.events import (
    CueRequested,
    CuesCancelled,
    ExerciseCompleted,
    ExerciseSkipped,
    ExerciseStoppedForPain,
    PhaseEnded,
    PhaseStarted,
    SessionFinished,
    SetCompleted,
    TimeAdded,
)
from coach.core.plan import HURTS_TEXT, PhaseKind, PlanSettings, plan_routine
from coach.core.records import Outcome
from coach.core.result import ExerciseStatus
from tests.helpers.driving import run_to, run_to_end
from tests.helpers.factories import catalogue, exercise, routine
from tests.helpers.recorder import EventLog

MINIMAL = PlanSettings(verbosity=Verbosity.MINIMAL)


def session(*exercises, rest_between=10.0):
    cat = catalogue(list(exercises),
                    [routine("r", [e.id for e in exercises], rest_between_seconds=rest_between)])
    clock = FakeClock(0.0)
    engine = SessionEngine(plan_routine(cat, "r", MINIMAL))
    log = EventLog()
    engine.add_listener(log)
    engine.start(clock.now())
    return engine, clock, log


def three():
    """Three exercises: 5 s prepare, holds of 10 s x 3 reps with 2 s relax; 10 s rests."""
    return [exercise(name, hold_seconds=10, reps=3, relax_seconds=2, prepare_seconds=5,
                     easier="gentle" if name == "b" else None) for name in ("a", "b", "c")]


def started_items(log):
    return [(e.phase.kind.value, e.phase.item_index) for e in log.of(PhaseStarted)]


# --- skip ---------------------------------------------------------------------------------


def test_skip_leaves_the_exercise_records_what_was_done_and_starts_the_next_one_now():
    engine, clock, log = session(*three())
    run_to(engine, clock, 21.5)  # prepare 0-5, hold 5-15, relax 15-17, hold 17-27
    log.clear()
    assert engine.skip(clock.now())
    assert isinstance(log.events[0], CuesCancelled)
    assert log.events[0].reason == "skip"
    ended = log.of(PhaseEnded)[0]
    assert not ended.completed
    assert ended.phase.kind is PhaseKind.HOLD
    (partial,) = log.of(SetCompleted)
    assert not partial.complete
    assert partial.reps_done == 1
    assert partial.work_seconds == pytest.approx(14.5)
    assert partial.hold_seconds == pytest.approx(7.25)  # 10 s and 4.5 s
    (skipped,) = log.of(ExerciseSkipped)
    assert skipped.result.status is ExerciseStatus.SKIPPED
    assert skipped.exercise_id == "a"
    started = log.of(PhaseStarted)[0]
    assert started.at == 21.5
    assert started.phase.kind is PhaseKind.PREPARE
    assert started.phase.item_index == 1  # the rest between is skipped too
    assert engine.state.remaining == 5


def test_skip_during_the_rest_between_exercises_ends_the_rest():
    engine, clock, log = session(*three())
    run_to(engine, clock, 45.0)
    assert engine.phase.kind is PhaseKind.REST_BETWEEN
    log.clear()
    engine.skip(clock.now())
    assert not log.of(ExerciseSkipped)
    assert started_items(log) == [("prepare", 1)]
    assert engine.result.exercises[0].status is ExerciseStatus.COMPLETED


def test_skipping_the_last_exercise_reaches_the_end_without_ending_early():
    engine, clock, log = session(exercise("a", hold_seconds=10))
    run_to(engine, clock, 3.0)
    engine.skip(clock.now())
    assert engine.finished
    result = log.of(SessionFinished)[0].result
    assert not result.ended_early
    assert not result.completed
    assert result.exercises[0].status is ExerciseStatus.SKIPPED
    assert result.outcome is Outcome.NOTHING_DONE
    assert result.summary() == (
        "The exercise was skipped, so this session does not count towards your week")


# --- back ---------------------------------------------------------------------------------


def test_back_restarts_the_current_exercise_from_its_first_phase():
    engine, clock, log = session(*three())
    run_to(engine, clock, 60.0)  # a runs 0-39, rest 39-49; b: prepare 49-54, hold 54-64
    assert engine.phase.item_index == 1
    assert engine.phase.kind is PhaseKind.HOLD
    log.clear()
    assert engine.back(clock.now())
    assert log.of(CuesCancelled)[0].reason == "back"
    assert started_items(log) == [("prepare", 1)]
    assert log.of(PhaseStarted)[0].at == 60.0
    assert engine.result.exercises[1].status is ExerciseStatus.IN_PROGRESS
    # The 6 s held before going back still count.
    assert engine.result.exercises[1].work_seconds_done == pytest.approx(6)


def test_back_pressed_again_at_the_start_of_an_exercise_goes_to_the_previous_one():
    engine, clock, log = session(*three())
    run_to(engine, clock, 60.0)
    engine.back(clock.now())
    run_to(engine, clock, 60.0 + BACK_GRACE_SECONDS - 0.5)
    log.clear()
    engine.back(clock.now())
    assert started_items(log) == [("prepare", 0)]
    assert engine.result.exercises[1].status is ExerciseStatus.IN_PROGRESS  # it had work
    assert engine.result.exercises[0].status is ExerciseStatus.IN_PROGRESS
    run_to_end(engine, clock)
    result = engine.result
    assert result.completed
    assert result.exercises[0].sets_done == 2  # done twice: counted twice


def test_back_after_the_grace_time_restarts_the_same_exercise():
    engine, clock, log = session(*three())
    run_to(engine, clock, 49.0 + BACK_GRACE_SECONDS + 0.5)  # in b's prepare, 3.5 s in
    log.clear()
    engine.back(clock.now())
    assert started_items(log) == [("prepare", 1)]


def test_back_at_the_start_of_the_first_exercise_restarts_it():
    engine, clock, log = session(*three())
    run_to(engine, clock, 1.0)
    log.clear()
    engine.back(clock.now())
    assert started_items(log) == [("prepare", 0)]


def test_back_during_the_rest_between_exercises_redoes_the_exercise_just_done():
    engine, clock, log = session(*three())
    run_to(engine, clock, 40.0)
    assert engine.phase.kind is PhaseKind.REST_BETWEEN
    log.clear()
    engine.back(clock.now())
    assert started_items(log) == [("prepare", 0)]
    assert engine.result.exercises[0].status is ExerciseStatus.IN_PROGRESS


def test_back_from_an_exercise_not_yet_worked_on_leaves_it_not_started():
    engine, clock, _ = session(*three())
    run_to(engine, clock, 50.0)  # b's prepare, 1 s in
    engine.back(clock.now())
    assert engine.result.exercises[1].status is ExerciseStatus.NOT_STARTED


# --- add time -----------------------------------------------------------------------------


def test_adding_time_to_a_hold_moves_its_deadline_and_its_countdown():
    engine, clock, log = session(exercise("a", hold_seconds=10, prepare_seconds=5))
    run_to(engine, clock, 13.0)  # hold 5-15; "3" at 12 already said
    log.clear()
    assert engine.add_time(clock.now(), 10)
    assert log.of(CuesCancelled)[0].reason == "add-time"
    assert log.of(TimeAdded)[0].seconds == 10
    again = [(c.cue.text, c.cue.due) for c in log.of(CueRequested)]
    assert again == [("3", 22), ("2", 23), ("1", 24), ("Relax", 25), ("Well done", 25)]
    assert engine.state.remaining == pytest.approx(12)
    assert engine.state.duration == 20
    run_to_end(engine, clock)
    result = engine.result
    assert result.active_seconds == pytest.approx(20)
    assert result.exercises[0].sides[0].added_seconds == 10
    assert result.added_seconds == 10
    assert result.ended_at == pytest.approx(25)


def test_time_can_be_added_to_a_rest_but_not_to_a_tempo_part_or_an_open_ended_activity():
    engine, clock, _ = session(
        exercise("a", tempo=[("up", 2), ("down", 2)], reps=2, sets=2, rest_seconds=10,
                 prepare_seconds=1),
        exercise("b", open_ended=True, prepare_seconds=1))
    run_to(engine, clock, 2.0)
    assert engine.phase.kind is PhaseKind.TEMPO
    assert not engine.add_time(clock.now())
    run_to(engine, clock, 10.0)
    assert engine.phase.kind is PhaseKind.REST
    assert engine.add_time(clock.now(), 5)
    assert engine.result.active_seconds == pytest.approx(8)
    assert engine.result.exercises[0].sides[0].added_seconds == 0
    engine.skip(clock.now())
    run_to(engine, clock, clock.now() + 2)
    assert engine.phase.kind is PhaseKind.OPEN
    assert not engine.add_time(clock.now())
    with pytest.raises(ValueError, match="above 0"):
        engine.add_time(clock.now(), 0)


def test_time_added_while_paused_is_there_when_resumed():
    engine, clock, log = session(exercise("a", hold_seconds=10, prepare_seconds=5))
    run_to(engine, clock, 8.0)
    engine.pause(clock.now())
    log.clear()
    engine.add_time(clock.now(), 10)
    assert not log.of(CueRequested)
    assert engine.paused
    assert engine.state.remaining == pytest.approx(17)
    clock.advance(30)
    engine.resume(clock.now())
    assert engine.snapshot(clock.now()).remaining == pytest.approx(17)


# --- this hurts ---------------------------------------------------------------------------


def test_this_hurts_stops_the_exercise_for_pain_and_rests_before_the_next_one():
    engine, clock, log = session(*three())
    run_to(engine, clock, 58.0)  # b's first hold, 54-64
    log.clear()
    assert engine.hurts(clock.now())
    assert log.of(CuesCancelled)[0].reason == "hurts"
    (stopped,) = log.of(ExerciseStoppedForPain)
    assert stopped.exercise_id == "b"
    assert stopped.easier == "gentle"
    assert stopped.result.status is ExerciseStatus.STOPPED_FOR_PAIN
    assert stopped.result.reason == "this hurts"
    (partial,) = log.of(SetCompleted)
    assert not partial.complete
    assert partial.work_seconds == pytest.approx(4)
    assert started_items(log) == [("rest-between", None)]
    cues = [(c.cue.kind, c.cue.text) for c in log.of(CueRequested)]
    assert cues[0] == (CueKind.NOTICE, HURTS_TEXT)
    run_to_end(engine, clock)
    result = engine.result
    assert [e.status for e in result.exercises] == [
        ExerciseStatus.COMPLETED, ExerciseStatus.STOPPED_FOR_PAIN, ExerciseStatus.COMPLETED]
    assert not result.ended_early


def test_this_hurts_on_the_last_exercise_ends_the_routine_with_the_notice():
    engine, clock, log = session(exercise("a", hold_seconds=10, prepare_seconds=1))
    run_to(engine, clock, 3.0)
    log.clear()
    engine.hurts(clock.now())
    assert engine.finished
    assert [c.cue.text for c in log.of(CueRequested)][0] == HURTS_TEXT


def test_this_hurts_between_exercises_does_nothing():
    engine, clock, log = session(*three())
    run_to(engine, clock, 40.0)
    log.clear()
    assert not engine.hurts(clock.now())
    assert not log.events


# --- stop ---------------------------------------------------------------------------------


def test_stop_ends_the_session_early_keeping_what_was_done():
    engine, clock, log = session(*three())
    run_to(engine, clock, 20.0)  # a: hold 5-15 done, relax 15-17, 3 s into hold 17-27
    log.clear()
    assert engine.stop(clock.now())
    assert log.of(CuesCancelled)[0].reason == "stop"
    assert not log.of(PhaseEnded)[0].completed
    (partial,) = log.of(SetCompleted)
    assert partial.reps_done == 1
    assert not partial.complete
    result = log.of(SessionFinished)[0].result
    assert result.ended_early
    assert result.ended_at == 20.0
    assert [e.status for e in result.exercises] == [
        ExerciseStatus.ENDED_EARLY, ExerciseStatus.NOT_STARTED, ExerciseStatus.NOT_STARTED]
    assert result.active_seconds == pytest.approx(13)
    assert "(ended early)" in result.summary()
    assert not engine.stop(clock.now())
    assert not engine.skip(clock.now())


def test_stop_while_paused_counts_the_pause_and_ends():
    engine, clock, _ = session(*three())
    run_to(engine, clock, 10.0)
    engine.pause(clock.now())
    clock.advance(100)
    engine.stop(clock.now())
    result = engine.result
    assert result.paused_seconds == pytest.approx(100)
    assert result.ended_at == 110


# --- while paused -------------------------------------------------------------------------


def test_a_skip_while_paused_shows_the_next_exercise_which_starts_when_resumed():
    engine, clock, log = session(*three())
    run_to(engine, clock, 10.0)
    engine.pause(clock.now())
    clock.advance(50)
    log.clear()
    engine.skip(clock.now())
    assert engine.paused
    assert engine.phase.item_index == 1
    assert not log.of(CueRequested)  # nothing is said while paused
    assert engine.state.remaining == 5
    assert log.of(SetCompleted)[0].work_seconds == pytest.approx(5)  # 5-10, not to 60
    clock.advance(20)
    engine.resume(clock.now())
    assert [c.cue.due for c in log.of(CueRequested)][:1] == [80.0]
    run_to(engine, clock, 84.9)
    assert engine.phase.kind is PhaseKind.PREPARE
    run_to(engine, clock, 85.0)
    assert engine.phase.kind is PhaseKind.HOLD


def test_toggle_pause_pauses_and_resumes():
    engine, clock, _ = session(*three())
    assert engine.toggle_pause(1.0)
    assert engine.paused
    assert engine.toggle_pause(2.0)
    assert not engine.paused
    assert not engine.resume(3.0)


def test_each_exercise_completes_once_in_a_full_run():
    engine, clock, log = session(*three())
    run_to_end(engine, clock)
    assert [e.exercise_id for e in log.of(ExerciseCompleted)] == ["a", "b", "c"]
