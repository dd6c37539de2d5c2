"""Loading and validating catalogue files (schema 1, see docs/catalogue.md).

One entry point, `load_catalogue`, reads every file, validates every table, and returns the
catalogue together with every problem found. Nothing here raises on bad input: a broken file
becomes problems, valid exercises still load, and routines that cannot run are marked unusable.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import stat
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from coach.core import toml_lines
from coach.core.models import (
    CUE_KEYS,
    Catalogue,
    Category,
    Dose,
    DoseKind,
    Exercise,
    Position,
    Prescriber,
    Problem,
    Routine,
    RoutineItem,
    Side,
    Sides,
    TempoPhase,
)
from coach.core.words import counted, joined

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
MAX_FILE_BYTES = 1024 * 1024
#: The most [[exercise]] (and, separately, [[routine]]) tables read from one file; the rest are
#: one problem. With `MAX_PROBLEMS`, any file under `MAX_FILE_BYTES` is checked in a fraction of
#: a second and a few megabytes (a megabyte of empty tables once gave 700,000 problems).
MAX_TABLES = 1000
#: The most problems listed per file; the rest are counted on one last line ("... and 9 more").
MAX_PROBLEMS = 100
#: The most unknown keys named per table; the rest are counted on one line.
MAX_UNKNOWN_KEYS = 20
IMAGE_SUFFIXES = frozenset({".svg", ".png", ".jpg", ".jpeg"})
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

DOSE_KEYS = (
    "hold_seconds", "reps", "sets", "rest_seconds", "relax_seconds", "prepare_seconds",
    "duration_seconds", "open_ended", "tempo", "sides", "first_side",
)
PROGRESSION_KEYS = ("hold_seconds", "reps", "sets", "duration_seconds")
EXERCISE_KEYS = (
    "id", "name", "category", "summary", "steps", "position", "equipment", "cues", "cautions",
    "stop_if", "image", "sources", "easier", "harder", "old_ids", "progression", *DOSE_KEYS,
)
ROUTINE_KEYS = (
    "id", "name", "description", "sessions_per_week", "weeks", "rest_between_seconds",
    "prescriber", "affected_side", "affected_side_only", "item",
)
ITEM_KEYS = ("exercise", "note", *DOSE_KEYS)
TOP_KEYS = ("schema", "exercise", "routine")

# Allowed ranges, shared by exercises, routine items and progression steps.
RANGES: Mapping[str, tuple[float, float]] = {
    "hold_seconds": (1, 3600),
    "reps": (1, 100),
    "sets": (1, 20),
    "rest_seconds": (0, 600),
    "relax_seconds": (0, 120),
    "prepare_seconds": (0, 120),
    "duration_seconds": (1, 7200),
    "tempo.seconds": (0.5, 60),
    "sessions_per_week": (1, 14),
    "weeks": (1, 52),
    "rest_between_seconds": (0, 600),
}
INTEGER_KEYS = frozenset({"reps", "sets", "sessions_per_week", "weeks"})


class FileStatus(StrEnum):
    OK = "ok"
    PROBLEMS = "problems"      # read, with problems
    UNREADABLE = "unreadable"  # missing, a directory, no permission


@dataclass
class ParsedFile:
    """What one file contributed, before files are merged."""

    path: Path
    name: str
    status: FileStatus = FileStatus.OK
    exercises: list[Exercise] = field(default_factory=list)
    routines: list[tuple[Routine, list[int]]] = field(default_factory=list)  # with item lines
    problems: list[Problem] = field(default_factory=list)
    # ids of exercises that were defined but had problems: routines using them are unusable
    broken_exercise_ids: set[str] = field(default_factory=set)
    # where each of those was defined, and its name if it had one
    broken_exercises: dict[str, tuple[str | None, int | None]] = field(default_factory=dict)


def load_catalogue(
    files: Iterable[Path],
    *,
    assets_dir: Path,
    optional: Iterable[Path] = (),
) -> Catalogue:
    """Load `files` in order, then the `optional` ones that exist, into one catalogue.

    Never raises for bad input: every problem is in `Catalogue.problems`. A file that cannot be
    read is itself a problem. Ids already taken by an earlier file are reported and skipped.
    """
    parsed = [parse_file(path, assets_dir=assets_dir) for path in files]
    parsed += [parse_file(p, assets_dir=assets_dir) for p in optional if p.is_file()]
    return merge(parsed)


def merge(parsed: Sequence[ParsedFile]) -> Catalogue:
    """Combine parsed files: first definition of an id wins; then resolve routine items."""
    catalogue = Catalogue()
    broken: set[str] = set()
    where: dict[str, str] = {}
    for pf in parsed:
        # An exercise whose id an earlier file has is left out whatever else is wrong with
        # it: the clash is what to report, not the fields it left to the other one.
        clashes = {ident: at for ident, at in pf.broken_exercises.items()
                   if ident in catalogue.exercises}
        hidden = {f"exercise '{ident}'" for ident in clashes}
        catalogue.problems.extend(p for p in pf.problems
                                  if not (p.file == pf.name and p.subject in hidden))
        broken |= pf.broken_exercise_ids - clashes.keys()
        defined: list[tuple[int | None, str, str | None]] = [
            (ex.line, ex.id, ex.name) for ex in pf.exercises]
        defined += [(line, ident, name) for ident, (name, line) in clashes.items()]
        for line, ident, name in sorted(defined, key=lambda d: d[0] or 0):
            first = catalogue.exercises.get(ident)
            if first is not None:
                at = _at(first.origin, first.line)
                catalogue.problems.append(
                    _exercise_clash(pf.name, line, ident, name, f'"{first.name}" ({at})'))
                pf.status = FileStatus.PROBLEMS
        for ex in pf.exercises:
            catalogue.exercises.setdefault(ex.id, ex)
    _rename(catalogue)
    for pf in parsed:
        for routine, item_lines in pf.routines:
            if routine.id in catalogue.routines:
                catalogue.problems.append(
                    _collision(pf, "routine", routine.id, routine.line, where)
                )
                continue
            routine = _resolve_items(routine, item_lines, catalogue, broken, pf)
            catalogue.routines[routine.id] = routine
            where["routine " + routine.id] = _at(pf.name, routine.line)
    for ex in list(catalogue.exercises.values()):
        catalogue.exercises[ex.id] = _resolve_choices(ex, catalogue, broken)
    _cap_each_file(catalogue.problems)
    return catalogue


def _rename(catalogue: Catalogue) -> None:
    """Fill `catalogue.renamed` from the exercises' `old_ids`. An old id that a loaded
    exercise has as its own is left to that exercise; one claimed twice is a problem."""
    for ex in catalogue.exercises.values():
        for old in ex.old_ids:
            if old in catalogue.exercises:
                continue
            first = catalogue.renamed.get(old)
            if first is not None:
                catalogue.problems.append(Problem(
                    file=ex.origin, line=ex.line, subject=f"exercise '{ex.id}'",
                    field="old_ids",
                    message=f"the old id '{old}' is already claimed by exercise '{first}'; "
                            "it keeps leading there"))
                continue
            catalogue.renamed[old] = ex.id


def _resolve_choices(ex: Exercise, catalogue: Catalogue, broken: set[str]) -> Exercise:
    """`easier` and `harder` lead to the exercise's id now (an old id is followed); one that
    names no loaded exercise is reported and dropped."""
    found: dict[str, str | None] = {}
    for key in ("easier", "harder"):
        other: str | None = getattr(ex, key)
        if other is None:
            continue
        current = catalogue.current_id(other)
        if current in catalogue.exercises:
            found[key] = current
            continue
        if other in broken:  # its own problem is reported; say why it is not offered
            message = (f"{key} names exercise '{other}', which has problems of its own, "
                       "so it is not offered until they are fixed")
        else:
            message = (f"{key} names exercise '{other}', which does not exist"
                       + _did_you_mean(other, catalogue.exercises))
        catalogue.problems.append(Problem(file=ex.origin, line=ex.line,
                                          subject=f"exercise '{ex.id}'", field=key,
                                          message=message))
    easier, harder = found.get("easier", ex.easier), found.get("harder", ex.harder)
    if (easier, harder) == (ex.easier, ex.harder):
        return ex
    return replace(ex, easier=easier, harder=harder)


def _cap_each_file(problems: list[Problem]) -> None:
    """`capped` for each file whose problems (with those found while merging) are too many;
    the problems of the others stay as they are."""
    by_file: dict[str, list[Problem]] = {}
    for p in problems:
        by_file.setdefault(p.file, []).append(p)
    if all(len(ps) <= MAX_PROBLEMS for ps in by_file.values()):
        return
    problems[:] = [p for ps in by_file.values()
                   for p in (capped(ps) if len(ps) > MAX_PROBLEMS else ps)]


def problem_count(problems: Iterable[Problem]) -> int:
    """How many problems `problems` stands for: each one, and what a count of the rest says
    ("... and 9 more problems")."""
    return sum(p.more or 1 for p in problems)


def problems_summary(problems: Sequence[Problem]) -> tuple[str, str]:
    """The title and the opening words of the list of `problems` found at start-up. A file
    that could not be read at all loaded nothing, and says so; only then does the rest of
    the catalogue count as "loaded normally"."""
    unread = list(dict.fromkeys(Path(p.file).name for p in problems if p.whole_file))
    rest = [p for p in problems if not p.whole_file]
    left_out = ("the items below were left out or cannot be started until the file is fixed")
    if not unread:
        return ("Some exercises could not be loaded",
                f"Physio Coach found {counted(problem_count(rest), 'problem')} in its exercise "
                f"files. "
                f"Everything else loaded normally; {left_out}.")
    title = ("An exercise file could not be read" if len(unread) == 1
             else "Exercise files could not be read")
    intro = (f"Nothing from {joined(unread)} was loaded: the mistake shown below stops Physio "
             "Coach reading the file. Fix it, then start Physio Coach again.")
    if rest:
        intro += (f" The other files have {counted(problem_count(rest), 'problem')} too: "
                  f"{left_out}.")
    return title, intro


def start_blocked_reason(catalogue: Catalogue) -> str | None:
    """Why no routine can be started (None when one can): what the Home page says."""
    if catalogue.usable_routines():
        return None
    unread = next((p for p in catalogue.problems if p.whole_file), None)
    if unread is None:
        return ("No routine can be started: the catalogue has none that loaded without "
                "problems.")
    where = f" (a mistake at line {unread.line})" if unread.line is not None else ""
    return (f"No routine can be started: {Path(unread.file).name} could not be read{where}, "
            "so nothing from it loaded. Once it is fixed, start Physio Coach again.")


def _at(name: str, line: int | None) -> str:
    return f"{name}:{line}" if line is not None else name


def _exercise_clash(file: str, line: int | None, ident: str, name: str | None,
                    first: str) -> Problem:
    """An exercise whose id another one already has: it is left out until one is renamed."""
    this = f'The exercise "{name}"' if name else "This exercise"
    return Problem(file=file, line=line, subject=None, field="id",
                   message=f"{this} uses the id '{ident}', which {first} already has; rename "
                           "one (this one is left out until then)")


def _collision(
    pf: ParsedFile, kind: str, ident: str, line: int | None, where: dict[str, str]
) -> Problem:
    pf.status = FileStatus.PROBLEMS
    return Problem(
        file=pf.name, line=line, subject=f"{kind} '{ident}'", field="id",
        message=f"this id is already used at {where[kind + ' ' + ident]}; "
        "this definition is ignored (give it another id)",
    )


def _resolve_items(
    routine: Routine,
    item_lines: list[int],
    catalogue: Catalogue,
    broken: set[str],
    pf: ParsedFile,
) -> Routine:
    """Mark the routine unusable when an item names a missing or broken exercise."""
    if routine.unusable_reason is not None:
        return routine
    items = tuple(item if item.exercise_id in catalogue.exercises
                  or item.exercise_id not in catalogue.renamed
                  else replace(item, exercise_id=catalogue.renamed[item.exercise_id])
                  for item in routine.items)
    if items != routine.items:
        routine = replace(routine, items=items)
    for n, item in enumerate(routine.items, start=1):
        line = item_lines[n - 1] if n - 1 < len(item_lines) else routine.line
        if item.exercise_id in catalogue.exercises:
            problem = _check_effective_dose(catalogue, item, n)
            if problem is None:
                continue
            message = problem
        elif item.exercise_id in broken:
            return replace(
                routine,
                unusable_reason=f"item {n} uses exercise '{item.exercise_id}', which has problems",
            )
        else:
            message = (
                f"item {n} names exercise '{item.exercise_id}', which does not exist"
                + _did_you_mean(item.exercise_id, catalogue.exercises)
            )
        pf.status = FileStatus.PROBLEMS
        catalogue.problems.append(
            Problem(file=pf.name, line=line, subject=f"routine '{routine.id}'", field="item",
                    message=message)
        )
        return replace(routine, unusable_reason=message)
    return routine


def _check_effective_dose(catalogue: Catalogue, item: RoutineItem, n: int) -> str | None:
    """An item's overrides must leave the exercise with one consistent way of timing."""
    if not item.overrides:
        return None
    dose = catalogue.dose_for(item)
    reason = _timing_conflict(
        hold=dose.hold_seconds is not None,
        tempo=bool(dose.tempo),
        duration=dose.kind is DoseKind.DURATION,
    )
    if reason is None and "hold_seconds" in item.overrides and dose.tempo:
        reason = "hold_seconds does not apply: this exercise is timed by its tempo"
    if reason is None and dose.kind is DoseKind.DURATION and (
        "reps" in item.overrides or "sets" in item.overrides
    ):
        reason = "reps and sets do not apply to a timed activity"
    return f"item {n} ('{item.exercise_id}'): {reason}" if reason else None


def _timing_conflict(*, hold: bool, tempo: bool, duration: bool) -> str | None:
    given = [name for name, on in
             (("duration_seconds/open_ended", duration), ("hold_seconds", hold), ("tempo", tempo))
             if on]
    if len(given) > 1:
        return (
            "give only one way of timing it (duration_seconds or open_ended, hold_seconds, "
            f"or tempo); found {' and '.join(given)}"
        )
    if not given:
        return "has no dose: give hold_seconds, tempo, or duration_seconds (or open_ended = true)"
    return None


# --- one file --------------------------------------------------------------------------------


def parse_file(path: Path, *, assets_dir: Path, name: str | None = None) -> ParsedFile:
    """Read and validate one catalogue file. Never raises for bad content."""
    pf = ParsedFile(path=path, name=name if name is not None else str(path))
    text = _read_text(pf)
    if text is None:
        return pf
    return _parse(pf, text, assets_dir)


def parse_text(text: str, *, assets_dir: Path, name: str,
               path: Path | None = None) -> ParsedFile:
    """Validate catalogue text that is not (yet) a file, e.g. a routine being edited.

    The same rules and messages as `parse_file`; `name` is what problems are located in."""
    return _parse(ParsedFile(path=path or Path(name), name=name), text, assets_dir)


def _parse(pf: ParsedFile, text: str, assets_dir: Path) -> ParsedFile:
    path = pf.path
    data = _parse_toml(pf, text)
    if data is None:
        return pf
    # Locating keys costs a full scan of the text; only a file with problems needs it (one
    # with too many tables surely has some).
    over = any(isinstance(data.get(k), list) and len(data[k]) > MAX_TABLES
               for k in ("exercise", "routine"))
    if not over:
        _validate_document(pf, data, toml_lines.headers(text), assets_dir)
    if over or pf.problems:
        pf = ParsedFile(path=path, name=pf.name)
        _validate_document(pf, data, toml_lines.scan(text), assets_dir)
    if pf.problems and pf.status is FileStatus.OK:
        pf.status = FileStatus.PROBLEMS
    pf.problems = capped(pf.problems)
    return pf


def capped(problems: Sequence[Problem]) -> list[Problem]:
    """One file's problems in order, the first `MAX_PROBLEMS` of them and then one line that
    counts the rest ("... and 9 more problems"): nobody reads thousands, and each costs memory
    and time on its way to the screen. A count already in `problems` is added in."""
    listed = sorted((p for p in problems if not p.more), key=lambda p: p.order)
    more = sum(p.more for p in problems) + max(0, len(listed) - MAX_PROBLEMS)
    if not more:
        return listed
    return [*listed[:MAX_PROBLEMS],
            Problem(file=listed[0].file, more=more,
                    message=f"... and {more:,} more problem{'s' if more != 1 else ''}")]


def _file_problem(pf: ParsedFile, message: str, line: int | None = None,
                  column: int | None = None, *, whole_file: bool = False) -> None:
    """A problem with the file itself; `whole_file`: it stopped the file loading at all."""
    pf.problems.append(Problem(file=pf.name, line=line, column=column, message=message,
                               whole_file=whole_file))
    pf.status = FileStatus.PROBLEMS


def _read_text(pf: ParsedFile) -> str | None:
    try:
        raw = _read_regular_file(pf.path, MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        reason = "the file does not exist"
    except IsADirectoryError:
        reason = "this is a folder, not a catalogue file"
    except _NotRegularFile:
        reason = ("this is not a regular file (a pipe or a device), so it was not read; "
                  "save the catalogue as a file")
    except PermissionError:
        reason = "the file cannot be opened (permission denied)"
    except OSError as e:
        reason = f"the file cannot be read ({e.strerror or e})"
    else:
        if len(raw) > MAX_FILE_BYTES:
            _file_problem(pf, "the file is larger than 1 MiB; catalogue files are small text "
                              "files, so it was not loaded", whole_file=True)
            return None
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            column = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
            _file_problem(pf, f"the file is not UTF-8 text (a byte it cannot read at column "
                              f"{column}); save it as UTF-8", line=line, column=column,
                          whole_file=True)
            return None
    pf.problems.append(Problem(file=pf.name, message=reason, whole_file=True))
    pf.status = FileStatus.UNREADABLE
    return None


class _NotRegularFile(OSError):
    pass


def _read_regular_file(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of `path`, which must be a regular file: a pipe would wait for a
    writer for ever and a device could give bytes without end. It is opened without waiting
    (a pipe with no writer opens at once) and checked before anything is read, on the file
    actually opened, so nothing can be swapped in between."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
                 | getattr(os, "O_BINARY", 0))
    try:
        kind = os.fstat(fd).st_mode
        if stat.S_ISDIR(kind):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(kind):
            raise _NotRegularFile(errno.EINVAL, "not a regular file", str(path))
        with os.fdopen(fd, "rb") as f:
            fd = -1
            return f.read(limit)
    finally:
        if fd >= 0:
            os.close(fd)


_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


def _parse_toml(pf: ParsedFile, text: str) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        message = str(e)
        line = column = None
        m = _TOML_AT.search(message)
        if m:
            line, column = int(m.group(1)), int(m.group(2))
            message = message[: m.start()]
        elif _TOML_END.search(message):
            line = text.count("\n") + 1
            message = _TOML_END.sub("", message) + " at the end of the file"
        where = f" (column {column})" if column else ""
        _file_problem(pf, f"this is not valid TOML: {message[:1].lower()}{message[1:]}{where}",
                      line=line, column=column, whole_file=True)
    except RecursionError:
        _file_problem(pf, "the file is nested too deeply to read (brackets inside brackets, "
                          "thousands of levels); it is not a catalogue", whole_file=True)
    except (ValueError, MemoryError) as e:
        _file_problem(pf, f"this is not valid TOML ({e})", whole_file=True)
    return None


def _validate_document(pf: ParsedFile, data: dict[str, Any],
                       lines: toml_lines.CatalogueLines, assets_dir: Path) -> None:
    schema = data.get("schema")
    schema_line = lines.root.of("schema")
    if schema is None:
        _file_problem(pf, f"'schema = {SCHEMA_VERSION}' is missing at the top of the file",
                      line=1, whole_file=True)
        return
    if type(schema) is not int or schema != SCHEMA_VERSION:
        _file_problem(pf, f"schema {schema!r} is not supported; this version of Physio Coach "
                          f"reads schema {SCHEMA_VERSION}", line=schema_line, whole_file=True)
        return
    unknown = [key for key in data if key not in TOP_KEYS]
    for key in unknown[:MAX_UNKNOWN_KEYS]:
        _file_problem(pf, f"unknown top-level key '{key}'" + _did_you_mean(key, TOP_KEYS),
                      line=lines.root.of(key))
    if len(unknown) > MAX_UNKNOWN_KEYS:
        _file_problem(pf, f"... and {len(unknown) - MAX_UNKNOWN_KEYS:,} more unknown top-level "
                          "keys", line=lines.root.of(unknown[MAX_UNKNOWN_KEYS]))
    exercises = _table_array(pf, data, "exercise", lines)
    routines = _table_array(pf, data, "routine", lines)
    seen: dict[str, tuple[str | None, int | None]] = {}
    images = _Images(assets_dir)
    for index, table in enumerate(exercises):
        where = lines.exercises[index] if index < len(lines.exercises) else lines.root
        _parse_exercise(pf, table, where, images, seen)
    seen_routines: dict[str, int | None] = {}
    for index, table in enumerate(routines):
        where = lines.routines[index] if index < len(lines.routines) else lines.root
        items = lines.items[index] if index < len(lines.items) else []
        _parse_routine(pf, table, where, items, seen_routines)


def _table_array(pf: ParsedFile, data: dict[str, Any], key: str,
                 lines: toml_lines.CatalogueLines) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if isinstance(value, dict):
        _file_problem(pf, f"write [[{key}]] (double brackets) before each {key}, not [{key}]",
                      line=lines.root.of(key))
        return []
    if not isinstance(value, list):
        _file_problem(pf, f"'{key}' must be a list of [[{key}]] tables", line=lines.root.of(key))
        return []
    if len(value) > MAX_TABLES:
        _file_problem(pf, f"the file has {len(value):,} [[{key}]] tables; only the first "
                          f"{MAX_TABLES:,} were read (split it into several files)")
        value = value[:MAX_TABLES]
    tables = []
    for n, entry in enumerate(value, start=1):
        if isinstance(entry, dict):
            tables.append(entry)
        else:
            _file_problem(pf, f"{key} number {n} is not a table", line=lines.root.of(key))
    return tables


# --- field checking --------------------------------------------------------------------------

E = TypeVar("E", bound=StrEnum)


class _Fields:
    """Typed access to one table's fields that records a located problem for each bad value."""

    def __init__(self, pf: ParsedFile, table: Mapping[str, Any], subject: str,
                 lines: toml_lines.TableLines, prefix: str = "") -> None:
        self.pf = pf
        self.table = table
        self.subject = subject
        self.lines = lines
        self.prefix = prefix  # "item 2: " for routine items
        self.problems: list[Problem] = []

    def problem(self, key: str | None, message: str, line: int | None = None) -> None:
        self.problems.append(
            Problem(file=self.pf.name, line=line if line is not None else self.lines.of(key),
                    subject=self.subject, field=key, message=self.prefix + message)
        )

    def adopt(self, sub: _Fields, key: str) -> None:
        """Take the problems of `sub` (a table inside this one) as this table's, located at
        the line of `key`."""
        for p in sub.problems:
            self.problems.append(Problem(file=p.file, line=self.lines.of(key), subject=p.subject,
                                         field=key, message=p.message))

    def unknown(self, allowed: Sequence[str]) -> set[str]:
        """Report keys not in `allowed`; return the allowed keys they were probably meant as."""
        meant = set()
        unknown = [key for key in self.table if key not in allowed]
        for key in unknown[:MAX_UNKNOWN_KEYS]:
            close = _closest(key, allowed)
            if close is not None:
                meant.add(close)
            self.problem(key, f"unknown key '{key}'" + _did_you_mean(key, allowed))
        if len(unknown) > MAX_UNKNOWN_KEYS:
            self.problem(unknown[MAX_UNKNOWN_KEYS],
                         f"... and {len(unknown) - MAX_UNKNOWN_KEYS:,} more unknown keys")
        return meant

    def missing(self, key: str, hint: str = "") -> None:
        self.problem(key, f"the required field '{key}' is missing{hint}")

    def text(self, key: str, *, required: bool = False, max_len: int = 500) -> str | None:
        value = self.table.get(key)
        if value is None:
            if required:
                self.missing(key)
            return None
        if not isinstance(value, str):
            self.problem(key, f"{key} must be text, got {_describe(value)}")
            return None
        if not value.strip():
            self.problem(key, f"{key} must not be empty")
            return None
        if len(value) > max_len:
            self.problem(key, f"{key} is too long ({len(value)} characters; at most {max_len})")
            return None
        return value.strip()

    def ident(self, key: str) -> str | None:
        value = self.text(key, required=True, max_len=64)
        if value is not None and not _ID.fullmatch(value):
            self.problem(key, f"{key} '{value}' must be lowercase letters, digits and single "
                              "dashes, like 'knee-to-chest'")
            return None
        return value

    def texts(self, key: str, *, required: bool = False, min_count: int = 0,
              max_count: int = 20, max_len: int = 400) -> tuple[str, ...] | None:
        value = self.table.get(key)
        if value is None:
            if required:
                self.missing(key)
                return None
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.problem(key, f"{key} must be a list of text, got {_describe(value)}")
            return None
        if not min_count <= len(value) <= max_count:
            self.problem(key, f"{key} must have {min_count} to {max_count} entries, "
                              f"got {len(value)}")
            return None
        out = []
        for n, entry in enumerate(value, start=1):
            if not isinstance(entry, str) or not entry.strip():
                self.problem(key, f"{key} entry {n} must be non-empty text, got "
                                  f"{_describe(entry)}")
                return None
            if len(entry) > max_len:
                self.problem(key, f"{key} entry {n} is too long ({len(entry)} characters; "
                                  f"at most {max_len})")
                return None
            out.append(entry.strip())
        return tuple(out)

    def number(self, key: str, *, integer: bool | None = None,
               value: Any = None, label: str | None = None) -> float | int | None:
        """A number within RANGES[key]; `value` checks a value from elsewhere (tempo entries)."""
        if value is None:
            value = self.table.get(key)
        if value is None:
            return None
        label = label or key
        integer = key in INTEGER_KEYS if integer is None else integer
        lo, hi = RANGES[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = "a whole number" if integer else "a number"
            self.problem(key.split(".")[0], f"{label} must be {kind}, got {_describe(value)}")
            return None
        if integer and not isinstance(value, int):
            if value.is_integer():
                value = int(value)
            else:
                self.problem(key.split(".")[0],
                             f"{label} must be a whole number, got {_number(value)}")
                return None
        if value != value or not lo <= value <= hi:  # value != value: NaN
            self.problem(key.split(".")[0],
                         f"{label} must be between {lo:g} and {hi:g}, got {_number(value)}")
            return None
        return value

    def flag(self, key: str) -> bool | None:
        value = self.table.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.problem(key, f"{key} must be true or false, got {_describe(value)}")
            return None
        return value

    def choice(self, key: str, enum: type[E], *, required: bool = False) -> E | None:
        value = self.table.get(key)
        if value is None:
            if required:
                self.missing(key, f" (one of {_choices(enum)})")
            return None
        try:
            return enum(value)
        except ValueError:
            shown = f"'{value}'" if isinstance(value, str) else _describe(value)
            hint = _did_you_mean(value, [e.value for e in enum]) if isinstance(value, str) else ""
            self.problem(key, f"{key} must be one of {_choices(enum)}, got {shown}{hint}")
            return None

    def subtable(self, key: str) -> Mapping[str, Any] | None:
        value = self.table.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problem(key, f"{key} must be a table like {{ key = \"value\" }}, "
                              f"got {_describe(value)}")
            return None
        return value


def _choices(enum: type[StrEnum]) -> str:
    return ", ".join(e.value for e in enum)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"text \"{shown}\""
    if isinstance(value, int | float):
        return f"the number {_number(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__} value"


def _number(value: int | float) -> str:
    """A number as a problem shows it: "20", "2.5", "1e+06"; an integer too large for a float
    (TOML integers have no limit in Python) as its first digits."""
    try:
        return f"{value:g}"
    except OverflowError:
        sign, digits = ("-" if value < 0 else ""), str(abs(value))
        return f"{sign}{digits[:17]}... ({len(digits)} digits)"


def _closest(word: str, options: Iterable[str]) -> str | None:
    """The option `word` was most likely meant as, if one is close enough."""
    import difflib  # only for files with problems: not at start-up

    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return close[0] if close else None


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = _closest(word, options)
    return f" (did you mean '{close}'?)" if close is not None else ""


# --- doses -----------------------------------------------------------------------------------


def _dose_fields(f: _Fields) -> dict[str, Any]:
    """The dose keys present in `f.table`, checked one by one (not yet for consistency)."""
    out: dict[str, Any] = {}
    for key in ("hold_seconds", "reps", "sets", "rest_seconds", "relax_seconds",
                "prepare_seconds", "duration_seconds"):
        if key in f.table:
            value = f.number(key)
            if value is not None:
                out[key] = value
    if "open_ended" in f.table:
        flag = f.flag("open_ended")
        if flag is not None:
            out["open_ended"] = flag
    if "sides" in f.table:
        sides = f.choice("sides", Sides)
        if sides is not None:
            out["sides"] = sides
    if "first_side" in f.table:
        side = f.choice("first_side", Side)
        if side is not None:
            out["first_side"] = side
    if "tempo" in f.table:
        tempo = _tempo(f)
        if tempo is not None:
            out["tempo"] = tempo
    return out


def _tempo(f: _Fields) -> tuple[TempoPhase, ...] | None:
    value = f.table.get("tempo")
    if not isinstance(value, list) or not value:
        f.problem("tempo", "tempo must be a list of parts like "
                           "[{ name = \"lift\", seconds = 2 }, ...]")
        return None
    if len(value) > 6:
        f.problem("tempo", f"tempo may have at most 6 parts, got {len(value)}")
        return None
    phases = []
    for n, part in enumerate(value, start=1):
        if not isinstance(part, dict):
            f.problem("tempo", f"tempo part {n} must be a table like "
                               "{ name = \"lift\", seconds = 2 }")
            return None
        sub = _Fields(f.pf, part, f.subject, f.lines, prefix=f.prefix + f"tempo part {n}: ")
        sub.unknown(("name", "seconds", "cue"))
        name = sub.text("name", required=True, max_len=30)
        if "seconds" not in part:
            sub.missing("seconds")
        seconds = sub.number("tempo.seconds", value=part.get("seconds"), label="seconds")
        cue = sub.text("cue", max_len=80)
        f.adopt(sub, "tempo")
        if sub.problems or name is None or seconds is None:
            return None
        phases.append(TempoPhase(name=name, seconds=float(seconds), cue=cue))
    return tuple(phases)


def _check_dose(f: _Fields, fields: dict[str, Any]) -> Dose | None:
    """Build an exercise's dose from its checked fields; report an inconsistent combination."""
    duration = "duration_seconds" in fields or fields.get("open_ended") is True
    reason = _timing_conflict(hold="hold_seconds" in fields, tempo="tempo" in fields,
                              duration=duration)
    if reason is None and duration and ("reps" in f.table or "sets" in f.table):
        reason = "reps and sets do not apply to a timed activity (duration_seconds/open_ended)"
    if reason is not None:
        keys = [k for k in ("hold_seconds", "tempo", "duration_seconds", "open_ended", "reps")
                if k in f.table]
        f.problem(keys[0] if keys else None, reason)
        return None
    if "first_side" in fields and fields.get("sides") is not Sides.EACH:
        f.problem("first_side", "first_side only applies when sides = \"each\"")
        return None
    return Dose(**fields)


def _progression(f: _Fields, dose: Dose | None) -> tuple[Mapping[str, Any], ...]:
    value = f.table.get("progression")
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) < 2:
        f.problem("progression", "progression must be a list of at least two doses, like "
                                 "[{ hold_seconds = 30 }, { hold_seconds = 45 }]")
        return ()
    steps: list[Mapping[str, Any]] = []
    for n, step in enumerate(value, start=1):
        if not isinstance(step, dict) or not step:
            f.problem("progression", f"progression step {n} must be a table like "
                                     "{ hold_seconds = 45 }")
            return ()
        sub = _Fields(f.pf, step, f.subject, f.lines, prefix=f"progression step {n}: ")
        sub.unknown(PROGRESSION_KEYS)
        checked = {k: sub.number(k) for k in PROGRESSION_KEYS if k in step}
        if dose is not None and not sub.problems:
            if "hold_seconds" in checked and dose.kind is not DoseKind.HOLD:
                sub.problem("hold_seconds", "hold_seconds does not apply to this exercise's dose")
            if "duration_seconds" in checked and dose.kind is not DoseKind.DURATION:
                sub.problem("duration_seconds",
                            "duration_seconds does not apply to this exercise's dose")
        f.adopt(sub, "progression")
        if sub.problems:
            return ()
        steps.append({k: v for k, v in checked.items() if v is not None})
    return tuple(steps)


# --- exercises and routines ------------------------------------------------------------------


def _subject(kind: str, table: Mapping[str, Any], n: int) -> str:
    ident = table.get("id")
    if isinstance(ident, str) and ident.strip():
        return f"{kind} '{ident.strip()}'"
    return f"{kind} number {n}"


def _parse_exercise(pf: ParsedFile, table: Mapping[str, Any], lines: toml_lines.TableLines,
                    images: _Images,
                    seen: dict[str, tuple[str | None, int | None]]) -> None:
    subject = _subject("exercise", table, len(seen) + 1)
    f = _Fields(pf, table, subject, lines)
    misspelt = f.unknown(EXERCISE_KEYS)
    ident = f.ident("id")
    name = f.text("name", required=True, max_len=80)
    category = f.choice("category", Category, required=True)
    summary = f.text("summary", required=True, max_len=600)
    steps = f.texts("steps", required=True, min_count=1, max_count=12)
    position = f.choice("position", Position, required=True)
    equipment = f.texts("equipment", max_len=40)
    cautions = f.texts("cautions")
    stop_if = f.texts("stop_if")
    sources = f.texts("sources")
    easier = f.text("easier", max_len=64)
    harder = f.text("harder", max_len=64)
    old_ids = f.texts("old_ids", max_count=10, max_len=64)
    for old in old_ids or ():
        if not _ID.fullmatch(old):
            f.problem("old_ids", f"old_ids entry '{old}' must be lowercase letters, digits and "
                                 "single dashes, like 'knee-to-chest'")
    cues = _cues(f)
    before = len(f.problems)
    dose_fields = _dose_fields(f)
    # A misspelt dose key already explains a missing dose: do not report it twice.
    dose_ok = len(f.problems) == before and not misspelt & set(DOSE_KEYS)
    dose = _check_dose(f, dose_fields) if dose_ok else None
    progression = _progression(f, dose)
    for key, other in (("easier", easier), ("harder", harder)):
        if ident is not None and ident == other:
            f.problem(key, f"{key} cannot name the exercise itself")
    if ident is not None and ident in (old_ids or ()):
        f.problem("old_ids", "old_ids cannot name the exercise's own id")
    # Image problems cost the exercise its picture, not its place in the catalogue.
    image_fields = _Fields(pf, table, subject, lines)
    image = images.resolve(image_fields)
    pf.problems.extend(image_fields.problems)

    if ident is not None and ident in seen:
        # Left out whatever else is wrong with it: the clash is what to report.
        first_name, first_line = seen[ident]
        first = f'"{first_name}" (line {first_line})' if first_name else f"line {first_line}"
        pf.problems.append(_exercise_clash(pf.name, lines.of("id"), ident, name, first))
        pf.status = FileStatus.PROBLEMS
        return
    if ident is not None:
        seen[ident] = (name, lines.line)
    pf.problems.extend(f.problems)
    if f.problems:
        if ident is not None:
            pf.broken_exercise_ids.add(ident)
            pf.broken_exercises[ident] = (name, lines.line)
        return
    assert ident
    assert name
    assert category
    assert summary
    assert steps
    assert position
    assert dose
    pf.exercises.append(
        Exercise(
            id=ident, name=name, category=category, summary=summary, steps=steps,
            position=position, dose=dose, equipment=equipment or (), cautions=cautions or (),
            stop_if=stop_if or (), image=image, sources=sources or (), progression=progression,
            easier=easier, harder=harder, old_ids=old_ids or (), cues=cues or {},
            origin=pf.name, line=lines.line,
        )
    )


def _claim(f: _Fields, ident: str, seen: dict[str, int | None]) -> bool:
    """Take `ident` for this table; False (with a problem) when this file used it already."""
    if ident in seen:
        first = seen[ident]
        f.problem("id", f"this id is already used{f' at line {first}' if first else ''} "
                        "in this file; this definition is ignored")
        return False
    seen[ident] = f.lines.line
    return True


def _cues(f: _Fields) -> dict[str, str] | None:
    table = f.subtable("cues")
    if table is None:
        return None
    out = {}
    for key, value in table.items():
        if key not in CUE_KEYS:
            f.problem("cues", f"unknown cue '{key}'" + _did_you_mean(key, CUE_KEYS)
                              + f"; cues may be {', '.join(CUE_KEYS)}")
        elif not isinstance(value, str) or not value.strip() or len(value) > 200:
            f.problem("cues", f"cue '{key}' must be short non-empty text")
        else:
            out[key] = value.strip()
    return out


class _Images:
    """Resolves `image` fields under assets/, refusing (without touching) anything outside it."""

    def __init__(self, assets_dir: Path) -> None:
        self.root = os.path.abspath(assets_dir)
        self.real_root = os.path.realpath(self.root)
        self._cache: dict[str, tuple[Path | None, str | None]] = {}

    def resolve(self, f: _Fields) -> Path | None:
        rel = f.text("image", max_len=200)
        if rel is None:
            return None
        if rel not in self._cache:
            self._cache[rel] = self._check(rel)
        path, problem = self._cache[rel]
        if problem is not None:
            f.problem("image", problem)
        return path

    def _check(self, rel: str) -> tuple[Path | None, str | None]:
        if "\0" in rel:  # os.path.realpath would raise on it
            return None, ("image contains a NUL character, which no file name can have; "
                          "it was not read")
        if os.path.isabs(rel) or "\\" in rel or rel.startswith("~"):
            return None, (f"image '{rel}' must be a path inside the assets folder, like "
                          "'illustrations/bridge.svg'; it was not read")
        joined = os.path.normpath(os.path.join(self.root, rel))
        if not joined.startswith(self.root + os.sep):
            return None, f"image '{rel}' points outside the assets folder; it was not read"
        if os.path.splitext(joined)[1].lower() not in IMAGE_SUFFIXES:
            return None, f"image '{rel}' must be an SVG, PNG or JPEG file"
        real = os.path.realpath(joined)
        if not real.startswith(self.real_root + os.sep):
            return None, (f"image '{rel}' is a link to a file outside the assets folder; "
                          "it was not read")
        if not os.path.isfile(real):
            return None, (f"image '{rel}' does not exist in the assets folder; "
                          "a placeholder is shown instead")
        return Path(real), None


def _parse_routine(pf: ParsedFile, table: Mapping[str, Any], lines: toml_lines.TableLines,
                   item_lines: list[toml_lines.TableLines],
                   seen: dict[str, int | None]) -> None:
    subject = _subject("routine", table, len(seen) + 1)
    f = _Fields(pf, table, subject, lines)
    f.unknown(ROUTINE_KEYS)
    ident = f.ident("id")
    name = f.text("name", required=True, max_len=80)
    description = f.text("description", required=True, max_len=1000)
    per_week = f.number("sessions_per_week")
    weeks = f.number("weeks")
    rest_between = f.number("rest_between_seconds")
    prescriber = _prescriber(f)
    affected_side = f.choice("affected_side", Side)
    affected_only = f.flag("affected_side_only")
    if affected_only and "affected_side" not in f.table:
        f.problem("affected_side_only", "affected_side_only needs affected_side "
                                        "(\"left\" or \"right\") to say which side")
    items, numbers = _items(f, item_lines)

    if ident is None or not _claim(f, ident, seen):
        pf.problems.extend(f.problems)
        return
    pf.problems.extend(f.problems)
    reason = None
    if f.problems:
        first_problem = f.problems[0]
        reason = first_problem.message
    routine = Routine(
        id=ident, name=name or ident, description=description or "", items=tuple(items),
        sessions_per_week=int(per_week) if per_week is not None else 3,
        weeks=int(weeks) if weeks is not None else None,
        rest_between_seconds=rest_between if rest_between is not None else 15,
        prescriber=prescriber, affected_side=affected_side,
        affected_side_only=bool(affected_only) and affected_side is not None,
        unusable_reason=reason, origin=pf.name, line=lines.line,
    )
    pf.routines.append((routine, numbers))


def _prescriber(f: _Fields) -> Prescriber | None:
    table = f.subtable("prescriber")
    if table is None:
        return None
    sub = _Fields(f.pf, table, f.subject, f.lines, prefix="prescriber: ")
    sub.unknown(("name", "contact"))
    name = sub.text("name", required=True, max_len=100)
    contact = sub.text("contact", max_len=200)
    f.adopt(sub, "prescriber")
    if sub.problems or name is None:
        return None
    return Prescriber(name=name, contact=contact or "")


def _items(f: _Fields,
           item_lines: list[toml_lines.TableLines]) -> tuple[list[RoutineItem], list[int]]:
    value = f.table.get("item")
    if value is None:
        f.missing("item", " (add at least one [[routine.item]] with an exercise)")
        return [], []
    if not isinstance(value, list) or not value:
        f.problem("item", "item must be a list of [[routine.item]] tables")
        return [], []
    if len(value) > 40:
        f.problem("item", f"a routine may have at most 40 items, got {len(value)}")
        return [], []
    items: list[RoutineItem] = []
    numbers: list[int] = []
    for n, entry in enumerate(value, start=1):
        where = item_lines[n - 1] if n - 1 < len(item_lines) else f.lines
        line = where.line if where is not f.lines else f.lines.of("item")
        if not isinstance(entry, dict):
            f.problem("item", f"item {n} must be a table with an 'exercise' key", line=line)
            continue
        sub = _Fields(f.pf, entry, f.subject, where, prefix=f"item {n}: ")
        sub.unknown(ITEM_KEYS)
        exercise = sub.text("exercise", required=True, max_len=64)
        note = sub.text("note", max_len=500)
        overrides = _dose_fields(sub)
        if "first_side" in overrides and overrides.get("sides") is Sides.NONE:
            sub.problem("first_side", "first_side only applies when sides = \"each\"")
        f.problems.extend(sub.problems)
        if sub.problems or exercise is None:
            continue
        items.append(RoutineItem(exercise_id=exercise, overrides=overrides, note=note or ""))
        numbers.append(line)
    return items, numbers
