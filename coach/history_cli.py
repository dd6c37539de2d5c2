"""`coach history` and `coach export --csv FILE`: the history on the command line.

`history_command` prints the weekly table (week, sessions, goal, adherence, mean pain before
sessions for back and leg, active minutes) and the one-line summaries, or the same as JSON,
against the weekly goal in force (today's routine in the settings, as on the Home page);
`export_command` writes every session, set and skipped/stopped exercise to a CSV file. Both
take an open `HistoryStore`; `cmd_history` and `cmd_export` are the argparse handlers that open
it (read-only in spirit: they never close a session another window may be running) and print
the store's notices to stderr; `coach/cli.py` defines the two subparsers.
"""

from __future__ import annotations

import argparse
import csv
import json
import shlex
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from coach.core.atomic_file import replacing
from coach.core.errors import KnownError
from coach.core.records import SessionRecord
from coach.core.stats import DEFAULT_WEEKLY_GOAL, ProgressReport, WeekStats
from coach.core.weeks import weeks_between
from coach.storage.database import backup_dir, backups
from coach.storage.errors import StorageNotice
from coach.storage.history import HistoryStore, RestoreOffer

EXIT_OK = 0
EXIT_USAGE = 2

CSV_COLUMNS = (
    "session_id", "routine_id", "routine_name", "local_date", "started_at", "ended_at",
    "outcome", "closed", "weekly_goal", "pain_before_back", "pain_before_leg",
    "pain_after_back", "pain_after_leg", "leg_pain_spreading", "leg_pain_before",
    "leg_pain_after", "felt", "note",
    "record", "at", "exercise_id", "item_index", "side", "set_number", "sets_planned",
    "complete", "reps_done", "reps_planned", "hold_seconds", "hold_seconds_planned",
    "work_seconds", "work_seconds_planned", "detail",
)
"""One row per set or exercise event (`record` = set, skipped, stopped-for-pain); a session
with neither has one row with `record` empty. Session columns repeat on each of its rows.
`outcome` is completed, partly-done, nothing-done (never counted), ended-early or
stopped-for-pain (`coach.core.records.Outcome`)."""


def _local_today() -> date:
    return datetime.now().astimezone().date()


# --- coach history ----------------------------------------------------------------------------


def _fmt(value: float | None, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def week_row(week: WeekStats) -> dict[str, Any]:
    """A week as JSON-ready values (means to one decimal, adherence as a fraction)."""
    return {
        "week_start": week.week_start.isoformat(),
        "week_end": week.week_end.isoformat(),
        "sessions": week.sessions,
        "goal": week.goal,
        "adherence": _round(week.adherence, 3),
        "completed": week.completed,
        "nothing_done": week.nothing_done,
        "stopped_for_pain": week.stopped_for_pain,
        "pain_back_mean": _round(week.pain_back, 1),
        "pain_leg_mean": _round(week.pain_leg, 1),
        "active_minutes": round(week.active_minutes, 1),
    }


def report_json(report: ProgressReport) -> dict[str, Any]:
    s = report.streaks
    return {
        "today": report.today.isoformat(),
        "weeks": [week_row(w) for w in report.weeks],
        "adherence": _round(report.adherence, 3),
        "streaks": {"current_days": s.current_days, "best_days": s.best_days,
                    "current_weeks": s.current_weeks, "best_weeks": s.best_weeks},
        "summaries": {
            "headline": report.summaries.headline,
            "adherence": report.summaries.adherence,
            "streaks": report.summaries.streaks,
            "back_pain": report.summaries.back_pain,
            "leg_pain": report.summaries.leg_pain,
            "active": report.summaries.active,
        },
    }


def history_table(weeks: list[WeekStats] | tuple[WeekStats, ...]) -> list[str]:
    """The weekly table as lines of text, oldest week first."""
    header = ("Week of", "Sessions", "Goal", "Adherence", "Back pain", "Leg pain", "Active min")
    rows = [header]
    for w in weeks:
        adherence = "-" if w.adherence is None else f"{round(w.adherence * 100)}%"
        goal = "-" if w.goal is None else str(w.goal)
        rows.append((w.week_start.isoformat(), str(w.sessions), goal, adherence,
                     _fmt(w.pain_back), _fmt(w.pain_leg), f"{w.active_minutes:.0f}"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    for r in rows:
        cells = [r[0].ljust(widths[0])] + [c.rjust(widths[i + 1]) for i, c in enumerate(r[1:])]
        lines.append("  ".join(cells))
    return lines


def history_command(
    store: HistoryStore,
    weeks: int,
    as_json: bool,
    stdout: TextIO,
    *,
    today: date | None = None,
    goal_now: int = DEFAULT_WEEKLY_GOAL,
    stderr: TextIO | None = None,
) -> int:
    """Print the last `weeks` weeks (ending with this one): a table and summaries, or JSON.
    `goal_now`: the weekly goal in force (`coach.core.stats.goal_in_force`).

    Exit code 0; 2 when `weeks` is below 1 or reaches back before the first calendar week of
    the year 1 (dates go no further). Storage problems raise `StorageError`.
    """
    today = today or _local_today()
    if weeks < 1:
        print("coach: --weeks must be 1 or more", file=stderr or sys.stderr)
        return EXIT_USAGE
    most = weeks_between(date.min, today) + 1
    if weeks > most:
        print(f"coach: --weeks must be at most {most}", file=stderr or sys.stderr)
        return EXIT_USAGE
    report = store.progress(today, weeks=weeks, goal_now=goal_now)
    if as_json:
        json.dump(report_json(report), stdout, indent=2, ensure_ascii=False)
        stdout.write("\n")
        return EXIT_OK
    for line in history_table(report.weeks):
        print(line, file=stdout)
    print(file=stdout)
    for line in (report.summaries.headline, report.summaries.adherence,
                 report.summaries.streaks, report.summaries.active):
        print(line, file=stdout)
    return EXIT_OK


# --- coach export --csv -----------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str | None) -> str:
    """User text for a spreadsheet: a leading = + - @ is quoted so it is never run as a
    formula when the file is opened (OWASP "CSV injection")."""
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    return value


def _session_cells(s: SessionRecord) -> dict[str, object]:
    return {
        "session_id": s.id,
        "routine_id": _text(s.routine_id),
        "routine_name": _text(s.routine_name),
        "local_date": s.local_date.isoformat(),
        "started_at": s.started_at.isoformat(),
        "ended_at": s.ended_at.isoformat() if s.ended_at else "",
        "outcome": s.outcome.value,
        "closed": int(s.closed),
        "weekly_goal": _cell(s.weekly_goal),
        "pain_before_back": _cell(s.pain_before.back),
        "pain_before_leg": _cell(s.pain_before.leg),
        "pain_after_back": _cell(s.pain_after.back),
        "pain_after_leg": _cell(s.pain_after.leg),
        "leg_pain_spreading": _cell(s.leg_pain_spreading),
        "leg_pain_before": s.leg_pain_before.value if s.leg_pain_before else "",
        "leg_pain_after": s.leg_pain_after.value if s.leg_pain_after else "",
        "felt": s.felt.value if s.felt else "",
        "note": _text(s.note),
    }


def export_rows(store: HistoryStore) -> Iterator[dict[str, object]]:
    """Every session with its sets and exercise events, in the order they happened."""
    # (when, 0 for a set / 1 for an event, order written, row): at the same moment a set
    # comes before an exercise event (the engine's order).
    by_session: dict[int, list[tuple[datetime, int, int, dict[str, object]]]] = {}
    for n, stored in enumerate(store.sets()):
        r = stored.record
        by_session.setdefault(stored.session_id, []).append((r.completed_at, 0, n, {
            "record": "set", "at": r.completed_at.isoformat(), "exercise_id": _text(r.exercise_id),
            "item_index": _cell(r.item_index), "side": r.side.value if r.side else "",
            "set_number": r.set_number, "sets_planned": _cell(r.sets_planned),
            "complete": int(r.complete), "reps_done": _cell(r.reps_done),
            "reps_planned": _cell(r.reps_planned), "hold_seconds": _cell(r.hold_seconds),
            "hold_seconds_planned": _cell(r.hold_seconds_planned),
            "work_seconds": _cell(r.work_seconds),
            "work_seconds_planned": _cell(r.work_seconds_planned),
        }))
    for n, (session_id, event) in enumerate(store.exercise_events()):
        by_session.setdefault(session_id, []).append((event.at, 1, n, {
            "record": event.kind.value, "at": event.at.isoformat(),
            "exercise_id": _text(event.exercise_id),
            "side": event.side.value if event.side else "", "detail": _text(event.detail),
        }))
    for session in store.sessions():
        cells = _session_cells(session)
        entries = sorted(by_session.get(session.id, []), key=lambda e: e[:3])
        if not entries:
            yield dict(cells)
        for *_, entry in entries:
            yield {**cells, **entry}


def export_command(store: HistoryStore, csv_path: Path | str,
                   *, stdout: TextIO | None = None) -> int:
    """Write every session and set to `csv_path` ("-": standard output); exit code 0.

    The file is written beside its final name and renamed into place, so an existing file is
    replaced only by a complete export. A file that cannot be written raises `KnownError`.
    """
    out = stdout or sys.stdout
    if str(csv_path) == "-":
        _write_csv(store, out)
        return EXIT_OK
    target = Path(csv_path)
    try:
        with replacing(target, newline="", shared=True) as f:
            sessions, sets = _write_csv(store, f)
    except OSError as e:
        raise KnownError(f"The export could not be written to {target}: "
                         f"{e.strerror or e}.") from e
    print(f"Wrote {sessions} session{'s' if sessions != 1 else ''} and {sets} "
          f"set{'s' if sets != 1 else ''} to {target}", file=out)
    return EXIT_OK


def _write_csv(store: HistoryStore, f: TextIO) -> tuple[int, int]:
    writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS, restval="", lineterminator="\r\n")
    writer.writeheader()
    sessions: set[object] = set()
    sets = 0
    for row in export_rows(store):
        writer.writerow(row)
        sessions.add(row["session_id"])
        sets += row.get("record") == "set"
    return len(sessions), sets


# --- argparse wiring ---------------------------------------------------------------------------


def _tell(notice: StorageNotice) -> None:
    sys.stderr.write(f"coach: {notice.message}\n")


def _open_for_reading(args: argparse.Namespace) -> HistoryStore:
    from coach.paths import resolve

    paths = resolve(getattr(args, "data_dir", None))
    return HistoryStore.open(paths.history_db, recover=False, on_notice=_tell)


def restore_hint(offer: RestoreOffer, data_dir: Path | None) -> str:
    """The offer to bring a history back from its backup, as a line for the terminal."""
    option = f" --data-dir {shlex.quote(str(data_dir))}" if data_dir is not None else ""
    return f"{offer.describe()}. To bring it back: coach history --restore{option}"


def restore_command(store: HistoryStore, stdout: TextIO) -> None:
    """`coach history --restore`: merge the newest backup into the history, saying what came
    back. `KnownError` when there is no backup."""
    newest = backups(store.path)
    if not newest:
        raise KnownError(f"There is no backup copy of your history in {backup_dir(store.path)}.")
    count = store.restore(newest[0])
    plural = "s" if count != 1 else ""
    print(f"Brought back {count} session{plural} from {newest[0]}.", file=stdout)


def todays_routine_id(args: argparse.Namespace) -> str | None:
    """Today's routine as the settings in the data folder remember it (None: the first)."""
    from coach import settings as settings_file
    from coach.paths import resolve

    loaded = settings_file.load(resolve(getattr(args, "data_dir", None)).settings_file)
    if loaded.notice:
        sys.stderr.write(f"coach: {loaded.notice}\n")
    return loaded.settings.routine_id


def cmd_history(args: argparse.Namespace, out: TextIO) -> int:
    from coach.cli import catalogue_from
    from coach.core.stats import goal_in_force

    catalogue = catalogue_from(args)
    goal = goal_in_force(catalogue, todays_routine_id(args))
    with _open_for_reading(args) as store:
        store.follow_renames(catalogue.renamed)
        if getattr(args, "restore", False):
            restore_command(store, out)
        code = history_command(store, args.weeks, args.json, out, goal_now=goal)
        offer = store.restore_offer()
        if offer is not None:
            out.flush()
            sys.stderr.write(f"coach: {restore_hint(offer, args.data_dir)}\n")
        return code


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    with _open_for_reading(args) as store:
        return export_command(store, args.csv, stdout=out)
