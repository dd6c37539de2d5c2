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


def _rows(history: Path, sql: str) -> list[tuple]:
    """The rows `sql` reads from the history file, opened with plain sqlite3."""
    conn = sqlite3.connect(history)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def stored_sets(history: Path) -> list[tuple[str, int, str | None]]:
    return _rows(history, "SELECT exercise_id, set_number, side FROM sets ORDER BY id")


def stored_sessions(history: Path) -> list[tuple[str, str | None, int]]:
    return _rows(history, "SELECT routine_id, outcome, recovered FROM sessions ORDER BY id")


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


def test_a_disk_full_at_start_still_runs_the_session_says_the_disk_is_full_and_keeps_it(
        tmp_path):
    data = tmp_path / "data"
    env = isolated_env(tmp_path)
    with small_disk(data):
        first = coach_run(["run", "desk-break", "--data-dir", str(data), "--time-scale",
                           "1000", "--mute"], env)
        assert first.returncode == 0, first.stderr
        fill(data)
        full = coach_run(["run", "desk-break", "--data-dir", str(data), "--time-scale",
                          "1000", "--mute"], env)
        assert full.returncode == 0, full.stderr
        assert "Session finished: 2 of 2 exercises completed" in full.stdout
        told = notices(full.stderr)
        assert "Traceback" not in full.stderr
        assert "cannot be read" not in full.stderr
        assert "disk reported an error" not in full.stderr
        assert any("the disk is full" in line for line in told), told
        assert [p for p in (tmp_path / "home").rglob("*") if "unsaved" in p.name]

        free(data)
        again = coach_run(["history", "--json", "--data-dir", str(data)], env)
        assert again.returncode == 0, again.stderr
        opened = coach_run(["run", "desk-break", "--data-dir", str(data), "--time-scale",
                            "1000", "--mute"], env)
        assert "added to your history" in opened.stderr
        assert stored_sessions(data / "history.db") == [("desk-break", "completed", 0)] * 3
        assert len(stored_sets(data / "history.db")) == 3 * 3  # 2 sides + 1


def test_a_folder_named_history_db_is_moved_aside_and_the_session_recorded(tmp_path):
    data = tmp_path / "data"
    (data / "history.db").mkdir(parents=True)
    (data / "history.db" / "something.txt").write_text("kept")
    env = isolated_env(tmp_path)
    run = coach_run(["run", "desk-break", "--data-dir", str(data), "--time-scale", "1000",
                     "--mute"], env)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    aside = list(data.glob("history.db.corrupt-*"))
    assert len(aside) == 1
    assert (aside[0] / "something.txt").read_text() == "kept"
    assert str(aside[0]) in run.stderr
    assert stored_sessions(data / "history.db") == [("desk-break", "completed", 0)]


def fill_to_page_end(log: Path) -> None:
    """Lengthen `log` to a whole number of pages, so a full disk takes not one more byte."""
    with log.open("a") as f:
        f.write("." * (-log.stat().st_size % 4096))


PLANTED = ("import sys, coach.history_cli as h\n"
           "def broken(*a, **k): raise RuntimeError('planted bug')\n"
           "h.history_command = broken\n"
           "from coach.cli import main\n"
           "sys.exit(main(sys.argv[1:]))\n")


def test_a_log_on_a_full_disk_moves_to_the_user_log_folder_without_a_traceback(tmp_path):
    """The data folder's disk is full: a failure in a command is still logged, in the user's
    log folder, and the terminal shows the one usual line, no "--- Logging error ---"."""
    data = tmp_path / "data"
    env = isolated_env(tmp_path)
    with small_disk(data):
        first = coach_run(["run", "desk-break", "--data-dir", str(data), "--time-scale",
                           "1000", "--mute"], env)
        assert first.returncode == 0, first.stderr
        fill_to_page_end(data / "logs" / "coach.log")  # no room left in its last page either
        fill(data)
        done = subprocess.run([sys.executable, "-c", PLANTED, "history", "--data-dir",
                               str(data)], capture_output=True, text=True, env=env, cwd=ROOT,
                              timeout=60)
    moved = tmp_path / "home" / ".local" / "state" / "physio-coach" / "log" / "coach.log"
    assert done.returncode == 1
    assert done.stderr == ("coach: something went wrong inside Physio Coach; the details are "
                           f"in {moved}\n")
    assert "RuntimeError: planted bug" in moved.read_text()


def test_a_log_nowhere_to_be_written_says_so_once_in_one_plain_line(tmp_path, capfd):
    """The handler itself, on real full disks: the log and its fallback both full."""
    import logging

    from coach.logs import SafeFileHandler

    with small_disk(tmp_path / "a", 64) as a, small_disk(tmp_path / "b", 64) as b:
        (b / "coach.log").write_text("")
        handler = SafeFileHandler(a / "coach.log", fallbacks=[b / "coach.log"])
        logger = logging.getLogger("coach.test-full-disk")
        logger.propagate = False
        logger.addHandler(handler)
        try:
            fill(a)
            fill(b)
            for n in range(5):
                logger.error("message %d %s", n, "x" * 5000)
        finally:
            logger.removeHandler(handler)
            handler.close()
    err = capfd.readouterr().err
    assert err == ("coach: the log file cannot be written (No space left on device); "
                   "Physio Coach carries on without it.\n")
