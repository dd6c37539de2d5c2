"""A damaged history is kept aside, never deleted; a backup of the last five days is kept."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from coach.storage import database
from coach.storage.errors import NoticeKind
from coach.storage.history import HistoryStore

from .conftest import FakeNow, a_set


def history_with_sessions(path: Path, now: FakeNow, count: int = 3) -> None:
    store = HistoryStore.open(path, now=now, backup=False)
    for _ in range(count):
        sid = store.start_session("r", "R", now())
        store.record_set(sid, a_set(now.advance(seconds=30)))
        store.finish_session(sid, now.advance(minutes=5), "completed")
    store.close()


def test_garbage_over_a_history_is_moved_aside_and_a_fresh_history_starts(db_path, now):
    history_with_sessions(db_path, now)
    garbage = b"this is not a database, it was overwritten " * 200
    db_path.write_bytes(garbage)
    told = []

    store = HistoryStore.open(db_path, now=now, on_notice=told.append)

    aside = db_path.with_name(f"history.db.corrupt-{now():%Y%m%d-%H%M%S}")
    assert aside.name == "history.db.corrupt-20240603-091630"
    assert aside.read_bytes() == garbage  # kept exactly as it was
    (notice,) = [n for n in told if n.kind is NoticeKind.CORRUPT_MOVED_ASIDE]
    assert notice.path == aside
    assert str(aside) in notice.message
    assert "new history has been started" in notice.message
    assert store.sessions() == []
    sid = store.start_session("r", "R", now())
    assert store.record_set(sid, a_set(now()))
    assert store.integrity_check() == ["ok"]
    store.close()


def test_a_history_with_damaged_pages_fails_the_quick_check_and_is_moved_aside(db_path, now):
    history_with_sessions(db_path, now, count=200)
    data = bytearray(db_path.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    data[2 * page: 3 * page] = b"\xa5" * page  # a b-tree page scribbled over, header intact
    db_path.write_bytes(bytes(data))
    assert database.inspect(db_path, 99).damage is not None

    store = HistoryStore.open(db_path, now=now)
    (notice,) = store.take_notices()
    assert notice.kind is NoticeKind.CORRUPT_MOVED_ASIDE
    assert store.sessions() == []
    store.close()
    assert notice.path is not None
    assert notice.path.read_bytes() == bytes(data)


def test_the_wal_of_a_damaged_history_moves_with_it(db_path, now):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"\x00garbage" * 100)
    wal = Path(str(db_path) + "-wal")
    wal.write_bytes(b"stale wal")
    store = HistoryStore.open(db_path, now=now)
    store.close()
    aside = next(db_path.parent.glob("history.db.corrupt-*[0-9]"))
    assert Path(str(aside) + "-wal").read_bytes() == b"stale wal"


def test_the_damaged_notice_names_the_latest_backup(db_path, now):
    history_with_sessions(db_path, now)
    HistoryStore.open(db_path, now=now).close()  # makes today's backup
    db_path.write_bytes(b"x" * 5000)
    store = HistoryStore.open(db_path, now=now)
    (notice,) = store.take_notices()
    assert str(database.backup_path(db_path, date(2024, 6, 3))) in notice.message
    store.close()


def test_two_damaged_files_in_the_same_second_are_both_kept(db_path, now):
    for content in (b"first" * 100, b"second" * 100):
        db_path.parent.mkdir(parents=True, exist_ok=True)
        db_path.write_bytes(content)
        HistoryStore.open(db_path, now=now).close()
    kept = sorted(p.read_bytes()[:6] for p in db_path.parent.glob("history.db.corrupt-*"))
    assert kept == [b"firstf", b"second"]


# --- backups ---------------------------------------------------------------------------------


def test_the_first_open_of_a_day_backs_the_history_up(db_path, now):
    history_with_sessions(db_path, now)
    HistoryStore.open(db_path, now=now).close()
    copy = database.backup_path(db_path, date(2024, 6, 3))
    assert copy.name == "history-2024-06-03.db"
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 3
        assert database.integrity_check(conn) == ["ok"]
    mtime = copy.stat().st_mtime_ns
    now.advance(hours=5)
    HistoryStore.open(db_path, now=now).close()
    assert copy.stat().st_mtime_ns == mtime  # once a day
    assert database.backups(db_path) == [copy]


def test_only_the_five_newest_daily_backups_are_kept(db_path, now):
    history_with_sessions(db_path, now)
    stray = database.backup_dir(db_path) / "my-own-copy.db"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"mine")
    for _ in range(8):
        HistoryStore.open(db_path, now=now).close()
        now.advance(days=1)
    names = [p.name for p in database.backups(db_path)]
    assert names == [f"history-2024-06-{d:02d}.db" for d in (10, 9, 8, 7, 6)]
    assert stray.read_bytes() == b"mine"  # never touch files that are not ours


def test_a_new_empty_history_is_not_backed_up(db_path, now):
    HistoryStore.open(db_path, now=now).close()
    assert database.backups(db_path) == []


def test_a_backup_that_cannot_be_made_is_told_and_the_session_carries_on(db_path, now):
    history_with_sessions(db_path, now)
    database.backup_dir(db_path).write_text("a file where the folder should be")
    store = HistoryStore.open(db_path, now=now)
    (notice,) = store.take_notices()
    assert notice.kind is NoticeKind.BACKUP_FAILED
    assert "history itself is safe" in notice.message
    sid = store.start_session("r", "R", now())
    assert store.record_set(sid, a_set(now()))
    store.close()


@pytest.mark.parametrize("error", [
    sqlite3.DatabaseError("file is not a database"),
    sqlite3.DatabaseError("database disk image is malformed"),
])
def test_corruption_is_told_apart_from_other_errors(error):
    assert database.is_corruption(error)
    assert not database.is_corruption(sqlite3.OperationalError("database is locked"))
