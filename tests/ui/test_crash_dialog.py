"""Unexpected errors are logged with their traceback and shown calmly, naming the log file."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer, qWarning

from coach.core.errors import KnownError
from coach.ui.crash_dialog import CrashDialog, crash_message
from coach.ui.crash_reporter import CrashReporter, route_qt_messages
from coach.ui.session_window import SessionWindow
from tests.ui.session_helpers import FIRST_HOLD, FakePrompts, Session, short_plan

LOG = Path("/var/log/coach-test.log")


@pytest.fixture
def reporter(qtbot):
    prompts = FakePrompts()
    r = CrashReporter(lambda: LOG, show=lambda f, d: prompts.crash(None, f, d),
                      warn=lambda text: prompts.warn(None, text))
    r.install()
    yield r, prompts
    r.uninstall()


def test_an_error_in_a_slot_is_logged_and_shown_with_the_log_file(reporter, qtbot, caplog):
    r, prompts = reporter

    def broken() -> None:
        raise ValueError("a bug")

    with caplog.at_level(logging.ERROR, logger="coach.ui.crash_reporter"):
        QTimer.singleShot(0, broken)
        qtbot.waitUntil(lambda: bool(prompts.crashes), timeout=2000)
    log_file, details = prompts.crashes[0]
    assert log_file == LOG
    assert "ValueError: a bug" in details
    assert "Traceback" in details
    assert any(rec.exc_info and rec.exc_info[0] is ValueError for rec in caplog.records)


def test_an_error_in_a_worker_thread_reaches_the_gui_thread(reporter, qtbot, caplog):
    r, prompts = reporter

    def work() -> None:
        raise RuntimeError("worker fell over")

    with caplog.at_level(logging.ERROR, logger="coach.ui.crash_reporter"):
        t = threading.Thread(target=work, name="test-worker")
        t.start()
        t.join(5)
        qtbot.waitUntil(lambda: bool(prompts.crashes), timeout=2000)
    assert "worker fell over" in prompts.crashes[0][1]
    assert "test-worker" in caplog.text


def test_a_known_error_shows_its_own_message_not_a_crash(reporter, qtbot):
    r, prompts = reporter
    r.excepthook(KnownError, KnownError("The disk is full."), None)
    qtbot.waitUntil(lambda: bool(prompts.warnings), timeout=2000)
    assert prompts.warnings == ["The disk is full."]
    assert prompts.crashes == []


def test_an_error_on_the_gui_thread_is_shown_from_the_event_loop_not_inside_the_hook(
        reporter, qtbot):
    r, prompts = reporter
    r.excepthook(ValueError, ValueError("a bug"), None)
    assert prompts.crashes == []  # nothing modal opens inside sys.excepthook
    qtbot.waitUntil(lambda: bool(prompts.crashes), timeout=2000)
    assert "ValueError: a bug" in prompts.crashes[0][1]


def test_install_and_uninstall_restore_the_previous_hooks():
    before_sys, before_thread = sys.excepthook, threading.excepthook
    r = CrashReporter(lambda: None, show=lambda f, d: None)
    r.install()
    assert sys.excepthook == r.excepthook
    r.uninstall()
    assert sys.excepthook is before_sys
    assert threading.excepthook is before_thread


def test_the_dialog_names_the_log_file_and_hides_the_traceback(qtbot):
    dialog = CrashDialog(LOG, "Traceback (most recent call last): ...")
    qtbot.addWidget(dialog)
    assert str(LOG) in dialog.message.text()
    assert "Traceback" not in dialog.message.text()
    assert "carries on" in dialog.message.text()
    assert not dialog.details.isVisibleTo(dialog)
    dialog.toggle.setChecked(True)
    assert dialog.details.isVisibleTo(dialog)
    assert "no log file" not in crash_message(LOG)
    assert "could not be written" in crash_message(None)


def test_a_session_keeps_going_after_a_listener_fails(reporter, qtbot):
    r, prompts = reporter
    session = Session(short_plan())
    session.controller._report_error = r.report_exception
    window = SessionWindow(session.controller, prompts=prompts)
    qtbot.addWidget(window)
    session.controller.add_listener(lambda event: 1 / 0)
    session.controller.start()
    session.run_to(FIRST_HOLD + 1)
    qtbot.waitUntil(lambda: bool(prompts.crashes), timeout=2000)
    assert "ZeroDivisionError" in prompts.crashes[0][1]
    assert window.countdown.label() == "Hold"
    assert session.engine.running
    session.controller.close()


def test_qt_messages_go_to_the_log(caplog):
    previous = route_qt_messages()
    try:
        with caplog.at_level(logging.WARNING, logger="qt"):
            qWarning("a test warning from Qt")
    finally:
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(previous)
    assert "a test warning from Qt" in caplog.text
