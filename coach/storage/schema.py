"""The history's schema as an ordered list of migrations, versioned in `PRAGMA user_version`.

Version N of the schema is what migrations 1..N build, in order, from an empty file. A shipped
migration is never edited (tests keep a frozen copy of every older version); a change is a new
migration appended at the end. Each step runs in its own `BEGIN IMMEDIATE` transaction together
with its `PRAGMA user_version` bump: the connection is in autocommit mode
(`isolation_level=None`) because Python's implicit transactions do not cover DDL, so without an
explicit BEGIN a failure half-way would leave half a schema behind. A database whose version is
above `SCHEMA_VERSION` was written by a newer app and is refused without being touched.

Enumerated text columns (outcome, felt, kind, side) are not constrained by CHECK in SQL: SQLite
cannot change a CHECK without rebuilding the table, and later issues will add values. They are
validated in Python (`coach.core.records`) before anything is written. Numeric ranges that will
not change (pain 0-10, set numbers from 1) are checked in SQL too.

Times are ISO 8601 text with the UTC offset in force (`2024-03-31T09:15:00+01:00`), so a
history stays readable after a move across time zones; `local_date` is the calendar date the
session started on, which alone places it in a day and a Monday week.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

from coach.storage.errors import NewerDatabaseError

log = logging.getLogger(__name__)

Migration = Callable[[sqlite3.Connection], None]


def _run(conn: sqlite3.Connection, statements: Sequence[str]) -> None:
    # One execute per statement: executescript() would COMMIT the open transaction first.
    for statement in statements:
        conn.execute(statement)


def _v1_sessions_and_sets(conn: sqlite3.Connection) -> None:
    """Issue 6: sessions, the sets completed in them, and exercises skipped or stopped."""
    _run(conn, [
        """
        CREATE TABLE sessions (
            id               INTEGER PRIMARY KEY,
            routine_id       TEXT    NOT NULL,
            routine_name     TEXT    NOT NULL,
            weekly_goal      INTEGER CHECK (weekly_goal >= 0),
            started_at       TEXT    NOT NULL,
            local_date       TEXT    NOT NULL,
            ended_at         TEXT,
            outcome          TEXT,
            recovered        INTEGER NOT NULL DEFAULT 0 CHECK (recovered IN (0, 1)),
            pain_before_back INTEGER CHECK (pain_before_back BETWEEN 0 AND 10),
            pain_before_leg  INTEGER CHECK (pain_before_leg BETWEEN 0 AND 10),
            pain_after_back  INTEGER CHECK (pain_after_back BETWEEN 0 AND 10),
            pain_after_leg   INTEGER CHECK (pain_after_leg BETWEEN 0 AND 10),
            felt             TEXT,
            note             TEXT
        )
        """,
        # outcome NULL: the session has not been closed (yet, or ever: see recovery).
        "CREATE INDEX sessions_by_date ON sessions (local_date)",
        """
        CREATE TABLE sets (
            id                   INTEGER PRIMARY KEY,
            session_id           INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            exercise_id          TEXT    NOT NULL,
            side                 TEXT,
            item_index           INTEGER,
            set_number           INTEGER NOT NULL CHECK (set_number >= 1),
            sets_planned         INTEGER,
            complete             INTEGER NOT NULL DEFAULT 1 CHECK (complete IN (0, 1)),
            reps_done            INTEGER,
            reps_planned         INTEGER,
            hold_seconds         REAL,
            hold_seconds_planned REAL,
            work_seconds         REAL,
            work_seconds_planned REAL,
            completed_at         TEXT    NOT NULL
        )
        """,
        # A set row carries the dose planned for it (sets, reps, hold, work time), so the dose
        # history of an exercise needs no table of its own. complete = 0: cut short.
        "CREATE INDEX sets_by_session ON sets (session_id)",
        """
        CREATE TABLE exercise_events (
            id          INTEGER PRIMARY KEY,
            session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            kind        TEXT    NOT NULL,
            exercise_id TEXT    NOT NULL,
            side        TEXT,
            at          TEXT    NOT NULL,
            detail      TEXT
        )
        """,
        "CREATE INDEX exercise_events_by_session ON exercise_events (session_id)",
    ])


def _v2_screening(conn: sqlite3.Connection) -> None:
    """Red-flag screening answers, and "leg pain spreading further down" before a session."""
    _run(conn, [
        "ALTER TABLE sessions ADD COLUMN leg_pain_spreading INTEGER"
        " CHECK (leg_pain_spreading IN (0, 1))",
        """
        CREATE TABLE red_flag_screenings (
            id              INTEGER PRIMARY KEY,
            answered_at     TEXT    NOT NULL,
            local_date      TEXT    NOT NULL,
            answers         TEXT    NOT NULL,
            any_positive    INTEGER NOT NULL CHECK (any_positive IN (0, 1)),
            acknowledged_at TEXT
        )
        """,
        # answers: a JSON object, question id -> true/false.
        "CREATE INDEX red_flag_screenings_by_date ON red_flag_screenings (local_date)",
    ])


def _v3_nothing_done(conn: sqlite3.Connection) -> None:
    """Outcomes "partly-done" and "nothing-done". Sessions closed with no set at all (every
    exercise skipped, or stopped before the first) were recorded "completed" or "ended-early";
    they become "nothing-done", so every reader of the file (the app, an export, a spreadsheet)
    sees the same. "stopped-for-pain" stays as it is, set or no set. Older apps cannot read
    the new outcomes, which is why this is a schema version of its own."""
    _run(conn, [
        """
        UPDATE sessions SET outcome = 'nothing-done'
        WHERE outcome IN ('completed', 'ended-early')
          AND NOT EXISTS (SELECT 1 FROM sets s WHERE s.session_id = sessions.id)
        """,
    ])


def _v4_clearance_and_leg_pain(conn: sqlite3.Connection) -> None:
    """When the person confirmed a clinician had checked them after a red flag (the end of
    the hold on sessions), and where the leg pain had gone before and after a session."""
    _run(conn, [
        "ALTER TABLE red_flag_screenings ADD COLUMN cleared_at TEXT",
        # leg pain: 'further-down', 'towards-back' or 'no-change' (validated in Python).
        "ALTER TABLE sessions ADD COLUMN leg_pain_before TEXT",
        "ALTER TABLE sessions ADD COLUMN leg_pain_after TEXT",
    ])


#: Schema version reached -> the step that reaches it from the version before. Append only.
MIGRATIONS: Mapping[int, Migration] = MappingProxyType({
    1: _v1_sessions_and_sets,
    2: _v2_screening,
    3: _v3_nothing_done,
    4: _v4_clearance_and_leg_pain,
})

SCHEMA_VERSION = max(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_not_newer(conn: sqlite3.Connection, path: Path) -> int:
    """The database's version; `NewerDatabaseError` if it is above what this app knows."""
    found = user_version(conn)
    if found > SCHEMA_VERSION:
        raise NewerDatabaseError(path, found, SCHEMA_VERSION)
    return found


def migrate(
    conn: sqlite3.Connection,
    *,
    target: int = SCHEMA_VERSION,
    migrations: Mapping[int, Migration] = MIGRATIONS,
    path: Path = Path("history.db"),
) -> list[int]:
    """Bring the database up to `target`, one transaction per step; the versions applied.

    The version is read again inside each transaction, so two processes opening an old
    history at once cannot apply a step twice. A step that fails is rolled back as a whole and
    the database stays at the version before it. The connection must be in autocommit mode.
    `path` only names the file in the message of a `NewerDatabaseError`.
    """
    if conn.isolation_level is not None:
        raise ValueError("migrate() needs a connection opened with isolation_level=None")
    start = check_not_newer(conn, path)
    applied: list[int] = []
    for version in range(start + 1, target + 1):  # nothing to write when already current
        if version not in migrations:
            raise ValueError(f"no migration reaches schema version {version}")
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = check_not_newer(conn, path)
            if current >= version:
                conn.execute("ROLLBACK")
                continue
            if current != version - 1:
                raise RuntimeError(f"schema version {current} cannot step to {version}")
            migrations[version](conn)
            conn.execute(f"PRAGMA user_version = {int(version)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        log.info("history schema migrated to version %d", version)
        applied.append(version)
    return applied
