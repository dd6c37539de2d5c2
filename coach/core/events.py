"""What the session engine tells its listeners, and the display state renderers draw.

Every event is a frozen dataclass with `at`, the engine-clock time it happened. For things
that happen at a deadline (a phase ending, the next one starting, a rep completing) `at` is the
deadline itself, even when the tick that noticed it came a little later; for user actions and
display updates it is the `now` passed in. Events are delivered in order of `at`.

Order around a phase boundary: `PhaseEnded`, then `RepCompleted`, `SetCompleted`,
`ExerciseCompleted` as they apply, then `PhaseStarted` for the next phase, its `CueRequested`s
and a `DisplayTick`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from coach.core.cues import Cue
from coach.core.models import Exercise, Side
from coach.core.plan import Phase, PhaseKind, Plan
from coach.core.result import ExerciseResult, SessionResult

#: Tolerance when turning remaining seconds into the whole seconds shown.
SHOWN_EPSILON = 1e-6


class EngineStatus(StrEnum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"


class PauseReason(StrEnum):
    USER = "user"
    CLOCK_JUMP = "clock-jump"   # the clock jumped (the machine slept): paused where it stopped


def shown_seconds(remaining: float) -> int:
    """The whole seconds a countdown shows for `remaining`: 4.2 -> 5, 4.0 -> 4, 0 -> 0."""
    return max(0, math.ceil(remaining - SHOWN_EPSILON))


def clock_text(seconds: int) -> str:
    """'0:05', '1:30', '1:02:03'."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class DisplayState:
    """Everything a renderer shows at one moment; widgets compute nothing from time.

    `remaining` is `deadline - now` (None for an open-ended phase, which counts `elapsed` up);
    `duration` includes time added. `progress` runs 0..1 through the phase (for an open-ended
    phase: through its guide time, 0 without one). `step_index` is the step to highlight (None:
    none). `routine_remaining` is the planned time left in the whole routine.
    """

    at: float
    status: EngineStatus
    phase: Phase | None
    exercise: Exercise | None
    item_index: int | None
    item_count: int
    step_index: int | None
    note: str
    remaining: float | None
    elapsed: float
    duration: float | None
    progress: float
    set_number: int
    sets: int
    rep_number: int
    reps: int
    side: Side | None
    side_label: str | None
    next_up: str | None
    paused: bool
    pause_reason: PauseReason | None
    last_cue: str | None
    routine_remaining: float

    @property
    def phase_kind(self) -> PhaseKind | None:
        return self.phase.kind if self.phase else None

    @property
    def phase_text(self) -> str:
        return self.phase.text if self.phase else ""

    @property
    def finished(self) -> bool:
        return self.status is EngineStatus.FINISHED

    @property
    def step_text(self) -> str | None:
        if self.exercise is None or self.step_index is None:
            return None
        steps = self.exercise.steps
        return steps[self.step_index] if 0 <= self.step_index < len(steps) else None

    @property
    def seconds_shown(self) -> int:
        """The whole seconds on the countdown (counting up for an open-ended phase)."""
        if self.remaining is None:
            return math.floor(self.elapsed + SHOWN_EPSILON)
        return shown_seconds(self.remaining)

    @property
    def countdown_text(self) -> str:
        """'0:05' left, or '+1:23' done so far in an open-ended phase."""
        text = clock_text(self.seconds_shown)
        return f"+{text}" if self.remaining is None else text

    @property
    def counter_text(self) -> str:
        """'Set 2 of 3 · Rep 4 of 10 · Left side' (only the parts that apply)."""
        parts = []
        if self.sets > 1 and self.set_number:
            parts.append(f"Set {self.set_number} of {self.sets}")
        if self.reps > 1 and self.rep_number:
            parts.append(f"Rep {self.rep_number} of {self.reps}")
        if self.side_label:
            parts.append(self.side_label)
        return " · ".join(parts)


@dataclass(frozen=True)
class Event:
    """Base of every engine event."""

    at: float
    type: ClassVar[str] = "event"


@dataclass(frozen=True)
class SessionStarted(Event):
    plan: Plan
    type: ClassVar[str] = "session-started"


@dataclass(frozen=True)
class PhaseStarted(Event):
    phase: Phase
    type: ClassVar[str] = "phase-started"


@dataclass(frozen=True)
class PhaseEnded(Event):
    """`completed` is False when skip, back, "this hurts" or stop cut the phase short."""

    phase: Phase
    completed: bool
    type: ClassVar[str] = "phase-ended"


@dataclass(frozen=True)
class DisplayTick(Event):
    """The display changed: a new whole second of remaining time, or any state change."""

    state: DisplayState
    type: ClassVar[str] = "display"


@dataclass(frozen=True)
class CueRequested(Event):
    """Say (if `spoken`) and caption `cue` at `cue.due`. Captions show every cue.

    `spoken` is the engine's verbosity filter (`SPOKEN_KINDS`); a speaker may apply its own.
    """

    cue: Cue
    spoken: bool = True
    type: ClassVar[str] = "cue"


@dataclass(frozen=True)
class CuesCancelled(Event):
    """Every cue requested and not yet due must not be said; silence the one being said.

    `reason`: "pause", "skip", "back", "hurts", "stop" or "add-time" (the cues are then
    requested again with their new due times).
    """

    reason: str
    type: ClassVar[str] = "cues-cancelled"


@dataclass(frozen=True)
class TimeAdded(Event):
    phase: Phase
    seconds: float
    type: ClassVar[str] = "time-added"


@dataclass(frozen=True)
class ItemEvent(Event):
    """Base of the events about one routine item: its place in the routine and its exercise."""

    item_index: int
    exercise_id: str


@dataclass(frozen=True)
class RepCompleted(ItemEvent):
    side: Side | None
    set_number: int
    rep_number: int
    reps: int
    type: ClassVar[str] = "rep-completed"


@dataclass(frozen=True)
class SetCompleted(ItemEvent):
    """A set ended: completed, or cut short (`complete` False) with whatever was done in it.

    Emitted once per set, the moment it ends; a set cut short before any work is not reported.
    `hold_seconds`/`hold_seconds_planned` are per rep, for held reps only (the mean hold
    achieved, counting a hold cut short); `work_seconds` is the set's time under work.
    """

    side: Side | None
    set_number: int
    sets: int
    reps_done: int
    reps_planned: int
    hold_seconds: float | None
    hold_seconds_planned: float | None
    work_seconds: float
    work_seconds_planned: float
    complete: bool
    type: ClassVar[str] = "set-completed"


@dataclass(frozen=True)
class ExerciseCompleted(ItemEvent):
    result: ExerciseResult
    type: ClassVar[str] = "exercise-completed"


@dataclass(frozen=True)
class ExerciseSkipped(ItemEvent):
    side: Side | None
    result: ExerciseResult
    type: ClassVar[str] = "exercise-skipped"


@dataclass(frozen=True)
class ExerciseStoppedForPain(ItemEvent):
    """"This hurts": the exercise stopped; `easier` is the gentler exercise to offer, if any."""

    side: Side | None
    easier: str | None
    result: ExerciseResult
    type: ClassVar[str] = "exercise-stopped-for-pain"


@dataclass(frozen=True)
class Paused(Event):
    reason: PauseReason
    type: ClassVar[str] = "paused"


@dataclass(frozen=True)
class Resumed(Event):
    paused_for: float
    type: ClassVar[str] = "resumed"


@dataclass(frozen=True)
class SessionFinished(Event):
    result: SessionResult
    type: ClassVar[str] = "session-finished"
