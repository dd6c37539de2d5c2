"""A full disk or a read-only folder never loses a set: it waits in memory and is written later.

How the failures are simulated (the tests run as root, where chmod does not stop writes):
- full disk: `PRAGMA max_page_count` set to the file's current size on the store's own
  connection, so growing the file fails with SQLite's real SQLITE_FULL ("database or disk is
  full"); raising the limit again is "space is free";
- read-only folder or file: the store's connections are opened with SQLite's `mode=ro` URI,
  which gives the real SQLITE_READONLY on every write (and SQLITE_CANTOPEN when the file does
  not exist yet, as a read-only folder would); switching back to read-write connections is
  "the folder can be written to again";
- busy: another connection holds the write lock, with a zero busy timeout so nothing waits.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from coach.storage.database import WriteProblem, write_problem
from coach.storage.errors import NoticeKind
from coach.storage.history import HistoryStore

from .conftest import a_set, raw


class Switchable:
    """A `connect` for the store whose new connections are read-write or read-only."""

    def __init__(self, read_only: bool = False) -> None:
        self.read_only = read_only
        self.connections: list[sqlite3.Connection] = []

    def __call__(self, path: Path) -> sqlite3.Connection:
        if self.read_only:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None,
                                   timeout=0)
        else:
            conn = sqlite3.connect(path, isolation_level=None, timeout=0)
        self.connections.append(conn)
        return conn


def on_disk(path: Path, sql: str) -> list[tuple]:
    with raw(path) as conn:
        return conn.execute(sql).fetchall()


def kinds(notices) -> list[NoticeKind]:
    return [n.kind for n in notices]


def test_a_full_disk_keeps_the_session_in_memory_and_saves_it_when_space_is_free(db_path, now):
    connect = Switchable()
    told = []
    store = HistoryStore.open(db_path, now=now, on_notice=told.append, connect=connect)
    conn = connect.connections[-1]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full from now on

    sid = store.start_session("r", "R", now())
    saved = [store.record_set(sid, a_set(now.advance(seconds=30), number=n))
             for n in range(1, 201)]
    assert False in saved
    first_kept = saved.index(False)
    assert not any(saved[first_kept:])  # once full, everything after waits in order
    assert store.pending_count == 200 - first_kept
    assert store.problem is WriteProblem.DISK_FULL
    (notice,) = told  # told once, not once per set
    assert notice.kind is NoticeKind.WRITES_PENDING
    assert notice.message == ("Your session is being kept in memory: the disk is full. "
                              "It will be saved when space is free.")
    assert on_disk(db_path, "SELECT COUNT(*) FROM sets") == [(first_kept,)]

    conn.execute("PRAGMA max_page_count = 1000000")  # space is free again
    assert store.finish_session(sid, now.advance(minutes=1), "completed") is True
    assert store.pending_count == 0
    assert store.problem is None
    assert kinds(told) == [NoticeKind.WRITES_PENDING, NoticeKind.WRITES_SAVED]
    numbers = on_disk(db_path, "SELECT set_number FROM sets ORDER BY id")
    assert [n for (n,) in numbers] == list(range(1, 201))
    assert on_disk(db_path, "SELECT outcome FROM sessions") == [("completed",)]
    assert store.integrity_check() == ["ok"]
    store.close()


def test_a_read_only_history_keeps_the_session_in_memory_until_it_can_be_written(db_path, now):
    HistoryStore.open(db_path, now=now).close()  # an existing, healthy history
    connect = Switchable(read_only=True)
    store = HistoryStore.open(db_path, now=now, connect=connect)

    sid = store.start_session("r", "R", now())
    assert sid < 0  # provisional until written
    assert [store.record_set(sid, a_set(now.advance(seconds=20), number=n))
            for n in (1, 2, 3)] == [False, False, False]
    (notice,) = store.take_notices()
    assert notice.kind is NoticeKind.WRITES_PENDING
    assert "the history folder cannot be written to" in notice.message
    assert store.sessions() == []  # reads still work; they see what is on disk

    connect.read_only = False  # the folder can be written to again
    assert store.flush() is True
    real = store.resolve(sid)
    assert real is not None
    assert real > 0
    assert store.session(sid).id == real  # the provisional id keeps working
    assert [s.record.set_number for s in store.sets(sid)] == [1, 2, 3]
    assert kinds(store.take_notices()) == [NoticeKind.WRITES_SAVED]
    store.close()


def test_a_history_that_cannot_even_be_created_still_lets_the_session_carry_on(db_path, now):
    connect = Switchable(read_only=True)  # mode=ro on a missing file: SQLITE_CANTOPEN
    store = HistoryStore.open(db_path, now=now, connect=connect)
    assert kinds(store.take_notices()) == [NoticeKind.WRITES_PENDING]
    sid = store.start_session("r", "R", now())
    store.record_set(sid, a_set(now.advance(seconds=20)))
    store.finish_session(sid, now.advance(minutes=1), "completed")
    assert store.sessions() == []  # reads see what is in the folder: nothing yet

    connect.read_only = False
    assert store.flush() is True
    (s,) = store.sessions()
    assert s.set_count == 1
    assert s.closed
    store.close()


def test_closing_with_unsaved_records_tells_and_keeps_them_for_a_later_flush(db_path, now):
    HistoryStore.open(db_path, now=now).close()
    connect = Switchable(read_only=True)
    store = HistoryStore.open(db_path, now=now, connect=connect)
    sid = store.start_session("r", "R", now())
    store.record_set(sid, a_set(now()))
    assert store.close() is False
    assert kinds(store.take_notices()) == [NoticeKind.WRITES_PENDING,
                                           NoticeKind.UNSAVED_AT_CLOSE]
    assert store.pending_count == 2  # the session and its set

    connect.read_only = False
    assert store.flush() is True
    assert on_disk(db_path, "SELECT COUNT(*) FROM sets") == [(1,)]
    store.close()


def test_a_busy_history_keeps_the_set_until_the_other_writer_is_done(db_path, now):
    store = HistoryStore.open(db_path, now=now, connect=Switchable())
    sid = store.start_session("r", "R", now())
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    assert store.record_set(sid, a_set(now())) is False
    assert store.problem is WriteProblem.BUSY
    other.execute("COMMIT")
    other.close()
    assert store.record_set(sid, a_set(now(), number=2)) is True
    assert [s.record.set_number for s in store.sets(sid)] == [1, 2]
    store.close()


def test_a_bug_in_one_kept_record_does_not_lose_the_others(db_path, now):
    HistoryStore.open(db_path, now=now).close()
    connect = Switchable(read_only=True)
    store = HistoryStore.open(db_path, now=now, connect=connect)
    sid = store.start_session("r", "R", now())
    store.record_set(sid, a_set(now()))
    store.record_set(424242, a_set(now()))  # no such session: a bug, found when written
    connect.read_only = False
    with pytest.raises(sqlite3.IntegrityError):
        store.flush()
    assert store.pending_count == 2  # the session and the good set; the bad one is dropped
    assert store.flush() is True
    assert len(store.sets(sid)) == 1
    store.close()


@pytest.mark.parametrize(("error", "problem"), [
    (OSError(errno.ENOSPC, "No space left on device"), WriteProblem.DISK_FULL),
    (OSError(errno.EACCES, "Permission denied"), WriteProblem.READ_ONLY),
    (OSError(errno.EROFS, "Read-only file system"), WriteProblem.READ_ONLY),
    (sqlite3.OperationalError("database or disk is full"), WriteProblem.DISK_FULL),
    (sqlite3.OperationalError("attempt to write a readonly database"), WriteProblem.READ_ONLY),
    (sqlite3.OperationalError("unable to open database file"), WriteProblem.READ_ONLY),
    (sqlite3.OperationalError("database is locked"), WriteProblem.BUSY),
    (sqlite3.OperationalError("disk I/O error"), WriteProblem.IO_ERROR),
    (sqlite3.DatabaseError("database disk image is malformed"), WriteProblem.DAMAGED),
    (sqlite3.IntegrityError("FOREIGN KEY constraint failed"), None),
    (ValueError("a bug"), None),
])
def test_failures_worth_retrying_are_told_apart_from_bugs(error, problem):
    assert write_problem(error) is problem
