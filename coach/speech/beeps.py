"""Short tones: a tick for each of the last three seconds, a longer tone when a phase ends.

Tones are written once as WAV files into the speech cache. A cue that is both spoken and beeped
plays one clip, the tone laid over the start of the speech (`mix`), so a single player process
carries both and no sound device has to mix two streams.
"""

from __future__ import annotations

import functools
import math
from array import array
from enum import Enum
from pathlib import Path

from coach.core.cues import Cue, CueKind
from coach.speech.clips import Clip, load_clip, read_samples, write_wav

SAMPLE_RATE = 22050  # espeak-ng's rate, so mixing needs no resampling
_FADE = 0.005        # seconds of fade in and out, so a tone does not click
_LEVEL = 0.45        # of full scale at volume 1.0: clearly audible, leaves room for speech


class Tone(Enum):
    """(frequency Hz, seconds)."""

    TICK = (880.0, 0.12)   # each of the last three seconds
    END = (660.0, 0.30)    # a phase ends

    @property
    def hz(self) -> float:
        return self.value[0]

    @property
    def seconds(self) -> float:
        return self.value[1]


def tone_for(cue: Cue) -> Tone:
    """The tone a beeping cue gets: a tick for countdown numbers, the end tone otherwise."""
    return Tone.TICK if cue.kind is CueKind.COUNTDOWN else Tone.END


def tone_samples(tone: Tone, volume: float, rate: int = SAMPLE_RATE) -> array:
    return array("h", _tone_samples(tone, round(volume, 3), rate))


@functools.lru_cache(maxsize=16)
def _tone_samples(tone: Tone, volume: float, rate: int) -> array:
    n = int(tone.seconds * rate)
    fade = max(1, int(_FADE * rate))
    amp = 32767 * _LEVEL * max(0.0, min(1.0, volume))
    out = array("h", bytes(2 * n))
    step = 2 * math.pi * tone.hz / rate
    for i in range(n):
        env = min(1.0, i / fade, (n - 1 - i) / fade)
        out[i] = int(amp * env * math.sin(step * i))
    return out


def tone_clip(cache_dir: Path, tone: Tone, volume: float) -> Clip:
    """The tone's WAV file in `cache_dir`, written if missing."""
    path = cache_dir / f"tone-{tone.name.lower()}-{round(volume * 100):03d}.wav"
    clip = load_clip(path)
    if clip is None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        write_wav(path, tone_samples(tone, volume), SAMPLE_RATE)
        clip = load_clip(path)
        assert clip is not None
    return clip


def mix(speech: Path, tone: Tone, volume: float, out: Path) -> None:
    """Write `speech` with `tone` laid over its first moments into `out`."""
    samples, rate = read_samples(speech)
    beep = tone_samples(tone, volume, rate)
    if len(samples) < len(beep):
        samples.extend(array("h", [0]) * (len(beep) - len(samples)))
    for i, b in enumerate(beep):
        samples[i] = max(-32768, min(32767, samples[i] + b))
    write_wav(out, samples, rate)
