"""Run every benchmark, one after another: `make bench` or `python -m benchmarks`.

Each benchmark measures its floor in the same run and prints PASS/FAIL against its target;
this runner prints their output and exits non-zero if any failed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARKS = ["bench_catalogue", "bench_validate", "bench_startup", "bench_history", "bench_timing",
              "bench_speech"]


def main() -> int:
    here = Path(__file__).resolve().parent
    failed = []
    for name in BENCHMARKS:
        if not (here / f"{name}.py").exists():
            print(f"== {name}: not present, skipped")
            continue
        print(f"== {name}", flush=True)
        result = subprocess.run([sys.executable, "-m", f"benchmarks.{name}"],
                                cwd=here.parent)
        if result.returncode != 0:
            failed.append(name)
    print("== all PASS" if not failed else f"== FAIL: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
