"""The safety dialogs on their own: the red-flag screen, the pain checks, the advice before a
session, the disclaimer, the tips page and the safety settings. Each is shown without a nested
event loop (show(), not exec()) and driven like a person would."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel

from coach.core.catalogue import load_catalogue
from coach.core.models import Catalogue
from coach.core.progression import ExerciseSession
from coach.core.records import Felt, LegPain, PainScore, Screening
from coach.core.safety import (
    CLEARANCE_TEXT,
    DISCLAIMER,
    HOLD_TEXT,
    NERVE_SIGNS_QUESTION,
    RED_FLAGS,
    ScreeningNeed,
    red_flag_advice,
    red_flag_hold,
)
from coach.core.session_gate import SessionGate, single_exercise
from coach.core.tips import TIPS
from coach.safety_flow import BriefChoice, PainBefore
from coach.settings import Settings
from coach.ui.care_settings_dialog import CareSettingsDialog
from coach.ui.disclaimer_dialog import DisclaimerDialog
from coach.ui.pain_check_dialog import PainAfterDialog, PainBeforeDialog, PainScale
from coach.ui.red_flags_dialog import RedFlagsDialog
from coach.ui.session_brief_dialog import SessionBriefDialog
from coach.ui.tips_page import TipsPage

ROOT = Path(__file__).resolve().parents[2]

#: The offscreen platform says so for every dialog shown; it is not a problem of ours.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue([ROOT / "exercises.toml"], assets_dir=ROOT / "assets")


def all_plain(widget) -> bool:
    return all(label.textFormat() == Qt.TextFormat.PlainText
               for label in widget.findChildren(QLabel))


# --- red flags -------------------------------------------------------------------------------


def answer(dialog: RedFlagsDialog, qtbot, yes: set[str]) -> None:
    for flag in RED_FLAGS:
        choice = dialog.questions[flag.id]
        qtbot.mouseClick(choice.yes if flag.id in yes else choice.no, Qt.MouseButton.LeftButton)


def test_the_red_flag_screen_asks_six_questions_and_continues_only_when_all_are_answered(qtbot):
    dialog = RedFlagsDialog(ScreeningNeed.FIRST)
    qtbot.addWidget(dialog)
    dialog.show()
    assert len(dialog.questions) == 6
    assert not dialog.continue_button.isEnabled()
    assert dialog.remaining.text() == "6 questions still to answer"
    answer(dialog, qtbot, set())
    assert dialog.continue_button.isEnabled()
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    result = dialog.result_value()
    assert result is not None
    assert not result.any_positive
    assert set(result.answers) == {f.id for f in RED_FLAGS}
    assert all_plain(dialog)


def test_a_first_yes_shows_the_advice_for_its_urgency_and_offers_no_clearance(qtbot):
    dialog = RedFlagsDialog(ScreeningNeed.WEEKLY)
    qtbot.addWidget(dialog)
    dialog.show()
    answer(dialog, qtbot, {"both-legs"})
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 1
    assert dialog.title.text() == "Get emergency help now"
    assert dialog.advice.text() == red_flag_advice(["both-legs"]).text
    assert dialog.next_step.text().startswith(HOLD_TEXT)
    assert not dialog.clear_box.isVisible()
    assert not dialog.clear_button.isVisible()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    result = dialog.result_value()
    assert result.answers["both-legs"]
    assert result.acknowledged
    assert not result.cleared
    assert all_plain(dialog)


def test_a_fever_is_advised_a_doctor_within_a_day_or_two_for_its_own_reason(qtbot):
    dialog = RedFlagsDialog(ScreeningNeed.FIRST)
    qtbot.addWidget(dialog)
    dialog.show()
    answer(dialog, qtbot, {"weight-fever"})
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    assert dialog.title.text() == "See a doctor in the next day or two"
    assert "infection" in dialog.advice.text()
    assert "nerve" not in dialog.advice.text()
    dialog.reject()  # closed: the answers are still given back, not acknowledged
    result = dialog.result_value()
    assert result.any_positive
    assert not result.acknowledged


LONDON = ZoneInfo("Europe/London")


def held(signs: set[str]):
    answers = {f.id: f.id in signs for f in RED_FLAGS}
    return red_flag_hold([Screening(datetime(2026, 12, 3, 9, tzinfo=LONDON), answers)])


def test_at_a_later_start_the_questions_come_again_then_the_clinicians_check_to_confirm(qtbot):
    dialog = RedFlagsDialog(ScreeningNeed.HOLD, hold=held({"walking"}))
    qtbot.addWidget(dialog)
    dialog.show()
    intro = [label.text() for label in dialog.findChildren(QLabel)]
    assert any(t.startswith("On Thursday 3 December you told the coach about a warning sign.")
               for t in intro)
    answer(dialog, qtbot, set())
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 1  # all no is not enough while held
    assert dialog.title.text() == "Get medical help today"
    assert dialog.clear_box.isVisible()
    assert dialog.clear_box.text() == CLEARANCE_TEXT
    assert not dialog.clear_button.isEnabled()
    dialog.clear_box.setChecked(True)
    qtbot.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    result = dialog.result_value()
    assert result.cleared
    assert not result.any_positive


def test_a_new_sign_at_a_later_start_cannot_be_confirmed_as_checked(qtbot):
    dialog = RedFlagsDialog(ScreeningNeed.HOLD, hold=held({"walking"}))
    qtbot.addWidget(dialog)
    dialog.show()
    answer(dialog, qtbot, {"bladder-bowel"})
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    assert dialog.title.text() == "Get emergency help now"
    assert not dialog.clear_box.isVisible()
    assert dialog.ok_button.isVisible()


# --- pain checks -----------------------------------------------------------------------------


def test_a_pain_scale_answers_by_click_digit_ten_arrows_and_clear(qtbot):
    scale = PainScale("Back pain")
    qtbot.addWidget(scale)
    assert scale.value() is None
    qtbot.mouseClick(scale.buttons[4], Qt.MouseButton.LeftButton)
    assert scale.value() == 4
    qtbot.keyClick(scale, Qt.Key.Key_7)
    assert scale.value() == 7
    qtbot.keyClick(scale, Qt.Key.Key_1)
    qtbot.keyClick(scale, Qt.Key.Key_0)
    assert scale.value() == 10
    qtbot.keyClick(scale, Qt.Key.Key_Right)
    assert scale.value() == 10
    qtbot.keyClick(scale, Qt.Key.Key_Left)
    assert scale.value() == 9
    qtbot.mouseClick(scale.clear_button, Qt.MouseButton.LeftButton)
    assert scale.value() is None
    assert all(b.minimumHeight() >= 44 for b in scale.buttons)


def test_the_pain_check_before_gives_back_leg_where_it_moved_and_nerve_signs_each_skippable(
        qtbot):
    dialog = PainBeforeDialog("Core and glutes")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.value() == PainBefore()
    dialog.back.set_value(3)
    qtbot.mouseClick(dialog.leg_pain.buttons[LegPain.FURTHER_DOWN], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.nerve_signs.no, Qt.MouseButton.LeftButton)
    assert dialog.value() == PainBefore(PainScore(3, None), LegPain.FURTHER_DOWN, False)
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert NERVE_SIGNS_QUESTION in labels
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert all_plain(dialog)


def test_the_pain_check_after_gives_pain_how_it_felt_and_a_note(qtbot):
    dialog = PainAfterDialog("<b>Core</b>")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.leg.set_value(2)
    dialog.felt_buttons[Felt.HARDER].setChecked(True)
    qtbot.mouseClick(dialog.leg_pain.buttons[LegPain.TOWARDS_BACK], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.note, "  stiff in the morning ")
    value = dialog.value()
    assert value.leg_pain is LegPain.TOWARDS_BACK
    assert value.nerve_signs is None
    assert NERVE_SIGNS_QUESTION in [label.text() for label in dialog.findChildren(QLabel)]
    assert value.pain == PainScore(None, 2)
    assert value.felt is Felt.HARDER
    assert value.note == "stiff in the morning"
    assert all_plain(dialog)


# --- advice and dose steps -------------------------------------------------------------------


def plank_history() -> dict[str, list[ExerciseSession]]:
    return {"plank": [ExerciseSession(date(2026, 3, d), {"hold_seconds": 30, "reps": 1,
                                                         "sets": 2}, True) for d in (1, 2, 3)]}


def test_the_brief_shows_the_step_up_and_locking_keeps_the_old_dose(qtbot, cat):
    decision = SessionGate(cat).check(single_exercise("plank"), histories=plank_history())
    dialog = SessionBriefDialog(decision, session_name="Core and glutes")
    qtbot.addWidget(dialog)
    dialog.show()
    assert [label.text() for label in dialog.dose_labels] == [
        "Forearm plank today: 40 s, up from 30 s"]
    box = dialog.lock_boxes["plank"]
    assert box.text() == "Keep Forearm plank at 30 s for now (lock this dose)"
    assert not box.isChecked()
    box.setChecked(True)
    qtbot.mouseClick(dialog.start, Qt.MouseButton.LeftButton)
    result = dialog.result_value()
    assert result.choice is BriefChoice.START
    assert result.locks == {"plank": True}


def test_high_pain_offers_the_flare_up_routine_as_the_default(qtbot, cat):
    decision = SessionGate(cat).check(cat.routine("core-and-glutes"), pain=PainScore(8, 3))
    dialog = SessionBriefDialog(decision, session_name="Core and glutes",
                                suggested_name="Flare-up relief")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.suggested is not None
    assert dialog.suggested.text() == "Do the Flare-up relief routine &instead"
    assert dialog.suggested.isDefault()
    assert dialog.start.text() == "Start &anyway"
    assert "8 out of 10" in dialog.advice_labels[0].text()
    qtbot.mouseClick(dialog.suggested, Qt.MouseButton.LeftButton)
    assert dialog.result_value().choice is BriefChoice.SUGGESTED


def test_spreading_leg_pain_is_one_message_with_one_action_not_today(qtbot, cat):
    decision = SessionGate(cat).check(cat.routine("core-and-glutes"), pain=PainScore(8, 8),
                                      leg_spreading=True)
    dialog = SessionBriefDialog(decision, session_name="Core and glutes",
                                suggested_name="Flare-up relief")
    qtbot.addWidget(dialog)
    dialog.show()
    assert len(dialog.advice_labels) == 1
    assert "do not exercise today" in dialog.advice_labels[0].text()
    assert dialog.suggested is None
    assert not dialog.start.isVisible()
    assert dialog.not_today.isDefault()
    assert dialog.not_today.text() == "&OK, not today"
    dialog.reject()
    assert dialog.result_value().choice is BriefChoice.NOT_TODAY


# --- disclaimer, tips, settings --------------------------------------------------------------


def test_the_disclaimer_says_the_coach_does_not_replace_a_clinician(qtbot):
    dialog = DisclaimerDialog()
    qtbot.addWidget(dialog)
    assert dialog.text.text() == DISCLAIMER
    assert "does not replace" in DISCLAIMER
    assert all_plain(dialog)


def test_the_tips_page_shows_every_card_and_starts_the_timers(qtbot, cat):
    timers = [cat.exercise("heat-therapy"), cat.exercise("cold-therapy")]
    page = TipsPage(timers)
    qtbot.addWidget(page)
    assert len(page.cards) == len(TIPS)
    assert page.timer_buttons["heat-therapy"].text() == "Start heat therapy (15-20 min)"
    with qtbot.waitSignal(page.timer_requested, timeout=1000) as blocker:
        qtbot.mouseClick(page.timer_buttons["cold-therapy"], Qt.MouseButton.LeftButton)
    assert blocker.args == ["cold-therapy"]
    assert all_plain(page)


def test_the_safety_settings_edit_times_sitting_stop_rules_and_locks(qtbot, cat):
    dialog = CareSettingsDialog(Settings(locked_doses=("gone",)), cat)
    qtbot.addWidget(dialog)
    assert dialog.value().reminders.times == ()
    assert not dialog.sitting_minutes.isEnabled()
    dialog.new_time.setTime(dialog.new_time.time().fromString("18:00", "HH:mm"))
    qtbot.mouseClick(dialog.add_time, Qt.MouseButton.LeftButton)
    dialog.new_time.setTime(dialog.new_time.time().fromString("07:30", "HH:mm"))
    qtbot.mouseClick(dialog.add_time, Qt.MouseButton.LeftButton)
    dialog.sitting.setChecked(True)
    dialog.sitting_minutes.setValue(30)
    dialog.high_pain.setValue(6)
    for row in range(dialog.locks.count()):
        item = dialog.locks.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == "squat":
            item.setCheckState(Qt.CheckState.Checked)
    value = dialog.value()
    assert value.reminders.times == ("07:30", "18:00")
    assert value.reminders.sitting
    assert value.reminders.sitting_minutes == 30
    assert value.stop_rules.high_pain == 6
    assert value.locked_doses == ("gone", "squat")
    dialog.times.setCurrentRow(0)
    qtbot.mouseClick(dialog.remove_time, Qt.MouseButton.LeftButton)
    assert dialog.value().reminders.times == ("18:00",)


def test_a_timer_named_with_an_ampersand_shows_it_and_gets_no_shortcut(qtbot, cat):
    import dataclasses

    from PySide6.QtGui import QKeySequence

    heat = dataclasses.replace(cat.exercise("heat-therapy"), name="Heat & wrap")
    page = TipsPage([heat])
    qtbot.addWidget(page)
    shown = page.timer_buttons["heat-therapy"]
    assert QKeySequence.mnemonic(shown.text()).isEmpty()
    assert shown.text().replace("&&", "&") == "Start heat & wrap (15-20 min)"


def _turn_wheel_over(widget, steps: int = 3) -> None:
    """A wheel turn (up) with the pointer over the middle of `widget`, delivered to it as
    Qt delivers one to the widget under the pointer."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(),
                        QPoint(0, 120 * steps), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_turning_the_wheel_over_a_stop_rule_scrolls_the_page_and_leaves_the_rule_alone(
        qtbot, cat):
    """Scrolling a long settings page with the wheel must not change a safety threshold on the
    way; a field takes the wheel only once clicked into."""
    from PySide6.QtWidgets import QScrollArea

    dialog = CareSettingsDialog(Settings(), cat)
    qtbot.addWidget(dialog)
    dialog.resize(420, 260)  # short enough for the page to scroll
    dialog.show()
    qtbot.waitExposed(dialog)
    [area] = dialog.findChildren(QScrollArea)
    bar = area.verticalScrollBar()
    assert bar.maximum() > 0
    area.ensureWidgetVisible(dialog.rising_sessions)
    before, scrolled_from = dialog.rising_sessions.value(), bar.value()
    dialog.setFocus()
    _turn_wheel_over(dialog.rising_sessions)
    assert dialog.rising_sessions.value() == before
    assert bar.value() < scrolled_from  # the page went up instead
    dialog.rising_sessions.setFocus()
    qtbot.waitUntil(dialog.rising_sessions.hasFocus, timeout=2000)
    _turn_wheel_over(dialog.rising_sessions)
    assert dialog.rising_sessions.value() != before  # clicked into, the wheel sets it
