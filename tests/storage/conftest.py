"""Fixtures for the history tests: a fake local clock and a store in a temporary folder."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coach.core.records import SetRecord
from coach.storage.history import HistoryStore

LONDON = ZoneInfo("Europe/London")


class FakeNow:
    """An aware local clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **kwargs: float) -> datetime:
        self.moment = self.moment + timedelta(**kwargs)
        return self.moment


@pytest.fixture
def now() -> FakeNow:
    return FakeNow(datetime(2024, 6, 3, 9, 0, tzinfo=LONDON))  # a Monday


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.db"


@pytest.fixture
def store(db_path: Path, now: FakeNow) -> Iterator[HistoryStore]:
    s = HistoryStore.open(db_path, now=now)
    yield s
    s.close()


def a_set(at: datetime, exercise: str = "bridge", number: int = 1, **fields: object) -> SetRecord:
    values: dict[str, object] = {"reps_done": 10, "reps_planned": 10, "hold_seconds": 5.0,
                                 "hold_seconds_planned": 5.0, "work_seconds": 50.0}
    values.update(fields)
    return SetRecord(exercise_id=exercise, set_number=number, completed_at=at,
                     **values)  # type: ignore[arg-type]


def raw(path: Path) -> sqlite3.Connection:
    """A second, independent connection: what is really on disk."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
