"""The questions asked with a field (how many minutes, from which day) work in the real app,
through the real `Prompts` and the real dialogs, answered as a person would."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog

from coach.core.plan import PhaseKind
from tests.helpers.modal_answerer import ModalAnswerer
from tests.helpers.real_app import real_app
from tests.ui.test_app_sessions import restore_app_look  # noqa: F401 (autouse fixture)

# The offscreen platform says this when a dialog is shown; harmless.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def walk_app(qtbot, tmp_path, monkeypatch):
    with real_app(qtbot, tmp_path, monkeypatch) as real:
        yield real.app, real.clock, real.opener


def first_run(app, qtbot, answerer: ModalAnswerer) -> None:
    app.start()
    qtbot.waitUntil(lambda: app.settings.disclaimer_seen, timeout=20_000)
    qtbot.waitUntil(answerer.quiet, timeout=20_000)


def test_start_heat_therapy_on_the_tips_tab_runs_the_minutes_picked(walk_app, qtbot, tmp_path):
    app, _clock, _opener = walk_app

    def twenty_minutes(dialog: QDialog) -> None:
        combo = dialog.findChild(QComboBox)
        combo.setCurrentIndex(combo.findData(20))

    with ModalAnswerer(tmp_path / "files") as answerer:
        first_run(app, qtbot, answerer)
        app.window.tabs.setCurrentWidget(app.tips_tab)
        tips = app.window.page_of(app.tips_tab)
        with answerer.filling("Heat therapy", twenty_minutes):
            tips.timer_buttons["heat-therapy"].click()
        qtbot.waitUntil(answerer.quiet, timeout=20_000)
        assert answerer.crashes == []
        assert app.session is not None, answerer.answered
        heat = [p for p in app.session.plan.phases if p.kind is PhaseKind.DURATION]
        assert [p.duration for p in heat] == [20 * 60]
        app.session_window.close()  # then the questions after a session, answered here too
        qtbot.waitUntil(lambda: any(a.startswith("PainAfterDialog") for a in answerer.answered)
                        and answerer.quiet(), timeout=20_000)


def test_the_visit_report_from_the_progress_tab_is_saved_from_the_day_picked(
        walk_app, qtbot, tmp_path):
    app, _clock, _opener = walk_app
    picked = date.today().replace(day=1)

    def first_of_the_month(dialog: QDialog) -> None:
        dialog.findChild(QDateEdit).setDate(QDate(picked.year, picked.month, picked.day))

    asked: list[date] = []
    prompts_ask_date = app.prompts.ask_date

    def spy(*args, **kwargs):
        asked.append(prompts_ask_date(*args, **kwargs))
        return asked[-1]

    app.prompts.ask_date = spy  # the real prompt, with its answer noted
    with ModalAnswerer(tmp_path / "files") as answerer:
        first_run(app, qtbot, answerer)
        app.window.tabs.setCurrentWidget(app.progress_tab)
        progress = app.window.page_of(app.progress_tab)
        with answerer.filling("Visit report", first_of_the_month):
            progress.report_button.click()
        qtbot.waitUntil(answerer.quiet, timeout=20_000)
    assert answerer.crashes == []
    assert asked == [picked]
    [pdf] = answerer.saved
    assert pdf.read_bytes().startswith(b"%PDF")
