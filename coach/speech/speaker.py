"""The Speaker protocol: what the session needs from a voice, and how a voice reports back.

A speaker is handed `Cue`s with due times on the engine's clock and says them on time. It reports
back through two callbacks given to its constructor, both called from the speaker's own worker
thread (never the GUI thread): `on_caption(cue)` when a cue comes due (every cue, spoken or not,
so the window can show it as text) and `on_notice(notice)` when something the user should know
happens, chiefly "voice is off, and why" (sent once per cause). In the GUI, pass the methods of a
`coach.speech.qt_bridge.SpeechBridge` to turn them into queued Qt signals; in the terminal, put
them on a `queue.Queue` and drain it from the loop that ticks the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from coach.core.cues import Cue
from coach.speech.settings import SpeechSettings

#: A late cue is dropped, never queued behind: it must start within this many seconds of `due`.
LATE_LIMIT = 0.3

_CAPTIONS_GO_ON = "Captions will show each cue."


class NoticeReason(StrEnum):
    NO_ENGINE = "no-engine"            # pyttsx3 or the espeak-ng library is missing
    ENGINE_FAILED = "engine-failed"    # the engine raised or stopped answering mid-session
    NO_PLAYER = "no-player"            # the audio player program (aplay) is missing
    NO_DEVICE = "no-device"            # no sound device could be opened
    DEVICE_FAILED = "device-failed"    # the sound device stopped working mid-session
    NO_CACHE = "no-cache"              # the speech cache folder cannot be written
    VOICE_MISSING = "voice-missing"    # the chosen voice is not installed: the default is used


_MESSAGES: dict[NoticeReason, str] = {
    NoticeReason.NO_ENGINE:
        f"Voice is off: the speech engine (espeak-ng) is not installed. {_CAPTIONS_GO_ON}",
    NoticeReason.ENGINE_FAILED:
        f"Voice is off: the speech engine stopped working. {_CAPTIONS_GO_ON}",
    NoticeReason.NO_PLAYER:
        f"Voice is off: the sound player (aplay) is not installed. {_CAPTIONS_GO_ON}",
    NoticeReason.NO_DEVICE:
        f"Voice is off: no sound device was found. {_CAPTIONS_GO_ON}",
    NoticeReason.DEVICE_FAILED:
        f"Voice is off: the sound device stopped working. {_CAPTIONS_GO_ON}",
    NoticeReason.NO_CACHE:
        f"Voice is off: the folder for recorded speech cannot be written. {_CAPTIONS_GO_ON}",
    NoticeReason.VOICE_MISSING:
        "The chosen voice is not installed, so the default voice is used.",
}


@dataclass(frozen=True)
class SpeechNotice:
    """Something the user should be told once, in plain words, plus the cause for the log."""

    reason: NoticeReason
    detail: str = ""

    @property
    def message(self) -> str:
        return _MESSAGES[self.reason]

    @property
    def voice_off(self) -> bool:
        return self.reason is not NoticeReason.VOICE_MISSING


CaptionCallback = Callable[[Cue], None]
NoticeCallback = Callable[[SpeechNotice], None]


@runtime_checkable
class Speaker(Protocol):
    """Says cues on time. Every method returns at once and is safe to call from the GUI thread."""

    def prepare(self, texts: Iterable[str]) -> None:
        """Render these phrases in the background so they are ready when due (session start)."""

    def say(self, cue: Cue) -> None:
        """Say `cue` at `cue.due` (engine clock); caption it when due; drop it if late."""

    def cancel(self) -> None:
        """Drop every pending cue and silence the one being spoken (pause, skip, back, stop)."""

    def apply(self, settings: SpeechSettings) -> None:
        """Use new settings from now on, without a restart."""

    def shutdown(self) -> None:
        """Silence, stop the worker threads and refuse further cues. Safe to call twice."""


def noop_caption(cue: Cue) -> None:
    """A caption callback that ignores captions."""


def noop_notice(notice: SpeechNotice) -> None:
    """A notice callback that ignores notices (they are still logged)."""
