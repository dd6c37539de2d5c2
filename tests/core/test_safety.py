"""The red-flag screen, the pain checks, the stop rules and the progression rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coach.core import progression, safety
from coach.core.models import Category, Dose, Exercise, Position
from coach.core.progression import ExerciseSession
from coach.core.records import Felt, Outcome, PainScore, Screening, SessionRecord
from coach.core.safety import AdviceKind, ScreeningNeed, StopRules, Urgency

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


def test_a_yes_holds_every_session_on_later_days_until_a_clinicians_check_is_confirmed():
    yes = screening(NOW - timedelta(days=3), yes=True, acknowledged=NOW - timedelta(days=3))
    later_no = screening(NOW - timedelta(days=1))
    hold = safety.red_flag_hold([yes, later_no])
    assert hold is not None  # reading the advice, or answering no later, does not lift it
    assert hold.since == yes.answered_at
    assert hold.signs == {"bladder-bowel"}
    assert safety.screening_needed(later_no, NOW, hold) is ScreeningNeed.HOLD
    cleared = replace(yes, cleared_at=NOW - timedelta(hours=1))
    assert safety.red_flag_hold([cleared, later_no]) is None
    assert safety.red_flag_hold([screening(NOW)]) is None
    assert safety.red_flag_hold([]) is None


def test_the_clinicians_check_is_offered_only_at_a_later_start_and_for_the_signs_held():
    hold = safety.red_flag_hold([screening(NOW - timedelta(days=1), yes=True)])
    no = {f.id: False for f in safety.RED_FLAGS}
    assert safety.clearance_allowed(hold, no)
    assert safety.clearance_allowed(hold, {**no, "bladder-bowel": True})
    assert not safety.clearance_allowed(hold, {**no, "leg-weakness": True})  # a new sign
    assert not safety.clearance_allowed(None, {**no, "bladder-bowel": True})  # a first yes


@pytest.mark.parametrize(("signs", "urgency", "title", "reason"), [
    (["saddle-numbness"], Urgency.EMERGENCY, "Get emergency help now", "nerves"),
    (["bladder-bowel"], Urgency.EMERGENCY, "Get emergency help now", "nerves"),
    (["both-legs"], Urgency.EMERGENCY, "Get emergency help now", "nerves"),
    (["leg-weakness"], Urgency.SAME_DAY, "Get medical help today", "Weakness"),
    (["walking"], Urgency.SAME_DAY, "Get medical help today", "walk"),
    (["weight-fever"], Urgency.DAY_OR_TWO, "See a doctor in the next day or two", "infection"),
])
def test_each_sign_gets_advice_by_its_urgency_with_a_reason_that_fits(signs, urgency, title,
                                                                      reason):
    advice = safety.red_flag_advice(signs)
    assert advice.urgency is urgency
    assert advice.title == title
    assert reason in advice.text
    if urgency is Urgency.DAY_OR_TWO:
        assert "nerve" not in advice.text  # a fever is not a pressed nerve


def test_several_signs_take_the_most_urgent_action_and_give_each_reason():
    advice = safety.red_flag_advice(["weight-fever", "both-legs"])
    assert advice.title == "Get emergency help now"
    assert advice.text.startswith("Call your emergency number")
    assert "infection" in advice.text
    assert "nerves" in advice.text
    assert safety.red_flag_advice([]) is None


def test_the_warning_signs_read_as_advice_most_urgent_first():
    lines = safety.warning_sign_advice()
    assert len(lines) == 3
    assert all(line.startswith("If you notice ") for line in lines)
    assert "emergency" in lines[0]
    assert "bladder" in lines[0]
    assert "both legs" in lines[0]
    assert "same day" in lines[1]
    assert "either leg" in lines[1]
    assert "day or two" in lines[2]
    assert "fever" in lines[2]
    assert not any("you described" in line for line in lines)


def test_the_questions_are_clear_about_what_counts():
    q = {f.id: f.question for f in safety.RED_FLAGS}
    assert "start passing urine" in q["bladder-bowel"]
    assert "need to go" in q["bladder-bowel"]
    assert "new" in q["saddle-numbness"]
    assert "started" in q["both-legs"]
    assert "catches or slaps" in q["walking"]
    assert "unsteady" in q["walking"]
    assert "pain" not in q["walking"]
    assert "either leg" in q["leg-weakness"]
    assert "heels" in q["leg-weakness"]
    assert "pins and needles or numbness in both legs" not in " ".join(q.values())


def test_the_nerve_signs_line_names_the_three_emergency_signs_briefly():
    line = safety.NERVE_SIGNS_QUESTION
    assert len(line) < 110
    for word in ("bottom", "bladder", "both legs"):
        assert word in line


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


def test_spreading_leg_pain_with_high_pain_is_one_message_with_no_other_routine():
    advice = safety.before_session(PainScore(8, 9), True, RULES, routine_id="x",
                                   flare_up_available=True)
    assert [a.kind for a in advice] == [AdviceKind.SPREADING]
    assert advice[0].suggest_routine is None


def test_leg_pain_moving_towards_the_back_is_said_to_be_a_good_sign():
    advice = safety.before_session(PainScore(3, 3), False, RULES, routine_id="x",
                                   flare_up_available=True, centralising=True)
    assert [a.kind for a in advice] == [AdviceKind.CENTRALISING]
    assert advice[0].message.startswith("Good sign")
    assert not advice[0].warning
    assert not advice[0].stop


def test_pain_today_two_above_the_last_sessions_pain_after_is_a_flare_up():
    last = session(1, (3, 3), (3, 4))
    advice = safety.before_session(PainScore(3, 6), False, RULES, routine_id="x",
                                   flare_up_available=True, last=last)
    assert [a.kind for a in advice] == [AdviceKind.FLARE]
    assert advice[0].suggest_routine == "flare-up"
    assert "2 points higher than after your last session" in advice[0].message
    assert safety.before_session(PainScore(4, 5), False, RULES, routine_id="x",
                                 flare_up_available=True, last=last) == []
    assert safety.before_session(PainScore(3, 6), False, RULES, routine_id="x",
                                 flare_up_available=True,
                                 last=session(1, (3, 3), (None, None))) == []


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
    assert not safety.pain_rising([session(1, (3, 3), (5, 3)), session(2, (3, 3), (3, 3)),
                                   session(3, (3, 3), (5, 5))], RULES)


def test_one_session_that_ends_three_higher_advises_calling_the_physio_at_once():
    history = [session(1, (3, 3), (3, 3)), session(2, (2, 4), (2, 7))]
    assert safety.pain_rising(history, RULES)
    (advice,) = safety.after_sessions(history, RULES)
    assert advice.kind is AdviceKind.RISING
    assert "went up by 3 points during your last session" in advice.message
    assert not safety.pain_rising([session(1, (2, 4), (2, 6))], RULES)


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


def test_no_step_up_when_pain_before_is_at_the_high_pain_threshold():
    history = [done(30, 1), done(30, 3), done(30, 5)]
    high = progression.decide(PLANK, {"hold_seconds": 30}, history,
                              pain_before=PainScore(2, 7), high_pain=7)
    assert not high.stepped_up
    assert high.held_back == "your pain is 7 out of 10 today"
    below = progression.decide(PLANK, {"hold_seconds": 30}, history,
                               pain_before=PainScore(6, 6), high_pain=7)
    assert below.stepped_up


def test_no_step_up_after_a_session_rated_harder():
    history = [done(30, 1), done(30, 3), done(30, 5)]
    harder = progression.decide(PLANK, {"hold_seconds": 30}, history, last_felt=Felt.HARDER)
    assert not harder.stepped_up
    assert harder.held_back == "you found your last session harder"
    assert progression.decide(PLANK, {"hold_seconds": 30}, history,
                              last_felt=Felt.SAME).stepped_up


def test_an_exercise_without_progression_is_left_alone():
    plain = Exercise(id="x", name="X", category=Category.STRETCH, summary="s", steps=("a",),
                     position=Position.ANY, dose=Dose(hold_seconds=10))
    decision = progression.decide(plain, {"hold_seconds": 10}, [])
    assert decision.step is None
    assert decision.overrides == {}


def test_steps_are_described_for_people():
    assert progression.describe_step({"reps": 12}) == "12 reps"
    assert progression.describe_step({"duration_seconds": 900}) == "15 min"


def test_an_exercises_stop_signs_read_as_one_sentence_while_doing_it():
    assert safety.stop_if_text(("your symptoms spread further down the leg",
                                "you feel sharp pain in your back")) == (
        "Stop if your symptoms spread further down the leg; or you feel sharp pain in your back.")
    assert safety.stop_if_text(()) == ""
