"""Without a voice the session goes on: captions always, beeps where sound works, one notice.

Each test runs a short session (cues due one after another) through the real Pyttsx3Speaker with
something broken, and checks that every cue was captioned, that exactly one plain notice said why
voice is off, that the cause was logged, and that no exception escaped a thread.
"""

from __future__ import annotations

import logging
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.core.cues import Cue, CueKind
from coach.speech import pyttsx3_speaker
from coach.speech.pyttsx3_speaker import Pyttsx3Speaker
from coach.speech.renderer import default_engine
from coach.speech.speaker import NoticeReason

from .conftest import Collector, FakeAudio, FakeEngine

WAIT = 5.0

SESSION = [
    (CueKind.INTRO, "Knee to chest stretch", False),
    (CueKind.COUNTDOWN, "3", True),
    (CueKind.COUNTDOWN, "2", True),
    (CueKind.COUNTDOWN, "1", True),
    (CueKind.START, "Hold", False),
    (CueKind.HALFWAY, "Halfway", False),
    (CueKind.RELAX, "Relax", True),
    (CueKind.WELL_DONE, "Well done", True),
]


@pytest.fixture
def escaped(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Exceptions that escaped any thread."""
    seen: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: seen.append(args.exc_value))
    return seen


@pytest.fixture
def speaker_with(tmp_path: Path, collector: Collector) -> Iterator:
    made: list[Pyttsx3Speaker] = []

    def make(engine_factory=default_engine, audio: FakeAudio | None = None,  # noqa: ANN001
             player_argv: list[str] | None = None) -> Pyttsx3Speaker:
        kwargs = {"player_factory": audio.factory} if audio else {}
        sp = Pyttsx3Speaker(
            time.monotonic, cache_dir=tmp_path / "cache", engine_factory=engine_factory,
            player_argv=player_argv if player_argv is not None else ["true"],
            on_caption=collector.on_caption, on_notice=collector.on_notice, **kwargs,
        )
        made.append(sp)
        return sp

    yield make
    for sp in made:
        sp.shutdown()


def run_session(sp: Pyttsx3Speaker, collector: Collector) -> None:
    t0 = time.monotonic() + 0.05
    for i, (kind, text, beep) in enumerate(SESSION):
        sp.say(Cue(kind, text, t0 + 0.02 * i, beep=beep))
    assert collector.wait_caption("Well done", WAIT)
    sp.shutdown()
    assert [c.text for c in collector.captions] == [t for _, t, _ in SESSION]


def only_notice(collector: Collector) -> NoticeReason:
    assert len(collector.notices) == 1, collector.notices
    notice = collector.notices[0]
    assert notice.message.startswith("Voice is off: ")
    assert "Captions will show each cue." in notice.message
    return notice.reason


def test_without_pyttsx3_the_session_goes_on_with_captions_and_beeps(
    speaker_with, collector: Collector, escaped, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setitem(sys.modules, "pyttsx3", None)  # import pyttsx3 -> ImportError
    audio = FakeAudio()
    with caplog.at_level(logging.WARNING):
        run_session(speaker_with(audio=audio), collector)
    assert only_notice(collector) is NoticeReason.NO_ENGINE
    assert audio.tones(), "the beeps still sound"
    assert "pyttsx3" in caplog.text
    assert escaped == []


def test_without_the_espeak_library_the_session_goes_on(
    speaker_with, collector: Collector, escaped, caplog: pytest.LogCaptureFixture,  # noqa: ANN001
) -> None:
    def no_espeak() -> None:
        # What pyttsx3.init() raises when libespeak-ng.so.1 cannot be loaded.
        raise RuntimeError("This means you probably do not have eSpeak or eSpeak-ng installed!")

    with caplog.at_level(logging.WARNING):
        run_session(speaker_with(engine_factory=no_espeak, audio=FakeAudio()), collector)
    assert only_notice(collector) is NoticeReason.NO_ENGINE
    assert "eSpeak" in caplog.text
    assert escaped == []


def test_without_a_player_program_the_session_goes_on_with_one_notice(
    speaker_with, collector: Collector, escaped, caplog: pytest.LogCaptureFixture,  # noqa: ANN001
) -> None:
    def no_espeak() -> None:
        raise RuntimeError("no espeak either")

    with caplog.at_level(logging.WARNING):
        run_session(
            speaker_with(engine_factory=no_espeak, player_argv=["/nonexistent/bin/aplay", "-q"]),
            collector,
        )
    assert only_notice(collector) in (NoticeReason.NO_PLAYER, NoticeReason.NO_ENGINE), (
        "two causes, still one notice"
    )
    assert "/nonexistent/bin/aplay" in caplog.text
    assert escaped == []


@pytest.mark.skipif(shutil.which("aplay") is None, reason="aplay not installed")
def test_without_a_sound_device_the_session_goes_on(
    speaker_with, collector: Collector, escaped,  # noqa: ANN001
) -> None:
    sp = speaker_with(engine_factory=FakeEngine,
                      player_argv=["aplay", "-q", "-D", "no_such_device_for_the_test"])
    run_session(sp, collector)
    assert only_notice(collector) is NoticeReason.NO_DEVICE
    assert collector.notices[0].message == (
        "Voice is off: no sound device was found. Captions will show each cue."
    )
    assert escaped == []


def test_an_engine_that_breaks_mid_session_leaves_captions_and_beeps(
    speaker_with, collector: Collector, escaped, caplog: pytest.LogCaptureFixture,  # noqa: ANN001
) -> None:
    audio = FakeAudio()
    with caplog.at_level(logging.WARNING):
        run_session(speaker_with(engine_factory=lambda: FakeEngine(fail_on=3), audio=audio),
                    collector)
    assert only_notice(collector) is NoticeReason.ENGINE_FAILED
    assert "the fake engine broke" in caplog.text
    assert audio.tones(), "beeps go on after the voice has stopped"
    assert escaped == []


def test_an_engine_that_hangs_is_given_up_on(
    speaker_with, collector: Collector, escaped, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    gate = threading.Event()

    class Hanging(FakeEngine):
        def runAndWait(self) -> None:  # noqa: N802
            gate.wait(WAIT)

    monkeypatch.setattr(pyttsx3_speaker, "STUCK_AFTER", 0.05)
    sp = speaker_with(engine_factory=Hanging, audio=FakeAudio())
    sp.prepare(["Lie on your back"])
    assert collector.notice_event.wait(WAIT)
    gate.set()
    run_session(sp, collector)
    assert only_notice(collector) is NoticeReason.ENGINE_FAILED
    assert escaped == []


def test_a_sound_device_that_fails_mid_session_turns_sound_off_once(
    speaker_with, collector: Collector, escaped,  # noqa: ANN001
) -> None:
    audio = FakeAudio(fail=True)
    run_session(speaker_with(engine_factory=FakeEngine, audio=audio), collector)
    assert only_notice(collector) is NoticeReason.DEVICE_FAILED
    assert escaped == []


def test_shutdown_twice_and_say_after_shutdown_are_harmless(
    speaker_with, collector: Collector, escaped,  # noqa: ANN001
) -> None:
    sp = speaker_with(engine_factory=FakeEngine, audio=FakeAudio())
    sp.shutdown()
    sp.shutdown()
    sp.say(Cue(CueKind.START, "Hold", time.monotonic()))
    sp.cancel()
    assert collector.captions == []
    assert escaped == []


def test_closing_kills_a_device_check_that_hangs_instead_of_waiting_for_it(
    speaker_with, collector: Collector, escaped, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    # A sick device: the player never finishes, and its time limit is far away. Closing the
    # session (on the GUI thread) must not wait for it.
    from coach.speech import player

    monkeypatch.setattr(player, "_PROBE_TIMEOUT", 600.0)
    checking = threading.Event()
    processes = []
    real_probe = pyttsx3_speaker.probe

    def watched_probe(argv, wav, started):  # noqa: ANN001, ANN202
        def running(process):  # noqa: ANN001, ANN202
            started(process)
            processes.append(process)
            checking.set()
        return real_probe(argv, wav, started=running)

    monkeypatch.setattr(pyttsx3_speaker, "probe", watched_probe)
    sp = speaker_with(engine_factory=FakeEngine,
                      player_argv=["sh", "-c", "exec sleep 600", "hanging-player"])
    sp.say(Cue(CueKind.START, "Hold", time.monotonic()))
    assert checking.wait(WAIT)
    sp.shutdown()
    assert processes[0].returncode is not None, "the hanging player was left running"
    assert collector.notices == []  # a player we killed while closing is not news
    assert escaped == []


def test_a_cache_folder_that_cannot_be_written_leaves_captions(
    tmp_path: Path, collector: Collector, escaped,  # noqa: ANN001
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    sp = Pyttsx3Speaker(
        time.monotonic, cache_dir=blocked / "speech", engine_factory=FakeEngine,
        player_argv=["true"], player_factory=FakeAudio().factory,
        on_caption=collector.on_caption, on_notice=collector.on_notice,
    )
    sp.prepare(["Hold"])
    run_session(sp, collector)
    assert only_notice(collector) is NoticeReason.NO_CACHE
    assert escaped == []


def test_listing_voices_without_an_engine_gives_none(monkeypatch: pytest.MonkeyPatch) -> None:
    from coach.speech.voices import list_voices, voices_of

    monkeypatch.setitem(sys.modules, "pyttsx3", None)
    assert list_voices() == []

    class Broken:
        def getProperty(self, name: str) -> object:  # noqa: N802
            raise OSError("espeak went away")

    assert voices_of(Broken()) == []


def test_a_speaker_without_an_engine_answers_the_voice_list_with_none(
    speaker_with, collector: Collector,  # noqa: ANN001
) -> None:
    def no_espeak() -> None:
        raise RuntimeError("no espeak")

    sp = speaker_with(engine_factory=no_espeak, audio=FakeAudio())
    assert sp.voices().result(WAIT) == []
