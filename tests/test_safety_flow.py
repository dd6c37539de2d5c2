"""The safety flow's order and records, with scripted prompts and a real history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coach.core.catalogue import load_catalogue
from coach.core.models import Catalogue
from coach.core.records import PainScore
from coach.core.safety import RED_FLAGS, ScreeningNeed
from coach.safety_flow import (
    BriefChoice,
    BriefResult,
    PainBefore,
    RedFlagResult,
    SafetyFlow,
)
from coach.storage.history import HistoryStore

ROOT = Path(__file__).resolve().parents[1]
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue([ROOT / "exercises.toml"], assets_dir=ROOT / "assets")


def no_flags() -> dict[str, bool]:
    return {f.id: False for f in RED_FLAGS}


@dataclass
class Script:
    """Prompts that answer from a script and log what was asked."""

    flags: RedFlagResult | None = field(default_factory=lambda: RedFlagResult(no_flags()))
    acknowledge: bool = True
    pain: PainBefore | None = field(default_factory=PainBefore)
    brief: BriefResult = field(default_factory=lambda: BriefResult(BriefChoice.START))
    asked: list[str] = field(default_factory=list)
    needs: list[ScreeningNeed | None] = field(default_factory=list)

    def red_flags(self, parent, need, *, acknowledge_only=False):
        self.asked.append("ack" if acknowledge_only else "flags")
        self.needs.append(need)
        return RedFlagResult({}, self.acknowledge) if acknowledge_only else self.flags

    def pain_before(self, parent, name):
        self.asked.append("pain")
        return self.pain

    def pain_after(self, parent, name, *, compare):
        self.asked.append("after")
        return None

    def session_brief(self, parent, decision, *, session_name, suggested_name):
        self.asked.append("brief")
        return self.brief

    def disclaimer(self, parent):
        self.asked.append("disclaimer")

    def choose_minutes(self, parent, title, text, choices, default):
        self.asked.append("minutes")
        return choices[-1]

    def inform(self, parent, title, text):
        self.asked.append("inform")


class Now:
    def __init__(self) -> None:
        self.moment = datetime(2026, 3, 10, 9, 0, tzinfo=LONDON)

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def store(tmp_path):
    s = HistoryStore.open(tmp_path / "history.db")
    yield s
    s.close()


def flow(cat, store, script, now, **kw) -> SafetyFlow:
    return SafetyFlow(cat, prompts=script, store=lambda: store, now=now, **kw)


def test_a_session_asks_the_first_screen_then_the_pain_check_and_starts(cat, store):
    script, now = Script(), Now()
    prepared = flow(cat, store, script, now).before_session(
        None, cat.routine("desk-break"), name="Desk break")
    assert prepared is not None
    assert script.asked == ["flags", "pain"]
    assert script.needs == [ScreeningNeed.FIRST]
    assert store.latest_screening().answered_at == now.moment


def test_a_yes_just_answered_never_starts_the_session_even_when_confirmed(cat, store):
    script, now = Script(flags=RedFlagResult({**no_flags(), "saddle-numbness": True}, True)), \
        Now()
    f = flow(cat, store, script, now)
    assert f.before_session(None, cat.routine("desk-break"), name="Desk break") is None
    assert "pain" not in script.asked
    assert store.latest_screening().acknowledged_at == now.moment
    # Confirmed, so a later start the same day goes ahead without asking again.
    now.moment += timedelta(hours=1)
    assert f.before_session(None, cat.routine("desk-break"), name="Desk break") is not None
    assert script.asked[-1] == "pain"


def test_an_unconfirmed_yes_asks_for_confirmation_and_records_it(cat, store):
    script, now = Script(flags=RedFlagResult({**no_flags(), "walking": True}, False),
                         acknowledge=False), Now()
    f = flow(cat, store, script, now)
    assert f.before_session(None, cat.routine("desk-break"), name="Desk break") is None
    assert f.before_session(None, cat.routine("desk-break"), name="Desk break") is None
    assert script.asked == ["flags", "ack"]
    script.acknowledge = True
    now.moment += timedelta(minutes=5)
    assert f.before_session(None, cat.routine("desk-break"), name="Desk break") is not None
    assert store.latest_screening().acknowledged_at == now.moment
    # The next day the yes no longer blocks, and a week on the re-check comes back.
    now.moment += timedelta(days=7)
    f.before_session(None, cat.routine("desk-break"), name="Desk break")
    assert script.needs[-1] is ScreeningNeed.WEEKLY


def test_without_a_history_the_answers_are_kept_for_this_run(cat):
    script, now = Script(), Now()
    f = SafetyFlow(cat, prompts=script, store=lambda: None, now=now)
    assert f.before_session(None, cat.routine("desk-break"), name="Desk break") is not None
    assert f.before_session(None, cat.routine("desk-break"), name="Desk break") is not None
    assert script.asked.count("flags") == 1


def test_the_first_run_asks_the_screen_and_shows_the_disclaimer_once(cat, store):
    script, seen = Script(), []
    f = flow(cat, store, script, Now(), disclaimer_seen=lambda: bool(seen),
             mark_disclaimer_seen=lambda: seen.append(True))
    f.first_run(None)
    f.first_run(None)
    assert script.asked == ["flags", "disclaimer"]


def test_unticking_a_lock_saves_it_and_ticking_one_holds_the_dose(cat, store):
    saved: list[tuple[str, ...]] = []
    locks = {"value": ("plank",)}

    def save(new):
        saved.append(new)
        locks["value"] = new

    script = Script(pain=PainBefore(PainScore(8, 8)),
                    brief=BriefResult(BriefChoice.START, {"plank": False, "squat": True}))
    f = flow(cat, store, script, Now(), locked=lambda: locks["value"], save_locks=save)
    f.before_session(None, cat.routine("core-and-glutes"), name="Core and glutes")
    assert saved == [("squat",)]


def test_heat_on_its_own_asks_its_minutes_within_the_range(cat, store):
    script = Script()
    f = flow(cat, store, script, Now())
    assert f.thermal_overrides(None, "heat-therapy") == {"duration_seconds": 1200}
    assert f.thermal_overrides(None, "bridge") == {}
