"""`coach run ROUTINE_ID`: a routine in the terminal, driven by the same engine as the window.

Shows the current exercise, the step to do, a live countdown line (rewritten in place with `\\r`
when stdout is a terminal, one plain line per update otherwise), set/rep/side and a caption for
every cue when it comes due. Keys, when stdin is a terminal: Space pauses and resumes, Enter is
Ready (while getting into position or switching sides, start at once; in an open-ended activity,
done), `s` skips (or, in an open-ended activity, says you are done), `b` goes back, `+` adds
10 s, `h` is "this hurts" (it then asks, with one key, where the leg pain has gone; further
down ends the session), `q` ends the session early. Ctrl-C also ends it early, cleanly: the
session is stopped and recorded as ended early, the terminal is restored, and the exit code is
130 (the shell's convention for an interrupted command). Exit codes: 0 when the session ended
(completed, or ended early with `q` or because stdout was closed, as by `| head`),
130 after Ctrl-C, 1 when the routine cannot be started
(it has problems, or the safety questions before it ended with "not today" or a red flag) or the
events file cannot be written, 2 for an unknown routine id (the known ids are listed) or a bad
`--time-scale`.

Safety (coach/terminal_safety.py): `run_from_args` asks the red-flag questions when due and the
pain check before and after the session when stdin is a terminal, and says in one line that it
skipped them when it is not; `prepare` and `after` are the hooks `run_command` calls for that.

`--time-scale X` runs X times faster (0 < X <= 1000), for demonstrations and tests; everything
shown stays in engine seconds. `--events FILE` writes one JSON object per line for every phase
start and end and every cue, in seconds since the session started:

    {"type": "phase-start", "phase": "hold", "index": 3, "exercise": "bridge", "side": null,
     "set": 1, "rep": 2, "text": "Hold", "duration": 10.0, "due": 12.0, "at": 12.0004}
    {"type": "phase-end", ..., "completed": true, "due": 22.0, "at": 22.0003}
    {"type": "cue", "kind": "countdown", "text": "3", "spoken": true, "phase": 3,
     "due": 19.0, "at": 19.0002}

`due` is when it was planned (the phase boundary, the cue's due time), `at` when the terminal
actually showed it. The file also has a `session-started` line first, a `set-completed` line
per `SetCompleted` (`exercise_id`, `item_index`, `side`, `set_number`, `complete`, reps, work
seconds) written after the history recorder has stored it, and a `session-finished` line last
(`ended_early`, `completed`, and the `outcome` the history records: completed, partly-done,
nothing-done, ended-early or stopped-for-pain). Lines are flushed as they are written.

A cue is shown when due; cues cancelled before they are due (pause, skip, ...) never appear.
Open-ended activities wait for a key; without a keyboard (stdin not a terminal) they end by
themselves after their suggested time (or `UNATTENDED_OPEN_SECONDS`), and a session paused
because the clock jumped resumes by itself.

Speech: pass a `speaker` (or a `speaker_factory` taking the engine clock) and each cue the
verbosity speaks is handed to `speaker.say(cue)` when requested (the speaker times it on the same
clock), `speaker.cancel()` on every cancellation. History: pass `recorder`, an engine listener.
Their notices ("coach: ..." on stderr, from any thread) go through `Notices`: while the live
countdown line is up, they wait for the session loop, which clears the line, prints them and
draws the line again, so they never land in the middle of it.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import logging
import math
import os
import select
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from coach.core.clock import MAX_SCALE, Clock, ScaledClock
from coach.core.cues import Cue, CueKind
from coach.core.engine import SessionEngine
from coach.core.events import (
    CueRequested,
    CuesCancelled,
    DisplayState,
    DisplayTick,
    Event,
    ExerciseSkipped,
    ExerciseStoppedForPain,
    Paused,
    PauseReason,
    PhaseEnded,
    PhaseStarted,
    Resumed,
    SessionFinished,
    SessionStarted,
    SetCompleted,
    TimeAdded,
)
from coach.core.models import Catalogue, Routine
from coach.core.plan import Phase, PhaseKind, Plan, PlanSettings, about, plan_routine
from coach.core.records import LegPain
from coach.core.safety import stop_if_text
from coach.core.words import counted

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_CANNOT_START = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

#: Without a keyboard, an open-ended activity with no suggested time ends after this long.
UNATTENDED_OPEN_SECONDS = 60.0
#: A pause of this many *real* seconds between ticks means the machine slept.
CLOCK_JUMP_REAL_SECONDS = 5.0
#: The longest real wait between looks at the keyboard and the clock.
MAX_WAIT = 0.25
ADD_SECONDS = 10.0

KEYS_HELP = ("Keys: Enter ready · Space pause/resume · s skip (or done) · b back · "
             "+ add 10 s · h this hurts · q stop")


class Notices:
    """"coach: ..." lines on stderr (a speech engine that cannot start, a history that cannot
    be written); callable from any thread.

    Printed at once, except while a session shows its live countdown line (`held_for`): then
    they wait until the session loop `show`s them between two updates of that line.
    """

    def __init__(self, err: TextIO) -> None:
        self._err = err
        self._lock = threading.Lock()
        self._waiting: list[str] | None = None  # a list while held

    def __call__(self, message: str) -> None:
        with self._lock:
            if self._waiting is not None:
                self._waiting.append(message)
                return
        self._print(message)

    @contextlib.contextmanager
    def held_for(self, view: _TerminalView) -> Iterator[None]:
        with self._lock:
            self._waiting = []
        try:
            yield
        finally:
            self.show(view, last=True)

    def show(self, view: _TerminalView, *, last: bool = False) -> None:
        """Print the notices that came in since the last call (called by the session loop);
        `last`: from now on, print them at once."""
        with self._lock:
            waiting = self._waiting or []
            self._waiting = None if last else []
        for message in waiting:
            view.aside(lambda m=message: self._print(m))

    def _print(self, message: str) -> None:
        with contextlib.suppress(OSError, ValueError):
            print(f"coach: {message}", file=self._err, flush=True)


def run_command(
    catalogue: Catalogue,
    routine_id: str,
    *,
    time_scale: float = 1.0,
    mute: bool = False,
    no_history: bool = False,
    events_path: Path | None = None,
    settings: PlanSettings | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    clock: Clock | None = None,
    speaker: Any = None,
    speaker_factory: Callable[[Clock], Any] | None = None,
    recorder: Callable[[Event], None] | None = None,
    wait: Callable[[float], None] | None = None,
    prepare: Callable[[Routine], Routine | None] | None = None,
    after: Callable[[], None] | None = None,
    notices: Notices | None = None,
    leg_pain: Callable[[LegPain | None], bool] | None = None,
) -> int:
    """Run `routine_id` in the terminal; the exit code (see the module docstring).

    `clock` defaults to a `ScaledClock(time_scale)`; `wait(real_seconds)` to `time.sleep`.
    Tests pass a `FakeClock` and a `wait` that advances it, so nothing really waits.
    `prepare(routine)` runs before anything is planned and gives the routine to run (today's
    doses, or another routine instead), or None not to start; `after()` runs once the session
    has ended (not after Ctrl-C) and the terminal is back to normal. `notices` is where the
    caller's speaker and history send their notices (one on `stderr` by default).
    `leg_pain(moved)`: after "this hurts", the answer to "has your leg pain moved?" (one key,
    the session paused meanwhile); True ends the session.
    """
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    notices = notices if notices is not None else Notices(stderr)
    if routine_id not in catalogue.routines:
        print(f"coach: there is no routine '{routine_id}'. The routines are:", file=stderr)
        width = max((len(r) for r in catalogue.routines), default=0)
        for routine in catalogue.routines.values():
            print(f"  {routine.id:<{width}}  {routine.name}", file=stderr)
        return EXIT_USAGE
    routine = catalogue.routine(routine_id)
    if not routine.usable:
        print(f"coach: routine '{routine_id}' cannot be started: {routine.unusable_reason}",
              file=stderr)
        return EXIT_CANNOT_START
    if not (math.isfinite(time_scale) and 0 < time_scale <= MAX_SCALE):
        print(f"coach: --time-scale must be above 0 and at most {MAX_SCALE:g}, "
              f"not {time_scale:g}", file=stderr)
        return EXIT_USAGE
    if prepare is not None:
        prepared = prepare(routine)
        if prepared is None:
            return EXIT_CANNOT_START
        routine = prepared
    settings = settings or PlanSettings()
    if mute or (speaker is None and speaker_factory is None):
        settings = dataclasses.replace(settings, voice=False)  # nothing waits for speech
    plan = plan_routine(catalogue, routine, settings)
    clock = clock if clock is not None else ScaledClock(time_scale)
    scale = clock.scale
    try:
        events_file = (events_path.open("w", encoding="utf-8", buffering=1)
                       if events_path is not None else None)
    except OSError as e:
        print(f"coach: cannot write the events file {events_path}: {e.strerror}", file=stderr)
        return EXIT_CANNOT_START
    if mute:
        speaker = None
    elif speaker is None and speaker_factory is not None:
        speaker = speaker_factory(clock)
    engine = SessionEngine(plan, clock_jump_seconds=CLOCK_JUMP_REAL_SECONDS * scale)
    interactive = _isatty(stdin)
    view = _TerminalView(plan, stdout, clock, events_file, speaker,
                         live=_isatty(stdout), interactive=interactive, catalogue=catalogue)
    view.on_leg_pain = leg_pain
    if recorder is not None and not no_history:
        # First: a line in the events file then means the history already has that event.
        engine.add_listener(recorder)
    engine.add_listener(view)
    if speaker is not None and hasattr(speaker, "prepare"):
        speaker.prepare(plan.cue_texts(engine.verbosity))
    interrupted = False
    try:
        with _keyboard(stdin if interactive else None) as keys, notices.held_for(view):
            view.intro(with_keys=keys is not None)
            engine.start(clock.now())
            try:
                _loop(engine, clock, view, keys, wait or time.sleep, interactive, notices)
            except KeyboardInterrupt:
                interrupted = True
                view.line("Ctrl-C: ending the session early.")
                engine.stop(clock.now())
                view.show_due(clock.now())
    finally:
        view.close()
        if events_file is not None:
            events_file.close()
        if speaker is not None:
            speaker.shutdown()
        if view.output_closed and stdout is sys.stdout:
            # Keep Python's own flush at exit from failing on the closed pipe.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if after is not None and not interrupted and not view.output_closed:
        after()
    return EXIT_INTERRUPTED if interrupted else EXIT_OK


def run_from_args(args: argparse.Namespace, catalogue: Catalogue, paths: Any = None,
                  **kwargs: Any) -> int:
    """The `coach run` handler: `run_command` with what the CLI parsed.

    With the app's `paths` (coach.paths.AppPaths) it also uses the user's settings (prepare
    time, rest between exercises, speech), the voice unless --mute (or muted in the settings),
    and the history in the data folder unless --no-history: a `SessionRecorder` that writes
    each set the moment it completes. A history that cannot be opened (newer than this app)
    raises `KnownError`: the run does not start without the history it was asked to keep.
    """
    def run(**extra: Any) -> int:
        return run_command(catalogue, args.routine_id, time_scale=args.time_scale,
                           mute=args.mute, no_history=args.no_history,
                           events_path=args.events, **extra, **kwargs)

    routine = catalogue.routines.get(args.routine_id)
    if paths is None or routine is None or not routine.usable:
        return run()
    from coach import settings as settings_file
    from coach.paths import read_only_notice

    tell = Notices(kwargs.get("stderr") or sys.stderr)
    paths = paths.ensure()
    read_only = read_only_notice(paths)
    if read_only is not None:
        tell(read_only)

    loaded = settings_file.load(paths.settings_file)
    if loaded.notice:
        tell(loaded.notice)
    user = loaded.settings
    plan_settings = user.plan_settings()
    store = None
    recorder = None
    if not args.no_history:
        from coach.core.stats import goal_in_force
        from coach.recorder import SessionRecorder
        from coach.storage.history import HistoryStore

        store = HistoryStore.open(paths.history_db, on_notice=lambda n: tell(n.message),
                                  read_only=paths.read_only is not None,
                                  journal_dirs=paths.journal_dirs)
        store.follow_renames(catalogue.renamed)
        offer = store.restore_offer()
        if offer is not None:
            from coach.history_cli import restore_hint

            tell(restore_hint(offer, args.data_dir))
        recorder = SessionRecorder(store, weekly_goal=goal_in_force(catalogue, user.routine_id))
    # The red-flag and pain questions, as in the window (skipped, saying so, without a
    # terminal to answer in).
    from coach.terminal_safety import TerminalSafety

    stdin = kwargs.get("stdin") or sys.stdin
    safety = TerminalSafety(catalogue, store, stdin, kwargs.get("stdout") or sys.stdout,
                            interactive=_isatty(stdin), stop_rules=user.stop_rules,
                            locked=user.locked_doses)

    def prepare(chosen: Routine) -> Routine | None:
        prepared = safety.before(chosen)
        if prepared is None:
            return None
        if recorder is not None:
            recorder.set_answers_before(**prepared.pain.recorder_answers())
        return prepared.target

    def after() -> None:
        safety.after(recorder, routine.name)

    def leg_pain(moved: LegPain | None) -> bool:
        return safety.hurt(recorder, moved)
    speaker_factory = None
    if not args.mute and not user.speech.mute:
        def speaker_factory(clock: Clock) -> Any:
            from coach.speech.factory import create_speaker

            return create_speaker(clock, user.speech, on_notice=lambda n: tell(n.message),
                                  cache_dir=paths.speech_cache)
    try:
        return run(settings=plan_settings, recorder=recorder, speaker_factory=speaker_factory,
                   prepare=prepare, after=after, notices=tell, leg_pain=leg_pain)
    finally:
        if store is not None:
            store.close()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _loop(engine: SessionEngine, clock: Clock, view: _TerminalView, keys: _Keys | None,
          wait_for: Callable[[float], None], interactive: bool, notices: Notices) -> None:
    scale = clock.scale
    while not engine.finished:
        now = clock.now()
        engine.tick(now)
        view.show_due(clock.now())
        notices.show(view)
        if view.output_closed:
            log.info("standard output closed; ending the session early")
            engine.stop(clock.now())
        if engine.finished:
            break
        if not interactive:
            _unattended(engine, clock.now(), view)
            if engine.finished:
                break
        if keys is not None:
            key = keys.read(0)
            while key:
                _on_key(key, engine, clock, view)
                key = keys.read(0)
            if engine.finished:
                break
        now = clock.now()
        wake = engine.next_wakeup(now)
        cue_due = view.next_due()
        if cue_due is not None:
            wake = cue_due if wake is None else min(wake, cue_due)
        wait = MAX_WAIT if wake is None else max(0.0, (wake - now) / scale)
        if keys is not None:
            wait = min(wait, MAX_WAIT)
            key = keys.read(wait)
            if key:
                _on_key(key, engine, clock, view)
        elif wait > 0:
            wait_for(min(wait, MAX_WAIT))


def _unattended(engine: SessionEngine, now: float, view: _TerminalView) -> None:
    """Without a keyboard: finish open-ended activities, resume after a clock jump."""
    if engine.paused:
        view.line("Resuming (no keyboard to resume with).")
        engine.resume(now)
        return
    phase = engine.phase
    if phase.kind is PhaseKind.OPEN:
        limit = phase.guide_seconds or UNATTENDED_OPEN_SECONDS
        if engine.snapshot(now).elapsed >= limit:
            view.line("Done (no keyboard: ending the open-ended activity by itself).")
            engine.skip(now)


#: After "this hurts": the key for each answer to "has your leg pain moved?".
LEG_PAIN_KEYS = {"d": LegPain.FURTHER_DOWN, "b": LegPain.TOWARDS_BACK, "n": LegPain.NO_CHANGE}
LEG_PAIN_QUESTION = ("The exercise has stopped. Has your leg pain moved? d further down my "
                     "leg, b up towards my back, n no change, Enter to carry on")


def _on_key(key: str, engine: SessionEngine, clock: Clock, view: _TerminalView) -> None:
    now = clock.now()
    if view.asking_leg_pain:
        if key.lower() not in LEG_PAIN_KEYS and key not in "\n\r":
            view.line("Please press d, b or n, or Enter to carry on.")
            return
        view.asking_leg_pain = False
        moved = LEG_PAIN_KEYS.get(key.lower())
        if view.on_leg_pain is not None and view.on_leg_pain(moved):
            engine.stop(clock.now())
        else:
            engine.resume(clock.now())
        return
    if key == " ":
        engine.toggle_pause(now)
    elif key in "\n\r":
        if engine.phase.kind is PhaseKind.OPEN:
            engine.skip(now)  # done
        else:
            engine.ready(now)
    elif key in "sS":
        engine.skip(now)
    elif key in "bB":
        engine.back(now)
    elif key in "+=":
        if not engine.add_time(now, ADD_SECONDS):
            view.line("Time can only be added to holds, activities and rests.")
    elif key in "hH":
        if not engine.hurts(now):
            view.line("Nothing to stop right now: rest, and only carry on if the pain settles.")
        elif view.on_leg_pain is not None and not engine.finished:
            engine.pause(clock.now())
            view.line(LEG_PAIN_QUESTION)
            view.asking_leg_pain = True
    elif key in "qQ":
        view.line("Ending the session early.")
        engine.stop(now)


class _Keys:
    """Single key presses from a terminal in cbreak mode; the terminal is restored on close."""

    def __init__(self, stream: TextIO) -> None:
        import termios
        import tty

        self._fd = stream.fileno()
        self._saved = termios.tcgetattr(self._fd)
        tty.setcbreak(self._fd)

    def read(self, timeout: float) -> str | None:
        ready, _, _ = select.select([self._fd], [], [], max(0.0, timeout))
        if not ready:
            return None
        data = os.read(self._fd, 1)
        return data.decode("utf-8", "ignore") or None

    def close(self) -> None:
        import termios

        termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)


@contextlib.contextmanager
def _keyboard(stream: TextIO | None) -> Iterator[_Keys | None]:
    keys: _Keys | None = None
    if stream is not None:
        try:
            keys = _Keys(stream)
        except (ImportError, OSError, ValueError) as e:  # no termios, or not a real terminal
            log.info("no single-key input: %s", e)
    try:
        yield keys
    finally:
        if keys is not None:
            keys.close()


class _TerminalView:
    """Prints what the engine says, shows cues when due, and writes the events file."""

    def __init__(self, plan: Plan, out: TextIO, clock: Clock, events_file: TextIO | None,
                 speaker: Any, *, live: bool, interactive: bool,
                 catalogue: Catalogue | None = None) -> None:
        self._plan = plan
        self._catalogue = catalogue  # the names of easier exercises, which may not be in the plan
        self._out = out
        self._clock = clock
        self._events = events_file
        self._speaker = speaker
        self._live = live
        self._interactive = interactive
        self._pending: list[tuple[float, int, CueRequested]] = []
        self._seq = 0
        self._origin: float | None = None
        self._item: int | None = None
        self._step: int | None = None
        self._status = ""
        self._finished = False
        #: stdout was closed by the reader: the session is ended early.
        self.output_closed = False
        #: After "this hurts": the answer to "has your leg pain moved?" (True: end the
        #: session), and whether the next key answers it.
        self.on_leg_pain: Callable[[LegPain | None], bool] | None = None
        self.asking_leg_pain = False

    # --- engine events ------------------------------------------------------------------------

    def __call__(self, event: Event) -> None:
        if self._origin is None:
            self._origin = event.at
        if isinstance(event, SessionStarted | SetCompleted):
            self._record_event(event)
        if isinstance(event, PhaseStarted):
            self._phase_started(event.phase)
            self._record("phase-start", event.phase, event.at)
        elif isinstance(event, PhaseEnded):
            self._record("phase-end", event.phase, event.at, completed=event.completed)
        elif isinstance(event, CueRequested):
            self._seq += 1
            self._pending.append((event.cue.due, self._seq, event))
            self._pending.sort(key=lambda p: (p[0], p[1]))
            if event.spoken and self._speaker is not None:
                self._speaker.say(event.cue)
        elif isinstance(event, CuesCancelled):
            self._pending = [p for p in self._pending if p[0] <= event.at]
            if self._speaker is not None:
                self._speaker.cancel()
        elif isinstance(event, DisplayTick):
            self._display(event.state)
        elif isinstance(event, Paused):
            if event.reason is PauseReason.CLOCK_JUMP:
                self.line("Paused: the clock jumped (did the computer sleep?).")
            else:
                self.line("Paused." + (" Press Space to carry on." if self._interactive else ""))
        elif isinstance(event, Resumed):
            self.line("Carrying on.")
        elif isinstance(event, TimeAdded):
            self.line(f"Added {event.seconds:g} s.")
        elif isinstance(event, ExerciseSkipped):
            self.line(f"Skipped {self._name(event.item_index)}.")
        elif isinstance(event, ExerciseStoppedForPain):
            text = f"Stopped {self._name(event.item_index)} because it hurts."
            easier = (self._catalogue.exercises.get(event.easier)
                      if self._catalogue is not None and event.easier else None)
            if easier is not None:
                text += f" Ask your physiotherapist about {easier.name} instead."
            self.line(text)
        elif isinstance(event, SessionFinished):
            self.show_due(event.at)
            self._record_event(event)
            self._finished = True
            self._clear_status()
            self.line(("Session ended early: " if event.result.ended_early
                       else "Session finished: ") + event.result.summary() + ".")

    def _name(self, item_index: int) -> str:
        return self._plan.items[item_index].exercise.name

    def _phase_started(self, phase: Phase) -> None:
        if phase.item_index is not None and phase.item_index != self._item:
            item = self._plan.items[phase.item_index]
            self._item = phase.item_index
            self._step = None
            self.line("")
            self.line(f"== {item.exercise.name} ({item.index + 1} of {len(self._plan.items)})"
                      f" · {item.dose.describe()} ==")
            if item.note:
                self.line(f"   Note: {item.note}")
            if item.exercise.stop_if:
                self.line(f"   {stop_if_text(item.exercise.stop_if)}")
        elif phase.item_index is None:
            self._item = None
        if phase.kind is PhaseKind.OPEN and self._interactive:
            self.line("   Press Enter (or s) when you are done.")

    def _display(self, state: DisplayState) -> None:
        if state.step_index is not None and state.step_index != self._step \
                and state.step_text is not None:
            self._step = state.step_index
            self.line(f"   Step {state.step_index + 1}: {state.step_text}")
        parts = [state.phase_text]
        if state.counter_text:
            parts.append(state.counter_text)
        if state.phase_kind is PhaseKind.REST_BETWEEN and state.next_up:
            parts.append(f"Next up: {state.next_up}")
        status = f"{state.countdown_text:>7}  " + " · ".join(p for p in parts if p)
        if state.paused:
            status += "  [paused]"
        if state.finished:
            return
        self._set_status(status)

    # --- cues shown when due --------------------------------------------------------------------

    def next_due(self) -> float | None:
        return self._pending[0][0] if self._pending else None

    def show_due(self, now: float) -> None:
        while self._pending and self._pending[0][0] <= now:
            _, _, request = self._pending.pop(0)
            cue = request.cue
            step = self._step_number(cue)
            if step is not None:  # a step read aloud: show it as the step to do
                if step != self._step:
                    self._step = step
                    self.line(f"   Step {step + 1}: {cue.text}")
            else:
                self.line(f"   > {cue.text}")
            self._record_cue(cue, request.spoken)

    def _step_number(self, cue: Cue) -> int | None:
        if cue.kind is not CueKind.STEP or self._item is None:
            return None
        steps = self._plan.items[self._item].exercise.steps
        return steps.index(cue.text) if cue.text in steps else None

    # --- output -------------------------------------------------------------------------------

    def intro(self, *, with_keys: bool) -> None:
        self.line(f"{self._plan.name}: {counted(len(self._plan.items), 'exercise')}, "
                  f"{about(self._plan.expected_seconds)}.")
        if with_keys:
            self.line(KEYS_HELP)

    def line(self, text: str) -> None:
        if self._live:
            self._write("\r\x1b[K" + text + "\n"
                        + (self._status if self._status and not self._finished else ""))
        else:
            self._write(text + "\n")

    def aside(self, write: Callable[[], None]) -> None:
        """`write` something to another stream (a notice on stderr) on a line of its own: the
        live countdown line makes way and comes back below it."""
        if self._live and self._status:
            self._write("\r\x1b[K")
        write()
        if self._live and self._status and not self._finished:
            self._write(self._status)

    def _set_status(self, status: str) -> None:
        self._status = status
        self._write("\r\x1b[K" + status if self._live else status + "\n")

    def _clear_status(self) -> None:
        if self._live and self._status:
            self._write("\r\x1b[K")
        self._status = ""

    def _write(self, text: str) -> None:
        if self.output_closed:
            return
        try:
            self._out.write(text)
            self._out.flush()
        except BrokenPipeError:  # e.g. `coach run ... | head`: nobody is reading any more
            self.output_closed = True

    def close(self) -> None:
        self._clear_status()

    # --- the events file ------------------------------------------------------------------------

    def _rel(self, t: float) -> float:
        return round(t - (self._origin or 0.0), 6)

    def _record(self, kind: str, phase: Phase, due: float, **extra: Any) -> None:
        if self._events is None:
            return
        record = {
            "type": kind, "phase": phase.kind.value, "index": phase.index,
            "exercise": phase.exercise_id,
            "side": phase.side.value if phase.side else None,
            "set": phase.set_number, "rep": phase.rep_number, "text": phase.text,
            "duration": phase.duration, **extra,
            "due": self._rel(due), "at": self._rel(self._clock.now()),
        }
        self._events.write(json.dumps(record) + "\n")

    def _record_event(self, event: SessionStarted | SessionFinished | SetCompleted) -> None:
        if self._events is None:
            return
        record: dict[str, Any] = {"type": event.type}
        if isinstance(event, SessionStarted):
            record |= {"routine": self._plan.routine_id, "name": self._plan.name}
        elif isinstance(event, SetCompleted):
            record |= {
                "exercise_id": event.exercise_id, "item_index": event.item_index,
                "side": event.side.value if event.side else None,
                "set_number": event.set_number, "complete": event.complete,
                "reps_done": event.reps_done, "reps_planned": event.reps_planned,
                "work_seconds": round(event.work_seconds, 6),
            }
        else:
            record |= {"ended_early": event.result.ended_early,
                       "completed": event.result.completed,
                       "outcome": event.result.outcome.value}
        record |= {"due": self._rel(event.at), "at": self._rel(self._clock.now())}
        self._events.write(json.dumps(record) + "\n")

    def _record_cue(self, cue: Cue, spoken: bool) -> None:
        if self._events is None:
            return
        record = {
            "type": "cue", "kind": cue.kind.value, "text": cue.text, "spoken": spoken,
            "phase": cue.phase_id, "due": self._rel(cue.due),
            "at": self._rel(self._clock.now()),
        }
        self._events.write(json.dumps(record) + "\n")

