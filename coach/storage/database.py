"""Opening the history file safely: connection settings, integrity, moving aside, backups.

Nothing here knows about sessions; `coach.storage.history` builds on these pieces.

Durability: the history runs in WAL mode with `synchronous=FULL`. WAL lets the progress tab or
`coach history` read while a session writes, and a commit appends to the WAL instead of
rewriting pages. With `synchronous=NORMAL` a WAL commit survives the app being killed but not a
power cut or an OS crash (the last commits may be lost, though the file stays consistent).
The issue asks that every set completed before a crash *or power cut* is kept, so each commit
must reach the disk: FULL fsyncs the WAL on every commit. The cost is one fsync per completed
set, a few per minute at most, measured in `benchmarks/bench_history.py` (p95 well under the
10 ms target on an SSD).
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

log = logging.getLogger(__name__)

#: Seconds a write waits for another process's write (e.g. a second window) before giving up.
BUSY_TIMEOUT_SECONDS = 2.0
#: How many daily backups are kept.
BACKUPS_KEPT = 5
#: Files SQLite keeps beside the database; they travel with it when it is moved aside.
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")

# SQLite primary result codes (https://sqlite.org/rescode.html).
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

Connect = Callable[[Path], sqlite3.Connection]


def connect(path: Path) -> sqlite3.Connection:
    """A read-write connection in autocommit mode: every transaction is an explicit BEGIN."""
    return sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS)


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write, used to inspect a file before anything touches it."""
    uri = path.absolute().as_uri() + "?mode=ro"
    return sqlite3.connect(uri, uri=True, isolation_level=None,
                           timeout=BUSY_TIMEOUT_SECONDS)


def snapshot(path: Path) -> sqlite3.Connection:
    """An in-memory copy of the history at `path`, for reading where nothing can be written
    (a read-only folder): opened `mode=ro`, else `immutable=1` (SQLite cannot open a WAL file
    read-only without its shared-memory file, which a read-only folder cannot get). A missing
    or empty file gives an empty database. The caller migrates the copy."""
    copy = sqlite3.connect(":memory:", isolation_level=None)
    if not path.exists() or path.stat().st_size == 0:
        return copy
    uri = path.absolute().as_uri()
    try:
        source = sqlite3.connect(uri + "?mode=ro", uri=True, isolation_level=None)
        try:
            source.backup(copy)
        finally:
            source.close()
    except sqlite3.OperationalError as e:
        log.info("reading %s as immutable (%s)", path, e)
        if path.with_name(path.name + "-wal").exists():
            log.warning("%s has a write-ahead log that cannot be read from a read-only "
                        "folder; the latest records in it are not shown", path)
        source = sqlite3.connect(uri + "?immutable=1", uri=True, isolation_level=None)
        try:
            source.backup(copy)
        finally:
            source.close()
    return copy


def configure(conn: sqlite3.Connection) -> None:
    """WAL, FULL synchronous (see the module docstring) and enforced foreign keys."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")


# --- classifying failures --------------------------------------------------------------------


class WriteProblem(StrEnum):
    """Why a write cannot be done now; each is worth retrying later."""

    DISK_FULL = "disk-full"
    READ_ONLY = "read-only"
    BUSY = "busy"
    IO_ERROR = "io-error"
    DAMAGED = "damaged"

    @property
    def reason(self) -> str:
        return _REASONS[self][0]

    @property
    def when(self) -> str:
        return _REASONS[self][1]

    @property
    def needs_new_connection(self) -> bool:
        """A connection opened read-only stays read-only; a full disk can be retried as is."""
        return self in (WriteProblem.READ_ONLY, WriteProblem.IO_ERROR, WriteProblem.DAMAGED)


_REASONS = {
    WriteProblem.DISK_FULL: ("the disk is full", "space is free"),
    WriteProblem.READ_ONLY: ("the history folder cannot be written to",
                             "the folder can be written to again"),
    WriteProblem.BUSY: ("another program is using the history file", "it is free again"),
    WriteProblem.IO_ERROR: ("the disk reported an error", "the disk works again"),
    # The next attempt reopens the file: the damaged one is moved aside and a new one started.
    WriteProblem.DAMAGED: ("the history file is damaged", "a new history file is started"),
}

_CODES = {
    SQLITE_FULL: WriteProblem.DISK_FULL,
    SQLITE_READONLY: WriteProblem.READ_ONLY,
    SQLITE_PERM: WriteProblem.READ_ONLY,
    SQLITE_CANTOPEN: WriteProblem.READ_ONLY,
    SQLITE_BUSY: WriteProblem.BUSY,
    SQLITE_LOCKED: WriteProblem.BUSY,
    SQLITE_IOERR: WriteProblem.IO_ERROR,
    SQLITE_CORRUPT: WriteProblem.DAMAGED,
    SQLITE_NOTADB: WriteProblem.DAMAGED,
}

_MESSAGES = (
    ("database or disk is full", WriteProblem.DISK_FULL),
    ("readonly database", WriteProblem.READ_ONLY),
    ("unable to open database", WriteProblem.READ_ONLY),
    ("database is locked", WriteProblem.BUSY),
    ("disk i/o error", WriteProblem.IO_ERROR),
    ("malformed", WriteProblem.DAMAGED),
    ("not a database", WriteProblem.DAMAGED),
)

_ERRNOS = {
    errno.ENOSPC: WriteProblem.DISK_FULL,
    errno.EDQUOT: WriteProblem.DISK_FULL,
    errno.EACCES: WriteProblem.READ_ONLY,
    errno.EPERM: WriteProblem.READ_ONLY,
    errno.EROFS: WriteProblem.READ_ONLY,
}


def write_problem(error: BaseException) -> WriteProblem | None:
    """The retryable problem behind `error`, or None when it is something else (a bug)."""
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if isinstance(code, int) and (code & 0xFF) in _CODES:
            return _CODES[code & 0xFF]
        text = str(error).lower()
        for fragment, problem in _MESSAGES:
            if fragment in text:
                return problem
        return None
    if isinstance(error, OSError):
        return _ERRNOS.get(error.errno or 0, WriteProblem.IO_ERROR)
    return None


#: Below this many free bytes a disk counts as full: SQLite's shared-memory file alone takes
#: 32 KB, and a disk that full reports "disk I/O error" when it cannot grow it.
FULL_BELOW_BYTES = 128 * 1024


def disk_full(folder: Path) -> bool:
    """True when the disk `folder` is on has (almost) no room left."""
    try:
        return shutil.disk_usage(folder).free < FULL_BELOW_BYTES
    except OSError:
        return False


def is_corruption(error: BaseException) -> bool:
    """True when SQLite says the file is damaged or not a database at all."""
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return (code & 0xFF) in (SQLITE_CORRUPT, SQLITE_NOTADB)
    text = str(error).lower()
    return "malformed" in text or "not a database" in text


# --- integrity -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inspection:
    """What a read-only look at an existing file found."""

    version: int | None
    """`PRAGMA user_version`, or None when the file could not be read."""
    damage: str | None = None
    """Why the file is considered corrupt (quick_check's first lines, or SQLite's error)."""


SQLITE_HEADER = b"SQLite format 3\x00"


def inspect(path: Path, newest: int) -> Inspection:
    """Read the version and run `PRAGMA quick_check` without writing anything to the file.

    The version is read from the file's header bytes first, with no SQLite connection at all,
    so a history above `newest` (from a newer app) is reported without opening it: not even a
    WAL or shared-memory file appears beside it. A file that does not exist (or is empty) is
    version 0 and healthy; one without SQLite's header (or a folder in its place) is damaged.
    A file SQLite cannot open read-only for another reason (a permission, a lock) is reported
    healthy: the read-write open that follows decides what to do with it.
    """
    if path.is_dir():
        return Inspection(version=None, damage="a folder, not a history file")
    try:
        with path.open("rb") as f:
            header = f.read(100)
    except FileNotFoundError:
        return Inspection(version=0)
    if not header:
        return Inspection(version=0)
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        return Inspection(version=None, damage="not an SQLite database (bad header)")
    version = int.from_bytes(header[60:64], "big", signed=True)
    if version > newest:
        return Inspection(version=version)
    try:
        conn = connect_read_only(path)
    except sqlite3.Error as e:
        return _inspection_failed(path, e)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check(5)")]
    except sqlite3.Error as e:
        return _inspection_failed(path, e)
    finally:
        conn.close()
    if rows != ["ok"]:
        return Inspection(version=version, damage="; ".join(rows))
    return Inspection(version=version)


def _inspection_failed(path: Path, error: sqlite3.Error) -> Inspection:
    if is_corruption(error):
        return Inspection(version=None, damage=str(error))
    log.warning("could not inspect %s read-only: %s", path, error)
    return Inspection(version=None)


def integrity_check(conn: sqlite3.Connection) -> list[str]:
    """The full `PRAGMA integrity_check`: ["ok"] for a healthy file (used by tests and tools)."""
    return [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]


def move_aside(path: Path, now: datetime) -> Path:
    """Rename a damaged database (and its WAL/SHM/journal) out of the way; the new name.

    Nothing is deleted: the person, or someone helping them, can still try to rescue it. The
    companions move with it, so a stale WAL can never be replayed into the fresh database.
    """
    stamp = now.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 2
    while aside.exists():
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    os.replace(path, aside)
    for suffix in COMPANION_SUFFIXES:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + suffix))
    log.error("history %s was damaged; moved aside to %s", path, aside)
    return aside


def move_orphans(path: Path, now: datetime) -> list[Path]:
    """When `path` does not exist, move a WAL, shared-memory or journal file left beside it out
    of the way (renamed `…-wal.orphan-<stamp>`), so SQLite never replays a deleted history's
    log into a new one. The new names (usually none)."""
    if path.exists():
        return []
    stamp = now.strftime("%Y%m%d-%H%M%S")
    moved = []
    for suffix in COMPANION_SUFFIXES:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            aside = companion.with_name(f"{companion.name}.orphan-{stamp}")
            os.replace(companion, aside)
            log.warning("moved %s, left without its database, to %s", companion, aside)
            moved.append(aside)
    return moved


def copy_to(conn: sqlite3.Connection, target: Path) -> None:
    """Write the database open on `conn` to `target` (through a temporary name renamed into
    place), self-contained: no WAL beside it."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        copy = sqlite3.connect(partial, isolation_level=None)
        try:
            conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def session_count(path: Path) -> int:
    """How many sessions the history at `path` holds, read without writing (0 if unreadable)."""
    try:
        conn = snapshot(path)
    except (sqlite3.Error, OSError):
        return 0
    try:
        return int(conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


# --- backups ---------------------------------------------------------------------------------


def backup_dir(path: Path) -> Path:
    return path.parent / "backups"


def backup_path(path: Path, day: date) -> Path:
    return backup_dir(path) / f"{path.stem}-{day.isoformat()}.db"


def _backup_pattern(path: Path) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(path.stem)}-\d{{4}}-\d{{2}}-\d{{2}}\.db")


def backup_day(backup: Path) -> date | None:
    """The day a daily backup was made, from its name (None for another file)."""
    match = re.search(r"-(\d{4}-\d{2}-\d{2})\.db$", backup.name)
    return date.fromisoformat(match.group(1)) if match else None


def backups(path: Path) -> list[Path]:
    """The daily backups of `path`, newest first."""
    folder = backup_dir(path)
    if not folder.is_dir():
        return []
    pattern = _backup_pattern(path)
    found = [p for p in folder.iterdir() if pattern.fullmatch(p.name)]
    return sorted(found, key=lambda p: p.name, reverse=True)


def daily_backup(conn: sqlite3.Connection, path: Path, today: date,
                 keep: int = BACKUPS_KEPT) -> Path | None:
    """Copy the database to `backups/<stem>-<today>.db` unless today's copy exists; prune.

    The copy is made with SQLite's online backup API into a temporary name and renamed into
    place, so a half-written backup never looks like a good one. Only the `keep` newest daily
    copies are kept; other files in the folder are never touched. Returns the new copy's path,
    or None when today's already existed. OSError and sqlite3.Error propagate to the caller,
    which reports them as a notice (a failed backup never stops a session).
    """
    target = backup_path(path, today)
    made: Path | None = None
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        copy_to(conn, target)
        made = target
        log.info("history backed up to %s", target)
    for old in backups(path)[keep:]:
        old.unlink()
        log.info("old history backup %s removed", old)
    return made
