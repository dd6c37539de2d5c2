"""Stepping a dose up through an exercise's `progression`, only when it is safe.

The rule: an exercise with a progression moves to its next step when the last three sessions
that included it completed every planned set, with pain not rising (after no higher than
before, back and leg), and nothing holds it back: a lock by the physio or the user, the
"pain rising" stop rule, pain before today at or above the high-pain threshold, or the last
session rated "Harder". Pain not given today does not hold it (nothing says it is high). The
person is told before the session ("Plank today: 45 s, up from 30 s").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from coach.core.models import Exercise, format_duration
from coach.core.records import Felt, PainScore
from coach.core.words import counted

SESSIONS_TO_STEP_UP = 3


@dataclass(frozen=True)
class ExerciseSession:
    """One session's outcome for one exercise, as the progression rule needs it."""

    local_date: date
    #: The dose the session planned for this exercise (hold_seconds, reps, sets, ...).
    planned: Mapping[str, Any]
    #: Every planned set on every side was completed (none skipped, none stopped for pain).
    completed: bool
    pain_before: PainScore = field(default_factory=PainScore)
    pain_after: PainScore = field(default_factory=PainScore)

    @property
    def pain_not_rising(self) -> bool:
        pairs = ((self.pain_before.back, self.pain_after.back),
                 (self.pain_before.leg, self.pain_after.leg))
        return all(after <= before for before, after in pairs
                   if before is not None and after is not None)


@dataclass(frozen=True)
class ProgressionDecision:
    """The dose step to use today and why."""

    step: int | None                    # index into exercise.progression; None: no progression
    overrides: Mapping[str, Any]        # the dose fields to apply on top of the item's dose
    stepped_up: bool = False
    message: str | None = None          # "Plank today: 45 s, up from 30 s"
    held_back: str | None = None        # why it did not step up although it could have


def current_step(exercise: Exercise, planned: Mapping[str, Any]) -> int | None:
    """The progression step a planned dose matches (the highest that matches), or None."""
    found = None
    for index, step in enumerate(exercise.progression):
        if all(planned.get(key) == value for key, value in step.items()):
            found = index
    return found


def describe_step(step: Mapping[str, Any]) -> str:
    """'45 s', '12 reps', '15 min', '3 sets' for one progression step."""
    parts = []
    for key, value in step.items():
        if key == "hold_seconds":
            parts.append(f"{value:g} s")
        elif key == "reps":
            parts.append(counted(value, "rep"))
        elif key == "sets":
            parts.append(counted(value, "set"))
        elif key == "duration_seconds":
            parts.append(format_duration(value))
    return ", ".join(parts)


def hold_reason(*, locked: bool = False, pain_rising: bool = False,
                pain_before: PainScore | None = None, high_pain: int | None = None,
                last_felt: Felt | None = None, flare: bool = False) -> str | None:
    """Why no dose may step up today, or None (the first reason that applies)."""
    worst = max((p for p in (pain_before.back, pain_before.leg) if p is not None),
                default=None) if pain_before is not None else None
    if locked:
        return "the dose is locked"
    if pain_rising:
        return "pain has been rising after sessions"
    if high_pain is not None and worst is not None and worst >= high_pain:
        return f"your pain is {worst} out of 10 today"
    if flare:
        return "your pain is higher than after your last session"
    if last_felt is Felt.HARDER:
        return "you found your last session harder"
    return None


def decide(exercise: Exercise, base: Mapping[str, Any], history: Sequence[ExerciseSession],
           *, locked: bool = False, pain_rising: bool = False,
           pain_before: PainScore | None = None, high_pain: int | None = None,
           last_felt: Felt | None = None, flare: bool = False) -> ProgressionDecision:
    """Today's dose step for `exercise`.

    `base` is the dose the routine asks for before progression (the item's effective dose as a
    mapping); `history` holds the sessions that included the exercise, oldest first. The level
    reached so far is the step the most recent session planned; with no history, the step
    matching `base` (or the first step).
    """
    if not exercise.progression:
        return ProgressionDecision(step=None, overrides={})
    steps = exercise.progression
    level = None
    if history:
        level = current_step(exercise, history[-1].planned)
    if level is None:
        level = current_step(exercise, base)
    if level is None:
        level = 0
    here = ProgressionDecision(step=level, overrides=dict(steps[level]))
    if level + 1 >= len(steps):
        return here
    recent = [s for s in history if current_step(exercise, s.planned) == level]
    recent = recent[-SESSIONS_TO_STEP_UP:]
    ready = len(recent) == SESSIONS_TO_STEP_UP and all(
        s.completed and s.pain_not_rising for s in recent)
    if not ready:
        return here
    reason = hold_reason(locked=locked, pain_rising=pain_rising, pain_before=pain_before,
                         high_pain=high_pain, last_felt=last_felt, flare=flare)
    if reason is not None:
        return replace(here, held_back=reason)
    new = level + 1
    return ProgressionDecision(
        step=new, overrides=dict(steps[new]), stepped_up=True,
        message=f"{exercise.name} today: {describe_step(steps[new])}, "
                f"up from {describe_step(steps[level])}",
    )
