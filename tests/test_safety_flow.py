"""The safety flow's order and records, with scripted prompts and a real history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coach.core.catalogue import load_catalogue
from coach.core.models import Catalogue
from coach.core.records import LegPain, PainScore
from coach.core.safety import (
    CENTRALISING_MESSAGE,
    RED_FLAGS,
    SPREADING_AFTER_MESSAGE,
    ScreeningNeed,
)
from coach.safety_flow import (
    BriefChoice,
    BriefResult,
    PainAfter,
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
    pain: PainBefore | None = field(default_factory=PainBefore)
    brief: BriefResult = field(default_factory=lambda: BriefResult(BriefChoice.START))
    asked: list[str] = field(default_factory=list)
    needs: list[ScreeningNeed | None] = field(default_factory=list)
    holds: list = field(default_factory=list)
    informed: list[str] = field(default_factory=list)
    after: PainAfter | None = None

    def red_flags(self, parent, need, *, hold=None):
        self.asked.append("flags")
        self.needs.append(need)
        self.holds.append(hold)
        return self.flags

    def pain_before(self, parent, name):
        self.asked.append("pain")
        return self.pain

    def pain_after(self, parent, name, *, compare):
        self.asked.append("after")
        return self.after

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
        self.informed.append(text)


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


def test_a_yes_just_answered_never_starts_the_session_even_when_cleared(cat, store):
    script = Script(flags=RedFlagResult({**no_flags(), "saddle-numbness": True}, True, True))
    now = Now()
    f = flow(cat, store, script, now)
    assert f.before_session(None, cat.routine("desk-break"), name="Desk break") is None
    assert "pain" not in script.asked
    assert script.holds == [None]  # no hold yet: a first yes cannot be cleared
    assert store.latest_screening().cleared_at is None


def test_a_yes_holds_every_later_start_with_the_questions_until_a_clinicians_check(cat, store):
    yes = {**no_flags(), "walking": True}
    script, now = Script(flags=RedFlagResult(yes, True)), Now()
    f = flow(cat, store, script, now)
    start = lambda: f.before_session(None, cat.routine("desk-break"),  # noqa: E731
                                     name="Desk break")
    assert start() is None
    # The next day, answering no to everything is not enough: the hold stays.
    now.moment += timedelta(days=1)
    script.flags = RedFlagResult(no_flags(), True)
    assert start() is None
    assert script.needs[-1] is ScreeningNeed.HOLD
    assert script.holds[-1].signs == {"walking"}
    # A week later, still held, still asked.
    now.moment += timedelta(days=7)
    assert start() is None
    assert script.asked == ["flags", "flags", "flags"]
    # Confirmed: a clinician has checked them. Recorded with its date; the session starts.
    now.moment += timedelta(days=1)
    script.flags = RedFlagResult(no_flags(), True, cleared=True)
    assert start() is not None
    assert script.asked[-2:] == ["flags", "pain"]
    cleared = [s.cleared_at for s in store.screenings() if s.any_positive]
    assert cleared == [now.moment]
    # After that nothing is held: the next start asks no questions.
    now.moment += timedelta(hours=2)
    assert start() is not None
    assert script.asked[-1] == "pain"


def test_a_new_sign_at_a_later_start_cannot_be_cleared_then(cat, store):
    script, now = Script(flags=RedFlagResult({**no_flags(), "walking": True}, True)), Now()
    f = flow(cat, store, script, now)
    f.before_session(None, cat.routine("desk-break"), name="Desk break")
    now.moment += timedelta(days=2)
    script.flags = RedFlagResult({**no_flags(), "weight-fever": True}, True, cleared=True)
    assert f.before_session(None, cat.routine("desk-break"), name="Desk break") is None
    assert all(s.cleared_at is None for s in store.screenings())


def test_a_yes_to_the_nerve_signs_line_asks_the_six_questions_before_starting(cat, store):
    script, now = Script(pain=PainBefore(PainScore(3, 3), nerve_signs=True)), Now()
    f = flow(cat, store, script, now)
    f.screen(None)
    script.asked.clear()
    script.flags = RedFlagResult({**no_flags(), "bladder-bowel": True}, True)
    assert f.before_session(None, cat.routine("desk-break"), name="Desk break") is None
    assert script.asked == ["pain", "flags"]
    assert store.latest_screening().answers["bladder-bowel"]


def test_after_a_session_spreading_is_one_message_and_centralising_a_good_sign(cat, store):
    script, now = Script(), Now()
    f = flow(cat, store, script, now)
    script.after = PainAfter(PainScore(3, 4), leg_pain=LegPain.FURTHER_DOWN)
    f.after_session(None, None, name="Desk break")
    assert script.informed == [SPREADING_AFTER_MESSAGE]
    script.informed.clear()
    script.after = PainAfter(PainScore(3, 2), leg_pain=LegPain.TOWARDS_BACK)
    f.after_session(None, None, name="Desk break")
    assert script.informed == [CENTRALISING_MESSAGE]


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


def test_this_hurts_with_leg_pain_further_down_is_said_once_and_kept_over_a_later_answer(
        cat, store):
    script, now = Script(), Now()
    f = flow(cat, store, script, now)
    sid = store.start_session("desk-break", "Desk break", now.moment)

    class Recorder:
        session_id = sid

        def answer(self, **kw):
            if kw.get("pain_after") is not None:
                store.update_pain(sid, after=kw["pain_after"])
            store.update_feedback(sid, felt=kw.get("felt"), note=kw.get("note"),
                                  leg_pain_after=kw.get("leg_pain_after"))

    assert f.leg_pain_moved(None, Recorder(), LegPain.FURTHER_DOWN)  # end the session
    assert script.informed == [SPREADING_AFTER_MESSAGE]
    script.after = PainAfter(PainScore(3, 4), leg_pain=LegPain.NO_CHANGE)
    f.after_session(None, Recorder(), name="Desk break")
    assert script.informed == [SPREADING_AFTER_MESSAGE]  # not said twice
    assert store.session(sid).leg_pain_after is LegPain.FURTHER_DOWN


def test_this_hurts_with_leg_pain_towards_the_back_says_a_good_sign_and_carries_on(cat, store):
    script = Script()
    f = flow(cat, store, script, Now())
    assert not f.leg_pain_moved(None, None, LegPain.TOWARDS_BACK)
    assert script.informed == [CENTRALISING_MESSAGE]
    assert not f.leg_pain_moved(None, None, None)
