"""A guard against a PySide6 bug that would crash a long session.

PySide6 6.12.0 on Python 3.11 drops one reference to `None` on every call to a Qt method that
returns nothing (`QTimer.start`, `QLabel.setText`, ...), and one to `True` on every signal
`emit()` and `disconnect()`: it hands back those singletons without taking the reference
Python 3.11 expects (Python 3.12 made them immortal, which hides the mistake there). They have
only a few thousand references in a running app, so after a few minutes of a session (dozens
of such calls a second) the interpreter aborts with "deallocating None" (or "True or False").

`protect_singletons()` checks for the bug with a harmless probe and, only when it is there,
gives `None`, `True` and `False` the effectively immortal reference count Python 3.12 gives
them. It is called once the main window has painted (app.py), by every session's ticker, and by
the tests that run whole sessions; on a fixed PySide6, or on Python 3.12 and later, it does
nothing. The real fix is a PySide6 without
the bug.
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

_PROBES = 16
_IMMORTAL = 1 << 40
_done = False


class _Probe(QObject):
    ping = Signal()


def singleton_reference_leak() -> bool:
    """True when void Qt calls or signal emits lose references to None or True."""
    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(_PROBES):
        probe.setObjectName("probe")
        probe.ping.emit()
    lost_none = none_before - sys.getrefcount(None)
    lost_true = true_before - sys.getrefcount(True)
    return lost_none >= _PROBES // 2 or lost_true >= _PROBES // 2


def protect_singletons() -> bool:
    """Make None, True and False immortal if this PySide6 leaks references to them; True if
    it had to."""
    global _done
    if _done or sys.version_info >= (3, 12):
        return False
    if not singleton_reference_leak():
        return False
    _done = True
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _IMMORTAL
    log.warning("this PySide6 drops references to None and True on calls returning nothing "
                "and on signal emits; they were made immortal to keep sessions from crashing "
                "(update PySide6)")
    return True
