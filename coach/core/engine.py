"""The session state machine: walks a `Plan`, driven by `tick(now)` from an injected clock.

Time. Every method takes `now`, engine-clock seconds from a monotonic clock; the engine never
reads a clock. The current phase has a start and, unless open-ended, a deadline; remaining time
is always `deadline - now`. A phase that ends starts the next one *at its deadline*, not at the
(slightly later) tick that noticed it, so nothing drifts however the ticks fall; a tick that
comes late runs every phase boundary it passed, in order. Pausing keeps the remaining time
exactly (the deadline moves by the length of the pause). If a tick arrives more than
`clock_jump_seconds` after the previous one (the machine slept), the session pauses as of the
previous tick with reason `clock-jump`, so no phase is skipped and no time is lost.

Driving it. `next_wakeup(now)` says when the next thing happens (a deadline or the next whole
second of the countdown): a driver sleeps until then and calls `tick`. `DisplayTick` is emitted
on every whole second of remaining time (elapsed time for an open-ended phase) and on every
state change.

Cues. When a phase starts (and on resume) the engine requests all of that phase's cues not yet
due, each with its due time, so a speaker can schedule them; on pause, skip, back, "this
hurts", stop and add-time it emits `CuesCancelled` first (after add-time and resume the cues are
requested again with their new times). Every cue is emitted; `CueRequested.spoken` says
whether the engine's verbosity speaks it (captions show all). No cue is due after its phase
ends.

Controls (each returns True when it did something):

- `skip`: leave the current exercise, recorded as skipped, and start the next exercise (the
  rest between is skipped too). During a rest between exercises it ends the rest. During an
  open-ended phase it *completes* that phase (the person says they are done): not a skip.
- `ready`: during a lead-in (getting into position, switching sides), start the work at once
  (the person is in position before the countdown ends). Not a skip: nothing is left out.
- `back`: go back to the start of the current side of the exercise (its get-ready, or the
  switch to that side); pressed within `BACK_GRACE_SECONDS` of that start, go to the
  previous side, or on the first side to the previous exercise. During the rest after an
  exercise, "current" is the last side of the exercise just done. Work already done stays
  counted.
- `add_time`: lengthen the current phase (holds, durations, rests and lead-ins; not tempo
  parts, which are the rhythm, nor open-ended phases, which have no end).
- `hurts`: stop the current exercise, record it as stopped for pain, and go to the rest after
  it (or the next exercise), with a spoken notice. Between exercises it does nothing.
- `stop`: end the session early.
- `pause`/`resume`. Controls used while paused act, and the session stays paused (a skip while
  paused shows the next exercise, which starts when resumed).

Listeners are plain callables taking one event. Events are queued and delivered after the
engine's state is consistent; a listener may call the engine back (its events follow).
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from coach.core.cues import SPOKEN_KINDS, Cue, CueKind, Verbosity
from coach.core.events import (
    SHOWN_EPSILON,
    CueRequested,
    CuesCancelled,
    DisplayState,
    DisplayTick,
    EngineStatus,
    Event,
    ExerciseCompleted,
    ExerciseSkipped,
    ExerciseStoppedForPain,
    Paused,
    PauseReason,
    PhaseEnded,
    PhaseStarted,
    RepCompleted,
    Resumed,
    SessionFinished,
    SessionStarted,
    SetCompleted,
    TimeAdded,
    shown_seconds,
)
from coach.core.models import Side
from coach.core.plan import HURTS_TEXT, Phase, PhaseKind, Plan, PlanItem, PlannedCue
from coach.core.result import ExerciseResult, ExerciseStatus, SessionResult, SideResult

log = logging.getLogger(__name__)

Listener = Callable[[Event], None]

#: Lead-ins that "ready" ends at once.
LEAD_IN_KINDS = frozenset({PhaseKind.PREPARE, PhaseKind.SWITCH})
#: "Back" pressed this soon after an exercise started goes to the previous exercise.
BACK_GRACE_SECONDS = 3.0
#: A gap between ticks longer than this means the machine slept: pause instead of skipping.
DEFAULT_CLOCK_JUMP_SECONDS = 5.0


def _local_now() -> datetime:
    return datetime.now().astimezone()


@dataclass
class _SideAcc:
    side: Side | None
    sets_planned: int
    reps_planned: int
    work_planned: float
    hold_planned: float | None
    sets_done: int = 0
    reps_done: int = 0
    work_done: float = 0.0
    added: float = 0.0
    holds_attempted: int = 0

    def frozen(self) -> SideResult:
        return SideResult(
            side=self.side, sets_planned=self.sets_planned, sets_done=self.sets_done,
            reps_planned=self.reps_planned, reps_done=self.reps_done,
            work_seconds_planned=self.work_planned, work_seconds_done=self.work_done,
            added_seconds=self.added, hold_seconds_planned=self.hold_planned,
            holds_attempted=self.holds_attempted,
        )


@dataclass
class _ItemAcc:
    item: PlanItem
    sides: dict[Side | None, _SideAcc]
    status: ExerciseStatus = ExerciseStatus.NOT_STARTED
    reason: str | None = None

    def worked(self) -> bool:
        return any(s.work_done > 0 for s in self.sides.values())

    def frozen(self) -> ExerciseResult:
        return ExerciseResult(
            item_index=self.item.index, exercise_id=self.item.exercise.id,
            name=self.item.exercise.name, kind=self.item.kind, status=self.status,
            reason=self.reason, sides=tuple(s.frozen() for s in self.sides.values()),
        )


@dataclass
class _OpenSet:
    """The set being worked on, until it is reported with `SetCompleted`."""

    item_index: int
    side: Side | None
    set_number: int
    reps: int = 0
    work: float = 0.0
    holds: int = 0


@dataclass
class _Current:
    """The phase being run: its effective start (moved on by pauses), time added, cues."""

    phase: Phase
    start: float
    added: float = 0.0
    cues: list[PlannedCue] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)
    caption_before: str | None = None
    run: int = 0
    #: The steps are read aloud in this get-ready (else it runs for its `base_duration`).
    reading: bool = True

    @property
    def length(self) -> float | None:
        phase = self.phase
        d = phase.duration if self.reading or phase.base_duration is None else \
            phase.base_duration
        return None if d is None else d + self.added

    @property
    def deadline(self) -> float | None:
        length = self.length
        return None if length is None else self.start + length

    def due(self, cue: PlannedCue) -> float | None:
        return cue.due(self.start, self.deadline)


class SessionEngine:
    """Runs one session of a `Plan`. See the module docstring for the rules."""

    def __init__(
        self,
        plan: Plan,
        *,
        verbosity: Verbosity | None = None,
        clock_jump_seconds: float | None = DEFAULT_CLOCK_JUMP_SECONDS,
        wall_clock: Callable[[], datetime] | None = None,
    ) -> None:
        """`verbosity` None uses the plan's. `clock_jump_seconds` None turns jump detection off.

        `wall_clock` gives the local time recorded in the result (never used for timing).
        """
        self._plan = plan
        self._verbosity = verbosity if verbosity is not None else plan.settings.verbosity
        self._reads_steps = plan.settings.reads_steps
        if clock_jump_seconds is not None and not clock_jump_seconds > 0:
            raise ValueError(f"clock_jump_seconds must be above 0, not {clock_jump_seconds!r}")
        self._jump = clock_jump_seconds
        self._wall = wall_clock or _local_now
        self._listeners: list[Listener] = []
        self._queue: deque[Event] = deque()
        self._dispatching = False

        self._status = EngineStatus.READY
        self._cur = _Current(plan.phases[0], 0.0)
        self._runs = 0
        self._last_now = 0.0
        self._paused_at: float | None = None
        self._pause_reason: PauseReason | None = None
        self._display_key: tuple[object, ...] | None = None
        self._shown = 0
        self._state: DisplayState | None = None
        self._open_set: _OpenSet | None = None

        self._started_at: float | None = None
        self._ended_at: float | None = None
        self._started_wall: datetime | None = None
        self._ended_wall: datetime | None = None
        self._ended_early = False
        self._paused_total = 0.0
        self._added_total = 0.0
        self._active_total = 0.0
        self._items = [self._item_acc(item) for item in plan.items]

    @staticmethod
    def _item_acc(item: PlanItem) -> _ItemAcc:
        hold = item.hold_seconds
        sides = {
            side: _SideAcc(side=side, sets_planned=item.sets, reps_planned=item.reps,
                           work_planned=item.set_seconds * item.sets,
                           hold_planned=float(hold) if hold is not None else None)
            for side in item.sides
        }
        return _ItemAcc(item=item, sides=sides)

    # --- listeners and properties -----------------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    @property
    def plan(self) -> Plan:
        return self._plan

    @property
    def verbosity(self) -> Verbosity:
        return self._verbosity

    @verbosity.setter
    def verbosity(self, value: Verbosity) -> None:
        """Applies to cues requested from now on (the plan's cue list does not change)."""
        self._verbosity = Verbosity(value)

    @property
    def reads_steps(self) -> bool:
        return self._reads_steps

    @reads_steps.setter
    def reads_steps(self, value: bool) -> None:
        """Whether the voice reads the steps aloud now (muted, or speech turned down, or the
        voice failed: not). A get-ready that starts while it does not lasts its set time, and
        its steps are not timed for reading; the one under way is left as it is."""
        self._reads_steps = bool(value)

    @property
    def status(self) -> EngineStatus:
        return self._status

    @property
    def started(self) -> bool:
        return self._status is not EngineStatus.READY

    @property
    def running(self) -> bool:
        return self._status is EngineStatus.RUNNING

    @property
    def paused(self) -> bool:
        return self._status is EngineStatus.PAUSED

    @property
    def finished(self) -> bool:
        return self._status is EngineStatus.FINISHED

    @property
    def phase(self) -> Phase:
        return self._cur.phase

    @property
    def state(self) -> DisplayState:
        """The display state as of the last event (see `snapshot` for any moment)."""
        return self._state if self._state is not None else self.snapshot(self._last_now)

    @property
    def result(self) -> SessionResult:
        """What was done so far (final once `SessionFinished` has been emitted)."""
        return SessionResult(
            routine_id=self._plan.routine_id, routine_name=self._plan.name,
            exercises=tuple(acc.frozen() for acc in self._items),
            started_at=self._started_at, ended_at=self._ended_at,
            started_wall=self._started_wall, ended_wall=self._ended_wall,
            finished=self.finished, ended_early=self._ended_early,
            active_seconds=self._active_total,
            planned_active_seconds=self._plan.active_seconds,
            added_seconds=self._added_total, paused_seconds=self._paused_total,
        )

    # --- time -------------------------------------------------------------------------------

    def start(self, now: float) -> None:
        """Begin the session at `now` with the plan's first phase."""
        if self._status is not EngineStatus.READY:
            raise RuntimeError("this session has already been started")
        self._status = EngineStatus.RUNNING
        self._started_at = now
        self._started_wall = self._wall()
        self._last_now = now
        self._emit(SessionStarted(now, self._plan))
        self._start_phase(0, now)
        self._advance(now)
        self._dispatch()

    def tick(self, now: float) -> None:
        """Bring the session up to `now`: end phases whose deadline passed, emit what is due."""
        self._advance(now)
        self._dispatch()

    def next_wakeup(self, now: float) -> float | None:
        """When the next tick is needed; None while paused, finished or not started.

        That is the next whole second of the countdown after the one last shown (or, for an
        open-ended phase, of the time counted up), or the phase deadline. It is worked out from
        what the engine last showed, not from `now`: a driver that reads its clock again after
        a tick cannot step over a second that passed in between. A time at or before `now`
        means "tick at once".
        """
        if self._status is not EngineStatus.RUNNING or self._display_key is None:
            return None
        cur = self._cur
        deadline = cur.deadline
        shown = self._shown
        if deadline is None:
            wake = cur.start + shown + 1
        else:
            k = shown - 1
            wake = deadline - k if k >= 1 else deadline
        # The step being read aloud changes between whole seconds too.
        for offset, _step in cur.phase.step_times if cur.reading else ():
            at = cur.start + offset
            if self._effective(self._last_now) < at < wake:
                return at
        return wake

    def snapshot(self, now: float) -> DisplayState:
        """What to show at `now` (without advancing the session)."""
        cur = self._cur
        phase = cur.phase
        t = self._effective(now)
        elapsed = max(0.0, t - cur.start) if self._status is not EngineStatus.READY else 0.0
        length = cur.length
        if self._status is EngineStatus.FINISHED:
            elapsed = 0.0
        remaining: float | None
        if length is None:
            remaining = None
            guide = phase.guide_seconds
            progress = min(1.0, elapsed / guide) if guide else 0.0
        else:
            elapsed = min(elapsed, length)
            remaining = max(0.0, length - elapsed)
            progress = 1.0 if length <= 0 else min(1.0, elapsed / length)
        item = self._plan.items[phase.item_index] if phase.item_index is not None else None
        next_index = (phase.next_item_index if phase.kind is PhaseKind.REST_BETWEEN
                      else (phase.item_index + 1 if phase.item_index is not None else None))
        next_up = (self._plan.items[next_index].exercise.name
                   if next_index is not None and next_index < len(self._plan.items) else None)
        return DisplayState(
            at=now, status=self._status, phase=phase,
            exercise=item.exercise if item else None, item_index=phase.item_index,
            item_count=len(self._plan.items), step_index=self._step_index(t),
            note=item.note if item else "", remaining=remaining, elapsed=elapsed,
            duration=length, progress=progress, set_number=phase.set_number, sets=phase.sets,
            rep_number=phase.rep_number, reps=phase.reps, side=phase.side,
            side_label=phase.side_label, next_up=next_up, paused=self.paused,
            pause_reason=self._pause_reason, last_cue=self._caption(t),
            routine_remaining=(remaining or 0.0) + self._plan.remaining_after(phase.index),
        )

    # --- controls -----------------------------------------------------------------------------

    def pause(self, now: float) -> bool:
        now = self._advance(now)
        if self._status is not EngineStatus.RUNNING:
            return False
        self._pause(now, PauseReason.USER)
        self._dispatch()
        return True

    def resume(self, now: float) -> bool:
        if self._status is not EngineStatus.PAUSED or self._paused_at is None:
            return False
        now = max(now, self._paused_at, self._last_now)
        gap = now - self._paused_at
        self._cur.start += gap
        self._paused_total += gap
        self._status = EngineStatus.RUNNING
        self._paused_at = None
        self._pause_reason = None
        self._last_now = now
        self._emit(Resumed(now, gap))
        self._request_cues(now)
        self._display(now)
        self._advance(now)
        self._dispatch()
        return True

    def toggle_pause(self, now: float) -> bool:
        return self.resume(now) if self.paused else self.pause(now)

    def skip(self, now: float) -> bool:
        now = self._advance(now)
        if not self._active():
            return False
        phase = self._cur.phase
        if phase.kind is PhaseKind.FINISHED:
            return False
        if phase.kind is PhaseKind.OPEN:
            self._emit(CuesCancelled(now, "skip"))
            self._complete(now, elapsed=self._effective(now) - self._cur.start)
        elif phase.item_index is None:  # a rest between exercises
            self._interrupt(now, "skip")
            self._start_phase(phase.index + 1, now)
        else:
            acc = self._cut_exercise(now, "skip", ExerciseStatus.SKIPPED, "skipped")
            self._emit(ExerciseSkipped(now, acc.item.index, acc.item.exercise.id, phase.side,
                                       acc.frozen()))
            self._start_phase(acc.item.next_phase, now)
        self._advance(now)
        self._dispatch()
        return True

    def ready(self, now: float) -> bool:
        """During a lead-in (get into position, switch sides): start what follows now."""
        now = self._advance(now)
        if not self._active():
            return False
        phase = self._cur.phase
        if phase.kind not in LEAD_IN_KINDS:
            return False
        if self._status is EngineStatus.RUNNING:
            self._emit(CuesCancelled(now, "ready"))
        self._emit(PhaseEnded(now, phase, True))
        self._start_phase(phase.index + 1, now)
        self._advance(now)
        self._dispatch()
        return True

    def back(self, now: float) -> bool:
        now = self._advance(now)
        if not self._active():
            return False
        phase = self._cur.phase
        if phase.kind is PhaseKind.FINISHED:
            return False
        current = (phase.item_index if phase.item_index is not None
                   else (phase.next_item_index or 1) - 1)
        item = self._plan.items[current]
        side = phase.side if phase.item_index is not None else item.sides[-1]
        start = self._side_start(item, side)
        elapsed = self._effective(now) - self._cur.start
        target, target_phase = current, start
        if phase.index == start and elapsed < BACK_GRACE_SECONDS:
            order = item.sides.index(side) if side in item.sides else 0
            if order > 0:
                target_phase = self._side_start(item, item.sides[order - 1])
            elif current > 0:
                target = current - 1
                target_phase = self._plan.items[target].first_phase
        self._interrupt(now, "back")
        if target != current:
            left = self._items[current]
            left.status = (ExerciseStatus.IN_PROGRESS if left.worked()
                           else ExerciseStatus.NOT_STARTED)
            left.reason = None
        acc = self._items[target]
        acc.status, acc.reason = ExerciseStatus.IN_PROGRESS, None
        self._start_phase(target_phase, now)
        self._advance(now)
        self._dispatch()
        return True

    def add_time(self, now: float, seconds: float = 10.0) -> bool:
        if not (math.isfinite(seconds) and seconds > 0):
            raise ValueError(f"time added must be above 0 seconds, not {seconds!r}")
        now = self._advance(now)
        if not self._active():
            return False
        cur = self._cur
        phase = cur.phase
        if phase.duration is None or phase.kind in (PhaseKind.TEMPO, PhaseKind.FINISHED):
            return False
        running = self._status is EngineStatus.RUNNING
        if running:
            self._emit(CuesCancelled(now, "add-time"))
        cur.added += seconds
        self._added_total += seconds
        if phase.is_work:
            self._side_acc(phase).added += seconds
        t = self._effective(now)
        for i in list(cur.consumed):
            cue = cur.cues[i]
            due = cur.due(cue)
            if cue.from_end and due is not None and due > t:
                cur.consumed.discard(i)  # the countdown restarts before the new end
        self._emit(TimeAdded(now, phase, seconds))
        if running:
            self._request_cues(now)
        self._display(now)
        self._dispatch()
        return True

    def hurts(self, now: float) -> bool:
        now = self._advance(now)
        if not self._active():
            return False
        phase = self._cur.phase
        if phase.item_index is None:
            return False
        acc = self._cut_exercise(now, "hurts", ExerciseStatus.STOPPED_FOR_PAIN, "this hurts")
        self._emit(ExerciseStoppedForPain(now, acc.item.index, acc.item.exercise.id,
                                          phase.side, acc.item.exercise.easier, acc.frozen()))
        target = acc.item.rest_phase if acc.item.rest_phase is not None else acc.item.next_phase
        self._start_phase(target, now, extra=(PlannedCue(CueKind.NOTICE, HURTS_TEXT),))
        self._advance(now)
        self._dispatch()
        return True

    def stop(self, now: float) -> bool:
        """End the session early; the result is final and marked `ended_early`."""
        now = self._advance(now)
        if not self._active():
            return False
        if self._cur.phase.item_index is None:
            self._interrupt(now, "stop")
        else:
            self._cut_exercise(now, "stop", ExerciseStatus.ENDED_EARLY, "session ended early")
        self._finish(now, ended_early=True)
        self._dispatch()
        return True

    # --- internals ----------------------------------------------------------------------------

    def _active(self) -> bool:
        return self._status in (EngineStatus.RUNNING, EngineStatus.PAUSED)

    def _effective(self, now: float) -> float:
        """The moment the phase clock stands at: `now`, or the pause time while paused."""
        if self._status is EngineStatus.PAUSED and self._paused_at is not None:
            return self._paused_at
        return now

    def _advance(self, now: float) -> float:
        """Run the session up to `now`; the `now` to use from here (never before the last)."""
        if now < self._last_now:
            if self._status is not EngineStatus.READY:
                log.warning("clock went back from %.6f to %.6f", self._last_now, now)
            now = self._last_now
        if self._status is not EngineStatus.RUNNING:
            if self._status is not EngineStatus.READY:
                self._last_now = now
            return now
        if self._jump is not None and now - self._last_now > self._jump:
            log.info("clock jumped %.1f s; pausing the session", now - self._last_now)
            self._pause(self._last_now, PauseReason.CLOCK_JUMP)
            self._last_now = now
            return now
        while self._status is EngineStatus.RUNNING:
            deadline = self._cur.deadline
            if deadline is None or now < deadline:
                break
            self._consume(deadline)
            self._complete(deadline)
        if self._status is EngineStatus.RUNNING:
            self._consume(now)
            self._last_now = now
            if self._display_key != self._key(now):
                self._display(now)
        return now

    def _shown_at(self, now: float) -> int:
        """The whole seconds the display shows at `now` (counted up when open-ended)."""
        cur = self._cur
        elapsed = self._effective(now) - cur.start
        length = cur.length
        if length is None:
            return math.floor(max(0.0, elapsed) + SHOWN_EPSILON)
        return shown_seconds(length - elapsed)

    def _key(self, now: float) -> tuple[object, ...]:
        return (self._cur.run, self._shown_at(now), self._status,
                self._step_index(self._effective(now)))

    def _display(self, at: float) -> None:
        self._state = self.snapshot(at)
        self._display_key = self._key(at)
        self._shown = self._shown_at(at)
        self._emit(DisplayTick(at, self._state))

    def _pause(self, at: float, reason: PauseReason) -> None:
        self._consume(at)
        self._status = EngineStatus.PAUSED
        self._paused_at = at
        self._pause_reason = reason
        self._emit(CuesCancelled(at, "pause"))
        self._emit(Paused(at, reason))
        self._display(at)

    def _start_phase(self, index: int, at: float, extra: tuple[PlannedCue, ...] = ()) -> None:
        phase = self._plan.phases[index]
        self._runs += 1
        start = self._paused_at if (self._status is EngineStatus.PAUSED
                                    and self._paused_at is not None) else at
        previous = self._caption(self._effective(at)) if self._runs > 1 else None
        cues = [*extra, *phase.cues]
        reading = self._reads_steps or phase.base_duration is None
        if not reading:  # a get-ready planned for reading, with nobody reading: its set time
            base = phase.base_duration or 0.0
            steps = [c for c in cues if c.kind is CueKind.STEP]
            cues = [c for c in cues if (c.kind is not CueKind.STEP or c is steps[0])
                    and (c.from_end or c.offset <= base)]
        self._cur = _Current(phase=phase, start=start, cues=cues,
                             caption_before=previous, run=self._runs, reading=reading)
        if phase.item_index is not None:
            acc = self._items[phase.item_index]
            if acc.status is ExerciseStatus.NOT_STARTED:
                acc.status = ExerciseStatus.IN_PROGRESS
        self._emit(PhaseStarted(at, phase))
        running = self._status is EngineStatus.RUNNING
        if running:
            self._request_cues(at)
            self._consume(at)
        if phase.kind is PhaseKind.FINISHED:
            self._emit(PhaseEnded(at, phase, True))
            self._finish(at, ended_early=False)
            return
        self._display(at)

    def _request_cues(self, at: float) -> None:
        cur = self._cur
        pending = []
        for i, cue in enumerate(cur.cues):
            due = cur.due(cue)
            if i not in cur.consumed and due is not None:
                pending.append((due, i, cue))
        pending.sort(key=lambda p: (p[0], p[1]))
        for due, _, cue in pending:
            self._emit_cue(at, cue, due)

    def _emit_cue(self, at: float, cue: PlannedCue, due: float) -> None:
        """Ask for the current phase's `cue` to be said at `due` (spoken per the verbosity)."""
        self._emit(CueRequested(at, Cue(cue.kind, cue.text, due, phase_id=self._cur.phase.index),
                                spoken=cue.kind in SPOKEN_KINDS[self._verbosity]))

    def _consume(self, t: float) -> None:
        """Mark the current phase's cues due by `t` as said."""
        cur = self._cur
        for i, cue in enumerate(cur.cues):
            if i in cur.consumed:
                continue
            due = cur.due(cue)
            if due is not None and due <= t:
                cur.consumed.add(i)

    def _caption(self, t: float) -> str | None:
        """The text of the last cue due by `t` (the previous phase's if none yet); of cues due
        at the same moment, a notice (what the person must know, such as why an exercise
        stopped) first, "Next up" (shown in its own place) last."""
        cur = self._cur
        best: tuple[float, int, int, str] | None = None
        for i, cue in enumerate(cur.cues):
            due = cur.due(cue)
            if due is None or due > t:
                continue
            rank = {CueKind.NOTICE: 2, CueKind.NEXT_UP: 0}.get(cue.kind, 1)
            key = (due, rank, i, cue.text)
            if best is None or key[:3] >= best[:3]:
                best = key
        return best[3] if best else cur.caption_before

    def _side_start(self, item: PlanItem, side: Side | None) -> int:
        """The first phase of `item` on `side` (its get-ready, or the switch to that side)."""
        end = item.rest_phase if item.rest_phase is not None else item.next_phase
        phases = self._plan.phases
        return next((i for i in range(item.first_phase, end) if phases[i].side == side),
                    item.first_phase)

    def _step_index(self, t: float) -> int | None:
        """The step shown: the phase's, or while the steps are read aloud, the one being read."""
        cur = self._cur
        phase = cur.phase
        shown = phase.step_index
        for offset, step in phase.step_times if cur.reading else ():
            if cur.start + offset > t:
                break
            shown = step
        return shown

    def _side_acc(self, phase: Phase) -> _SideAcc:
        assert phase.item_index is not None
        return self._items[phase.item_index].sides[phase.side]

    def _credit(self, phase: Phase, seconds: float, *, hold: bool) -> None:
        """Count `seconds` of work in `phase` (and one hold attempted, for held reps)."""
        if not phase.is_work or phase.item_index is None:
            return
        seconds = max(0.0, seconds)
        side = self._side_acc(phase)
        side.work_done += seconds
        self._active_total += seconds
        open_set = self._open_set
        key = (phase.item_index, phase.side, phase.set_number)
        if open_set is None or (open_set.item_index, open_set.side,
                                open_set.set_number) != key:
            open_set = self._open_set = _OpenSet(*key)
        open_set.work += seconds
        if hold and phase.kind is PhaseKind.HOLD and seconds > 0:
            open_set.holds += 1
            side.holds_attempted += 1

    def _complete(self, at: float, *, elapsed: float | None = None) -> None:
        """The current phase ran its course (or, open-ended, was declared done) at `at`."""
        cur = self._cur
        phase = cur.phase
        length = cur.length
        if phase.is_work:
            worked = length if length is not None else (elapsed or 0.0)
            self._credit(phase, worked, hold=True)
        if length is None and self._status is EngineStatus.RUNNING:
            # An open-ended phase has an end only now: ask for its closing cues.
            for i, cue in enumerate(cur.cues):
                if cue.from_end and i not in cur.consumed:
                    cur.consumed.add(i)
                    self._emit_cue(at, cue, at)
        self._emit(PhaseEnded(at, phase, True))
        if phase.ends_rep and phase.item_index is not None:
            side = self._side_acc(phase)
            side.reps_done += 1
            if self._open_set is not None:
                self._open_set.reps += 1
            self._emit(RepCompleted(at, phase.item_index, phase.exercise_id or "", phase.side,
                                    phase.set_number, phase.rep_number, phase.reps))
        if phase.ends_set:
            self._close_open_set(at, complete=True)
        if phase.ends_exercise and phase.item_index is not None:
            acc = self._items[phase.item_index]
            acc.status, acc.reason = ExerciseStatus.COMPLETED, None
            self._emit(ExerciseCompleted(at, acc.item.index, acc.item.exercise.id,
                                         acc.frozen()))
        self._start_phase(phase.index + 1, at)

    def _interrupt(self, at: float, reason: str) -> None:
        """End the current phase before its time (skip, back, hurts, stop), crediting the
        work done in it and reporting the set it cut short."""
        cur = self._cur
        phase = cur.phase
        if phase.is_work:
            worked = self._effective(at) - cur.start
            if cur.length is not None:
                worked = min(worked, cur.length)
            self._credit(phase, worked, hold=True)
        self._emit(CuesCancelled(at, reason))
        self._emit(PhaseEnded(at, phase, False))
        self._close_open_set(at, complete=False)

    def _cut_exercise(self, at: float, reason: str, status: ExerciseStatus,
                      why: str) -> _ItemAcc:
        """End the current exercise before its time, recorded as `status` because `why`."""
        item_index = self._cur.phase.item_index
        assert item_index is not None
        self._interrupt(at, reason)
        acc = self._items[item_index]
        acc.status, acc.reason = status, why
        return acc

    def _close_open_set(self, at: float, *, complete: bool) -> None:
        """Report the set being worked on; a set cut short is reported only if work was done."""
        open_set = self._open_set
        self._open_set = None
        if open_set is None or (not complete and open_set.work <= 0 and open_set.reps == 0):
            return
        acc = self._items[open_set.item_index]
        item = acc.item
        side = acc.sides[open_set.side]
        if complete:
            side.sets_done += 1
        hold_planned = side.hold_planned
        hold = (open_set.work / open_set.holds
                if hold_planned is not None and open_set.holds else None)
        self._emit(SetCompleted(
            at, item.index, item.exercise.id, open_set.side, open_set.set_number, item.sets,
            reps_done=open_set.reps, reps_planned=item.reps, hold_seconds=hold,
            hold_seconds_planned=hold_planned, work_seconds=open_set.work,
            work_seconds_planned=item.set_seconds, complete=complete,
        ))

    def _finish(self, at: float, *, ended_early: bool) -> None:
        if self._status is EngineStatus.PAUSED and self._paused_at is not None:
            self._paused_total += max(0.0, at - self._paused_at)
        self._status = EngineStatus.FINISHED
        self._paused_at = None
        self._pause_reason = None
        self._ended_at = at
        self._ended_wall = self._wall()
        self._ended_early = ended_early
        for acc in self._items:
            if acc.status is ExerciseStatus.IN_PROGRESS:
                acc.status, acc.reason = ExerciseStatus.ENDED_EARLY, "session ended early"
        self._display(at)
        self._emit(SessionFinished(at, self.result))

    # --- delivery -----------------------------------------------------------------------------

    def _emit(self, event: Event) -> None:
        self._queue.append(event)

    def _dispatch(self) -> None:
        if self._dispatching:
            return
        self._dispatching = True
        try:
            while self._queue:
                event = self._queue.popleft()
                for listener in list(self._listeners):
                    listener(event)
        finally:
            self._dispatching = False


__all__ = ["BACK_GRACE_SECONDS", "DEFAULT_CLOCK_JUMP_SECONDS", "LEAD_IN_KINDS", "Listener",
           "SessionEngine"]
