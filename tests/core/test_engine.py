"""The session engine's time line: phases, deadlines, cues and display updates, on a fake clock."""

from __future__ import annotations

import pytest

from coach.core.clock import FakeClock
from coach.core.cues import SPOKEN_KINDS, CueKind, Verbosity
from coach.core.engine import SessionEngine
from coach.core.events import (
    CueRequested,
    CuesCancelled,
    DisplayTick,
    EngineStatus,
    ExerciseCompleted,
    Paused,
    PauseReason,
    PhaseEnded,
    PhaseStarted,
    RepCompleted,
    Resumed,
    SessionFinished,
    SessionStarted,
    SetCompleted,
)
from coach.core.models import Side
from coach.core.plan import FINISHED_TEXT, PhaseKind, PlanSettings, plan_routine
from coach.core.result import ExerciseStatus
from tests.helpers.driving import run_for, run_to, run_to_end
from tests.helpers.factories import catalogue, exercise, routine
from tests.helpers.recorder import EventLog

MINIMAL = PlanSettings(verbosity=Verbosity.MINIMAL)


def session(*exercises, settings=MINIMAL, start=100.0, rest_between=15.0, **engine_kw):
    """A started engine on a fake clock, with an event log; the clock starts at `start`."""
    cat = catalogue(list(exercises),
                    [routine("r", [e.id for e in exercises], rest_between_seconds=rest_between)])
    plan = plan_routine(cat, "r", settings)
    clock = FakeClock(start)
    engine = SessionEngine(plan, **engine_kw)
    log = EventLog()
    engine.add_listener(log)
    engine.start(clock.now())
    return engine, clock, log


def test_starting_announces_the_session_and_the_first_phase_with_its_cues_and_display():
    engine, _, log = session(exercise("e", name="Cat", hold_seconds=10, prepare_seconds=5))
    first = log.events[:3]
    assert isinstance(first[0], SessionStarted)
    assert first[0].at == 100
    assert isinstance(first[1], PhaseStarted)
    assert first[1].phase.kind is PhaseKind.PREPARE
    cues = log.of(CueRequested)
    assert [(c.cue.text, c.cue.due) for c in cues] == [
        ("Cat", 100), ("Get into position.", 100), ("Lie on your back.", 100),
        ("3", 102), ("2", 103), ("1", 104),
    ]
    assert all(c.cue.phase_id == 0 for c in cues)
    assert isinstance(log.events[-1], DisplayTick)
    state = engine.state
    assert state.remaining == 5
    assert state.phase_kind is PhaseKind.PREPARE
    assert state.exercise is not None
    assert state.exercise.id == "e"
    assert state.step_index == 0
    assert state.step_text == "Lie on your back."
    assert engine.status is EngineStatus.RUNNING


def test_remaining_time_is_the_deadline_minus_now_whenever_it_is_asked():
    engine, clock, _ = session(exercise("e", hold_seconds=10, prepare_seconds=5))
    clock.set(101.2345)
    engine.tick(clock.now())
    assert engine.snapshot(clock.now()).remaining == pytest.approx(3.7655, abs=1e-9)
    assert engine.snapshot(104.9).remaining == pytest.approx(0.1)
    run_to(engine, clock, 107.5)
    state = engine.snapshot(clock.now())
    assert state.phase_kind is PhaseKind.HOLD
    assert state.remaining == pytest.approx(105 + 10 - 107.5)
    assert state.progress == pytest.approx(0.25)


def test_a_late_tick_runs_every_boundary_it_passed_each_at_its_own_deadline():
    engine, clock, log = session(
        exercise("e", tempo=[("up", 0.5), ("down", 0.5)], reps=3, prepare_seconds=1))
    clock.set(103.0)
    engine.tick(clock.now())
    started = [(e.phase.kind.value, e.at) for e in log.of(PhaseStarted)]
    assert started == [("prepare", 100), ("tempo", 101), ("tempo", 101.5), ("tempo", 102),
                       ("tempo", 102.5), ("tempo", 103)]
    assert [e.at for e in log.of(RepCompleted)] == [102, 103]


def test_phase_boundaries_fall_exactly_on_the_plan_however_late_the_ticks_come():
    ex = exercise("e", hold_seconds=7, reps=4, relax_seconds=3, prepare_seconds=5)
    engine, clock, log = session(ex)
    jitter = [0.013, 0.4, 0.9, 0.0, 0.21]
    n = 0
    while not engine.finished:
        wake = engine.next_wakeup(clock.now())
        clock.set(wake + jitter[n % len(jitter)])
        n += 1
        engine.tick(clock.now())
    expected, t = [], 100.0
    for phase in engine.plan.phases:
        expected.append(t)
        t += phase.duration or 0
    assert [e.at for e in log.of(PhaseStarted)] == pytest.approx(expected, abs=1e-9)
    assert log.of(SessionFinished)[0].at == pytest.approx(100 + engine.plan.total_seconds)


def test_display_updates_on_every_whole_second_of_remaining_time():
    engine, clock, log = session(exercise("e", hold_seconds=5, prepare_seconds=3))
    log.clear()
    for t in (100.2, 100.5, 100.99, 101.0, 101.7, 102.0, 102.4):
        clock.set(t)
        engine.tick(t)
    shown = [(e.at, e.state.seconds_shown) for e in log.of(DisplayTick)]
    assert shown == [(101.0, 2), (102.0, 1)]


def test_next_wakeup_is_the_next_whole_second_then_the_deadline():
    engine, clock, _ = session(exercise("e", hold_seconds=2.5, prepare_seconds=3))
    assert engine.next_wakeup(100.0) == 101.0
    clock.set(101.3)
    engine.tick(clock.now())
    assert engine.next_wakeup(101.3) == 102.0
    clock.set(102.2)
    engine.tick(clock.now())
    assert engine.next_wakeup(102.2) == 103.0
    run_to(engine, clock, 103.0)
    assert engine.phase.kind is PhaseKind.HOLD
    assert engine.next_wakeup(103.0) == pytest.approx(103.5)  # 2.5 s shows 3; 2 from 103.5
    run_to(engine, clock, 103.6)
    assert engine.next_wakeup(103.6) == pytest.approx(104.5)
    run_to(engine, clock, 104.6)
    assert engine.next_wakeup(104.6) == pytest.approx(105.5)  # the deadline


def test_a_second_that_passes_between_a_tick_and_the_next_wakeup_is_not_stepped_over():
    engine, clock, log = session(exercise("e", hold_seconds=10, prepare_seconds=5))
    clock.set(100.999)
    engine.tick(clock.now())  # still shows 5
    # The driver reads its clock again a moment later, just past the whole second:
    assert engine.next_wakeup(101.0005) == 101.0  # due already: tick at once
    clock.set(101.0005)
    engine.tick(clock.now())
    assert [e.state.seconds_shown for e in log.of(DisplayTick)][-1] == 4


def test_an_open_ended_phase_wakes_on_each_whole_second_counted_up():
    engine, clock, _ = session(exercise("e", open_ended=True, prepare_seconds=1))
    run_to(engine, clock, 101.0)
    assert engine.phase.kind is PhaseKind.OPEN
    assert engine.next_wakeup(101.0) == 102.0
    run_to(engine, clock, 102.4)
    assert engine.next_wakeup(102.4) == 103.0


def test_hold_cues_are_due_at_the_start_the_middle_and_counting_down_to_the_end():
    engine, clock, log = session(exercise("e", hold_seconds=30, prepare_seconds=5))
    log.clear()
    run_to(engine, clock, 105.0)
    cues = [(c.cue.kind, c.cue.text, c.cue.due) for c in log.of(CueRequested)]
    assert cues == [
        (CueKind.START, "Hold", 105), (CueKind.HALFWAY, "Halfway", 120),
        (CueKind.COUNTDOWN, "3", 132), (CueKind.COUNTDOWN, "2", 133),
        (CueKind.COUNTDOWN, "1", 134), (CueKind.RELAX, "Relax", 135),
        (CueKind.WELL_DONE, "Well done", 135),
    ]
    assert all(c.at == 105 for c in log.of(CueRequested))


def test_a_held_exercise_counts_reps_and_sets_and_completes():
    ex = exercise("e", hold_seconds=5, reps=2, sets=2, rest_seconds=10, relax_seconds=2)
    engine, clock, log = session(ex)
    run_to_end(engine, clock)
    assert [(r.set_number, r.rep_number) for r in log.of(RepCompleted)] == [
        (1, 1), (1, 2), (2, 1), (2, 2)]
    sets = log.of(SetCompleted)
    assert [(s.set_number, s.reps_done, s.reps_planned, s.complete) for s in sets] == [
        (1, 2, 2, True), (2, 2, 2, True)]
    assert sets[0].hold_seconds == 5
    assert sets[0].hold_seconds_planned == 5
    assert sets[0].work_seconds == 10
    assert sets[0].work_seconds_planned == 10
    done = log.of(ExerciseCompleted)
    assert len(done) == 1
    assert done[0].result.status is ExerciseStatus.COMPLETED
    side = done[0].result.sides[0]
    assert (side.sets_done, side.reps_done, side.work_seconds_done) == (2, 4, 20)


def test_an_exercise_on_each_side_reports_each_sides_sets_and_switches_between_them():
    ex = exercise("knee-hug", sides="each", hold_seconds=5, reps=1, sets=2, relax_seconds=1)
    engine, clock, log = session(ex)
    run_to_end(engine, clock)
    assert [(s.side, s.set_number) for s in log.of(SetCompleted)] == [
        (Side.RIGHT, 1), (Side.RIGHT, 2), (Side.LEFT, 1), (Side.LEFT, 2)]
    switch = [e for e in log.of(PhaseStarted) if e.phase.kind is PhaseKind.SWITCH]
    assert len(switch) == 1
    assert "Switch to the left leg" in log.cue_texts()
    result = engine.result.exercises[0]
    assert [s.side for s in result.sides] == [Side.RIGHT, Side.LEFT]
    assert all(s.sets_done == 2 and s.work_seconds_done == 10 for s in result.sides)


def test_a_tempo_rep_completes_after_its_last_part():
    ex = exercise("bridge", tempo=[("lift", 2), ("hold", 3), ("lower", 2)], reps=2)
    engine, clock, log = session(ex)
    run_to_end(engine, clock)
    parts = [e for e in log.of(PhaseEnded) if e.phase.kind is PhaseKind.TEMPO]
    reps = log.of(RepCompleted)
    assert [r.at for r in reps] == [parts[2].at, parts[5].at]
    sets = log.of(SetCompleted)
    assert sets[0].reps_done == 2
    assert sets[0].hold_seconds is None
    assert sets[0].work_seconds == 14


def test_a_duration_activity_runs_its_time_and_counts_as_one_set():
    engine, clock, log = session(exercise("walk", duration_seconds=60, prepare_seconds=5))
    run_to(engine, clock, 164.0)
    assert engine.phase.kind is PhaseKind.DURATION
    assert engine.state.remaining == 1
    run_to_end(engine, clock)
    (done,) = log.of(SetCompleted)
    assert done.work_seconds == 60
    assert done.complete
    assert engine.result.active_seconds == 60


def test_an_open_ended_activity_counts_up_and_skip_completes_it_as_done():
    ex = exercise("walk", open_ended=True, duration_seconds=20, prepare_seconds=2)
    engine, clock, log = session(ex)
    run_to(engine, clock, 102.0)
    assert engine.phase.kind is PhaseKind.OPEN
    assert engine.next_wakeup(102.0) == 103.0
    run_to(engine, clock, 130.5)
    state = engine.snapshot(130.5)
    assert state.remaining is None
    assert state.elapsed == pytest.approx(28.5)
    assert state.countdown_text == "+0:28"
    assert state.progress == 1.0
    assert [e.state.seconds_shown for e in log.of(DisplayTick)][-3:] == [26, 27, 28]
    log.clear()
    assert engine.skip(130.5)
    ended = log.of(PhaseEnded)[0]
    assert ended.completed
    assert ended.phase.kind is PhaseKind.OPEN
    well_done = [c for c in log.of(CueRequested) if c.cue.kind is CueKind.WELL_DONE]
    assert well_done[0].cue.due == 130.5
    result = engine.result.exercises[0]
    assert result.status is ExerciseStatus.COMPLETED
    assert result.work_seconds_done == pytest.approx(28.5)
    assert engine.finished


def test_the_session_finishes_with_the_closing_words_and_a_complete_result():
    engine, clock, log = session(exercise("a", hold_seconds=5), exercise("b", hold_seconds=5))
    run_to_end(engine, clock)
    assert log.cue_texts()[-1] == FINISHED_TEXT
    assert isinstance(log.events[-1], SessionFinished)
    result = log.events[-1].result
    assert result.completed
    assert not result.ended_early
    assert result.finished
    assert result.active_seconds == 10 == result.planned_active_seconds
    assert result.ended_at - result.started_at == pytest.approx(engine.plan.total_seconds)
    assert result.started_wall is not None
    assert result.started_wall.utcoffset() is not None  # local times with their zone
    assert result.ended_wall is not None
    assert result.ended_wall >= result.started_wall
    assert result.summary() == "2 of 2 exercises completed; 10 s of exercise"
    assert engine.state.finished
    assert engine.next_wakeup(clock.now()) is None


def test_the_rest_between_exercises_shows_what_is_next():
    engine, clock, _ = session(exercise("a", hold_seconds=5, prepare_seconds=1),
                               exercise("bridge", name="Bridge", hold_seconds=5))
    run_to(engine, clock, 106.5)
    state = engine.state
    assert state.phase_kind is PhaseKind.REST_BETWEEN
    assert state.next_up == "Bridge"
    assert state.exercise is None
    assert state.last_cue == "Rest for 15 seconds"  # "Next up" has its own place


def test_a_paused_hold_keeps_its_remaining_time_to_the_millisecond():
    engine, clock, log = session(exercise("e", hold_seconds=30, prepare_seconds=5))
    run_to(engine, clock, 117.3456)
    before = engine.snapshot(clock.now()).remaining
    assert engine.pause(clock.now())
    run_for(engine, clock, 600)
    assert engine.snapshot(clock.now()).remaining == pytest.approx(before, abs=1e-9)
    assert engine.resume(clock.now())
    assert engine.snapshot(clock.now()).remaining == pytest.approx(before, abs=1e-9)
    run_to_end(engine, clock)
    assert engine.result.paused_seconds == pytest.approx(600)
    assert engine.result.active_seconds == pytest.approx(30)
    assert log.of(Paused)[0].reason is PauseReason.USER
    assert log.of(Resumed)[0].paused_for == pytest.approx(600)


def test_pausing_cancels_pending_cues_and_resuming_requests_them_again_later():
    engine, clock, log = session(exercise("e", hold_seconds=30, prepare_seconds=5))
    run_to(engine, clock, 110.0)
    log.clear()
    engine.pause(clock.now())
    assert isinstance(log.events[0], CuesCancelled)
    assert log.events[0].reason == "pause"
    assert isinstance(log.events[1], Paused)
    clock.advance(60)
    engine.tick(clock.now())
    log.clear()
    engine.resume(clock.now())
    again = [(c.cue.text, c.cue.due) for c in log.of(CueRequested)]
    assert again == [("Halfway", 180), ("3", 192), ("2", 193), ("1", 194), ("Relax", 195),
                     ("Well done", 195)]


def test_a_clock_jump_pauses_at_the_last_tick_instead_of_skipping_phases():
    engine, clock, log = session(exercise("e", hold_seconds=10, reps=3, prepare_seconds=5))
    run_to(engine, clock, 107.0)
    clock.set(107.0 + 3600)  # the laptop slept for an hour
    engine.tick(clock.now())
    assert engine.paused
    (paused,) = log.of(Paused)
    assert paused.reason is PauseReason.CLOCK_JUMP
    assert paused.at == 107.0
    assert engine.phase.kind is PhaseKind.HOLD
    assert engine.phase.rep_number == 1
    assert engine.state.remaining == pytest.approx(8.0)
    engine.resume(clock.now())
    assert engine.snapshot(clock.now()).remaining == pytest.approx(8.0)
    run_to_end(engine, clock)
    assert engine.result.completed


def test_ticks_at_most_the_jump_limit_apart_do_not_pause():
    engine, clock, log = session(exercise("e", hold_seconds=30), clock_jump_seconds=5)
    for _ in range(6):
        clock.advance(5.0)
        engine.tick(clock.now())
    assert not log.of(Paused)
    engine2, clock2, log2 = session(exercise("e", hold_seconds=30), clock_jump_seconds=None)
    clock2.advance(20)
    engine2.tick(clock2.now())
    assert not log2.of(Paused)
    assert engine2.phase.kind is PhaseKind.HOLD


def test_every_cue_is_emitted_and_marked_spoken_by_the_verbosity():
    steps = ("Lie down.", "Bend one knee.")
    for verbosity in Verbosity:
        engine, clock, log = session(
            exercise("e", hold_seconds=5, steps=steps),
            settings=PlanSettings(verbosity=verbosity))
        run_to_end(engine, clock)
        cues = log.of(CueRequested)
        assert {c.cue.kind for c in cues} >= {CueKind.INTRO, CueKind.STEP, CueKind.START}
        for c in cues:
            assert c.spoken == (c.cue.kind in SPOKEN_KINDS[verbosity])
        read = [c.cue.text for c in cues if c.cue.kind is CueKind.STEP]
        assert read == (list(steps) if verbosity is Verbosity.FULL else [steps[0]])


def test_the_engine_verbosity_can_differ_from_the_plans_and_change_midway():
    engine, clock, log = session(exercise("e", hold_seconds=5, reps=2),
                                 verbosity=Verbosity.MINIMAL)
    assert not any(c.spoken for c in log.of(CueRequested) if c.cue.kind is CueKind.INTRO)
    engine.verbosity = Verbosity.FULL
    run_to_end(engine, clock)
    assert all(c.spoken for c in log.of(CueRequested) if c.cue.kind is CueKind.REP)


def test_the_highlighted_step_follows_the_steps_being_read_while_getting_ready():
    steps = ("Lie on your back with both knees bent.", "Put your arms by your sides.",
             "Breathe out and get ready.")
    engine, clock, log = session(exercise("e", hold_seconds=5, steps=steps),
                                 settings=PlanSettings(verbosity=Verbosity.FULL))
    step_dues = [c.cue.due for c in log.of(CueRequested) if c.cue.kind is CueKind.STEP]
    assert engine.snapshot(100.0).step_index == 0
    assert engine.snapshot(step_dues[1] + 0.01).step_index == 1
    assert engine.snapshot(step_dues[2] + 0.01).step_index == 2
    assert engine.snapshot(step_dues[2] + 0.01).last_cue == steps[2]
    run_to_end(engine, clock)


def test_the_display_state_says_set_rep_and_side_in_words():
    ex = exercise("hamstring-stretch", sides="each", hold_seconds=5, reps=10, sets=3,
                  relax_seconds=1, rest_seconds=5, prepare_seconds=1)
    engine, clock, _ = session(ex, exercise("bridge", name="Bridge"))
    while not (engine.phase.side is Side.LEFT and engine.phase.set_number == 2
               and engine.phase.rep_number == 4 and engine.phase.kind is PhaseKind.HOLD):
        clock.set(engine.next_wakeup(clock.now()))
        engine.tick(clock.now())
    state = engine.state
    assert state.counter_text == "Set 2 of 3 · Rep 4 of 10 · Left leg"
    assert state.next_up == "Bridge"
    assert state.countdown_text == "0:05"
    assert state.item_index == 0
    assert state.item_count == 2
    assert state.routine_remaining > state.remaining


def test_a_listener_may_call_the_engine_back_and_events_stay_in_order():
    engine, clock, log = session(exercise("e", hold_seconds=5, reps=2, prepare_seconds=2))

    def pause_on_second_rep(event):
        if isinstance(event, PhaseStarted) and event.phase.rep_number == 2 \
                and event.phase.kind is PhaseKind.HOLD:
            engine.pause(event.at)

    engine.add_listener(pause_on_second_rep)
    run_to(engine, clock, 120.0)
    assert engine.paused
    assert engine.phase.rep_number == 2
    ats = [e.at for e in log.events]
    assert ats == sorted(ats)
    idx = next(i for i, e in enumerate(log.events) if isinstance(e, Paused))
    assert isinstance(log.events[idx - 1], CuesCancelled)
    engine.remove_listener(pause_on_second_rep)


def test_a_session_cannot_be_started_twice_and_ignores_ticks_before_it_starts():
    cat = catalogue([exercise("e")], [routine("r", ["e"])])
    engine = SessionEngine(plan_routine(cat, "r"))
    log = EventLog()
    engine.add_listener(log)
    engine.tick(5.0)
    assert not log.events
    assert engine.status is EngineStatus.READY
    assert not engine.pause(5.0)
    assert not engine.skip(5.0)
    assert not engine.stop(5.0)
    assert engine.next_wakeup(5.0) is None
    assert engine.state.status is EngineStatus.READY
    engine.start(10.0)
    with pytest.raises(RuntimeError):
        engine.start(11.0)
