"""What a session leaves behind: the plain records the history stores and the statistics read.

These are the only types shared by the recorder (writing), `coach.storage` (keeping) and
`coach.core.stats` (reading), so statistics can be tested on hand-built histories without a
database. Everything is immutable and free of Qt and SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType

from coach.core.models import Side

PAIN_MIN = 0
PAIN_MAX = 10


class Outcome(StrEnum):
    """How a session ended, as a physiotherapist needs to know it.

    - `COMPLETED`: it reached its end with every exercise done.
    - `PARTLY_DONE`: it reached its end with some exercises skipped or stopped because they
      hurt, and something done.
    - `NOTHING_DONE`: no set and no exercise time at all (every exercise skipped, or stopped
      before the first); never counts towards the weekly goal or a streak.
    - `STOPPED_FOR_PAIN`: stopped before its end after "this hurts" (even before any set).
    - `ENDED_EARLY`: stopped before its end for another reason, after something was done. A
      session that was never closed (a crash) reads as `ENDED_EARLY`, or `NOTHING_DONE`
      without a set.
    """

    COMPLETED = "completed"
    PARTLY_DONE = "partly-done"
    NOTHING_DONE = "nothing-done"
    ENDED_EARLY = "ended-early"
    STOPPED_FOR_PAIN = "stopped-for-pain"

    @property
    def words(self) -> str:
        """The outcome in a few plain words: "partly done", "stopped because it hurt"."""
        return _OUTCOME_WORDS[self]


_OUTCOME_WORDS = {
    Outcome.COMPLETED: "completed",
    Outcome.PARTLY_DONE: "partly done",
    Outcome.NOTHING_DONE: "nothing done",
    Outcome.ENDED_EARLY: "ended early",
    Outcome.STOPPED_FOR_PAIN: "stopped because it hurt",
}


class Felt(StrEnum):
    """The answer to "how did that feel compared with last time?"."""

    EASIER = "easier"
    SAME = "same"
    HARDER = "harder"


class LegPain(StrEnum):
    """Where the leg pain has gone since the last time: further down the leg (the nerve is
    more irritated), up out of the leg towards the back (centralising: a good sign), or
    neither."""

    FURTHER_DOWN = "further-down"
    TOWARDS_BACK = "towards-back"
    NO_CHANGE = "no-change"


class ExerciseEventKind(StrEnum):
    """Something that happened to one exercise other than a completed set."""

    SKIPPED = "skipped"
    STOPPED_FOR_PAIN = "stopped-for-pain"


def check_aware(moment: datetime, what: str) -> None:
    """ValueError unless `moment` carries its time zone (a naive time has no local date)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be a local time with its time zone, not {moment!r}")


@dataclass(frozen=True)
class PainScore:
    """Pain on the 0-10 scale, back and leg asked separately; either may be skipped (None)."""

    back: int | None = None
    leg: int | None = None

    def __post_init__(self) -> None:
        for name in ("back", "leg"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} pain must be a whole number, not {value!r}")
            if not PAIN_MIN <= value <= PAIN_MAX:
                raise ValueError(f"{name} pain must be from {PAIN_MIN} to {PAIN_MAX}, not {value}")

    @property
    def skipped(self) -> bool:
        """True when neither question was answered."""
        return self.back is None and self.leg is None


NO_PAIN_SCORE = PainScore()


@dataclass(frozen=True)
class SetRecord:
    """One set that ended, as the engine reports it (`SetCompleted`).

    `complete` is False for a set cut short (skip, "this hurts", stop) with some work done.
    `hold_seconds` is the hold achieved per rep (held reps only), `work_seconds` the set's time
    under work; active minutes are the sum of `work_seconds`. The planned values keep the dose
    that was asked for, so the dose history needs no table of its own. `item_index` is the
    item's place in the routine (an exercise may appear twice).
    """

    exercise_id: str
    set_number: int
    completed_at: datetime
    side: Side | None = None
    complete: bool = True
    reps_done: int | None = None
    reps_planned: int | None = None
    hold_seconds: float | None = None
    hold_seconds_planned: float | None = None
    work_seconds: float | None = None
    work_seconds_planned: float | None = None
    sets_planned: int | None = None
    item_index: int | None = None

    def __post_init__(self) -> None:
        check_aware(self.completed_at, "completed_at")
        if self.set_number < 1:
            raise ValueError(f"set numbers start at 1, not {self.set_number}")
        for name in ("reps_done", "reps_planned", "hold_seconds", "hold_seconds_planned",
                     "work_seconds", "work_seconds_planned", "sets_planned", "item_index"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must not be negative, not {value}")


@dataclass(frozen=True)
class ExerciseEvent:
    """An exercise that was skipped, or stopped because it hurt."""

    kind: ExerciseEventKind
    exercise_id: str
    at: datetime
    side: Side | None = None
    detail: str | None = None

    def __post_init__(self) -> None:
        check_aware(self.at, "at")


@dataclass(frozen=True)
class StoredSet:
    """A set read back from the history, with the session it belongs to."""

    session_id: int
    session_date: date
    record: SetRecord


@dataclass(frozen=True)
class SessionRecord:
    """One session read back from the history.

    `outcome` is never missing: a session that was never closed (the app crashed or the power
    went) reads as `ENDED_EARLY` with `closed` False, and keeps every set written before.
    `local_date` is the date, in the person's time zone then, on which the session started; it
    alone decides the day and week a session counts for. `pain_stops` counts the exercises
    stopped because they hurt (the session may have gone on after them).
    """

    id: int
    routine_id: str
    routine_name: str
    started_at: datetime
    local_date: date
    outcome: Outcome
    weekly_goal: int | None = None
    ended_at: datetime | None = None
    closed: bool = True
    recovered: bool = False
    pain_before: PainScore = NO_PAIN_SCORE
    pain_after: PainScore = NO_PAIN_SCORE
    felt: Felt | None = None
    note: str | None = None
    leg_pain_spreading: bool | None = None
    #: Where the leg pain had gone before and after the session (None: not asked).
    leg_pain_before: LegPain | None = None
    leg_pain_after: LegPain | None = None
    set_count: int = 0
    active_seconds: float = 0.0
    pain_stops: int = 0

    @property
    def done(self) -> bool:
        """Whether the session counts towards the weekly goal and the streaks.

        A session completed or partly done counts, and so does one that ended early or was
        stopped for pain after at least one set: stopping when it hurts is the right thing to
        do and must not cost a streak. A session in which nothing was done never counts.
        """
        if self.outcome is Outcome.NOTHING_DONE:
            return False
        return self.outcome in (Outcome.COMPLETED, Outcome.PARTLY_DONE) or self.set_count > 0

    @property
    def had_pain_stop(self) -> bool:
        """Stopped for pain, as a whole or in one exercise (the session may have gone on)."""
        return self.outcome is Outcome.STOPPED_FOR_PAIN or self.pain_stops > 0


@dataclass(frozen=True)
class ExerciseWeek:
    """One exercise's best and total effort in one Monday week. `longest_work` is the longest
    time under work in one set (a timed activity's progress: the longest walk)."""

    exercise_id: str
    week_start: date
    sets: int
    longest_hold: float | None = None
    most_reps: int | None = None
    total_reps: int = 0
    work_seconds: float = 0.0
    longest_work: float | None = None


@dataclass(frozen=True)
class Screening:
    """Answers to the red-flag questions, when the person confirmed reading the advice, and
    when they confirmed that a clinician had checked them and said they can exercise (the
    end of the hold a yes puts on sessions)."""

    answered_at: datetime
    answers: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType({}))
    acknowledged_at: datetime | None = None
    cleared_at: datetime | None = None

    def __post_init__(self) -> None:
        check_aware(self.answered_at, "answered_at")
        for name in ("acknowledged_at", "cleared_at"):
            moment = getattr(self, name)
            if moment is not None:
                check_aware(moment, name)

    @property
    def any_positive(self) -> bool:
        """True when any red-flag question was answered yes."""
        return any(self.answers.values())
