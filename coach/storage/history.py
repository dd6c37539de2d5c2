"""The history of sessions: `HistoryStore` writes each record the moment it happens.

Contract in brief (details on each method):

- `HistoryStore.open(path)` inspects the file read-only (version, `PRAGMA quick_check`), moves a
  damaged file aside and starts a fresh one, refuses a newer one with `NewerDatabaseError`
  (file untouched), makes today's backup, runs the migrations, and closes any session left
  open by a crash as "ended early" ("nothing done" when it has no set).
- Every write (`start_session`, `record_set`, ...) is its own transaction, committed and
  fsynced before the method returns (WAL, `synchronous=FULL`, see `coach.storage.database`).
- When a write cannot be done (full disk, read-only folder, file busy) the record is kept in
  memory, in order, and a `WRITES_PENDING` notice is given once; every later write, `flush()`
  and `close()` try again, and `WRITES_SAVED` follows when they are written. Nothing kept is
  dropped while the process lives. Reads see only what is on disk.
- `HistoryStore.open(path, read_only=True)` (the app found the folder read-only): nothing is
  ever written; reads see a copy of what is there; writes are kept in memory without a notice
  (the caller says once that nothing can be saved). A store that finds out by itself that its
  folder is read-only reads the same way.
- A history file deleted while the store has it open (the open connection still holds it) is
  noticed before the next write or read and written again, whole, under its name
  (`FILE_RECREATED` notice). `restorable_backup()` and `restore()` bring back the newest
  daily backup's sessions into a history that has none.
- Each notice is delivered once: to the `on_notice` callback given to `open()`, or, without
  one, queued for `take_notices()`. The window or the command line shows it as it is.

A store is used from one thread (the GUI thread, or the command line's only thread).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from coach.core.models import Side
from coach.core.records import (
    ExerciseEvent,
    ExerciseEventKind,
    ExerciseWeek,
    Felt,
    LegPain,
    Outcome,
    PainScore,
    Screening,
    SessionRecord,
    SetRecord,
    StoredSet,
    check_aware,
)
from coach.core.stats import (
    DEFAULT_WEEKLY_GOAL,
    DEFAULT_WEEKS,
    ProgressReport,
    progress_report,
)
from coach.core.weeks import local_date, week_starts
from coach.core.words import counted
from coach.storage import database, journal
from coach.storage.database import WriteProblem, write_problem
from coach.storage.errors import (
    NewerDatabaseError,
    NoticeKind,
    StorageError,
    StorageNotice,
)
from coach.storage.liveness import LiveSessions, running_elsewhere
from coach.storage.schema import SCHEMA_VERSION, migrate, user_version

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
NoticeHandler = Callable[[StorageNotice], None]

_EXERCISE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _local_now() -> datetime:
    return datetime.now().astimezone()


# --- the write queue -------------------------------------------------------------------------


class _Ids:
    """Session ids during one flush: provisional (negative) ids map to real row ids."""

    def __init__(self, committed: dict[int, int]) -> None:
        self.committed = committed
        self.staged: dict[int, int] = {}

    def resolve(self, session_id: int) -> int:
        if session_id >= 0:
            return session_id
        real = self.staged.get(session_id, self.committed.get(session_id))
        if real is None:
            raise LookupError(f"session {session_id} was never started in this store")
        return real


@dataclass
class _Write:
    """One record waiting to be written; `apply` runs inside the flush's transaction."""

    what: str
    apply: Callable[[sqlite3.Connection, _Ids], list[StorageNotice]]
    data: dict[str, Any] = field(default_factory=dict)
    op: str | None = None
    """The name `_rebuild` makes it again from (`data` is JSON); None: never journalled."""

    def journal_record(self) -> dict[str, Any]:
        return {"op": self.op, "what": self.what, "data": self.data}

    @classmethod
    def statement(cls, what: str, sql: str, data: dict[str, Any], *,
                  session_id: int | None = None, updates_session: bool = False,
                  op: str | None = None) -> _Write:
        """One SQL statement with `data` as its parameters. With `session_id`, `:session_id`
        is bound to its row id at flush time (a provisional id is written by then); with
        `updates_session`, changing no session row is a bug (LookupError)."""

        def apply(conn: sqlite3.Connection, ids: _Ids) -> list[StorageNotice]:
            params = data if session_id is None else {**data,
                                                      "session_id": ids.resolve(session_id)}
            cursor = conn.execute(sql, params)
            if updates_session and cursor.rowcount != 1:
                raise LookupError(f"no session {session_id} in the history")
            return []

        return cls(what, apply, data, op)


#: The statements behind each kind of record: (SQL, bound to a session, updates the session).
_STATEMENTS: dict[str, tuple[str, bool, bool]] = {
    "set": (
        "INSERT INTO sets (session_id, exercise_id, side, item_index, set_number,"
        " sets_planned, complete, reps_done, reps_planned, hold_seconds,"
        " hold_seconds_planned, work_seconds, work_seconds_planned, completed_at)"
        " VALUES (:session_id, :exercise_id, :side, :item_index, :set_number,"
        " :sets_planned, :complete, :reps_done, :reps_planned, :hold_seconds,"
        " :hold_seconds_planned, :work_seconds, :work_seconds_planned, :completed_at)",
        True, False),
    "exercise-event": (
        "INSERT INTO exercise_events (session_id, kind, exercise_id, side, at, detail)"
        " VALUES (:session_id, :kind, :exercise_id, :side, :at, :detail)", True, False),
    "finish": (
        "UPDATE sessions SET ended_at = :ended_at, outcome = :outcome, recovered = 0,"
        " pain_after_back = COALESCE(:pain_after_back, pain_after_back),"
        " pain_after_leg = COALESCE(:pain_after_leg, pain_after_leg),"
        " felt = COALESCE(:felt, felt), note = COALESCE(:note, note)"
        " WHERE id = :session_id", True, True),
    "pain": (
        "UPDATE sessions SET pain_before_back = COALESCE(:bb, pain_before_back),"
        " pain_before_leg = COALESCE(:bl, pain_before_leg),"
        " pain_after_back = COALESCE(:ab, pain_after_back),"
        " pain_after_leg = COALESCE(:al, pain_after_leg) WHERE id = :session_id",
        True, True),
    "feedback": (
        "UPDATE sessions SET felt = COALESCE(:felt, felt), note = COALESCE(:note, note),"
        " leg_pain_after = COALESCE(:leg, leg_pain_after)"
        " WHERE id = :session_id", True, True),
    "screening": (
        "INSERT INTO red_flag_screenings (answered_at, local_date, answers,"
        " any_positive, acknowledged_at, cleared_at) VALUES (:answered_at, :local_date,"
        " :answers, :any_positive, :acknowledged_at, :cleared_at)", False, False),
    "clear-red-flags": (
        "UPDATE red_flag_screenings SET cleared_at = :at"
        " WHERE any_positive = 1 AND cleared_at IS NULL", False, False),
}

#: Values for parameters a journal written before they existed does not have.
_JOURNAL_DEFAULTS: dict[str, dict[str, Any]] = {
    "start": {"leg_pain_before": None},
    "feedback": {"leg": None},
    "screening": {"cleared_at": None},
}


def _start_write(what: str, data: dict[str, Any]) -> _Write:
    """The start of a session; `data["provisional"]` is the id the store gave it until
    written."""
    provisional = int(data["provisional"])

    def apply(conn: sqlite3.Connection, ids: _Ids) -> list[StorageNotice]:
        cursor = conn.execute(
            "INSERT INTO sessions (routine_id, routine_name, weekly_goal, started_at,"
            " local_date, pain_before_back, pain_before_leg, leg_pain_spreading,"
            " leg_pain_before)"
            " VALUES (:routine_id, :routine_name, :weekly_goal, :started_at, :local_date,"
            " :pain_before_back, :pain_before_leg, :leg_pain_spreading, :leg_pain_before)",
            data,
        )
        assert cursor.lastrowid is not None
        ids.staged[provisional] = cursor.lastrowid
        return []

    return _Write(what, apply, data, "start")


def _acknowledge_write(what: str, data: dict[str, Any]) -> _Write:
    def apply(conn: sqlite3.Connection, ids: _Ids) -> list[StorageNotice]:
        cursor = conn.execute(
            "UPDATE red_flag_screenings SET acknowledged_at = :at"
            " WHERE id = (SELECT MAX(id) FROM red_flag_screenings)", data)
        if cursor.rowcount != 1:
            raise LookupError("there is no red-flag screening to acknowledge")
        return []

    return _Write(what, apply, data, "acknowledge")


def _rebuild(op: str, what: str, data: dict[str, Any]) -> _Write:
    """The write `op` with `data` (from a method of the store, or read back from a journal).
    KeyError for an op this version does not know."""
    data = {**_JOURNAL_DEFAULTS.get(op, {}), **data}
    if op == "start":
        return _start_write(what, data)
    if op == "acknowledge":
        return _acknowledge_write(what, data)
    sql, bound, updates = _STATEMENTS[op]
    return _Write.statement(what, sql, data, op=op, updates_session=updates,
                            session_id=int(data["session_id"]) if bound else None)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


# --- reading rows ----------------------------------------------------------------------------

_SESSION_COLUMNS = """
    x.id, x.routine_id, x.routine_name, x.weekly_goal, x.started_at, x.local_date, x.ended_at,
    x.outcome, x.recovered, x.pain_before_back, x.pain_before_leg, x.pain_after_back,
    x.pain_after_leg, x.felt, x.note, x.leg_pain_spreading, x.leg_pain_before, x.leg_pain_after,
    (SELECT COUNT(*) FROM sets s WHERE s.session_id = x.id),
    (SELECT TOTAL(s.work_seconds) FROM sets s WHERE s.session_id = x.id),
    (SELECT COUNT(*) FROM exercise_events e WHERE e.session_id = x.id
       AND e.kind = 'stopped-for-pain')
"""


def _session_from_row(row: Sequence[Any]) -> SessionRecord:
    (sid, routine_id, routine_name, goal, started, day, ended, outcome, recovered, bb, bl, ab,
     al, felt, note, spreading, leg_before, leg_after, set_count, active, pain_stops) = row
    return SessionRecord(
        id=sid,
        routine_id=routine_id,
        routine_name=routine_name,
        weekly_goal=goal,
        started_at=datetime.fromisoformat(started),
        local_date=date.fromisoformat(day),
        ended_at=datetime.fromisoformat(ended) if ended else None,
        outcome=Outcome(outcome) if outcome else Outcome.ENDED_EARLY,
        closed=outcome is not None and not recovered,
        recovered=bool(recovered),
        pain_before=PainScore(bb, bl),
        pain_after=PainScore(ab, al),
        felt=Felt(felt) if felt else None,
        note=note,
        leg_pain_spreading=None if spreading is None else bool(spreading),
        leg_pain_before=LegPain(leg_before) if leg_before else None,
        leg_pain_after=LegPain(leg_after) if leg_after else None,
        set_count=set_count,
        active_seconds=active,
        pain_stops=pain_stops,
    )


_SET_COLUMNS = (
    "s.session_id, x.local_date, s.exercise_id, s.side, s.set_number, s.complete, s.reps_done,"
    " s.reps_planned, s.hold_seconds, s.hold_seconds_planned, s.work_seconds,"
    " s.work_seconds_planned, s.sets_planned, s.item_index, s.completed_at"
)


def _set_from_row(row: Sequence[Any]) -> StoredSet:
    (session_id, day, exercise_id, side, number, complete, reps_done, reps_planned, hold,
     hold_planned, work, work_planned, sets_planned, item_index, completed) = row
    return StoredSet(
        session_id=session_id,
        session_date=date.fromisoformat(day),
        record=SetRecord(
            exercise_id=exercise_id,
            set_number=number,
            completed_at=datetime.fromisoformat(completed),
            side=Side(side) if side else None,
            complete=bool(complete),
            reps_done=reps_done,
            reps_planned=reps_planned,
            hold_seconds=hold,
            hold_seconds_planned=hold_planned,
            work_seconds=work,
            work_seconds_planned=work_planned,
            sets_planned=sets_planned,
            item_index=item_index,
        ),
    )


@dataclass(frozen=True)
class RestoreOffer:
    """A backup that can bring back a history that has no session (`HistoryStore.restore`)."""

    backup: Path
    sessions: int
    day: date | None

    def describe(self) -> str:
        """One sentence for the person: what is missing and where the copy is."""
        when = f" from {self.day:%A} {self.day.day} {self.day:%B}" if self.day else ""
        plural = "s" if self.sessions != 1 else ""
        return (f"Your exercise history has no sessions, but its backup copy{when} has "
                f"{self.sessions} session{plural}: {self.backup}")


#: The Monday on or before a 'YYYY-MM-DD' date, in SQL; agrees with `coach.core.weeks`.
SQL_WEEK_START = "date({day}, '-6 days', 'weekday 1')"


class HistoryStore:
    """Sessions, sets and answers, written as they happen; see the module docstring."""

    def __init__(
        self,
        path: Path,
        *,
        now: Clock = _local_now,
        on_notice: NoticeHandler | None = None,
        connect: database.Connect = database.connect,
    ) -> None:
        """Use `HistoryStore.open()`; the constructor alone does not touch the disk."""
        self.path = Path(path)
        self._now = now
        self._on_notice = on_notice
        self._connect = connect
        self._conn: sqlite3.Connection | None = None
        self._pending: list[_Write] = []
        self._ids: dict[int, int] = {}
        self._next_provisional = -1
        self._problem: WriteProblem | None = None
        self._pending_told = False  # WRITES_PENDING given for the current problem
        self._read_only = False
        self._snapshot: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file open
        self._notices: list[StorageNotice] = []
        self._journal_dirs: tuple[Path, ...] = ()
        self._claimed: list[Path] = []  # journals of earlier runs being written now
        self._live = LiveSessions(self.path)
        self._started: dict[int, str] = {}  # session id (provisional too) -> started_at
        self._renamed: dict[str, str] = {}

    # --- opening and closing -----------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        now: Clock = _local_now,
        on_notice: NoticeHandler | None = None,
        recover: bool = True,
        backup: bool = True,
        connect: database.Connect = database.connect,
        read_only: bool = False,
        journal_dirs: Sequence[Path] = (),
    ) -> HistoryStore:
        """Open (or create) the history at `path`, ready to read and write.

        - `now` gives the aware local time (dates of backups and of moved-aside files).
        - `recover`: close sessions left open by a crash as "ended early" with the sets they
          have ("nothing done" without one). Only the process that runs sessions should do
          this, once at start-up before its first session; `coach history` and `coach export`
          pass False so they never close a session another window is still running (they
          read it as ended early anyway).
        - `backup`: make today's copy in `backups/` if there is none, keeping five days.
        - `connect`: how to open a read-write connection (tests inject failures here).
        - `read_only`: the folder is known to be read-only: never write (see the module
          docstring); `recover` and `backup` are then ignored.
        - `journal_dirs`: where records still unsaved at `close()` are kept when the history's
          own folder has no room (the user's cache folder, the temp folder), in that order.
          With `recover`, records an earlier run kept there (or beside the history) are
          written first (`JOURNAL_SAVED` notice).

        Raises `NewerDatabaseError` (a `StorageError`) for a history from a newer app, leaving
        the file untouched. A damaged file is moved aside and a fresh history started
        (`CORRUPT_MOVED_ASIDE` notice). A folder that cannot be written or a full disk does not
        raise: the store opens without a connection, keeps writes in memory and says so.
        """
        store = cls(path, now=now, on_notice=on_notice, connect=connect)
        store._journal_dirs = tuple(journal_dirs)
        if read_only:
            store._read_only = store._pending_told = True
            store._problem = WriteProblem.READ_ONLY
            store._reader()  # a newer or unreadable history is refused now, as it would be
            return store
        failed = store._try_prepare(backup=backup)
        if failed is not None:
            store._enter_problem(*failed)
        if recover:
            store._take_journals()
            path = store.path
            store._pending.append(_Write(
                "recovery of unclosed sessions",
                lambda conn, ids: _recover_unclosed(conn, running_elsewhere(path))))
            store.flush()
        return store

    def _take_journals(self) -> None:
        """Queue the records earlier runs could not write (see `coach.storage.journal`), before
        anything of this run; their provisional session ids become this store's own."""
        for found in journal.find(self.path, self._journal_dirs):
            claimed = journal.claim(found)
            if claimed is None:
                continue
            mapped: dict[int, int] = {}
            taken: list[_Write] = []
            for record in journal.records(claimed):
                data = dict(record["data"])
                try:
                    if record.get("op") == "start":
                        mapped[int(data["provisional"])] = self._next_provisional
                        data["provisional"] = self._next_provisional
                        self._next_provisional -= 1
                    elif int(data.get("session_id", 0)) < 0:
                        data["session_id"] = mapped[int(data["session_id"])]
                    taken.append(_rebuild(str(record.get("op")), str(record.get("what")), data))
                except (KeyError, ValueError, TypeError) as e:
                    log.error("journal %s: record %r cannot be written (%s)", claimed, record, e)
            log.info("%d record(s) from %s to write", len(taken), claimed)
            self._pending.extend(taken)
            self._claimed.append(claimed)

    def _try_prepare(self, *, backup: bool = False) -> tuple[WriteProblem, Exception] | None:
        """`_prepare`, returning a failure worth retrying (full disk, read-only folder, busy)
        with its error instead of raising it; anything else (a newer file, a bug) propagates."""
        try:
            self._prepare(backup=backup)
        except (sqlite3.Error, OSError) as e:
            problem = self._write_problem(e)
            if problem is None:
                raise
            return problem, e
        return None

    def _write_problem(self, error: BaseException) -> WriteProblem | None:
        """`write_problem`, except that an I/O error on a disk with no room left is a full
        disk (SQLite says "disk I/O error" when it cannot grow its shared-memory file)."""
        problem = write_problem(error)
        if problem is WriteProblem.IO_ERROR and database.disk_full(self.path.parent):
            return WriteProblem.DISK_FULL
        return problem

    def _prepare(self, *, backup: bool = False) -> None:
        """Make `self._conn` a migrated connection, dealing with damage and newer files."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        found = database.inspect(self.path, SCHEMA_VERSION)
        if found.version is not None and found.version > SCHEMA_VERSION:
            raise NewerDatabaseError(self.path, found.version, SCHEMA_VERSION)
        if found.damage is not None:
            aside = database.move_aside(self.path, self._now())
            log.error("history damaged (%s)", found.damage)
            latest = database.backups(self.path)
            extra = f" The most recent backup is {latest[0]}." if latest else ""
            self._notify(
                NoticeKind.CORRUPT_MOVED_ASIDE,
                "Your exercise history file was damaged and could not be read. It has been "
                f"kept as {aside} and a new history has been started.{extra}",
                aside,
            )
        database.move_orphans(self.path, self._now())
        conn = self._connect(self.path)
        try:
            database.configure(conn)
            version = user_version(conn)
            if backup and version > 0:
                self._backup(conn)
            migrate(conn, path=self.path)
            st = os.stat(self.path)
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        self._identity = (st.st_dev, st.st_ino)
        if self._snapshot is not None:  # read while it could not be opened; stale now
            self._snapshot.close()
            self._snapshot = None

    def _backup(self, conn: sqlite3.Connection) -> None:
        try:
            database.daily_backup(conn, self.path, local_date(self._now()))
        except (OSError, sqlite3.Error) as e:
            log.warning("history backup failed: %s", e)
            problem = write_problem(e)
            reason = problem.reason if problem else str(e)
            self._notify(
                NoticeKind.BACKUP_FAILED,
                f"Today's backup copy of your exercise history could not be made: {reason}. "
                "Your history itself is safe.",
                database.backup_dir(self.path),
            )

    def close(self) -> bool:
        """Write whatever is kept in memory and close; True when nothing is left unsaved.

        When records still cannot be written they stay in this object (and in the log), an
        `UNSAVED_AT_CLOSE` notice is given, and a later `flush()` may still save them.
        """
        saved = self.flush()
        if not saved and self._read_only:
            log.info("closing a read-only history; %d record(s) were not saved",
                     len(self._pending))
        elif not saved:
            self._keep_in_journal()
        self._live.close()
        self._disconnect()
        return saved

    def _keep_in_journal(self) -> None:
        """At close, records that could not be written go to a journal for the next start."""
        kept = [w.journal_record() for w in self._pending if w.op is not None]
        reason = self._problem.reason if self._problem else "unknown reason"
        where = journal.write(self.path, kept, self._journal_dirs, self._now()) if kept else None
        if where is None:
            log.error("closing the history with %d unsaved records: %s", len(self._pending),
                      json.dumps([w.data for w in self._pending], default=str))
            for claimed in self._claimed:  # an earlier run's records stay where they were
                journal.unclaim(claimed)
            self._notify(
                NoticeKind.UNSAVED_AT_CLOSE,
                f"{counted(len(self._pending), 'record')} of your session could not be saved "
                f"({reason}).",
                self.path,
            )
            return
        for claimed in self._claimed:
            claimed.unlink(missing_ok=True)
        self._claimed.clear()
        self._notify(
            NoticeKind.UNSAVED_AT_CLOSE,
            f"Your session could not be saved in your history ({reason}). It is kept in "
            f"{where} and will be added to your history the next time Physio Coach starts "
            "with room to save it.",
            where,
        )

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _disconnect(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._snapshot is not None:
            self._snapshot.close()
            self._snapshot = None

    # --- notices -----------------------------------------------------------------------------

    def _notify(self, kind: NoticeKind, message: str, path: Path | None = None) -> None:
        notice = StorageNotice(kind, message, path)
        if self._on_notice is not None:
            self._on_notice(notice)
        else:
            self._notices.append(notice)

    def take_notices(self) -> list[StorageNotice]:
        """The notices given since the last call, oldest first (only without `on_notice`)."""
        notices, self._notices = self._notices, []
        return notices

    @property
    def pending_count(self) -> int:
        """How many records are kept in memory, waiting to be written."""
        return len(self._pending)

    @property
    def problem(self) -> WriteProblem | None:
        """Why writes are failing now, or None when everything is written."""
        return self._problem

    def _enter_problem(self, problem: WriteProblem, error: BaseException) -> None:
        if problem.needs_new_connection and not (self._conn is not None and self._file_gone()):
            self._disconnect()  # (a deleted file's open connection is all there is of it)
        if self._problem is None:
            log.warning("history writes failing (%s): %s", problem.value, error)
        self._problem = problem
        if self._pending and not self._pending_told:  # told once something is kept
            self._pending_told = True
            self._notify(
                NoticeKind.WRITES_PENDING,
                f"Your session is being kept in memory: {problem.reason}. "
                f"It will be saved when {problem.when}.",
                self.path,
            )

    def _leave_problem(self) -> None:
        if self._problem is not None:
            log.info("history writes succeed again")
        if self._pending_told:
            self._notify(NoticeKind.WRITES_SAVED,
                         "Your session has now been saved to your history.", self.path)
        self._problem = None
        self._pending_told = False

    # --- writing -----------------------------------------------------------------------------

    def flush(self) -> bool:
        """Try to write everything kept in memory, in order, in one transaction.

        True when nothing is left pending. A retryable failure (full disk, read-only, busy)
        keeps every record and returns False. Any other failure is a bug: the record that
        caused it is dropped (and logged) so it cannot block the others, and the error raised.
        """
        if not self._pending:
            return True
        if self._read_only:
            return False
        # First: a deleted file lives on only in the open connection, never to be dropped.
        if self._conn is not None and self._file_gone() and not self._recreate():
            return False
        if self._problem is not None and self._problem.needs_new_connection:
            self._disconnect()  # a connection opened read-only (e.g. by a read) stays so
        if self._conn is None:
            failed = self._try_prepare()
            if failed is not None:
                self._enter_problem(*failed)
                return False
        conn = self._conn
        assert conn is not None
        ids = _Ids(self._ids)
        notices: list[StorageNotice] = []
        applying: int | None = None
        try:
            conn.execute("BEGIN IMMEDIATE")
            for index, write in enumerate(self._pending):
                applying = index
                notices.extend(write.apply(conn, ids))
            applying = None
            conn.execute("COMMIT")
        except Exception as e:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    log.exception("rollback failed")
            problem = self._write_problem(e)
            if problem is not None:
                self._enter_problem(problem, e)
                return False
            if applying is not None:
                bad = self._pending.pop(applying)
                log.error("history record dropped after an unexpected error: %s %s",
                          bad.what, json.dumps(bad.data, default=str))
            raise
        self._ids.update(ids.staged)
        self._pending.clear()
        self._leave_problem()
        self._journals_written()
        for notice in notices:
            self._notify(notice.kind, notice.message, notice.path)
        return True

    def _journals_written(self) -> None:
        if not self._claimed:
            return
        for claimed in self._claimed:
            claimed.unlink(missing_ok=True)
        where = ", ".join(str(p.name.split(".claimed-", 1)[0]) for p in self._claimed)
        self._claimed.clear()
        self._notify(NoticeKind.JOURNAL_SAVED,
                     "What could not be saved last time (the disk was full) has now been "
                     f"added to your history (it was kept in {where}).", self.path)

    def _file_gone(self) -> bool:
        """True when the file this store has open is no longer at its path: deleted, or in
        its place a new one with no session (another `coach` started one after the deletion).
        A replacement that has sessions (a backup copied back by hand) is left alone."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return True
        except OSError:
            return False
        if self._identity is None or (st.st_dev, st.st_ino) == self._identity:
            return False
        if database.session_count(self.path) == 0:
            return True
        log.warning("%s was replaced by another history while open; this store keeps "
                    "writing to the one it opened", self.path)
        self._identity = (st.st_dev, st.st_ino)  # said once
        return False

    def _recreate(self) -> bool:
        """The history file was deleted while open: the open connection still holds all of it
        (the history as it was and this session), so write that to a new file under the same
        name and carry on there. False when it cannot be written now (the problem is noted, the
        open connection kept, and the next write tries again)."""
        old = self._conn
        assert old is not None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            saved = self.path.with_name(self.path.name + ".recreated")
            database.copy_to(old, saved)
            for suffix in database.COMPANION_SUFFIXES:  # the deleted file's, saved whole
                self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
            os.replace(saved, self.path)
            old.close()  # only now: until the copy is in place, `old` is the only one
            self._conn = None
            self._prepare()
        except (sqlite3.Error, OSError) as e:
            problem = self._write_problem(e)
            if problem is None:
                raise
            log.error("the deleted history could not be written again: %s", e)
            self._problem = problem
            if self._pending and not self._pending_told:
                self._pending_told = True
                self._notify(NoticeKind.WRITES_PENDING,
                             f"Your session is being kept in memory: {problem.reason}. "
                             f"It will be saved when {problem.when}.", self.path)
            return False
        log.warning("history %s was deleted while open; written again", self.path)
        self._notify(
            NoticeKind.FILE_RECREATED,
            f"Your exercise history file was deleted while Physio Coach was open. It has been "
            f"saved again, with everything it held up to now: {self.path}",
            self.path,
        )
        return True

    def restore_offer(self) -> RestoreOffer | None:
        """The newest daily backup, when this history has no session and that backup has some
        (the file was deleted or lost while Physio Coach was closed); else None."""
        if self._read_only or self.sessions():
            return None
        found = database.backups(self.path)
        count = database.session_count(found[0]) if found else 0
        if not count:
            return None
        return RestoreOffer(found[0], count, database.backup_day(found[0]))

    def restore(self, backup: Path) -> int:
        """Bring back from `backup` every session (with its sets and skipped or stopped
        exercises) and every red-flag screening this history does not have; nothing here is
        changed or removed. The number of sessions brought back. `StorageError` when the
        history cannot be written now or the backup cannot be read."""
        if self._read_only:
            raise StorageError("Your exercise history cannot be changed: its folder is "
                               "read-only.")
        found = database.inspect(backup, SCHEMA_VERSION)
        if found.version is not None and found.version > SCHEMA_VERSION:
            raise NewerDatabaseError(backup, found.version, SCHEMA_VERSION)
        try:
            source = database.snapshot(backup)
            migrate(source, path=backup)
        except (sqlite3.Error, OSError) as e:
            raise StorageError(f"The backup {backup} cannot be read: {e}.") from e
        brought: list[int] = []

        def apply(conn: sqlite3.Connection, ids: _Ids) -> list[StorageNotice]:
            brought.append(_merge(conn, source))
            return []

        try:
            if not self._write(_Write(f"restore from {backup.name}", apply,
                                      {"backup": str(backup)})):
                self._pending = [w for w in self._pending if w.apply is not apply]
                reason = self._problem.reason if self._problem else "it cannot be written"
                raise StorageError(f"Your history cannot be restored now: {reason}.")
        finally:
            source.close()
        log.info("%d session(s) restored from %s", brought[-1], backup)
        return brought[-1]

    def _write(self, write: _Write) -> bool:
        self._pending.append(write)
        return self.flush()

    def start_session(
        self,
        routine_id: str,
        routine_name: str,
        started_at: datetime,
        *,
        weekly_goal: int | None = None,
        pain_before: PainScore | None = None,
        leg_pain_spreading: bool | None = None,
        leg_pain: LegPain | None = None,
    ) -> int:
        """Record that a session has started; its id for the calls that follow.

        `started_at` is the aware local time; its date is the session's day for statistics.
        `weekly_goal` is the weekly goal in force when it starts (`goal_in_force`: today's
        routine's sessions per week, whichever routine runs); adherence uses it.
        `pain_before` may be None or partly None (a skipped question). `leg_pain`: where the
        leg pain had gone (further down also sets `leg_pain_spreading` when that is None).

        The id is the row id when the row was written; while writes are failing it is a
        provisional (negative) id that this store keeps mapping to the row once written.
        """
        check_aware(started_at, "started_at")
        if weekly_goal is not None and weekly_goal < 0:
            raise ValueError("weekly_goal must not be negative")
        pain = pain_before or PainScore()
        if leg_pain is not None and leg_pain_spreading is None:
            leg_pain_spreading = leg_pain is LegPain.FURTHER_DOWN
        provisional = self._next_provisional
        self._next_provisional -= 1
        started = started_at.isoformat()
        data: dict[str, Any] = {
            "provisional": provisional,
            "routine_id": routine_id,
            "routine_name": routine_name,
            "weekly_goal": weekly_goal,
            "started_at": started_at.isoformat(),
            "local_date": local_date(started_at).isoformat(),
            "pain_before_back": pain.back,
            "pain_before_leg": pain.leg,
            "leg_pain_spreading": None if leg_pain_spreading is None
            else int(leg_pain_spreading),
            "leg_pain_before": LegPain(leg_pain).value if leg_pain is not None else None,
        }
        if not self._read_only:
            self._live.add(started)
        self._started[provisional] = started
        self._write(_start_write(f"start of session of {routine_id}", data))
        real = self._ids.get(provisional, provisional)
        self._started[real] = started
        return real

    def record_set(self, session_id: int, record: SetRecord) -> bool:
        """Write one completed set now; True when it is on disk, False when kept in memory."""
        if not isinstance(record, SetRecord):
            raise TypeError(f"a SetRecord is needed, not {record!r}")
        data = {
            "session_id": session_id,
            "exercise_id": record.exercise_id,
            "side": record.side.value if record.side else None,
            "item_index": record.item_index,
            "set_number": record.set_number,
            "sets_planned": record.sets_planned,
            "complete": int(record.complete),
            "reps_done": record.reps_done,
            "reps_planned": record.reps_planned,
            "hold_seconds": record.hold_seconds,
            "hold_seconds_planned": record.hold_seconds_planned,
            "work_seconds": record.work_seconds,
            "work_seconds_planned": record.work_seconds_planned,
            "completed_at": record.completed_at.isoformat(),
        }
        return self._write(_rebuild(
            "set", f"set {record.set_number} of {record.exercise_id}", data))

    def record_exercise_event(self, session_id: int, event: ExerciseEvent) -> bool:
        """Write that an exercise was skipped or stopped for pain; True when on disk."""
        kind = ExerciseEventKind(event.kind)
        data = {
            "session_id": session_id,
            "kind": kind.value,
            "exercise_id": event.exercise_id,
            "side": event.side.value if event.side else None,
            "at": event.at.isoformat(),
            "detail": event.detail,
        }
        return self._write(_rebuild("exercise-event", f"{kind.value} {event.exercise_id}",
                                    data))

    def finish_session(
        self,
        session_id: int,
        ended_at: datetime,
        outcome: Outcome | str,
        *,
        pain_after: PainScore | None = None,
        felt: Felt | str | None = None,
        note: str | None = None,
    ) -> bool:
        """Close a session: when, how it ended, and any answers already given.

        Answers left None keep what is stored (the window may ask them afterwards, through
        `update_pain` and `update_feedback`). Closing a session that recovery had closed
        replaces the recovery's "ended early". True when on disk.
        """
        check_aware(ended_at, "ended_at")
        pain = pain_after or PainScore()
        data = {
            "session_id": session_id,
            "ended_at": ended_at.isoformat(),
            "outcome": Outcome(outcome).value,
            "pain_after_back": pain.back,
            "pain_after_leg": pain.leg,
            "felt": Felt(felt).value if felt is not None else None,
            "note": note or None,
        }
        started = self._started.get(session_id)
        if started is not None:
            self._live.remove(started)
        return self._write(_rebuild("finish", f"end of session {session_id}", data))

    def update_pain(
        self,
        session_id: int,
        *,
        before: PainScore | None = None,
        after: PainScore | None = None,
    ) -> bool:
        """Store pain answers given after the fact; None parts keep what is stored."""
        b = before or PainScore()
        a = after or PainScore()
        data = {"session_id": session_id, "bb": b.back, "bl": b.leg, "ab": a.back, "al": a.leg}
        return self._write(_rebuild("pain", f"pain for session {session_id}", data))

    def update_feedback(
        self,
        session_id: int,
        *,
        felt: Felt | str | None = None,
        note: str | None = None,
        leg_pain_after: LegPain | str | None = None,
    ) -> bool:
        """Store how the session felt, a note and/or where the leg pain had gone after it;
        None keeps what is stored."""
        data = {
            "session_id": session_id,
            "felt": Felt(felt).value if felt is not None else None,
            "note": note or None,
            "leg": LegPain(leg_pain_after).value if leg_pain_after is not None else None,
        }
        return self._write(_rebuild("feedback", f"feedback for session {session_id}", data))

    def record_screening(self, screening: Screening) -> bool:
        """Store red-flag screening answers (for the later screening issue); True when on disk."""
        data = {
            "answered_at": screening.answered_at.isoformat(),
            "local_date": local_date(screening.answered_at).isoformat(),
            "answers": json.dumps(dict(screening.answers), sort_keys=True),
            "any_positive": int(screening.any_positive),
            "acknowledged_at": _iso(screening.acknowledged_at),
            "cleared_at": _iso(screening.cleared_at),
        }
        return self._write(_rebuild("screening", "red-flag screening", data))

    def clear_red_flags(self, at: datetime) -> bool:
        """Record, with its date and time, that the person confirmed a clinician has checked
        them and said they can exercise: every screening with a yes not yet cleared is
        cleared `at`. True when on disk."""
        check_aware(at, "at")
        return self._write(_rebuild("clear-red-flags", "confirmation of a clinician's check",
                                    {"at": at.isoformat()}))

    def acknowledge_screening(self, at: datetime) -> bool:
        """Record that the person read the advice shown for the latest screening; True when on
        disk. LookupError (a bug) when there is no screening to acknowledge."""
        check_aware(at, "at")
        data = {"at": at.isoformat()}
        return self._write(_acknowledge_write("acknowledgement of the red-flag advice", data))

    # --- reading -----------------------------------------------------------------------------

    def _reader(self) -> sqlite3.Connection:
        """The connection to read with: the open one; else one opened now; in a folder that
        cannot be written, an in-memory copy of the file (`database.snapshot`)."""
        if self._conn is None and not self._read_only:
            failed = self._try_prepare()
            if failed is not None:
                problem, error = failed
                if problem not in (WriteProblem.READ_ONLY, WriteProblem.DISK_FULL):
                    raise StorageError(
                        f"Your exercise history cannot be read right now: {problem.reason}."
                    ) from error
        if self._conn is not None and self._file_gone():
            self._recreate()  # when it cannot be, the open connection still reads it all
        if self._conn is not None:
            return self._conn
        if self._snapshot is None:
            self._snapshot = self._read_copy()
        return self._snapshot

    def _read_copy(self) -> sqlite3.Connection:
        found = database.inspect(self.path, SCHEMA_VERSION)
        if found.version is not None and found.version > SCHEMA_VERSION:
            raise NewerDatabaseError(self.path, found.version, SCHEMA_VERSION)
        try:
            copy = database.snapshot(self.path)
            migrate(copy, path=self.path)
        except (sqlite3.Error, OSError) as e:
            raise StorageError(f"Your exercise history cannot be read: {e}.") from e
        return copy

    def follow_renames(self, renamed: Mapping[str, str]) -> None:
        """Read sets and events recorded under an exercise's old id as its id now (old id ->
        new id, e.g. `Catalogue.renamed`). Nothing stored is changed."""
        for ident in (*renamed, *renamed.values()):
            if not _EXERCISE_ID.fullmatch(ident):
                raise ValueError(f"not an exercise id: {ident!r}")
        self._renamed = dict(renamed)

    def _exercise_column(self, column: str) -> str:
        """`column` as SQL, with old ids read as the new ones (ids are checked, so quoting
        them in the statement is safe)."""
        if not self._renamed:
            return column
        cases = " ".join(f"WHEN '{old}' THEN '{new}'" for old, new in self._renamed.items())
        return f"(CASE {column} {cases} ELSE {column} END)"

    def _query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Any]:
        return self._reader().execute(sql, params).fetchall()

    def resolve(self, session_id: int) -> int | None:
        """The row id of `session_id` (which may be provisional), or None if not written."""
        return session_id if session_id >= 0 else self._ids.get(session_id)

    def sessions(self, *, since: date | None = None,
                 until: date | None = None) -> list[SessionRecord]:
        """Sessions started on local dates from `since` to `until` (inclusive), oldest first."""
        rows = self._query(
            f"SELECT {_SESSION_COLUMNS} FROM sessions x"
            " WHERE x.local_date >= :since AND x.local_date <= :until"
            " ORDER BY x.local_date, x.id",
            {"since": (since or date.min).isoformat(), "until": (until or date.max).isoformat()},
        )
        return [_session_from_row(r) for r in rows]

    def session(self, session_id: int) -> SessionRecord:
        """One session; LookupError when there is none with that id (or it is not written)."""
        real = self.resolve(session_id)
        rows = [] if real is None else self._query(
            f"SELECT {_SESSION_COLUMNS} FROM sessions x WHERE x.id = ?", (real,))
        if not rows:
            raise LookupError(f"no session {session_id} in the history")
        return _session_from_row(rows[0])

    def sets(self, session_id: int | None = None, *,
             since: date | None = None) -> list[StoredSet]:
        """Sets of one session, or of every session since a date, in the order written."""
        where = ["x.local_date >= :since"]
        params: dict[str, Any] = {"since": (since or date.min).isoformat()}
        if session_id is not None:
            where.append("s.session_id = :sid")
            params["sid"] = self.resolve(session_id)
        columns = _SET_COLUMNS.replace("s.exercise_id", self._exercise_column("s.exercise_id"))
        rows = self._query(
            f"SELECT {columns} FROM sets s JOIN sessions x ON x.id = s.session_id"
            f" WHERE {' AND '.join(where)} ORDER BY s.id",
            params,
        )
        return [_set_from_row(r) for r in rows]

    def exercise_events(self, session_id: int | None = None) -> list[tuple[int, ExerciseEvent]]:
        """(session id, event) for exercises skipped or stopped, in the order written."""
        sql = (f"SELECT session_id, kind, {self._exercise_column('exercise_id')}, side, at,"
               " detail FROM exercise_events")
        params: tuple[Any, ...] = ()
        if session_id is not None:
            sql += " WHERE session_id = ?"
            params = (self.resolve(session_id),)
        rows = self._query(sql + " ORDER BY id", params)
        return [
            (sid, ExerciseEvent(kind=ExerciseEventKind(kind), exercise_id=ex,
                                at=datetime.fromisoformat(at),
                                side=Side(side) if side else None, detail=detail))
            for sid, kind, ex, side, at, detail in rows
        ]

    def exercise_weeks(self, *, since: date | None = None) -> list[ExerciseWeek]:
        """Per exercise and Monday week: sets, longest hold, most reps in a set, totals.

        Aggregated in SQL (ten years are 50,000 sets); `coach.core.stats.exercise_weeks`
        computes the same from `StoredSet`s, and a test holds the two equal.
        """
        week = SQL_WEEK_START.format(day="x.local_date")
        exercise = self._exercise_column("s.exercise_id")
        rows = self._query(
            f"SELECT {exercise} AS ex, {week} AS week, COUNT(*), MAX(s.hold_seconds),"
            " MAX(s.reps_done), TOTAL(s.reps_done), TOTAL(s.work_seconds), MAX(s.work_seconds)"
            " FROM sets s JOIN sessions x ON x.id = s.session_id"
            " WHERE x.local_date >= :since"
            " GROUP BY ex, week ORDER BY ex, week",
            {"since": (since or date.min).isoformat()},
        )
        return [
            ExerciseWeek(exercise_id=ex, week_start=date.fromisoformat(wk), sets=n,
                         longest_hold=hold, most_reps=reps, total_reps=int(total),
                         work_seconds=work, longest_work=longest)
            for ex, wk, n, hold, reps, total, work, longest in rows
        ]

    def screenings(self) -> list[Screening]:
        """Every red-flag screening, oldest first."""
        rows = self._query(
            "SELECT answered_at, answers, acknowledged_at, cleared_at FROM red_flag_screenings"
            " ORDER BY id")
        return [
            Screening(answered_at=datetime.fromisoformat(at), answers=json.loads(answers),
                      acknowledged_at=datetime.fromisoformat(ack) if ack else None,
                      cleared_at=datetime.fromisoformat(cleared) if cleared else None)
            for at, answers, ack, cleared in rows
        ]

    def progress(
        self,
        today: date,
        *,
        weeks: int = DEFAULT_WEEKS,
        goal_now: int = DEFAULT_WEEKLY_GOAL,
    ) -> ProgressReport:
        """Everything the progress view shows: the whole history's sessions (for best streaks)
        and the per-exercise weeks in view, through `coach.core.stats.progress_report`.
        `goal_now`: the weekly goal in force (`coach.core.stats.goal_in_force`)."""
        since = week_starts(today, weeks)[0]
        return progress_report(
            self.sessions(),
            self.exercise_weeks(since=since),
            today=today,
            weeks=weeks,
            goal_now=goal_now,
        )

    def latest_screening(self) -> Screening | None:
        """The most recent red-flag screening, or None before the first."""
        found = self.screenings()
        return found[-1] if found else None

    def integrity_check(self) -> list[str]:
        """`PRAGMA integrity_check` on the open file: ["ok"] when healthy."""
        return database.integrity_check(self._reader())


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")]


def _merge(conn: sqlite3.Connection, source: sqlite3.Connection) -> int:
    """Copy into `conn` the sessions of `source` (same schema) it does not have (the same
    start time and routine), with their sets and exercise events, and the screenings it does
    not have (the same answer time). The number of sessions copied."""
    have = set(conn.execute("SELECT started_at, routine_id FROM sessions"))
    cols = [c for c in _columns(conn, "sessions") if c != "id"]
    children = {table: [c for c in _columns(conn, table) if c not in ("id", "session_id")]
                for table in ("sets", "exercise_events")}
    copied = 0
    for old_id, *values in source.execute(
            f"SELECT id, {', '.join(cols)} FROM sessions ORDER BY id").fetchall():
        row = dict(zip(cols, values, strict=True))
        if (row["started_at"], row["routine_id"]) in have:
            continue
        new_id = conn.execute(
            f"INSERT INTO sessions ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            values).lastrowid
        for table, child in children.items():
            for child_values in source.execute(
                    f"SELECT {', '.join(child)} FROM {table} WHERE session_id = ? ORDER BY id",
                    (old_id,)).fetchall():
                conn.execute(
                    f"INSERT INTO {table} (session_id, {', '.join(child)})"
                    f" VALUES (?, {', '.join('?' * len(child))})", (new_id, *child_values))
        copied += 1
    answered = {at for (at,) in conn.execute("SELECT answered_at FROM red_flag_screenings")}
    screening = [c for c in _columns(conn, "red_flag_screenings") if c != "id"]
    for values in source.execute(
            f"SELECT {', '.join(screening)} FROM red_flag_screenings ORDER BY id").fetchall():
        if dict(zip(screening, values, strict=True))["answered_at"] not in answered:
            conn.execute(f"INSERT INTO red_flag_screenings ({', '.join(screening)})"
                         f" VALUES ({', '.join('?' * len(screening))})", values)
    return copied


def _recover_unclosed(conn: sqlite3.Connection, running: set[str]) -> list[StorageNotice]:
    """Close sessions a crash left open as "ended early", keeping their sets ("nothing done"
    when they have none); sessions another live process is running (their start times in
    `running`) are left open."""
    rows = [(sid, day, sets) for sid, day, started, sets in conn.execute(
        "SELECT x.id, x.local_date, x.started_at,"
        " (SELECT COUNT(*) FROM sets s WHERE s.session_id = x.id)"
        " FROM sessions x WHERE x.outcome IS NULL ORDER BY x.id"
    ).fetchall() if started not in running]
    if not rows:
        return []
    conn.executemany(
        "UPDATE sessions SET recovered = 1, outcome = ? WHERE id = ?",
        [(Outcome.ENDED_EARLY.value if sets else Outcome.NOTHING_DONE.value, sid)
         for sid, _, sets in rows],
    )
    log.warning("%d unclosed session(s) recovered as ended early", len(rows))
    if len(rows) == 1:
        day = date.fromisoformat(rows[0][1])
        sets = rows[0][2]
        saved = (f"It is saved as ended early, with the {sets} set{'s' if sets != 1 else ''} "
                 "you completed." if sets else
                 "Nothing had been done in it yet, so it is saved as nothing done.")
        message = (
            f"Your session of {day:%A} {day.day} {day:%B} was not finished properly (Physio "
            f"Coach closed unexpectedly). {saved}"
        )
    else:
        message = (
            f"{len(rows)} sessions were not finished properly (Physio Coach closed "
            "unexpectedly). Each is saved with the sets you completed in it."
        )
    return [StorageNotice(NoticeKind.SESSION_RECOVERED, message)]
