"""The speaker's threads: the GUI thread never waits, the engine lives in one thread, cancel is
immediate, settings apply at once, phrases are rendered once. Fakes for engine and player; the
tests wait on events with timeouts, never sleep."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.core.cues import Cue, CueKind, Verbosity
from coach.speech.pyttsx3_speaker import Pyttsx3Speaker
from coach.speech.settings import SpeechSettings
from coach.speech.silent import SilentSpeaker

from .conftest import Collector, FakeAudio, FakeEngine

WAIT = 5.0


class GatedEngine(FakeEngine):
    """A fake engine whose renders block until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()

    def runAndWait(self) -> None:  # noqa: N802
        self.entered.set()
        self.gate.wait(WAIT)
        super().runAndWait()


class CountingEngine(FakeEngine):
    """Sets `done` once `want` files have been written."""

    def __init__(self, want: int) -> None:
        super().__init__()
        self.want = want
        self.done = threading.Event()

    def runAndWait(self) -> None:  # noqa: N802
        super().runAndWait()
        if self.saves >= self.want:
            self.done.set()


@pytest.fixture
def make_speaker(tmp_path: Path, collector: Collector) -> Iterator:
    speakers: list[Pyttsx3Speaker] = []

    def make(engine: FakeEngine, audio: FakeAudio, **kwargs) -> Pyttsx3Speaker:  # noqa: ANN003
        sp = Pyttsx3Speaker(
            time.monotonic, cache_dir=kwargs.pop("cache_dir", tmp_path / "cache"),
            engine_factory=kwargs.pop("engine_factory", lambda: engine),
            player_argv=["true"], player_factory=audio.factory,
            on_caption=collector.on_caption, on_notice=collector.on_notice, **kwargs,
        )
        speakers.append(sp)
        return sp

    yield make
    for sp in speakers:
        sp.shutdown()


def now_cue(text: str, kind: CueKind = CueKind.START, after: float = 0.0, beep: bool = False
            ) -> Cue:
    return Cue(kind, text, time.monotonic() + after, beep=beep)


def test_captions_come_from_the_speaker_thread_when_due(collector: Collector) -> None:
    sp = SilentSpeaker(time.monotonic, on_caption=collector.on_caption)
    try:
        sp.say(now_cue("Later", after=3600))
        sp.say(now_cue("Hold", after=0.02))
        assert collector.wait_caption("Hold", WAIT)
        assert [c.text for c in collector.captions] == ["Hold"]
    finally:
        sp.shutdown()
    assert [c.text for c in collector.captions] == ["Hold"], "nothing captioned after shutdown"


def test_the_calling_thread_never_waits_for_the_engine(make_speaker, collector) -> None:  # noqa: ANN001
    engine = GatedEngine()
    sp = make_speaker(engine, FakeAudio())
    sp.prepare(["Lie on your back"])
    assert engine.entered.wait(WAIT), "the engine is now stuck in a render"
    slowest = 0.0
    for call in (
        lambda: sp.say(now_cue("Hold")),
        lambda: sp.prepare(["Relax", "Well done"]),
        lambda: sp.apply(SpeechSettings(rate=120)),
        sp.cancel,
        lambda: sp.say(now_cue("Relax", CueKind.RELAX)),
    ):
        t0 = time.monotonic()
        call()
        slowest = max(slowest, time.monotonic() - t0)
    assert slowest < 0.02
    assert collector.wait_caption("Relax", WAIT), "captions go on while the engine is busy"
    engine.gate.set()


def test_the_engine_is_created_and_used_in_one_worker_thread(make_speaker) -> None:  # noqa: ANN001
    engine = CountingEngine(want=3)
    made_in: list[int] = []

    def factory() -> FakeEngine:
        made_in.append(threading.get_ident())
        return engine

    sp = make_speaker(engine, FakeAudio(), engine_factory=factory)
    sp.prepare(["One", "Two", "Three"])
    assert engine.done.wait(WAIT)
    voices = sp.voices().result(WAIT)
    assert [v.id for v in voices] == ["fake/en"]
    assert len(engine.thread_ids) == 1
    assert engine.thread_ids == set(made_in)
    assert threading.get_ident() not in engine.thread_ids


def test_cancel_silences_the_clip_before_it_returns(make_speaker) -> None:  # noqa: ANN001
    audio = FakeAudio(hold=True)
    engine = CountingEngine(want=1)
    sp = make_speaker(engine, audio)
    sp.prepare(["Hold"])
    assert engine.done.wait(WAIT)
    sp.say(now_cue("Hold"))
    assert audio.started.wait(WAIT)
    assert audio.is_playing()
    t0 = time.monotonic()
    sp.cancel()
    took = time.monotonic() - t0
    assert not audio.is_playing()
    assert audio.stops == 1
    assert took < 0.15


def test_a_phrase_is_rendered_once_and_reused_from_the_cache(make_speaker, tmp_path) -> None:  # noqa: ANN001
    first = CountingEngine(want=2)
    sp = make_speaker(first, FakeAudio())
    sp.prepare(["Hold", "Relax", "Hold"])
    assert first.done.wait(WAIT)
    sp.shutdown()
    assert first.saves == 2
    second = CountingEngine(want=1)
    audio = FakeAudio()
    sp2 = make_speaker(second, audio)
    sp2.say(now_cue("Relax", CueKind.RELAX, after=0.05))
    assert audio.started.wait(WAIT)
    assert audio.texts == ["Relax"]
    assert second.saves == 0, "served from the cache"


def test_settings_apply_without_a_restart(make_speaker, collector) -> None:  # noqa: ANN001
    engine = CountingEngine(want=1)
    audio = FakeAudio()
    sp = make_speaker(engine, audio)
    sp.prepare(["Hold"])
    assert engine.done.wait(WAIT)

    sp.apply(SpeechSettings(mute=True))
    sp.say(now_cue("3", CueKind.COUNTDOWN, beep=True))
    assert collector.wait_caption("3", WAIT)
    assert audio.started.wait(WAIT)
    assert audio.tones() == ["tone-tick-100.wav"], "muted: the beep alone"

    sp.apply(SpeechSettings(verbosity=Verbosity.MINIMAL, beeps=False))
    sp.say(now_cue("Bend one knee", CueKind.STEP))
    assert collector.wait_caption("Bend one knee", WAIT)
    assert len(audio.plays) == 1, "a step is not spoken at minimal verbosity"

    engine.want, engine.done = 2, threading.Event()
    sp.apply(SpeechSettings(rate=120, volume=0.5))
    assert engine.done.wait(WAIT), "the prepared phrase is rendered again at the new rate"
    assert engine.props["rate"] == 120
    assert engine.props["volume"] == 0.5


def test_a_voice_that_is_not_installed_falls_back_with_one_notice(make_speaker, collector) -> None:  # noqa: ANN001
    engine = CountingEngine(want=2)
    sp = make_speaker(engine, FakeAudio(), settings=SpeechSettings(voice_id="xx/klingon"))
    sp.prepare(["Hold", "Relax"])
    assert engine.done.wait(WAIT)
    assert collector.notice_event.wait(WAIT)
    sp.shutdown()
    assert [n.reason.value for n in collector.notices] == ["voice-missing"]
    assert engine.props["voice"] == "fake/en"


def test_a_scaled_clock_is_followed(collector: Collector) -> None:
    class Fast:
        scale = 50.0

        def __init__(self) -> None:
            self.t0 = time.monotonic()

        def now(self) -> float:
            return (time.monotonic() - self.t0) * self.scale

    clock = Fast()
    sp = SilentSpeaker(clock, on_caption=collector.on_caption)
    try:
        t0 = time.monotonic()
        sp.say(Cue(CueKind.START, "Hold", clock.now() + 10.0))  # 10 engine s = 0.2 real s
        assert collector.wait_caption("Hold", WAIT)
        assert time.monotonic() - t0 < 1.0
    finally:
        sp.shutdown()


def test_beeps_tick_the_last_three_seconds_and_mark_each_phase_edge_once(
    make_speaker, collector  # noqa: ANN001
) -> None:
    audio = FakeAudio()
    sp = make_speaker(FakeEngine(), audio, settings=SpeechSettings(mute=True))
    t0 = time.monotonic() + 0.05
    for text, kind, at in [
        ("3", CueKind.COUNTDOWN, 0.00), ("2", CueKind.COUNTDOWN, 0.02),
        ("1", CueKind.COUNTDOWN, 0.04),
        ("2", CueKind.REP, 0.06), ("Hold", CueKind.START, 0.06),
        ("Halfway", CueKind.HALFWAY, 0.08),
        ("Relax", CueKind.RELAX, 0.10), ("Well done", CueKind.WELL_DONE, 0.10),
    ]:
        sp.say(Cue(kind, text, t0 + at, phase_id=1))
    assert collector.wait_caption("Well done", WAIT)
    sp.shutdown()
    assert audio.tones() == ["tone-tick-100.wav"] * 3 + ["tone-end-100.wav"] * 2
