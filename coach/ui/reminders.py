"""Reminders on the desktop: daily routine reminders with snooze, and the "time to get up" nudge.

`ReminderService` owns one single-shot `QTimer` per kind, re-armed for the next moment the
core rules give (`coach.core.reminders`): never longer than `MAX_WAIT_SECONDS`, so a computer
that slept or a clock that was changed is noticed within minutes, and a reminder missed while
asleep is shown once, late. The wall clock and the monotonic clock are injected; tests call
`check()` with fake clocks and never wait.

Where the desktop has a system tray (`QSystemTrayIcon.isSystemTrayAvailable()`), and some
reminder is on, a tray icon shows the reminders as notifications; clicking one, or "Open
today's routine" in its menu, asks the app to bring the main window up on Home
(`open_requested`). The menu also has "Snooze" and "Quit". Without a tray, the same reminder
is a small non-modal window over the app with the same three choices (Physio Coach has to be
running, minimised is fine, for either to appear). Reminders are off until the person chooses
times; the sitting nudge is off by default.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, tzinfo

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QDialog, QHBoxLayout, QMenu, QSystemTrayIcon, QVBoxLayout, QWidget

from coach.care_settings import ReminderSettings
from coach.core.reminders import ReminderClock, SittingReminder, parse_times
from coach.core.tips import SITTING_NUDGE_TEXT, SITTING_NUDGE_TITLE
from coach.ui.widgets import button, heading, notification_text, plain_label, primary_button

log = logging.getLogger(__name__)

#: The longest the timer sleeps before looking at the clock again.
MAX_WAIT_SECONDS = 300.0
REMINDER_TITLE = "Time for your exercises"
NOTIFICATION_MS = 20_000


class ReminderPopup(QDialog):
    """The reminder where there is no tray: Open / Snooze / Dismiss, never modal."""

    def __init__(self, title: str, text: str, *, snooze_minutes: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.open_button = primary_button("&Open today's routine")
        self.snooze_button = button(f"&Snooze {snooze_minutes} min") if snooze_minutes else None
        self.dismiss_button = button("&Dismiss")
        self.dismiss_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.dismiss_button)
        if self.snooze_button is not None:
            row.addWidget(self.snooze_button)
        row.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(title, scale=1.3))
        layout.addWidget(plain_label(text))
        layout.addLayout(row)


class ReminderService(QObject):
    open_requested = Signal()
    quit_requested = Signal()
    settings_requested = Signal()
    #: Emitted with ("routine" | "sitting") each time a reminder is shown (for logs and tests).
    reminded = Signal(str)

    def __init__(
        self,
        settings: ReminderSettings,
        *,
        wall_now: Callable[[], datetime],
        monotonic: Callable[[], float],
        tz: tzinfo | None = None,
        routine_name: Callable[[], str | None] = lambda: None,
        icon: QIcon | None = None,
        tray_available: bool | None = None,
        popup_parent: QWidget | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._wall = wall_now
        self._mono = monotonic
        self._tz = tz
        self._routine_name = routine_name
        self._icon = icon or QIcon()
        self._tray_available = (QSystemTrayIcon.isSystemTrayAvailable()
                                if tray_available is None else tray_available)
        self._popup_parent = popup_parent
        self.tray: QSystemTrayIcon | None = None
        self.popup: ReminderPopup | None = None
        self._menu: QMenu | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self._timer.timeout.connect(self.check)
        self._sitting_timer = QTimer(self)
        self._sitting_timer.setSingleShot(True)
        self._sitting_timer.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self._sitting_timer.timeout.connect(self.check_sitting)
        self.settings = settings
        self.clock: ReminderClock
        self.sitting: SittingReminder | None = None
        self._closed = False
        self.apply(settings)

    # --- settings ---------------------------------------------------------------------------

    def apply(self, settings: ReminderSettings) -> None:
        """New reminder settings, at once: the schedule, the nudge and the tray follow."""
        self.settings = settings
        self.clock = ReminderClock(parse_times(settings.times), self._wall(), tz=self._tz,
                                   snooze_minutes=settings.snooze_minutes)
        self.sitting = (SittingReminder(settings.sitting_minutes, self._mono())
                        if settings.sitting else None)
        self._update_tray()
        self._arm()
        self._arm_sitting()

    @property
    def active(self) -> bool:
        return self.clock.enabled or self.sitting is not None

    def _update_tray(self) -> None:
        wanted = self._tray_available and self.active and not self._closed
        if wanted and self.tray is None:
            self.tray = QSystemTrayIcon(self._icon, self)
            self.tray.setToolTip("Physio Coach")
            self.tray.setContextMenu(self._build_menu())
            self.tray.messageClicked.connect(self.open_requested)
            self.tray.activated.connect(self._tray_activated)
            self.tray.show()
        elif not wanted and self.tray is not None:
            self.tray.hide()
            self.tray.deleteLater()
            self.tray = None
        if self._menu is not None:
            self.snooze_action.setText(f"Snooze {self.settings.snooze_minutes} min")

    def _build_menu(self) -> QMenu:
        menu = QMenu()
        self._menu = menu
        self.open_action = QAction("Open today's routine", menu)
        self.open_action.triggered.connect(self.open_requested)
        self.snooze_action = QAction(f"Snooze {self.settings.snooze_minutes} min", menu)
        self.snooze_action.triggered.connect(self.snooze)
        self.settings_action = QAction("Reminders…", menu)
        self.settings_action.triggered.connect(self.settings_requested)
        self.quit_action = QAction("Quit", menu)
        self.quit_action.triggered.connect(self.quit_requested)
        menu.addAction(self.open_action)
        menu.addAction(self.snooze_action)
        menu.addSeparator()
        menu.addAction(self.settings_action)
        menu.addAction(self.quit_action)
        return menu

    def _tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_requested.emit()

    # --- daily reminders --------------------------------------------------------------------

    def _arm(self) -> None:
        self._timer.stop()
        if self._closed:
            return
        wait = self.clock.seconds_until_due(self._wall(), cap=MAX_WAIT_SECONDS)
        if wait is not None:
            self._timer.start(max(0, round(wait * 1000)))

    def check(self) -> bool:
        """Show the daily reminder if it is due (timer callback; tests call it). True if shown."""
        if self._closed:
            return False
        shown = False
        if self.clock.fired(self._wall()):
            name = self._routine_name()
            text = (f"Today's routine: {name}. Open Physio Coach to start when you are ready."
                    if name else "Open Physio Coach to start your routine when you are ready.")
            self._show(REMINDER_TITLE, text, kind="routine", snooze=True)
            shown = True
        self._arm()
        return shown

    def snooze(self) -> datetime:
        """Put the reminder off for the snooze time (from the menu or the popup)."""
        until = self.clock.snooze(self._wall())
        log.info("reminder snoozed until %s", until.isoformat(timespec="minutes"))
        self._close_popup()
        self._arm()
        return until

    # --- the sitting nudge ------------------------------------------------------------------

    def session_running(self, running: bool) -> None:
        """A session started or ended: the sitting count waits, then starts again."""
        if self.sitting is not None:
            self.sitting.session_running(running, self._mono())
        self._arm_sitting()

    def _arm_sitting(self) -> None:
        self._sitting_timer.stop()
        if self._closed or self.sitting is None:
            return
        due = self.sitting.due_at()
        if due is not None:
            wait = min(MAX_WAIT_SECONDS, max(0.0, due - self._mono()))
            self._sitting_timer.start(round(wait * 1000))

    def check_sitting(self) -> bool:
        if self._closed or self.sitting is None:
            return False
        shown = self.sitting.fired(self._mono())
        if shown:
            self._show(SITTING_NUDGE_TITLE, SITTING_NUDGE_TEXT, kind="sitting", snooze=False)
        self._arm_sitting()
        return shown

    # --- showing ----------------------------------------------------------------------------

    def _show(self, title: str, text: str, *, kind: str, snooze: bool) -> None:
        log.info("reminder shown: %s", kind)
        if self.tray is not None and QSystemTrayIcon.supportsMessages():
            self.tray.showMessage(notification_text(title), notification_text(text), self._icon,
                                  NOTIFICATION_MS)
        else:
            self._close_popup()
            popup = ReminderPopup(title, text, parent=self._popup_parent,
                                  snooze_minutes=self.settings.snooze_minutes if snooze else None)
            popup.open_button.clicked.connect(self._open_from_popup)
            if kind == "sitting":
                popup.open_button.hide()
                popup.dismiss_button.setText("&OK")
            if popup.snooze_button is not None:
                popup.snooze_button.clicked.connect(self.snooze)
            self.popup = popup
            popup.show()
        self.reminded.emit(kind)

    def _open_from_popup(self) -> None:
        self._close_popup()
        self.open_requested.emit()

    def _close_popup(self) -> None:
        if self.popup is not None:
            popup, self.popup = self.popup, None
            popup.close()
            popup.deleteLater()

    def close(self) -> None:
        """Stop both timers, remove the tray icon, close a popup. Safe to call twice."""
        self._closed = True
        self._timer.stop()
        self._sitting_timer.stop()
        self._close_popup()
        self._update_tray()

    @property
    def timers_active(self) -> bool:
        return self._timer.isActive() or self._sitting_timer.isActive()
