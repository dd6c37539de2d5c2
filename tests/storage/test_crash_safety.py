"""Crash safety: `coach run` is killed with SIGKILL at random moments; nothing completed is lost.

Each round runs a real routine in a subprocess, `coach run ROUTINE --time-scale S --events FILE`,
and kills it with SIGKILL after a random real-time delay (waiting on the process with a
timeout, never sleeping). The events file has one JSON line per engine event, flushed as it is
written, so after the kill it says which sets had completed. Then:

- `PRAGMA integrity_check` is "ok";
- every `set-completed` line in the file is a set row of that run's session.

All rounds share one data folder, so each new run also recovers the session the previous kill
left open. The last step opens the history with the store and checks every killed session reads
as ended early with its sets.

What this needs from `coach run` (skipped with the reason while it is missing: the options at
collection, the `set-completed` lines after one full run; once those lines exist, a set missing
from the history is a failure, never a skip):
- `--time-scale S`, `--events FILE` and `--data-dir DIR`, and a `SessionRecorder` on the
  history in the data folder;
- a JSON line `{"type": "set-completed", "exercise_id", "side", "set_number", "item_index"}`
  per `SetCompleted` (`exercise`/`set`/`item` are accepted too), and ideally one
  `{"type": "session-started"}` line;
- the `SessionRecorder` added as a listener *before* the events-file writer, so a line in the
  file means the recorder has already committed that event.

COACH_CRASH_KILLS sets the number of kills (default 30, as the issue asks); COACH_CRASH_SEED
replays a failing run (the seed is printed in every failure message).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coach.core.records import Outcome
from coach.storage.history import HistoryStore

KILLS = int(os.environ.get("COACH_CRASH_KILLS", "30"))
SEED = int(os.environ.get("COACH_CRASH_SEED", str(random.SystemRandom().randrange(10**6))))
TIME_SCALE = 1000.0
RUN_TIMEOUT_SECONDS = 120.0


def run_command_missing() -> str | None:
    """Why the crash test cannot run yet, or None when `coach run` has what it needs."""
    from coach.cli import build_parser

    parser = build_parser()
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            parser.parse_args(["run", "some-routine", "--time-scale", "10",
                               "--events", "events.jsonl"])
    except SystemExit:
        return ("`coach run ROUTINE --time-scale S --events FILE` is not wired yet "
                "(engine + CLI + SessionRecorder); see this module's docstring")
    return None


pytestmark = pytest.mark.skipif(run_command_missing() is not None,
                                reason=run_command_missing() or "")


def shortest_routine() -> tuple[str, float]:
    """A default routine with no open-ended phase, and its planned seconds (the shortest)."""
    from coach.catalogue_files import load_app_catalogue
    from coach.core.plan import plan_routine
    from coach.paths import resolve

    catalogue = load_app_catalogue(resolve(None), [])
    plans = [plan_routine(catalogue, r) for r in catalogue.usable_routines()]
    plans = [p for p in plans if not p.open_ended and p.routine_id]
    best = min(plans, key=lambda p: p.total_seconds)
    assert best.routine_id is not None
    return best.routine_id, best.total_seconds


def start(routine: str, data: Path, events: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "COACH_DATA_DIR": str(data)}
    return subprocess.Popen(
        [sys.executable, "-m", "coach", "run", routine, "--time-scale", str(TIME_SCALE),
         "--events", str(events), "--data-dir", str(data)],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def completed_sets(events: Path) -> tuple[bool | None, list[tuple[str, str | None, int, object]]]:
    """(session started: True, False or None when the file cannot say; the sets the file says
    completed). A torn last line is ignored. Field names are accepted in either style,
    `exercise_id`/`set_number`/`item_index` (the event's own) or `exercise`/`set`/`item`."""
    started: bool | None = None
    sets = []
    if not events.exists():
        return False, sets
    for line in events.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue  # the line being written when the process was killed
        if event.get("type") == "session-started":
            started = True
        elif event.get("type") == "set-completed":
            started = True
            sets.append((event.get("exercise_id", event.get("exercise")), event.get("side"),
                         event.get("set_number", event.get("set")),
                         event.get("item_index", event.get("item"))))
    return started, sets


def check_database(db: Path, before: int, started: bool | None, sets: list, context: str) -> int:
    """Check the file after a run that began with `before` sessions; the sessions now."""
    conn = sqlite3.connect(db)
    try:
        assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"], context
        count = conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
        # Killed between the recorder's write and the events line: the row may be there.
        assert count in ((before + 1,) if started else (before, before + 1)), context
        if sets:
            rows = conn.execute(
                "SELECT exercise_id, side, set_number, item_index FROM sets"
                " WHERE session_id = (SELECT MAX(id) FROM sessions) ORDER BY id").fetchall()
            missing = [s for s in sets if s not in rows]
            assert not missing, f"{context}: sets completed before the kill are missing: {missing}"
        return count
    finally:
        conn.close()


def test_every_set_completed_before_a_sigkill_is_in_the_history(tmp_path):
    routine, planned = shortest_routine()
    rng = random.Random(SEED)
    data = tmp_path / "data"
    db = data / "history.db"

    # One run to the end: it must record everything, and it tells how long a run takes here.
    events = tmp_path / "full.jsonl"
    began = time.monotonic()
    proc = start(routine, data, events)
    assert proc.wait(timeout=RUN_TIMEOUT_SECONDS) == 0
    full_run = time.monotonic() - began
    started, sets = completed_sets(events)
    if not sets:
        pytest.skip("`coach run --events` does not write set-completed lines yet (and the "
                    "SessionRecorder must be added before the events writer); see the docstring")
    sessions = check_database(db, 0, True, sets, f"seed {SEED}, full run")
    assert sessions == 1, f"seed {SEED}: the full run did not record its session"

    for kill in range(KILLS):
        context = f"seed {SEED}, kill {kill + 1} of {KILLS}"
        events = tmp_path / f"kill-{kill}.jsonl"
        proc = start(routine, data, events)
        delay = rng.uniform(0.0, full_run * 1.1)
        try:
            proc.wait(timeout=delay)  # a random moment: start-up, mid-set, between sets, end
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=RUN_TIMEOUT_SECONDS)
        started, sets = completed_sets(events)
        sessions = check_database(db, sessions, started, sets, f"{context} after {delay:.3f} s")

    store = HistoryStore.open(db)
    recorded = store.sessions()
    store.close()
    assert len(recorded) == sessions
    assert recorded[0].outcome is Outcome.COMPLETED  # the run that reached the end
    for s in recorded[1:]:
        # Killed before its first set: nothing done; after one: ended early (or it finished).
        expected = (Outcome.COMPLETED, Outcome.ENDED_EARLY) if s.set_count else (
            Outcome.NOTHING_DONE,)
        assert s.outcome in expected, f"seed {SEED}"
        assert s.closed or s.recovered, f"seed {SEED}: session {s.id} left open"
    assert planned > 0
