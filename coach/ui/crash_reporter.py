"""Unexpected errors: logged with their traceback, then shown as a calm dialog naming the log file.

`CrashReporter.install()` routes `sys.excepthook` (exceptions in Qt slots and timers land there)
and `threading.excepthook` (worker threads) to one place: the traceback goes to the log, and the
GUI thread is asked to show it (`Prompts.crash`, a `coach.ui.crash_dialog.CrashDialog` saying
that something went wrong, that the session carries on and what was done is kept, and where the
log is). An error raised while that dialog is already open is logged and counted, not stacked as
another dialog. A `KnownError` that reaches the top (an expected problem nobody caught) is shown
as its own plain message instead.

`route_qt_messages()` sends Qt's own warnings into logging (STYLE rule 14).

Installed at start-up, so this module needs only QtCore (and no `Qt` namespace enum: see
`coach.ui.widgets`): the dialog is imported when an error first has to be shown.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QMessageLogContext,
    QObject,
    QTimer,
    QtMsgType,
    Signal,
    qInstallMessageHandler,
)

from coach.core.errors import KnownError

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class CrashReporter(QObject):
    """Catches what nobody else did; see the module docstring.

    `show(log_file, details)` and `warn(message)` are the dialog seam (`Prompts.crash` and
    `Prompts.warn` in the app); both are called on the GUI thread only. `show` returns the
    dialog it opened (if any): while it is visible, further errors are only logged.
    """

    _reported = Signal(str, str)   # (traceback text, known message or "")

    def __init__(self, log_file: Callable[[], Path | None],
                 show: Callable[[Path | None, str], QWidget | None],
                 warn: Callable[[str], None] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._log_file = log_file
        self._show = show
        self._warn = warn
        self._previous_sys = None
        self._previous_threading = None
        self._dialog: QWidget | None = None
        self.count = 0
        # A report from a worker thread is queued to this object's (the GUI) thread by the
        # automatic connection; `_defer` then waits for the event loop in every case, so the
        # dialog never opens inside an exception hook.
        self._reported.connect(self._defer)

    def install(self) -> None:
        self._previous_sys = sys.excepthook
        self._previous_threading = threading.excepthook
        sys.excepthook = self.excepthook
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        if self._previous_sys is not None:
            sys.excepthook = self._previous_sys
        if self._previous_threading is not None:
            threading.excepthook = self._previous_threading
        self._previous_sys = self._previous_threading = None

    def excepthook(self, exc_type: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous = self._previous_sys or sys.__excepthook__
            previous(exc_type, exc, tb)
            return
        self.report((exc_type, exc, tb))

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        where = args.thread.name if args.thread is not None else "a worker thread"
        self.report((args.exc_type, args.exc_value, args.exc_traceback), where=where)

    def report(self, info: ExcInfo, *, where: str = "the window") -> None:
        """Log `info` and show it once the GUI thread gets to it (safe from any thread)."""
        exc_type, exc, tb = info
        if isinstance(exc, KnownError):
            log.warning("uncaught known error in %s: %s", where, exc.message)
            self._reported.emit("", exc.message)
            return
        log.error("unexpected error in %s", where, exc_info=info)
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        self._reported.emit(text, "")

    def report_exception(self, exc: BaseException) -> None:
        """For code that caught an exception to carry on (a failing session listener)."""
        self._reported.emit("".join(traceback.format_exception(exc)), "")

    def _defer(self, details: str, known: str) -> None:
        QTimer.singleShot(0, self, lambda: self._present(details, known))

    def _present(self, details: str, known: str) -> None:
        self.count += 1
        if known:
            if self._warn is not None:
                self._warn(known)
            return
        if self._dialog is not None and self._dialog.isVisible():
            log.info("another unexpected error while the crash dialog is open (%d so far)",
                     self.count)
            return
        self._dialog = self._show(self._log_file(), details)


# --- Qt's messages into logging --------------------------------------------------------------

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}

#: Harmless platform chatter not worth a warning in the log.
_QUIET = ("This plugin does not support propagateSizeHints()",)


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = _LEVELS.get(kind, logging.WARNING)
    if any(message.startswith(q) for q in _QUIET):
        level = logging.DEBUG
    category = getattr(context, "category", None) or "default"
    qt_log.log(level, "%s (%s)", message, category)


def route_qt_messages():  # -> the previous handler
    """Send Qt's messages to the "qt" logger; returns the handler it replaced."""
    return qInstallMessageHandler(_qt_message)
