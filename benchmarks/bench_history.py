"""Ten years of daily sessions: statistics, progress-tab data, file size and set writes.

    .venv/bin/python -m benchmarks.bench_history [--years 10] [--rounds 15] [--writes 300]
                                                 [--dir DIR]

Generates 3,650 sessions and about 52,000 set rows (a 15-set routine every day, Europe/London
times across every daylight-saving change), then measures, each against raw sqlite3 doing the
same work in the same run (alternating rounds, median), as the floor:

- progress statistics: `HistoryStore.progress(today)` = the queries plus
  `coach.core.stats.progress_report` (target <= 100 ms); the pure computation alone is shown too;
- opening the progress tab (target <= 300 ms): see `open_progress_tab`, a HOOK: the Qt tab does
  not exist yet, so today it measures the queries and statistics the tab will need;
- the database file after ten years (target <= 20 MB);
- one set write, `record_set` = BEGIN IMMEDIATE + INSERT + COMMIT with WAL and
  synchronous=FULL (target p95 <= 10 ms); raw sqlite3 with FULL and with NORMAL for comparison.

The file lives in a temporary folder (or --dir) on a real disk: fsync times depend on it; a
tmpfs would make every write look free. Writes benchmarks/results/history.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from coach.core.records import SetRecord

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the progress tab is built offscreen
from coach.core.stats import DEFAULT_WEEKS, progress_report
from coach.core.weeks import week_starts
from coach.storage.history import SQL_WEEK_START, HistoryStore

RESULTS = Path(__file__).resolve().parent / "results"
TZ = ZoneInfo("Europe/London")
TODAY = date(2026, 6, 1)

TARGET_STATS_MS = 100.0
TARGET_TAB_MS = 300.0
TARGET_FILE_MB = 20.0
TARGET_WRITE_P95_MS = 10.0

# (exercise id, sides, sets, reps, hold seconds at the start, hold at the end, work per rep)
ROUTINE = [
    ("knee-to-chest", 2, 1, 3, 20.0, 45.0, None),
    ("bridge", 1, 3, 10, None, None, 4.0),
    ("cat-camel", 1, 2, 10, None, None, 4.0),
    ("slump-glide", 2, 1, 10, None, None, 3.0),
    ("prone-press-up", 1, 3, 10, 2.0, 3.0, None),
    ("bird-dog", 2, 1, 8, 5.0, 10.0, None),
    ("walk", 1, 1, 1, None, None, 600.0),
]  # 15 sets a session; sessions that end early stop after 8


def generate(path: Path, years: int, seed: int = 6) -> tuple[int, int]:
    """Fill a fresh history at `path` with a session a day for `years` years up to TODAY."""
    rng = random.Random(seed)
    HistoryStore.open(path, backup=False).close()  # the real schema, via the migrations
    conn = sqlite3.connect(path, isolation_level=None)
    days = years * 365
    first = TODAY - timedelta(days=days - 1)
    sessions: list[tuple[object, ...]] = []
    sets: list[tuple[object, ...]] = []
    for n in range(days):
        day = first + timedelta(days=n)
        progress = n / days
        start = datetime(day.year, day.month, day.day, 7, 30, tzinfo=TZ) + timedelta(
            minutes=rng.randint(0, 720))
        roll = rng.random()
        outcome = ("completed" if roll < 0.90 else "ended-early" if roll < 0.97
                   else "stopped-for-pain")
        leg = max(0, min(10, round(7 - 5 * progress + rng.gauss(0, 1))))
        back = max(0, min(10, round(5 - 3 * progress + rng.gauss(0, 1))))
        skipped = rng.random() < 0.1
        sid = n + 1
        moment = start
        done = 0
        for exercise, sides, set_count, reps, hold0, hold1, per_rep in ROUTINE:
            for side in (("right", "left") if sides == 2 else (None,)):
                for set_number in range(1, set_count + 1):
                    if outcome != "completed" and done >= 8:
                        break
                    hold = None if hold0 is None else round(hold0 + (hold1 - hold0) * progress)
                    work = reps * (hold if hold is not None else per_rep or 0)
                    moment += timedelta(seconds=work + 20)
                    sets.append((sid, exercise, side, ROUTINE.index(
                        (exercise, sides, set_count, reps, hold0, hold1, per_rep)), set_number,
                        set_count, 1, reps, reps, hold, hold, work, work, moment.isoformat()))
                    done += 1
        sessions.append((sid, "daily", "Daily sciatica routine", 7, start.isoformat(),
                         day.isoformat(), (moment + timedelta(minutes=1)).isoformat(), outcome,
                         None if skipped else back, None if skipped else leg,
                         None if skipped else max(0, back - 1),
                         None if skipped else max(0, leg - 1),
                         rng.choice(["easier", "same", "same", "harder"]),
                         "Felt stiff this morning" if n % 17 == 0 else None))
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO sessions (id, routine_id, routine_name, weekly_goal, started_at,"
        " local_date, ended_at, outcome, pain_before_back, pain_before_leg, pain_after_back,"
        " pain_after_leg, felt, note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", sessions)
    conn.executemany(
        "INSERT INTO sets (session_id, exercise_id, side, item_index, set_number, sets_planned,"
        " complete, reps_done, reps_planned, hold_seconds, hold_seconds_planned, work_seconds,"
        " work_seconds_planned, completed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", sets)
    conn.execute("COMMIT")
    conn.close()
    return len(sessions), len(sets)


# --- what is timed -----------------------------------------------------------------------------


def raw_progress_queries(conn: sqlite3.Connection, since: date) -> None:
    """The floor: the same SELECTs the store runs, rows fetched as tuples, no objects built."""
    conn.execute(
        "SELECT x.*, (SELECT COUNT(*) FROM sets s WHERE s.session_id = x.id),"
        " (SELECT TOTAL(s.work_seconds) FROM sets s WHERE s.session_id = x.id)"
        " FROM sessions x ORDER BY x.local_date, x.id").fetchall()
    week = SQL_WEEK_START.format(day="x.local_date")
    conn.execute(
        f"SELECT s.exercise_id, {week} AS week, COUNT(*), MAX(s.hold_seconds),"
        " MAX(s.reps_done), TOTAL(s.reps_done), TOTAL(s.work_seconds)"
        " FROM sets s JOIN sessions x ON x.id = s.session_id WHERE x.local_date >= ?"
        " GROUP BY s.exercise_id, week ORDER BY s.exercise_id, week",
        (since.isoformat(),)).fetchall()


def open_progress_tab(store: HistoryStore, today: date) -> None:
    """Build the real Progress tab offscreen from the store, show it and paint it once."""
    from PySide6.QtWidgets import QApplication

    from coach.ui.progress_view import ProgressView

    app = QApplication.instance() or QApplication([])
    view = ProgressView({})
    view.set_report(store.progress(today))
    view.resize(1100, 800)
    view.show()
    view.grab()  # forces layout and a full paint of every chart
    view.close()
    view.deleteLater()
    app.processEvents()


TAB_IS_REAL = True


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def p95_ms(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000


def alternate(rounds: int, *fns: Callable[[], object]) -> list[list[float]]:
    """Time each function once per round, in turn, so noise hits them alike."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t0)
    return times


def time_writes(store: HistoryStore, folder: Path, count: int) -> dict[str, list[float]]:
    """record_set against raw INSERT+COMMIT (FULL and NORMAL), alternating, one set each."""
    sid = store.start_session("daily", "Daily sciatica routine",
                              datetime(2026, 6, 1, 8, tzinfo=TZ))
    raw = {}
    for mode in ("FULL", "NORMAL"):
        conn = sqlite3.connect(folder / f"raw-{mode.lower()}.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {mode}")
        conn.execute("CREATE TABLE IF NOT EXISTS sets (id INTEGER PRIMARY KEY, session_id,"
                     " exercise_id, side, set_number, reps_done, hold_seconds, work_seconds,"
                     " completed_at)")
        raw[mode] = conn
    out: dict[str, list[float]] = {"store": [], "raw_full": [], "raw_normal": []}
    moment = datetime(2026, 6, 1, 8, tzinfo=TZ)
    for n in range(count):
        moment += timedelta(seconds=30)
        record = SetRecord("bridge", n + 1, moment, reps_done=10, reps_planned=10,
                           hold_seconds=5.0, hold_seconds_planned=5.0, work_seconds=50.0)
        t0 = time.perf_counter()
        store.record_set(sid, record)
        out["store"].append(time.perf_counter() - t0)
        for mode, key in (("FULL", "raw_full"), ("NORMAL", "raw_normal")):
            conn = raw[mode]
            t0 = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO sets (session_id, exercise_id, side, set_number,"
                         " reps_done, hold_seconds, work_seconds, completed_at)"
                         " VALUES (?,?,?,?,?,?,?,?)",
                         (1, "bridge", None, n + 1, 10, 5.0, 50.0, moment.isoformat()))
            conn.execute("COMMIT")
            out[key].append(time.perf_counter() - t0)
    for conn in raw.values():
        conn.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--dir", type=Path, default=None,
                        help="where to build the history (default: a temporary folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        path = folder / "history.db"
        t0 = time.perf_counter()
        n_sessions, n_sets = generate(path, args.years)
        generated_s = time.perf_counter() - t0
        size_mb = path.stat().st_size / 1e6

        t0 = time.perf_counter()
        store = HistoryStore.open(path, backup=False, recover=False)
        open_ms = (time.perf_counter() - t0) * 1000
        raw_conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        since = week_starts(TODAY, DEFAULT_WEEKS)[0]
        sessions = store.sessions()
        rows = store.exercise_weeks(since=since)

        stats_t, raw_t, pure_t, tab_t = alternate(
            args.rounds,
            lambda: store.progress(TODAY),
            lambda: raw_progress_queries(raw_conn, since),
            lambda: progress_report(sessions, rows, today=TODAY),
            lambda: open_progress_tab(store, TODAY),
        )
        report = store.progress(TODAY)
        writes = time_writes(store, folder, args.writes)
        raw_conn.close()
        store.close()

    stats_ms, raw_ms, pure_ms, tab_ms = (median_ms(t) for t in (stats_t, raw_t, pure_t, tab_t))
    write = {k: {"p50_ms": round(median_ms(v), 3), "p95_ms": round(p95_ms(v), 3),
                 "max_ms": round(max(v) * 1000, 3)} for k, v in writes.items()}
    checks = {
        "progress_statistics": (stats_ms, TARGET_STATS_MS),
        "progress_tab_open": (tab_ms, TARGET_TAB_MS),
        "file_size_mb": (size_mb, TARGET_FILE_MB),
        "set_write_p95_ms": (write["store"]["p95_ms"], TARGET_WRITE_P95_MS),
    }
    verdicts = {k: "PASS" if v <= t else "FAIL" for k, (v, t) in checks.items()}

    print(f"history: {args.years} years, {n_sessions} sessions, {n_sets} set rows "
          f"(generated in {generated_s:.1f} s); median of {args.rounds} alternating rounds")
    print(f"  headline: {report.summaries.headline}")
    print(f"  open the store (quick_check, version)  {open_ms:8.1f} ms")
    print(f"  raw sqlite3, same queries (floor)      {raw_ms:8.1f} ms")
    print(f"  statistics alone (pure, in memory)     {pure_ms:8.1f} ms")
    print(f"  progress statistics (queries + stats)  {stats_ms:8.1f} ms   "
          f"target <= {TARGET_STATS_MS:.0f} ms  {verdicts['progress_statistics']}")
    tab_note = "" if TAB_IS_REAL else "  (proxy: the Qt tab is not built yet)"
    print(f"  opening the progress tab               {tab_ms:8.1f} ms   "
          f"target <= {TARGET_TAB_MS:.0f} ms  {verdicts['progress_tab_open']}{tab_note}")
    print(f"  database file                          {size_mb:8.2f} MB   "
          f"target <= {TARGET_FILE_MB:.0f} MB   {verdicts['file_size_mb']}")
    print(f"  one set write, {args.writes} writes:")
    for key, label in (("raw_normal", "raw sqlite3, WAL + NORMAL"),
                       ("raw_full", "raw sqlite3, WAL + FULL (floor)"),
                       ("store", "record_set, WAL + FULL")):
        w = write[key]
        print(f"    {label:34} p50 {w['p50_ms']:6.2f}  p95 {w['p95_ms']:6.2f}  "
              f"max {w['max_ms']:6.2f} ms")
    print(f"  set write p95 target <= {TARGET_WRITE_P95_MS:.0f} ms  "
          f"{verdicts['set_write_p95_ms']}")

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "history.json").write_text(json.dumps({
        "years": args.years, "sessions": n_sessions, "set_rows": n_sets,
        "rounds": args.rounds, "writes": args.writes,
        "open_store_ms": round(open_ms, 2),
        "raw_queries_ms": round(raw_ms, 2),
        "statistics_pure_ms": round(pure_ms, 2),
        "progress_statistics_ms": round(stats_ms, 2),
        "progress_tab_ms": round(tab_ms, 2), "progress_tab_is_real": TAB_IS_REAL,
        "file_mb": round(size_mb, 2),
        "set_write": write,
        "targets": {k: t for k, (_, t) in checks.items()},
        "pass": {k: v == "PASS" for k, v in verdicts.items()},
        "machine": {"cpus": os.cpu_count(), "sqlite": sqlite3.sqlite_version},
    }, indent=2) + "\n")
    return 0 if all(v == "PASS" for v in verdicts.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
