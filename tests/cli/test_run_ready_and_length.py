"""`coach run` and `coach list` as real processes: Enter is Ready while getting into position,
and the routine's length is the same figure everywhere (the plan's, at the person's settings)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from coach.core.catalogue import load_catalogue
from coach.core.plan import about, routine_seconds
from coach.paths import assets_dir, default_catalogue, resolve
from coach.settings import Settings, save
from coach.speech.settings import SpeechSettings
from tests.cli.test_run_safety import Terminal, env_for

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = load_catalogue([default_catalogue()], assets_dir=assets_dir())


def muted_settings(data: Path, **fields) -> Settings:
    settings = Settings(speech=SpeechSettings(mute=True), **fields)
    save(resolve(data).settings_file, settings)
    return settings


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_enter_while_getting_into_position_starts_the_exercise_at_once(tmp_path):
    """A real `coach run` on a terminal (a pty): Enter during the 60 s get-ready starts the
    first exercise straight away; it is not a skip (nothing is reported skipped)."""
    data = tmp_path / "data"
    muted_settings(data, prepare_seconds=60)
    events = tmp_path / "events.jsonl"
    term = Terminal([sys.executable, "-m", "coach", "run", "gentle-daily-stretch",
                     "--time-scale", "10", "--no-history", "--events", str(events)],
                    env_for(data))
    try:
        term.expect("Safety check")
        for n in range(1, 7):
            term.expect(f"{n}. ")
            term.expect("[y/n] ")
            term.send("n")
        term.expect("Back pain now (0-10, Enter to skip): ")
        term.send("")
        term.expect("Leg pain now (0-10, Enter to skip): ")
        term.send("")
        term.expect("n no change (Enter to skip): ")  # where the leg pain has gone
        term.send("")
        term.expect("[y/n, Enter to skip] ")  # the nerve signs line
        term.send("")
        before = term.expect("Get into position")
        assert "Enter ready" in before
        term.send("")  # Enter: ready
        term.expect("Rep 1 of")
        os.write(term.master, b"q")
        term.expect("Session ended early")
        for prompt in ("): ", "): ", "): ", "] "):  # back, leg, leg pain moved, nerve signs
            term.expect(prompt)
            term.send("")
        while True:  # the questions after it, each skipped with Enter, up to the note
            asked = term.expect("): ")
            term.send("")
            if "(Enter for none)" in asked:
                break
        assert term.finish() == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
            term.proc.wait()
    assert "Skipped" not in term.seen
    records = [json.loads(line) for line in events.read_text().splitlines()]
    prepare_end = next(r for r in records if r["type"] == "phase-end")
    assert prepare_end["phase"] == "prepare"
    assert prepare_end["completed"] is True
    assert prepare_end["at"] < 30  # ended by Enter, well before its 60 s
    assert next(r for r in records if r["type"] == "phase-start" and r["index"] == 1)["phase"] \
        in ("hold", "tempo")


def test_coach_list_and_coach_run_give_the_routines_length_at_the_persons_settings(tmp_path):
    settings = muted_settings(tmp_path, prepare_seconds=12, rest_between_seconds=40)
    expected = about(routine_seconds(DEFAULT, "gentle-daily-stretch", settings.plan_settings()))
    listed = subprocess.run(
        [sys.executable, "-m", "coach", "list", "--routines", "--json", "--data-dir",
         str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    row = next(r for r in json.loads(listed.stdout) if r["id"] == "gentle-daily-stretch")
    assert row["detail"].endswith(", " + expected)
    run = subprocess.run(
        [sys.executable, "-m", "coach", "run", "gentle-daily-stretch", "--data-dir",
         str(tmp_path), "--time-scale", "1000", "--no-history"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        check=False)
    assert run.returncode == 0, run.stderr
    intro = next(line for line in run.stdout.splitlines() if line.startswith("Gentle daily"))
    assert intro == f"Gentle daily stretches: 6 exercises, {expected}."
    assert re.search(r"about \d+ min", expected)


def test_the_handout_gives_the_same_length_as_the_screen(tmp_path):
    """`coach handout` prints the routine's length at the person's settings, as Home does."""
    from tests.cli.test_handout_report import coach, pdf_text

    data = tmp_path / "data"
    settings = muted_settings(data, prepare_seconds=20)
    expected = about(routine_seconds(DEFAULT, "gentle-daily-stretch", settings.plan_settings()))
    pdf = tmp_path / "handout.pdf"
    done = coach("handout", "gentle-daily-stretch", "--pdf", str(pdf), data_dir=data)
    assert done.returncode == 0, done.stderr
    text = pdf_text(pdf)
    assert f"7 sessions a week · {expected}" in text
    assert "of exercise" not in text
