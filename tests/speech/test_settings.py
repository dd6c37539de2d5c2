"""Speech settings survive a round trip through a file and tolerate what they do not know."""

from __future__ import annotations

import logging
import tomllib

import pytest
import tomli_w

from coach.core.cues import Verbosity
from coach.speech.settings import RATE_MAX, RATE_MIN, SpeechSettings


def test_settings_round_trip_through_toml() -> None:
    s = SpeechSettings(voice_id="gmw/en-gb-x-rp", rate=150, volume=0.7, mute=True, beeps=False,
                       verbosity=Verbosity.MINIMAL, audio_device="plughw:1")
    text = tomli_w.dumps({"speech": s.to_dict()})
    assert SpeechSettings.from_dict(tomllib.loads(text)["speech"]) == s


def test_unset_voice_and_device_are_left_out_of_the_file() -> None:
    d = SpeechSettings().to_dict()
    assert "voice_id" not in d
    assert "audio_device" not in d
    assert d["verbosity"] == "full"
    tomli_w.dumps(d)  # TOML has no null: nothing here may be None


def test_missing_keys_take_the_defaults_and_unknown_keys_are_ignored() -> None:
    s = SpeechSettings.from_dict({"rate": 140, "pitch": 3, "future_option": {"a": 1}})
    assert s == SpeechSettings(rate=140)


def test_a_bad_value_keeps_the_default_and_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="coach.speech.settings"):
        s = SpeechSettings.from_dict(
            {"rate": "fast", "mute": "yes", "verbosity": "chatty", "volume": 0.5}
        )
    assert s == SpeechSettings(volume=0.5)
    assert {"rate", "mute", "verbosity"} <= {r.args[0] for r in caplog.records}


def test_rate_and_volume_are_clamped_to_what_the_engine_accepts() -> None:
    assert SpeechSettings(rate=5).rate == RATE_MIN
    assert SpeechSettings(rate=900).rate == RATE_MAX
    assert SpeechSettings.from_dict({"volume": 3}).volume == 1.0
    assert SpeechSettings(volume=-1).volume == 0.0


def test_no_table_at_all_gives_the_defaults() -> None:
    assert SpeechSettings.from_dict(None) == SpeechSettings()
    assert SpeechSettings.from_dict("loud") == SpeechSettings()  # type: ignore[arg-type]
