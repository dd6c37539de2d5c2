"""`coach run` on a disk that fills up, as a real process on a real small disk (a tmpfs of
300 KB mounted as the data folder, see tests/helpers/faults.py): nothing completed is lost."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.cli.test_faults import ROOT, coach_run, isolated_env, notices
from tests.helpers.faults import fill, free, small_disk


def stored_sets(history: Path) -> list[tuple[str, int, str | None]]:
    conn = sqlite3.connect(history)
    try:
        return conn.execute("SELECT exercise_id, set_number, side FROM sets ORDER BY id"
                            ).fetchall()
    finally:
        conn.close()


def stored_sessions(history: Path) -> list[tuple[str, str | None, int]]:
    conn = sqlite3.connect(history)
    try:
        return conn.execute("SELECT routine_id, outcome, recovered FROM sessions ORDER BY id"
                            ).fetchall()
    finally:
        conn.close()


def run_filling_the_disk(data: Path, env: dict[str, str], events: Path,
                         routine: str = "desk-break") -> tuple[subprocess.CompletedProcess[str],
                                                               list[dict]]:
    """`coach run ROUTINE` whose data folder fills up once its first set is in the history;
    the run and the lines of its events file (read through a pipe as they come)."""
    os.mkfifo(events)
    proc = subprocess.Popen(
        [sys.executable, "-m", "coach", "run", routine, "--data-dir", str(data),
         "--time-scale", "200", "--mute", "--events", str(events)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        env=env, cwd=ROOT)
    lines: list[dict] = []
    filled = False
    try:
        with events.open(encoding="utf-8") as pipe:
            for line in pipe:
                lines.append(json.loads(line))
                if lines[-1]["type"] == "set-completed" and not filled:
                    fill(data)  # the recorder wrote the set before this line
                    filled = True
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert filled, "the session completed no set"
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), lines


def test_a_disk_that_fills_during_coach_run_loses_no_completed_set(tmp_path):
    data = tmp_path / "data"
    env = isolated_env(tmp_path)
    with small_disk(data):
        run, lines = run_filling_the_disk(data, env, tmp_path / "events")
        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr
        told = " ".join(notices(run.stderr))
        assert "the disk is full" in told
        journal = [p for p in [*data.rglob("*"), *(tmp_path / "home").rglob("*"),
                               *(tmp_path / "temp").rglob("*")] if "unsaved" in p.name]
        assert len(journal) == 1, journal
        assert str(journal[0]) in told  # the person is told where it is

        free(data)
        again = coach_run(["history", "--json", "--data-dir", str(data)], env)
        assert again.returncode == 0, again.stderr
        second = coach_run(["run", "desk-break", "--data-dir", str(data), "--time-scale",
                            "1000", "--mute"], env)
        assert second.returncode == 0, second.stderr
        assert "closed unexpectedly" not in second.stderr
        assert "added to your history" in second.stderr

        completed = [(x["exercise_id"], x["set_number"], x["side"]) for x in lines
                     if x["type"] == "set-completed"]
        sets = stored_sets(data / "history.db")
        assert sets[:len(completed)] == completed
        assert len(sets) == 2 * len(completed)  # and the second run's
        assert stored_sessions(data / "history.db") == [("desk-break", "completed", 0)] * 2
        assert not [p for p in data.rglob("*") if "unsaved" in p.name]
