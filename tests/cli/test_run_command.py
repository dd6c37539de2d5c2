"""`coach run`: a routine in the terminal, in process on a fake clock and as a real subprocess."""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from coach.cli import parse_time_scale
from coach.core.catalogue import load_catalogue
from coach.core.clock import FakeClock
from coach.core.cues import CueKind, Verbosity
from coach.core.engine import SessionEngine
from coach.core.events import CueRequested, CuesCancelled, SessionFinished, SetCompleted
from coach.core.models import Routine
from coach.core.plan import PlanSettings, plan_routine
from coach.paths import assets_dir, default_catalogue
from coach.terminal import (
    EXIT_CANNOT_START,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    Notices,
    _on_key,
    _TerminalView,
    run_command,
)
from tests.helpers.factories import catalogue, exercise, routine
from tests.helpers.recorder import EventLog

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = PlanSettings(verbosity=Verbosity.MINIMAL)


def small_catalogue():
    knee = exercise("knee-to-chest", name="Knee to chest stretch", sides="each", hold_seconds=6,
                    reps=2, relax_seconds=2, prepare_seconds=3,
                    steps=("Lie on your back.", "Bend one knee and hold the shin."))
    bridge = exercise("bridge", name="Bridge", tempo=[("lift", 1, "Lift"), ("lower", 1)],
                      reps=2, sets=2, rest_seconds=3, prepare_seconds=2)
    walk = exercise("walk", name="Walking", open_ended=True, duration_seconds=4,
                    prepare_seconds=1)
    return catalogue([knee, bridge, walk],
                     [routine("morning", ["knee-to-chest", "bridge"], rest_between_seconds=4),
                      routine("stroll", ["walk"], name="A stroll")])


def run_fake(cat, routine_id, tmp_path, **kw):
    """run_command on a fake clock whose `wait` moves the clock: instant and deterministic."""
    clock = kw.pop("clock", None) or FakeClock(0.0)
    out, err = io.StringIO(), io.StringIO()
    events = tmp_path / "events.jsonl"
    kw.setdefault("wait", clock.advance)
    code = run_command(cat, routine_id, events_path=events, stdin=io.StringIO(), stdout=out,
                       stderr=err, clock=clock, settings=kw.pop("settings", MINIMAL), **kw)
    records = ([json.loads(line) for line in events.read_text().splitlines()]
               if events.exists() else [])
    return code, out.getvalue(), err.getvalue(), records


def test_a_routine_runs_to_its_end_showing_exercise_steps_countdown_and_captions(tmp_path):
    code, out, err, _ = run_fake(small_catalogue(), "morning", tmp_path)
    assert code == EXIT_OK
    assert err == ""
    assert "== Knee to chest stretch (1 of 2)" in out
    assert "Step 1: Lie on your back." in out
    assert "   0:03  Get into position · Right leg" in out
    assert "   0:06  Hold · Rep 2 of 2 · Left leg" in out
    assert "   0:01  Lift · Set 2 of 2 · Rep 2 of 2" in out
    assert "   > Switch to the left leg" in out
    assert "   > Next up: Bridge" in out
    assert out.rstrip().endswith("Session finished: 2 of 2 exercises completed; 32 s of exercise.")


def test_the_events_file_has_every_phase_start_and_end_and_every_cue_in_order(tmp_path):
    cat = small_catalogue()
    code, _, _, records = run_fake(cat, "morning", tmp_path)
    assert code == EXIT_OK
    # No speaker: the run plans no time for speaking.
    plan = plan_routine(cat, "morning", dataclasses.replace(MINIMAL, voice=False))
    starts = [r for r in records if r["type"] == "phase-start"]
    ends = [r for r in records if r["type"] == "phase-end"]
    assert [r["index"] for r in starts] == list(range(len(plan.phases)))
    assert [r["phase"] for r in starts] == [p.kind.value for p in plan.phases]
    assert [r["index"] for r in ends] == list(range(len(plan.phases)))
    assert all(r["completed"] for r in ends)
    cues = [r for r in records if r["type"] == "cue"]
    every_cue = [c.text for p in plan.phases for c in p.cues]
    assert sorted(c["text"] for c in cues) == sorted(every_cue)
    assert [c["due"] for c in cues] == sorted(c["due"] for c in cues)
    for record in records:
        assert record["at"] >= record["due"] - 1e-9
        assert record["at"] - record["due"] < 1e-6  # a fake clock is never late
    assert starts[0]["due"] == 0
    assert ends[-1]["due"] == pytest.approx(plan.total_seconds)
    first = starts[0]
    assert (first["exercise"], first["side"], first["set"], first["text"]) == (
        "knee-to-chest", "right", 1, "Get into position")


def test_the_events_file_opens_with_the_session_and_has_a_line_per_set(tmp_path):
    log = EventLog()
    _, _, _, records = run_fake(small_catalogue(), "morning", tmp_path, recorder=log)
    assert records[0]["type"] == "session-started"
    assert records[0]["routine"] == "morning"
    sets = [r for r in records if r["type"] == "set-completed"]
    assert [(s["exercise_id"], s["side"], s["set_number"], s["item_index"]) for s in sets] == [
        ("knee-to-chest", "right", 1, 0), ("knee-to-chest", "left", 1, 0),
        ("bridge", None, 1, 1), ("bridge", None, 2, 1)]
    assert all(s["complete"] for s in sets)
    assert records[-1] == {"type": "session-finished", "ended_early": False,
                           "completed": True, "outcome": "completed",
                           "due": records[-1]["due"], "at": records[-1]["at"]}


def test_the_recorder_hears_each_event_before_the_events_file_gets_its_line(tmp_path):
    lines_seen: list[int] = []
    events = tmp_path / "events.jsonl"

    def recorder(event):
        if isinstance(event, SetCompleted):
            lines_seen.append(events.read_text().count('"set-completed"'))

    run_fake(small_catalogue(), "morning", tmp_path, recorder=recorder)
    assert lines_seen == [0, 1, 2, 3]


def test_cue_records_say_their_kind_and_whether_they_are_spoken(tmp_path):
    _, _, _, records = run_fake(small_catalogue(), "morning", tmp_path)
    cues = {r["text"]: r for r in records if r["type"] == "cue"}
    assert cues["Switch to the left leg"]["kind"] == CueKind.SWITCH.value
    assert cues["Switch to the left leg"]["spoken"] is True
    assert cues["Knee to chest stretch"]["spoken"] is False  # an intro, at minimal verbosity


def test_without_a_keyboard_an_open_ended_activity_ends_after_its_suggested_time(tmp_path):
    code, out, _, records = run_fake(small_catalogue(), "stroll", tmp_path)
    assert code == EXIT_OK
    assert "no keyboard" in out
    open_end = next(r for r in records if r["type"] == "phase-end" and r["phase"] == "open")
    assert open_end["completed"]
    assert open_end["due"] == pytest.approx(1 + 4)


def test_an_unknown_routine_exits_2_and_lists_the_routine_ids(tmp_path):
    code, out, err, _ = run_fake(small_catalogue(), "evening", tmp_path)
    assert code == EXIT_USAGE
    assert "there is no routine 'evening'" in err
    assert "morning" in err
    assert "stroll" in err
    assert out == ""


def test_a_routine_with_problems_cannot_be_started(tmp_path):
    cat = small_catalogue()
    cat.routines["broken"] = Routine(id="broken", name="Broken", description="",
                                     items=(), unusable_reason="exercise 'x' has problems")
    code, _, err, _ = run_fake(cat, "broken", tmp_path)
    assert code == EXIT_CANNOT_START
    assert "cannot be started: exercise 'x' has problems" in err


def test_the_time_scale_must_be_above_0_and_at_most_1000(tmp_path):
    for bad in ("0", "-2", "1000.5", "abc", "nan", "inf"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_time_scale(bad)
    assert parse_time_scale("1000") == 1000
    assert parse_time_scale("0.5") == 0.5
    code, _, err, _ = run_fake(small_catalogue(), "morning", tmp_path, time_scale=0)
    assert code == EXIT_USAGE
    assert "--time-scale" in err


def test_ctrl_c_ends_the_session_early_and_cleanly_with_exit_130(tmp_path):
    clock = FakeClock(0.0)
    calls = 0

    def interrupted_wait(seconds):
        nonlocal calls
        calls += 1
        if calls == 20:
            raise KeyboardInterrupt
        clock.advance(seconds)

    log = EventLog()
    code, out, _, records = run_fake(small_catalogue(), "morning", tmp_path, clock=clock,
                                     wait=interrupted_wait, recorder=log)
    assert code == EXIT_INTERRUPTED
    assert "Ctrl-C: ending the session early." in out
    assert "Session ended early" in out
    (finished,) = log.of(SessionFinished)
    assert finished.result.ended_early
    last_phase = [r for r in records if r["type"] == "phase-end"][-1]
    assert last_phase["completed"] is False
    assert records[-1]["type"] == "session-finished"
    assert records[-1]["ended_early"] is True


class FakeSpeaker:
    def __init__(self):
        self.calls: list[tuple[str, object]] = []

    def prepare(self, texts):
        self.calls.append(("prepare", tuple(texts)))

    def say(self, cue):
        self.calls.append(("say", cue))

    def cancel(self):
        self.calls.append(("cancel", None))

    def shutdown(self):
        self.calls.append(("shutdown", None))


def test_a_speaker_is_given_the_spoken_cues_and_shut_down_unless_muted(tmp_path):
    speaker = FakeSpeaker()
    run_fake(small_catalogue(), "morning", tmp_path, speaker=speaker)
    said = [arg for name, arg in speaker.calls if name == "say"]
    assert speaker.calls[0][0] == "prepare"
    assert speaker.calls[-1] == ("shutdown", None)
    assert "Switch to the left leg" in [c.text for c in said]
    assert "Knee to chest stretch" not in [c.text for c in said]  # not spoken at minimal
    muted = FakeSpeaker()
    made = []
    run_fake(small_catalogue(), "morning", tmp_path, mute=True,
             speaker_factory=lambda clock: made.append(clock) or muted)
    assert muted.calls == []
    assert made == []


def test_the_recorder_hears_every_event_unless_there_is_no_history(tmp_path):
    log = EventLog()
    run_fake(small_catalogue(), "morning", tmp_path, recorder=log)
    assert isinstance(log.events[-1], SessionFinished)
    quiet = EventLog()
    run_fake(small_catalogue(), "morning", tmp_path, recorder=quiet, no_history=True)
    assert quiet.events == []


def test_a_clock_jump_without_a_keyboard_pauses_then_carries_on(tmp_path):
    clock = FakeClock(0.0)
    jumped = False

    def wait_with_a_jump(seconds):
        nonlocal jumped
        if clock.now() > 5 and not jumped:
            jumped = True
            clock.advance(3600)
        clock.advance(seconds)

    code, out, _, records = run_fake(small_catalogue(), "morning", tmp_path, clock=clock,
                                     wait=wait_with_a_jump)
    assert code == EXIT_OK
    assert "Paused: the clock jumped" in out
    assert "Resuming (no keyboard to resume with)." in out
    assert all(r["completed"] for r in records if r["type"] == "phase-end")


def test_keys_drive_the_engine_controls():
    cat = small_catalogue()
    engine = SessionEngine(plan_routine(cat, "morning", MINIMAL))
    clock = FakeClock(0.0)
    view = _TerminalView(engine.plan, io.StringIO(), clock, None, None, live=False,
                         interactive=True)
    engine.add_listener(view)
    engine.start(0.0)
    _on_key(" ", engine, clock, view)
    assert engine.paused
    _on_key(" ", engine, clock, view)
    assert not engine.paused
    _on_key("\n", engine, clock, view)  # Enter is Ready: the first hold starts now
    assert engine.phase.item_index == 0
    assert engine.phase.kind.value == "hold"
    _on_key("\r", engine, clock, view)  # and does nothing during the hold
    assert engine.phase.kind.value == "hold"
    _on_key("s", engine, clock, view)
    assert engine.phase.item_index == 1
    _on_key("b", engine, clock, view)
    assert engine.phase.item_index == 0
    _on_key("+", engine, clock, view)
    assert engine.state.duration == 13
    _on_key("h", engine, clock, view)
    assert engine.result.exercises[0].status.value == "stopped-for-pain"
    _on_key("q", engine, clock, view)
    assert engine.finished


def test_on_a_terminal_the_countdown_line_is_rewritten_in_place(tmp_path):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    clock = FakeClock(0.0)
    out = Tty()
    code = run_command(small_catalogue(), "morning", stdin=io.StringIO(), stdout=out,
                       stderr=io.StringIO(), clock=clock, wait=clock.advance, settings=MINIMAL)
    assert code == EXIT_OK
    text = out.getvalue()
    assert "\r\x1b[K   0:02  Get into position · Right leg" in text
    assert "Get into position · Right leg\n" not in text  # never ended, only rewritten


def test_a_notice_from_the_speech_thread_gets_a_line_of_its_own_below_the_countdown(tmp_path):
    class Tty(io.StringIO):  # stdout and stderr on one terminal, as usual
        def isatty(self):
            return True

    screen = Tty()
    notices = Notices(screen)

    class WorkerNoticeSpeaker(FakeSpeaker):
        def say(self, request):
            super().say(request)
            if len(self.calls) == 3:  # mid-session, from another thread, as the engine's
                worker = threading.Thread(target=notices, args=("no speech engine",))
                worker.start()
                worker.join()

    clock = FakeClock(0.0)
    code = run_command(small_catalogue(), "morning", stdin=io.StringIO(), stdout=screen,
                       stderr=screen, clock=clock, wait=clock.advance, settings=MINIMAL,
                       speaker=WorkerNoticeSpeaker(), notices=notices)
    assert code == EXIT_OK
    text = screen.getvalue()
    assert text.count("coach: no speech engine") == 1
    # The countdown line was cleared first, the notice ended its own line, and the countdown
    # line came back after it.
    before, after = text.split("coach: no speech engine\n")
    assert before.endswith("\r\x1b[K")
    assert after.lstrip("\r\x1b[K").split("\r")[0].strip().startswith("0:")


def test_notices_outside_a_session_are_printed_at_once():
    err = io.StringIO()
    Notices(err)("The settings file could not be read.")
    assert err.getvalue() == "coach: The settings file could not be read.\n"


@pytest.mark.parametrize("routine_id", ["gentle-daily-stretch", "core-and-glutes", "desk-break",
                                        "flare-up", "easy-walk", "heat-and-stretch"])
def test_every_default_routine_runs_with_its_phases_and_cues_in_order(routine_id, tmp_path):
    cat = load_catalogue([default_catalogue()], assets_dir=assets_dir())
    if routine_id not in cat.routines:
        pytest.fail(f"the default catalogue no longer has '{routine_id}'")
    code, out, _, records = run_fake(cat, routine_id, tmp_path, settings=PlanSettings(),
                                     speaker=FakeSpeaker())  # a voice: the steps are read
    assert code == EXIT_OK
    assert "Session finished" in out
    plan = plan_routine(cat, routine_id, PlanSettings())
    starts = [r["index"] for r in records if r["type"] == "phase-start"]
    assert starts == list(range(len(plan.phases)))
    cues = [r for r in records if r["type"] == "cue"]
    assert len(cues) == sum(len(p.cues) for p in plan.phases)


def test_no_cue_is_shown_after_it_was_cancelled():
    clock = FakeClock(0.0)
    engine = SessionEngine(plan_routine(small_catalogue(), "morning", MINIMAL))
    out = io.StringIO()
    view = _TerminalView(engine.plan, out, clock, None, None, live=False, interactive=False)
    log = EventLog()
    engine.add_listener(view)
    engine.add_listener(log)
    engine.start(0.0)
    view.show_due(0.0)
    engine.pause(0.5)
    assert log.of(CuesCancelled)
    assert [e.cue.text for e in log.of(CueRequested) if e.cue.due > 0.5] == ["2", "1"]
    shown = out.getvalue()
    view.show_due(100.0)
    assert out.getvalue() == shown
    assert view.next_due() is None


CATALOGUE_TOML = textwrap.dedent("""\
    schema = 1

    [[exercise]]
    id = "test-knee-hug"
    name = "Test knee hug"
    category = "stretch"
    summary = "A short test stretch."
    position = "lying-on-back"
    steps = ["Lie on your back.", "Bend one knee and hug it."]
    sides = "each"
    hold_seconds = 5
    reps = 2
    relax_seconds = 2
    prepare_seconds = 3

    [[exercise]]
    id = "test-lift"
    name = "Test lift"
    category = "strength"
    summary = "A short test lift."
    position = "lying-on-back"
    steps = ["Lie on your back.", "Lift and lower."]
    tempo = [{ name = "lift", seconds = 1 }, { name = "lower", seconds = 1, cue = "Lower" }]
    reps = 2
    prepare_seconds = 2

    [[routine]]
    id = "test-routine"
    name = "Test routine"
    description = "For the run command's end-to-end test."
    rest_between_seconds = 3

    [[routine.item]]
    exercise = "test-knee-hug"

    [[routine.item]]
    exercise = "test-lift"
    """)


def test_the_run_command_as_a_real_process_writes_phases_and_cues_in_order_never_early(
        tmp_path):
    """How late cues are is measured by benchmarks/bench_timing.py, not asserted here: on a
    shared machine a test with a real-time bound fails for reasons of its own."""
    source = tmp_path / "test.toml"
    source.write_text(CATALOGUE_TOML)
    events = tmp_path / "events.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "coach", "run", "test-routine", "--catalogue", str(source),
         "--time-scale", "50", "--mute", "--no-history", "--events", str(events)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Session finished: 2 of 2 exercises completed" in proc.stdout
    records = [json.loads(line) for line in events.read_text().splitlines()]
    kinds = [r["phase"] for r in records if r["type"] == "phase-start"]
    assert kinds == ["prepare", "hold", "relax", "hold", "switch", "hold", "relax", "hold",
                     "rest-between", "prepare", "tempo", "tempo", "tempo", "tempo", "finished"]
    cue_texts = [r["text"] for r in records if r["type"] == "cue"]
    assert cue_texts.index("Switch to the left leg") < cue_texts.index("Next up: Test lift")
    assert cue_texts[-1] == "That's the end of the routine."
    for record in records:
        late = record["at"] - record["due"]
        assert late >= -1e-6, record  # never early
    ats = [r["at"] for r in records]
    assert ats == sorted(ats)
