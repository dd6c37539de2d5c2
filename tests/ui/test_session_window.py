"""The session window shows the engine's state and sends the user's keys and buttons to it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from coach.core.events import DisplayTick, SetCompleted
from coach.core.plan import HURTS_TEXT, PhaseKind
from coach.core.result import ExerciseStatus
from coach.settings import Theme
from coach.ui.session_window import CLOCK_JUMP_TEXT, CONTROLS, SessionWindow
from coach.ui.theme import apply_theme
from tests.ui.session_helpers import (
    END,
    FIRST_HOLD,
    REST_BETWEEN,
    WALK,
    FakePrompts,
    Session,
    press,
    short_plan,
    show_active,
)


@pytest.fixture
def session():
    return Session(short_plan())


@pytest.fixture
def prompts():
    return FakePrompts()


@pytest.fixture
def window(qtbot, session, prompts):
    w = SessionWindow(session.controller, prompts=prompts)
    qtbot.addWidget(w)
    show_active(qtbot, w)
    session.controller.start()
    yield w
    session.controller.close()


def test_the_countdown_set_rep_side_and_step_follow_the_session(window, session):
    assert window.title.text() == "Bridge"
    assert window.countdown.label() == "Get into position"
    assert window.countdown.text() == "0:03"
    assert window.steps.count() == 3
    assert window.steps.current_step() == 0
    assert window.counter.text() == "Set 1 of 2 · Right side"
    assert window.next_up.text() == "Next up: Walk"
    assert window.position.text() == "Exercise 1 of 2"

    session.run_to(FIRST_HOLD + 1.5)
    assert window.countdown.text() == "0:04"
    assert window.countdown.label() == "Hold"
    assert window.counter.text() == "Set 1 of 2 · Rep 1 of 2 · Right side"
    assert window.steps.current_step() == 2
    assert window.caption_label.text() == "Hold"
    assert 0.15 < window.countdown.progress() < 0.4

    session.run_to(FIRST_HOLD + 8.2)  # the second rep of the first set
    assert window.counter.text() == "Set 1 of 2 · Rep 2 of 2 · Right side"
    assert window.countdown.text() == "0:05"

    session.run_to(REST_BETWEEN + 1)
    assert window.title.text() == "Rest"
    assert window.counter.text() == ""
    assert window.countdown.text() == "0:04"
    assert window.steps.item(0).text() == "1. Walk at an easy pace."  # what comes next
    assert window.steps.current_step() is None

    session.run_to(WALK + 2)
    assert window.title.text() == "Walk"
    assert window.position.text() == "Exercise 2 of 2"
    assert window.next_up.text() == "Last exercise"
    assert window.countdown.text() == "0:08"


def test_space_pauses_and_resumes_keeping_the_remaining_time(window, session, qtbot):
    session.run_to(FIRST_HOLD + 1.5)
    press(qtbot, window, Qt.Key.Key_Space)
    assert session.engine.paused
    assert window.countdown.label() == "Paused"
    assert window.buttons["pause"].text() == "Resume"
    assert window.windowTitle().startswith("Paused")
    session.clock.advance(30)
    session.engine.tick(session.clock.now())
    assert window.countdown.text() == "0:04"
    press(qtbot, window, Qt.Key.Key_Space)
    assert session.engine.running
    assert window.countdown.label() == "Hold"
    session.run_for(1.0)
    assert window.countdown.text() == "0:03"


def test_space_on_a_focused_button_pauses_and_never_presses_the_button(window, session, qtbot):
    window.buttons["hurts"].setFocus()
    qtbot.waitUntil(lambda: window.focusWidget() is window.buttons["hurts"], timeout=1000)
    press(qtbot, window, Qt.Key.Key_Space)
    assert session.engine.paused
    assert session.engine.result.count(ExerciseStatus.STOPPED_FOR_PAIN) == 0
    press(qtbot, window, Qt.Key.Key_Return)  # Return presses the focused button
    assert session.engine.result.count(ExerciseStatus.STOPPED_FOR_PAIN) == 1


@pytest.mark.parametrize("key", [Qt.Key.Key_Right, Qt.Key.Key_PageDown])
def test_right_or_page_down_skips_to_the_next_exercise(window, session, qtbot, key):
    session.run_to(FIRST_HOLD + 1)
    press(qtbot, window, key)
    assert window.title.text() == "Walk"
    assert session.engine.result.exercises[0].status is ExerciseStatus.SKIPPED


@pytest.mark.parametrize("key", [Qt.Key.Key_Left, Qt.Key.Key_PageUp])
def test_left_or_page_up_goes_back(window, session, qtbot, key):
    session.run_to(FIRST_HOLD + 1)
    press(qtbot, window, key)  # restarts the exercise
    assert window.countdown.label() == "Get into position"
    assert window.title.text() == "Bridge"
    press(qtbot, window, Qt.Key.Key_Right)
    assert window.title.text() == "Walk"
    press(qtbot, window, key)  # straight away: the previous exercise
    assert window.title.text() == "Bridge"


def test_buttons_do_what_their_keys_do(window, session, qtbot):
    session.run_to(FIRST_HOLD + 1)
    qtbot.mouseClick(window.buttons["add_time"], Qt.MouseButton.LeftButton)
    assert window.countdown.text() == "0:14"
    qtbot.mouseClick(window.buttons["pause"], Qt.MouseButton.LeftButton)
    assert session.engine.paused
    qtbot.mouseClick(window.buttons["pause"], Qt.MouseButton.LeftButton)
    assert session.engine.running
    qtbot.mouseClick(window.buttons["skip"], Qt.MouseButton.LeftButton)
    assert window.title.text() == "Walk"


def test_a_adds_ten_seconds_and_m_mutes_the_voice(window, session, qtbot):
    session.run_to(FIRST_HOLD + 1)
    press(qtbot, window, Qt.Key.Key_A)
    assert window.countdown.text() == "0:14"
    press(qtbot, window, Qt.Key.Key_M)
    assert session.speaker.applied[-1].mute is True
    assert window.buttons["mute"].text() == "Unmute"
    assert session.engine.running  # muting does not pause
    press(qtbot, window, Qt.Key.Key_M)
    assert session.speaker.applied[-1].mute is False
    assert window.buttons["mute"].text() == "Mute"


def test_h_stops_the_exercise_for_pain_and_moves_on(window, session, qtbot):
    session.run_to(FIRST_HOLD + 1)
    press(qtbot, window, Qt.Key.Key_H)
    assert session.engine.result.exercises[0].status is ExerciseStatus.STOPPED_FOR_PAIN
    assert window.title.text() == "Rest"
    assert HURTS_TEXT in session.speaker.texts()


def test_escape_asks_first_and_carrying_on_resumes(window, session, prompts, qtbot):
    session.run_to(FIRST_HOLD + 1)
    prompts.confirm_answer = False
    press(qtbot, window, Qt.Key.Key_Escape)
    assert prompts.asked == ["Stop the session?"]
    assert session.engine.running
    assert window.stack.currentWidget() is window.session_page


def test_escape_confirmed_stops_and_shows_what_was_done(window, session, prompts, qtbot):
    session.run_to(FIRST_HOLD + 13)  # the first set is done
    prompts.confirm_answer = True
    press(qtbot, window, Qt.Key.Key_Escape)
    assert session.engine.finished
    result = session.engine.result
    assert result.ended_early
    assert window.stack.currentWidget() is window.finished_view
    assert window.finished_view.title.text() == "Session stopped"
    assert "(ended early)" in window.finished_view.summary.text()
    assert window.windowTitle() == "Finished — Physio Coach"
    press(qtbot, window, Qt.Key.Key_Escape)  # Esc on the summary closes, without asking
    assert prompts.asked == ["Stop the session?"]
    assert not window.isVisible()


def test_a_session_run_to_the_end_says_well_done_and_close_closes(window, session, qtbot):
    closed = []
    window.closed.connect(lambda: closed.append(True))
    session.run_to(END + 1)
    assert window.stack.currentWidget() is window.finished_view
    assert window.finished_view.title.text() == "Well done"
    assert window.finished_view.summary.text().startswith("2 of 2 exercises completed")
    assert "Bridge: done" in window.finished_view.details.text()
    assert window.windowTitle() == "Finished — Physio Coach"
    qtbot.mouseClick(window.finished_view.close_button, Qt.MouseButton.LeftButton)
    assert closed == [True]
    assert session.speaker.shut_down


def test_closing_the_window_mid_session_stops_it_as_ended_early(window, session):
    finished = []
    session.controller.finished.connect(finished.append)
    session.run_to(FIRST_HOLD + 2)
    window.close()
    assert session.engine.finished
    assert finished[0].ended_early
    assert finished[0].exercises[0].status is ExerciseStatus.ENDED_EARLY
    assert session.speaker.shut_down


def test_cues_go_to_the_speaker_and_pause_cancels_them(window, session, qtbot):
    assert session.speaker.prepared  # the plan's phrases were handed over to pre-render
    assert "Bridge" in session.speaker.texts()
    cancels = session.speaker.cancels
    press(qtbot, window, Qt.Key.Key_Space)
    assert session.speaker.cancels == cancels + 1
    assert session.speaker.pending == []


def test_a_caption_from_the_speaker_shows_at_once(window, session):
    session.controller.caption.emit("Lift your hips")
    assert window.caption_label.text() == "Lift your hips"
    session.controller.notice.emit("Voice is off: no sound device was found.")
    assert window.notice_label.isVisibleTo(window)
    assert window.notice_label.text().startswith("Voice is off")


def test_html_in_the_catalogue_shows_literally(qtbot, prompts):
    session = Session(short_plan(name="<b>Bold</b> <img src=x>",
                                 steps=("<i>Lie</i> down", "Lift & hold")))
    w = SessionWindow(session.controller, prompts=prompts)
    qtbot.addWidget(w)
    session.controller.start()
    assert w.title.text() == "<b>Bold</b> <img src=x>"
    assert w.steps.item(0).text() == "1. <i>Lie</i> down"
    assert w.caption_label.text() == "<b>Bold</b> <img src=x>"  # the first cue: the name
    labels = w.findChildren(QLabel)
    assert labels
    for label in labels:
        assert label.textFormat() == Qt.TextFormat.PlainText, label.accessibleName()
    session.run_to(END + 1)
    assert "<b>Bold</b> <img src=x>: done" in w.finished_view.details.text()
    session.controller.close()


def test_every_control_has_a_button_with_an_accessible_name_and_a_key(window):
    for control in CONTROLS:
        b = window.buttons[control.name]
        assert b.accessibleName()
        assert b.accessibleDescription().startswith("Key: ")
        assert window.actions_by_name[control.name].shortcuts()
    assert all(b.focusPolicy() != Qt.FocusPolicy.NoFocus
               for b in window.findChildren(QPushButton) if b.isVisibleTo(window))


@pytest.fixture
def theme():
    """Apply a theme and text size as the settings dialog does; the app's are put back after."""
    app = QApplication.instance()
    old_font, old_palette, old_sheet = QFont(app.font()), app.palette(), app.styleSheet()
    yield lambda text_scale: apply_theme(app, Theme.LIGHT, text_scale)
    app.setFont(old_font)
    app.setPalette(old_palette)
    app.setStyleSheet(old_sheet)


def holding_at_800_by_600(qtbot, prompts, plan) -> tuple[Session, SessionWindow]:
    """A session window of 800x600, shown, one second into the first hold."""
    session = Session(plan)
    w = SessionWindow(session.controller, prompts=prompts)
    qtbot.addWidget(w)
    w.resize(800, 600)
    show_active(qtbot, w)
    session.controller.start()
    session.run_to(FIRST_HOLD + 1)
    return session, w


@pytest.mark.parametrize("text_scale", [1.0, 2.0])
def test_the_window_fits_800_by_600_with_a_countdown_readable_across_the_room(
        qtbot, prompts, theme, text_scale):
    theme(1.0)
    session, w = holding_at_800_by_600(qtbot, prompts, short_plan())
    # The text size is changed while the session runs, as the settings dialog does.
    theme(text_scale)
    qtbot.waitUntil(lambda: w.position.font().pointSizeF() == 11 * text_scale, timeout=2000)
    # The layout settles (the buttons may go to two rows) and fits 800x600.
    qtbot.waitUntil(lambda: w.minimumSizeHint().width() <= 800, timeout=2000)
    assert w.minimumSizeHint().height() <= 600
    assert w.size() == QSize(800, 600)
    # Digits of 80 px and more at 800x600 (over 2 cm on a typical monitor) ...
    qtbot.waitUntil(lambda: w.countdown.digit_pixel_size() >= 80, timeout=2000)
    for b in w.buttons.values():
        assert b.width() >= b.minimumSizeHint().width()
    # ... and growing with the window: a fifth of a full-HD screen's height.
    w.resize(1920, 1080)
    qtbot.waitUntil(lambda: w.countdown.height() > 600, timeout=2000)
    assert w.countdown.digit_pixel_size() >= 210
    session.controller.close()


def test_with_the_largest_text_in_a_small_window_the_current_step_shows_whole(
        qtbot, prompts, theme):
    step = ("Keep your head and shoulders resting on the mat, and breathe slowly and evenly "
            "while you hold the position.")
    theme(2.0)
    session, w = holding_at_800_by_600(qtbot, prompts, short_plan(steps=(step, step, step)))
    steps = w.steps
    assert steps.current_step() is not None
    item = steps.item(steps.current_step())
    # Five lines of large bold text: the list grows (the illustration gives way) to show them.
    qtbot.waitUntil(lambda: steps.viewport().rect().contains(steps.visualItemRect(item)),
                    timeout=2000)
    assert steps.visualItemRect(item).height() > 3 * steps.fontMetrics().height()
    session.controller.close()


def test_a_failing_listener_is_reported_and_the_session_goes_on(window, session):
    seen = []

    def broken(event):
        if isinstance(event, DisplayTick):
            raise RuntimeError("recorder fell over")

    session.controller.add_listener(broken)
    session.controller.add_listener(seen.append)
    session.run_to(FIRST_HOLD + 17)
    assert session.errors
    assert isinstance(session.errors[0], RuntimeError)
    assert any(isinstance(e, SetCompleted) for e in seen)
    assert window.counter.text().startswith("Set 2 of 2")
    assert session.engine.phase.kind is PhaseKind.HOLD


def test_a_session_paused_by_the_computer_sleeping_says_so(window, session):
    session.run_to(FIRST_HOLD + 1)
    session.clock.advance(600)  # the machine slept for ten minutes
    session.engine.tick(session.clock.now())
    assert session.engine.paused
    assert window.caption_label.text() == CLOCK_JUMP_TEXT
    assert window.countdown.text() == "0:04"
