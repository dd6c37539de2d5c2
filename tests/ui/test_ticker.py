"""The Qt ticker: one precise single-shot timer, armed for the engine's next wake-up.

Headless: tests/conftest.py sets QT_QPA_PLATFORM=offscreen.
"""

from __future__ import annotations

import pytest

from coach.core.clock import FakeClock, MonotonicClock, ScaledClock
from coach.core.cues import Verbosity
from coach.core.engine import SessionEngine
from coach.core.events import PhaseStarted, SessionFinished
from coach.core.plan import PlanSettings, plan_routine
from coach.ui.ticker import Ticker
from tests.helpers.factories import catalogue, exercise, routine

MINIMAL = PlanSettings(verbosity=Verbosity.MINIMAL)


def make_plan(*exercises, rest_between=0.0):
    cat = catalogue(list(exercises),
                    [routine("r", [e.id for e in exercises], rest_between_seconds=rest_between)])
    return plan_routine(cat, "r", MINIMAL)


@pytest.fixture
def fake_ticker(qapp):
    clock = FakeClock(50.0)
    engine = SessionEngine(make_plan(exercise("e", hold_seconds=5, prepare_seconds=3)))
    ticker = Ticker(engine, clock)
    yield ticker, engine, clock
    ticker.close()


def test_the_timer_is_armed_for_the_next_whole_second_not_a_fast_interval(fake_ticker):
    ticker, engine, clock = fake_ticker
    ticker.start()
    assert engine.started
    assert ticker.active
    assert ticker.interval_ms == 1000
    clock.set(51.25)
    engine.tick(clock.now())
    ticker.start()
    assert ticker.interval_ms == 750


def test_the_timer_stops_on_pause_and_rearms_on_resume_and_added_time(fake_ticker):
    ticker, engine, clock = fake_ticker
    ticker.start()
    assert engine.pause(clock.now())  # the controls are the engine's: the ticker follows
    assert not ticker.active
    clock.advance(30)
    engine.resume(clock.now())  # called on the engine directly: the ticker follows
    assert ticker.active
    assert ticker.interval_ms == 1000
    ticker.stop()
    engine.add_time(clock.now(), 10)
    assert ticker.active


def test_a_scaled_clock_arms_the_timer_for_real_milliseconds(qapp):
    clock = ScaledClock(10.0, base=FakeClock(0.0))
    engine = SessionEngine(make_plan(exercise("e", hold_seconds=5, prepare_seconds=3)))
    ticker = Ticker(engine, clock)
    ticker.start()
    assert ticker.interval_ms == 100  # one engine second is 100 real ms
    ticker.close()
    assert not ticker.active


def test_the_timer_stops_when_the_session_is_stopped(fake_ticker):
    ticker, engine, clock = fake_ticker
    ticker.start()
    assert engine.stop(clock.now())
    assert engine.finished
    assert not ticker.active


def test_a_real_timer_runs_a_short_plan_to_its_end_on_time_and_stops(qtbot):
    plan = make_plan(exercise("a", hold_seconds=0.6, reps=2, relax_seconds=0.2,
                              prepare_seconds=0.3))
    clock = MonotonicClock()
    engine = SessionEngine(plan)
    ticker = Ticker(engine, clock)
    delivered: list[tuple[float, float]] = []

    def on_event(event):
        if isinstance(event, PhaseStarted | SessionFinished):
            delivered.append((event.at, clock.now()))

    ticker.engine_event.connect(on_event)
    with qtbot.waitSignal(ticker.engine_event, timeout=5000,
                          check_params_cb=lambda e: isinstance(e, SessionFinished)):
        ticker.start()
    assert engine.finished
    assert not ticker.active
    start = engine.result.started_at
    assert engine.result.ended_at == pytest.approx(start + plan.total_seconds)
    # Each boundary was seen shortly after its deadline, never before it.
    for due, seen in delivered[1:]:
        assert 0 <= seen - due < 0.25
    ticker.close()
