"""The recorder writes a real engine's session to the history as each event happens."""

from __future__ import annotations

import pytest

from coach.core.clock import FakeClock
from coach.core.cues import Verbosity
from coach.core.engine import SessionEngine
from coach.core.events import SetCompleted
from coach.core.models import Side
from coach.core.plan import PlanSettings, plan_exercise, plan_routine
from coach.core.records import ExerciseEventKind, Felt, Outcome, PainScore
from coach.recorder import SINGLE_EXERCISE_ROUTINE_ID, SessionRecorder
from tests.helpers.driving import run_for, run_to_end
from tests.helpers.factories import catalogue, exercise, routine

from .conftest import raw

MINIMAL = PlanSettings(verbosity=Verbosity.MINIMAL)


def recorded_session(store, now, *exercises, **recorder_kw):
    cat = catalogue(list(exercises), [routine("r", [e.id for e in exercises], name="Routine")])
    engine = SessionEngine(plan_routine(cat, "r", MINIMAL), wall_clock=now)
    recorder = SessionRecorder(store, wall_clock=now, **recorder_kw)
    engine.add_listener(recorder)
    return engine, recorder, FakeClock(0.0)


def test_every_set_is_on_disk_when_the_next_listener_hears_of_it(store, db_path, now):
    engine, recorder, clock = recorded_session(
        store, now,
        exercise("knee-to-chest", hold_seconds=5, reps=2, sets=2, sides="each"),
        exercise("bridge", hold_seconds=3, reps=3),
    )
    seen: list[SetCompleted] = []
    on_disk_then: list[int] = []

    def after_the_recorder(event):
        if isinstance(event, SetCompleted):
            seen.append(event)
            with raw(db_path) as conn:
                on_disk_then.append(conn.execute("SELECT COUNT(*) FROM sets").fetchone()[0])

    engine.add_listener(after_the_recorder)
    engine.start(clock.now())
    run_to_end(engine, clock)

    assert len(seen) == 5  # 2 sets x 2 sides + 1
    assert on_disk_then == [1, 2, 3, 4, 5]
    sets = store.sets(recorder.session_id)
    assert [(s.record.exercise_id, s.record.side, s.record.set_number) for s in sets] == [
        (e.exercise_id, e.side, e.set_number) for e in seen]
    first = sets[0].record
    assert first.reps_done == 2
    assert first.reps_planned == 2
    assert first.hold_seconds_planned == 5
    assert first.sets_planned == 2
    assert first.complete
    assert first.work_seconds == pytest.approx(10)
    session = store.session(recorder.session_id)
    assert session.outcome is Outcome.COMPLETED
    assert session.closed
    assert session.routine_id == "r"
    assert session.routine_name == "Routine"
    assert session.active_seconds == pytest.approx(2 * 2 * 10 + 9)


def test_skipped_and_hurting_exercises_are_recorded_and_a_stop_after_pain_reads_as_such(
        store, now):
    engine, recorder, clock = recorded_session(
        store, now,
        exercise("plank", hold_seconds=10),
        exercise("slump-glide", hold_seconds=10, reps=5, sides="each", first_side="left"),
        exercise("bridge", hold_seconds=5),
    )
    engine.start(clock.now())
    while engine.state.exercise is None or engine.state.exercise.id != "plank":
        run_for(engine, clock, 1)
    engine.skip(clock.now())
    while engine.state.rep_number < 2 or engine.state.exercise.id != "slump-glide":
        run_for(engine, clock, 1)
    engine.hurts(clock.now())
    engine.stop(clock.now())

    events = store.exercise_events(recorder.session_id)
    assert [(e.kind, e.exercise_id) for _, e in events] == [
        (ExerciseEventKind.SKIPPED, "plank"),
        (ExerciseEventKind.STOPPED_FOR_PAIN, "slump-glide"),
    ]
    assert events[1][1].side is Side.LEFT
    (partial,) = store.sets(recorder.session_id)
    assert not partial.record.complete
    assert partial.record.reps_done >= 1
    assert store.session(recorder.session_id).outcome is Outcome.STOPPED_FOR_PAIN


def test_a_session_stopped_without_pain_is_ended_early(store, now):
    engine, recorder, clock = recorded_session(store, now, exercise("bridge", hold_seconds=5,
                                                                    reps=10))
    engine.start(clock.now())
    run_for(engine, clock, 30)
    engine.stop(clock.now())
    s = store.session(recorder.session_id)
    assert s.outcome is Outcome.ENDED_EARLY
    assert s.closed
    assert s.set_count == 1


def test_answers_before_and_after_are_stored_with_the_session(store, now):
    engine, recorder, clock = recorded_session(
        store, now, exercise("bridge", hold_seconds=2), weekly_goal=5,
        pain_before=PainScore(back=3, leg=6), leg_pain_spreading=False)
    engine.start(clock.now())
    run_to_end(engine, clock)
    recorder.answer(pain_after=PainScore(back=2, leg=4), felt=Felt.EASIER, note="Good day")
    s = store.session(recorder.session_id)
    assert s.weekly_goal == 5
    assert s.pain_before == PainScore(3, 6)
    assert s.leg_pain_spreading is False
    assert s.pain_after == PainScore(2, 4)
    assert s.felt is Felt.EASIER
    assert s.note == "Good day"


def test_one_exercise_on_its_own_is_recorded_without_a_routine(store, now):
    cat = catalogue([exercise("bridge", hold_seconds=2)])
    engine = SessionEngine(plan_exercise(cat, "bridge", MINIMAL), wall_clock=now)
    recorder = SessionRecorder(store, wall_clock=now)
    engine.add_listener(recorder)
    clock = FakeClock(0.0)
    engine.start(clock.now())
    run_to_end(engine, clock)
    assert store.session(recorder.session_id).routine_id == SINGLE_EXERCISE_ROUTINE_ID


def test_answers_before_the_session_started_are_refused(store):
    recorder = SessionRecorder(store)
    with pytest.raises(RuntimeError, match="not started"):
        recorder.answer(felt="same")


def test_a_session_where_every_exercise_was_skipped_is_recorded_as_nothing_done(store, now):
    engine, recorder, clock = recorded_session(
        store, now, exercise("plank", hold_seconds=10), exercise("bridge", hold_seconds=5))
    engine.start(clock.now())
    while not engine.finished:
        engine.skip(clock.now())
    s = store.session(recorder.session_id)
    assert s.outcome is Outcome.NOTHING_DONE
    assert not s.done
    assert (s.set_count, s.active_seconds) == (0, 0)


def test_a_session_that_reached_its_end_with_an_exercise_skipped_is_partly_done(store, now):
    engine, recorder, clock = recorded_session(
        store, now, exercise("plank", hold_seconds=10), exercise("bridge", hold_seconds=5))
    engine.start(clock.now())
    while engine.state.exercise is None or engine.state.exercise.id != "plank":
        run_for(engine, clock, 1)
    engine.skip(clock.now())
    run_to_end(engine, clock)
    s = store.session(recorder.session_id)
    assert s.outcome is Outcome.PARTLY_DONE
    assert s.done


def test_a_session_stopped_before_its_first_set_is_nothing_done_unless_it_hurt(store, now):
    engine, recorder, clock = recorded_session(store, now, exercise("bridge", hold_seconds=5))
    engine.start(clock.now())
    engine.stop(clock.now())
    assert store.session(recorder.session_id).outcome is Outcome.NOTHING_DONE
    engine, recorder, clock = recorded_session(
        store, now, exercise("bridge", hold_seconds=5), exercise("plank", hold_seconds=10))
    engine.start(clock.now())
    engine.hurts(clock.now())
    engine.stop(clock.now())
    hurt = store.session(recorder.session_id)
    assert hurt.outcome is Outcome.STOPPED_FOR_PAIN  # a physio needs to see every pain stop
    assert not hurt.done
    assert hurt.had_pain_stop
