"""A routine's description never states a length that disagrees with the one shown beside it."""

from __future__ import annotations

import dataclasses
import re

import pytest

from coach.core.catalogue import load_catalogue
from coach.core.plan import PlanSettings, routine_seconds
from coach.paths import assets_dir, default_catalogue
from tests.helpers.factories import catalogue, exercise, routine

DEFAULT = load_catalogue([default_catalogue()], assets_dir=assets_dir())
WORDS = {w: n for n, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty"))}
WORDS |= {"thirty": 30, "forty": 40, "forty-five": 45, "sixty": 60, "ninety": 90}
MINUTES = re.compile(r"\b(\d+|[a-z]+(?:-five)?)[ -]min(?:ute)?s?\b", re.IGNORECASE)


def stated_minutes(text: str) -> list[int]:
    """Every "fifteen minutes", "5-minute", "10 min" in `text`, in minutes."""
    found = []
    for match in MINUTES.finditer(text):
        word = match.group(1).lower()
        if word.isdigit():
            found.append(int(word))
        elif word in WORDS:
            found.append(WORDS[word])
    return found


def disagreements(cat, settings: PlanSettings) -> list[str]:
    """Durations stated in routine descriptions that are neither the routine's length (to the
    minute, at these settings and with the voice off) nor the time of one of its exercises."""
    problems = []
    for r in cat.routines.values():
        lengths = {round(routine_seconds(cat, r, s) / 60)
                   for s in (settings, PlanSettings(voice=False))}
        doses = {round((cat.dose_for(i).duration_seconds or 0) / 60) for i in r.items}
        problems += [f"{r.id}: {m} minutes" for m in stated_minutes(r.description)
                     if m not in lengths | doses]
    return problems


def test_the_checker_finds_a_length_that_disagrees():
    ex = exercise("e", hold_seconds=10, prepare_seconds=5)
    r = dataclasses.replace(routine("r", ["e"]),
                            description="About fifteen minutes. A 5-minute break.")
    wrong = catalogue([ex], [r])
    assert stated_minutes("About fifteen minutes. A five-minute break, 10 min.") == [15, 5, 10]
    assert disagreements(wrong, PlanSettings()) == ["r: 15 minutes", "r: 5 minutes"]


@pytest.mark.parametrize("settings", [PlanSettings(), PlanSettings(prepare_seconds=10)])
def test_no_routine_description_states_a_length_that_disagrees_with_the_plan(settings):
    assert disagreements(DEFAULT, settings) == []
