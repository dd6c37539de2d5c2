"""Playing a WAV file with a player process we can kill: `aplay` on Linux, `afplay` on macOS;
Qt Multimedia (coach.speech.qt_player) where neither exists (Windows, Linux without ALSA's
utilities) or when `COACH_AUDIO_PLAYER=qt` asks for it.

A child process per clip costs well under a millisecond to start here (vfork), plays without a
running Qt event loop, and is silenced at once by killing it, which is what pause, skip and stop
need; it stays the first choice where it exists.

`find_player(device)` gives the command line (`[QT_MULTIMEDIA, device]` for Qt) or raises
`PlayerUnavailable` with the reason; `probe(argv, wav)` plays a moment of silence to check that
the sound device opens at all; `make_player(argv, on_error)` builds the player for `argv`.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from coach.speech.clips import Clip
from coach.speech.speaker import NoticeReason

log = logging.getLogger(__name__)

ENV_DEVICE = "COACH_AUDIO_DEVICE"
#: `COACH_AUDIO_PLAYER=qt` plays through Qt Multimedia even where `aplay` exists.
ENV_PLAYER = "COACH_AUDIO_PLAYER"
#: The "command" of the Qt Multimedia player (not a program: coach.speech.qt_player).
QT_MULTIMEDIA = "qt-multimedia"
_PROBE_TIMEOUT = 5.0


class PlayerUnavailable(Exception):
    """No clip can be played; `reason` says why in terms the notice understands."""

    def __init__(self, reason: NoticeReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def audio_device(setting: str | None) -> str | None:
    """The ALSA device to use: $COACH_AUDIO_DEVICE, else the setting, else None (default)."""
    return os.environ.get(ENV_DEVICE) or setting or None


def find_player(device: str | None) -> list[str]:
    """The player command line, without the file name. Raises PlayerUnavailable."""
    qt = [QT_MULTIMEDIA, *([device] if device else [])]
    if os.environ.get(ENV_PLAYER) == "qt" or sys.platform == "win32":
        return qt
    if sys.platform == "darwin":
        exe = shutil.which("afplay")
        return [exe] if exe else qt
    exe = shutil.which("aplay")
    if not exe:
        log.info("aplay not found on PATH (Debian package alsa-utils): Qt Multimedia plays")
        return qt
    argv = [exe, "-q"]
    if device:
        argv += ["-D", device]
    return argv


def probe(argv: Sequence[str], wav: Path,
          started: Callable[[subprocess.Popen[bytes]], None] | None = None) -> None:
    """Play `wav` (a moment of silence) with `argv`; raise PlayerUnavailable if it fails.

    `started(process)` is called with the player process as soon as it runs, so that whoever
    is closing down can kill it rather than wait up to `_PROBE_TIMEOUT` for a sick device.
    """
    if argv[0] == QT_MULTIMEDIA:
        from coach.speech import qt_player

        qt_player.probe(argv, wav)
        return
    try:
        proc = subprocess.Popen([*argv, str(wav)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except FileNotFoundError as e:
        raise PlayerUnavailable(NoticeReason.NO_PLAYER, str(e)) from e
    except OSError as e:
        raise PlayerUnavailable(NoticeReason.NO_DEVICE, f"{argv[0]}: {e}") from e
    if started is not None:
        started(proc)
    try:
        _, stderr = proc.communicate(timeout=_PROBE_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        proc.kill()
        proc.communicate()
        raise PlayerUnavailable(
            NoticeReason.NO_DEVICE, f"{argv[0]} did not finish in {_PROBE_TIMEOUT:g} s") from e
    if proc.returncode != 0:
        err = stderr.decode(errors="replace").strip().splitlines()
        raise PlayerUnavailable(
            NoticeReason.NO_DEVICE,
            f"{' '.join(argv)} exited with {proc.returncode}: {err[-1] if err else 'no message'}",
        )


def make_player(argv: Sequence[str], on_error: Callable[[str], None] | None = None):
    """The player for `argv` (from `find_player`): Qt Multimedia or a player process."""
    if argv[0] == QT_MULTIMEDIA:
        from coach.speech.qt_player import QtAudioPlayer

        return QtAudioPlayer(argv, on_error)
    return SubprocessPlayer(argv, on_error)


class SubprocessPlayer:
    """Plays one clip at a time by running `argv + [file]`; `stop` kills the process.

    Used from one thread (the speaker's scheduler thread). A player process that fails on its own
    (exit status not 0, not killed by us) is reported through `on_error` with its last message.
    """

    def __init__(self, argv: Sequence[str], on_error: Callable[[str], None] | None = None) -> None:
        self._argv = list(argv)
        self._on_error = on_error
        self._proc: subprocess.Popen[bytes] | None = None
        self._killed = False

    @property
    def argv(self) -> list[str]:
        return list(self._argv)

    def play(self, clip: Clip) -> None:
        self.stop()
        try:
            self._proc = subprocess.Popen(
                [*self._argv, str(clip.path)], stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )
        except OSError as e:
            self._proc = None
            self._report(f"{self._argv[0]} could not be started: {e}")
            return
        self._killed = False

    def stop(self) -> None:
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            self._killed = True
            proc.kill()
        self._reap()

    def is_playing(self) -> bool:
        proc = self._proc
        if proc is None:
            return False
        if proc.poll() is None:
            return True
        self._reap()
        return False

    def close(self) -> None:
        self.stop()

    def _reap(self) -> None:
        proc = self._proc
        if proc is None:
            return
        self._proc = None
        proc.wait()
        err = proc.stderr.read() if proc.stderr else b""
        if proc.stderr:
            proc.stderr.close()
        if proc.returncode != 0 and not self._killed:
            lines = err.decode(errors="replace").strip().splitlines()
            self._report(
                f"{self._argv[0]} exited with {proc.returncode}: "
                f"{lines[-1] if lines else 'no message'}"
            )

    def _report(self, message: str) -> None:
        log.warning("player failed: %s", message)
        if self._on_error is not None:
            self._on_error(message)


class NullPlayer:
    """Plays nothing (the silent speaker, or sound that is off)."""

    def play(self, clip: Clip) -> None:
        pass

    def stop(self) -> None:
        pass

    def is_playing(self) -> bool:
        return False

    def close(self) -> None:
        pass
