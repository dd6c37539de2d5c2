"""Phase boundaries on time: the real Qt ticker driving the session engine.

    .venv/bin/python -m benchmarks.bench_timing [--seconds 60] [--long-minutes 30] [--scale 60]
                                               [--gui-load-ms 0]

Part 1, real time. A routine of short phases (held reps with relaxes, tempo parts of 0.5 to
1.25 s, rests, switches, short timed activities) is repeated until it lasts at least --seconds,
and run at time scale 1 on `MonotonicClock` by `coach.ui.ticker.Ticker` (one single-shot
`Qt.PreciseTimer` QTimer) in a QApplication under QT_QPA_PLATFORM=offscreen. For every phase
boundary, the error is `time.monotonic()` when `PhaseStarted` for the new phase was delivered on
the GUI thread (through the ticker's `engine_event` signal) minus the boundary's monotonic
deadline. The whole-second display updates (`DisplayTick`, due at deadline - k) are measured the
same way. With --gui-load-ms N, a 60 Hz timer also busies the GUI thread for N ms each frame,
like a window repainting.

Part 2, accelerated. A routine of the default catalogue's exercises, at least --long-minutes
long, runs on `ScaledClock(--scale)` with the same ticker. The end-of-routine error is the
engine clock when `SessionFinished` was delivered minus the planned finish (start + the plan's
total time), in engine time; the logical drift (the finish time the engine computed, minus the
planned one) is reported too: it shows that deadlines chain without accumulating error.

Targets: boundary p95 <= 15 ms; end-of-routine error <= 50 ms. Writes
benchmarks/results/timing.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

RESULTS = Path(__file__).resolve().parent / "results"
TARGETS = {"boundary_p95_ms": 15.0, "end_error_ms": 50.0}


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return math.nan
    s = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(s)))
    return s[rank - 1]


def stats_ms(errors: Sequence[float]) -> dict[str, float]:
    ms = [e * 1000 for e in errors]
    return {"n": len(ms), "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
            "max_ms": max(ms) if ms else math.nan, "min_ms": min(ms) if ms else math.nan}


# --- routines --------------------------------------------------------------------------------


def short_phase_catalogue(seconds: float):
    """A catalogue whose one routine repeats short-phase exercises until it lasts `seconds`."""
    from coach.core.cues import Verbosity
    from coach.core.models import (
        Catalogue,
        Category,
        Dose,
        Exercise,
        Position,
        Routine,
        RoutineItem,
        Sides,
        TempoPhase,
    )
    from coach.core.plan import PlanSettings, plan_routine

    def ex(ex_id: str, dose: Dose) -> Exercise:
        return Exercise(id=ex_id, name=ex_id.replace("-", " ").capitalize(),
                        category=Category.STRENGTH, summary="Benchmark exercise.",
                        steps=("Get ready.", "Do it."), position=Position.ANY, dose=dose)

    exercises = [
        ex("short-holds", Dose(hold_seconds=3, reps=3, relax_seconds=1.5, sides=Sides.EACH,
                               prepare_seconds=2)),
        ex("quick-tempo", Dose(tempo=(TempoPhase("up", 0.5), TempoPhase("hold", 1.25),
                                      TempoPhase("down", 0.75)),
                               reps=4, sets=2, rest_seconds=2.5, prepare_seconds=1.5)),
        ex("short-walk", Dose(duration_seconds=4.5, prepare_seconds=1)),
    ]
    catalogue = Catalogue(exercises={e.id: e for e in exercises})
    settings = PlanSettings(prepare_seconds=2, verbosity=Verbosity.MINIMAL)
    items: list[RoutineItem] = []
    for e in itertools.cycle(exercises):
        items.append(RoutineItem(e.id))
        routine = Routine(id="bench", name="Timing benchmark", description="",
                          items=tuple(items), rest_between_seconds=2)
        catalogue.routines["bench"] = routine
        if plan_routine(catalogue, routine, settings).total_seconds >= seconds:
            return catalogue, settings


def long_catalogue(minutes: float):
    """The default catalogue, plus a routine of its exercises at least `minutes` long."""
    from coach.core.catalogue import load_catalogue
    from coach.core.models import DoseKind, Routine, RoutineItem
    from coach.core.plan import PlanSettings, plan_routine
    from coach.paths import assets_dir, default_catalogue

    catalogue = load_catalogue([default_catalogue()], assets_dir=assets_dir())
    settings = PlanSettings()
    pool = [e for e in catalogue.exercises.values()
            if e.dose.kind is not DoseKind.DURATION] or list(catalogue.exercises.values())
    items: list[RoutineItem] = []
    for e in itertools.cycle(pool):
        items.append(RoutineItem(e.id))
        routine = Routine(id="bench-long", name="Long timing benchmark", description="",
                          items=tuple(items), rest_between_seconds=15)
        catalogue.routines["bench-long"] = routine
        if plan_routine(catalogue, routine, settings).total_seconds >= minutes * 60:
            return catalogue, settings


# --- one run ---------------------------------------------------------------------------------


@dataclass
class Run:
    boundary_errors: list[float] = field(default_factory=list)   # engine seconds
    second_errors: list[float] = field(default_factory=list)     # engine seconds
    end_error: float = math.nan
    logical_drift: float = math.nan
    planned_seconds: float = 0.0
    wall_seconds: float = 0.0
    phases: int = 0


def run_session(catalogue, routine_id: str, settings, clock, *, gui_load_ms: float = 0.0,
                timeout: float) -> Run:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from coach.core.engine import SessionEngine
    from coach.core.events import DisplayTick, PhaseStarted, SessionFinished
    from coach.core.plan import plan_routine
    from coach.ui.ticker import Ticker

    app = QApplication.instance() or QApplication(sys.argv[:1])
    plan = plan_routine(catalogue, routine_id, settings)
    engine = SessionEngine(plan)
    ticker = Ticker(engine, clock)
    run = Run(planned_seconds=plan.total_seconds, phases=len(plan.phases))
    phase_start = [0.0]

    def on_event(event: object) -> None:
        now = clock.now()
        if isinstance(event, PhaseStarted):
            phase_start[0] = event.at
            if event.phase.index > 0:  # the first phase starts with the session, not at a deadline
                run.boundary_errors.append(now - event.at)
        elif isinstance(event, DisplayTick):
            state = event.state
            # A whole-second update inside a phase is due at deadline - k (k shown).
            if state.duration is not None and not state.paused and not state.finished:
                due = phase_start[0] + state.duration - state.seconds_shown
                if due > phase_start[0] + 1e-9:
                    run.second_errors.append(now - due)
        elif isinstance(event, SessionFinished):
            started = event.result.started_at or 0.0
            planned_end = started + plan.total_seconds
            run.end_error = now - planned_end
            run.logical_drift = event.at - planned_end
            app.quit()

    ticker.engine_event.connect(on_event)
    load = None
    if gui_load_ms > 0:
        load = QTimer()
        load.setInterval(16)

        def busy() -> None:
            end = time.perf_counter() + gui_load_ms / 1000
            while time.perf_counter() < end:
                pass

        load.timeout.connect(busy)
        load.start()
    watchdog = QTimer()
    watchdog.setSingleShot(True)
    watchdog.timeout.connect(app.quit)
    watchdog.start(int(timeout * 1000))
    t0 = time.monotonic()
    QTimer.singleShot(0, ticker.start)
    app.exec()
    run.wall_seconds = time.monotonic() - t0
    watchdog.stop()
    if load is not None:
        load.stop()
    ticker.close()
    if not engine.finished:
        raise SystemExit(f"the session did not finish within {timeout:.0f} s")
    return run


# --- main ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_timing",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="length of the real-time run (at least; default 60)")
    parser.add_argument("--long-minutes", type=float, default=30.0,
                        help="length of the accelerated routine in minutes (default 30)")
    parser.add_argument("--scale", type=float, default=60.0,
                        help="time scale of the accelerated run (default 60)")
    parser.add_argument("--gui-load-ms", type=float, default=0.0,
                        help="busy the GUI thread this long every 16 ms (default 0)")
    parser.add_argument("--output", type=Path, default=RESULTS / "timing.json")
    args = parser.parse_args(argv)

    from coach.core.clock import MonotonicClock, ScaledClock

    catalogue, settings = short_phase_catalogue(args.seconds)
    print(f"Part 1: real time, a routine of short phases for >= {args.seconds:g} s ...",
          flush=True)
    real = run_session(catalogue, "bench", settings, MonotonicClock(),
                       gui_load_ms=args.gui_load_ms, timeout=args.seconds * 2 + 30)
    long_cat, long_settings = long_catalogue(args.long_minutes)
    scale = args.scale
    print(f"Part 2: a {args.long_minutes:g}-minute routine at x{scale:g} ...", flush=True)
    fast = run_session(long_cat, "bench-long", long_settings, ScaledClock(scale),
                       gui_load_ms=args.gui_load_ms,
                       timeout=args.long_minutes * 60 / scale * 2 + 30)

    boundary = stats_ms(real.boundary_errors)
    seconds = stats_ms(real.second_errors)
    fast_boundary = stats_ms(fast.boundary_errors)
    end_ms = fast.end_error * 1000
    results: dict[str, Any] = {
        "benchmark": "timing",
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "qt_platform": os.environ.get("QT_QPA_PLATFORM"),
        "gui_load_ms": args.gui_load_ms,
        "real_time": {
            "planned_seconds": real.planned_seconds, "wall_seconds": real.wall_seconds,
            "phases": real.phases, "boundary_error": boundary,
            "whole_second_update_error": seconds,
        },
        "accelerated": {
            "scale": scale, "planned_seconds": fast.planned_seconds,
            "wall_seconds": fast.wall_seconds, "phases": fast.phases,
            "end_error_ms": end_ms, "logical_drift_ms": fast.logical_drift * 1000,
            "boundary_error_engine": fast_boundary,
        },
        "targets": TARGETS,
    }
    checks = {
        "boundary_p95_ms": boundary["p95_ms"] <= TARGETS["boundary_p95_ms"],
        "end_error_ms": abs(end_ms) <= TARGETS["end_error_ms"],
    }
    results["pass"] = checks
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    print()
    print(f"Real time: {real.planned_seconds:.1f} s planned, {real.wall_seconds:.1f} s run, "
          f"{boundary['n']} phase boundaries, {seconds['n']} whole-second updates"
          + (f", GUI load {args.gui_load_ms:g} ms/frame" if args.gui_load_ms else ""))
    print(f"Accelerated: {fast.planned_seconds / 60:.1f} min planned at x{scale:g}, "
          f"{fast.wall_seconds:.1f} s run, {fast_boundary['n']} phase boundaries")
    print()
    print(f"{'measure':<46}{'p50':>9}{'p95':>9}{'max':>9}  {'target':<14}result")
    print(f"{'phase boundary, displayed - deadline (ms)':<46}{boundary['p50_ms']:>9.2f}"
          f"{boundary['p95_ms']:>9.2f}{boundary['max_ms']:>9.2f}  {'p95 <= 15 ms':<14}"
          f"{verdict(checks['boundary_p95_ms'])}")
    print(f"{'whole-second update - due (ms)':<46}{seconds['p50_ms']:>9.2f}"
          f"{seconds['p95_ms']:>9.2f}{seconds['max_ms']:>9.2f}  {'(info)':<14}")
    print(f"{'accelerated boundary, engine ms':<46}{fast_boundary['p50_ms']:>9.2f}"
          f"{fast_boundary['p95_ms']:>9.2f}{fast_boundary['max_ms']:>9.2f}  {'(info)':<14}")
    print(f"{'end of routine, delivered - planned (ms)':<46}{'':>9}{'':>9}{end_ms:>9.2f}  "
          f"{'<= 50 ms':<14}{verdict(checks['end_error_ms'])}")
    print(f"{'end of routine, logical drift (ms)':<46}{'':>9}{'':>9}"
          f"{fast.logical_drift * 1000:>9.4f}  {'(info)':<14}")
    print()
    print(f"Wrote {args.output}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
