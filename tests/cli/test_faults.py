"""The `coach` command under real faults, as a real process: a closed standard output, an empty
`--data-dir`, where the log of a failure goes, a read-only data folder (a read-only mount as
root, see tests/helpers/faults.py) and a cache folder that cannot be made."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.faults import read_only

ROOT = Path(__file__).resolve().parents[2]


def isolated_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a child whose home and temp folder are under `tmp_path`, so a file
    written anywhere but the data folder shows up there."""
    home, temp = tmp_path / "home", tmp_path / "temp"
    home.mkdir(exist_ok=True)
    temp.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("XDG_") and k != "COACH_DATA_DIR"}
    env.update(HOME=str(home), TMPDIR=str(temp), PYTHONPATH=str(ROOT))
    return env


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def run_into_closed_pipe(argv: list[str], env: dict[str, str],
                         cwd: Path) -> tuple[int, str]:
    """Run `python -m coach ARGV` with its standard output a pipe nobody reads any more (as
    `| head` leaves it once it has its lines); (exit code, standard error)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([sys.executable, "-m", "coach", *argv], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, env=env, cwd=cwd, timeout=60)
    finally:
        os.close(write_end)
    return done.returncode, done.stderr


@pytest.mark.parametrize("argv", [
    ["history", "--json", "--weeks", "300"],
    ["history", "--weeks", "300"],
    ["export", "--csv", "-"],
    ["list", "--json"],
], ids=" ".join)
def test_a_closed_standard_output_ends_the_command_quietly(tmp_path, argv):
    data = tmp_path / "data"
    code, err = run_into_closed_pipe([*argv, "--data-dir", str(data)], isolated_env(tmp_path),
                                     ROOT)
    assert err == ""
    assert code == 141  # what a shell reports for `cat` and every other tool ended by SIGPIPE
    logged = [p for p in files_under(tmp_path) if p.name.startswith(("coach.log",
                                                                     "physio-coach"))]
    assert all("Traceback" not in p.read_text() for p in logged)


def test_a_closed_pipe_after_part_of_the_output_ends_quietly_too(tmp_path):
    """`coach history --json | head -n 3`: the reader takes a few lines and goes."""
    env = isolated_env(tmp_path)
    done = subprocess.run(
        f"'{sys.executable}' -m coach history --json --weeks 2000 --data-dir "
        f"'{tmp_path / 'data'}' | head -n 3; echo \"status=${{PIPESTATUS[0]}}\"",
        shell=True, executable="/bin/bash", capture_output=True, text=True, env=env,
        cwd=ROOT, timeout=60)
    assert done.stderr == ""
    assert done.stdout.splitlines()[:3] == ["{", '  "today": ' + done.stdout.split(
        '"today": ')[1].splitlines()[0], '  "weeks": [']
    assert done.stdout.splitlines()[-1] == "status=141"


def test_an_unexpected_failure_is_logged_under_the_data_folder_given(tmp_path):
    """A bug in a command (one is planted in `coach history`): the log with its traceback is
    in DIR/logs, and nothing is written in the home folder or the temp folder."""
    data = tmp_path / "data"
    env = isolated_env(tmp_path)
    plant = ("import sys, coach.history_cli as h\n"
             "def broken(*a, **k): raise RuntimeError('planted bug')\n"
             "h.history_command = broken\n"
             "from coach.cli import main\n"
             "sys.exit(main(sys.argv[1:]))\n")
    done = subprocess.run([sys.executable, "-c", plant, "history", "--data-dir", str(data)],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    log_file = data / "logs" / "coach.log"
    assert done.returncode == 1
    assert done.stderr == ("coach: something went wrong inside Physio Coach; the details are "
                           f"in {log_file}\n")
    assert "RuntimeError: planted bug" in log_file.read_text()
    assert files_under(tmp_path / "home") == []
    assert files_under(tmp_path / "temp") == []


@pytest.mark.parametrize("argv", [["--data-dir", ""], ["history", "--data-dir", ""],
                                  ["--data-dir=", "run", "gentle-daily"]], ids=" ".join)
def test_an_empty_data_dir_is_a_usage_error_and_writes_nothing(tmp_path, argv):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    env = isolated_env(tmp_path)
    done = subprocess.run([sys.executable, "-m", "coach", *argv], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=60)
    assert done.returncode == 2
    assert "--data-dir: needs a folder (the value given was empty)" in done.stderr
    assert "Traceback" not in done.stderr
    assert files_under(cwd) == []
    assert files_under(tmp_path / "home") == []


# --- a data folder that cannot be written, and a cache folder that cannot be made -----------


def coach_run(argv: list[str], env: dict[str, str], cwd: Path = ROOT,
              ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "coach", *argv], capture_output=True,
                          text=True, env=env, cwd=cwd, stdin=subprocess.DEVNULL, timeout=120)


def notices(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("coach:")]


def speech_files(home: Path) -> list[Path]:
    return sorted((home / ".cache" / "physio-coach" / "speech").glob("*.wav"))


VOICE = shutil.which("espeak-ng") is not None


def test_a_read_only_data_folder_runs_the_session_with_the_voice_and_says_once_nothing_is_saved(
        tmp_path):
    data = tmp_path / "data"
    env = isolated_env(tmp_path)
    env["COACH_AUDIO_DEVICE"] = "null"
    first = coach_run(["run", "desk-break", "--data-dir", str(data), "--time-scale", "1000",
                       "--mute"], env)
    assert first.returncode == 0, first.stderr
    shutil.rmtree(data / "cache", ignore_errors=True)  # no cache folder in it either
    before = (data / "history.db").read_bytes()

    with read_only(data):
        run = coach_run(["run", "desk-break", "--data-dir", str(data), "--time-scale",
                         "1000"], env)
        history = coach_run(["history", "--json", "--data-dir", str(data)], env)
        export = coach_run(["export", "--csv", "-", "--data-dir", str(data)], env)

    assert run.returncode == 0, run.stderr
    assert "Session finished: 2 of 2 exercises completed" in run.stdout
    told = [f"coach: Nothing can be saved in {data}: the folder is read-only. Your sessions "
            "work as usual and you can see your past sessions, but nothing you do now is kept."]
    if VOICE:
        assert notices(run.stderr) == told
        assert speech_files(tmp_path / "home"), "the voice had nowhere to keep its phrases"
    else:
        assert notices(run.stderr)[0] == told[0]
    assert "Traceback" not in run.stderr
    assert (data / "history.db").read_bytes() == before

    assert history.returncode == 0, history.stderr
    assert history.stderr == ""
    assert sum(w["sessions"] for w in json.loads(history.stdout)["weeks"]) == 1
    assert export.returncode == 0, export.stderr
    assert export.stderr == ""
    assert {row["routine_id"] for row in csv.DictReader(io.StringIO(export.stdout))} == {
        "desk-break"}


def test_an_empty_read_only_data_folder_still_runs_a_session(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    env = isolated_env(tmp_path)
    with read_only(data):
        run = coach_run(["run", "desk-break", "--data-dir", str(data), "--time-scale", "1000",
                         "--mute"], env)
        history = coach_run(["history", "--data-dir", str(data), "--weeks", "1"], env)
    assert run.returncode == 0, run.stderr
    assert notices(run.stderr) == [
        f"coach: Nothing can be saved in {data}: the folder is read-only. Your sessions work "
        "as usual and you can see your past sessions, but nothing you do now is kept."]
    assert history.returncode == 0, history.stderr
    assert "No sessions recorded yet" in history.stdout
    assert list(data.iterdir()) == []


def test_a_cache_folder_that_cannot_be_made_leaves_the_voice_on(tmp_path):
    """Something else is where the speech cache goes (a file named `cache`): the phrases are
    kept in the user cache folder instead, without a word to the person."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "cache").write_text("not a folder")
    env = isolated_env(tmp_path)
    env["COACH_AUDIO_DEVICE"] = "null"
    run = coach_run(["run", "desk-break", "--data-dir", str(data), "--time-scale", "1000"],
                    env)
    assert run.returncode == 0, run.stderr
    assert "Session finished: 2 of 2 exercises completed" in run.stdout
    if VOICE:
        assert notices(run.stderr) == []
        assert speech_files(tmp_path / "home")
    assert "Traceback" not in run.stderr


# --- the history deleted while a session runs, and a start with only a backup left -----------


def history_on_disk(data: Path) -> tuple[list[tuple], list[tuple]]:
    """(sessions, sets) as a fresh connection reads them from the data folder's file."""
    import sqlite3

    conn = sqlite3.connect(f"file:{data / 'history.db'}?mode=ro", uri=True)
    try:
        return (
            conn.execute("SELECT routine_id, outcome FROM sessions ORDER BY id").fetchall(),
            conn.execute("SELECT session_id, exercise_id, side, set_number FROM sets"
                         " ORDER BY id").fetchall())
    finally:
        conn.close()


QUICK = """\
schema = 1

[[routine]]
id = "quick"
name = "Quick"
description = "Two short exercises, a few seconds apart."
rest_between_seconds = 4

[[routine.item]]
exercise = "pelvic-tilt"
hold_seconds = 5
reps = 2
sets = 2

[[routine.item]]
exercise = "knee-to-chest"
hold_seconds = 5
reps = 1
"""


def test_every_set_of_a_session_during_which_the_history_is_deleted_ends_up_in_the_new_file(
        tmp_path):
    """`coach run` writes each completed set to the history, then a `set-completed` line to
    its events file (a FIFO read here as it comes); after the first one the history file and
    its companions are deleted, as `rm history.db*` would."""
    data = tmp_path / "data"
    (data / "config").mkdir(parents=True)
    (data / "config" / "settings.toml").write_text("prepare_seconds = 3\n")
    catalogue = tmp_path / "quick.toml"
    catalogue.write_text(QUICK)
    env = isolated_env(tmp_path)
    run = ["run", "quick", "--data-dir", str(data), "--catalogue", str(catalogue), "--mute"]
    earlier = coach_run([*run, "--time-scale", "1000"], env)
    assert earlier.returncode == 0, earlier.stderr
    events = tmp_path / "events"
    os.mkfifo(events)
    run = subprocess.Popen(
        [sys.executable, "-m", "coach", *run, "--time-scale", "20", "--events", str(events)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, env=env, cwd=ROOT)
    completed = []
    try:
        with events.open() as lines:  # blocks until the run opens it for writing
            for line in lines:
                event = json.loads(line)
                if event["type"] == "set-completed":
                    completed.append((event["exercise_id"], event["side"],
                                      event["set_number"]))
                    if len(completed) == 1:
                        for name in ("history.db", "history.db-wal", "history.db-shm"):
                            (data / name).unlink(missing_ok=True)
        err = run.stderr.read() if run.stderr else ""
        assert run.wait(timeout=60) == 0, err
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        if run.stderr:
            run.stderr.close()

    assert len(completed) >= 3
    assert notices(err) == [
        "coach: Your exercise history file was deleted while Physio Coach was open. It has "
        f"been saved again, with everything it held up to now: {data / 'history.db'}"]
    sessions, sets = history_on_disk(data)
    assert sessions == [("quick", "completed"), ("quick", "completed")]
    assert [(ex, side, n) for sid, ex, side, n in sets if sid == 2] == completed


def test_a_start_with_no_history_but_a_backup_says_where_it_is_and_restore_brings_it_back(
        tmp_path):
    data = tmp_path / "data"
    env = isolated_env(tmp_path)
    run = ["run", "desk-break", "--data-dir", str(data), "--time-scale", "1000", "--mute"]
    for _ in range(2):  # the second start makes today's backup, with the first session
        assert coach_run(run, env).returncode == 0
    (backup,) = (data / "backups").glob("history-*.db")
    for name in ("history.db", "history.db-wal", "history.db-shm"):
        (data / name).unlink(missing_ok=True)

    history = coach_run(["history", "--data-dir", str(data)], env)
    again = coach_run(run, env)
    restore = coach_run(["history", "--restore", "--data-dir", str(data)], env)

    hint = (f"has 1 session: {backup}. To bring it back: coach history --restore "
            f"--data-dir {data}")
    assert history.returncode == 0
    assert "No sessions recorded yet" in history.stdout
    assert len(notices(history.stderr)) == 1
    assert notices(history.stderr)[0].startswith(
        "coach: Your exercise history has no sessions, but its backup copy from ")
    assert notices(history.stderr)[0].endswith(hint)
    assert again.returncode == 0
    assert [line for line in notices(again.stderr) if line.endswith(hint)]
    assert restore.returncode == 0, restore.stderr
    assert restore.stdout.startswith(f"Brought back 1 session from {backup}.\n")
    assert restore.stderr == ""
    assert history_on_disk(data)[0] == [("desk-break", "completed")] * 2
