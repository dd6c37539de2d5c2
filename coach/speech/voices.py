"""The voices the speech engine offers, as plain data for the settings dialog."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VoiceInfo:
    id: str                        # what SpeechSettings.voice_id stores, e.g. "gmw/en-gb-x-rp"
    name: str                      # e.g. "English (Great Britain)"
    languages: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        langs = ", ".join(self.languages)
        return f"{self.name} ({langs})" if langs and langs not in self.name else self.name


def voices_of(engine: Any) -> list[VoiceInfo]:
    """The voices of a pyttsx3 engine, sorted by name; [] (logged) if the engine cannot list them.

    Call it in the thread that owns `engine`.
    """
    try:
        raw = engine.getProperty("voices") or []
    except Exception:
        log.exception("the speech engine could not list its voices")
        return []
    out: list[VoiceInfo] = []
    for v in raw:
        vid = getattr(v, "id", None)
        if not vid:
            continue
        langs = tuple(_text(x) for x in (getattr(v, "languages", None) or ()) if _text(x))
        out.append(VoiceInfo(str(vid), _text(getattr(v, "name", "")) or str(vid), langs))
    out.sort(key=lambda v: (v.name.casefold(), v.id))
    return out


def list_voices() -> list[VoiceInfo]:
    """Create the engine in this thread and list its voices; [] if there is no engine.

    For a process with no speaker running: pyttsx3 shares one engine per process, and a running
    speaker owns it in its worker thread, so there ask the speaker instead
    (`Pyttsx3Speaker.voices()`). Starting the engine takes a while: never on the GUI thread
    (see `list_voices_in_background`).
    """
    try:
        import pyttsx3

        engine = pyttsx3.init()
    except Exception as e:  # ImportError, or RuntimeError/OSError when espeak-ng is missing
        log.warning("no speech engine, so no voices: %s", e)
        return []
    return voices_of(engine)


def list_voices_in_background() -> Future[list[VoiceInfo]]:
    """`list_voices()` in a short-lived thread of its own; the future has the voices ([] if
    listing failed). For the settings dialog when no speaker is running."""
    future: Future[list[VoiceInfo]] = Future()

    def run() -> None:
        try:
            future.set_result(list_voices())
        except Exception:
            log.exception("listing the voices failed")
            future.set_result([])

    threading.Thread(target=run, name="voice-list", daemon=True).start()
    return future


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return str(value).strip().lstrip("\x05") if value is not None else ""
