"""`coach handout ROUTINE_ID --pdf FILE` and `coach report --since DATE --pdf FILE [--csv FILE]`.

Imported by `coach/cli.py` when the parser is built, so only the standard library is imported
at the top; Qt, the catalogue and the history are imported by the handlers.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from coach.core.models import Catalogue
    from coach.core.plan import PlanSettings
    from coach.core.visit import VisitReport
    from coach.storage.history import HistoryStore

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
PAPERS = ("a4", "letter")


def add_handout_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("routine_id", metavar="ROUTINE_ID", help="the routine (see coach list "
                                                            "--routines)")
    p.add_argument("--pdf", type=Path, required=True, metavar="FILE", help="the PDF to write")
    p.add_argument("--paper", choices=PAPERS, default="a4", help="page size (default a4)")


def add_report_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--since", required=True, metavar="YYYY-MM-DD",
                   help="the first day to report (for example the last visit)")
    p.add_argument("--pdf", type=Path, required=True, metavar="FILE", help="the PDF to write")
    p.add_argument("--csv", type=Path, metavar="FILE",
                   help="also write the weekly table to FILE and every session, set and "
                        "stopped exercise to FILE-sessions.csv")
    p.add_argument("--paper", choices=PAPERS, default="a4", help="page size (default a4)")


def _local_today() -> date:
    return datetime.now().astimezone().date()


# --- coach handout -----------------------------------------------------------------------------


def handout_command(catalogue: Catalogue, routine_id: str, pdf: Path, paper: str,
                    out: TextIO, err: TextIO, settings: PlanSettings | None = None) -> int:
    """Write the handout; 2 for an unknown routine (with the ids there are), 1 for one that
    cannot be started."""
    routine = catalogue.routines.get(routine_id)
    if routine is None:
        print(f"coach: there is no routine '{routine_id}'. Routines: "
              + ", ".join(catalogue.routines), file=err)
        return EXIT_USAGE
    if not routine.usable:
        print(f"coach: the routine '{routine_id}' cannot be printed: "
              f"{routine.unusable_reason}", file=err)
        return EXIT_PROBLEMS
    from coach.paths import assets_dir
    from coach.pdf.handout import write_handout
    from coach.pdf.layout import Paper

    pages = write_handout(pdf, catalogue, routine, assets_dir=assets_dir(), paper=Paper(paper),
                          settings=settings)
    print(f"Wrote the handout for '{routine.name}' ({pages} page{'s' if pages != 1 else ''}, "
          f"{paper.upper() if paper == 'a4' else paper.capitalize()}) to {pdf}", file=out)
    return EXIT_OK


def cmd_handout(args: argparse.Namespace, out: TextIO) -> int:
    from coach.cli import catalogue_from, plan_settings_from

    return handout_command(catalogue_from(args), args.routine_id, args.pdf, args.paper, out,
                           sys.stderr, plan_settings_from(args))


# --- coach report ------------------------------------------------------------------------------


def parse_since(text: str, today: date) -> date:
    """--since as a date; ValueError with the sentence to show when it is not one."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"--since must be a date like 2024-05-01, not '{text}'") from None
    if day > today:
        raise ValueError(f"--since {day.isoformat()} is after today ({today.isoformat()})")
    return day


def build_report(store: HistoryStore, since: date, today: date,
                 catalogue: Catalogue | None = None, *, goal_now: int | None = None
                 ) -> VisitReport:
    """The report from `since` to `today`; `goal_now` is the weekly goal in force
    (`coach.core.stats.goal_in_force`; the default goal when not given)."""
    from coach.core.stats import DEFAULT_WEEKLY_GOAL
    from coach.core.visit import visit_report

    return visit_report(store.sessions(until=today), store.sets(since=since),
                        store.exercise_events(), since=since, today=today,
                        exercises=catalogue.exercises if catalogue else None,
                        goal_now=goal_now if goal_now is not None else DEFAULT_WEEKLY_GOAL)


def report_command(store: HistoryStore, catalogue: Catalogue, since: date, today: date,
                   pdf: Path, csv_path: Path | None, paper: str, out: TextIO, *,
                   goal_now: int | None = None) -> int:
    from coach.pdf.layout import Paper
    from coach.pdf.report import write_report

    store.follow_renames(catalogue.renamed)
    report = build_report(store, since, today, catalogue, goal_now=goal_now)
    names = {ex.id: ex.name for ex in catalogue.exercises.values()}
    pages = write_report(pdf, report, names, paper=Paper(paper))
    print(f"Wrote the progress report from {since.isoformat()} ({pages} page"
          f"{'s' if pages != 1 else ''}) to {pdf}", file=out)
    if csv_path is not None:
        weeks_file, sessions_file = write_report_csv(store, report, csv_path)
        print(f"Wrote the weekly table to {weeks_file} and the sessions to {sessions_file}",
              file=out)
    return EXIT_OK


def sessions_csv_path(csv_path: Path) -> Path:
    return csv_path.with_name(f"{csv_path.stem}-sessions{csv_path.suffix or '.csv'}")


def write_report_csv(store: HistoryStore, report: VisitReport,
                     csv_path: Path) -> tuple[Path, Path]:
    """The weekly table (`coach history --json`'s week fields) and every session, set and
    stopped exercise from the report's first day (`coach export`'s columns), as two files
    written atomically."""
    from coach.core.prescription import write_atomically
    from coach.history_cli import CSV_COLUMNS, export_rows, week_row

    weeks = io.StringIO()
    rows = [week_row(w) for w in report.weeks]
    writer = csv.DictWriter(weeks, fieldnames=list(rows[0]) if rows else ["week_start"],
                            lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    sessions = io.StringIO()
    writer = csv.DictWriter(sessions, fieldnames=CSV_COLUMNS, restval="", lineterminator="\r\n")
    writer.writeheader()
    first, last = report.since.isoformat(), report.today.isoformat()
    writer.writerows(r for r in export_rows(store) if first <= str(r["local_date"]) <= last)
    sessions_path = sessions_csv_path(csv_path)
    write_atomically(csv_path, weeks.getvalue())
    write_atomically(sessions_path, sessions.getvalue())
    return csv_path, sessions_path


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    from coach.cli import catalogue_from, paths_from
    from coach.core.stats import goal_in_force
    from coach.history_cli import todays_routine_id
    from coach.storage.history import HistoryStore

    today = _local_today()
    try:
        since = parse_since(args.since, today)
    except ValueError as e:
        sys.stderr.write(f"coach: {e}\n")
        return EXIT_USAGE
    catalogue = catalogue_from(args)
    goal = goal_in_force(catalogue, todays_routine_id(args))
    # As `coach history` does: never recover (close) a session another window may be running.
    with HistoryStore.open(paths_from(args).history_db, recover=False,
                           on_notice=lambda n: sys.stderr.write(f"coach: {n.message}\n")
                           ) as store:
        return report_command(store, catalogue, since, today, args.pdf, args.csv, args.paper,
                              out, goal_now=goal)
