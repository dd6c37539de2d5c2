"""The one Qt timer that drives a session: it calls `engine.tick(clock.now())` and nothing else.

The timer is single-shot and re-armed after every tick for the engine's next wake-up (the next
whole second of the countdown, or the phase deadline), never at a fixed fast interval. It is a
`Qt.PreciseTimer`, armed for the whole milliseconds *before* the wake-up; if it fires a little
early the tick changes nothing and the timer is re-armed for 0 ms until the wake-up has passed,
so phase boundaries are noticed within a fraction of a millisecond of their deadline.

The controls are the engine's own (`SessionController` calls them, then `start()` to re-arm);
the ticker listens to the engine, so it stops its timer when the session pauses or finishes and
re-arms it on resume and when time is added, whoever called the engine. `engine_event` relays
every engine event as a Qt signal on the GUI thread (where the engine is driven).

Creating a ticker calls `coach.ui.qt_compat.protect_singletons()` (a no-op unless this PySide6
has the reference leak it guards against), since a session re-arms the timer thousands of times.
"""

from __future__ import annotations

import logging
import math

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from coach.core.clock import Clock
from coach.core.engine import SessionEngine
from coach.core.events import Event, Paused, Resumed, SessionFinished, TimeAdded
from coach.ui.qt_compat import protect_singletons

log = logging.getLogger(__name__)


class Ticker(QObject):
    """Owns the session's QTimer. `start()` arms it (starting the engine if needed)."""

    engine_event = Signal(object)  # every engine Event, as it happens

    def __init__(self, engine: SessionEngine, clock: Clock, parent: QObject | None = None):
        super().__init__(parent)
        # Re-arming the timer on every wake-up is many void Qt calls: guard against PySide6
        # 6.12's reference leak on None (see coach.ui.qt_compat); does nothing when fixed.
        protect_singletons()
        self._engine = engine
        self._clock = clock
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)
        self._closed = False
        engine.add_listener(self._on_event)

    @property
    def engine(self) -> SessionEngine:
        return self._engine

    @property
    def active(self) -> bool:
        """True while the timer is armed."""
        return self._timer.isActive()

    @property
    def interval_ms(self) -> int:
        """The interval the timer was last armed with."""
        return self._timer.interval()

    def start(self) -> None:
        """Start the engine if it has not been, and arm the timer for its next wake-up.

        Safe to call again at any time (after a control, say): it only re-arms.
        """
        if self._closed:
            return
        if not self._engine.started:
            self._engine.start(self._clock.now())
        self._arm()

    def stop(self) -> None:
        """Disarm the timer (the engine is left as it is)."""
        self._timer.stop()

    def close(self) -> None:
        """Disarm and stop listening to the engine. Safe to call twice."""
        self._timer.stop()
        if not self._closed:
            self._closed = True
            self._engine.remove_listener(self._on_event)

    # --- the timer ----------------------------------------------------------------------------

    def _on_timeout(self) -> None:
        if self._closed:
            return
        self._engine.tick(self._clock.now())
        self._arm()

    def _arm(self) -> None:
        now = self._clock.now()
        wake = self._engine.next_wakeup(now)
        if wake is None:
            self._timer.stop()
            return
        real_ms = (wake - now) / self._clock.scale * 1000.0
        self._timer.start(max(0, math.floor(real_ms)))

    def _on_event(self, event: Event) -> None:
        self.engine_event.emit(event)
        if isinstance(event, (SessionFinished, Paused)):
            self._timer.stop()
        elif isinstance(event, (Resumed, TimeAdded)) and not self._closed:
            self._arm()
