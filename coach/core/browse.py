"""Searching and filtering the exercise catalogue (the rules behind the browser's controls)."""

from __future__ import annotations

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
        words = self.text.casefold().split()
        if words:
            haystack = _haystack(ex)
            return all(word in haystack for word in words)
        return True


NO_EQUIPMENT = "none"


def _haystack(ex: Exercise) -> str:
    return " ".join(
        (ex.id, ex.name, ex.summary, ex.category.value, ex.position.value, *ex.equipment,
         *ex.steps)
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
