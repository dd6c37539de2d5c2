"""Properties of the engine over random routines and random pause/resume/add-time/control runs."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.core.clock import FakeClock
from coach.core.cues import Verbosity
from coach.core.engine import SessionEngine
from coach.core.events import (
    CueRequested,
    CuesCancelled,
    DisplayTick,
    Paused,
    PhaseEnded,
    PhaseStarted,
    Resumed,
    SessionFinished,
    SetCompleted,
    TimeAdded,
)
from coach.core.models import DoseKind
from coach.core.plan import PhaseKind, PlanSettings, plan_routine
from coach.core.result import ExerciseStatus, SessionResult
from tests.helpers.factories import catalogue, exercise, routine
from tests.helpers.recorder import EventLog

EPS = 1e-6
JUMP = 5.0
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])

seconds = st.sampled_from([0.5, 1, 1.5, 2, 3, 5, 7.25, 12, 20, 25])


@st.composite
def exercises(draw, n: int):
    kind = draw(st.sampled_from(["hold", "tempo", "duration", "open"]))
    fields: dict = {
        "prepare_seconds": draw(st.sampled_from([0, 1, 2.5, 5])),
        "sides": draw(st.sampled_from(["none", "each"])),
    }
    if kind == "hold":
        fields |= {"hold_seconds": draw(seconds), "reps": draw(st.integers(1, 3)),
                   "sets": draw(st.integers(1, 2)),
                   "relax_seconds": draw(st.sampled_from([0, 1, 3])),
                   "rest_seconds": draw(st.sampled_from([0, 2, 10]))}
    elif kind == "tempo":
        parts = draw(st.lists(st.sampled_from([0.5, 1, 2, 3]), min_size=1, max_size=3))
        fields |= {"tempo": [(f"part{i}", s) for i, s in enumerate(parts)],
                   "reps": draw(st.integers(1, 3)), "sets": draw(st.integers(1, 2)),
                   "rest_seconds": draw(st.sampled_from([0, 4]))}
    elif kind == "duration":
        fields |= {"duration_seconds": draw(st.sampled_from([1, 4, 20, 45]))}
    else:
        fields |= {"open_ended": True,
                   "duration_seconds": draw(st.sampled_from([None, 3, 30]))}
    return exercise(f"ex{n}", steps=("Get down.", "Hold it there."), **fields)


@st.composite
def plans(draw):
    count = draw(st.integers(1, 3))
    exs = [draw(exercises(n)) for n in range(count)]
    rest = draw(st.sampled_from([0, 2.5, 15]))
    cat = catalogue(exs, [routine("r", [e.id for e in exs], rest_between_seconds=rest)])
    verbosity = draw(st.sampled_from(list(Verbosity)))
    return plan_routine(cat, "r", PlanSettings(prepare_seconds=draw(st.sampled_from([0, 3])),
                                               verbosity=verbosity))


gentle_action = st.tuples(
    st.floats(0.01, JUMP - 0.1),
    st.sampled_from(["tick", "tick", "tick", "pause", "resume", "add"]),
    st.sampled_from([1.0, 2.5, 10.0]),
)
any_action = st.tuples(
    st.floats(0.01, JUMP - 0.1),
    st.sampled_from(["tick", "tick", "pause", "resume", "add", "skip", "back", "hurts",
                     "stop"]),
    st.sampled_from([1.0, 2.5, 10.0]),
)


def advance(engine: SessionEngine, clock: FakeClock, dt: float, every_wakeup: bool) -> None:
    """Move time on by `dt`, ticking at each wake-up (or only at the end: late ticks)."""
    target = clock.now() + dt
    while every_wakeup:
        wake = engine.next_wakeup(clock.now())
        if wake is None or wake > target:
            break
        clock.set(max(wake, clock.now()))
        engine.tick(clock.now())
    clock.set(target)
    engine.tick(target)


def run(plan, actions, every_wakeup: bool, open_for: float):
    clock = FakeClock(1000.0)
    engine = SessionEngine(plan, clock_jump_seconds=JUMP)
    log = EventLog()
    engine.add_listener(log)
    engine.start(clock.now())
    for dt, action, extra in actions:
        if engine.finished:
            break
        advance(engine, clock, dt, every_wakeup)
        now = clock.now()
        if action == "pause":
            engine.pause(now)
        elif action == "resume":
            engine.resume(now)
        elif action == "add":
            engine.add_time(now, extra)
        elif action in ("skip", "back", "hurts", "stop"):
            getattr(engine, action)(now)
    # Then let it run to its end; an open-ended phase is declared done after `open_for`.
    for _ in range(20_000):
        if engine.finished:
            break
        if engine.paused:
            engine.resume(clock.now())
        elif engine.phase.kind is PhaseKind.OPEN:
            elapsed = engine.snapshot(clock.now()).elapsed
            if elapsed >= open_for - 1e-3:
                engine.skip(clock.now())
            else:
                advance(engine, clock, min(1.0, open_for - elapsed + 1e-3), every_wakeup)
        else:
            advance(engine, clock, min(JUMP - 0.1, 1.7), every_wakeup)
    assert engine.finished
    return engine, log


def check_event_order_and_cue_windows(log: EventLog) -> None:
    """`at` never goes back; phases start and end in pairs; no live cue is due after its end."""
    last_at = -math.inf
    current: PhaseStarted | None = None
    pending: list[CueRequested] = []
    for event in log.events:
        assert event.at >= last_at - EPS, event
        last_at = event.at
        if isinstance(event, PhaseStarted):
            assert current is None
            current, pending = event, []
        elif isinstance(event, CueRequested):
            assert current is not None
            assert event.cue.phase_id == current.phase.index
            assert event.cue.due >= current.at - EPS
            pending.append(event)
        elif isinstance(event, CuesCancelled):
            # Cues already due were said; the rest are gone.
            pending = [c for c in pending if c.cue.due <= event.at + EPS]
        elif isinstance(event, PhaseEnded):
            assert current is not None
            assert event.phase == current.phase
            for cue in pending:
                assert cue.cue.due <= event.at + EPS, (cue, event)
            current = None
        elif isinstance(event, DisplayTick):
            state = event.state
            assert state.remaining is None or state.remaining >= 0
            assert 0 <= state.progress <= 1
    assert current is None
    assert isinstance(log.events[-1], SessionFinished)


def check_no_second_is_skipped(log: EventLog) -> None:
    """Ticked at every wake-up, the display shows every whole second, one after the other
    (and, between two, the moment the step being read aloud changes)."""
    last: int | None = None
    lit: int | None = None
    for event in log.events:
        if isinstance(event, PhaseStarted | Paused | Resumed | TimeAdded):
            last = None
        elif isinstance(event, DisplayTick) and not event.state.finished:
            shown = event.state.seconds_shown
            if last is not None:
                step = 1 if event.state.remaining is None else -1
                new_step = shown == last and event.state.step_index != lit
                assert shown - last == step or new_step, (last, shown, event)
            last, lit = shown, event.state.step_index


def check_result_adds_up(result: SessionResult, log: EventLog) -> None:
    sets = log.of(SetCompleted)
    total = 0.0
    for ex in result.exercises:
        for side in ex.sides:
            mine = [s for s in sets if s.item_index == ex.item_index and s.side == side.side]
            assert side.sets_done == sum(1 for s in mine if s.complete)
            assert side.reps_done == sum(s.reps_done for s in mine)
            assert math.isclose(side.work_seconds_done, sum(s.work_seconds for s in mine),
                                abs_tol=EPS)
            assert side.work_seconds_done >= -EPS
            total += side.work_seconds_done
    assert math.isclose(result.active_seconds, total, abs_tol=EPS)
    assert result.finished
    assert result.ended_at is not None
    assert result.started_at is not None


@PROPERTY_SETTINGS
@given(plan=plans(), actions=st.lists(gentle_action, max_size=25), every_wakeup=st.booleans(),
       open_for=st.sampled_from([0.0, 2.0, 33.3]))
def test_with_pauses_and_added_time_the_active_time_is_the_plan_plus_what_was_added(
        plan, actions, every_wakeup, open_for):
    engine, log = run(plan, actions, every_wakeup, open_for)
    result = engine.result
    check_event_order_and_cue_windows(log)
    check_result_adds_up(result, log)
    if every_wakeup:
        check_no_second_is_skipped(log)

    # Every phase ran, in order, and completed.
    assert [e.phase.index for e in log.of(PhaseStarted)] == list(range(len(plan.phases)))
    assert all(e.completed for e in log.of(PhaseEnded))
    assert result.completed
    assert not result.ended_early

    # Active time: the plan's, plus time added to work phases, plus open-ended time.
    open_time = sum(ex.work_seconds_done for ex in result.exercises
                    if plan.items[ex.item_index].dose.open_ended)
    added_work = sum(s.added_seconds for ex in result.exercises for s in ex.sides)
    assert math.isclose(result.active_seconds,
                        plan.active_seconds + added_work + open_time, abs_tol=EPS)
    # Nothing drifts: the session lasted exactly its plan, plus additions, pauses, open time.
    elapsed = result.ended_at - result.started_at
    assert math.isclose(elapsed, plan.total_seconds + result.added_seconds
                        + result.paused_seconds + open_time, abs_tol=EPS)
    for ex in result.exercises:
        item = plan.items[ex.item_index]
        assert ex.status is ExerciseStatus.COMPLETED
        for side in ex.sides:
            assert side.sets_done == item.sets
            assert side.reps_done == item.sets * item.reps
            if not item.dose.open_ended:
                assert math.isclose(side.work_seconds_done,
                                    side.work_seconds_planned + side.added_seconds,
                                    abs_tol=EPS)
            if item.kind is DoseKind.HOLD:
                assert side.hold_seconds is not None


@PROPERTY_SETTINGS
@given(plan=plans(), actions=st.lists(any_action, max_size=30), every_wakeup=st.booleans())
def test_with_any_controls_events_stay_in_order_and_the_result_adds_up(
        plan, actions, every_wakeup):
    engine, log = run(plan, actions, every_wakeup, open_for=1.0)
    result = engine.result
    check_event_order_and_cue_windows(log)
    check_result_adds_up(result, log)
    finished = log.of(SessionFinished)
    assert len(finished) == 1
    assert finished[0].result == result
    for ex in result.exercises:
        assert ex.status is not ExerciseStatus.IN_PROGRESS
    stopped = any(action == "stop" for _, action, _ in actions)
    if not stopped:
        assert not result.ended_early

