"""The session window as seen from the mat: I'm ready, the step being read, type that grows
with the window, captions that do not move the layout, the Full screen button, "this hurts"
said and shown, Next up once, Back on the second side. Real SessionWindow, fake clock."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QLabel

from coach.core.cues import CueKind, Verbosity
from coach.core.models import Side
from coach.core.plan import HURTS_TEXT, PhaseKind, PlanSettings, plan_routine
from coach.core.result import ExerciseStatus
from coach.ui.session_window import SessionWindow
from tests.helpers.factories import catalogue, exercise, routine
from tests.ui.session_helpers import (
    FIRST_HOLD,
    REST_BETWEEN,
    FakePrompts,
    Session,
    press,
    short_plan,
    show_active,
)


def open_window(qtbot, session: Session, size=(1100, 760)) -> SessionWindow:
    w = SessionWindow(session.controller, prompts=FakePrompts())
    qtbot.addWidget(w)
    w.resize(*size)
    show_active(qtbot, w)
    session.controller.start()
    return w


@pytest.fixture
def session():
    s = Session(short_plan())
    yield s
    s.controller.close()


@pytest.fixture
def window(qtbot, session):
    return open_window(qtbot, session)


def pixels(label: QLabel) -> int:
    return QFontInfo(label.font()).pixelSize()


# --- I'm ready --------------------------------------------------------------------------------


def test_im_ready_shows_while_getting_into_position_and_enter_starts_the_exercise(
        window, session, qtbot):
    ready = window.ready_button
    assert ready.isVisible()
    assert window.focusWidget() is ready  # so Enter presses it
    press(qtbot, window, Qt.Key.Key_Return)
    assert session.engine.phase.kind is PhaseKind.HOLD
    assert window.countdown.label() == "Hold"
    assert not ready.isVisible()
    assert window.focusWidget() is window.buttons["pause"]
    press(qtbot, window, Qt.Key.Key_Return)  # Enter on Pause during the hold: pauses
    assert session.engine.paused
    assert session.engine.result.exercises[0].status is ExerciseStatus.IN_PROGRESS


@pytest.mark.parametrize("modifier", [Qt.KeyboardModifier.NoModifier,
                                      Qt.KeyboardModifier.ShiftModifier])
def test_a_clickers_f5_is_ready_and_page_down_is_still_skip(window, session, qtbot, modifier):
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_F5, modifier)
    assert session.engine.phase.kind is PhaseKind.HOLD
    assert session.engine.phase.item_index == 0
    press(qtbot, window, Qt.Key.Key_PageDown)
    assert session.engine.phase.item_index == 1
    assert session.engine.result.exercises[0].status is ExerciseStatus.SKIPPED


def test_the_ready_button_keeps_its_room_so_the_countdown_does_not_move(window, session, qtbot):
    before = window.countdown.geometry()
    window.ready_button.click()
    assert not window.ready_button.isVisible()
    qtbot.waitUntil(lambda: not window.layout().isEmpty(), timeout=1000)
    window.layout().activate()
    assert window.countdown.geometry() == before


def test_the_ready_button_is_back_for_the_switch_to_the_other_side(window, session):
    session.run_until_phase(PhaseKind.SWITCH)
    assert window.ready_button.isVisible()
    window.ready_button.click()
    assert session.engine.phase.kind is PhaseKind.HOLD
    assert session.engine.phase.side is Side.LEFT


# --- the step being read ----------------------------------------------------------------------


def test_the_lit_step_follows_the_step_being_read(qtbot):
    plan = plan_routine(short_catalogue_long_steps(), "r", PlanSettings(prepare_seconds=3))
    session = Session(plan)
    try:
        w = open_window(qtbot, session)
        prepare = plan.phases[0]
        steps = [c for c in prepare.cues if c.kind is CueKind.STEP]
        assert len(steps) == 4
        for n, cue in enumerate(steps):
            session.run_to(cue.offset + 0.05)
            assert w.steps.current_step() == n, n
        session.run_to(prepare.duration - 2)
        assert w.steps.current_step() == 0  # the position to be in, for "3, 2, 1"
        session.run_until_phase(PhaseKind.HOLD)
        assert w.steps.current_step() == 2  # the hold step, not the way out (the last)
    finally:
        session.controller.close()


def short_catalogue_long_steps():
    knee = exercise("knee", name="Knee to chest", hold_seconds=5, reps=1, prepare_seconds=3,
                    steps=("Lie on your back with both legs stretched out.",
                           "Bend one knee and hold the shin with both hands.",
                           "Keep your head on the mat and breathe while you hold.",
                           "Let the leg slide back down to the mat."))
    return catalogue([knee], [routine("r", ["knee"])])


# --- type that grows with the window ----------------------------------------------------------


def test_set_rep_side_and_the_step_grow_with_the_window_to_read_from_the_mat(
        window, session, qtbot):
    session.run_to(FIRST_HOLD + 1)
    step = window.steps.current_step()
    assert step is not None
    at_1100 = (pixels(window.counter), window.steps.pixel_size(step), pixels(window.title))
    # 1100x760: "Rep 3 of 10" 40 px and more, the step to do 30 px and more (they were
    # 19 px and 12-14 px).
    assert at_1100[0] >= 40
    assert at_1100[1] >= 30
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: window.height() == 1080, timeout=2000)
    at_1920 = (pixels(window.counter), window.steps.pixel_size(step), pixels(window.title))
    assert at_1920[0] >= 58
    assert at_1920[1] >= 43
    assert all(big > small for big, small in zip(at_1920, at_1100, strict=True))
    other = 0 if step != 0 else 1
    assert window.steps.pixel_size(other) < window.steps.pixel_size(step)


def test_a_caption_that_wraps_moves_nothing(window, session, qtbot):
    session.run_to(FIRST_HOLD + 1)
    window.show_caption("Hold")
    window.layout().activate()
    before = (window.caption_label.height(), window.countdown.geometry())
    window.show_caption("Ease into the stretch slowly and hold it there while you breathe "
                        "in and out through your nose, without forcing anything at all")
    window.layout().activate()
    assert window.caption_label.heightForWidth(window.caption_label.width()) > \
        window.caption_label.fontMetrics().lineSpacing()  # it does wrap
    assert (window.caption_label.height(), window.countdown.geometry()) == before


# --- controls ---------------------------------------------------------------------------------


def test_the_full_screen_button_says_what_it_will_do(window, qtbot):
    b = window.buttons["fullscreen"]
    assert b.text() == "Full screen"
    b.click()
    qtbot.waitUntil(window.isFullScreen, timeout=2000)
    assert b.text() == "Leave full screen"
    press(qtbot, window, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=2000)
    assert b.text() == "Full screen"


def test_the_rest_between_exercises_says_next_up_once(window, session):
    session.run_to(REST_BETWEEN + 1)
    assert window.next_up.text() == "Next up: Walk"
    shown = [label.text() for label in window.findChildren(QLabel) if label.isVisible()]
    assert sum("Next up" in text for text in shown) == 1
    window.show_caption("Next up: Walk")  # as the speaker reaches it
    assert "Next up" not in window.caption_label.text()


def test_this_hurts_with_no_easier_version_says_and_shows_what_happened(window, session, qtbot):
    session.run_to(FIRST_HOLD + 1)
    press(qtbot, window, Qt.Key.Key_H)
    assert session.engine.phase.kind is PhaseKind.REST_BETWEEN
    assert window.notice_label.isVisible()
    assert window.notice_label.text() == (
        "Bridge stopped. Rest, and only carry on if the pain settles.")
    assert window.caption_label.text() == HURTS_TEXT
    assert HURTS_TEXT in session.speaker.texts()
    session.run_until_phase(PhaseKind.DURATION)  # the next exercise: the notice has gone
    assert not window.notice_label.isVisible()


def test_back_on_the_second_side_goes_to_the_start_of_that_side(window, session, qtbot):
    session.run_until_phase(PhaseKind.SWITCH)
    session.run_until_phase(PhaseKind.HOLD)
    session.run_for(6)
    assert session.engine.phase.side is Side.LEFT
    press(qtbot, window, Qt.Key.Key_Left)
    assert session.engine.phase.kind is PhaseKind.SWITCH
    assert window.counter.text().endswith("Left side")
    press(qtbot, window, Qt.Key.Key_PageUp)  # again at once: the first side
    assert session.engine.phase.kind is PhaseKind.PREPARE
    assert window.counter.text().endswith("Right side")


def test_counts_only_speech_does_not_lengthen_getting_into_position():
    plan = short_plan()
    assert plan.settings.verbosity is Verbosity.COUNTS
    assert plan.phases[0].duration == 3.0


def test_muting_the_voice_shortens_the_next_get_ready_to_its_set_time(qtbot):
    cat = short_catalogue_long_steps()
    two = catalogue(list(cat.exercises.values()), [routine("r", ["knee", "knee"])])
    plan = plan_routine(two, "r", PlanSettings(prepare_seconds=3))
    second = next(p for p in plan.phases if p.kind is PhaseKind.PREPARE and p.item_index == 1)
    assert second.duration > 3  # planned for reading
    session = Session(plan)
    try:
        w = open_window(qtbot, session)
        press(qtbot, w, Qt.Key.Key_M)
        assert session.controller.muted
        session.run_until_phase(PhaseKind.REST_BETWEEN)
        session.run_until_phase(PhaseKind.PREPARE)
        assert w.countdown.text() == "0:03"
        assert w.ready_button.isVisible()
    finally:
        session.controller.close()
