"""A routine in words, for the Home and Routines pages: its facts in one line, its items one
per line."""

from __future__ import annotations

from coach.core.models import Catalogue, Routine, format_duration
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


def _rounded(seconds: float) -> float:
    """To the minute once past a minute and a half: "about 10 min", not "about 9 min 34 s"."""
    return round(seconds / 60) * 60 if seconds >= 90 else seconds


def routine_facts(catalogue: Catalogue, routine: Routine) -> str:
    facts = [counted(len(routine.items), "exercise"),
             f"goal: {counted(routine.sessions_per_week, 'session')} a week"]
    if routine.usable:
        active = _rounded(catalogue.active_seconds(routine))
        facts.insert(1, f"about {format_duration(active)} of exercise")
    if routine.weeks:
        facts.append(f"for {counted(routine.weeks, 'week')}")
    if routine.prescriber:
        who = routine.prescriber.name
        if routine.prescriber.contact:
            who += f" ({routine.prescriber.contact})"
        facts.append(f"from {who}")
    return " · ".join(facts)
