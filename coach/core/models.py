"""The catalogue's plain data: exercises, doses, routines, and the problems found loading them.

Everything here is immutable and free of Qt, so the session engine, the window, the terminal
mode and the tests all share the same objects.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any


class Category(StrEnum):
    STRETCH = "stretch"
    STRENGTH = "strength"
    MOBILITY = "mobility"
    NERVE_GLIDE = "nerve-glide"
    AEROBIC = "aerobic"
    POSTURE = "posture"
    HEAT = "heat"
    COLD = "cold"


class Position(StrEnum):
    LYING_ON_BACK = "lying-on-back"
    LYING_FACE_DOWN = "lying-face-down"
    LYING_ON_SIDE = "lying-on-side"
    ALL_FOURS = "all-fours"
    KNEELING = "kneeling"
    SITTING_ON_FLOOR = "sitting-on-floor"
    SITTING_ON_CHAIR = "sitting-on-chair"
    STANDING = "standing"
    ANY = "any"


class Sides(StrEnum):
    """Whether an exercise is done once, or on each side in turn."""

    NONE = "none"
    EACH = "each"


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"

    @property
    def other(self) -> Side:
        return Side.RIGHT if self is Side.LEFT else Side.LEFT


class DoseKind(StrEnum):
    """How an exercise is timed: a plain duration, held reps, or reps at a tempo."""

    DURATION = "duration"
    HOLD = "hold"
    TEMPO = "tempo"


@dataclass(frozen=True)
class TempoPhase:
    """One named part of a repetition, e.g. "lift" for 2 seconds."""

    name: str
    seconds: float
    cue: str | None = None

    @property
    def spoken(self) -> str:
        """What the coach says when this part of the rep begins."""
        return self.cue or self.name.capitalize()


#: Cue keys an exercise may override with its own words, and what each replaces.
CUE_KEYS: Mapping[str, str] = MappingProxyType(
    {
        "intro": "said when the exercise is introduced, before getting into position",
        "start": "said when a hold or set begins (default: 'Hold' or 'Begin')",
        "relax": "said when a hold ends (default: 'Relax')",
        "halfway": "said halfway through a long hold (default: 'Halfway')",
        "switch": "said before the other side (default: 'Switch to the left side')",
        "finish": "said when the exercise is done (default: 'Well done')",
    }
)


@dataclass(frozen=True)
class Dose:
    """How much of an exercise to do. A routine item may override any of these fields."""

    hold_seconds: float | None = None
    reps: int = 1
    sets: int = 1
    rest_seconds: float = 0
    relax_seconds: float = 3
    prepare_seconds: float | None = None
    duration_seconds: float | None = None
    open_ended: bool = False
    tempo: tuple[TempoPhase, ...] = ()
    sides: Sides = Sides.NONE
    first_side: Side = Side.RIGHT
    #: With `sides = "each"`: do only `first_side` (the affected side), not the other one.
    first_side_only: bool = False

    @property
    def kind(self) -> DoseKind:
        if self.duration_seconds is not None or self.open_ended:
            return DoseKind.DURATION
        if self.tempo:
            return DoseKind.TEMPO
        return DoseKind.HOLD

    @property
    def side_order(self) -> tuple[Side | None, ...]:
        """The sides in the order they are done; `(None,)` for an exercise without sides."""
        if self.sides is Sides.EACH:
            if self.first_side_only:
                return (self.first_side,)
            return (self.first_side, self.first_side.other)
        return (None,)

    def for_affected_side(self, side: Side | None, *, only: bool = False) -> Dose:
        """This dose for someone whose sciatica is on `side`: an exercise done on each side
        starts with that side (`only`: is done on that side alone). Others are unchanged."""
        if side is None or self.sides is not Sides.EACH:
            return self
        return dataclasses.replace(self, first_side=side, first_side_only=only)

    @property
    def rep_seconds(self) -> float:
        """Time under work for one repetition (the hold, or the tempo's parts summed)."""
        if self.tempo:
            return sum(p.seconds for p in self.tempo)
        return self.hold_seconds or 0

    @property
    def active_seconds(self) -> float:
        """Planned time under work, all sets and sides (0 for an open-ended activity)."""
        if self.kind is DoseKind.DURATION:
            return self.duration_seconds or 0
        return self.rep_seconds * self.reps * self.sets * len(self.side_order)

    def with_overrides(self, overrides: Mapping[str, Any]) -> Dose:
        """A copy with the given (already validated) fields replaced."""
        return dataclasses.replace(self, **overrides) if overrides else self

    def describe(self) -> str:
        """A short summary in plain words: "Hold 30 s · 3 times · each side", "10 times ·
        2 rounds" (a rep is "a time", a set "a round")."""
        parts: list[str] = []
        if self.kind is DoseKind.DURATION:
            if self.open_ended:
                parts.append("As long as comfortable")
            if self.duration_seconds is not None:
                parts.append(format_duration(self.duration_seconds))
        else:
            if self.kind is DoseKind.HOLD and self.hold_seconds:
                parts.append(f"Hold {format_seconds(self.hold_seconds)}")
            elif self.kind is DoseKind.TEMPO:
                parts.append(
                    " / ".join(f"{p.name} {format_seconds(p.seconds)}" for p in self.tempo)
                )
            parts.append("once" if self.reps == 1 else f"{self.reps} times")
            if self.sets > 1:
                parts.append(f"{self.sets} rounds")
        if self.sides is Sides.EACH:
            parts.append(f"{self.first_side.value} side only" if self.first_side_only
                         else "each side")
        return " · ".join(parts)


def format_seconds(seconds: float) -> str:
    """'5 s', '2.5 s'."""
    return f"{seconds:g} s"


def format_duration(seconds: float) -> str:
    """'45 s', '15 min', '1 min 30 s'."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min" + (f" {rest} s" if rest else "")


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    category: Category
    summary: str
    steps: tuple[str, ...]
    position: Position
    dose: Dose
    equipment: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    stop_if: tuple[str, ...] = ()
    image: Path | None = None
    sources: tuple[str, ...] = ()
    progression: tuple[Mapping[str, Any], ...] = ()
    easier: str | None = None
    harder: str | None = None
    #: Ids this exercise had before it was renamed: routines, prescriptions and history that
    #: still use them find it (see `Catalogue.renamed`).
    old_ids: tuple[str, ...] = ()
    cues: Mapping[str, str] = field(default_factory=dict)
    origin: str = ""
    line: int | None = None

    def cue(self, key: str, default: str) -> str:
        return self.cues.get(key) or default


@dataclass(frozen=True)
class Prescriber:
    """The physiotherapist who wrote a routine, as shown on handouts."""

    name: str
    contact: str = ""


@dataclass(frozen=True)
class RoutineItem:
    exercise_id: str
    overrides: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Routine:
    id: str
    name: str
    description: str
    items: tuple[RoutineItem, ...]
    sessions_per_week: int = 3
    weeks: int | None = None
    rest_between_seconds: float = 15
    prescriber: Prescriber | None = None
    #: The side of the patient's sciatica, as the physiotherapist prescribed it: exercises
    #: done on each side start with it (`affected_side_only`: are done on it alone). It goes
    #: before the person's own setting.
    affected_side: Side | None = None
    affected_side_only: bool = False
    unusable_reason: str | None = None
    origin: str = ""
    line: int | None = None

    @property
    def usable(self) -> bool:
        return self.unusable_reason is None


@dataclass(frozen=True)
class Problem:
    """Something wrong in a catalogue file, located as precisely as the file allows."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    subject: str | None = None  # "exercise 'bridge'" or "routine 'desk-break'"
    field: str | None = None
    #: Nothing from the file loaded (it could not be read, or is not valid TOML).
    whole_file: bool = False
    #: How many further problems this line stands for ("... and 9 more problems"), listed
    #: last; 0 for a problem of its own.
    more: int = 0

    @property
    def order(self) -> tuple[bool, int]:
        """Sort key within a file: by line (the file itself first), the count of the rest
        last."""
        return self.more > 0, self.line if self.line is not None else 0

    @property
    def text(self) -> str:
        """The sentence a physiotherapist reads: "exercise 'bridge': hold_seconds must ..."."""
        return f"{self.subject}: {self.message}" if self.subject else self.message

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.text}"


@dataclass
class Catalogue:
    """Every exercise and routine that loaded, plus every problem found on the way."""

    exercises: dict[str, Exercise] = field(default_factory=dict)
    routines: dict[str, Routine] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: An exercise's old id -> its id now (from the exercises' `old_ids`). An id that a loaded
    #: exercise has is never in here: a real exercise always wins over an old name.
    renamed: dict[str, str] = field(default_factory=dict)

    def current_id(self, exercise_id: str) -> str:
        """The id an exercise has now: `exercise_id` itself unless it is an old, renamed id."""
        return self.renamed.get(exercise_id, exercise_id)

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id, or the one that had it before a rename (KeyError: none)."""
        return self.exercises[self.current_id(exercise_id)]

    def find(self, exercise_id: str) -> Exercise | None:
        """Like `exercise`, None when there is none."""
        return self.exercises.get(self.current_id(exercise_id))

    def routine(self, routine_id: str) -> Routine:
        return self.routines[routine_id]

    def usable_routines(self) -> list[Routine]:
        return [r for r in self.routines.values() if r.usable]

    def dose_for(self, item: RoutineItem) -> Dose:
        """The dose a routine item asks for: the exercise's own dose with the item's overrides."""
        return self.exercises[item.exercise_id].dose.with_overrides(item.overrides)

    def active_seconds(self, routine: Routine) -> float:
        """Planned time under work for a usable routine (rests and preparation not counted)."""
        return sum(self.dose_for(item).active_seconds for item in routine.items)
