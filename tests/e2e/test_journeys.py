"""Journeys as a person takes them: the real `coach` process in a real X window, driven by
real key presses and clicks, and read back from the screen.

Each test runs under a private Xvfb display (`tests.helpers.driving.Desktop`): it launches
`python -m coach` on a temporary data directory (and a temporary HOME, so nothing outside the
test is touched) with `--time-scale` so sessions run many times faster than real time, types
and clicks with xdotool, and reads what the window shows with OCR on screenshots. Every wait
blocks on X events (windows coming and going, a window's title changing) up to a deadline;
reading the screen retries its OCR up to a deadline. Nothing sleeps for a fixed time.

- the patient's journey on a fresh data folder: red-flag questions, disclaimer, pain check,
  a whole session, the pain check after it, the end page, Home and Progress, every figure
  checked against the history.db file the app wrote;
- the physiotherapist's journey: a new routine built in the editor, exported, opened on a
  second fresh data folder as `coach FILE.toml`, done once, printed as a handout, and the
  visit report made from the Progress page and with `coach report`; the PDFs rendered and
  their text checked.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from coach.core.catalogue import load_catalogue
from coach.core.records import Screening
from coach.core.safety import RED_FLAGS
from coach.paths import assets_dir, default_catalogue
from coach.storage.history import HistoryStore
from tests.helpers.driving import Desktop, desktop_on_xvfb, loose

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]

#: Engine seconds per real second in the journeys: a routine of ~15 minutes takes ~10 s.
JOURNEY_SCALE = "300"

MAIN_TITLE = "Physio Coach"


@pytest.fixture
def desktop(tmp_path) -> Iterator[Desktop]:
    with desktop_on_xvfb(tmp_path / "screens") as desktop:
        yield desktop


class App:
    """One `python -m coach ...` process on the desktop; its output goes to a file."""

    def __init__(self, desktop: Desktop, home: Path, *args: str) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.output = home / f"coach-{len(list(home.glob('coach-*.out')))}.out"
        env = dict(desktop.env, COACH_AUDIO_DEVICE="null", HOME=str(home),
                   XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local"),
                   XDG_STATE_HOME=str(home / ".state"), XDG_CACHE_HOME=str(home / ".cache"))
        env.pop("COACH_DATA_DIR", None)
        with self.output.open("wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "coach", *args], cwd=ROOT,
                                         env=env, stdout=out, stderr=subprocess.STDOUT)

    def quit(self, desktop: Desktop, main: str) -> None:
        """Ctrl+Q on the main window; the process must end cleanly."""
        desktop.press(main, "ctrl+q")
        code = self.proc.wait(timeout=20)
        assert code == 0, self.output.read_text(errors="replace")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)


@pytest.fixture
def apps() -> Iterator[list[App]]:
    """The processes a test starts; any still running at the end are killed."""
    started: list[App] = []
    yield started
    for app in started:
        app.kill()


def titled(title: str):
    return lambda t: t == title


# --- the steps every journey shares ------------------------------------------------------------


def answer_first_run(desktop: Desktop) -> None:
    """A fresh data folder: the six red-flag questions, each answered No with the keyboard
    (Tab to the question, Right to its No, Space to choose it), Continue; then the disclaimer,
    read and accepted."""
    check = desktop.wait_window(titled("Safety check"), 20, "the red-flag questions")
    keys = ["Tab", "Right", "space"] * len(RED_FLAGS)
    desktop.press(check, *keys, "alt+c")
    desktop.wait_gone(check, 5, "the red-flag questions to close")
    disclaimer = desktop.wait_window(lambda t: t not in (MAIN_TITLE, "Safety check", ""), 5,
                                     "the disclaimer")
    desktop.press(disclaimer, "Return")
    desktop.wait_gone(disclaimer, 5, "the disclaimer to close")


def run_session(desktop: Desktop, main: str, routine_name: str, *,
                before: tuple[int, int] | None, after: tuple[int, int] | None) -> str:
    """Home: Start; the pain check (back, leg; the leg pain not moved) or skipped; the
    session to its end, untouched; the pain check after it (or skipped). Returns the session
    window, on its end page."""
    desktop.press(main, "alt+h", "alt+s")  # Home, Start
    check = desktop.wait_window(titled("How is your pain today?"), 10, "the pain check")
    if before is not None:
        # Tab to where the leg pain has gone; Right twice to "No change"; Space chooses it.
        desktop.press(check, str(before[0]), "Tab", str(before[1]), "Tab", "Right", "Right",
                      "space")
    desktop.press(check, "Return")  # Start
    session = desktop.wait_window(lambda t: routine_name in t, 15, "the session window")
    desktop.monitor_title(session)
    desktop.wait_for(lambda: desktop.title(session) == f"Finished — {MAIN_TITLE}", 120,
                     "the end of the session")
    pain_after = desktop.wait_window(titled("How is your pain now?"), 10,
                                     "the pain check after the session")
    if after is not None:
        desktop.press(pain_after, str(after[0]), "Tab", str(after[1]))
    desktop.press(pain_after, "Return")  # Save
    desktop.wait_gone(pain_after, 5, "the pain check after the session to close")
    return session


# --- reading the history file --------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """One session as history.db has it."""

    routine_name: str
    local_date: date
    outcome: str
    weekly_goal: int | None
    pain_before: tuple[int | None, int | None]
    pain_after: tuple[int | None, int | None]
    exercises_done: int
    work_seconds: float


def stored_sessions(db: Path) -> list[Stored]:
    """Every session in the file, oldest first, read with plain sqlite3 (read-only)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT s.routine_name, s.local_date, s.outcome, s.weekly_goal,"
            " s.pain_before_back, s.pain_before_leg, s.pain_after_back, s.pain_after_leg,"
            " (SELECT COUNT(DISTINCT exercise_id) FROM sets WHERE session_id = s.id"
            "  AND complete = 1),"
            " (SELECT COALESCE(SUM(work_seconds), 0) FROM sets WHERE session_id = s.id)"
            " FROM sessions s ORDER BY s.started_at").fetchall()
    finally:
        conn.close()
    return [Stored(r[0], date.fromisoformat(r[1]), r[2], r[3], (r[4], r[5]), (r[6], r[7]),
                   r[8], r[9]) for r in rows]


def minutes_and_seconds(seconds: float) -> str:
    """'9 min 34 s', '45 s', '2 min' as the end page writes a length of time."""
    whole = round(seconds)
    minutes, rest = divmod(whole, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min" + (f" {rest} s" if rest else "")


# --- the tests ----------------------------------------------------------------------------------


def test_a_patients_first_day_from_the_safety_questions_to_the_progress_page(
        desktop, apps, tmp_path):
    """A new patient: the safety questions and disclaimer of a first run, today's routine with
    the pain checks around it, and then what Home and Progress say, each figure as history.db
    has it."""
    data = tmp_path / "data"
    app = App(desktop, tmp_path / "home", "--data-dir", str(data),
              "--time-scale", JOURNEY_SCALE)
    apps.append(app)
    main = desktop.wait_window(titled(MAIN_TITLE), 20, "the main window")
    answer_first_run(desktop)
    routine = load_catalogue([default_catalogue()], assets_dir=assets_dir()).routine(
        "gentle-daily-stretch")  # today's routine on a first run

    session = run_session(desktop, main, routine.name, before=(4, 3), after=(3, 2))

    [stored] = stored_sessions(data / "history.db")
    assert stored.routine_name == routine.name
    assert stored.outcome == "completed"
    assert (stored.pain_before, stored.pain_after) == ((4, 3), (3, 2))
    assert stored.exercises_done == len(routine.items)
    assert stored.work_seconds > 0

    # The end page: what was done, as stored.
    n = stored.exercises_done
    end = desktop.read_until(session, loose(f"{n} of {n} exercises completed"), 10,
                             "the end page")
    assert re.search(loose(f"{minutes_and_seconds(stored.work_seconds)} of exercise"),
                     end.string), end.string
    desktop.press(session, "Return")  # Close
    desktop.wait_gone(session, 5, "the session window to close")

    # Home: this week's count and the last session.
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    this_week = sum(1 for s in stored_sessions(data / "history.db")
                    if s.local_date >= monday and s.outcome == "completed")
    home = desktop.read_until(main, loose(f"{this_week} of {stored.weekly_goal} sessions this "
                                          "week"), 10, "Home's count for this week").string
    assert stored.local_date == today
    for part in (f"Last session: {routine.name}, today, completed",
                 f"back pain {stored.pain_before[0]} to {stored.pain_after[0]}",
                 f"leg pain {stored.pain_before[1]} to {stored.pain_after[1]}"):
        assert re.search(loose(part), home), f"Home should say {part!r}; it reads:\n{home}"

    # Progress: the headline, the calendar, the pain and the active minutes.
    desktop.press(main, "alt+p")
    days = len({s.local_date for s in stored_sessions(data / "history.db")})
    progress = desktop.read_until(main, loose(f"Exercised on {days} of the last"), 10,
                                  "Progress's calendar").string
    assert re.search(loose(f"{this_week} of {stored.weekly_goal} sessions this week"),
                     progress), progress
    width, height = 1100, 760
    desktop.click(main, width // 2, height // 2, button=5, times=10)  # the wheel, down
    lower = desktop.read_until(main, r"active\s+minutes?\s+this\s+week", 10,
                               "Progress's active minutes").string
    minutes = round(stored.work_seconds / 60)
    for part in (f"Back pain {stored.pain_before[0]}", f"Leg pain {stored.pain_before[1]}",
                 f"{minutes} active minute"):
        assert re.search(loose(part), lower), f"Progress should say {part!r}; it reads:\n{lower}"

    app.quit(desktop, main)
    log = (data / "logs" / "coach.log").read_text()
    assert " ERROR " not in log, log


def test_a_physio_builds_a_routine_and_the_patient_gets_it_with_a_handout_and_a_report(
        desktop, apps, tmp_path):
    """The physiotherapist: File > New routine…, three exercises found by typing in the
    editor's search, the routine named and saved, File > Export for patient…. The patient, on
    a fresh data folder: `coach FILE.toml` adds it (after the first-run questions), it is
    today's routine, done once; File > Print handout… writes the handout, and Progress >
    Visit report (PDF)… and `coach report` the visit report. Every PDF is rendered and names
    the three exercises."""
    exercises = {"pelvic tilt": "Pelvic tilt", "bridge": "Bridge", "cat-camel": "Cat-camel"}
    name = "Morning back care"
    clinic = tmp_path / "clinic"
    (clinic / "config").mkdir(parents=True)
    (clinic / "config" / "settings.toml").write_text("disclaimer_seen = true\n")
    with HistoryStore.open(clinic / "history.db") as store:  # the physio's own machine
        store.record_screening(Screening(datetime.now().astimezone(),
                                         {flag.id: False for flag in RED_FLAGS}))
    physio = App(desktop, tmp_path / "physio-home", "--data-dir", str(clinic))
    apps.append(physio)
    main = desktop.wait_window(titled(MAIN_TITLE), 20, "the physio's main window")

    # File > New routine… (the File menu's routine entries come just after the first paint)
    desktop.menu(main, "alt+f", "n", item="New routine")
    editor = desktop.wait_window(lambda t: "Routine editor" in t, 10, "the routine editor")
    desktop.monitor_title(editor)
    desktop.click_on(editor, "Search exercises to add")
    for search in exercises:
        desktop.press(editor, "ctrl+a")
        desktop.type(editor, search)
        desktop.press(editor, "Return")  # adds the first match
    for key, text in (("alt+n", name), ("alt+d", "Three gentle exercises for the morning."),
                      ("alt+p", "Sam Patel")):
        desktop.press(editor, key)
        desktop.type(editor, text)
    desktop.press(editor, "ctrl+s")
    desktop.wait_for(lambda: desktop.title(editor) == f"{name} — Routine editor", 10,
                     "the routine to be saved (no * in the title)")
    listed = desktop.read(editor)
    for shown in exercises.values():
        assert shown in listed, f"the editor should list {shown}; it reads:\n{listed}"

    desktop.menu(main, "alt+f", "x")  # File > Export for patient…
    prescription = tmp_path / "morning-back-care.toml"
    save_as = desktop.wait_window(titled("Export for patient"), 10, "the export's file dialog")
    desktop.press(save_as, "ctrl+a")
    desktop.type(save_as, str(prescription))
    desktop.press(save_as, "Return")
    saved = desktop.wait_window(titled("Prescription saved"), 10, "the export's confirmation")
    desktop.press(saved, "Return")
    desktop.wait_gone(saved, 5, "the confirmation to close")
    assert prescription.is_file()
    physio.quit(desktop, main)

    # The patient's computer: a fresh data folder; the file opened from the file manager.
    data = tmp_path / "patient"
    patient = App(desktop, tmp_path / "patient-home", "--data-dir", str(data),
                  "--time-scale", JOURNEY_SCALE, str(prescription))
    apps.append(patient)
    main = desktop.wait_window(titled(MAIN_TITLE), 20, "the patient's main window")
    answer_first_run(desktop)
    added = desktop.wait_window(titled("Prescription added"), 10, "the prescription added")
    desktop.press(added, "Return")
    desktop.wait_gone(added, 5, "the message to close")
    assert (data / "prescriptions" / "morning-back-care.toml").is_file()
    desktop.press(main, "alt+h")
    desktop.read_until(main, r"Today's\s+routine\s+" + loose(name), 10,
                       "the prescription as today's routine on Home")

    session = run_session(desktop, main, name, before=(5, 4), after=(4, 4))
    desktop.press(session, "Return")  # Close the end page
    desktop.wait_gone(session, 5, "the session window to close")

    desktop.menu(main, "alt+f", "p")  # File > Print handout…
    paper = desktop.wait_window(titled("Print / Save PDF"), 10, "the paper size question")
    desktop.press(paper, "Return")
    handout = tmp_path / "handout.pdf"
    save_as = desktop.wait_window(titled("Save the handout"), 10, "the handout's file dialog")
    desktop.press(save_as, "ctrl+a")
    desktop.type(save_as, str(handout))
    desktop.press(save_as, "Return")
    done = desktop.wait_window(titled("Saved"), 20, "the handout saved")
    desktop.press(done, "Escape")  # not opened in a viewer
    desktop.wait_gone(done, 5, "the message to close")

    # At the visit: Progress > Visit report (PDF)…, from the day offered.
    desktop.press(main, "alt+p")
    desktop.read_until(main, loose("Visit report (PDF)"), 10, "the Progress page")
    desktop.press(main, "alt+v")
    since = desktop.wait_window(titled("Visit report"), 10, "the question of the first day")
    desktop.press(since, "Return")
    report = tmp_path / "report.pdf"
    save_as = desktop.wait_window(titled("Save the visit report"), 10,
                                  "the report's file dialog")
    desktop.press(save_as, "ctrl+a")
    desktop.type(save_as, str(report))
    desktop.press(save_as, "Return")
    done = desktop.wait_window(titled("Saved"), 20, "the report saved")
    desktop.press(done, "Escape")
    desktop.wait_gone(done, 5, "the message to close")
    patient.quit(desktop, main)

    # The same report from the command line.
    report_cli = tmp_path / "report-cli.pdf"
    made = subprocess.run([sys.executable, "-m", "coach", "report", "--data-dir", str(data),
                           "--since", (date.today() - timedelta(days=7)).isoformat(),
                           "--pdf", str(report_cli)], cwd=ROOT,
                          env=dict(desktop.env, HOME=str(tmp_path / "patient-home")),
                          capture_output=True, text=True, timeout=60, check=False)
    assert made.returncode == 0, made.stdout + made.stderr

    for pdf in (handout, report, report_cli):
        text = " ".join(pdf_text(pdf).split())
        for shown in exercises.values():
            assert shown in text, f"{pdf.name} should name {shown}; it says:\n{text}"
        pages = render(pdf, tmp_path / pdf.stem)
        assert pages, f"{pdf.name} rendered no page"
        assert all(desktop.colours(page) > 16 for page in pages), f"{pdf.name}: a blank page"
    [stored] = stored_sessions(data / "history.db")
    assert (stored.routine_name, stored.outcome) == (name, "completed")
    for folder in (clinic, data):
        log = (folder / "logs" / "coach.log").read_text()
        assert " ERROR " not in log, log


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, timeout=60, check=True).stdout


def render(pdf: Path, stem: Path) -> list[Path]:
    """Every page of the PDF as a PNG (as a person would see it, at 50 dpi)."""
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(stem)], timeout=60,
                   check=True)
    return sorted(stem.parent.glob(f"{stem.name}-*.png"))
