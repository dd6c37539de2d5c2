"""Schema versions: every older history migrates; a newer one is refused and left untouched."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest

from coach.core.records import Outcome
from coach.storage import database
from coach.storage.errors import NewerDatabaseError, StorageError
from coach.storage.history import HistoryStore
from coach.storage.schema import MIGRATIONS, SCHEMA_VERSION, migrate, user_version

DATA = Path(__file__).parent / "data"


def frozen_dump(version: int) -> Path:
    return DATA / f"history-v{version}.sql"


def build_at(path: Path, version: int) -> None:
    """A history file exactly as the app at schema `version` left it (0: no file at all)."""
    if version == 0:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(frozen_dump(version).read_text(encoding="utf-8"))
    conn.close()


def schema_of(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
    return [(name, re.sub(r"\s+", " ", sql).strip()) for name, sql in rows]


def table_rows(conn: sqlite3.Connection) -> dict[str, tuple[list[str], list[tuple]]]:
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    out = {}
    for t in tables:
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info({t})")]
        out[t] = (cols, conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall())
    return out


def nothing_done_rewritten(tables: dict[str, tuple[list[str], list[tuple]]]
                           ) -> dict[str, tuple[list[str], list[tuple]]]:
    """What version 3 does to older rows: a session closed "completed" or "ended-early" with no
    set becomes "nothing-done"; every other value of every row is kept."""
    cols, rows = tables["sessions"]
    sets_cols, sets = tables["sets"]
    with_sets = {row[sets_cols.index("session_id")] for row in sets}
    at = cols.index("outcome")
    rewritten = [
        row[:at] + ("nothing-done",) + row[at + 1:]
        if row[at] in ("completed", "ended-early") and row[cols.index("id")] not in with_sets
        else row
        for row in rows]
    return {**tables, "sessions": (cols, rewritten)}


def test_migrations_are_numbered_one_by_one_from_one():
    assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION + 1))


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_every_earlier_schema_version_has_a_frozen_history_to_migrate_from(version):
    assert frozen_dump(version).is_file(), (
        "keep a frozen dump of the previous schema when adding a migration")


@pytest.mark.parametrize("version", range(0, SCHEMA_VERSION))
def test_a_history_from_every_earlier_version_migrates_and_keeps_every_row(
        tmp_path, version, now):
    path = tmp_path / "history.db"
    build_at(path, version)
    before: dict[str, tuple[list[str], list[tuple]]] = {}
    if version:
        with sqlite3.connect(path) as conn:
            before = table_rows(conn)

    store = HistoryStore.open(path, now=now, recover=False)
    store.close()

    conn = sqlite3.connect(path)
    assert user_version(conn) == SCHEMA_VERSION
    fresh = sqlite3.connect(":memory:", isolation_level=None)
    migrate(fresh)
    assert schema_of(conn) == schema_of(fresh)
    if version and version < 3:
        before = nothing_done_rewritten(before)
    for table, (cols, rows) in before.items():
        kept = conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid").fetchall()
        assert kept == rows, table
    assert database.integrity_check(conn) == ["ok"]
    conn.close()
    fresh.close()


def test_a_version_1_history_reads_back_through_the_store(tmp_path, now):
    path = tmp_path / "history.db"
    build_at(path, 1)
    store = HistoryStore.open(path, now=now)
    sessions = store.sessions()
    assert [s.outcome for s in sessions] == [
        Outcome.COMPLETED, Outcome.STOPPED_FOR_PAIN, Outcome.ENDED_EARLY]
    assert sessions[2].recovered  # version 1 left it open; recovery closed it
    assert sessions[0].set_count == 3
    assert sessions[0].active_seconds == 230.0
    assert all(s.leg_pain_spreading is None for s in sessions)  # new in version 2
    assert len(store.exercise_events()) == 1
    store.close()


def test_a_version_2_session_closed_completed_with_no_set_reads_as_nothing_done(tmp_path, now):
    """The app before version 3 closed a session in which every exercise was skipped as
    "completed"; it now reads as nothing done, and does not count for the week or a streak."""
    path = tmp_path / "history.db"
    build_at(path, 2)
    store = HistoryStore.open(path, now=now, recover=False)
    by_id = {s.id: s for s in store.sessions()}
    store.close()
    got = {sid: (s.outcome, s.done) for sid, s in by_id.items()}
    assert got == {
        1: (Outcome.COMPLETED, True),           # it has sets
        2: (Outcome.STOPPED_FOR_PAIN, True),    # a partial set, then it hurt
        3: (Outcome.ENDED_EARLY, True),         # never closed (no recovery here); a set
        4: (Outcome.NOTHING_DONE, False),       # "completed" with every exercise skipped
        5: (Outcome.NOTHING_DONE, False),       # ended early before the first set
        6: (Outcome.STOPPED_FOR_PAIN, False),   # a stop for pain stays one, set or no set
        7: (Outcome.NOTHING_DONE, False),       # recovered after a crash, no set
        8: (Outcome.COMPLETED, True),
    }
    assert not by_id[3].closed
    assert by_id[6].had_pain_stop
    assert by_id[7].recovered
    with sqlite3.connect(path) as conn:
        outcomes = dict(conn.execute("SELECT id, outcome FROM sessions"))
    assert outcomes[4] == outcomes[5] == outcomes[7] == "nothing-done"  # in the file itself


def test_the_backup_of_the_day_is_taken_before_migrating(tmp_path, now):
    path = tmp_path / "history.db"
    build_at(path, 1)
    HistoryStore.open(path, now=now).close()
    (copy,) = database.backups(path)
    with sqlite3.connect(copy) as conn:
        assert user_version(conn) == 1


def test_a_migration_that_fails_leaves_the_history_at_the_version_before(tmp_path):
    path = tmp_path / "history.db"
    build_at(path, 1)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        conn.execute("ALTER TABLE sessions ADD COLUMN y INTEGER")
        raise RuntimeError("step failed half-way")

    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(RuntimeError, match="half-way"):
        migrate(conn, migrations={1: MIGRATIONS[1], 2: broken}, target=2)
    assert user_version(conn) == 1
    assert not conn.in_transaction
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in names
    cols = {r[1] for r in conn.execute("PRAGMA table_info(sessions)")}
    assert "y" not in cols
    conn.close()


def test_migrate_refuses_a_connection_with_implicit_transactions(tmp_path):
    conn = sqlite3.connect(tmp_path / "x.db")  # Python's default: implicit BEGIN, not for DDL
    with pytest.raises(ValueError, match="isolation_level=None"):
        migrate(conn)
    conn.close()


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_a_history_from_a_newer_app_is_refused_and_left_untouched(tmp_path, now, journal):
    path = tmp_path / "history.db"
    HistoryStore.open(path, now=now, backup=False).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("CREATE TABLE from_the_future (x)")
    conn.close()
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = _snapshot(tmp_path)

    with pytest.raises(NewerDatabaseError) as caught:
        HistoryStore.open(path, now=now)

    assert isinstance(caught.value, StorageError)
    message = caught.value.message
    assert "newer version of Physio Coach" in message
    assert f"format {SCHEMA_VERSION + 1}" in message
    assert str(path) in message
    assert "has not been changed" in message
    assert _snapshot(tmp_path) == before  # same files, same bytes, same times


def test_a_red_flag_from_a_version_3_history_still_holds_and_its_clearance_is_kept(tmp_path,
                                                                                   now):
    from datetime import datetime

    from coach.core.safety import red_flag_hold

    path = tmp_path / "history.db"
    build_at(path, 3)
    store = HistoryStore.open(path, now=now)
    hold = red_flag_hold(store.screenings())
    assert hold is not None
    assert hold.signs == {"leg-weakness"}
    assert store.sessions()[3].leg_pain_spreading is False
    assert all(s.leg_pain_before is None for s in store.sessions())  # new in version 4
    checked = datetime.fromisoformat("2024-04-05T18:30:00+01:00")
    store.clear_red_flags(checked)
    store.close()
    with HistoryStore.open(path, now=now, recover=False, backup=False) as again:
        assert [s.cleared_at for s in again.screenings()] == [None, checked]
        assert red_flag_hold(again.screenings()) is None
