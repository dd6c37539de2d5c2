"""End to end: the real `coach` process in a real X window, driven by real key presses.

Under a private Xvfb display it launches `python -m coach` with a temporary data directory, a
tiny routine (chosen as today's routine in the settings file) and `--time-scale 20`; presses
Alt+S to start it, Return on the pain check before it (every question skipped), Space to pause
and again to resume; waits for the session window's title to say it finished; checks a
screenshot of the screen is not blank; answers the pain check after it with Return; closes the
session window with Return and the app with Ctrl+Q; then reads the history the app saved.
Today's red-flag screen is already answered and the disclaimer seen, so no first-run screen
comes up.

Nothing sleeps or polls on a timer: every wait (`Desktop.wait_for`) blocks until the X server
reports a change (`xev` on the windows coming and going, `xprop -spy` on the session window's
title), then checks its condition again, until a deadline.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from coach.core.records import Outcome, Screening
from coach.core.safety import RED_FLAGS
from coach.storage.history import HistoryStore
from tests.helpers.driving import Desktop, desktop_on_xvfb
from tests.helpers.faults import read_only

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]

CATALOGUE = """\
schema = 1

[[routine]]
id = "e2e-quick"
name = "Quick check"
description = "Two short exercises for the end-to-end test."
rest_between_seconds = 4

[[routine.item]]
exercise = "pelvic-tilt"
hold_seconds = 5
reps = 2

[[routine.item]]
exercise = "knee-to-chest"
hold_seconds = 5
reps = 1
"""

SETTINGS = """\
prepare_seconds = 3
routine_id = "e2e-quick"
disclaimer_seen = true

[speech]
verbosity = "counts"
"""


@pytest.fixture
def desktop(tmp_path):
    with desktop_on_xvfb(tmp_path / "screens") as desktop:
        yield desktop


def prepare_data(tmp_path: Path) -> tuple[Path, Path]:
    """A data folder with the settings and today's red-flag screen answered (all no), and the
    quick routine's catalogue beside it: (data folder, catalogue)."""
    data = tmp_path / "data"
    (data / "config").mkdir(parents=True)
    (data / "config" / "settings.toml").write_text(SETTINGS)
    with HistoryStore.open(data / "history.db") as store:  # today's red-flag screen: all no
        store.record_screening(Screening(datetime.now().astimezone(),
                                         {flag.id: False for flag in RED_FLAGS}))
    catalogue = tmp_path / "quick.toml"
    catalogue.write_text(CATALOGUE)
    return data, catalogue


def start_app(desktop: Desktop, data: Path, catalogue: Path,
              home: Path | None = None) -> subprocess.Popen[bytes]:
    """`coach` on the quick routine; with `home`, the user folders (cache, log) are there."""
    env = dict(desktop.env, COACH_AUDIO_DEVICE="null")
    if home is not None:
        env = {k: v for k, v in env.items() if not k.startswith("XDG_")}
        env["HOME"] = str(home)
    return subprocess.Popen(
        [sys.executable, "-m", "coach", "--data-dir", str(data), "--catalogue", str(catalogue),
         "--time-scale", "20"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def titled(desktop: Desktop, title: str) -> Callable[[], str | None]:
    return lambda: desktop.window_titled(lambda t: t == title)


def run_the_quick_routine(desktop: Desktop, app: subprocess.Popen[bytes], main: str,
                          shot: Path, *, once_started: Callable[[], None] | None = None,
                          ) -> None:
    """From the main window: Start, the session with a pause, the pain check after it, close
    the session window and quit; the app must exit with 0. `once_started` is called when the
    session window is up."""
    desktop.press(main, "alt+s")  # Home: Start today's routine
    check = desktop.wait_for(titled(desktop, "How is your pain today?"), 10,
                             "the pain check before the session")
    desktop.press(check, "Return")  # Start, every question skipped
    session = desktop.wait_for(lambda: desktop.window_titled(lambda t: "Quick check" in t),
                               15, "the session window")
    desktop.monitor_title(session)  # its title says paused and finished
    if once_started is not None:
        once_started()

    desktop.press(session, "space")
    desktop.wait_for(lambda: desktop.title(session).startswith("Paused"), 5, "the pause")
    desktop.press(session, "space")
    desktop.wait_for(lambda: not desktop.title(session).startswith("Paused"), 5,
                     "the resume")

    desktop.wait_for(lambda: desktop.title(session) == "Finished — Physio Coach", 25,
                     "the end of the routine")
    desktop.screenshot(shot)
    assert shot.stat().st_size > 0
    assert desktop.colours(shot) > 16, "the screenshot looks blank"

    after = desktop.wait_for(titled(desktop, "How is your pain now?"), 10,
                             "the pain check after the session")
    desktop.press(after, "Return")  # Save, every question skipped
    desktop.wait_for(lambda: after not in desktop.windows(), 5, "the pain check to close")
    desktop.press(session, "Return")  # Close, focused on the summary
    desktop.wait_for(lambda: session not in desktop.windows(), 5,
                     "the session window to close")
    desktop.press(main, "ctrl+q")
    code = app.wait(timeout=15)
    output = app.stdout.read().decode(errors="replace") if app.stdout else ""
    assert code == 0, output


def stop(app: subprocess.Popen[bytes]) -> None:
    if app.poll() is None:
        app.kill()
        app.wait(timeout=5)
    if app.stdout:
        app.stdout.close()


def test_a_routine_runs_in_the_real_window_with_real_keys(desktop, tmp_path):
    data, catalogue = prepare_data(tmp_path)
    app = start_app(desktop, data, catalogue)
    try:
        main = desktop.wait_for(titled(desktop, "Physio Coach"), 20, "the main window")
        run_the_quick_routine(desktop, app, main, tmp_path / "finished.png")
    finally:
        stop(app)

    log = (data / "logs" / "coach.log").read_text()
    assert "session finished: 2 of 2 exercises completed" in log
    assert " ERROR " not in log
    store = HistoryStore.open(data / "history.db", recover=False, backup=False)
    try:
        sessions = store.sessions()
    finally:
        store.close()
    assert [(s.routine_id, s.outcome) for s in sessions] == [("e2e-quick", Outcome.COMPLETED)]


def test_a_read_only_data_folder_opens_the_window_says_once_nothing_is_saved_and_runs(
        desktop, tmp_path):
    """The data folder is a read-only mount (as root; tests/helpers/faults.py): the window
    opens with one notice, the session runs to its end, and the folder is left as it was."""
    data, catalogue = prepare_data(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    with read_only(data):
        app = start_app(desktop, data, catalogue, home)
        try:
            notice = desktop.wait_for(
                lambda: len([t for t in desktop.windows().values() if t == "Physio Coach"]) == 2
                and max(w for w, t in desktop.windows().items() if t == "Physio Coach"),
                20, "the main window and the notice")
            main = min(w for w, t in desktop.windows().items() if t == "Physio Coach")
            desktop.screenshot(tmp_path / "notice.png")
            desktop.press(notice, "Return")  # OK
            desktop.wait_for(lambda: notice not in desktop.windows(), 5, "the notice to close")
            run_the_quick_routine(desktop, app, main, tmp_path / "finished.png")
        finally:
            stop(app)
    assert {p: p.read_bytes() for p in data.rglob("*") if p.is_file()} == before

    (log_file,) = home.rglob("coach.log")  # the data folder's log cannot be written
    log = log_file.read_text()
    assert log.count("notice shown:") == 1
    assert f"notice shown: Nothing can be saved in {data}: the folder is read-only." in log
    assert "session finished: 2 of 2 exercises completed" in log
    assert " ERROR " not in log


def test_a_start_with_no_history_but_a_backup_offers_it_and_brings_it_back(desktop, tmp_path):
    """history.db was deleted while the app was closed; today's backup has a session. The
    window asks, through the real prompt, before anything else; Alt+B brings it back."""
    data, catalogue = prepare_data(tmp_path)
    today = datetime.now().astimezone()
    with HistoryStore.open(data / "history.db", now=lambda: today - timedelta(days=1)) as store:
        sid = store.start_session("e2e-quick", "Quick check", today - timedelta(hours=1))
        store.finish_session(sid, today, Outcome.COMPLETED)
    HistoryStore.open(data / "history.db").close()  # today's backup, with that session
    for name in ("history.db", "history.db-wal", "history.db-shm"):
        (data / name).unlink(missing_ok=True)

    app = start_app(desktop, data, catalogue)
    try:
        offer = desktop.wait_for(titled(desktop, "Bring back your history?"), 20,
                                 "the offer to restore the backup")
        desktop.screenshot(tmp_path / "offer.png")
        desktop.press(offer, "alt+b")
        desktop.wait_for(lambda: offer not in desktop.windows(), 5, "the offer to close")
        main = desktop.wait_for(titled(desktop, "Physio Coach"), 5, "the main window")
        assert list(desktop.windows().values()) == ["Physio Coach"]  # no first-run questions
        desktop.press(main, "ctrl+q")
        code = app.wait(timeout=15)
        assert code == 0
    finally:
        stop(app)
    with HistoryStore.open(data / "history.db", recover=False, backup=False) as store:
        assert [(s.routine_id, s.outcome) for s in store.sessions()] == [
            ("e2e-quick", Outcome.COMPLETED)]


def test_a_history_deleted_while_the_window_runs_a_session_is_written_again_with_it(
        desktop, tmp_path):
    """history.db and its companions are deleted once the session window is up: the session
    still ends up in the history, with every set, beside what was there before."""
    data, catalogue = prepare_data(tmp_path)

    def delete_history() -> None:
        for name in ("history.db", "history.db-wal", "history.db-shm"):
            (data / name).unlink(missing_ok=True)

    app = start_app(desktop, data, catalogue)
    try:
        main = desktop.wait_for(titled(desktop, "Physio Coach"), 20, "the main window")
        run_the_quick_routine(desktop, app, main, tmp_path / "finished.png",
                              once_started=delete_history)
    finally:
        stop(app)

    log = (data / "logs" / "coach.log").read_text()
    assert "was deleted while open; written again" in log
    assert " ERROR " not in log
    with HistoryStore.open(data / "history.db", recover=False, backup=False) as store:
        (session,) = store.sessions()
        assert (session.routine_id, session.outcome) == ("e2e-quick", Outcome.COMPLETED)
        assert [s.record.exercise_id for s in store.sets(session.id)] == [
            "pelvic-tilt", "knee-to-chest", "knee-to-chest"]
        assert len(store.screenings()) == 1  # from before the deletion
