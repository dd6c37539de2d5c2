"""Heat and cold: how long a pack may stay on, and the skin-protection reminder.

The timer itself is the session engine running the exercise's `duration` phase (alone with
"Try this exercise", or inside a routine); this module holds the rules that make it a safe
heat or cold timer:

- the time allowed: heat 15-20 minutes, cold 10-15 minutes at a time (the facts sheet); a run
  on its own may choose any whole minute in that range (`duration_override`);
- the skin-protection reminder, spoken at every verbosity and shown as a caption when the
  exercise is introduced (`skin_reminder`, used by the planner);
- the end alert is the exercise's "finish" cue (said at every verbosity, with the end tone
  when beeps are on) at the end of the duration.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coach.core.models import Category, Exercise

#: Minutes a pack may stay on, (shortest, longest), per category.
MINUTES: Mapping[Category, tuple[int, int]] = {
    Category.HEAT: (15, 20),
    Category.COLD: (10, 15),
}

SKIN_REMINDERS: Mapping[Category, str] = {
    Category.HEAT: "Keep a towel between the heat and your skin the whole time.",
    Category.COLD: "Wrap the cold pack in a thin towel. It must never touch your bare skin.",
}


def is_thermal(exercise: Exercise) -> bool:
    """True for heat and cold exercises (a pack on the skin, timed)."""
    return exercise.category in MINUTES


def minutes_range(exercise: Exercise) -> tuple[int, int] | None:
    return MINUTES.get(exercise.category)


def minute_choices(exercise: Exercise) -> list[int]:
    """Every whole minute allowed for this exercise; empty for anything but heat and cold."""
    span = minutes_range(exercise)
    return list(range(span[0], span[1] + 1)) if span else []


def default_minutes(exercise: Exercise) -> int | None:
    """The exercise's own duration in minutes, brought inside the allowed range."""
    span = minutes_range(exercise)
    if span is None:
        return None
    own = exercise.dose.duration_seconds
    minutes = round(own / 60) if own else span[0]
    return max(span[0], min(span[1], minutes))


def duration_override(exercise: Exercise, minutes: int) -> dict[str, Any]:
    """The dose override for a run of `minutes`; ValueError outside the allowed range."""
    span = minutes_range(exercise)
    if span is None:
        raise ValueError(f"'{exercise.id}' is not a heat or cold exercise")
    if not span[0] <= minutes <= span[1]:
        raise ValueError(f"{exercise.name} is used for {span[0]} to {span[1]} minutes at a "
                         f"time, not {minutes}")
    return {"duration_seconds": minutes * 60}


def skin_reminder(exercise: Exercise) -> str | None:
    """The sentence that must be said at the start, or None when the exercise's own
    introduction already speaks about the skin (the default catalogue's does)."""
    if not is_thermal(exercise):
        return None
    intro = exercise.cues.get("intro", "")
    if "skin" in intro.lower():
        return None
    return SKIN_REMINDERS[exercise.category]
