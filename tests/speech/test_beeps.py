"""Beeps are real, short tones, and a beep laid over speech keeps the speech."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.core.cues import Cue, CueKind
from coach.speech import beeps
from coach.speech.beeps import Tone, tone_for
from coach.speech.clips import read_samples, rms

from .conftest import write_tone_wav


@pytest.mark.parametrize("tone", list(Tone))
def test_a_tone_is_audible_and_as_long_as_designed(tmp_path: Path, tone: Tone) -> None:
    clip = beeps.tone_clip(tmp_path, tone, 1.0)
    samples, rate = read_samples(clip.path)
    assert clip.duration == pytest.approx(tone.seconds, abs=0.002)
    assert rate == beeps.SAMPLE_RATE
    assert rms(samples) > 3000
    assert abs(samples[0]) < 200, "faded in: no click"
    assert abs(samples[-1]) < 200, "faded out: no click"


def test_volume_scales_the_tone(tmp_path: Path) -> None:
    loud = rms(read_samples(beeps.tone_clip(tmp_path, Tone.END, 1.0).path)[0])
    quiet = rms(read_samples(beeps.tone_clip(tmp_path, Tone.END, 0.25).path)[0])
    assert quiet == pytest.approx(loud / 4, rel=0.05)


def test_countdown_numbers_tick_and_phase_ends_get_the_end_tone() -> None:
    assert tone_for(Cue(CueKind.COUNTDOWN, "3", 0, beep=True)) is Tone.TICK
    assert tone_for(Cue(CueKind.RELAX, "Relax", 0, beep=True)) is Tone.END


def test_a_beep_mixed_into_speech_keeps_the_speech_length(tmp_path: Path) -> None:
    speech = tmp_path / "speech.wav"
    write_tone_wav(speech, 0.6)
    out = tmp_path / "mixed.wav"
    beeps.mix(speech, Tone.TICK, 1.0, out)
    before, _ = read_samples(speech)
    after, _ = read_samples(out)
    assert len(after) == len(before)
    assert after != before


def test_a_beep_mixed_into_a_very_short_clip_is_not_cut(tmp_path: Path) -> None:
    speech = tmp_path / "short.wav"
    write_tone_wav(speech, 0.01)
    out = tmp_path / "mixed.wav"
    beeps.mix(speech, Tone.END, 1.0, out)
    assert len(read_samples(out)[0]) >= int(Tone.END.seconds * beeps.SAMPLE_RATE)


def test_the_speech_cache_leaves_a_nearly_full_disk_for_the_history_and_no_temp_files(
        tmp_path, monkeypatch):
    """On a real small disk (tmpfs): the tones are written while there is room; with less than
    `RESERVED_BYTES` left, none is written and not a byte is taken; and a disk that fills
    during a write leaves no `.tone-*.tmp` file behind."""
    import shutil

    from coach.speech import beeps, clips
    from tests.helpers.faults import fill, small_disk

    tones = list(beeps.Tone)
    with small_disk(tmp_path / "cache", 6 * 1024) as cache:
        assert beeps.tone_clip(cache, tones[0], 1.0).path.exists()
        room = shutil.disk_usage(cache).free
        (cache / "big.bin").write_bytes(b"\0" * (room - 200 * 1024))
        free = shutil.disk_usage(cache).free
        with pytest.raises(OSError, match="kept for your history"):
            beeps.tone_clip(cache, tones[1], 1.0)
        assert shutil.disk_usage(cache).free == free

        monkeypatch.setattr(clips, "ensure_room", lambda folder, needed=0: None)
        fill(cache)
        with pytest.raises(OSError, match="No space left"):
            beeps.tone_clip(cache, tones[1], 1.0)
        assert sorted(p.name for p in cache.iterdir()) == sorted(
            ["big.bin", "filler.bin", beeps.tone_clip(cache, tones[0], 1.0).path.name])
