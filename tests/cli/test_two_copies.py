"""Two copies of Physio Coach on one data folder, as real processes: a second `coach run`
never closes the session the first is running, and a session whose process is gone is."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from tests.cli.test_faults import ROOT, coach_run, isolated_env
from tests.cli.test_full_disk import stored_sessions


def test_a_second_coach_run_leaves_the_running_session_open_and_recovers_it_once_killed(
        tmp_path):
    data = tmp_path / "data"
    env = isolated_env(tmp_path)
    events = tmp_path / "events"
    os.mkfifo(events)
    first = subprocess.Popen(
        [sys.executable, "-m", "coach", "run", "desk-break", "--data-dir", str(data),
         "--time-scale", "20", "--mute", "--events", str(events)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        text=True, env=env, cwd=ROOT)
    try:
        with events.open(encoding="utf-8") as pipe:
            for line in pipe:  # the first set is in the history once its line is written
                if json.loads(line)["type"] == "set-completed":
                    break
            second = coach_run(["run", "desk-break", "--data-dir", str(data), "--time-scale",
                                "1000", "--mute"], env)
            assert first.poll() is None, "the first run ended before the second was done"
            history = data / "history.db"
            assert stored_sessions(history) == [("desk-break", None, 0),
                                                ("desk-break", "completed", 0)]
            first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert second.returncode == 0, second.stderr
    assert "closed unexpectedly" not in second.stderr

    third = coach_run(["run", "desk-break", "--data-dir", str(data), "--time-scale", "1000",
                       "--mute"], env)
    assert third.returncode == 0, third.stderr
    assert "was not finished properly (Physio Coach closed unexpectedly)" in third.stderr
    assert stored_sessions(history) == [("desk-break", "ended-early", 1),
                                        ("desk-break", "completed", 0),
                                        ("desk-break", "completed", 0)]
    assert not list(data.glob("history.db.live-*"))
