"""A history file deleted while the app has it open, or while it is closed: nothing is lost.

Real files throughout: the file is removed with `os.unlink` (with or without the WAL and
shared-memory files beside it) while the store holds its connection, as a file manager or `rm`
would; the daily backups are the store's own."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from coach.core.records import Outcome, Screening
from coach.storage.database import backups
from coach.storage.errors import NoticeKind
from coach.storage.history import HistoryStore

from .conftest import a_set


def remove(path: Path, *, companions: bool) -> None:
    path.unlink()
    if companions:
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)


def on_disk(path: Path) -> tuple[list[tuple], list[tuple]]:
    """(sessions, sets) as a fresh connection reads them from the file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return (conn.execute("SELECT routine_id, outcome FROM sessions ORDER BY id").fetchall(),
                conn.execute("SELECT exercise_id, set_number FROM sets ORDER BY id").fetchall())
    finally:
        conn.close()


def a_finished_session(store: HistoryStore, now, routine: str = "earlier") -> None:
    sid = store.start_session(routine, routine.title(), now())
    store.record_set(sid, a_set(now.advance(seconds=30), exercise="bridge"))
    store.finish_session(sid, now.advance(minutes=1), Outcome.COMPLETED)


@pytest.mark.parametrize("companions", [False, True], ids=["file only", "with WAL and SHM"])
def test_a_history_deleted_during_a_session_is_written_again_whole_before_the_next_set(
        db_path, now, companions):
    told = []
    store = HistoryStore.open(db_path, now=now, on_notice=told.append)
    a_finished_session(store, now)
    sid = store.start_session("today", "Today", now())
    assert store.record_set(sid, a_set(now.advance(seconds=20), number=1))

    remove(db_path, companions=companions)
    assert store.record_set(sid, a_set(now.advance(seconds=20), number=2))
    store.finish_session(sid, now.advance(minutes=1), Outcome.COMPLETED)

    assert [n.kind for n in told] == [NoticeKind.FILE_RECREATED]
    assert str(db_path) in told[0].message
    assert on_disk(db_path) == (
        [("earlier", "completed"), ("today", "completed")],
        [("bridge", 1), ("bridge", 1), ("bridge", 2)],
    )
    store.close()
    assert [p.name for p in db_path.parent.iterdir()] == ["history.db"]  # nothing stale
    assert on_disk(db_path)[1] == [("bridge", 1), ("bridge", 1), ("bridge", 2)]


def test_a_history_deleted_with_its_folder_is_written_again_on_the_next_read(db_path, now):
    told = []
    store = HistoryStore.open(db_path, now=now, on_notice=told.append)
    a_finished_session(store, now)
    for path in sorted(db_path.parent.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    db_path.parent.rmdir()

    assert [s.routine_id for s in store.sessions()] == ["earlier"]
    assert [n.kind for n in told] == [NoticeKind.FILE_RECREATED]
    assert on_disk(db_path)[0] == [("earlier", "completed")]
    store.close()


def test_a_write_ahead_log_left_without_its_history_is_moved_aside_not_replayed(db_path, now):
    with HistoryStore.open(db_path, now=now) as store:
        a_finished_session(store, now)
    db_path.unlink()
    stale = db_path.with_name("history.db-wal")
    stale.write_bytes(b"left over from a deleted history")

    with HistoryStore.open(db_path, now=now) as store:
        assert store.sessions() == []
    assert not stale.exists()
    (aside,) = db_path.parent.glob("history.db-wal.orphan-*")
    assert aside.read_bytes() == b"left over from a deleted history"


def test_a_start_with_no_history_but_a_backup_offers_it_and_restoring_loses_nothing(
        db_path, now):
    with HistoryStore.open(db_path, now=now) as store:
        a_finished_session(store, now)
        store.record_screening(Screening(now(), {"saddle": False}))
    now.advance(days=1)
    HistoryStore.open(db_path, now=now).close()  # the next day: the backup has it all
    (backup,) = backups(db_path)
    remove(db_path, companions=True)

    store = HistoryStore.open(db_path, now=now)
    a_finished_session(store, now, routine="since")  # done before the offer was taken
    assert store.restore_offer() is None  # it has a session: nothing looks lost
    remove(db_path, companions=False)
    store.close()

    store = HistoryStore.open(db_path, now=now)
    offer = store.restore_offer()
    assert offer is not None
    assert (offer.backup, offer.sessions) == (backup, 1)
    assert "from Tuesday 4 June has 1 session" in offer.describe()
    store.record_screening(Screening(now(), {"saddle": True}))
    assert store.restore(offer.backup) == 1
    assert store.restore(offer.backup) == 0  # a second time brings nothing twice
    assert [s.routine_id for s in store.sessions()] == ["earlier"]
    assert len(store.sets()) == 1
    assert [s.answers for s in store.screenings()] == [{"saddle": True}, {"saddle": False}]
    assert store.restore_offer() is None
    store.close()


def test_no_backup_no_offer(db_path, now):
    with HistoryStore.open(db_path, now=now) as store:
        assert store.restore_offer() is None
    assert not os.path.exists(db_path.parent / "backups")


def test_a_new_empty_history_made_after_the_deletion_is_replaced_by_the_whole_one(db_path, now):
    """Deleted while the window is open, then `coach history` starts a new, empty file in its
    place: the window's next write still saves everything it held."""
    store = HistoryStore.open(db_path, now=now)
    a_finished_session(store, now)
    remove(db_path, companions=True)
    HistoryStore.open(db_path, now=now, recover=False).close()  # another coach, meanwhile
    assert on_disk(db_path)[0] == []

    a_finished_session(store, now, routine="after")
    assert on_disk(db_path)[0] == [("earlier", "completed"), ("after", "completed")]
    store.close()


def test_a_deleted_history_that_cannot_be_written_again_yet_loses_nothing(db_path, now):
    """Deleted, and its folder read-only by the next write (a read-only mount as root): the
    records wait; once the folder can be written, the whole history is saved again."""
    from tests.helpers.faults import read_only

    told = []
    store = HistoryStore.open(db_path, now=now, on_notice=told.append)
    a_finished_session(store, now)
    remove(db_path, companions=True)
    with read_only(db_path.parent):
        assert store.start_session("later", "Later", now()) < 0  # kept in memory
        assert store.sessions()[0].routine_id == "earlier"  # still read from the open file
    assert [n.kind for n in told] == [NoticeKind.WRITES_PENDING]
    assert not db_path.exists()

    assert store.flush() is True
    assert [n.kind for n in told] == [NoticeKind.WRITES_PENDING, NoticeKind.FILE_RECREATED,
                                      NoticeKind.WRITES_SAVED]
    assert on_disk(db_path)[0] == [("earlier", "completed"), ("later", None)]
    store.close()
