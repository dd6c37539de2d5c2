"""Moving a fake clock and ticking the engine the way a real driver would (never sleeping)."""

from __future__ import annotations

from coach.core.clock import FakeClock
from coach.core.engine import SessionEngine


def run_to(engine: SessionEngine, clock: FakeClock, when: float) -> None:
    """Tick at every wake-up the engine asks for up to `when`, then at `when` itself."""
    while True:
        wake = engine.next_wakeup(clock.now())
        if wake is None or wake > when:
            break
        clock.set(max(wake, clock.now()))
        engine.tick(clock.now())
    clock.set(max(when, clock.now()))
    engine.tick(clock.now())


def run_for(engine: SessionEngine, clock: FakeClock, seconds: float) -> None:
    run_to(engine, clock, clock.now() + seconds)


def run_to_end(engine: SessionEngine, clock: FakeClock, *, open_ended_after: float = 5.0,
               limit: int = 1_000_000) -> None:
    """Run until the session finishes; open-ended phases are declared done after a while."""
    for _ in range(limit):
        if engine.finished:
            return
        if engine.paused:
            engine.resume(clock.now())
            continue
        if engine.phase.duration is None:
            run_for(engine, clock, open_ended_after)
            engine.skip(clock.now())
            continue
        wake = engine.next_wakeup(clock.now())
        assert wake is not None
        clock.set(max(wake, clock.now()))
        engine.tick(clock.now())
    raise AssertionError("the session did not finish")
