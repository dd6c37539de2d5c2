"""What a session achieved: per exercise and side, what was done against what was planned.

The engine builds these immutable snapshots on demand (`SessionEngine.result`) and hands the
final one out with `SessionFinished`. Everything adds up by construction: a side's totals are
the sums of the `SetCompleted` events emitted for it (complete sets and the partial set cut
short by skip, back, "this hurts" or stop), and `active_seconds` is the sum over all sides.
Going back to redo an exercise keeps what was already done: repeated sets are counted again,
so `sets_done` may exceed `sets_planned` after "back".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from coach.core.models import DoseKind, Side, format_duration
from coach.core.records import Outcome


class ExerciseStatus(StrEnum):
    NOT_STARTED = "not-started"            # never reached (or backed out of before any work)
    IN_PROGRESS = "in-progress"            # the session is still on it
    COMPLETED = "completed"
    SKIPPED = "skipped"
    STOPPED_FOR_PAIN = "stopped-for-pain"  # "this hurts"
    ENDED_EARLY = "ended-early"            # the session was stopped while on it


@dataclass(frozen=True)
class SideResult:
    """One side of an exercise (`side` None for an exercise without sides).

    `reps_planned` is per set; `reps_done` counts completed reps over all sets. Work seconds
    are time under work (holds, tempo parts, the activity itself); `added_seconds` is the
    time added to its holds with "add time". `hold_seconds_planned` and `hold_seconds` are per
    rep, for held reps only (None otherwise): the planned hold, and the mean hold achieved.
    """

    side: Side | None
    sets_planned: int
    sets_done: int
    reps_planned: int
    reps_done: int
    work_seconds_planned: float
    work_seconds_done: float
    added_seconds: float
    hold_seconds_planned: float | None
    holds_attempted: int

    @property
    def hold_seconds(self) -> float | None:
        if self.hold_seconds_planned is None or self.holds_attempted == 0:
            return None
        return self.work_seconds_done / self.holds_attempted

    @property
    def complete(self) -> bool:
        return self.sets_done >= self.sets_planned


@dataclass(frozen=True)
class ExerciseResult:
    """One routine item: its status, why it stopped if it did, and each side's figures."""

    item_index: int
    exercise_id: str
    name: str
    kind: DoseKind
    status: ExerciseStatus
    reason: str | None
    sides: tuple[SideResult, ...]

    @property
    def work_seconds_done(self) -> float:
        return sum(s.work_seconds_done for s in self.sides)

    @property
    def work_seconds_planned(self) -> float:
        return sum(s.work_seconds_planned for s in self.sides)

    @property
    def sets_done(self) -> int:
        return sum(s.sets_done for s in self.sides)

    @property
    def sets_planned(self) -> int:
        return sum(s.sets_planned for s in self.sides)

    def side(self, side: Side | None) -> SideResult:
        for s in self.sides:
            if s.side == side:
                return s
        raise KeyError(side)


@dataclass(frozen=True)
class SessionResult:
    """A whole session. Times are engine-clock seconds; `*_wall` are local aware datetimes.

    `ended_early` is True when the session was stopped before its end (stop, Ctrl-C), not when
    it reached the end with some exercises skipped or stopped for pain.
    """

    routine_id: str | None
    routine_name: str
    exercises: tuple[ExerciseResult, ...]
    started_at: float | None
    ended_at: float | None
    started_wall: datetime | None
    ended_wall: datetime | None
    finished: bool
    ended_early: bool
    active_seconds: float
    planned_active_seconds: float
    added_seconds: float
    paused_seconds: float

    def count(self, status: ExerciseStatus) -> int:
        return sum(1 for e in self.exercises if e.status is status)

    @property
    def anything_done(self) -> bool:
        """At least one set (even one cut short) or some exercise time."""
        return any(e.sets_done for e in self.exercises) or self.active_seconds > 0

    @property
    def outcome(self) -> Outcome:
        """How the history records this (finished) session; see `Outcome`.

        Stopped before its end after "this hurts" -> stopped for pain; otherwise nothing done
        when nothing was done; stopped before its end -> ended early; reached the end with
        every exercise completed -> completed, else partly done. Exercises skipped or stopped
        for pain on the way are recorded one by one as exercise events.
        """
        if self.ended_early and self.count(ExerciseStatus.STOPPED_FOR_PAIN):
            return Outcome.STOPPED_FOR_PAIN
        if not self.anything_done:
            return Outcome.NOTHING_DONE
        if self.ended_early:
            return Outcome.ENDED_EARLY
        if all(e.status is ExerciseStatus.COMPLETED for e in self.exercises):
            return Outcome.COMPLETED
        return Outcome.PARTLY_DONE

    def headline(self) -> str:
        """The end page's title: "Well done" only when every exercise was done."""
        return _HEADLINES[self.outcome]

    @property
    def completed(self) -> bool:
        """Finished, not ended early, and every exercise completed."""
        return (self.finished and not self.ended_early
                and all(e.status is ExerciseStatus.COMPLETED for e in self.exercises))

    def summary(self) -> str:
        """One plain sentence: "3 of 4 exercises completed, 1 skipped; 12 min of exercise", or
        why nothing counts: "All 3 exercises were skipped, so this session does not count
        towards your week"."""
        total = len(self.exercises)
        if self.outcome is Outcome.NOTHING_DONE:
            skipped = self.count(ExerciseStatus.SKIPPED)
            if skipped == total:
                text = ("The exercise was skipped" if total == 1
                        else f"All {total} exercises were skipped")
            elif self.ended_early:
                text = "The session was stopped before any exercise was done"
            else:
                text = "No exercise was done"
            return text + ", so this session does not count towards your week"
        parts = [f"{self.count(ExerciseStatus.COMPLETED)} of {total} exercise"
                 + ("" if total == 1 else "s") + " completed"]
        for status, word in ((ExerciseStatus.SKIPPED, "skipped"),
                             (ExerciseStatus.STOPPED_FOR_PAIN, "stopped because it hurt")):
            if n := self.count(status):
                parts.append(f"{n} {word}")
        text = ", ".join(parts)
        text += f"; {format_duration(self.active_seconds)} of exercise"
        if self.ended_early:
            text += " (ended early)"
        return text


_HEADLINES = {
    Outcome.COMPLETED: "Well done",
    Outcome.PARTLY_DONE: "Session finished",
    Outcome.NOTHING_DONE: "No exercise done this time",
    Outcome.ENDED_EARLY: "Session stopped",
    Outcome.STOPPED_FOR_PAIN: "Session stopped",
}
