"""One session as the window sees it: the engine, its clock and ticker, the voice, the listeners.

`SessionController` builds nothing it is not given (app.py hands in the plan, the clock, and
factories for the speaker and the ticker, normally `coach.ui.ticker.Ticker`; tests pass None
and tick the engine themselves) and holds no rules of its own: every control is the
engine's, called with `clock.now()`. It turns engine events into Qt signals for the window
(`display`, `finished`), sends cues to the speaker, and fans every event out to the listeners
attached with `add_listener` (the history recorder, safety checks), each in isolation so one
that fails is reported and the rest, and the session, carry on.

Threads: the engine is driven on the GUI thread (by the ticker's timer and the controls), so
its events arrive there. The speaker reports captions and notices from its own thread; a
`SpeechBridge` queues them to the GUI thread as signals.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal

from coach.core.clock import Clock
from coach.core.cues import Cue, Verbosity
from coach.core.engine import DEFAULT_CLOCK_JUMP_SECONDS, SessionEngine
from coach.core.events import (
    CueRequested,
    CuesCancelled,
    DisplayState,
    DisplayTick,
    Event,
    ExerciseStoppedForPain,
    SessionFinished,
)
from coach.core.plan import Plan
from coach.core.result import SessionResult
from coach.speech.qt_bridge import SpeechBridge
from coach.speech.settings import SpeechSettings
from coach.speech.speaker import CaptionCallback, NoticeCallback, Speaker, SpeechNotice

log = logging.getLogger(__name__)

Listener = Callable[[Event], None]

#: Seconds "+10 s" adds to the current phase.
ADD_TIME_SECONDS = 10.0


class SpeakerFactory(Protocol):
    def __call__(self, clock: Clock, settings: SpeechSettings, *,
                 on_caption: CaptionCallback, on_notice: NoticeCallback) -> Speaker: ...


class TickerLike(Protocol):
    """What the controller needs of the Qt ticker (`coach.ui.ticker.Ticker`)."""

    def start(self) -> None:
        """Arm the timer for the engine's next wake-up (again after a control)."""

    def stop(self) -> None:
        """Disarm the timer."""

    def close(self) -> None:
        """Disarm and stop listening to the engine."""


TickerFactory = Callable[[SessionEngine, Clock, QObject], TickerLike]
ErrorReporter = Callable[[BaseException], None]


class SessionController(QObject):
    """Runs one `Plan` from `start()` to `close()`.

    Signals: `display(DisplayState)` on every whole second and state change; `caption(str)`
    when the speaker reaches a cue; `notice(str)` for things the user must know (voice off);
    `finished(SessionResult)` once, when the session ends (naturally or stopped);
    `muted_changed(bool)`; `stopped_for_pain(ExerciseStoppedForPain)` when "this hurts"
    stopped an exercise.

    `presenter` marks a clinic demonstration: every step is read aloud (full verbosity)
    whatever the user's setting, and app.py records nothing for it.
    """

    display = Signal(object)    # DisplayState
    caption = Signal(str)
    notice = Signal(str)
    finished = Signal(object)   # SessionResult
    muted_changed = Signal(bool)
    stopped_for_pain = Signal(object)  # ExerciseStoppedForPain

    def __init__(
        self,
        plan: Plan,
        *,
        clock: Clock,
        speech: SpeechSettings,
        speaker_factory: SpeakerFactory,
        ticker_factory: TickerFactory | None,
        presenter: bool = False,
        report_error: ErrorReporter | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.plan = plan
        self.clock = clock
        self.presenter = presenter
        self._speech = self._effective_speech(speech)
        self._speaker_factory = speaker_factory
        self._ticker_factory = ticker_factory
        self._report_error = report_error
        self._listeners: list[Listener] = []
        self._failures: dict[int, int] = {}
        self._bridge = SpeechBridge(self)
        self._bridge.caption.connect(self._caption)
        self._bridge.notice.connect(self._notice)
        self._speaker: Speaker | None = None
        self._ticker: TickerLike | None = None
        self._closed = False
        self.engine = self._new_engine()

    # --- wiring ---------------------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        """Receive every engine event (on the GUI thread), after the speaker and the window."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    @property
    def speaker(self) -> Speaker | None:
        return self._speaker

    @property
    def speech(self) -> SpeechSettings:
        return self._speech

    @property
    def muted(self) -> bool:
        return self._speech.mute

    @property
    def state(self) -> DisplayState:
        return self.engine.state

    @property
    def closed(self) -> bool:
        return self._closed

    def _new_engine(self) -> SessionEngine:
        # A gap between ticks means the machine slept when it is long in *real* time: with
        # --time-scale 20, 5 real seconds are 100 engine seconds.
        jump = DEFAULT_CLOCK_JUMP_SECONDS * max(1.0, float(getattr(self.clock, "scale", 1.0)))
        engine = SessionEngine(self.plan, verbosity=self._speech.verbosity,
                               clock_jump_seconds=jump)
        engine.reads_steps = self._reads_steps(self._speech)
        engine.add_listener(self._on_event)
        return engine

    @staticmethod
    def _reads_steps(speech: SpeechSettings) -> bool:
        """The voice reads the steps aloud: on, at full verbosity."""
        return not speech.mute and speech.verbosity is Verbosity.FULL

    def _effective_speech(self, speech: SpeechSettings) -> SpeechSettings:
        return speech.replace(verbosity=Verbosity.FULL) if self.presenter else speech

    # --- life cycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Create the voice, pre-render the plan's phrases, start the engine and its timer."""
        if self._closed:
            raise RuntimeError("this session has been closed")
        if self._speaker is None:
            self._speaker = self._speaker_factory(
                self.clock, self._speech, on_caption=self._bridge.on_caption,
                on_notice=self._bridge.on_notice)
            self._speaker.prepare(self.plan.cue_texts(self._speech.verbosity))
        log.info("session started: %s (%d exercises)", self.plan.name, len(self.plan.items))
        self.engine.start(self.clock.now())
        if self._ticker_factory is not None and self._ticker is None:
            self._ticker = self._ticker_factory(self.engine, self.clock, self)
        if self._ticker is not None and not self.engine.finished:
            self._ticker.start()

    def restart(self) -> None:
        """Run the same plan again from the beginning (presenter mode, after the end)."""
        if self._closed:
            return
        if self.engine.started and not self.engine.finished:
            self.engine.stop(self.clock.now())
        if self._ticker is not None:
            self._ticker.close()
            self._ticker = None
        self.engine.remove_listener(self._on_event)
        self.engine = self._new_engine()
        self.start()

    def close(self) -> None:
        """End the session: a running one is stopped (recorded as ended early), the timer and
        the voice shut down. Safe to call twice."""
        if self._closed:
            return
        try:
            if self.engine.started and not self.engine.finished:
                log.info("session closed before its end; stopping it")
                self.engine.stop(self.clock.now())
        finally:
            self._closed = True
            if self._ticker is not None:
                self._ticker.close()
                self._ticker = None
            if self._speaker is not None:
                self._speaker.shutdown()

    # --- controls (each the engine's own; True when it did something) --------------------------

    def toggle_pause(self) -> bool:
        return self._control(self.engine.toggle_pause)

    def pause(self) -> bool:
        return self._control(self.engine.pause)

    def resume(self) -> bool:
        return self._control(self.engine.resume)

    def skip(self) -> bool:
        return self._control(self.engine.skip)

    def ready(self) -> bool:
        """In position: end the get-ready (or side switch) now."""
        return self._control(self.engine.ready)

    def back(self) -> bool:
        return self._control(self.engine.back)

    def add_time(self) -> bool:
        return self._control(lambda now: self.engine.add_time(now, ADD_TIME_SECONDS))

    def hurts(self) -> bool:
        return self._control(self.engine.hurts)

    def stop(self) -> bool:
        return self._control(self.engine.stop)

    def _control(self, action: Callable[[float], bool]) -> bool:
        if self._closed or not self.engine.started:
            return False
        done = action(self.clock.now())
        if self._ticker is not None and not self.engine.finished:
            self._ticker.start()  # the next wake-up may have moved (or resumed)
        return done

    def toggle_mute(self) -> bool:
        """Voice off or on for the rest of this session (captions and beeps go on)."""
        self._apply(self._speech.replace(mute=not self._speech.mute))
        return self._speech.mute

    def apply_speech(self, settings: SpeechSettings) -> None:
        """New settings from the settings dialog, applied at once; this session's mute stays."""
        self._apply(self._effective_speech(settings).replace(mute=self._speech.mute))

    def _apply(self, settings: SpeechSettings) -> None:
        muted_before = self._speech.mute
        self._speech = settings
        self.engine.verbosity = settings.verbosity
        self.engine.reads_steps = self._reads_steps(settings)
        if self._speaker is not None and not self._closed:
            self._speaker.apply(settings)
        if settings.mute != muted_before:
            self.muted_changed.emit(settings.mute)

    # --- events ---------------------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        speaker = self._speaker
        if isinstance(event, CueRequested):
            if speaker is not None and not self._closed:
                speaker.say(event.cue)
        elif isinstance(event, CuesCancelled):
            if speaker is not None and not self._closed:
                speaker.cancel()
        elif isinstance(event, DisplayTick):
            self._deliver(self.display.emit, event.state)
        elif isinstance(event, ExerciseStoppedForPain):
            self._deliver(self.stopped_for_pain.emit, event)
        elif isinstance(event, SessionFinished):
            log.info("session finished: %s", event.result.summary())
            if self._ticker is not None:
                self._ticker.stop()
            self._deliver(self.finished.emit, event.result)
        for listener in list(self._listeners):
            self._deliver(listener, event)

    def _deliver(self, call: Callable[[Any], object], arg: Any) -> None:
        """Call one consumer; a failure is reported, and the others and the session go on.

        The first failure of each consumer is logged with its traceback and reported (the
        crash dialog); repeats are counted in the log at 10, 100, 1000... so it is not flooded.
        """
        try:
            call(arg)
        except Exception as e:
            key = id(getattr(call, "__func__", call))
            count = self._failures[key] = self._failures.get(key, 0) + 1
            if count == 1:
                log.exception("a session listener failed on %s", type(arg).__name__)
                if self._report_error is not None:
                    self._report_error(e)
            elif math.log10(count).is_integer():
                log.error("a session listener has failed %d times (last: %r)", count, e)

    def _caption(self, cue: Cue) -> None:
        if not self._closed:
            self.caption.emit(cue.text)

    def _notice(self, notice: SpeechNotice) -> None:
        if notice.voice_off:
            self.engine.reads_steps = False  # nobody reads the steps: no time waits for it
        self.notice.emit(notice.message)

    def result(self) -> SessionResult:
        return self.engine.result
