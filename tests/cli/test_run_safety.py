"""`coach run` asks the red-flag and pain questions in a terminal (driven here through a
pseudo-terminal, answering each prompt as it appears), and skips them, saying so, without one.
"""

from __future__ import annotations

import csv
import io
import json
import os
import select
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from coach.core.catalogue import load_catalogue
from coach.core.models import Catalogue
from coach.core.records import Felt, LegPain, Outcome, PainScore, Screening
from coach.core.safety import RED_FLAGS
from coach.safety_flow import BriefChoice
from coach.storage.history import HistoryStore
from coach.terminal_safety import (
    BLOCKED_LINE,
    CLEARANCE_PROMPT,
    SKIPPED_LINE,
    TerminalPrompts,
    TerminalSafety,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue([ROOT / "exercises.toml"], assets_dir=ROOT / "assets")


def env_for(data: Path) -> dict[str, str]:
    return {**os.environ, "COACH_DATA_DIR": str(data), "COACH_AUDIO_DEVICE": "null",
            "PYTHONUNBUFFERED": "1"}


def history(data: Path):
    with HistoryStore.open(data / "history.db", recover=False, backup=False) as store:
        return store.sessions(), store.screenings()


# --- without a terminal ------------------------------------------------------------------------


def test_without_a_terminal_the_questions_are_skipped_with_one_line(tmp_path):
    data = tmp_path / "data"
    done = subprocess.run(
        [sys.executable, "-m", "coach", "run", "desk-break", "--time-scale", "1000", "--mute"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env_for(data), timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(SKIPPED_LINE) == 1
    sessions, screenings = history(data)
    assert len(sessions) == 1
    assert sessions[0].pain_before == PainScore()
    assert screenings == []


def test_without_a_terminal_an_unconfirmed_red_flag_today_still_stops_the_session(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    with HistoryStore.open(data / "history.db") as store:
        answers = {f.id: f.id == "leg-weakness" for f in RED_FLAGS}
        store.record_screening(Screening(datetime.now().astimezone(), answers))
    done = subprocess.run(
        [sys.executable, "-m", "coach", "run", "desk-break", "--time-scale", "1000", "--mute"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env_for(data), timeout=60)
    assert done.returncode == 1
    assert BLOCKED_LINE in done.stdout
    assert history(data)[0] == []


# --- in a terminal -----------------------------------------------------------------------------


class Terminal:
    """A child process on a pseudo-terminal; `expect` reads until a text appears (select with
    a deadline: no sleeping), `send` types a line."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     close_fds=True)
        os.close(slave)
        self.seen = ""

    def expect(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {text!r}; got:\n{self.seen[-2000:]}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"ended before {text!r}; got:\n{self.seen[-2000:]}")
                self.seen += chunk.decode("utf-8", "replace")
        found = self.seen
        self.seen = self.seen[self.seen.index(text) + len(text):]
        return found

    def send(self, line: str) -> None:
        os.write(self.master, (line + "\n").encode())

    def finish(self, timeout: float = 30.0) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.seen += os.read(self.master, 4096).decode("utf-8", "replace")
                except OSError:
                    break
        code = self.proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        os.close(self.master)
        return code


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_in_a_terminal_the_red_flag_and_pain_questions_are_asked_and_saved(tmp_path):
    data = tmp_path / "data"
    term = Terminal([sys.executable, "-m", "coach", "run", "desk-break", "--time-scale", "1000",
                     "--mute"], env_for(data))
    try:
        term.expect("Safety check")
        for n in range(1, 7):
            term.expect(f"{n}. ")
            term.expect("[y/n] ")
            term.send("maybe" if n == 1 else "n")
            if n == 1:
                term.expect("Please answer y or n.")
                term.expect("[y/n] ")
                term.send("n")
        term.expect("Back pain now (0-10, Enter to skip): ")
        term.send("11")
        term.expect("whole number from 0 to 10")
        term.expect("Enter to skip): ")
        term.send("4")
        term.expect("Leg pain now (0-10, Enter to skip): ")
        term.send("5")
        term.expect("n no change (Enter to skip): ")
        term.send("n")
        term.expect("tingling in both legs? [y/n, Enter to skip] ")
        term.send("n")
        term.expect("Session finished")
        term.expect("Back pain now (0-10, Enter to skip): ")
        term.send("3")
        term.expect("Leg pain now (0-10, Enter to skip): ")
        term.send("")
        term.expect("n no change (Enter to skip): ")
        term.send("b")
        term.expect("tingling in both legs? [y/n, Enter to skip] ")
        term.send("")
        term.expect("(Enter for none): ")  # the first session: nothing to compare with
        term.send("Loosened up")
        term.expect("Good sign")
        assert term.finish() == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
            term.proc.wait()
    sessions, screenings = history(data)
    assert len(screenings) == 1
    assert not screenings[0].any_positive
    (session,) = sessions
    assert session.pain_before == PainScore(4, 5)
    assert session.leg_pain_spreading is False
    assert session.leg_pain_after is LegPain.TOWARDS_BACK
    assert session.pain_after == PainScore(3, None)
    assert session.felt is None
    assert session.note == "Loosened up"


# --- the prompts on plain streams ------------------------------------------------------------


def prompts(answers: str) -> tuple[TerminalPrompts, io.StringIO]:
    out = io.StringIO()
    return TerminalPrompts(io.StringIO(answers), out), out


def test_a_first_yes_shows_the_advice_by_urgency_and_offers_no_confirmation():
    p, out = prompts("n\nn\ny\nn\nn\nn\nyes\n")
    result = p.red_flags(None, None)
    assert result.answers["walking"]
    assert not result.cleared
    assert "GET MEDICAL HELP TODAY" in out.getvalue()
    assert CLEARANCE_PROMPT not in out.getvalue()


def test_end_of_input_during_the_questions_starts_nothing():
    p, _ = prompts("n\nn\n")
    assert p.red_flags(None, None) is None
    p, _ = prompts("4\n")
    assert p.pain_before(None, "Desk break") is None


def test_high_pain_in_the_terminal_offers_the_flare_up_routine(cat, tmp_path):
    out = io.StringIO()
    with HistoryStore.open(tmp_path / "history.db") as store:
        store.record_screening(Screening(datetime.now().astimezone(),
                                         {f.id: False for f in RED_FLAGS}))
        safety = TerminalSafety(cat, store, io.StringIO("8\n2\n\n\nf\n"), out, interactive=True)
        prepared = safety.before(cat.routine("core-and-glutes"))
    assert prepared.target.id == "flare-up"
    assert prepared.pain.pain == PainScore(8, 2)
    text = out.getvalue()
    assert "8 out of 10" in text
    assert "f the Flare-up relief routine instead" in text


def test_spreading_leg_pain_in_the_terminal_is_one_message_and_not_today(cat):
    from coach.core.session_gate import SessionGate

    decision = SessionGate(cat).check(cat.routine("core-and-glutes"), pain=PainScore(8, 8),
                                      leg_spreading=True)
    p, out = prompts("")
    assert p.session_brief(None, decision, session_name="Core",
                           suggested_name="Flare-up relief").choice is BriefChoice.NOT_TODAY
    assert out.getvalue().count("!! ") == 1
    assert "Flare-up" not in out.getvalue()
    assert "Choose" not in out.getvalue()


def test_without_a_terminal_dose_steps_still_apply_and_are_printed(cat, tmp_path):
    from datetime import timedelta

    from coach.core.records import Outcome, SetRecord

    out = io.StringIO()
    with HistoryStore.open(tmp_path / "history.db") as store:
        now = datetime.now().astimezone()
        for n in (3, 2, 1):
            start = now - timedelta(days=n)
            sid = store.start_session("core-and-glutes", "Core", start)
            for number in (1,):
                store.record_set(sid, SetRecord(
                    exercise_id="knee-plank", set_number=number, completed_at=start,
                    reps_planned=3, hold_seconds_planned=10.0, sets_planned=1, item_index=3,
                    reps_done=3, work_seconds_planned=30.0))
            store.finish_session(sid, start, Outcome.COMPLETED)
        safety = TerminalSafety(cat, store, io.StringIO(""), out, interactive=False)
        prepared = safety.before(cat.routine("core-and-glutes"))
    assert out.getvalue().splitlines() == [SKIPPED_LINE,
                                           "Plank on your knees today: 15 s, up from 10 s"]
    plank = next(i for i in prepared.target.items if i.exercise_id == "knee-plank")
    assert plank.overrides["hold_seconds"] == 15


def test_how_it_compared_with_last_time_is_asked_only_when_there_was_a_last_time():
    p, out = prompts("3\n\n\n\nLoose\n")
    first = p.pain_after(None, "Desk break", compare=False)
    assert "last time" not in out.getvalue()
    assert first.felt is None
    assert first.note == "Loose"
    p, out = prompts("3\n\n\n\ne\n\n")
    second = p.pain_after(None, "Desk break", compare=True)
    assert "Compared with last time" in out.getvalue()
    assert second.felt is Felt.EASIER


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_terminal_session_with_every_exercise_skipped_is_nothing_done_everywhere(
        tmp_path, cat):
    """`s` on every exercise: the end line says nothing was done and why it does not count; the
    history file, `coach history --json` and `coach export` all say nothing done."""
    data = tmp_path / "data"
    term = Terminal([sys.executable, "-m", "coach", "run", "desk-break", "--mute"],
                    env_for(data))
    try:
        term.expect("Safety check")
        for _ in range(6):
            term.expect("[y/n] ")
            term.send("n")
        for _ in range(3):  # back, leg, where the leg pain has gone
            term.expect("Enter to skip): ")
            term.send("")
        term.expect("[y/n, Enter to skip] ")  # the nerve signs line
        term.send("")
        for item in cat.routine("desk-break").items:
            name = cat.exercise(item.exercise_id).name
            for _ in range(20):  # a press may land on a rest first: press again until skipped
                os.write(term.master, b"s")
                try:
                    term.expect(f"Skipped {name}.", timeout=2.0)
                    break
                except AssertionError:
                    continue
            else:
                raise AssertionError(f"{name} was never skipped")
        found = term.expect("towards your week.")
        assert ("Session finished: All 2 exercises were skipped, so this session does not "
                "count towards your week.") in found
        assert "Well done" not in found
        # Pain after (back, leg, where the leg pain has gone, the nerve signs), a note: skipped.
        for prompt in ("): ", "): ", "): ", "] ", "): "):
            term.expect(prompt)
            term.send("")
        assert term.finish() == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
    sessions, _ = history(data)
    assert [(s.outcome, s.done, s.set_count) for s in sessions] == [
        (Outcome.NOTHING_DONE, False, 0)]
    shown = subprocess.run([sys.executable, "-m", "coach", "history", "--json", "--weeks", "1"],
                           capture_output=True, text=True, env=env_for(data), timeout=60,
                           check=True)
    (week,) = json.loads(shown.stdout)["weeks"]
    assert (week["sessions"], week["completed"], week["nothing_done"]) == (0, 0, 1)
    exported = subprocess.run([sys.executable, "-m", "coach", "export", "--csv", "-"],
                              capture_output=True, text=True, env=env_for(data), timeout=60,
                              check=True)
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert {r["outcome"] for r in rows} == {"nothing-done"}
    assert [r["record"] for r in rows] == ["skipped"] * len(cat.routine("desk-break").items)


def answer_six(term: Terminal, yes: set[int] = frozenset()) -> None:
    for n in range(1, 7):
        term.expect(f"{n}. ")
        term.expect("[y/n] ")
        term.send("y" if n in yes else "n")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_in_a_terminal_a_yes_holds_every_later_run_until_a_clinicians_check_is_confirmed(
        tmp_path):
    data = tmp_path / "data"
    argv = [sys.executable, "-m", "coach", "run", "desk-break", "--time-scale", "1000",
            "--mute"]
    first = Terminal(argv, env_for(data))
    try:
        answer_six(first, yes={2})  # bladder or bowel trouble
        first.expect("GET EMERGENCY HELP NOW")
        first.expect("When they have, run 'coach run' again and confirm it.")
        first.expect("No session started.")
        assert first.finish() != 0
        # A later run asks the six questions again; all no is not enough; "not yet" holds.
        second = Terminal(argv, env_for(data))
        second.expect("you told the coach about a warning sign")
        answer_six(second)
        second.expect(CLEARANCE_PROMPT)
        second.send("no")
        second.expect("No session started.")
        assert second.finish() != 0
        # Confirmed: the session runs and the clearance is kept with its date.
        third = Terminal(argv, env_for(data))
        answer_six(third)
        third.expect(CLEARANCE_PROMPT)
        third.send("yes")
        third.expect("Back pain now (0-10, Enter to skip): ")
        for _ in range(4):
            third.send("")
        third.expect("Session finished")
        for _ in range(4):
            third.send("")
        third.expect("(Enter for none): ")
        third.send("")
        assert third.finish() == 0
    finally:
        for term in [t for t in (locals().get("first"), locals().get("second"),
                                 locals().get("third")) if t is not None]:
            if term.proc.poll() is None:
                term.proc.kill()
                term.proc.wait()
    sessions, screenings = history(data)
    assert len(sessions) == 1
    assert [s.any_positive for s in screenings] == [True, False, False]
    assert screenings[0].cleared_at is not None
    assert screenings[0].cleared_at.date() == datetime.now().astimezone().date()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_in_a_terminal_this_hurts_asks_where_the_leg_pain_went_and_further_down_ends_it(
        tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    with HistoryStore.open(data / "history.db") as store:  # the red-flag screen was answered
        store.record_screening(Screening(datetime.now().astimezone(),
                                         {f.id: False for f in RED_FLAGS}))
    term = Terminal([sys.executable, "-m", "coach", "run", "desk-break", "--mute"],
                    env_for(data))
    try:
        for prompt in ("): ", "): ", "): ", "] "):  # back, leg, moved, nerve signs: skipped
            term.expect(prompt)
            term.send("")
        term.expect("== ")
        os.write(term.master, b"h")
        term.expect("Has your leg pain moved?")
        os.write(term.master, b"x")
        term.expect("Please press d, b or n")
        os.write(term.master, b"d")
        term.expect("do not exercise again today")
        for prompt in ("): ", "): ", "): ", "] ", "): "):  # the pain check after: skipped
            term.expect(prompt)
            term.send("")
        assert term.finish() == 0
        assert "do not exercise again today" not in term.seen  # said once, not again
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
            term.proc.wait()
    (session,), _ = history(data)
    assert session.leg_pain_after is LegPain.FURTHER_DOWN
    assert session.outcome is Outcome.STOPPED_FOR_PAIN


def test_coach_run_prints_each_exercises_stop_signs_as_it_starts(tmp_path, cat):
    from coach.core.safety import stop_if_text

    done = subprocess.run(
        [sys.executable, "-m", "coach", "run", "core-and-glutes", "--time-scale", "1000",
         "--mute", "--no-history"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True,
        env=env_for(tmp_path / "data"), timeout=120)
    assert done.returncode == 0, done.stderr
    for item in cat.routine("core-and-glutes").items:
        exercise = cat.exercise(item.exercise_id)
        if exercise.stop_if:
            assert stop_if_text(exercise.stop_if) in done.stdout
