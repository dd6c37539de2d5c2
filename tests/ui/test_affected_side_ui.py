"""The leg with the sciatica, chosen in File > Safety and reminders of the real window: saved
with the settings, and the next exercise done on each side starts on (or keeps to) that leg."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from coach import settings as settings_file
from coach.core.models import Side
from coach.core.plan import PhaseKind
from coach.ui.care_settings_dialog import CareSettingsDialog
from tests.ui.test_app_sessions import make_app, restore_app_look  # noqa: F401 (fixture)

# The offscreen platform says this when a modal dialog opens; nothing to act on.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _answer_care_dialog(choose):
    """Fill and accept the Safety and reminders dialog when it opens (it is modal)."""
    seen: list[CareSettingsDialog] = []
    timer = QTimer()
    timer.setInterval(10)

    def look() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, CareSettingsDialog) and not seen:
            seen.append(modal)
            timer.stop()
            choose(modal)
            modal.findChild(QDialogButtonBox).button(
                QDialogButtonBox.StandardButton.Ok).click()

    timer.timeout.connect(look)
    timer.start()
    return seen, timer


def test_the_affected_leg_chosen_in_the_window_is_saved_and_the_next_exercise_keeps_to_it(
        tmp_path, qtbot):
    app, _ = make_app(tmp_path, time_scale=None)
    qtbot.addWidget(app.window)
    try:
        def choose(dialog: CareSettingsDialog) -> None:
            assert not dialog.affected_only.isEnabled()  # nothing to keep to before a leg
            dialog.affected_side.setCurrentIndex(dialog.affected_side.findText("Left leg"))
            assert dialog.affected_only.isEnabled()
            dialog.affected_only.click()

        seen, timer = _answer_care_dialog(choose)
        app.care_action.trigger()
        timer.stop()
        assert len(seen) == 1
        assert (app.settings.affected_side, app.settings.affected_side_only) == (Side.LEFT, True)
        saved = settings_file.load(app.paths.settings_file).settings
        assert (saved.affected_side, saved.affected_side_only) == (Side.LEFT, True)

        app.try_exercise("piriformis-stretch")
        plan = app.session.plan
        assert plan.items[0].sides == (Side.LEFT,)
        assert {p.side for p in plan.phases if p.kind is PhaseKind.HOLD} == {Side.LEFT}
        assert PhaseKind.SWITCH not in {p.kind for p in plan.phases}
    finally:
        app.shutdown()


def test_with_no_leg_chosen_an_exercise_starts_on_its_own_first_side(tmp_path, qtbot):
    app, _ = make_app(tmp_path, time_scale=None)
    qtbot.addWidget(app.window)
    try:
        app.try_exercise("piriformis-stretch")
        assert app.session.plan.items[0].sides == (Side.RIGHT, Side.LEFT)
    finally:
        app.shutdown()
