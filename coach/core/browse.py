"""Searching and filtering the exercise catalogue (the rules behind the browser's controls)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from coach.core.models import Catalogue, Category, Exercise, Position, Sides


@dataclass(frozen=True)
class ExerciseFilter:
    """What the person typed and picked; None means "any"."""

    text: str = ""
    category: Category | None = None
    position: Position | None = None
    equipment: str | None = None  # "none" matches exercises that need nothing
    sides: Sides | None = None

    def matches(self, ex: Exercise) -> bool:
        if self.category is not None and ex.category is not self.category:
            return False
        if self.position is not None and ex.position is not self.position:
            return False
        if self.sides is not None and ex.dose.sides is not self.sides:
            return False
        if self.equipment is not None:
            if self.equipment == NO_EQUIPMENT:
                if ex.equipment:
                    return False
            elif self.equipment not in ex.equipment:
                return False
        return text_matches(self.text, ex)


NO_EQUIPMENT = "none"

#: A word typed may be this much longer than the word in the text it matches ("sciatica"
#: finds "sciatic", "stretches" finds "stretch"), when the word in the text is long enough
#: for that to mean the same thing.
_STEM_MIN = 5
_WORD = re.compile(r"[^\W_]+")


def text_matches(text: str, ex: Exercise) -> bool:
    """Whether every word of `text` (any case) is found in the exercise: its name, summary,
    steps, cautions and stop signs, category, position, equipment or id. A word matches inside
    a word ("chest" in "knee-to-chest"), or a longer form of a word in the exercise
    ("sciatica" matches "sciatic nerve"). Empty text matches every exercise."""
    typed = text.casefold().split()
    if not typed:
        return True
    haystack = _haystack(ex)
    words = set(_WORD.findall(haystack))
    return all(q in haystack or any(_same_stem(q, w) for w in words) for q in typed)


def _same_stem(typed: str, word: str) -> bool:
    return len(word) >= _STEM_MIN and typed.startswith(word) and len(typed) - len(word) <= 3


def _haystack(ex: Exercise) -> str:
    return " ".join(
        (ex.id, ex.name, ex.summary, label(ex.category.value), ex.category.value,
         label(ex.position.value), *ex.equipment, *ex.steps, *ex.cautions, *ex.stop_if)
    ).casefold()


def filter_exercises(catalogue: Catalogue, f: ExerciseFilter) -> list[Exercise]:
    """The exercises matching `f`, in catalogue order."""
    return [ex for ex in catalogue.exercises.values() if f.matches(ex)]


def equipment_choices(exercises: Iterable[Exercise]) -> list[str]:
    """Every piece of equipment used, sorted, with "none" first."""
    found = sorted({item for ex in exercises for item in ex.equipment})
    return [NO_EQUIPMENT, *found]


def label(value: str) -> str:
    """'lying-on-back' -> 'Lying on back' for menus."""
    return value.replace("-", " ").capitalize()
