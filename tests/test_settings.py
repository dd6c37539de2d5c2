"""Settings survive a round trip, tolerate bad content, and are written atomically."""

from __future__ import annotations

import os

import pytest

from coach import settings as settings_file
from coach.core.cues import Verbosity
from coach.core.errors import KnownError
from coach.settings import Settings, Theme
from coach.speech.settings import SpeechSettings


def test_settings_saved_are_the_settings_loaded(tmp_path):
    path = tmp_path / "config" / "settings.toml"
    chosen = Settings(
        speech=SpeechSettings(voice_id="gmw/en-gb", rate=150, volume=0.5, mute=True,
                              beeps=False, verbosity=Verbosity.COUNTS),
        prepare_seconds=8, rest_between_seconds=30, theme=Theme.HIGH_CONTRAST, text_scale=1.5,
        presenter_screen=1,
    )
    settings_file.save(path, chosen)
    loaded = settings_file.load(path)
    assert loaded.notice is None
    assert loaded.settings == chosen


def test_a_missing_file_gives_the_defaults_quietly(tmp_path):
    loaded = settings_file.load(tmp_path / "none.toml")
    assert loaded.settings == Settings()
    assert loaded.notice is None


def test_bad_values_fall_back_to_their_defaults_and_keep_the_rest(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('theme = "purple"\nprepare_seconds = -3\ntext_scale = 1.25\nfuture_key = 1\n'
                    '[speech]\nrate = "fast"\nmute = true\n')
    loaded = settings_file.load(path)
    assert loaded.settings.theme is Theme.LIGHT
    assert loaded.settings.prepare_seconds == 5
    assert loaded.settings.text_scale == 1.25
    assert loaded.settings.speech.mute is True
    assert loaded.settings.speech.rate == SpeechSettings().rate


def test_a_file_that_is_not_toml_is_kept_aside_and_reported(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("this is [ not toml")
    loaded = settings_file.load(path)
    assert loaded.settings == Settings()
    assert loaded.notice is not None
    assert "was kept as" in loaded.notice
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("settings.toml.unreadable-")]
    assert len(kept) == 1
    assert kept[0].read_text() == "this is [ not toml"
    assert str(kept[0]) in loaded.notice


def test_a_number_too_long_for_python_makes_the_file_unreadable_not_a_crash(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("prepare_seconds = " + "9" * 5000 + "\n")
    loaded = settings_file.load(path)
    assert loaded.settings == Settings()
    assert loaded.notice is not None
    assert "was kept as" in loaded.notice
    assert not path.exists()


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "settings.toml"
    settings_file.save(path, Settings(prepare_seconds=9))
    before = path.read_bytes()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(KnownError, match="could not be saved"):
        settings_file.save(path, Settings(prepare_seconds=20))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["settings.toml"]


def test_absurd_speech_numbers_fall_back_to_their_defaults(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("[speech]\nvolume = " + "9" * 400 + "\nrate = inf\n")
    loaded = settings_file.load(path)
    assert loaded.settings.speech.volume == SpeechSettings().volume
    assert loaded.settings.speech.rate == SpeechSettings().rate


def test_the_planner_takes_timing_verbosity_and_speaking_rate_from_the_settings():
    chosen = Settings(speech=SpeechSettings(rate=120, verbosity=Verbosity.MINIMAL),
                      prepare_seconds=9, rest_between_seconds=40)
    plan = chosen.plan_settings()
    assert (plan.prepare_seconds, plan.rest_between_seconds) == (9.0, 40.0)
    assert (plan.verbosity, plan.words_per_minute) == (Verbosity.MINIMAL, 120.0)
    assert Settings().plan_settings().rest_between_seconds is None
