"""The reminder service on fake clocks: off until times are chosen, a reminder when due (a
small window where there is no tray), snooze, "open today's routine", the sitting nudge, and
no timer left running."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from coach.care_settings import ReminderSettings
from coach.ui.reminders import MAX_WAIT_SECONDS, ReminderService
from tests.ui.test_app_sessions import make_app

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

LONDON = ZoneInfo("Europe/London")


class Clocks:
    def __init__(self) -> None:
        self.wall = datetime(2026, 5, 4, 8, 0, tzinfo=LONDON)
        self.mono = 1000.0

    def advance(self, **kw: float) -> None:
        step = timedelta(**kw)
        self.wall += step
        self.mono += step.total_seconds()


@pytest.fixture
def clocks() -> Clocks:
    return Clocks()


def service(qtbot, clocks: Clocks, settings: ReminderSettings) -> ReminderService:
    s = ReminderService(settings, wall_now=lambda: clocks.wall, monotonic=lambda: clocks.mono,
                        tz=LONDON, routine_name=lambda: "Core and glutes",
                        tray_available=False)
    return s


def test_reminders_are_off_until_times_are_chosen(qtbot, clocks):
    s = service(qtbot, clocks, ReminderSettings())
    try:
        assert not s.active
        assert not s.timers_active
        assert s.tray is None
        clocks.advance(days=1)
        assert not s.check()
    finally:
        s.close()


def test_a_due_reminder_shows_once_and_opens_todays_routine(qtbot, clocks):
    s = service(qtbot, clocks, ReminderSettings(times=("08:30",)))
    try:
        assert s.timers_active
        assert s._timer.remainingTime() <= (MAX_WAIT_SECONDS + 1) * 1000  # coarse: to the second
        clocks.advance(minutes=29)
        assert not s.check()
        clocks.advance(minutes=1)
        with qtbot.waitSignal(s.reminded, timeout=1000) as shown:
            assert s.check()
        assert shown.args == ["routine"]
        assert not s.check()
        popup = s.popup
        assert popup is not None
        assert popup.isVisible()
        assert not popup.isModal()
        with qtbot.waitSignal(s.open_requested, timeout=1000):
            qtbot.mouseClick(popup.open_button, Qt.MouseButton.LeftButton)
        assert s.popup is None
        assert s.clock.next_due == datetime(2026, 5, 5, 8, 30, tzinfo=LONDON)
    finally:
        s.close()
    assert not s.timers_active


def test_snooze_brings_the_reminder_back_after_the_snooze_time(qtbot, clocks):
    s = service(qtbot, clocks, ReminderSettings(times=("08:05",), snooze_minutes=10))
    try:
        clocks.advance(minutes=5)
        assert s.check()
        qtbot.mouseClick(s.popup.snooze_button, Qt.MouseButton.LeftButton)
        assert s.popup is None
        assert s.clock.snoozed_until == clocks.wall + timedelta(minutes=10)
        clocks.advance(minutes=9)
        assert not s.check()
        clocks.advance(minutes=1)
        assert s.check()
    finally:
        s.close()


def test_the_sitting_nudge_waits_during_a_session(qtbot, clocks):
    s = service(qtbot, clocks, ReminderSettings(sitting=True, sitting_minutes=30))
    try:
        assert s.active
        assert s.timers_active
        s.session_running(True)
        clocks.advance(minutes=45)
        assert not s.check_sitting()
        s.session_running(False)
        clocks.advance(minutes=29)
        assert not s.check_sitting()
        clocks.advance(minutes=1)
        assert s.check_sitting()
        assert s.popup.windowTitle() == "Time to get up"
        assert not s.popup.open_button.isVisible()
    finally:
        s.close()


def test_new_settings_apply_at_once(qtbot, clocks):
    s = service(qtbot, clocks, ReminderSettings())
    try:
        s.apply(ReminderSettings(times=("09:00",)))
        assert s.clock.next_due == datetime(2026, 5, 4, 9, 0, tzinfo=LONDON)
        s.apply(ReminderSettings())
        assert not s.timers_active
    finally:
        s.close()


def test_opening_from_a_reminder_shows_home_with_todays_routine(tmp_path, qtbot):
    app, _ = make_app(tmp_path)
    qtbot.addWidget(app.window)
    try:
        app.start_reminders()
        app.window.tabs.setCurrentIndex(2)
        app.reminders.open_requested.emit()
        assert app.window.tabs.currentWidget() is app.window.home
        app.apply_settings(app.settings.replace(reminders=ReminderSettings(times=("07:00",))))
        assert app.reminders.settings.times == ("07:00",)
        assert app.reminders.timers_active
    finally:
        app.shutdown()
    assert not app.reminders.timers_active


@pytest.mark.qt_log_ignore("No such signal QPlatformNativeInterface::systemTrayWindowChanged")
def test_a_tray_reminder_sends_no_markup_to_the_desktop_notifications(qtbot, clocks,
                                                                       monkeypatch):
    """The notification server may read markup: a routine named '<img src="/dev/zero"> & co'
    is sent with look-alike characters, and still reads as typed."""
    from PySide6.QtGui import QIcon, QPixmap
    from PySide6.QtWidgets import QSystemTrayIcon

    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.darkGreen)
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(QSystemTrayIcon, "supportsMessages", staticmethod(lambda: True))
    s = ReminderService(ReminderSettings(times=("08:30",)), wall_now=lambda: clocks.wall,
                        monotonic=lambda: clocks.mono, tz=LONDON,
                        routine_name=lambda: '<img src="/dev/zero"> Back & <b>hips</b>',
                        icon=QIcon(pixmap), tray_available=True)
    try:
        assert s.tray is not None
        s.tray.showMessage = lambda title, text, *rest: sent.append((title, text))
        clocks.advance(minutes=30)
        assert s.check()
        ((title, text),) = sent
        assert title == "Time for your exercises"
        assert not set("<>&") & set(text)
        assert "‹img src=\"/dev/zero\"› Back ＆ ‹b›hips‹/b›" in text
    finally:
        s.close()
