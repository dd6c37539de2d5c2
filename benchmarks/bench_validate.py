"""`coach validate` on the worst files under the size limit, against `tomllib` parsing the same.

    .venv/bin/python -m benchmarks.bench_validate [--rounds 5]

The worst files are just under 1 MiB (the limit) of tables that are each wrong in many ways:
empty [[exercise]] tables (the worst: about 80,000 of them, seven problems each), empty
[[routine]] tables, and one table with 100,000 unknown keys. Each round runs, one after the
other, a process that only reads the file with `tomllib` (the floor) and `coach validate FILE`
(which also loads and checks the default catalogue), and takes each one's wall time and peak
memory (the child's maximum resident set size). Medians of the rounds.
Targets, whatever the file: validate within 3x the time of the bare parse (both include
starting Python; about 0.3 s for the parse on an idle machine) and under 80 MiB. Writes
benchmarks/results/validate.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from coach.core.catalogue import MAX_FILE_BYTES

TARGET_RATIO = 3.0
TARGET_MIB = 80.0
RESULTS = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parents[1]


def fill(head: str, unit: str) -> str:
    """`head`, then `unit` repeated to just under the size limit."""
    return head + unit * ((MAX_FILE_BYTES - len(head)) // len(unit))


def worst_files() -> dict[str, str]:
    keys = "".join(f"k{n} = 1\n" for n in range(100_000))
    return {
        "empty [[exercise]] tables": fill("schema = 1\n", "[[exercise]]\n"),
        "empty [[routine]] tables": fill("schema = 1\n", "[[routine]]\n"),
        "100,000 unknown keys": ("schema = 1\n[[exercise]]\n" + keys)[:MAX_FILE_BYTES],
    }


def measure(argv: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak resident MiB, and the last line printed, of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = child.stdout.read() if child.stdout else b""
    _pid, _status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = 0  # reaped by wait4
    last = output.decode(errors="replace").strip().splitlines()[-1:] or [""]
    return seconds, usage.ru_maxrss / 1024, last[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    python = sys.executable
    results = []
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for label, text in worst_files().items():
            path = Path(tmp) / "worst.toml"
            path.write_text(text, encoding="utf-8")
            size = path.stat().st_size
            assert size <= MAX_FILE_BYTES
            floor, full = [], []
            last = ""
            for _ in range(args.rounds):
                floor.append(measure([python, "-c", "import sys, tomllib; "
                                      "tomllib.loads(open(sys.argv[1]).read())", str(path)]))
                full.append(measure([python, "-m", "coach", "validate", str(path)]))
                last = full[-1][2]
            t_floor = statistics.median(s for s, _, _ in floor)
            m_floor = statistics.median(m for _, m, _ in floor)
            t_full = statistics.median(s for s, _, _ in full)
            m_full = statistics.median(m for _, m, _ in full)
            passed = t_full <= TARGET_RATIO * t_floor and m_full < TARGET_MIB
            ok &= passed
            print(f"{label}: {size / 1024:.0f} KiB, median of {args.rounds} rounds")
            print(f"  tomllib parse alone (floor)   {t_floor * 1000:7.0f} ms {m_floor:6.1f} MiB")
            print(f"  coach validate                {t_full * 1000:7.0f} ms {m_full:6.1f} MiB  "
                  f"{'PASS' if passed else 'FAIL'} ({t_full / t_floor:.2f}x; target <= "
                  f"{TARGET_RATIO:.0f}x, < {TARGET_MIB:.0f} MiB)")
            print(f"  last line: {last[:110]}")
            results.append({"file": label, "bytes": size, "tomllib_ms": round(t_floor * 1000),
                            "tomllib_mib": round(m_floor, 1),
                            "validate_ms": round(t_full * 1000),
                            "validate_mib": round(m_full, 1), "ratio": round(t_full / t_floor, 2),
                            "pass": passed})
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "validate.json").write_text(json.dumps(results, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
