"""`coach handout` and `coach report` write PDFs a patient and a physiotherapist can read: every
exercise, dose and warning sign is in the text, pages are not blank, and five exercises fit on
two pages of A4 or Letter. Run as real subprocesses with no display, as from a terminal."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from coach.core.catalogue import load_catalogue
from coach.core.models import Prescriber, Routine, RoutineItem
from coach.core.prescription import prescription_text
from coach.core.safety import RED_FLAGS, URGENT_ADVICE
from coach.core.weeks import weeks_between
from coach.paths import ASSETS_DIR, DEFAULT_CATALOGUE
from tests.helpers.visit_history import (
    DOSES,
    EVENT_DETAIL,
    SESSION_NOTE,
    STOPPED_NOTE,
    build_history,
    today,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue([DEFAULT_CATALOGUE], assets_dir=ASSETS_DIR)


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
    assert "Wrote the handout for 'Core and glutes' (2 pages, A4)" in result.stdout
    text = pdf_text(pdf)
    routine = catalogue.routine("core-and-glutes")
    for item in routine.items:
        exercise = catalogue.exercise(item.exercise_id)
        assert exercise.name in text
        assert catalogue.dose_for(item).describe() in text
        assert exercise.steps[0] in text
        if item.note:
            assert item.note in text
    for flag in RED_FLAGS:
        assert flag.question in text
    assert URGENT_ADVICE in text
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
    rx.write_text(prescription_text([routine], [], assets_dir=ASSETS_DIR), encoding="utf-8")
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
                    "Stopped for pain", "Notes"):
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
    assert sum(int(w["stopped_for_pain"]) for w in weeks) == 1
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
