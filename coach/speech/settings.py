"""What the user chose about the voice: which voice, how fast and loud, beeps, how much is said.

A plain frozen dataclass so the app settings file can embed it. `from_dict` tolerates missing and
unknown keys (a settings file from an older or newer version still loads) and replaces a value it
cannot use with the default, logging why; `to_dict` gives TOML-ready values (no None: TOML has no
null, so an unset voice or device is simply left out).
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from coach.core.cues import Verbosity

log = logging.getLogger(__name__)

RATE_MIN = 80
RATE_MAX = 300


@dataclass(frozen=True)
class SpeechSettings:
    """The speaker's settings; apply a changed copy with `speaker.apply(settings)`."""

    #: A voice id from `coach.speech.voices.list_voices()` (e.g. "gmw/en-gb-x-rp"); None: default.
    voice_id: str | None = None
    #: Words per minute. Slower than pyttsx3's 200 so a cue is clear from across the room.
    rate: int = 165
    #: 0.0-1.0, applied to speech and beeps.
    volume: float = 1.0
    #: No speech (captions and, if enabled, beeps go on).
    mute: bool = False
    #: Short tones in the last three seconds and at the end of a phase.
    beeps: bool = True
    verbosity: Verbosity = Verbosity.FULL
    #: An ALSA device for `aplay -D` (e.g. "null", "plughw:1"); None: the system default.
    #: The environment variable COACH_AUDIO_DEVICE overrides it.
    audio_device: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "rate", int(min(RATE_MAX, max(RATE_MIN, self.rate))))
        object.__setattr__(self, "volume", float(min(1.0, max(0.0, self.volume))))
        object.__setattr__(self, "verbosity", Verbosity(self.verbosity))

    def replace(self, **changes: Any) -> SpeechSettings:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            out[f.name] = str(value) if isinstance(value, Verbosity) else value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> SpeechSettings:
        """Build settings from a mapping read from a file; never raises on bad content."""
        if not isinstance(data, Mapping):
            if data is not None:
                log.warning("speech settings are not a table (%r); using the defaults", data)
            return cls()
        default = cls()
        values: dict[str, Any] = {}
        for name, check in _CHECKS.items():
            if name not in data:
                continue
            raw = data[name]
            try:
                values[name] = check(raw)
            except (TypeError, ValueError):
                log.warning(
                    "speech setting %s = %r cannot be used; keeping %r",
                    name, raw, getattr(default, name),
                )
        unknown = sorted(set(data) - set(_CHECKS))
        if unknown:
            log.info("ignoring unknown speech settings: %s", ", ".join(map(str, unknown)))
        return cls(**values)


def _optional_text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(value)
    return value.strip() or None


def _number(value: Any) -> float:
    """A finite number of sensible size; ValueError for inf, nan or a 400-digit integer."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(value)
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(value) from None
    if not math.isfinite(number) or abs(number) > 1e6:
        raise ValueError(value)
    return number


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(value)
    return value


_CHECKS: dict[str, Any] = {
    "voice_id": _optional_text,
    "rate": lambda v: int(_number(v)),
    "volume": lambda v: float(_number(v)),
    "mute": _flag,
    "beeps": _flag,
    "verbosity": lambda v: Verbosity(str(v)),
    "audio_device": _optional_text,
}
