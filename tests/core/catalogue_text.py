"""Small valid catalogue texts for tests to break one field at a time."""

from __future__ import annotations

from pathlib import Path

from coach.core.catalogue import ParsedFile, merge, parse_file
from coach.core.models import Catalogue

EXERCISE = '''
[[exercise]]
id = "{id}"
name = "Knee to chest"
category = "stretch"
summary = "A gentle stretch for the low back."
position = "lying-on-back"
steps = ["Lie on your back.", "Hug one knee in.", "Hold, then lower."]
sides = "each"
hold_seconds = 20
reps = 2
'''

ROUTINE = '''
[[routine]]
id = "{id}"
name = "Morning"
description = "A short routine."
sessions_per_week = 5

[[routine.item]]
exercise = "{exercise}"
'''


def catalogue_text(*, exercises: tuple[str, ...] = ("knee-to-chest",),
                   routine_items: tuple[str, ...] = ("knee-to-chest",)) -> str:
    text = "schema = 1\n" + "".join(EXERCISE.format(id=e) for e in exercises)
    if routine_items:
        text += ROUTINE.format(id="morning", exercise=routine_items[0])
        for extra in routine_items[1:]:
            text += f'\n[[routine.item]]\nexercise = "{extra}"\n'
    return text


def load_text(tmp_path: Path, text: str | bytes, name: str = "cat.toml",
              assets: Path | None = None) -> tuple[Catalogue, ParsedFile]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    assets_dir = assets if assets is not None else tmp_path / "assets"
    assets_dir.mkdir(exist_ok=True)
    parsed = parse_file(path, assets_dir=assets_dir, name=name)
    return merge([parsed]), parsed
