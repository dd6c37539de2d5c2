"""Presenter mode shows only the exercise, in high contrast, and steps with a clicker's keys."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontInfo, QPalette

from coach.core.cues import Verbosity
from coach.core.plan import PhaseKind, PlanSettings, plan_routine
from coach.speech.settings import SpeechSettings
from coach.ui.presenter import PresenterWindow, ScreenChooser, choose_screen, screen_names
from coach.ui.prompts import ScreenChoice
from tests.ui.session_helpers import (
    FakePrompts,
    Session,
    press,
    short_catalogue,
    show_active,
)


def presentation_plan():
    return plan_routine(short_catalogue(), "test",
                        PlanSettings(prepare_seconds=3, verbosity=Verbosity.FULL))


@pytest.fixture
def session():
    return Session(presentation_plan(), presenter=True,
                   speech=SpeechSettings(verbosity=Verbosity.MINIMAL))


@pytest.fixture
def prompts():
    return FakePrompts()


@pytest.fixture
def presenter(qtbot, session, prompts):
    w = PresenterWindow(session.controller, prompts=prompts)
    qtbot.addWidget(w)
    show_active(qtbot, w)
    session.controller.start()
    yield w
    session.controller.close()


def test_only_the_exercise_is_shown_in_high_contrast_and_large_type(presenter, session, qtbot):
    session.run_until_phase(PhaseKind.HOLD)
    for hidden in (presenter.steps, presenter.caption_label, presenter.next_up,
                   presenter.controls_box, presenter.position, presenter.note):
        assert not hidden.isVisibleTo(presenter)
    for shown in (presenter.title, presenter.counter, presenter.illustration,
                  presenter.countdown, presenter.current_step):
        assert shown.isVisibleTo(presenter)
    assert presenter.title.text() == "Bridge"
    assert presenter.current_step.text() == "Hold it."
    assert presenter.palette().color(QPalette.ColorRole.Window).name() == "#000000"
    assert presenter.palette().color(QPalette.ColorRole.WindowText).name() == "#ffffff"
    assert (QFontInfo(presenter.title.font()).pixelSize()
            >= QFontInfo(presenter.font()).pixelSize() * 2.2)
    presenter.resize(1920, 1080)  # the type grows with the window, still white on black
    qtbot.waitUntil(lambda: presenter.height() == 1080, timeout=2000)
    for label in (presenter.title, presenter.counter, presenter.current_step):
        assert label.palette().color(QPalette.ColorRole.WindowText).name() == "#ffffff"


def test_every_step_is_read_aloud_whatever_the_users_verbosity(presenter, session):
    assert session.controller.speech.verbosity is Verbosity.FULL
    assert session.engine.verbosity is Verbosity.FULL
    assert "Lift your hips." in session.speaker.texts()


@pytest.mark.parametrize(("next_key", "back_key"), [
    (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp),
    (Qt.Key.Key_Right, Qt.Key.Key_Left),
])
def test_a_clicker_steps_forward_and_back_through_the_exercises(
        presenter, session, qtbot, next_key, back_key):
    session.run_to(2)
    press(qtbot, presenter, next_key)
    assert presenter.title.text() == "Walk"
    press(qtbot, presenter, back_key)
    assert presenter.title.text() == "Bridge"
    press(qtbot, presenter, next_key)
    press(qtbot, presenter, next_key)
    assert presenter.stack.currentWidget() is presenter.finished_view
    assert presenter.finished_view.title.text() == "End of the demonstration"
    press(qtbot, presenter, back_key)  # runs it again from the first exercise
    assert presenter.stack.currentWidget() is presenter.session_page
    assert presenter.title.text() == "Bridge"
    assert session.engine.running


@pytest.mark.parametrize("key", [Qt.Key.Key_Space, Qt.Key.Key_B, Qt.Key.Key_Period])
def test_space_b_and_period_pause_like_a_clickers_blank_screen_button(
        presenter, session, qtbot, key):
    press(qtbot, presenter, key)
    assert session.engine.paused
    press(qtbot, presenter, key)
    assert session.engine.running


def test_escape_ends_the_presentation_without_asking(presenter, session, prompts, qtbot):
    press(qtbot, presenter, Qt.Key.Key_Escape)
    assert prompts.asked == []
    assert not presenter.isVisible()
    assert session.engine.finished
    assert session.speaker.shut_down


def test_show_on_goes_full_screen_on_the_screen_given(presenter):
    screen = presenter.screen()
    presenter.show_on(screen)
    assert presenter.isFullScreen()
    assert presenter.screen() is screen


@dataclass
class FakeScreen:
    label: str
    width: int = 1920
    height: int = 1080

    def name(self) -> str:
        return self.label

    def size(self) -> QSize:
        return QSize(self.width, self.height)


def test_one_screen_is_used_without_asking():
    prompts = FakePrompts()
    assert choose_screen(prompts, None, None, [FakeScreen("eDP-1")]) == ScreenChoice(0, False)
    assert prompts.screens_offered == []


def test_a_remembered_screen_is_used_without_asking():
    prompts = FakePrompts()
    screens = [FakeScreen("eDP-1"), FakeScreen("HDMI-1")]
    assert choose_screen(prompts, None, 1, screens) == ScreenChoice(1, False)
    assert prompts.screens_offered == []


def test_with_two_screens_and_none_remembered_it_asks_once_and_may_remember():
    prompts = FakePrompts(screen_answer=ScreenChoice(1, True))
    screens = [FakeScreen("eDP-1"), FakeScreen("HDMI-1", 1280, 720)]
    assert choose_screen(prompts, None, None, screens) == ScreenChoice(1, True)
    assert prompts.screens_offered == [["Screen 1: eDP-1 (1920 × 1080)",
                                        "Screen 2: HDMI-1 (1280 × 720)"]]


def test_a_remembered_screen_that_is_gone_is_asked_about_again():
    prompts = FakePrompts(screen_answer=None)
    assert choose_screen(prompts, None, 3, [FakeScreen("a"), FakeScreen("b")]) is None
    assert len(prompts.screens_offered) == 1


def test_the_screen_chooser_names_the_screens_and_offers_to_remember(qtbot):
    screens = [FakeScreen("eDP-1"), FakeScreen("HDMI-1")]
    dialog = ScreenChooser(screen_names(screens, screens[0]), 1)
    qtbot.addWidget(dialog)
    assert dialog.list.item(0).text().endswith("where Physio Coach is now")
    assert dialog.list.currentRow() == 1
    dialog.remember.setChecked(False)
    assert dialog.choice() == ScreenChoice(1, False)


def test_a_clickers_f5_starts_the_exercise_while_getting_into_position(presenter, session, qtbot):
    assert session.engine.phase.kind is PhaseKind.PREPARE
    assert not presenter.ready_button.isVisible()  # no buttons in presenter style
    qtbot.keyClick(presenter.focusWidget() or presenter, Qt.Key.Key_F5)
    assert session.engine.phase.kind is PhaseKind.HOLD
