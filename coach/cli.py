"""The `coach` command: argument parsing and the text-mode subcommands.

With no subcommand it opens the window. Every subcommand prints plain lines and returns an exit
code; expected failures print one sentence, unexpected ones are logged with their traceback
(under `--data-dir DIR` when given) and summarised in one sentence that names the log file. No
traceback reaches the user. Output into a pipe whose reader has gone (`| head`) ends the command
quietly with `EXIT_BROKEN_PIPE`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from coach import __version__
from coach.core.errors import KnownError

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
#: A closed standard output (`coach history | head`): the status a shell shows for any command
#: ended by SIGPIPE (128 + 13), so pipelines and `set -o pipefail` see what they see for `cat`.
EXIT_BROKEN_PIPE = 141


def _add_globals(p: argparse.ArgumentParser, *, top: bool) -> None:
    # Global options work before or after the subcommand: `coach --data-dir D list` and
    # `coach list --data-dir D` both work. Subparsers use SUPPRESS so they do not reset them.
    default = None if top else argparse.SUPPRESS
    p.add_argument(
        "--data-dir", type=data_dir_arg, default=default, metavar="DIR",
        help="where history and your own catalogue live "
             "(default: $COACH_DATA_DIR, else the user data directory)",
    )
    p.add_argument(
        "--catalogue", type=Path, action="append", default=[] if top else argparse.SUPPRESS,
        metavar="FILE", help="load an extra catalogue file, e.g. a prescription "
                             "(repeatable)",
    )


def _window_parser(cls: type[argparse.ArgumentParser] = argparse.ArgumentParser,
                   **kwargs: Any) -> argparse.ArgumentParser:
    """The `coach` parser's own options: those of the window."""
    parser = cls(
        prog="coach",
        description="Physio Coach: guided physiotherapy home routines for sciatica and "
                    "low-back pain. With no command, the window opens; `coach FILE.toml` "
                    "opens it with a prescription to add.",
        **kwargs,
    )
    parser.add_argument("--version", action="version", version=f"coach {__version__}")
    _add_globals(parser, top=True)
    parser.add_argument(
        "--exit-when-ready", action="store_true",
        help="open the window, wait for its first paint, and exit (for start-up checks)",
    )
    # Not shown in --help (it is for demonstrations and the end-to-end tests), documented here:
    # `coach --time-scale X` runs the window's sessions X times faster (0 < X <= 1000).
    parser.add_argument("--time-scale", type=parse_time_scale, default=None, metavar="X",
                        help=argparse.SUPPRESS)
    # `coach FILE.toml` (a file manager opening a prescription: Exec=coach %f) arrives here
    # as `--open FILE` (see _file_as_option): the window opens it as a prescription.
    parser.add_argument("--open", type=Path, action="append", default=[], metavar="FILE",
                        dest="open_files", help=argparse.SUPPRESS)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The whole `coach` parser: the window's options and every command."""
    parser = _window_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("validate", help="check catalogue files and list every problem")
    _add_globals(p, top=False)
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.set_defaults(handler=_cmd_validate)

    p = sub.add_parser("list", help="list exercises (or routines) with their ids")
    _add_globals(p, top=False)
    p.add_argument("--routines", action="store_true", help="list routines instead of exercises")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(handler=_cmd_list)

    p = sub.add_parser("history", help="print your weekly progress: sessions against the goal, "
                                       "pain before sessions, active minutes")
    _add_globals(p, top=False)
    p.add_argument("--weeks", type=int, default=12, metavar="N",
                   help="how many weeks to show, ending with this one (default 12)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--restore", action="store_true",
                   help="bring back the sessions of the newest daily backup (in the data "
                        "folder's backups/) that the history does not have, then print it")
    p.set_defaults(handler=_cmd_history)

    p = sub.add_parser("export", help="write every session and set to a CSV file")
    _add_globals(p, top=False)
    p.add_argument("--csv", type=Path, required=True, metavar="FILE",
                   help="the CSV file to write ('-' for standard output)")
    p.set_defaults(handler=_cmd_export)

    # The run arguments live here, not in coach.terminal, so that building the parser does not
    # import the engine: `coach --exit-when-ready` is benchmarked against a bare window.
    p = sub.add_parser("run", help="run a routine in the terminal, with a live countdown")
    _add_globals(p, top=False)
    p.add_argument("routine_id", metavar="ROUTINE_ID", help="the routine to run")
    p.add_argument("--time-scale", type=parse_time_scale, default=1.0, metavar="X",
                   help="run X times faster (for demonstrations and tests; default 1)")
    p.add_argument("--mute", action="store_true", help="captions only, no voice")
    p.add_argument("--no-history", action="store_true",
                   help="do not record this session in the history")
    p.add_argument("--events", type=Path, default=None, metavar="FILE",
                   help="write every phase and cue as JSON lines to FILE")
    p.set_defaults(handler=_cmd_run)

    from coach.pdf.commands import add_handout_arguments, add_report_arguments  # stdlib only

    p = sub.add_parser("handout", help="print a routine's handout to a PDF: each exercise with "
                                       "its picture, steps and dose, and the warning signs")
    _add_globals(p, top=False)
    add_handout_arguments(p)
    p.set_defaults(handler=_cmd_handout)

    p = sub.add_parser("report", help="write the progress report for a visit to the "
                                      "physiotherapist as a PDF (and CSV)")
    _add_globals(p, top=False)
    add_report_arguments(p)
    p.set_defaults(handler=_cmd_report)

    p = sub.add_parser("desktop", help="add Physio Coach to the desktop's app menu, and let "
                                       "prescription files open in it (or remove it)")
    p.add_argument("action", choices=["install", "uninstall"])
    p.set_defaults(handler=_cmd_desktop)

    return parser


def data_dir_arg(text: str) -> Path:
    """--data-dir: a folder; an empty value is a usage error, not "the current folder".

    An empty value nearly always comes from a variable that is not set (`--data-dir "$DIR"`);
    quietly using the default instead would mix a test's or a portable copy's records into the
    person's own history, so it is refused with a message (COACH_DATA_DIR="" still means unset,
    as an empty environment variable conventionally does)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("needs a folder (the value given was empty)")
    return Path(text)


def parse_time_scale(text: str) -> float:
    """--time-scale: engine seconds per real second, above 0 and at most 1000."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (0 < value <= 1000):  # coach.core.clock.MAX_SCALE; not imported at start-up
        raise argparse.ArgumentTypeError(f"must be above 0 and at most 1000, not {text}")
    return value


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None) -> int:
    """Entry point of the `coach` command and `python -m coach`."""
    out = stdout or sys.stdout
    args = parse_args(_file_as_option(list(sys.argv[1:] if argv is None else argv)))
    if args.data_dir is None and os.environ.get("COACH_DATA_DIR"):
        args.data_dir = Path(os.environ["COACH_DATA_DIR"])
    # Log records go to the log file where a command sets one up, never to the terminal as
    # raw lines (Python's last-resort handler would print every warning to stderr).
    logging.getLogger().addHandler(logging.NullHandler())
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            from coach.app import run_gui  # Qt is imported only when the window is wanted

            return run_gui(args)
        code = int(handler(args, out))
        out.flush()  # a closed pipe shows here, not in the interpreter's flush at exit
        return code
    except BrokenPipeError:
        if not _closed(out):
            return _unexpected(args)
        _discard_output(out)
        return EXIT_BROKEN_PIPE
    except KnownError as e:
        print(f"coach: {e.message}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
    except Exception:  # a bug: log it with its traceback, tell the user one sentence
        return _unexpected(args)


def _unexpected(args: argparse.Namespace) -> int:
    """Log the exception being handled (under the data folder when one is given) and say so."""
    log_file = _log_unexpected(args)
    print(f"coach: something went wrong inside Physio Coach; the details are in {log_file}",
          file=sys.stderr)
    return EXIT_PROBLEMS


def _closed(out: TextIO) -> bool:
    """True when `out` can no longer be written: the reader of its pipe has gone."""
    try:
        out.flush()
    except BrokenPipeError:
        return True
    except (OSError, ValueError):
        return False
    try:
        import select

        poller = select.poll()
        poller.register(out.fileno(), select.POLLOUT)
        return any(mask & select.POLLERR for _, mask in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # not a file (tests pass a StringIO)
        return False


def _discard_output(out: TextIO) -> None:
    """Point the standard output at /dev/null, so the interpreter's flush at exit does not
    report the closed pipe again (the Python documentation's note on SIGPIPE)."""
    try:
        fd = out.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


class _NotTheWindow(Exception):
    """The command line is not one the window's options alone can take."""


class _WindowOnlyParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotTheWindow(message)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse `argv` (after `_file_as_option`).

    Opening the window is what start-up is measured on, so a command line that names no command
    is parsed first by the window's options alone: the commands' parsers (and what they import)
    are built only when one is named. Anything else (a command, help, a mistake) goes to the
    whole parser, so every message is the one it has always given.
    """
    if _first_word(argv) is None:
        try:
            args, rest = _window_parser(_WindowOnlyParser, add_help=False).parse_known_args(argv)
        except (_NotTheWindow, argparse.ArgumentError):
            pass
        else:
            if not rest:
                args.command = None
                return args
    return build_parser().parse_args(argv)


_TAKES_VALUE = frozenset({"--data-dir", "--catalogue", "--time-scale", "--open"})


def _first_word(argv: list[str]) -> int | None:
    """Where the first word that is not an option or an option's value is (a command, or a
    file to open); None if there is none."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            return i + 1 if i + 1 < len(argv) else None
        if arg in _TAKES_VALUE:
            i += 2
        elif arg.startswith("-"):
            i += 1
        else:
            return i
    return None


def _file_as_option(argv: list[str]) -> list[str]:
    """`coach [options] FILE.toml` -> `coach [options] --open FILE.toml`; a subcommand name (or
    any other word) is left for argparse."""
    i = _first_word(argv)
    if i is None or argv[i - 1:i] == ["--"] or not argv[i].lower().endswith(".toml"):
        return argv
    return [*argv[:i], "--open", argv[i], *argv[i + 1:]]


def _log_unexpected(args: argparse.Namespace) -> Path:
    from coach.logs import log_exception

    return log_exception("unexpected error in the coach command",
                         log_file=paths_from(args).log_file)


def paths_from(args: argparse.Namespace):  # -> AppPaths (kept lazy for start-up speed)
    from coach.paths import resolve

    return resolve(args.data_dir)


def plan_settings_from(args: argparse.Namespace):  # -> PlanSettings
    """The person's settings for planning (get-ready time, rests, voice), from the data folder;
    a notice about an unreadable settings file goes to stderr."""
    from coach import settings as settings_file

    loaded = settings_file.load(paths_from(args).settings_file)
    if loaded.notice:
        print(f"coach: {loaded.notice}", file=sys.stderr)
    return loaded.settings.plan_settings()


def catalogue_from(args: argparse.Namespace):  # -> Catalogue
    """The catalogue the command works on. A file that loaded nothing at all (not valid TOML,
    unreadable) is said on stderr at once, with its line: everything from it is missing."""
    from coach.catalogue_files import load_app_catalogue

    catalogue = load_app_catalogue(paths_from(args), args.catalogue)
    for problem in catalogue.problems:
        if problem.whole_file:
            print(f"coach: nothing from {Path(problem.file).name} was loaded: {problem}",
                  file=sys.stderr)
    return catalogue


# --- desktop ---------------------------------------------------------------------------------


def _cmd_desktop(args: argparse.Namespace, out: TextIO) -> int:
    """Install or remove the app-menu entry, the icon and the prescription file type."""
    from coach import desktop

    if sys.platform in ("win32", "darwin"):
        print("coach: `coach desktop` is for Linux desktops; on this system, use the "
              "application bundle (make dist).", file=sys.stderr)
        return EXIT_PROBLEMS
    if args.action == "install":
        written = desktop.install()
        print(f"Physio Coach is in the app menu; files ending in {desktop.PRESCRIPTION_GLOB} "
              "open in it.", file=out)
        for path in written:
            print(f"  {path}", file=out)
    else:
        removed = desktop.uninstall()
        print("Physio Coach is no longer in the app menu." if removed
              else "Physio Coach was not in the app menu.", file=out)
        for path in removed:
            print(f"  {path}", file=out)
    return 0


# --- validate --------------------------------------------------------------------------------


def _cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    """One line per problem, `FILE:LINE: message`. 0 valid, 1 problems, 2 unreadable."""
    from coach.core.catalogue import FileStatus, merge, parse_file
    from coach.core.words import counted
    from coach.paths import assets_dir, default_catalogue

    given = [Path(f) for f in args.files]
    names = {p.resolve(): str(p) for p in given}
    base = [] if default_catalogue().resolve() in names else [default_catalogue()]
    parsed = [parse_file(p, assets_dir=assets_dir()) for p in base]
    checked = [parse_file(p, assets_dir=assets_dir(), name=str(p)) for p in given]
    catalogue = merge([*parsed, *checked])
    order = {str(p): n for n, p in enumerate(given)}
    problems = sorted(
        (pr for pr in catalogue.problems if pr.file in order),
        key=lambda pr: (order[pr.file], pr.order),
    )
    for problem in problems:
        print(problem, file=out)
    for pf in checked:
        if not any(pr.file == pf.name for pr in problems):
            ex = sum(1 for e in catalogue.exercises.values() if e.origin == pf.name)
            rt = sum(1 for r in catalogue.routines.values() if r.origin == pf.name)
            print(f"{pf.name}: ok ({counted(ex, 'exercise')}, {counted(rt, 'routine')})",
                  file=out)
    if any(pf.status is FileStatus.UNREADABLE for pf in checked):
        return EXIT_USAGE
    return EXIT_PROBLEMS if problems else EXIT_OK


# --- history and export (coach/history_cli.py; imported only when used) ----------------------


def _cmd_history(args: argparse.Namespace, out: TextIO) -> int:
    from coach.history_cli import cmd_history

    return cmd_history(args, out)


def _cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    from coach.history_cli import cmd_export

    return cmd_export(args, out)


# --- run (coach/terminal.py) -----------------------------------------------------------------


def _cmd_run(args: argparse.Namespace, out: TextIO) -> int:
    from coach import logs
    from coach.terminal import run_from_args

    paths = paths_from(args)
    # Log to the file, as the window does: the terminal shows each notice once, as a sentence,
    # not again as a raw log line.
    logs.setup(paths.log_file)
    return run_from_args(args, catalogue_from(args), paths, stdout=out)


# --- handout and report (coach/pdf/commands.py; Qt imported only when used) -------------------


def _cmd_handout(args: argparse.Namespace, out: TextIO) -> int:
    from coach.pdf.commands import cmd_handout

    return cmd_handout(args, out)


def _cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    from coach.pdf.commands import cmd_report

    return cmd_report(args, out)


# --- list ------------------------------------------------------------------------------------


def _cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    from coach.core.catalogue import problem_count
    from coach.core.words import counted

    catalogue = catalogue_from(args)
    others = [p for p in catalogue.problems if not p.whole_file]
    if others:
        print(f"coach: {counted(problem_count(others), 'problem')} in the catalogue; "
              "run 'coach validate FILE' for details", file=sys.stderr)
    if args.routines:
        settings = plan_settings_from(args)
        rows = [_routine_row(catalogue, r, settings) for r in catalogue.routines.values()]
    else:
        rows = [_exercise_row(e) for e in catalogue.exercises.values()]
    if args.json:
        import json

        json.dump(rows, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return EXIT_OK
    width = max((len(r["id"]) for r in rows), default=0)
    for row in rows:
        print(f"{row['id']:<{width}}  {row['name']}  ({row['detail']})", file=out)
    return EXIT_OK


def _exercise_row(ex) -> dict:
    return {
        "id": ex.id,
        "name": ex.name,
        "category": ex.category.value,
        "position": ex.position.value,
        "equipment": list(ex.equipment),
        "sides": ex.dose.sides.value,
        "dose": ex.dose.describe(),
        "origin": ex.origin,
        "detail": f"{ex.category.value}; {ex.dose.describe()}",
    }


def _routine_row(catalogue, routine, settings) -> dict:
    from coach.core.plan import about, routine_seconds
    from coach.core.words import counted

    seconds = routine_seconds(catalogue, routine, settings) if routine.usable else None
    detail = f"{counted(len(routine.items), 'exercise')}, {routine.sessions_per_week} per week"
    if seconds is not None:
        detail += f", {about(seconds)}"
    if not routine.usable:
        detail += f"; cannot be started: {routine.unusable_reason}"
    return {
        "id": routine.id,
        "name": routine.name,
        "description": routine.description,
        "exercises": [item.exercise_id for item in routine.items],
        "sessions_per_week": routine.sessions_per_week,
        "weeks": routine.weeks,
        "usable": routine.usable,
        "unusable_reason": routine.unusable_reason,
        "origin": routine.origin,
        "seconds": None if seconds is None else round(seconds),
        "detail": detail,
    }
