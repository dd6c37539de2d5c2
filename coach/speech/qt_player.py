"""Playing clips through Qt Multimedia (QAudioSink): where `aplay` is missing, and on Windows.

The sink lives in a QThread of its own with its own event loop, so it plays whether or not the
GUI thread's loop runs and never blocks it. `play` and `stop` come from the speaker's scheduler
thread: each is a queued call into the audio thread. `is_playing` is true from `play` until the
sink has played the last sample, and false as soon as `stop` returns; the sink itself stops a
moment later in its thread (well under a millisecond when the thread is idle).

Needs a QCoreApplication (the window's QApplication); the terminal session uses `aplay`.
"""

from __future__ import annotations

import logging
import threading
import time
import wave
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QObject,
    QThread,
    Signal,
    Slot,
)
from PySide6.QtMultimedia import QAudio, QAudioFormat, QAudioSink, QMediaDevices

from coach.speech.clips import Clip
from coach.speech.player import QT_MULTIMEDIA, PlayerUnavailable
from coach.speech.speaker import NoticeReason

log = logging.getLogger(__name__)

_SAMPLE_FORMATS = {1: QAudioFormat.SampleFormat.UInt8, 2: QAudioFormat.SampleFormat.Int16,
                   4: QAudioFormat.SampleFormat.Int32}
_PROBE_TIMEOUT = 5.0


def read_wav(path: Path) -> tuple[QAudioFormat, bytes]:
    """The clip's format and PCM frames; raises ValueError for a WAV Qt cannot play as is."""
    with wave.open(str(path), "rb") as w:
        width = w.getsampwidth()
        if width not in _SAMPLE_FORMATS:
            raise ValueError(f"{path}: {8 * width}-bit audio")
        fmt = QAudioFormat()
        fmt.setSampleRate(w.getframerate())
        fmt.setChannelCount(w.getnchannels())
        fmt.setSampleFormat(_SAMPLE_FORMATS[width])
        return fmt, w.readframes(w.getnframes())


def _failed(sink: QAudioSink) -> bool:
    """An error other than running out of data (the end of the clip). By name: PySide6 6.8
    has the enum both as QAudio.Error and QtAudio.Error, which do not compare equal."""
    return sink.error().name not in ("NoError", "UnderrunError")


class _Sink(QObject):
    """Lives in the audio thread; plays one buffer at a time."""

    play_requested = Signal(object)
    stop_requested = Signal()
    quit_requested = Signal()

    def __init__(self, device: str | None, finished: Callable[[int, str | None], None],
                 started: Callable[[int, float], None],
                 trace: Callable[[str], None] | None) -> None:
        super().__init__()
        self._trace = trace
        self._started = started
        self._device_name = device
        self._finished = finished
        self._sink: QAudioSink | None = None
        self._buffer: QBuffer | None = None
        self._token = 0
        self.play_requested.connect(self._play)
        self.stop_requested.connect(self._stop)
        self.quit_requested.connect(self._quit)

    def _device(self):  # -> QAudioDevice
        if self._device_name:
            for d in QMediaDevices.audioOutputs():
                if self._device_name in (d.description(), bytes(d.id().data()).decode()):
                    return d
        return QMediaDevices.defaultAudioOutput()

    @Slot(object)
    def _play(self, request: tuple[int, QAudioFormat, bytes]) -> None:
        self._stop()
        token, fmt, frames = request
        self._token = token
        buffer = QBuffer(self)
        buffer.setData(QByteArray(frames))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        sink = QAudioSink(self._device(), fmt, self)
        sink.stateChanged.connect(lambda state, s=sink, t=token: self._changed(s, state, t))
        self._sink, self._buffer = sink, buffer
        sink.start(buffer)
        if self._trace is not None:
            self._trace("started")
        if _failed(sink):
            self._finished(token, f"the sound output did not start ({sink.error().name})")
        else:
            self._started(token, time.monotonic())

    def _changed(self, sink: QAudioSink, state: QAudio.State, token: int) -> None:
        if sink is not self._sink:
            return  # a clip stopped or replaced: not news
        if state.name in ("IdleState", "StoppedState"):
            failed = _failed(sink)
            error = f"the sound output failed ({sink.error().name})" if failed else None
            self._stop()  # the clip is over: close the stream
            self._finished(token, error)

    @Slot()
    def _quit(self) -> None:
        self._stop()
        self.thread().quit()

    @Slot()
    def _stop(self) -> None:
        sink, buffer = self._sink, self._buffer
        self._sink = self._buffer = None
        if sink is not None:
            sink.stateChanged.disconnect()
            sink.stop()
            sink.deleteLater()
            if self._trace is not None:
                self._trace("stopped")
        if buffer is not None:
            buffer.deleteLater()


class QtAudioPlayer:
    """The `Player` protocol over Qt Multimedia; `close` ends its thread (bounded wait).

    Used from one thread (the speaker's scheduler thread), like SubprocessPlayer: a failure in
    the audio thread is reported through `on_error` from that thread, at its next `is_playing`
    or `play`, never from the audio thread."""

    def __init__(self, argv: Sequence[str] = (QT_MULTIMEDIA,),
                 on_error: Callable[[str], None] | None = None, *,
                 trace: Callable[[str], None] | None = None) -> None:
        """`trace("started")` / `trace("stopped")` is called in the audio thread as a sink
        starts and stops (the timing benchmark measures with it)."""
        if QCoreApplication.instance() is None:
            raise PlayerUnavailable(NoticeReason.NO_PLAYER,
                                    "Qt Multimedia needs the window (no Qt application)")
        self._on_error = on_error
        self._lock = threading.Lock()
        self._playing = 0  # the token of the clip playing, 0 for none
        self._next = 0
        self._failure: str | None = None
        self._duration = 0.0  # of the clip playing (seconds of audio)
        self._ends_at: float | None = None  # monotonic, once its stream has started
        self.settled = threading.Event()
        """Set once the clip asked for last has started playing, or failed to."""
        self.idle = threading.Event()
        """Set while nothing plays (after the last sample, a stop or a failure)."""
        self.idle.set()
        self._thread = QThread()
        self._thread.setObjectName("coach-audio")
        device = argv[1] if len(argv) > 1 else None
        self._sink = _Sink(device, self._sink_finished, self._sink_started, trace)
        self._sink.moveToThread(self._thread)
        self._thread.finished.connect(self._sink.deleteLater)
        self._thread.start()

    @property
    def argv(self) -> list[str]:
        return [QT_MULTIMEDIA]

    def play(self, clip: Clip) -> None:
        self._report_failure()
        try:
            fmt, frames = read_wav(clip.path)
        except (OSError, ValueError, EOFError, wave.Error) as e:
            self._report(f"{clip.path.name} could not be read: {e}")
            return
        with self._lock:
            self._next += 1
            self._playing = token = self._next
            self._duration = len(frames) / max(1, fmt.bytesPerFrame() * fmt.sampleRate())
            self._ends_at = None
            self.idle.clear()
            self.settled.clear()
        self._sink.play_requested.emit((token, fmt, frames))

    def stop(self) -> None:
        with self._lock:
            playing, self._playing = self._playing, 0
            self.idle.set()
        if playing:
            self._sink.stop_requested.emit()

    def is_playing(self) -> bool:
        """True until the clip's last sample is due out (its length after its stream started):
        the sound server's end-of-stream report comes later by its buffer, which would hold
        up the next cue. A tail still buffered plays on unless the next clip replaces it."""
        self._report_failure()
        with self._lock:
            if self._ends_at is not None and time.monotonic() >= self._ends_at:
                self._playing = 0
                self._ends_at = None
                self.idle.set()
            return self._playing != 0

    def close(self) -> None:
        """Stop, and end the audio thread (waits for it, at most 2 s)."""
        self.stop()
        if self._thread.isRunning():
            self._sink.quit_requested.emit()
            self._thread.wait(2000)

    def _sink_finished(self, token: int, error: str | None) -> None:
        with self._lock:
            current = self._playing == token
            if current:
                self._playing = 0
                self._ends_at = None
                if error is not None:
                    self._failure = error
                self.idle.set()
                self.settled.set()

    def _sink_started(self, token: int, at: float) -> None:
        with self._lock:
            if self._playing == token:
                self._ends_at = at + self._duration
                self.settled.set()

    def _report_failure(self) -> None:
        with self._lock:
            failure, self._failure = self._failure, None
        if failure is not None:
            self._report(failure)

    def _report(self, message: str) -> None:
        log.warning("player failed: %s", message)
        if self._on_error is not None:
            self._on_error(message)


def probe(argv: Sequence[str], wav: Path) -> None:
    """Start `wav` (a moment of silence) through Qt Multimedia; raise PlayerUnavailable if no
    output exists, or it fails or has not started within a few seconds."""
    if not QMediaDevices.audioOutputs():
        raise PlayerUnavailable(NoticeReason.NO_DEVICE, "Qt Multimedia finds no sound output")
    errors: list[str] = []
    player = QtAudioPlayer(argv, errors.append)
    try:
        player.play(Clip(wav, 0.0))
        finished = player.settled.wait(_PROBE_TIMEOUT)
        player.is_playing()  # reports a failure in the audio thread
    finally:
        player.close()
    if errors:
        raise PlayerUnavailable(NoticeReason.NO_DEVICE, errors[-1])
    if not finished:
        raise PlayerUnavailable(NoticeReason.NO_DEVICE,
                                f"Qt Multimedia did not start in {_PROBE_TIMEOUT:g} s")

