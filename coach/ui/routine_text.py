"""A routine in words, for the Home and Routines pages: its facts in one line, its items one
per line."""

from __future__ import annotations

from coach.core.models import Catalogue, Routine
from coach.core.plan import PlanSettings, about, routine_seconds
from coach.core.words import counted


def routine_lines(catalogue: Catalogue, routine: Routine) -> list[str]:
    """The routine's items as lines: "1. Bridge: lift 2 s / ... · 10 reps" plus notes."""
    lines = []
    for n, item in enumerate(routine.items, start=1):
        ex = catalogue.exercises.get(item.exercise_id)
        if ex is None:
            lines.append(f"{n}. {item.exercise_id} (not in the catalogue)")
            continue
        lines.append(f"{n}. {ex.name}: {catalogue.dose_for(item).describe()}")
        if item.note:
            lines.append(f"    Note: {item.note}")
    return lines


def routine_facts(catalogue: Catalogue, routine: Routine,
                  settings: PlanSettings | None = None) -> str:
    """The routine in one line; its length is the time it takes at `settings` (the person's
    get-ready time, rests and voice: `coach.core.plan.routine_seconds`)."""
    facts = [counted(len(routine.items), "exercise"),
             f"goal: {counted(routine.sessions_per_week, 'session')} a week"]
    seconds = routine_seconds(catalogue, routine, settings) if routine.usable else None
    if seconds is not None:
        facts.insert(1, about(seconds))
    if routine.weeks:
        facts.append(f"for {counted(routine.weeks, 'week')}")
    if routine.prescriber:
        who = routine.prescriber.name
        if routine.prescriber.contact:
            who += f" ({routine.prescriber.contact})"
        facts.append(f"from {who}")
    return " · ".join(facts)
