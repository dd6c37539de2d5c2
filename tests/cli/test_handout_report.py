"""`coach handout` and `coach report` write PDFs a patient and a physiotherapist can read: every
exercise, dose and warning sign is in the text, pages are not blank, and five exercises fit on
two pages of A4 or Letter. Run as real subprocesses with no display, as from a terminal."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import unicodedata
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from coach.core.catalogue import load_catalogue
from coach.core.models import Prescriber, Routine, RoutineItem
from coach.core.prescription import prescription_text
from coach.core.records import SetRecord
from coach.core.safety import warning_sign_advice
from coach.core.weeks import weeks_between
from coach.paths import assets_dir, default_catalogue
from coach.storage.history import HistoryStore
from tests.helpers.visit_history import (
    BRIDGE_PAIN_AFTER,
    BRIDGE_PAIN_BEFORE,
    DOSES,
    EVENT_DETAIL,
    SESSION_NOTE,
    STOPPED_NOTE,
    build_history,
    build_recorded_history,
    local,
    today,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue([default_catalogue()], assets_dir=assets_dir())


def coach(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    # No platform chosen, and a DISPLAY with no X server behind it: a PDF needs neither.
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env["DISPLAY"] = ":987"
    env["COACH_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "coach", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def pdf_text(pdf: Path) -> str:
    """The PDF's text with line breaks and hyphen-free wrapping undone (one space each)."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return " ".join(unicodedata.normalize("NFKC", out).split())


def pdf_info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in
                                                  out.splitlines())}


def inked_fraction(pdf: Path, tmp_path: Path) -> float:
    """Render the first page to PNG (pdftoppm) and measure how much of it is not white."""
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(tmp_path / "page")], check=True)
    image = QImage(str(tmp_path / "page.png")).convertToFormat(QImage.Format.Format_Grayscale8)
    assert not image.isNull()
    data = bytes(image.constBits())
    width, stride = image.width(), image.bytesPerLine()
    rows = [data[y * stride:y * stride + width] for y in range(image.height())]
    inked = sum(width - row.count(255) - row.count(254) for row in rows)
    return inked / (width * image.height())


def test_the_handout_has_every_exercise_dose_and_warning_sign(catalogue, tmp_path):
    pdf = tmp_path / "handout.pdf"
    result = coach("handout", "core-and-glutes", "--pdf", str(pdf), data_dir=tmp_path / "d")
    assert result.returncode == 0, result.stderr
    assert "Wrote the handout for 'Back and hip strength' (2 pages, A4)" in result.stdout
    text = pdf_text(pdf)
    routine = catalogue.routine("core-and-glutes")
    for item in routine.items:
        exercise = catalogue.exercise(item.exercise_id)
        assert exercise.name in text
        assert catalogue.dose_for(item).describe() in text
        assert exercise.steps[0] in text
        if item.note:
            assert item.note in text
    for line in warning_sign_advice():  # the warning signs printed as advice, by urgency
        assert line in flat(text)
    info = pdf_info(pdf)
    assert info["Pages"] == "2"
    assert info["Page size"].startswith("595 x 842")
    assert 0.02 < inked_fraction(pdf, tmp_path) < 0.6


def test_five_long_exercises_fit_on_two_letter_pages_with_the_physios_contact(
        catalogue, tmp_path):
    """The five wordiest exercises of the catalogue, from a prescription file."""
    def words(ex):
        return sum(len(s) for s in (*ex.steps, *ex.cautions, *ex.stop_if))

    longest = sorted(catalogue.exercises.values(), key=words, reverse=True)[:5]
    routine = Routine(
        id="five-long", name="Five long exercises", description="For the page count.",
        items=tuple(RoutineItem(ex.id, note="Take your time.") for ex in longest), weeks=4,
        prescriber=Prescriber("Sam Physio", "020 7946 0000 <clinic@example.org>"))
    rx = tmp_path / "five.toml"
    rx.write_text(prescription_text([routine], [], assets_dir=assets_dir()), encoding="utf-8")
    pdf = tmp_path / "five.pdf"
    result = coach("handout", "five-long", "--pdf", str(pdf), "--paper", "letter",
                   "--catalogue", str(rx), data_dir=tmp_path / "d")
    assert result.returncode == 0, result.stderr
    info = pdf_info(pdf)
    assert int(info["Pages"]) <= 2
    assert info["Page size"].startswith("612 x 792")
    text = pdf_text(pdf)
    assert "Sam Physio, 020 7946 0000 <clinic@example.org>" in text  # escaped, printed as typed
    for ex in longest:
        assert ex.name in text


def test_an_unknown_routine_lists_the_routines_there_are(tmp_path):
    result = coach("handout", "no-such-routine", "--pdf", str(tmp_path / "x.pdf"),
                   data_dir=tmp_path / "d")
    assert result.returncode == 2
    assert "there is no routine 'no-such-routine'" in result.stderr
    assert "core-and-glutes" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_the_visit_report_has_adherence_pain_doses_stops_and_notes(catalogue, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    since = build_history(data / "history.db", today())
    pdf, table = tmp_path / "report.pdf", tmp_path / "weeks.csv"
    result = coach("report", "--since", since.isoformat(), "--pdf", str(pdf), "--csv",
                   str(table), data_dir=data)
    assert result.returncode == 0, result.stderr
    text = pdf_text(pdf)
    for heading in ("Adherence per week", "Pain before sessions", "Dose history per exercise",
                    "Sessions with a pain stop", "Notes"):
        assert heading in text
    for name in ("Knee to chest stretch", "Bridge", "Forearm plank"):
        assert name in text
    for dose in DOSES:
        assert dose in text
    for note in (STOPPED_NOTE, SESSION_NOTE, EVENT_DETAIL):
        assert note in text
    assert "Leg pain down from 6 to" in text
    assert 0.02 < inked_fraction(pdf, tmp_path) < 0.6
    with table.open(newline="", encoding="utf-8") as f:
        weeks = list(csv.DictReader(f))
    assert len(weeks) == weeks_between(since, today()) + 1
    assert sum(int(w["sessions"]) for w in weeks) == 9
    assert sum(int(w["stopped_for_pain"]) for w in weeks) == 2  # the session and the plank
    with (tmp_path / "weeks-sessions.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["record"] for r in rows} == {"set", "stopped-for-pain"}
    assert len({r["session_id"] for r in rows}) == 9


def test_a_date_that_is_not_one_is_refused_with_a_clear_message(tmp_path):
    result = coach("report", "--since", "2024-13-01", "--pdf", str(tmp_path / "r.pdf"),
                   data_dir=tmp_path / "d")
    assert result.returncode == 2
    assert "--since must be a date like 2024-05-01, not '2024-13-01'" in result.stderr
    assert not (tmp_path / "r.pdf").exists()


# --- what the pages say, read back with `pdftotext -layout` -------------------------------------


def pdf_pages(pdf: Path) -> list[str]:
    """Each page's text laid out as on paper (columns kept), one string per page."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return [unicodedata.normalize("NFKC", page) for page in out.split("\f")[:-1]]


def flat(text: str) -> str:
    return " ".join(text.split())


BUILT_IN = ("gentle-daily-stretch", "core-and-glutes", "desk-break", "flare-up", "easy-walk",
            "heat-and-stretch", "other-activity")


@pytest.fixture(scope="module")
def handouts(catalogue, tmp_path_factory) -> dict[str, list[str]]:
    """Every built-in routine's handout, written by `coach handout`, page by page."""
    tmp = tmp_path_factory.mktemp("handouts")
    assert set(BUILT_IN) == set(catalogue.routines)
    pages = {}
    for routine_id in BUILT_IN:
        pdf = tmp / f"{routine_id}.pdf"
        result = coach("handout", routine_id, "--pdf", str(pdf), data_dir=tmp / "d")
        assert result.returncode == 0, result.stderr
        pages[routine_id] = pdf_pages(pdf)
    return pages


@pytest.mark.parametrize("routine_id", BUILT_IN)
def test_every_step_of_a_handout_exercise_sits_in_one_column_beside_its_picture(
        catalogue, handouts, routine_id):
    lines = [line for page in handouts[routine_id] for line in page.splitlines()]
    for number, item in enumerate(catalogue.routine(routine_id).items, start=1):
        exercise = catalogue.exercise(item.exercise_id)
        heading = next(i for i, li in enumerate(lines)
                       if li.strip() == f"{number}. {exercise.name}")
        indents = set()
        for n, step in enumerate(exercise.steps, start=1):
            start = f"{n}. {' '.join(step.split()[:3])}"
            line = next(li for li in lines[heading + 1:] if li.lstrip().startswith(start))
            indents.add(len(line) - len(line.lstrip()))
        # Every step in one column beside the picture, none back at the margin.
        assert len(indents) == 1, (exercise.name, indents)
        assert min(indents) > 0, exercise.name


@pytest.mark.parametrize("routine_id", BUILT_IN)
def test_a_handouts_warning_box_is_never_alone_on_a_page(catalogue, handouts, routine_id):
    pages = [page.rstrip().rsplit("\n", 1)[0] for page in handouts[routine_id]]  # no footer
    (box_page,) = [page for page in pages if "Warning signs" in page]
    names = [catalogue.exercise(i.exercise_id).name for i in catalogue.routine(routine_id).items]
    assert any(name in box_page for name in names), "the warning box is alone on its page"


@pytest.mark.parametrize("routine_id", BUILT_IN)
def test_a_handout_gives_the_warning_signs_as_advice_and_no_built_in_note_as_the_physios(
        catalogue, handouts, routine_id):
    text = flat(" ".join(handouts[routine_id]))
    assert "The sign you described" not in text  # words for the screen, not for paper
    for line in warning_sign_advice():
        assert line in text
    assert "From your physiotherapist" not in text  # a built-in routine is nobody's prescription
    for item in catalogue.routine(routine_id).items:
        assert item.note in text


def test_a_prescriptions_notes_are_labelled_as_the_physiotherapists(catalogue, tmp_path):
    routine = Routine(
        id="from-sam", name="From Sam", description="Two weeks of bridges.", weeks=2,
        items=(RoutineItem("bridge", note="Squeeze your buttocks first."),),
        prescriber=Prescriber("Sam Physio"))
    rx = tmp_path / "rx.toml"
    rx.write_text(prescription_text([routine], [], assets_dir=assets_dir()), encoding="utf-8")
    pdf = tmp_path / "rx.pdf"
    result = coach("handout", "from-sam", "--pdf", str(pdf), "--catalogue", str(rx),
                   data_dir=tmp_path / "d")
    assert result.returncode == 0, result.stderr
    assert "From your physiotherapist: Squeeze your buttocks first." in pdf_text(pdf)


@pytest.fixture(scope="module")
def recorded_report(catalogue, tmp_path_factory):
    """The visit report of six weeks recorded by the real engine (tests.helpers.visit_history):
    one session with everything skipped, Bridge stopped for pain in a session that went on,
    a session stopped when the plank hurt, walks, and a Desk break."""
    tmp = tmp_path_factory.mktemp("recorded")
    data = tmp / "data"
    data.mkdir()
    since = build_recorded_history(data / "history.db", today(), catalogue)
    pdf = tmp / "report.pdf"
    result = coach("report", "--since", since.isoformat(), "--pdf", str(pdf), data_dir=data)
    assert result.returncode == 0, result.stderr
    return pdf_pages(pdf)


WEEK_ROW = re.compile(r"^\s*\d{1,2} [A-Z][a-z]{2} \d{4}\s+(\d+)\s+(\d+|-)\s+(\d+%|-)\s+(\d+)\s")


def test_the_reports_pain_stop_column_counts_the_sessions_its_section_lists(recorded_report):
    text = "\n".join(recorded_report)
    column = sum(int(m.group(4)) for line in text.splitlines()
                 if (m := WEEK_ROW.match(line)))
    section = text[text.index("Sessions with a pain stop\n"):text.index("Notes")]
    rows = section.count("The session went on.") + section.count("The session was stopped")
    assert column == rows == 2
    (header,) = [line for line in text.splitlines() if line.startswith("Week of")]
    assert "Sessions with a pain stop" in header  # the column has the section's name


def test_an_exercise_stopped_for_pain_shows_the_sessions_pain_before_and_after(recorded_report):
    text = "\n".join(recorded_report)
    section = text[text.index("Sessions with a pain stop\n"):text.index("Notes")]
    (bridge,) = [line for line in section.splitlines() if "Bridge" in line]
    before, after = BRIDGE_PAIN_BEFORE, BRIDGE_PAIN_AFTER
    assert f"back {before.back}, leg {before.leg}" in bridge
    assert f"back {after.back}, leg {after.leg}" in bridge
    assert " - " not in bridge.split("Bridge", 1)[1]


def test_a_timed_activity_in_the_dose_history_shows_minutes_not_reps(recorded_report):
    text = "\n".join(recorded_report)
    doses = text[text.index("Dose history per exercise"):text.index("Sessions with a pain stop\n")]
    walking = doses[doses.index("Walking"):]
    first_row = next(line for line in walking.splitlines() if "times in full" in line)
    assert "longest 10 min" in first_row
    assert "reps" not in walking.split("Sitting posture break")[0]


def test_the_report_says_which_sessions_count_and_which_do_not(recorded_report):
    text = flat(recorded_report[0])
    assert "Not counted: 1 session in which nothing was done." in text
    assert "completed in full" not in text


def test_a_dose_table_that_runs_onto_the_next_page_repeats_the_exercise_name(tmp_path):
    """Sixty sessions of Bridge, each asked for a different number of reps: the table runs over
    pages, and each page it continues on names the exercise above the rows."""
    data = tmp_path / "data"
    data.mkdir()
    last = today()
    first = last - timedelta(days=59)
    with HistoryStore.open(data / "history.db", backup=False) as store:
        for n in range(60):
            start = local(first + timedelta(days=n))
            sid = store.start_session("r", "Routine", start, weekly_goal=7)
            store.record_set(sid, SetRecord("bridge", 1, start, reps_done=n + 1,
                                            reps_planned=n + 1, work_seconds=3.0 * (n + 1),
                                            work_seconds_planned=3.0 * (n + 1),
                                            sets_planned=1))
            store.finish_session(sid, start + timedelta(minutes=5), "completed")
    pdf = tmp_path / "report.pdf"
    result = coach("report", "--since", first.isoformat(), "--pdf", str(pdf), data_dir=data)
    assert result.returncode == 0, result.stderr
    pages = pdf_pages(pdf)
    continued = [p for p in pages[1:] if re.search(r"^\s*\d{1,2} [A-Z][a-z]{2} \d{4} .*\d+ reps",
                                                   p, re.M)]
    assert continued, "the dose table should run onto a second page"
    for page in continued:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[0] in ("Bridge (continued)", "Bridge"), lines[:3]
