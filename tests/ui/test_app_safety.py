"""The safety flow in the real app: red flags blocking a session, the pain checks saved with it,
"this hurts" recorded with the easier version offered, a dose step shown and applied, the first
run, heat and cold from the Tips tab, and the first run kept out of --exit-when-ready."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from coach.core.records import ExerciseEventKind, Felt, LegPain, Outcome, PainScore, SetRecord
from coach.core.safety import AdviceKind
from coach.safety_flow import BriefChoice, BriefResult, PainAfter, PainBefore, RedFlagResult
from coach.storage.history import HistoryStore
from tests.ui.session_helpers import all_no
from tests.ui.test_app_sessions import make_app

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def coach_app(qtbot, tmp_path):
    app, speakers = make_app(tmp_path)
    qtbot.addWidget(app.window)
    yield app
    app.shutdown()


def finish(app, qtbot) -> None:
    """Wait for the running session (at 1000 times real time) to finish."""
    if not app.session.engine.finished:
        with qtbot.waitSignal(app.session.finished, timeout=10_000):
            pass


# --- red flags -------------------------------------------------------------------------------


def test_a_red_flag_holds_every_start_until_a_clinicians_check_is_confirmed(coach_app, qtbot):
    app = coach_app
    prompts = app.prompts
    prompts.red_flag_answers = RedFlagResult({**all_no(), "bladder-bowel": True}, True)
    app.start_routine("desk-break")
    assert app.session is None  # the advice was shown instead
    # Every later start asks the questions again, and answering no does not lift the hold.
    prompts.red_flag_answers = RedFlagResult(all_no(), True)
    app.start_routine("desk-break")
    app.try_exercise("bridge")
    assert app.session is None
    assert prompts.asked == ["red flags"] * 3
    assert prompts.holds[-1].signs == {"bladder-bowel"}
    prompts.red_flag_answers = RedFlagResult(all_no(), True, cleared=True)
    app.start_routine("desk-break")
    assert app.session is not None
    with HistoryStore.open(app.paths.history_db, recover=False, backup=False) as store:
        (first, *_) = store.screenings()
    assert first.cleared_at is not None
    assert first.cleared_at.date() == datetime.now().astimezone().date()


def test_answering_no_to_every_question_starts_the_session(coach_app):
    app = coach_app
    app.start_routine("desk-break")
    assert app.prompts.asked[:2] == ["red flags", "pain before Desk break"]
    assert app.session is not None
    assert not app.history().latest_screening().any_positive


def test_the_weekly_recheck_comes_back_after_seven_days(coach_app):
    app = coach_app
    app.safety().screen(None)
    app.wall_now = lambda: datetime.now().astimezone() + timedelta(days=7, minutes=1)
    app.start_routine("desk-break")
    assert app.prompts.asked.count("red flags") == 2


def test_the_help_menu_runs_the_check_and_shows_the_disclaimer(coach_app):
    app = coach_app
    app.red_flag_action.trigger()
    app.disclaimer_action.trigger()
    assert app.prompts.asked == ["red flags", "disclaimer"]
    assert len(app.history().screenings()) == 1
    assert app.care_action in app.window.file_menu.actions()


# --- pain checks and stop rules ----------------------------------------------------------------


def test_pain_before_and_after_are_saved_with_the_session(coach_app, qtbot):
    app = coach_app
    app.prompts.pain_before_answer = PainBefore(PainScore(4, 6), LegPain.NO_CHANGE)
    app.prompts.pain_after_answer = PainAfter(PainScore(3, 5), Felt.EASIER, "Felt looser",
                                              LegPain.TOWARDS_BACK)
    app.start_routine("desk-break")
    finish(app, qtbot)
    qtbot.waitUntil(lambda: app.prompts.asked[-1] == "pain after Desk break", timeout=2000)
    with HistoryStore.open(app.paths.history_db, recover=False, backup=False) as store:
        session = store.sessions()[0]
    assert session.outcome is Outcome.COMPLETED
    assert session.pain_before == PainScore(4, 6)
    assert session.leg_pain_spreading is False
    assert session.leg_pain_before is LegPain.NO_CHANGE
    assert session.leg_pain_after is LegPain.TOWARDS_BACK  # recorded, and said to be good
    assert any(text.startswith("Good sign") for text in app.prompts.informed)
    assert session.pain_after == PainScore(3, 5)
    assert session.felt is Felt.EASIER
    assert session.note == "Felt looser"


def test_cancelling_the_pain_check_starts_nothing(coach_app):
    app = coach_app
    app.prompts.pain_before_answer = None
    app.start_routine("desk-break")
    assert app.session is None
    assert app.history().sessions() == []


def test_high_pain_can_switch_to_the_flare_up_routine(coach_app):
    app = coach_app
    app.prompts.pain_before_answer = PainBefore(PainScore(8, 4), LegPain.NO_CHANGE)
    app.prompts.brief_answer = BriefResult(BriefChoice.SUGGESTED)
    app.start_routine("core-and-glutes")
    decision = app.prompts.briefs[0]
    assert [a.kind for a in decision.advice] == [AdviceKind.HIGH_PAIN]
    assert app.session.plan.routine_id == "flare-up"
    assert app.recorder is not None


def test_spreading_leg_pain_and_not_today_starts_nothing(coach_app):
    app = coach_app
    app.prompts.pain_before_answer = PainBefore(PainScore(2, 3), LegPain.FURTHER_DOWN)
    app.prompts.brief_answer = BriefResult(BriefChoice.NOT_TODAY)
    app.start_routine("core-and-glutes")
    assert app.prompts.briefs[0].stop
    assert app.session is None


def test_rising_pain_after_two_sessions_is_advised_after_the_second(coach_app, qtbot):
    app = coach_app
    app.prompts.pain_before_answer = PainBefore(PainScore(2, 2), None)
    app.prompts.pain_after_answer = PainAfter(PainScore(4, 2))
    for _ in range(2):
        app.start_routine("desk-break")
        finish(app, qtbot)
        qtbot.waitUntil(lambda: app.prompts.asked[-1] == "pain after Desk break", timeout=2000)
        app.session_window.close()
    assert len(app.prompts.informed) == 1
    assert "contact your physiotherapist" in app.prompts.informed[0]


# --- "this hurts" ------------------------------------------------------------------------------


def test_this_hurts_is_recorded_and_the_easier_version_is_offered_then_runs(tmp_path, qtbot):
    app, _ = make_app(tmp_path, time_scale=None)  # real time: nothing moves on by itself
    qtbot.addWidget(app.window)
    try:
        app.prompts.pain_after_answer = PainAfter(PainScore(3, 2))
        app.try_exercise("plank")
        window = app.session_window
        assert app.session.hurts()
        session_id = app.recorder.session_id
        events = app.history().exercise_events(session_id)
        assert [(e.kind, e.exercise_id) for _, e in events] == [
            (ExerciseEventKind.STOPPED_FOR_PAIN, "plank")]
        assert window.notice_label.text().startswith("Forearm plank stopped. Plank on your knees")
        offer = window.easier_buttons["knee-plank"]
        assert offer.text() == "Try Plank on your knees instead"
        qtbot.waitUntil(lambda: app.prompts.asked[-1] == "pain after Forearm plank",
                        timeout=2000)
        qtbot.mouseClick(offer, Qt.MouseButton.LeftButton)
        assert [i.exercise.id for i in app.session.plan.items] == ["knee-plank"]
        # The pain given after the plank counts as the pain before the easier exercise.
        assert app.prompts.asked.count("pain before Plank on your knees") == 0
        assert app.history().session(app.recorder.session_id).pain_before == PainScore(3, 2)
    finally:
        app.shutdown()


# --- progression -------------------------------------------------------------------------------


def seed_plank(store: HistoryStore, days: int = 3) -> None:
    now = datetime.now().astimezone()
    for n in range(days, 0, -1):
        start = now - timedelta(days=n)
        sid = store.start_session("single-exercise", "Forearm plank", start,
                                  pain_before=PainScore(3, 3))
        for number in (1, 2):
            store.record_set(sid, SetRecord(
                exercise_id="plank", set_number=number, completed_at=start, complete=True,
                reps_done=1, reps_planned=1, hold_seconds=30.0, hold_seconds_planned=30.0,
                work_seconds=30.0, work_seconds_planned=30.0, sets_planned=2, item_index=0))
        store.finish_session(sid, start + timedelta(minutes=3), Outcome.COMPLETED,
                             pain_after=PainScore(3, 3))


def test_a_dose_step_is_shown_before_the_session_and_the_sets_record_the_new_dose(coach_app,
                                                                                  qtbot):
    app = coach_app
    seed_plank(app.history())
    app.try_exercise("plank")
    notes = app.prompts.briefs[0].announcements
    assert [n.text for n in notes] == ["Forearm plank today: 40 s, up from 30 s"]
    assert app.session.plan.items[0].dose.hold_seconds == 40
    finish(app, qtbot)
    rows = app.history().sets(app.recorder.session_id)
    assert [r.record.hold_seconds_planned for r in rows] == [40.0, 40.0]


def test_keep_this_dose_locks_it_and_the_session_stays_at_30_s(coach_app):
    app = coach_app
    seed_plank(app.history())
    app.prompts.brief_answer = BriefResult(BriefChoice.START, {"plank": True})
    app.try_exercise("plank")
    assert app.settings.locked_doses == ("plank",)
    assert app.session.plan.items[0].dose.hold_seconds == 30
    from coach import settings as settings_file

    assert settings_file.load(app.paths.settings_file).settings.locked_doses == ("plank",)


# --- heat and cold -----------------------------------------------------------------------------


def test_the_heat_timer_from_the_tips_tab_runs_the_chosen_minutes(tmp_path, qtbot):
    app, speakers = make_app(tmp_path, time_scale=None)
    qtbot.addWidget(app.window)
    try:
        app.prompts.minutes_answer = 18
        tips = app.window.page_of(app.tips_tab)
        qtbot.mouseClick(tips.timer_buttons["heat-therapy"], Qt.MouseButton.LeftButton)
        assert "minutes Heat therapy" in app.prompts.asked
        plan = app.session.plan
        assert plan.items[0].dose.duration_seconds == 18 * 60
        assert any("towel between the heat and your skin" in c.text
                   for c in speakers[0].said)
        assert app.prompts.briefs == []
    finally:
        app.shutdown()


# --- first run ---------------------------------------------------------------------------------


def test_the_first_run_shows_the_red_flag_screen_then_the_disclaimer_once(tmp_path, qtbot):
    app, _ = make_app(tmp_path)
    qtbot.addWidget(app.window)
    try:
        app.start()
        qtbot.waitUntil(lambda: "disclaimer" in app.prompts.asked, timeout=3000)
        assert app.prompts.asked == ["red flags", "disclaimer"]
        assert app.settings.disclaimer_seen
    finally:
        app.shutdown()
    again, _ = make_app(tmp_path)
    qtbot.addWidget(again.window)
    try:
        again.first_run()
        assert again.prompts.asked == []
    finally:
        again.shutdown()


def test_exit_when_ready_skips_the_first_run_screens(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "COACH_DATA_DIR": str(tmp_path / "d"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    done = subprocess.run([sys.executable, "-m", "coach", "--exit-when-ready"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "d" / "history.db").exists() or _no_screenings(tmp_path / "d")


def _no_screenings(data_dir) -> bool:
    with HistoryStore.open(data_dir / "history.db", recover=False, backup=False) as store:
        return store.screenings() == []


def test_the_session_window_shows_the_exercises_stop_signs_under_its_steps(coach_app, qtbot):
    from coach.core.safety import stop_if_text

    app = coach_app
    app.try_exercise("bridge")
    window = app.session_window
    bridge = app.catalogue.exercise("bridge")
    assert bridge.stop_if
    qtbot.waitUntil(lambda: window.stop_if.text() == stop_if_text(bridge.stop_if),
                    timeout=5000)
    assert window.stop_if.isVisible()
    finish(app, qtbot)
