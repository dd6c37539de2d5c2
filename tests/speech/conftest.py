"""Fakes for the speech tests: a clock the test moves, a player that records, a pyttsx3 stand-in."""

from __future__ import annotations

import threading
import wave
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from coach.core.cues import Cue, CueKind
from coach.speech.clips import Clip
from coach.speech.speaker import SpeechNotice


class FakeClock:
    """Engine time that moves only when the test says so."""

    def __init__(self, start: float = 100.0) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> float:
        self.t += seconds
        return self.t


@dataclass
class RecordingPlayer:
    """A Player that records what it was told; a clip plays until the test calls `finish()`."""

    clock: FakeClock
    played: list[tuple[float, str]] = field(default_factory=list)
    stops: list[float] = field(default_factory=list)
    playing: Clip | None = None

    def play(self, clip: Clip) -> None:
        self.played.append((self.clock(), clip.text))
        self.playing = clip

    def stop(self) -> None:
        if self.playing is not None:
            self.stops.append(self.clock())
        self.playing = None

    def is_playing(self) -> bool:
        return self.playing is not None

    def finish(self) -> None:
        self.playing = None

    @property
    def texts(self) -> list[str]:
        return [t for _, t in self.played]


def clip(text: str, seconds: float = 0.5) -> Clip:
    return Clip(Path(f"/clips/{text}.wav"), seconds, text)


def cue(text: str, due: float, kind: CueKind = CueKind.NOTICE, beep: bool = False) -> Cue:
    return Cue(kind, text, due, beep=beep)


def write_tone_wav(path: Path, seconds: float = 0.4) -> None:
    """A little 440 Hz WAV, standing in for rendered speech."""
    from coach.speech.beeps import Tone, tone_samples

    samples = tone_samples(Tone.TICK, 1.0) * max(1, round(seconds / Tone.TICK.seconds))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(samples.tobytes())


class FakeEngine:
    """Enough of pyttsx3's Engine for the render worker: writes a tone for each save_to_file.

    `fail_on` makes the n-th save_to_file (1-based) raise, like an engine dying mid-session.
    """

    driver_name = "fake"

    def __init__(self, fail_on: int | None = None) -> None:
        self.fail_on = fail_on
        self.saves = 0
        self.props: dict[str, object] = {"voice": "fake/en", "rate": 200, "volume": 1.0}
        self._pending: tuple[str, str] | None = None
        self.thread_ids: set[int] = set()

    def _used(self) -> None:
        self.thread_ids.add(threading.get_ident())

    def getProperty(self, name: str) -> object:  # noqa: N802 (pyttsx3's name)
        self._used()
        if name == "voices":
            return [type("V", (), {"id": "fake/en", "name": "Fake English", "languages": ["en"]})]
        return self.props[name]

    def setProperty(self, name: str, value: object) -> None:  # noqa: N802
        self._used()
        self.props[name] = value

    def save_to_file(self, text: str, filename: str) -> None:
        self._used()
        self.saves += 1
        if self.fail_on is not None and self.saves >= self.fail_on:
            raise RuntimeError("the fake engine broke")
        self._pending = (text, filename)

    def runAndWait(self) -> None:  # noqa: N802
        self._used()
        if self._pending:
            write_tone_wav(Path(self._pending[1]))
            self._pending = None


class Collector:
    """Captions and notices from a speaker's thread, with events to wait on (no sleeping)."""

    def __init__(self) -> None:
        self.captions: list[Cue] = []
        self.notices: list[SpeechNotice] = []
        self._lock = threading.Lock()
        self._caption_events: dict[str, threading.Event] = {}
        self.notice_event = threading.Event()

    def on_caption(self, c: Cue) -> None:
        with self._lock:
            self.captions.append(c)
            self._event(c.text).set()

    def on_notice(self, n: SpeechNotice) -> None:
        with self._lock:
            self.notices.append(n)
        self.notice_event.set()

    def _event(self, text: str) -> threading.Event:
        return self._caption_events.setdefault(text, threading.Event())

    def wait_caption(self, text: str, timeout: float = 5.0) -> bool:
        with self._lock:
            ev = self._event(text)
        return ev.wait(timeout)


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def collector() -> Collector:
    return Collector()


class FakeAudio:
    """A thread-safe player for speaker tests: records each clip; a clip ends at once unless
    `hold` is set. `fail` makes every play report a device error, like an unplugged card."""

    def __init__(self, hold: bool = False, fail: bool = False) -> None:
        self.hold = hold
        self.fail = fail
        self.plays: list[Clip] = []
        self.stops = 0
        self.playing: Clip | None = None
        self.on_error = None
        self.started = threading.Event()
        self._lock = threading.Lock()

    def factory(self, argv, on_error):  # noqa: ANN001, ANN201 (the PlayerFactory signature)
        self.on_error = on_error
        return self

    def play(self, c: Clip) -> None:
        with self._lock:
            self.plays.append(c)
            self.playing = c if self.hold else None
        self.started.set()
        if self.fail and self.on_error is not None:
            self.playing = None
            self.on_error("aplay: pcm_write: Input/output error")

    def stop(self) -> None:
        with self._lock:
            if self.playing is not None:
                self.stops += 1
            self.playing = None

    def is_playing(self) -> bool:
        return self.playing is not None

    def close(self) -> None:
        self.stop()

    @property
    def texts(self) -> list[str]:
        with self._lock:
            return [c.text for c in self.plays]

    def tones(self) -> list[str]:
        with self._lock:
            return [c.path.name for c in self.plays if c.path.name.startswith("tone-")]


@pytest.fixture(scope="session")
def sound_server() -> Iterator[dict[str, str]]:
    """A private PulseAudio null sink for the whole run (Qt Multimedia connects to the sound
    server once per process); the environment for pactl."""
    from benchmarks.pulse import null_sink

    with null_sink() as env:
        yield env
