"""Audio clips on disk: 16-bit PCM WAV files, with the few helpers the speaker and tests need.

Only the standard library (`wave`, `array`): audioop is deprecated and numpy is not a dependency.
"""

from __future__ import annotations

import errno
import math
import os
import shutil
import sys
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Clip:
    """A rendered WAV file ready to play, and how long it lasts (seconds of audio)."""

    path: Path
    duration: float
    text: str = ""


def read_samples(path: Path) -> tuple[array, int]:
    """Mono 16-bit samples and the sample rate; raises ValueError on another format."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: {8 * w.getsampwidth()}-bit audio, expected 16-bit")
        rate = w.getframerate()
        channels = w.getnchannels()
        raw = w.readframes(w.getnframes())
    samples = array("h")
    samples.frombytes(raw)
    if sys.byteorder == "big":
        samples.byteswap()
    if channels > 1:
        samples = array("h", samples[::channels])
    return samples, rate


#: The speech cache never takes a disk's last this many bytes: on a nearly full disk the
#: space is kept for the history (a session's records matter more than its voice).
RESERVED_BYTES = 4 * 1024 * 1024


def ensure_room(folder: Path, needed: int = 0) -> None:
    """Raise OSError (ENOSPC) when writing `needed` bytes in `folder` would leave its disk
    with less than `RESERVED_BYTES` free."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # the write itself will say what is wrong
    if free - needed < RESERVED_BYTES:
        raise OSError(errno.ENOSPC, "the disk is nearly full; its last space is kept for "
                      "your history", str(folder))


def write_wav(path: Path, samples: array, rate: int) -> None:
    """Write mono 16-bit samples atomically (temp file, then rename), so readers never see half
    and a failed write leaves nothing behind. OSError (ENOSPC) without writing when the disk
    would be left nearly full (`ensure_room`)."""
    data = array("h", samples)
    if sys.byteorder == "big":
        data.byteswap()
    ensure_room(path.parent, 2 * len(data) + 44)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with wave.open(str(tmp), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(data.tobytes())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def duration(path: Path) -> float:
    """Seconds of audio in a WAV file (0.0 for an empty one)."""
    with wave.open(str(path), "rb") as w:
        rate = w.getframerate()
        return w.getnframes() / rate if rate else 0.0


def rms(samples: array) -> float:
    """Root mean square of 16-bit samples, 0-32768 (silence is 0)."""
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples))


def trim_silence(path: Path, *, keep_lead: float = 0.01, keep_tail: float = 0.08,
                 threshold: int = 200) -> None:
    """Cut leading and trailing near-silence in place, keeping a little of each.

    espeak-ng ends every phrase with about 330 ms of silence and sometimes starts with up to
    50 ms of it: trimmed, a cue is heard right at its start and its clip ends when the words do,
    so the next cue is not held up by silence. A file that is silent throughout is left alone.
    """
    samples, rate = read_samples(path)
    n = len(samples)
    first = next((i for i in range(n) if abs(samples[i]) > threshold), None)
    if first is None:
        return
    last = next(i for i in range(n - 1, -1, -1) if abs(samples[i]) > threshold)
    start = max(0, first - int(keep_lead * rate))
    end = min(n, last + 1 + int(keep_tail * rate))
    if start > 0 or end < n:
        write_wav(path, samples[start:end], rate)


def load_clip(path: Path, text: str = "") -> Clip | None:
    """The clip at `path` if it is a readable, non-empty WAV file, else None."""
    try:
        seconds = duration(path)
    except (OSError, EOFError, wave.Error):
        return None
    return Clip(path, seconds, text) if seconds > 0 else None
