"""The Qt Multimedia player, on a real sound server: a PulseAudio null sink started for the
tests (Debian's pulseaudio package, installed by make test). It plays a clip to its end, stops
at once, reports a failure from the scheduler's thread, and speaks a session in the speaker."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from coach.speech.beeps import Tone, tone_clip
from coach.speech.clips import Clip
from coach.speech.player import QT_MULTIMEDIA, PlayerUnavailable, find_player, make_player, probe

pytestmark = [
    pytest.mark.skipif(shutil.which("pulseaudio") is None,
                       reason="pulseaudio is not installed (make test installs it)"),
    # Qt Multimedia looks for optional libraries (PipeWire, VA-API) it does not need here.
    pytest.mark.qt_log_ignore(r"Couldn't (load|resolve) "),
]


def streams(env: dict[str, str]) -> int:
    """How many streams play into the sound server right now."""
    out = subprocess.run(["pactl", "list", "short", "sink-inputs"], env=env, check=True,
                         capture_output=True, text=True, timeout=30).stdout
    return len(out.splitlines())


@pytest.fixture
def player(qapp, sound_server):  # noqa: ANN001
    errors: list[str] = []
    p = make_player([QT_MULTIMEDIA], errors.append)
    p.errors = errors
    yield p
    p.close()


def test_a_clip_plays_to_its_end_through_qt_multimedia(player, tmp_path: Path, qtbot) -> None:
    beep = tone_clip(tmp_path, Tone.END, 1.0)
    player.play(beep)
    assert player.is_playing()
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=5000)
    assert player.errors == []


def test_stop_silences_a_clip_at_once(player, sound_server, tmp_path: Path, qtbot) -> None:
    long = tone_clip(tmp_path, Tone.END, 1.0)
    from coach.speech.clips import read_samples, write_wav

    samples, rate = read_samples(long.path)
    path = tmp_path / "long.wav"
    write_wav(path, samples * 40, rate)  # many seconds
    player.play(Clip(path, 40 * long.duration))
    qtbot.waitUntil(lambda: streams(sound_server) == 1, timeout=5000)
    player.stop()
    assert not player.is_playing(), "stopped as far as the scheduler is concerned, at once"
    qtbot.waitUntil(lambda: streams(sound_server) == 0, timeout=2000)
    assert player.errors == [], "a clip we stopped is not a failure"


def test_a_new_clip_replaces_the_one_playing(player, sound_server, tmp_path: Path,
                                             qtbot) -> None:
    beep = tone_clip(tmp_path, Tone.END, 1.0)
    player.play(beep)
    player.play(beep)
    assert player.is_playing()
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=5000)
    qtbot.waitUntil(lambda: streams(sound_server) == 0, timeout=2000)
    assert player.errors == []


def test_an_unreadable_clip_is_reported_not_raised(player, tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not a wav")
    player.play(Clip(bad, 1.0))
    assert not player.is_playing()
    assert len(player.errors) == 1


def test_the_probe_plays_silence_through_qt_multimedia(qapp, sound_server, tmp_path) -> None:  # noqa: ANN001
    beep = tone_clip(tmp_path, Tone.END, 1.0)
    probe([QT_MULTIMEDIA], beep.path)


def test_qt_multimedia_is_chosen_where_asked(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("COACH_AUDIO_PLAYER", "qt")
    assert find_player(None) == [QT_MULTIMEDIA]


def test_without_a_qt_application_the_qt_player_is_unavailable(monkeypatch) -> None:  # noqa: ANN001
    from PySide6.QtCore import QCoreApplication

    monkeypatch.setattr(QCoreApplication, "instance", staticmethod(lambda: None))
    with pytest.raises(PlayerUnavailable):
        make_player([QT_MULTIMEDIA])
