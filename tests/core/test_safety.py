"""The red-flag screen, the pain checks, the stop rules and the progression rule."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coach.core import progression, safety
from coach.core.models import Category, Dose, Exercise, Position
from coach.core.progression import ExerciseSession
from coach.core.records import Outcome, PainScore, Screening, SessionRecord
from coach.core.safety import AdviceKind, ScreeningNeed, StopRules

TZ = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=TZ)


def screening(answered: datetime, *, yes: bool = False,
              acknowledged: datetime | None = None) -> Screening:
    answers = {flag.id: False for flag in safety.RED_FLAGS}
    if yes:
        answers["bladder-bowel"] = True
    return Screening(answered_at=answered, answers=answers, acknowledged_at=acknowledged)


def test_there_are_six_red_flags_each_a_question():
    assert len(safety.RED_FLAGS) == 6
    assert len({f.id for f in safety.RED_FLAGS}) == 6
    assert all(f.question.endswith("?") for f in safety.RED_FLAGS)


def test_a_first_run_needs_the_full_screen_and_a_week_later_a_recheck():
    assert safety.screening_needed(None, NOW) is ScreeningNeed.FIRST
    assert safety.screening_needed(screening(NOW - timedelta(days=6, hours=23)), NOW) is None
    assert safety.screening_needed(screening(NOW - timedelta(days=7)), NOW) is ScreeningNeed.WEEKLY


def test_a_yes_blocks_sessions_that_day_until_acknowledged():
    today = NOW.date()
    assert safety.sessions_blocked(screening(NOW, yes=True), today)
    assert not safety.sessions_blocked(
        screening(NOW, yes=True, acknowledged=NOW + timedelta(minutes=1)), today)
    assert not safety.sessions_blocked(screening(NOW, yes=False), today)
    assert not safety.sessions_blocked(None, today)


def test_an_acknowledgement_from_another_day_does_not_unblock_today():
    yesterday = NOW - timedelta(days=1)
    answered_today = Screening(answered_at=NOW, answers={"walking": True},
                               acknowledged_at=yesterday)
    assert safety.sessions_blocked(answered_today, NOW.date())


def test_a_yes_from_an_earlier_day_does_not_block_today():
    assert not safety.sessions_blocked(screening(NOW - timedelta(days=2), yes=True), NOW.date())


RULES = StopRules()


@pytest.mark.parametrize(("back", "leg"), [(7, None), (None, 8), (3, 7), (10, 10)])
def test_pain_of_seven_or_more_suggests_the_flare_up_routine(back, leg):
    advice = safety.before_session(PainScore(back, leg), False, RULES,
                                   routine_id="core-and-glutes", flare_up_available=True)
    assert [a.kind for a in advice] == [AdviceKind.HIGH_PAIN]
    assert advice[0].suggest_routine == "flare-up"
    assert "out of 10" in advice[0].message


def test_pain_below_the_threshold_gives_no_advice():
    assert safety.before_session(PainScore(6, 6), False, RULES, routine_id="x",
                                 flare_up_available=True) == []
    assert safety.before_session(PainScore(), None, RULES, routine_id="x",
                                 flare_up_available=True) == []


def test_high_pain_in_the_flare_up_routine_does_not_suggest_itself():
    advice = safety.before_session(PainScore(8, 2), False, RULES, routine_id="flare-up",
                                   flare_up_available=True)
    assert advice[0].suggest_routine is None


def test_the_threshold_is_a_setting():
    advice = safety.before_session(PainScore(5, 0), False, StopRules(high_pain=5),
                                   routine_id="x", flare_up_available=True)
    assert [a.kind for a in advice] == [AdviceKind.HIGH_PAIN]


def test_leg_pain_spreading_advises_stopping_and_calling_the_physio():
    advice = safety.before_session(PainScore(2, 3), True, RULES, routine_id="x",
                                   flare_up_available=True)
    assert [a.kind for a in advice] == [AdviceKind.SPREADING]
    assert advice[0].stop
    assert "physiotherapist" in advice[0].message
    assert safety.before_session(PainScore(2, 3), True, StopRules(spreading_stops=False),
                                 routine_id="x", flare_up_available=True) == []


def session(n: int, before: tuple[int | None, int | None], after: tuple[int | None, int | None]
            ) -> SessionRecord:
    started = NOW + timedelta(days=n)
    return SessionRecord(id=n, routine_id="r", routine_name="R", started_at=started,
                         local_date=started.date(), outcome=Outcome.COMPLETED,
                         pain_before=PainScore(*before), pain_after=PainScore(*after))


def test_pain_up_by_two_in_two_sessions_in_a_row_advises_calling_the_physio():
    history = [session(1, (3, 3), (5, 3)), session(2, (4, 2), (4, 4))]
    assert safety.pain_rising(history, RULES)
    advice = safety.after_sessions(history, RULES)
    assert [a.kind for a in advice] == [AdviceKind.RISING]


def test_one_bad_session_or_a_smaller_rise_is_not_enough():
    assert not safety.pain_rising([session(1, (3, 3), (5, 3))], RULES)
    assert not safety.pain_rising([session(1, (3, 3), (5, 3)), session(2, (3, 3), (4, 4))], RULES)
    assert not safety.pain_rising([session(1, (3, 3), (6, 3)), session(2, (3, 3), (3, 3)),
                                   session(3, (3, 3), (6, 6))], RULES)


def test_sessions_without_both_pain_checks_are_passed_over():
    history = [session(1, (3, 3), (5, 3)), session(2, (None, None), (None, None)),
               session(3, (2, 2), (2, 5))]
    assert safety.pain_rising(history, RULES)


PLANK = Exercise(
    id="plank", name="Forearm plank", category=Category.STRENGTH, summary="s", steps=("a",),
    position=Position.LYING_FACE_DOWN, dose=Dose(hold_seconds=30, sets=2),
    progression=({"hold_seconds": 30}, {"hold_seconds": 45}, {"hold_seconds": 60}),
)


def done(hold: int, n: int, *, completed: bool = True, before=(3, 3), after=(3, 3)
         ) -> ExerciseSession:
    return ExerciseSession(local_date=date(2026, 3, n), planned={"hold_seconds": hold, "sets": 2},
                           completed=completed, pain_before=PainScore(*before),
                           pain_after=PainScore(*after))


def test_three_good_sessions_step_the_dose_up_and_say_so():
    decision = progression.decide(PLANK, {"hold_seconds": 30},
                                  [done(30, 1), done(30, 3), done(30, 5)])
    assert decision.stepped_up
    assert decision.overrides == {"hold_seconds": 45}
    assert decision.message == "Forearm plank today: 45 s, up from 30 s"


def test_fewer_than_three_sessions_keep_the_dose():
    decision = progression.decide(PLANK, {"hold_seconds": 30}, [done(30, 1), done(30, 3)])
    assert not decision.stepped_up
    assert decision.overrides == {"hold_seconds": 30}


def test_an_incomplete_session_or_rising_pain_keeps_the_dose():
    for bad in (done(30, 5, completed=False), done(30, 5, before=(3, 3), after=(4, 3))):
        decision = progression.decide(PLANK, {"hold_seconds": 30},
                                      [done(30, 1), done(30, 3), bad])
        assert not decision.stepped_up


def test_a_step_up_needs_three_sessions_at_the_new_level_before_the_next():
    history = [done(30, 1), done(30, 2), done(30, 3), done(45, 4), done(45, 5)]
    assert progression.decide(PLANK, {"hold_seconds": 30}, history).overrides == {
        "hold_seconds": 45}
    history.append(done(45, 6))
    assert progression.decide(PLANK, {"hold_seconds": 30}, history).overrides == {
        "hold_seconds": 60}


def test_the_last_step_is_the_ceiling():
    history = [done(60, 1), done(60, 2), done(60, 3)]
    decision = progression.decide(PLANK, {"hold_seconds": 30}, history)
    assert decision.overrides == {"hold_seconds": 60}
    assert not decision.stepped_up


def test_a_locked_dose_or_rising_pain_holds_it_and_says_why():
    history = [done(30, 1), done(30, 3), done(30, 5)]
    locked = progression.decide(PLANK, {"hold_seconds": 30}, history, locked=True)
    assert not locked.stepped_up
    assert locked.held_back == "the dose is locked"
    assert locked.step == 0
    assert locked.overrides == {"hold_seconds": 30}
    assert locked.message is None
    rising = progression.decide(PLANK, {"hold_seconds": 30}, history, pain_rising=True)
    assert not rising.stepped_up
    assert rising.held_back == "pain has been rising after sessions"
    assert rising.step == 0
    assert rising.overrides == {"hold_seconds": 30}
    both = progression.decide(PLANK, {"hold_seconds": 30}, history, locked=True,
                              pain_rising=True)
    assert both.held_back == "the dose is locked"


def test_an_exercise_without_progression_is_left_alone():
    plain = Exercise(id="x", name="X", category=Category.STRETCH, summary="s", steps=("a",),
                     position=Position.ANY, dose=Dose(hold_seconds=10))
    decision = progression.decide(plain, {"hold_seconds": 10}, [])
    assert decision.step is None
    assert decision.overrides == {}


def test_steps_are_described_for_people():
    assert progression.describe_step({"reps": 12}) == "12 reps"
    assert progression.describe_step({"duration_seconds": 900}) == "15 min"
