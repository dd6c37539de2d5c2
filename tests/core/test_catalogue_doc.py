"""The example in docs/catalogue.md loads cleanly, so the documentation cannot rot."""

from __future__ import annotations

import re
from pathlib import Path

from coach.core.catalogue import EXERCISE_KEYS, ITEM_KEYS, ROUTINE_KEYS, merge, parse_file
from coach.core.models import CUE_KEYS, DoseKind

DOC = Path(__file__).resolve().parents[2] / "docs" / "catalogue.md"
ASSETS = Path(__file__).resolve().parents[2] / "assets"


def doc_example() -> str:
    match = re.search(r"<!-- catalogue-example:start -->\n```toml\n(.*?)```\n", DOC.read_text(),
                      re.S)
    assert match, "docs/catalogue.md lost its marked example"
    return match.group(1)


def test_the_documented_example_loads_with_no_problems(tmp_path):
    path = tmp_path / "example.toml"
    path.write_text(doc_example(), encoding="utf-8")
    catalogue = merge([parse_file(path, assets_dir=ASSETS)])
    assert [str(p) for p in catalogue.problems] == []
    assert catalogue.exercise("bridge").dose.kind is DoseKind.TEMPO
    assert catalogue.exercise("knee-to-chest").cues == {"start": "Ease the knee in and hold"}
    routine = catalogue.routine("morning")
    assert routine.usable
    assert routine.weeks == 6
    assert routine.prescriber is not None
    assert routine.prescriber.name == "A. Physio"
    assert catalogue.dose_for(routine.items[1]).reps == 8


def test_every_field_the_loader_accepts_is_documented():
    text = DOC.read_text()
    for key in {*EXERCISE_KEYS, *ROUTINE_KEYS, *ITEM_KEYS, *CUE_KEYS}:
        assert f"`{key}`" in text, f"docs/catalogue.md does not document '{key}'"
