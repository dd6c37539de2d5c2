"""Heat and cold timers: the time allowed, the skin reminder at the start and the end alert,
run through the real engine on a fake clock."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from coach.core import thermal
from coach.core.catalogue import load_catalogue
from coach.core.clock import FakeClock
from coach.core.cues import SPOKEN_KINDS, CueKind, Verbosity
from coach.core.engine import SessionEngine
from coach.core.events import CueRequested, SessionFinished
from coach.core.models import Catalogue, Category
from coach.core.plan import PhaseKind, PlanSettings, plan_exercise, plan_routine
from coach.speech.beeps import Tone, tone_for
from tests.helpers.driving import run_to, run_to_end
from tests.helpers.factories import catalogue, exercise
from tests.helpers.recorder import EventLog

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def default() -> Catalogue:
    return load_catalogue([ROOT / "exercises.toml"], assets_dir=ROOT / "assets")


def test_heat_is_fifteen_to_twenty_minutes_and_cold_ten_to_fifteen(default):
    heat, cold = default.exercise("heat-therapy"), default.exercise("cold-therapy")
    assert thermal.minute_choices(heat) == list(range(15, 21))
    assert thermal.minute_choices(cold) == list(range(10, 16))
    assert thermal.default_minutes(heat) == 15
    assert thermal.default_minutes(cold) == 10
    assert thermal.duration_override(heat, 20) == {"duration_seconds": 1200}
    with pytest.raises(ValueError, match="15 to 20 minutes"):
        thermal.duration_override(heat, 25)
    with pytest.raises(ValueError, match="10 to 15 minutes"):
        thermal.duration_override(cold, 9)
    assert thermal.minute_choices(default.exercise("bridge")) == []


def heat_run(cat: Catalogue, exercise_id: str, minutes: int, verbosity: Verbosity):
    ex = cat.exercise(exercise_id)
    plan = plan_exercise(cat, exercise_id, PlanSettings(verbosity=verbosity),
                         overrides=thermal.duration_override(ex, minutes))
    clock = FakeClock(50.0)
    engine = SessionEngine(plan, verbosity=verbosity)
    log = EventLog()
    engine.add_listener(log)
    engine.start(clock.now())
    return plan, engine, clock, log


@pytest.mark.parametrize("verbosity", list(Verbosity))
def test_the_heat_timer_says_and_shows_the_skin_reminder_at_the_start_at_every_verbosity(
        default, verbosity):
    plan, engine, clock, log = heat_run(default, "heat-therapy", 17, verbosity)
    first = log.of(CueRequested)[0]
    assert first.cue.due == 50.0
    assert "towel between the heat and your skin" in first.cue.text
    assert first.spoken
    assert engine.state.last_cue == first.cue.text  # shown as the caption at once


@pytest.mark.parametrize("verbosity", list(Verbosity))
def test_the_heat_timer_runs_the_chosen_minutes_and_alerts_at_the_end(default, verbosity):
    plan, engine, clock, log = heat_run(default, "heat-therapy", 17, verbosity)
    work = [p for p in plan.phases if p.kind is PhaseKind.DURATION]
    assert [p.duration for p in work] == [17 * 60]
    start = 50.0 + plan.phases[0].duration
    end = start + 17 * 60
    run_to(engine, clock, end - 0.5)
    assert not engine.finished
    run_to(engine, clock, end)
    alerts = [e for e in log.of(CueRequested)
              if e.cue.kind is CueKind.WELL_DONE and e.cue.text.startswith("Time is up")]
    assert [a.cue.text for a in alerts] == ["Time is up. Take the heat away and check your skin."]
    assert alerts[0].cue.due == end
    assert alerts[0].spoken  # said whatever the verbosity
    assert tone_for(alerts[0].cue) is Tone.END  # with the end tone when beeps are on
    assert engine.finished
    assert engine.state.last_cue in (alerts[0].cue.text, "That's the end of the routine.")
    result = log.of(SessionFinished)[0].result
    assert result.completed
    assert result.active_seconds == pytest.approx(17 * 60)


def test_the_cold_timer_in_the_flare_up_routine_reminds_about_the_towel(default):
    plan = plan_routine(default, "flare-up", PlanSettings(verbosity=Verbosity.MINIMAL))
    engine = SessionEngine(plan, verbosity=Verbosity.MINIMAL)
    log = EventLog()
    engine.add_listener(log)
    clock = FakeClock()
    engine.start(clock.now())
    run_to_end(engine, clock)
    spoken = [e.cue.text for e in log.of(CueRequested) if e.spoken]
    assert any("never put it straight on your skin" in t for t in spoken)
    assert "Time is up. Take the cold pack away." in spoken


def test_a_heat_exercise_without_its_own_skin_words_gets_the_reminder_added():
    pad = replace(exercise("heat-pad", duration_seconds=900, prepare_seconds=10),
                  category=Category.HEAT)
    cat = catalogue([pad])
    plan = plan_exercise(cat, "heat-pad", PlanSettings(verbosity=Verbosity.MINIMAL))
    notices = [c.text for c in plan.phases[0].cues if c.kind is CueKind.NOTICE]
    assert notices == ["Heat pad", thermal.SKIN_REMINDERS[Category.HEAT]]
    assert CueKind.NOTICE in SPOKEN_KINDS[Verbosity.MINIMAL]


def test_other_exercises_keep_their_plain_introduction(default):
    plan = plan_exercise(default, "bridge", PlanSettings())
    assert plan.phases[0].cues[0].kind is CueKind.INTRO
    assert thermal.skin_reminder(default.exercise("bridge")) is None


def test_a_run_on_its_own_may_override_the_dose(default):
    plan = plan_exercise(default, "plank", PlanSettings(), overrides={"hold_seconds": 45})
    assert plan.items[0].dose.hold_seconds == 45
