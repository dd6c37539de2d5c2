"""Whatever the bytes, the loader returns problems; it never raises."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.core.catalogue import merge, parse_file

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = (ROOT / "exercises.toml").read_text(encoding="utf-8")
ASSETS = ROOT / "assets"

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def load_bytes(tmp_path: Path, data: bytes):
    path = tmp_path / "fuzz.toml"
    path.write_bytes(data)
    catalogue = merge([parse_file(path, assets_dir=ASSETS)])
    for problem in catalogue.problems:
        assert problem.message
        assert str(problem).startswith(str(path))
    return catalogue


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_only_ever_yield_problems(tmp_path, data):
    load_bytes(tmp_path, data)


@FUZZ
@given(st.integers(min_value=0, max_value=2**32 - 1),
       st.lists(st.sampled_from(["delete", "duplicate", "swap", "replace", "insert"]),
                min_size=1, max_size=8),
       st.text(alphabet='abc01-=[]{}".,#\n \'\\', max_size=12))
def test_mutated_valid_catalogues_only_ever_yield_problems(tmp_path, seed, edits, snippet):
    rng = random.Random(seed)
    lines = DEFAULT.splitlines(keepends=True)
    for edit in edits:
        if not lines:
            break
        i = rng.randrange(len(lines))
        if edit == "delete":
            del lines[i]
        elif edit == "duplicate":
            lines.insert(i, lines[i])
        elif edit == "swap":
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif edit == "replace":
            line = lines[i]
            k = rng.randrange(len(line) + 1)
            lines[i] = line[:k] + snippet + line[k + len(snippet):]
        else:
            lines.insert(i, snippet + "\n")
    load_bytes(tmp_path, "".join(lines).encode("utf-8"))


@FUZZ
@given(st.sampled_from(["hold_seconds", "reps", "sets", "rest_seconds", "tempo", "steps", "id",
                        "name", "category", "position", "sides", "image", "progression", "cues",
                        "duration_seconds", "equipment", "exercise"]),
       st.one_of(st.integers(), st.floats(allow_nan=True), st.booleans(), st.text(max_size=20),
                 st.lists(st.integers(), max_size=3),
                 st.dictionaries(st.text(max_size=5), st.integers(), max_size=2)))
def test_any_value_in_any_field_only_ever_yields_problems(tmp_path, key, value):
    import tomli_w

    rendered = tomli_w.dumps({key: value}).strip()
    lines = DEFAULT.splitlines()
    targets = [n for n, line in enumerate(lines) if line.startswith(f"{key} =")]
    if targets:
        lines[targets[0]] = rendered
    else:
        lines.insert(lines.index("[[exercise]]") + 1, rendered)
    load_bytes(tmp_path, "\n".join(lines).encode("utf-8"))
