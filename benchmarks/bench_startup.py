"""Start-up time and peak memory of `coach --exit-when-ready` against a bare PySide6 window.

    .venv/bin/python -m benchmarks.bench_startup [--rounds 10] [--offscreen] [--no-installed]

The installed app is measured too: a wheel built from this checkout, installed in a temporary
venv (about half a minute: PySide6 comes from pip's cache) and started by its `coach` script.
All programs run alternately in one run, on a private Xvfb display (or Qt's offscreen platform
with --offscreen), each to its first paint and out. Wall time is measured around the process;
peak memory is the child's own ru_maxrss from wait4, and its CPU time (user + system, steadier
than wall time on a shared machine) is shown alongside. Medians are compared.
Targets: wall time <= 1.3x the bare window, peak memory <= 1.5x. Writes results/startup.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

from benchmarks.xvfb import env_with_display, xvfb

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
TARGET_TIME = 1.3
TARGET_MEMORY = 1.5


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds of one run; raises if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} exited {proc.returncode}: {err[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def installed_coach(top: Path) -> Path:
    """Build a wheel of this checkout, install it in a new venv under `top`; its `coach`."""
    wheels = top / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w",
                    str(wheels), str(ROOT)], check=True, capture_output=True)
    venv.create(top / "venv", with_pip=True)
    subprocess.run([str(top / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", "--find-links", str(wheels),
                    "physio-coach"], check=True, capture_output=True)
    return top / "venv" / "bin" / "coach"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--offscreen", action="store_true")
    parser.add_argument("--no-installed", action="store_true",
                        help="leave out the installed wheel (saves building it)")
    args = parser.parse_args()

    # Byte-compile the package as an installed one is (`make` does it too): an editable install
    # under PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module at every start.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "coach")], check=True)
    with tempfile.TemporaryDirectory() as data, tempfile.TemporaryDirectory() as top, (
            contextlib.nullcontext(None) if args.offscreen else xvfb()) as display:
        if display is None:
            env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        else:
            env = env_with_display(display)
        env["COACH_DATA_DIR"] = data
        coach = [sys.executable, "-m", "coach", "--exit-when-ready"]
        bare = [sys.executable, str(ROOT / "benchmarks" / "bare_window.py")]
        programs = [("bare", bare), ("coach", coach)]
        if not args.no_installed:
            programs.append(("installed", [str(installed_coach(Path(top))), "--exit-when-ready"]))
        for _, cmd in programs:
            run_once(cmd, env)  # the first run creates the data dir, caches, .pyc files
        times: dict[str, list[float]] = {name: [] for name, _ in programs}
        memory: dict[str, list[float]] = {name: [] for name, _ in programs}
        cpu: dict[str, list[float]] = {name: [] for name, _ in programs}
        for _ in range(args.rounds):
            for name, cmd in programs:
                t, m, c = run_once(cmd, env)
                times[name].append(t)
                memory[name].append(m)
                cpu[name].append(c)
    t_bare, t_coach = statistics.median(times["bare"]), statistics.median(times["coach"])
    m_bare, m_coach = statistics.median(memory["bare"]), statistics.median(memory["coach"])
    c_bare, c_coach = statistics.median(cpu["bare"]), statistics.median(cpu["coach"])
    t_ratio, m_ratio, c_ratio = t_coach / t_bare, m_coach / m_bare, c_coach / c_bare
    t_ok, m_ok = t_ratio <= TARGET_TIME, m_ratio <= TARGET_MEMORY
    where = "offscreen" if args.offscreen else "Xvfb"
    print(f"start-up to first paint ({where}), median of {args.rounds} alternating rounds")
    print(f"  bare PySide6 window (floor)  {t_bare * 1000:7.0f} ms  {m_bare:6.1f} MiB")
    print(f"  coach --exit-when-ready      {t_coach * 1000:7.0f} ms  {m_coach:6.1f} MiB")
    print(f"  time   {t_ratio:.2f}x (target <= {TARGET_TIME}x)  {'PASS' if t_ok else 'FAIL'}")
    print(f"  memory {m_ratio:.2f}x (target <= {TARGET_MEMORY}x)  {'PASS' if m_ok else 'FAIL'}")
    print(f"  CPU time {c_coach * 1000:.0f} vs {c_bare * 1000:.0f} ms: {c_ratio:.2f}x (no target)")
    installed: dict[str, float] = {}
    if "installed" in times:
        t_inst = statistics.median(times["installed"])
        m_inst = statistics.median(memory["installed"])
        installed = {"installed_ms": round(t_inst * 1000, 1), "installed_mib": round(m_inst, 1),
                     "installed_time_ratio": round(t_inst / t_bare, 3),
                     "installed_memory_ratio": round(m_inst / m_bare, 3)}
        i_ok = t_inst / t_bare <= TARGET_TIME and m_inst / m_bare <= TARGET_MEMORY
        t_ok = t_ok and t_inst / t_bare <= TARGET_TIME
        m_ok = m_ok and m_inst / m_bare <= TARGET_MEMORY
        print(f"  installed wheel, coach --exit-when-ready  {t_inst * 1000:7.0f} ms  "
              f"{m_inst:6.1f} MiB: time {t_inst / t_bare:.2f}x, memory {m_inst / m_bare:.2f}x  "
              f"{'PASS' if i_ok else 'FAIL'}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "startup.json").write_text(json.dumps({
        **installed,
        "platform": where, "rounds": args.rounds,
        "bare_ms": round(t_bare * 1000, 1), "coach_ms": round(t_coach * 1000, 1),
        "time_ratio": round(t_ratio, 3), "bare_mib": round(m_bare, 1),
        "coach_mib": round(m_coach, 1), "memory_ratio": round(m_ratio, 3),
        "bare_cpu_ms": round(c_bare * 1000, 1), "coach_cpu_ms": round(c_coach * 1000, 1),
        "cpu_ratio": round(c_ratio, 3),
        "pass": t_ok and m_ok}, indent=2))
    return 0 if t_ok and m_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
