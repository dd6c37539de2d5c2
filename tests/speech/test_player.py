"""The player process: found or reported missing, killed at once, failures reported."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from coach.speech import player as player_mod
from coach.speech.beeps import Tone, tone_clip
from coach.speech.clips import Clip
from coach.speech.player import PlayerUnavailable, SubprocessPlayer, find_player, probe
from coach.speech.speaker import NoticeReason

needs_aplay = pytest.mark.skipif(shutil.which("aplay") is None, reason="aplay not installed")


@pytest.fixture
def beep(tmp_path: Path) -> Clip:
    return tone_clip(tmp_path, Tone.END, 1.0)


def test_without_aplay_or_on_windows_qt_multimedia_plays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(player_mod.shutil, "which", lambda name: None)
    monkeypatch.delenv("COACH_AUDIO_PLAYER", raising=False)
    for platform in ("linux", "darwin", "win32"):
        monkeypatch.setattr(player_mod.sys, "platform", platform)
        assert find_player(None) == [player_mod.QT_MULTIMEDIA]
        assert find_player("Speakers") == [player_mod.QT_MULTIMEDIA, "Speakers"]
    monkeypatch.setattr(player_mod.sys, "platform", "linux")
    monkeypatch.setattr(player_mod.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert find_player(None) == ["/usr/bin/aplay", "-q"]
    monkeypatch.setenv("COACH_AUDIO_PLAYER", "qt")
    assert find_player(None) == [player_mod.QT_MULTIMEDIA]


def test_the_device_setting_and_the_environment_choose_the_alsa_device(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(player_mod.sys, "platform", "linux")
    monkeypatch.setattr(player_mod.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.delenv("COACH_AUDIO_DEVICE", raising=False)
    assert find_player(player_mod.audio_device(None)) == ["/usr/bin/aplay", "-q"]
    assert find_player(player_mod.audio_device("plughw:1"))[-2:] == ["-D", "plughw:1"]
    monkeypatch.setenv("COACH_AUDIO_DEVICE", "null")
    assert find_player(player_mod.audio_device("plughw:1"))[-2:] == ["-D", "null"]


def test_a_player_binary_that_vanished_fails_the_probe(beep: Clip) -> None:
    with pytest.raises(PlayerUnavailable) as err:
        probe(["/nonexistent/aplay", "-q"], beep.path)
    assert err.value.reason is NoticeReason.NO_PLAYER


@needs_aplay
def test_a_sound_device_that_cannot_be_opened_fails_the_probe(beep: Clip) -> None:
    with pytest.raises(PlayerUnavailable) as err:
        probe(["aplay", "-q", "-D", "no_such_device_for_the_test"], beep.path)
    assert err.value.reason is NoticeReason.NO_DEVICE
    assert "exited with" in err.value.detail


@needs_aplay
def test_the_alsa_null_device_plays(beep: Clip) -> None:
    probe(["aplay", "-q", "-D", "null"], beep.path)


def test_stop_silences_a_playing_clip_within_150_ms(beep: Clip) -> None:
    # `tail -f` never ends by itself: it stands in for a long clip on a real sound card.
    errors: list[str] = []
    p = SubprocessPlayer(["tail", "-f", "/dev/null"], on_error=errors.append)
    p.play(beep)
    assert p.is_playing()
    t0 = time.monotonic()
    p.stop()
    took = time.monotonic() - t0
    assert not p.is_playing()
    assert took < 0.15
    assert errors == [], "a clip we stopped is not a failure"


def test_playing_a_new_clip_replaces_the_one_playing(beep: Clip) -> None:
    p = SubprocessPlayer(["tail", "-f", "/dev/null"])
    p.play(beep)
    first = p._proc
    p.play(beep)
    assert first is not None
    assert first.returncode is not None, "the first process was reaped"
    p.close()
    assert not p.is_playing()


def test_a_player_that_fails_by_itself_is_reported(beep: Clip) -> None:
    errors: list[str] = []
    p = SubprocessPlayer(["sh", "-c", "echo 'device unplugged' >&2; exit 1", "sh"],
                         on_error=errors.append)
    p.play(beep)
    assert p._proc is not None
    p._proc.wait(timeout=5)
    assert not p.is_playing()
    assert len(errors) == 1
    assert "device unplugged" in errors[0]


def test_a_player_that_cannot_start_is_reported_not_raised(beep: Clip) -> None:
    errors: list[str] = []
    p = SubprocessPlayer(["/nonexistent/aplay"], on_error=errors.append)
    p.play(beep)
    assert not p.is_playing()
    assert len(errors) == 1
