"""Small factories that build catalogue objects directly, without a TOML file."""

from __future__ import annotations

from typing import Any

from coach.core.models import (
    Catalogue,
    Category,
    Dose,
    Exercise,
    Position,
    Routine,
    RoutineItem,
    Side,
    Sides,
    TempoPhase,
)


def dose(**fields: Any) -> Dose:
    """A Dose; `tempo` may be given as [(name, seconds), ...] or [(name, seconds, cue), ...]."""
    tempo = fields.pop("tempo", ())
    if tempo and not isinstance(tempo[0], TempoPhase):
        tempo = tuple(TempoPhase(*part) for part in tempo)
    if "sides" in fields and isinstance(fields["sides"], str):
        fields["sides"] = Sides(fields["sides"])
    if "first_side" in fields and isinstance(fields["first_side"], str):
        fields["first_side"] = Side(fields["first_side"])
    return Dose(tempo=tuple(tempo), **fields)


def exercise(
    exercise_id: str = "stretch",
    *,
    name: str | None = None,
    steps: tuple[str, ...] = ("Lie on your back.", "Hold the position."),
    cues: dict[str, str] | None = None,
    easier: str | None = None,
    category: Category = Category.STRETCH,
    **dose_fields: Any,
) -> Exercise:
    if not {"hold_seconds", "tempo", "duration_seconds", "open_ended"} & dose_fields.keys():
        dose_fields["hold_seconds"] = 10
    return Exercise(
        id=exercise_id,
        name=name or exercise_id.replace("-", " ").capitalize(),
        category=category,
        summary="A test exercise.",
        steps=tuple(steps),
        position=Position.LYING_ON_BACK,
        dose=dose(**dose_fields),
        cues=dict(cues or {}),
        easier=easier,
    )


def routine(
    routine_id: str,
    items: list[str | tuple[str, dict[str, Any]]],
    *,
    rest_between_seconds: float = 15,
    name: str | None = None,
) -> Routine:
    parsed = []
    for entry in items:
        if isinstance(entry, str):
            parsed.append(RoutineItem(entry))
        else:
            ex_id, overrides = entry
            parsed.append(RoutineItem(ex_id, dict(overrides)))
    return Routine(
        id=routine_id,
        name=name or routine_id.replace("-", " ").capitalize(),
        description="A test routine.",
        items=tuple(parsed),
        rest_between_seconds=rest_between_seconds,
    )


def catalogue(exercises: list[Exercise], routines: list[Routine] = ()) -> Catalogue:  # type: ignore[assignment]
    return Catalogue(
        exercises={e.id: e for e in exercises},
        routines={r.id: r for r in routines},
    )
