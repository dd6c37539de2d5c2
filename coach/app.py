"""Builds the application's objects and wires them together: the only place that knows them all."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import re
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The Qt-free modules of start-up are imported before PySide6, on purpose: once it is loaded,
# PySide6 reads the source of every module named by a later import statement (its __feature__
# hook looks for the word "PySide6"), which cost ~3 ms of start-up for these and theirs.
from coach import logs
from coach import settings as settings_file
from coach.catalogue_files import load_app_catalogue
from coach.core.errors import KnownError
from coach.paths import AppPaths, assets_dir, read_only_notice, resolve
from coach.settings import Settings

# isort: split
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from coach.ui.main_window import MainWindow
from coach.ui.theme import apply_theme, new_application

if TYPE_CHECKING:
    from concurrent.futures import Future

    from coach.core.clock import Clock
    from coach.core.models import Routine
    from coach.core.plan import Plan, PlanSettings
    from coach.recorder import SessionRecorder
    from coach.safety_flow import PainAfter, PainBefore, SafetyFlow
    from coach.speech.settings import SpeechSettings
    from coach.speech.speaker import CaptionCallback, NoticeCallback, Speaker
    from coach.speech.voices import VoiceInfo
    from coach.storage.history import HistoryStore
    from coach.ui.crash_reporter import CrashReporter
    from coach.ui.prompts import Prompts
    from coach.ui.reminders import ReminderService
    from coach.ui.routine_actions import RoutineActions
    from coach.ui.session_controller import SessionController
    from coach.ui.session_window import SessionWindow
    from coach.ui.settings_dialog import VoicesLater

# Dialogs, the speech engine's voice list, the session window and the history are imported when
# first needed, not at start-up: `coach --exit-when-ready` is benchmarked against a bare window.

log = logging.getLogger(__name__)

#: "Demo" reads the steps slowly: this share of the user's speaking rate.
DEMO_RATE_SHARE = 0.75


#: How often records kept in memory are tried again while the window runs (milliseconds).
HISTORY_RETRY_MS = 15_000


def demo_speech(speech: SpeechSettings) -> SpeechSettings:
    """The voice for a clinic demonstration: every step read, slower than usual."""
    from coach.core.cues import Verbosity

    return speech.replace(verbosity=Verbosity.FULL, rate=round(speech.rate * DEMO_RATE_SHARE))


def _check_display() -> None:
    """Refuse plainly when there is no screen: Qt would abort the process with a core dump."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    display = os.environ.get("DISPLAY")
    if not display and not os.environ.get("WAYLAND_DISPLAY"):
        raise KnownError(
            "no screen was found (DISPLAY is not set). Physio Coach needs a desktop session; "
            "on a machine without one, try it under a virtual screen: xvfb-run coach"
        )
    local = re.fullmatch(r"(?:unix)?:(\d+)(?:\.\d+)?", display or "")
    if local and not os.environ.get("WAYLAND_DISPLAY") and not os.path.exists(
            f"/tmp/.X11-unix/X{local.group(1)}"):
        raise KnownError(
            f"the screen {display} cannot be reached (no X server is running there). Start "
            "Physio Coach from your desktop session, or check the DISPLAY setting."
        )


def run_gui(args: argparse.Namespace) -> int:
    """Open the main window and run the Qt event loop until it closes. Returns the exit code."""
    _check_display()
    paths = resolve(args.data_dir).ensure()
    log_file = logs.setup(paths.log_file)

    app = QApplication.instance() or new_application(sys.argv)
    app.setApplicationName("Physio Coach")
    app.setOrganizationName("physio-coach")
    app.setDesktopFileName("physio-coach")
    from coach.ui.single_instance import SingleInstance

    instance = SingleInstance(paths.data_dir)
    if not instance.claim():
        log.info("Physio Coach is already open on %s; asked it to come to the front",
                 paths.data_dir)
        sys.stderr.write(f"coach: Physio Coach is already open for {paths.data_dir}; its "
                         "window was brought to the front.\n")
        return 0
    coach_app = CoachApp(paths, args, log_file)
    instance.activated.connect(coach_app.come_forward)
    coach_app.install_crash_handler()
    coach_app.start()
    try:
        code = app.exec()
    finally:
        coach_app.shutdown()
        instance.release()
    _end_process(code)
    return code  # not reached


def _end_process(code: int) -> None:
    """End the process now that everything is saved and closed.

    By the time the event loop has ended, the history is closed, settings were written when
    they changed, and the log is flushed below; what is left is the interpreter tearing down
    thousands of Qt wrappers one by one (about 30 ms, and a known source of crashes on exit in
    PySide), so the process ends here instead.
    """
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


class CoachApp:
    """Owns the long-lived objects of a GUI run and connects the window's requests to them."""

    def __init__(self, paths: AppPaths, args: argparse.Namespace, log_file: Path) -> None:
        self.paths = paths
        self.args = args
        self.log_file = log_file
        self.app = QApplication.instance()
        loaded = settings_file.load(paths.settings_file)
        self.settings = loaded.settings
        self._settings_base = loaded.settings  # as last read or written (see _write_settings)
        self.notices: list[str] = [loaded.notice] if loaded.notice else []
        read_only = read_only_notice(paths)  # the one message: nothing is saved, nor asked
        if read_only is not None:
            self.notices.append(read_only)
        apply_theme(self.app, self.settings.theme, self.settings.text_scale)
        self.app.setWindowIcon(QIcon(str(assets_dir() / "icon" / "physio-coach.svg")))
        self.catalogue = load_app_catalogue(paths, args.catalogue)
        self.window = MainWindow(self.catalogue, routine_id=self.settings.routine_id,
                                 plan_settings=self.settings.plan_settings())
        self.window.settings_requested.connect(self.open_settings)
        self.window.routine_chosen.connect(self._remember_routine)
        # Sessions: one at a time, in their own window (see open_session).
        self._prompts: Prompts | None = None
        self.crash_reporter: CrashReporter | None = None
        self.session: SessionController | None = None
        self.session_window: SessionWindow | None = None
        self.recorder: SessionRecorder | None = None
        self._history: HistoryStore | None = None
        #: While records wait in memory (a full disk), they are tried again on this beat too,
        #: not only with the next record: space that comes back is used before the quit.
        self.history_retry = QTimer(self.window)
        self.history_retry.setInterval(HISTORY_RETRY_MS)
        self.history_retry.timeout.connect(self._retry_history)
        self._history_failed = False
        self._held_notices: list[str] = []  # history notices given during a session
        self._voices: list[VoiceInfo] = []  # listed when the settings first open
        self._voices_later: VoicesLater | None = None
        self.window.start_routine.connect(self.start_routine)
        self.window.try_exercise.connect(self.try_exercise)
        self.window.present_exercise.connect(self.present_exercise)
        # Safety: the red-flag screen, the pain checks, the stop rules and the dose
        # steps around every patient session (coach.safety_flow, asking through self.prompts);
        # reminders; the Tips tab. `wall_now` is the aware local time (tests replace it).
        self.wall_now: Callable[[], datetime] = lambda: datetime.now().astimezone()
        self._safety: SafetyFlow | None = None
        self.reminders: ReminderService | None = None
        self._last_answers: tuple[PainBefore | None, PainAfter | None] = (None, None)
        self._closing = False
        self._add_safety_actions()
        # Routines and prescriptions: "Demo" on an exercise; the Progress tab with its
        # visit report button; the rest is `routine_actions`, made after the first paint.
        self._routine_actions: RoutineActions | None = None
        self.window.demo_exercise.connect(self.demo_exercise)
        self.progress_tab = self.window.add_page(self._make_progress, "&Progress")
        self.window.tabs.currentChanged.connect(self._refresh_progress)

    @property
    def prompts(self) -> Prompts:
        """Every question and message box goes through here (tests hand in their own); the
        dialogs are imported with the first one asked."""
        if self._prompts is None:
            from coach.ui.prompts import Prompts

            self._prompts = Prompts()
        return self._prompts

    @prompts.setter
    def prompts(self, prompts: Prompts) -> None:
        self._prompts = prompts

    @property
    def routine_actions(self) -> RoutineActions:
        """The routine editor, File > New routine… / Open prescription… / Export for patient…
        / Print handout… / Visit report…, and the Routines tab's buttons (coach.ui.routine_
        actions); made on first use, which in a normal start is just after the first paint
        (nothing of it is on the Home page)."""
        if self._routine_actions is None:
            from coach.catalogue_files import library
            from coach.ui.routine_actions import RoutineActions

            self._routine_actions = RoutineActions(
                self.catalogue, library(self.paths), window=self.window,
                prompts=lambda: self.prompts, history=self.history,
                today=lambda: self.wall_now().date(), extra=self.args.catalogue)
        return self._routine_actions

    def start(self) -> None:
        self.window.show()
        if self.args.exit_when_ready:
            # Start-up checks and benchmarks: no dialog may block; quit after the first paint.
            self.window.first_paint.connect(lambda: QTimer.singleShot(0, self.app.quit))
            return
        # Everything the Home page does not show waits for the first paint (and, with
        # --exit-when-ready, which returned above, never comes; nor in the CLI subcommands).
        self.window.first_paint.connect(lambda: QTimer.singleShot(0, self._after_first_paint))
        log.info("window open; log file %s", self.log_file)

    def _after_first_paint(self) -> None:
        """The rest of start-up, then one thing at a time: notices and the catalogue's
        problems, then on a first run the red-flag screen and the disclaimer."""
        from coach.ui.qt_compat import protect_singletons

        protect_singletons()  # PySide6 6.12 on Python 3.11 would otherwise crash long sessions
        _ = self.routine_actions  # made now: the File menu's routine entries
        self.start_reminders()
        self.refresh_home()
        self._show_notices()
        self._offer_restore()
        self.first_run()
        # `coach FILE.toml` (a prescription opened from the file manager), after the safety
        # questions of a first run.
        for path in getattr(self.args, "open_files", None) or []:
            if not self._closing:
                self.routine_actions.open_prescription(Path(path))

    def _show_notices(self) -> None:
        """Settings that could not be read, then the catalogue's problems, each once and in
        turn (through the prompts seam), before any first-run question."""
        for notice in self.notices:
            log.info("notice shown: %s", notice)
            self.prompts.inform(self.window, "Physio Coach", notice)
        self.notices.clear()
        if self.catalogue.problems:
            from coach.core.catalogue import problems_summary

            title, intro = problems_summary(self.catalogue.problems)
            self.prompts.problems(self.window, title, intro, self.catalogue.problems)

    def _offer_restore(self) -> None:
        """A history with no session but a backup that has some (the file was deleted or lost
        while the app was closed): offer to bring the backup's sessions back, before anything
        treats this start as a first run."""
        store = self.history()
        if store is None or self._closing:
            return
        try:
            offer = store.restore_offer()
        except KnownError as e:
            log.warning("could not look for a backup to restore: %s", e.message)
            return
        if offer is None:
            return
        log.info("offering to restore %s", offer.backup)
        if not self.prompts.confirm(
                self.window, "Bring back your history?",
                f"{offer.describe()}\n\nBring those sessions back into your history?",
                yes="&Bring them back", no="Not now"):
            return
        try:
            count = store.restore(offer.backup)
        except KnownError as e:
            self.prompts.warn(self.window, e.message)
            return
        log.info("%d session(s) brought back from %s", count, offer.backup)
        self.refresh_home()

    def open_settings(self) -> None:
        from PySide6.QtWidgets import QDialog

        from coach.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self._voices or (), self.window)
        if not self._voices:
            from coach.ui.settings_dialog import VoicesLater

            if self._voices_later is None:
                self._voices_later = VoicesLater(self.window)
            self._voices_later.listed.connect(dialog.set_voices)
            self.list_voices().add_done_callback(self._voices_later.deliver)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if accepted:
            self.apply_settings(dialog.value())

    def list_voices(self) -> Future[list[VoiceInfo]]:
        """The speech engine's voices, listed off the GUI thread (starting the engine takes a
        while) and kept for next time. A running speaker owns the engine (pyttsx3 has one per
        process), so it is asked in its own thread; otherwise a short-lived thread lists them."""
        speaker = self.session.speaker if self.session is not None else None
        if speaker is not None and hasattr(speaker, "voices"):
            listing: Future[list[VoiceInfo]] = speaker.voices()
        else:
            from coach.speech.voices import list_voices_in_background

            listing = list_voices_in_background()

        def keep(done: Future[list[VoiceInfo]]) -> None:
            self._voices = done.result() or self._voices

        listing.add_done_callback(keep)
        return listing

    def apply_settings(self, new: Settings) -> None:
        """Save and apply new settings at once (theme, text size; speech when a speaker runs).
        What another window changed meanwhile is kept and applied too."""
        if self.paths.read_only is None:
            try:
                new = self._write_settings(new)
            except KnownError as e:
                self.prompts.warn(self.window, e.message)
        self.settings = new
        apply_theme(self.app, new.theme, new.text_scale)
        self.window.set_plan_settings(new.plan_settings())
        if self.session is not None:
            self.session.apply_speech(new.speech)
        if self.reminders is not None and self.reminders.settings != new.reminders:
            self.reminders.apply(new.reminders)

    def _write_settings(self, new: Settings) -> Settings:
        """Write what changed since this window last read or wrote the settings onto the file as
        it is now (another window may have changed other settings); the merged settings."""
        merged = settings_file.save(self.paths.settings_file, new, base=self._settings_base)
        self._settings_base = merged
        return merged

    def _remember_routine(self, routine_id: str) -> None:
        self.settings = self.settings.replace(routine_id=routine_id)
        try:
            if self.paths.read_only is None:
                self.settings = self._write_settings(self.settings)
        except KnownError as e:
            log.warning("could not remember today's routine: %s", e.message)
        if self._history is not None:  # the goal shown is the chosen routine's
            self.refresh_home()

    # --- crashes --------------------------------------------------------------------------------

    def install_crash_handler(self) -> None:
        """Unexpected errors to the log and a crash dialog; Qt's messages to the log."""
        from coach.ui.crash_reporter import CrashReporter, route_qt_messages

        self.crash_reporter = CrashReporter(
            logs.current_log_file,
            show=lambda log_file, details: self.prompts.crash(
                self._dialog_parent(), log_file, details),
            warn=lambda text: self.prompts.warn(self._dialog_parent(), text),
        )
        self.crash_reporter.install()
        route_qt_messages()

    def _dialog_parent(self):  # -> QWidget
        window = self.session_window
        return window if window is not None and window.isVisible() else self.window

    # --- sessions -------------------------------------------------------------------------------

    def plan_settings(self) -> PlanSettings:
        return self.settings.plan_settings()

    def start_routine(self, routine_id: str, *, pain: PainBefore | None = None) -> None:
        """Home or Routines: "Start". The safety flow runs first (red flags when due, the pain
        check, advice and dose steps); `pain`: answers already given (no second pain check)."""
        from coach.core.plan import PlanError, plan_routine

        if self._raise_running_session():
            return
        try:
            plan_routine(self.catalogue, routine_id, self.plan_settings())  # startable?
        except PlanError as e:
            self.prompts.warn(self.window, f"This routine cannot be started: {e}")
            return
        routine = self.catalogue.routine(routine_id)
        prepared = self.safety().before_session(self.window, routine, name=routine.name,
                                                pain=pain)
        if prepared is not None:
            self._open_prepared(prepared.target, prepared.pain)

    def try_exercise(self, exercise_id: str, *, pain: PainBefore | None = None) -> None:
        """Exercises: "Try this exercise", recorded as a session of one exercise. A heat or
        cold pack asks for its minutes first; then the same safety flow as a routine."""
        from coach.core.plan import PlanError, plan_exercise
        from coach.core.session_gate import single_exercise

        if self._raise_running_session():
            return
        try:
            plan_exercise(self.catalogue, exercise_id, self.plan_settings())  # startable?
        except PlanError as e:
            self.prompts.warn(self.window, f"This exercise cannot be started: {e}")
            return
        overrides = self.safety().thermal_overrides(self.window, exercise_id)
        if overrides is None:
            return
        exercise = self.catalogue.exercise(exercise_id)
        prepared = self.safety().before_session(
            self.window, single_exercise(exercise_id, overrides), name=exercise.name, pain=pain)
        if prepared is not None:
            self._open_prepared(prepared.target, prepared.pain)

    def _open_prepared(self, target: Routine, pain: PainBefore) -> None:
        """Plan what the safety flow cleared (today's doses merged in) and open it."""
        from coach.core.plan import PlanError, plan_exercise, plan_routine
        from coach.core.session_gate import SINGLE_EXERCISE

        try:
            if target.id == SINGLE_EXERCISE:
                item = target.items[0]
                plan = plan_exercise(self.catalogue, item.exercise_id, self.plan_settings(),
                                     overrides=item.overrides)
            else:
                plan = plan_routine(self.catalogue, target, self.plan_settings())
        except PlanError as e:
            self.prompts.warn(self.window, f"This session cannot be started: {e}")
            return
        self._last_answers = (pain, None)
        self.open_session(plan, recorder_answers=pain.recorder_answers())

    def demo_exercise(self, exercise_id: str) -> None:
        """"Demo" on an exercise (Exercises tab, routine editor): presenter mode for this one
        exercise with every step read aloud, slowly."""
        self.present_exercise(exercise_id, demo=True)

    def present_exercise(self, exercise_id: str, *, demo: bool = False) -> None:
        """Exercises: "Present from here". From this exercise through the rest of the list
        shown, full screen on the chosen screen; a demonstration is not recorded. With
        `demo`, only this exercise, and the voice slower (`demo_speech`).

        A physio runs demonstrations in the clinic: there is no patient's pain check, red-flag
        screen or dose step here (the catalogue's own doses are shown)."""
        from coach.core.models import Routine, RoutineItem
        from coach.core.plan import PlanError, plan_routine
        from coach.ui.presenter import choose_screen

        if self._raise_running_session():
            return
        shown = [] if demo else self.window.exercises.shown_ids()
        ids = shown[shown.index(exercise_id):] if exercise_id in shown else [exercise_id]
        speech = demo_speech(self.settings.speech) if demo else self.settings.speech
        from coach.core.cues import Verbosity

        # A presentation reads every step aloud (see SessionController): planned so.
        settings = dataclasses.replace(self.plan_settings(), verbosity=Verbosity.FULL,
                                       voice=not speech.mute)
        if demo:
            settings = dataclasses.replace(settings, words_per_minute=float(speech.rate))
        first = self.catalogue.exercises.get(exercise_id)
        name = first.name if first else exercise_id
        presentation = Routine(id="presentation", name=name, description="",
                               items=tuple(RoutineItem(i) for i in ids), rest_between_seconds=10)
        try:
            plan = plan_routine(self.catalogue, presentation, settings)
        except PlanError as e:
            self.prompts.warn(self.window, f"This exercise cannot be presented: {e}")
            return
        pick = choose_screen(self.prompts, self.window, self.settings.presenter_screen)
        if pick is None:
            return
        if pick.remember and pick.index != self.settings.presenter_screen:
            self.settings = self.settings.replace(presenter_screen=pick.index)
            self._save_settings()
        screens = QGuiApplication.screens()
        self.open_session(plan, presenter=True,
                          screen=screens[pick.index] if pick.index < len(screens) else None,
                          speech=speech)

    def open_session(self, plan: Plan, *, presenter: bool = False, screen: Any = None,
                     recorder_answers: dict[str, Any] | None = None,
                     speech: SpeechSettings | None = None) -> None:
        """Build and start one session: controller (engine, clock, ticker, voice), its window,
        and, for a patient's session, the history recorder.

        `recorder_answers` are what was asked before the session (`pain_before`,
        `leg_pain_spreading`), stored with it. After it: `self.session.finished` gives the
        `SessionResult`, and `self.recorder.answer(pain_after=..., felt=..., note=...)` stores
        the answers asked then.
        """
        from coach.ui.session_controller import SessionController
        from coach.ui.ticker import Ticker

        if self._raise_running_session():
            return
        reporter = self.crash_reporter
        controller = SessionController(
            plan, clock=self.session_clock(), speech=speech or self.settings.speech,
            speaker_factory=self.make_speaker, ticker_factory=Ticker, presenter=presenter,
            report_error=reporter.report_exception if reporter is not None else None)
        self.recorder = (None if presenter
                         else self._attach_recorder(controller, plan, recorder_answers or {}))
        window: SessionWindow
        if presenter:
            from coach.ui.presenter import PresenterWindow

            window = presenter_window = PresenterWindow(controller, prompts=self.prompts)
            presenter_window.show_on(screen)
        else:
            from coach.ui.session_window import SessionWindow, bring_to_front

            window = SessionWindow(controller, prompts=self.prompts)
            bring_to_front(window)
            self._watch_patient_session(controller, window)
        window.closed.connect(self._session_closed)
        self.window.add_companion(window)
        self.session, self.session_window = controller, window
        if self.reminders is not None:
            self.reminders.session_running(True)
        controller.start()

    def come_forward(self) -> None:
        """Another start on this data folder: the running session's window, else the main
        window, comes to the front as it is."""
        from coach.ui.session_window import bring_to_front

        if not self._raise_running_session():
            bring_to_front(self.window)

    def _raise_running_session(self) -> bool:
        """One session at a time: a second Start brings the running one to the front."""
        from coach.ui.session_window import bring_to_front

        window = self.session_window
        if window is None:
            return False
        bring_to_front(window)
        return True

    def session_clock(self) -> Clock:
        """Real time, or `--time-scale X` times faster (demonstrations, end-to-end tests)."""
        from coach.core.clock import MonotonicClock, ScaledClock

        scale = getattr(self.args, "time_scale", None)
        return ScaledClock(scale) if scale else MonotonicClock()

    def make_speaker(self, clock: Clock, settings: SpeechSettings, *,
                     on_caption: CaptionCallback, on_notice: NoticeCallback) -> Speaker:
        """The session's voice (tests replace this attribute with a fake)."""
        from coach.speech.factory import create_speaker

        return create_speaker(clock, settings, on_caption=on_caption, on_notice=on_notice,
                              cache_dir=self.paths.speech_cache)

    def _attach_recorder(self, controller: SessionController, plan: Plan,
                         answers: dict[str, Any]) -> SessionRecorder | None:
        """The history recorder, listening to the session's events as they happen."""
        from coach.recorder import SessionRecorder

        store = self.history()
        if store is None:
            return None
        recorder = SessionRecorder(store, weekly_goal=self.weekly_goal(), **answers)
        controller.add_listener(recorder)
        return recorder

    def history(self) -> HistoryStore | None:
        """The history, opened on first use (None if it cannot be used; said once)."""
        if self._history is None and not self._history_failed:
            from coach.storage.history import HistoryStore

            try:
                self._history = HistoryStore.open(
                    self.paths.history_db, on_notice=self._history_notice,
                    read_only=self.paths.read_only is not None,
                    journal_dirs=self.paths.journal_dirs)
                self._history.follow_renames(self.catalogue.renamed)
            except KnownError as e:
                self._history_failed = True
                log.warning("history not available: %s", e.message)
                self.prompts.warn(self._dialog_parent(),
                                  f"{e.message}\n\nSessions will not be recorded for now.")
        return self._history

    def weekly_goal(self) -> int:
        """The weekly goal in force: today's routine's (`coach.core.stats.goal_in_force`).
        Home, Progress, the visit report and every session recorded use this one."""
        from coach.core.stats import goal_in_force

        return goal_in_force(self.catalogue, self.window.home.current_routine_id())

    def refresh_home(self) -> None:
        """This week against the weekly goal in force, and the last session, on the Home page.

        The history is opened here, after the first paint, not during start-up."""
        from coach.core.stats import home_summary

        store = self.history()
        if store is None or self._closing:
            return
        today = self.wall_now().date()
        try:
            sessions = store.sessions()
        except KnownError as e:
            log.warning("home summary unavailable: %s", e.message)
            return
        self.window.home.set_progress(*home_summary(sessions, today=today,
                                                    goal=self.weekly_goal()))

    def _retry_history(self) -> None:
        """One try at writing what the history keeps in memory (one short transaction); the
        beat stops once nothing is left."""
        store = self._history
        if store is None or store.pending_count == 0 or store.flush():
            self.history_retry.stop()

    def _history_notice(self, notice: Any) -> None:
        """A notice from the history, shown at once; during a session it waits until the
        session window closes, so nothing covers the countdown of someone on the mat."""
        from coach.storage.errors import NoticeKind

        if notice.kind is NoticeKind.WRITES_PENDING and self.paths.read_only is None:
            self.history_retry.start()
        if self.session_window is not None:
            log.info("history notice held until the session closes: %s", notice.message)
            self._held_notices.append(notice.message)
            return
        self.prompts.warn(self._dialog_parent(), notice.message)

    def _session_closed(self) -> None:
        """The session window closed (the session was stopped first if still running)."""
        window = self.session_window
        self.session = self.session_window = None
        self.recorder = None
        if window is not None:
            window.deleteLater()
        if self.reminders is not None:
            self.reminders.session_running(False)
        self.refresh_home()
        self.window.activateWindow()
        held, self._held_notices = self._held_notices, []
        for message in dict.fromkeys(held):
            self.prompts.warn(self.window, message)

    # --- safety, reminders and tips ------------------------------------------------------------

    def safety(self) -> SafetyFlow:
        """The safety questions around sessions, asked through `self.prompts`."""
        if self._safety is None:
            from coach.safety_flow import SafetyFlow

            self._safety = SafetyFlow(
                self.catalogue, prompts=self.prompts, store=self.history,
                now=lambda: self.wall_now(),
                stop_rules=lambda: self.settings.stop_rules,
                locked=lambda: self.settings.locked_doses, save_locks=self._save_locks,
                disclaimer_seen=lambda: self.settings.disclaimer_seen,
                mark_disclaimer_seen=self._mark_disclaimer_seen)
        self._safety.prompts = self.prompts  # tests hand in their own prompts
        return self._safety

    def first_run(self) -> None:
        """The red-flag screen when never answered, then the disclaimer once."""
        if not self._closing:
            self.safety().first_run(self.window)

    def red_flag_check(self) -> None:
        """Help > Red-flag check: the six questions, whenever the person wants."""
        self.safety().screen(self._dialog_parent(), force=True)

    def show_disclaimer(self) -> None:
        self.prompts.disclaimer(self._dialog_parent())

    def _save_locks(self, locks: tuple[str, ...]) -> None:
        self.settings = self.settings.replace(locked_doses=locks)
        self._save_settings()

    def _mark_disclaimer_seen(self) -> None:
        self.settings = self.settings.replace(disclaimer_seen=True)
        self._save_settings()

    def _add_safety_actions(self) -> None:
        from PySide6.QtGui import QAction

        help_menu = self.window.help_menu
        self.red_flag_action = QAction("&Red-flag check…", self.window)
        self.red_flag_action.triggered.connect(self.red_flag_check)
        self.disclaimer_action = QAction("&About / disclaimer", self.window)
        self.disclaimer_action.triggered.connect(self.show_disclaimer)
        help_menu.addAction(self.red_flag_action)
        help_menu.addAction(self.disclaimer_action)
        self.care_action = QAction("Safety and &reminders…", self.window)
        self.care_action.triggered.connect(self.open_care_settings)
        file_menu = self.window.file_menu
        file_menu.insertAction(file_menu.actions()[1], self.care_action)
        self.tips_tab = self.window.add_page(self._make_tips, "&Tips")

    def _make_progress(self):  # -> QWidget
        from coach.ui.progress_view import ProgressView

        view = ProgressView({ex.id: ex.name for ex in self.catalogue.exercises.values()})
        view.report_requested.connect(self.routine_actions.visit_report)
        self._show_progress(view)
        return view

    def _refresh_progress(self, index: int) -> None:
        """The Progress tab shows the history as it is whenever it comes into view."""
        tab = self.progress_tab
        if self.window.tabs.widget(index) is tab and self.window.is_built(tab):
            self._show_progress(self.window.page_of(tab))

    def _show_progress(self, view: Any) -> None:
        store = self.history()
        if store is not None:
            view.set_report(store.progress(self.wall_now().date(), goal_now=self.weekly_goal()))

    def _make_tips(self):  # -> QWidget
        from coach.core.thermal import is_thermal
        from coach.ui.tips_page import TipsPage

        timers = [e for e in self.catalogue.exercises.values() if is_thermal(e)]
        page = TipsPage(timers)
        page.timer_requested.connect(self.try_exercise)
        return page

    def open_care_settings(self) -> None:
        from PySide6.QtWidgets import QDialog

        from coach.ui.care_settings_dialog import CareSettingsDialog

        dialog = CareSettingsDialog(self.settings, self.catalogue, self.window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_settings(dialog.value())

    def start_reminders(self) -> None:
        """Daily reminders and the sitting nudge (both off until chosen in the settings)."""
        from coach.core.reminders import local_zone
        from coach.ui.reminders import ReminderService

        def routine_name() -> str | None:
            routine = self.catalogue.routines.get(self.window.home.current_routine_id() or "")
            return routine.name if routine else None

        self.reminders = ReminderService(
            self.settings.reminders, wall_now=lambda: self.wall_now(), monotonic=time.monotonic,
            tz=local_zone(), routine_name=routine_name, icon=self.app.windowIcon(),
            popup_parent=self.window, parent=self.window)
        self.reminders.open_requested.connect(self.open_today)
        self.reminders.quit_requested.connect(self.app.quit)
        self.reminders.settings_requested.connect(self.open_care_settings)

    def open_today(self) -> None:
        """A reminder was clicked: the main window, on Home with today's routine."""
        from coach.ui.session_window import bring_to_front

        if self._raise_running_session():
            return
        self.window.tabs.setCurrentWidget(self.window.home)
        bring_to_front(self.window)

    def _watch_patient_session(self, controller: SessionController,
                               window: SessionWindow) -> None:
        """Around a patient's session: "this hurts" asks where the leg pain has gone (further
        down ends the session) and offers the easier version the catalogue names (run on its
        own after this session: see `_try_easier`), and the pain check after it is asked once
        it ends, however it ends (stopped early too, as `coach run` does: someone who stops
        may be stopping because of pain)."""
        from coach.core.events import Event, ExerciseStoppedForPain
        from coach.core.session_gate import easier_offer

        recorder, name = self.recorder, controller.plan.name

        def offer_easier(event: Event) -> None:
            if isinstance(event, ExerciseStoppedForPain):
                offer = easier_offer(self.catalogue, event.exercise_id, event.easier)
                if offer is not None:
                    window.offer_easier(offer.exercise_id, offer.text, offer.button_text)
                # Asked once the engine has delivered its events, not inside them.
                QTimer.singleShot(0, window, ask_leg_pain)

        def ask_leg_pain() -> None:
            """Where the leg pain has gone, the session paused meanwhile; further down ends
            the session (the pain check after it says what to do)."""
            if self._closing or controller.engine.finished:
                return
            paused = controller.pause()
            if self.safety().after_hurts(window, recorder):
                controller.stop()
            elif paused:
                controller.resume()

        def finished(_result: Any) -> None:
            # Asked once the engine has delivered its last events, not inside them.
            QTimer.singleShot(0, self.window, lambda: self._after_session(recorder, name))

        controller.add_listener(offer_easier)
        controller.finished.connect(finished)
        window.easier_requested.connect(self._try_easier)

    def _after_session(self, recorder: SessionRecorder | None, name: str) -> None:
        if self._closing or recorder is None:
            return
        before = self._last_answers[0]
        after = self.safety().after_session(self._dialog_parent(), recorder, name=name)
        self._last_answers = (before, after)

    def _try_easier(self, exercise_id: str) -> None:
        """"Try <easier> instead" on the finished page: close this session and run the easier
        exercise on its own. The pain just given after the session counts as the pain before
        this one (no second questionnaire); the rest of the safety flow still applies."""
        from coach.safety_flow import PainBefore

        before, after = self._last_answers
        pain = None
        if after is not None and not after.pain.skipped:
            pain = PainBefore(after.pain, after.leg_pain or (before.leg_pain if before else None))
        if self.session_window is not None:
            self.session_window.close()
        self.try_exercise(exercise_id, pain=pain)

    def _save_settings(self) -> None:
        if self.paths.read_only is not None:
            return
        try:
            self.settings = self._write_settings(self.settings)
        except KnownError as e:
            log.warning("could not save settings: %s", e.message)

    def shutdown(self) -> None:
        """Called once the event loop has finished: a running session is stopped (recorded as
        ended early), the history closed, the crash handler removed."""
        self._closing = True
        self.history_retry.stop()
        if self.reminders is not None:
            self.reminders.close()
        if self.session is not None:
            self.session.close()
            self.session = self.session_window = None
        if self._history is not None:
            self._history.close()
            self._history = None
        if self.crash_reporter is not None:
            self.crash_reporter.uninstall()
