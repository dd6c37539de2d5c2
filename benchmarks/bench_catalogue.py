"""Loading and validating a 1,000-exercise catalogue against `tomllib` parsing the same text.

    .venv/bin/python -m benchmarks.bench_catalogue [--exercises 1000] [--rounds 15]

Both are timed alternately in one run (median of the rounds), so machine noise hits both alike.
Target: load + validate <= 2x the bare parse. Writes benchmarks/results/catalogue.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import tomllib
from pathlib import Path

from coach.core.catalogue import MAX_FILE_BYTES, load_catalogue
from coach.paths import assets_dir

TARGET_RATIO = 2.0
RESULTS = Path(__file__).resolve().parent / "results"


def generate(count: int) -> str:
    """A valid catalogue of `count` exercises (a mix of holds, tempos and durations)."""
    parts = ["schema = 1\n"]
    for n in range(count):
        kind = n % 3
        dose = (
            "hold_seconds = 20\nreps = 3\nsides = \"each\"\n" if kind == 0 else
            'tempo = [{ name = "lift", seconds = 2 }, { name = "lower", seconds = 2 }]\n'
            "reps = 10\nsets = 2\nrest_seconds = 30\n" if kind == 1 else
            "duration_seconds = 600\n"
        )
        parts.append(
            f'\n[[exercise]]\nid = "exercise-{n}"\nname = "Exercise {n}"\n'
            f'category = "stretch"\nsummary = "A generated exercise for the benchmark."\n'
            f'position = "lying-on-back"\nequipment = ["mat"]\n'
            f'steps = ["Lie on your back.", "Bend one knee.", "Hold gently.", "Lower."]\n'
            f"{dose}"
            f'cautions = ["A stretch, never pain."]\n'
            f'image = "illustrations/bridge.svg"\n'
        )
    for r in range(count // 20):
        parts.append(f'\n[[routine]]\nid = "routine-{r}"\nname = "Routine {r}"\n'
                     f'description = "Generated."\n')
        for i in range(5):
            parts.append(f'[[routine.item]]\nexercise = "exercise-{r * 20 + i}"\n')
    return "".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercises", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    text = generate(args.exercises)
    size = len(text.encode())
    assert size <= MAX_FILE_BYTES, f"generated catalogue is {size} bytes, over the 1 MiB limit"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.toml"
        path.write_text(text, encoding="utf-8")
        check = load_catalogue([path], assets_dir=assets_dir())
        assert not check.problems, check.problems[:3]
        assert len(check.exercises) == args.exercises
        bare: list[float] = []
        full: list[float] = []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            tomllib.loads(path.read_text(encoding="utf-8"))
            bare.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            load_catalogue([path], assets_dir=assets_dir())
            full.append(time.perf_counter() - t0)
    bare_ms = statistics.median(bare) * 1000
    full_ms = statistics.median(full) * 1000
    ratio = full_ms / bare_ms
    verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
    print(f"catalogue: {args.exercises} exercises, {size / 1024:.0f} KiB, "
          f"median of {args.rounds} alternating rounds")
    print(f"  tomllib parse alone (floor)   {bare_ms:8.1f} ms")
    print(f"  coach load + validate         {full_ms:8.1f} ms")
    print(f"  ratio {ratio:.2f}x (target <= {TARGET_RATIO:.1f}x)  {verdict}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "catalogue.json").write_text(json.dumps({
        "exercises": args.exercises, "bytes": size, "tomllib_ms": round(bare_ms, 2),
        "load_validate_ms": round(full_ms, 2), "ratio": round(ratio, 3),
        "target_ratio": TARGET_RATIO, "pass": verdict == "PASS"}, indent=2))
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
