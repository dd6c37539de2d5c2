"""The user's settings: a typed dataclass stored as TOML in the config directory.

Written atomically (a temporary file in the same folder, flushed to disk, then `os.replace`), so a
crash or a full disk never leaves half a file. Reading never raises on bad content: unusable
values fall back to their defaults with a log line, and a file that is not TOML at all is kept
aside (never deleted) and reported once, with the place it was moved to.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.care_settings import (
    Check,
    ReminderSettings,
    checked,
    flag,
    int_in,
    locked_from,
    stop_rules_from_dict,
    stop_rules_to_dict,
)
from coach.core.atomic_file import replacing
from coach.core.errors import KnownError
from coach.core.models import Side
from coach.core.stop_rules import StopRules
from coach.speech.settings import SpeechSettings

if TYPE_CHECKING:
    from coach.core.plan import PlanSettings

log = logging.getLogger(__name__)


class Theme(StrEnum):
    LIGHT = "light"
    DARK = "dark"
    HIGH_CONTRAST = "high-contrast"


@dataclass(frozen=True)
class Settings:
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    #: Seconds to get into position before an exercise whose catalogue entry gives none.
    prepare_seconds: int = 5
    #: Rest between exercises; None keeps each routine's own value.
    rest_between_seconds: int | None = None
    theme: Theme = Theme.LIGHT
    #: Multiplies every font size in the window (1.0 to 2.0).
    text_scale: float = 1.0
    #: The screen presenter mode opens on (index in the system's list); None: the window's own.
    presenter_screen: int | None = None
    #: The routine shown on the Home page as today's routine; None: the first one.
    routine_id: str | None = None
    #: The safety stop rules' thresholds (see coach.core.stop_rules.StopRules).
    stop_rules: StopRules = field(default_factory=StopRules)
    #: Daily reminders (off until times are chosen) and the sitting nudge (off by default).
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    #: The short disclaimer has been shown once.
    disclaimer_seen: bool = False
    #: Exercises whose dose a physio or the person locked ("Keep this dose"): never stepped up.
    locked_doses: tuple[str, ...] = ()
    #: The leg with the sciatica: exercises done on each side start with it. None: not set
    #: (each exercise's own first side). A prescribed routine's own side goes first.
    affected_side: Side | None = None
    #: Do exercises done on each side on the affected side only.
    affected_side_only: bool = False

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def plan_settings(self) -> PlanSettings:
        """What the planner takes from these settings (the window and `coach run` alike)."""
        from coach.core.plan import PlanSettings  # not at start-up

        return PlanSettings(
            prepare_seconds=float(self.prepare_seconds),
            rest_between_seconds=(None if self.rest_between_seconds is None
                                  else float(self.rest_between_seconds)),
            verbosity=self.speech.verbosity,
            words_per_minute=float(self.speech.rate),
            voice=not self.speech.mute,
            affected_side=self.affected_side,
            affected_side_only=self.affected_side_only and self.affected_side is not None,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"speech": self.speech.to_dict(),
                               "stop_rules": stop_rules_to_dict(self.stop_rules),
                               "reminders": self.reminders.to_dict()}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in out or value is None:
                continue
            if isinstance(value, tuple):
                value = list(value)
            out[f.name] = value.value if isinstance(value, StrEnum) else value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        """Settings from a parsed file; unknown keys are ignored, bad values use the default."""
        return cls(speech=SpeechSettings.from_dict(data.get("speech")),
                   stop_rules=stop_rules_from_dict(data.get("stop_rules")),
                   reminders=ReminderSettings.from_dict(data.get("reminders")),
                   **checked(data, _CHECKS, "setting"))


def _float_in(lo: float, hi: float) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise ValueError(value)
        return float(value)
    return check


_CHECKS: dict[str, Check] = {
    "prepare_seconds": int_in(0, 120),
    "rest_between_seconds": int_in(0, 600),
    "theme": Theme,
    "text_scale": _float_in(1.0, 2.0),
    "presenter_screen": int_in(0, 16),
    "routine_id": lambda v: v if isinstance(v, str) and v else None,
    "disclaimer_seen": flag,
    "locked_doses": locked_from,
    "affected_side": Side,
    "affected_side_only": flag,
}


@dataclass
class LoadedSettings:
    settings: Settings
    #: A sentence for the user when the file could not be used (shown once), else None.
    notice: str | None = None


def load(path: Path) -> LoadedSettings:
    """Read the settings file; a missing file gives the defaults, a broken one is kept aside."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return LoadedSettings(Settings())
    except OSError as e:
        log.warning("cannot read settings %s: %s", path, e)
        return LoadedSettings(Settings(), f"Your settings could not be read ({e.strerror}); "
                                          "the defaults are used for now.")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as e:
        # ValueError: UnicodeDecodeError, TOMLDecodeError, or an integer with more digits than
        # Python converts (4300), which tomllib lets through as a plain ValueError.
        kept = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(path, kept)
        except OSError:
            kept = path
        log.warning("settings file %s is not valid TOML (%s); kept as %s", path, e, kept)
        return LoadedSettings(Settings(), f"Your settings file could not be read, so the "
                                          f"defaults are used. The old file was kept as {kept}.")
    return LoadedSettings(Settings.from_dict(data))


def _merged(on_disk: dict[str, Any], base: Mapping[str, Any],
            new: Mapping[str, Any]) -> dict[str, Any]:
    """`on_disk` with each value that differs between `base` and `new` set as in `new`
    (tables key by key)."""
    out = dict(on_disk)
    for key in {*base, *new}:
        old, value = base.get(key), new.get(key)
        if old == value:
            continue
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            below = on_disk.get(key)
            out[key] = _merged(dict(below) if isinstance(below, Mapping) else {}, old, value)
        elif key in new:
            out[key] = value
        else:
            out.pop(key, None)
    return out


def save(path: Path, settings: Settings, *, base: Settings | None = None) -> Settings:
    """Write `settings` atomically; what the file now holds. Raises KnownError with a plain
    sentence when it cannot.

    With `base` (the settings as this window last read or wrote them), only what changed since
    `base` is written, onto the file as it is now: another window's changes to other settings
    are kept (read, merge, atomic replace), and the result, both together, is returned.
    """
    import tomli_w

    if base is not None:
        try:
            on_disk = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            on_disk = base.to_dict()
        settings = Settings.from_dict(_merged(on_disk, base.to_dict(), settings.to_dict()))
    text = tomli_w.dumps(settings.to_dict())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path, newline="") as f:
            f.write(text)
    except OSError as e:
        log.warning("cannot save settings to %s: %s", path, e)
        raise KnownError(f"Your settings could not be saved ({e.strerror or e}). They apply "
                         "until you close the app.") from e
    return settings

