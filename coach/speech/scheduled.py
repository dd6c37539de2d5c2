"""The thread that keeps time for a speaker: captions and clips at their due time.

`ScheduledSpeaker` owns one thread that steps a `CueScheduler` with the injected clock and waits
(on a condition, woken early by `say`, `cancel`, `apply` and finished renders) until the next
thing is due. The public methods only take a lock for a moment, so the GUI thread never waits on
audio. Callbacks (`on_caption`, `on_notice`) run in that thread, outside the lock.

The clock may be scaled (terminal mode's --time-scale): due times are compared only with
`clock()`; how long to wait in real time uses the clock's `scale` when it is a
`coach.core.clock.Clock`, else is estimated from how fast the clock has moved.
Subclasses decide what sound a cue gets (`_resolve`) and set up the sound (`_setup`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from coach.core.cues import Cue
from coach.speech.clips import Clip
from coach.speech.player import NullPlayer
from coach.speech.scheduler import CueScheduler, Player, Resolution, SchedulerStats
from coach.speech.settings import SpeechSettings
from coach.speech.speaker import (
    LATE_LIMIT,
    CaptionCallback,
    NoticeCallback,
    SpeechNotice,
    noop_caption,
    noop_notice,
)

log = logging.getLogger(__name__)

Clock = Callable[[], float]
#: A clock function, or a `coach.core.clock.Clock` (an object with `now()` and `scale`).
ClockSource = Any
StartCallback = Callable[[Cue, Clip, float], None]

_MAX_WAIT = 0.5        # real seconds; look again at least this often
_RATE_WARMUP = 0.2     # real seconds before the clock's speed is trusted
_WARMUP_WAIT = 0.02


def default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("physio-coach")) / "speech"


def clock_function(clock: ClockSource) -> tuple[Clock, float | None]:
    """(the function to read, its known scale or None) for a clock function or Clock object."""
    now = getattr(clock, "now", None)
    if callable(now):
        scale = getattr(clock, "scale", None)
        return now, float(scale) if isinstance(scale, int | float) and scale > 0 else None
    return clock, None


class _ClockRate:
    """How many clock seconds pass per real second: the clock's `scale`, or measured."""

    def __init__(self, clock: Clock, wall: Clock, scale: float | None) -> None:
        self._wall = wall
        self._scale = scale
        self._c0 = clock()
        self._w0 = wall()

    def real_wait(self, clock_seconds: float, now: float) -> float:
        if clock_seconds <= 0:
            return 0.0
        if self._scale is not None:
            return min(clock_seconds / self._scale, _MAX_WAIT)
        elapsed = self._wall() - self._w0
        if elapsed < _RATE_WARMUP:
            return min(clock_seconds, _WARMUP_WAIT)
        rate = min(1000.0, max(0.001, (now - self._c0) / elapsed))
        return min(clock_seconds / rate, _MAX_WAIT)


class ScheduledSpeaker:
    """A speaker with a timing thread; by itself it shows captions and plays nothing."""

    def __init__(
        self,
        clock: ClockSource,
        *,
        settings: SpeechSettings | None = None,
        on_caption: CaptionCallback = noop_caption,
        on_notice: NoticeCallback = noop_notice,
        on_start: StartCallback | None = None,
        late_limit: float = LATE_LIMIT,
        name: str = "speaker",
        wall: Clock = time.monotonic,
    ) -> None:
        self._clock, scale = clock_function(clock)
        self._settings = settings or SpeechSettings()
        self._on_caption = on_caption
        self._on_notice = on_notice
        self._cond = threading.Condition()
        self._outbox: list[Callable[[], None]] = []
        self._player: Player = NullPlayer()
        # The late limit is about what a person hears, so it is real time: in engine seconds
        # it grows with the clock's scale.
        self._scheduler = CueScheduler(
            self, self._resolve, on_caption=self._caption, on_start=on_start,
            late_limit=late_limit * (scale or 1.0),
        )
        self._rate = _ClockRate(self._clock, wall, scale)
        self._closed = False
        self._dirty = False
        self._voice_off_sent = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    # -- the Speaker protocol (any thread) -----------------------------------------------------

    def prepare(self, texts: Iterable[str]) -> None:
        pass

    def say(self, cue: Cue) -> None:
        with self._cond:
            if self._closed:
                return
            self._scheduler.add(cue)
            self._on_say(cue)
            self._wake()

    def cancel(self) -> None:
        with self._cond:
            self._scheduler.cancel()
            self._on_cancel()
            self._wake()

    def apply(self, settings: SpeechSettings) -> None:
        with self._cond:
            old, self._settings = self._settings, settings
            self._on_apply(old, settings)
            self._wake()

    def shutdown(self) -> None:
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._scheduler.close()
            self._wake()
        if self._thread is not threading.current_thread():
            self._thread.join(2.0)
            if self._thread.is_alive():
                log.warning("speaker thread %s did not stop", self._thread.name)
        self._teardown()

    # -- extras --------------------------------------------------------------------------------

    @property
    def settings(self) -> SpeechSettings:
        return self._settings

    @property
    def stats(self) -> SchedulerStats:
        return self._scheduler.stats

    # -- Player, as seen by the scheduler (the current sound output) ---------------------------

    def play(self, clip: Clip) -> None:
        self._player.play(clip)

    def stop(self) -> None:
        self._player.stop()

    def is_playing(self) -> bool:
        return self._player.is_playing()

    # -- hooks for subclasses (called with the lock held unless said otherwise) ----------------

    def _resolve(self, cue: Cue) -> Resolution:
        return None

    def _on_say(self, cue: Cue) -> None:
        pass

    def _on_apply(self, old: SpeechSettings, new: SpeechSettings) -> None:
        pass

    def _on_cancel(self) -> None:
        pass

    def _setup(self) -> None:
        """Called once in the speaker thread before the first cue, lock not held."""

    def _check(self) -> None:
        """Called with the lock held before each scheduling step (watchdogs)."""

    def _teardown(self) -> None:
        """Called once by shutdown after the thread has stopped, lock not held."""
        self._player.stop()

    # -- helpers ------------------------------------------------------------------------------

    def _wake(self) -> None:
        self._dirty = True
        self._cond.notify_all()

    def _caption(self, cue: Cue) -> None:
        self._outbox.append(lambda: self._on_caption(cue))

    def _report(self, notice: SpeechNotice) -> None:
        """Log a problem and tell the user once per cause (voice-off notices: once in all)."""
        log.warning("%s (%s)", notice.message, notice.detail or notice.reason)
        if notice.voice_off:
            if self._voice_off_sent:
                return
            self._voice_off_sent = True
        self._outbox.append(lambda: self._on_notice(notice))
        self._wake()

    def _run(self) -> None:
        try:
            self._setup()
        except Exception:
            log.exception("speaker set-up failed; captions only")
        while True:
            with self._cond:
                while True:
                    if self._closed:
                        out = self._take_outbox()
                        break
                    self._dirty = False
                    now = self._clock()
                    try:
                        self._check()
                        wake = self._scheduler.run_due(now)
                    except Exception:
                        log.exception("speaker step failed")
                        wake = now + 0.1
                    out = self._take_outbox()
                    if out:
                        break
                    if not self._dirty:
                        timeout = (
                            _MAX_WAIT if wake is None else self._rate.real_wait(wake - now, now)
                        )
                        if timeout > 0:
                            self._cond.wait(timeout)
                closed = self._closed
            for call in out:
                try:
                    call()
                except Exception:
                    log.exception("speaker callback failed")
            if closed:
                return

    def _take_outbox(self) -> list[Callable[[], None]]:
        out, self._outbox = self._outbox, []
        return out
