"""Which sessions in the history a live process is still running.

Each process that has a session open keeps a small file beside the history,
`history.db.live-<pid>`, listing the start times of its open sessions, and holds a lock on it
(`fcntl.flock`) for as long as it lives. The lock goes with the process however it ends (a
crash, SIGKILL, a power cut), so a file whose lock can be taken belongs to a process that is
gone: its sessions are the ones to recover. Where `flock` does not exist the process id in the
name is checked instead.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)


def process_alive(pid: int) -> bool:
    """True when a process with this id exists (this one included)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _held(path: Path) -> bool:
    """True when a live process holds the file `path` (its lock, or its pid where there is
    no lock)."""
    if fcntl is None:
        pid = path.name.rsplit("-", 1)[-1]
        return pid.isdigit() and process_alive(int(pid))
    try:
        with path.open("rb") as f:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
    except OSError:
        return False
    return False


class LiveSessions:
    """This process's open sessions, in its locked file beside `history`."""

    def __init__(self, history: Path) -> None:
        self.path = history.with_name(f"{history.name}.live-{os.getpid()}")
        self._open: list[str] = []
        self._file: IO[bytes] | None = None

    def add(self, started_at: str) -> None:
        self._open.append(started_at)
        self._save()

    def remove(self, started_at: str) -> None:
        if started_at in self._open:
            self._open.remove(started_at)
            self._save()

    def _save(self) -> None:
        if not self._open:
            self.close()
            return
        try:
            if self._file is None:
                self._file = self.path.open("a+b", buffering=0)
                if fcntl is not None:
                    fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._file.seek(0)
            self._file.truncate()
            self._file.write(json.dumps(self._open).encode())
            self._file.flush()
        except OSError as e:  # a full or read-only disk: recovery may then close it early
            log.warning("cannot mark the open session in %s: %s", self.path, e)

    def close(self) -> None:
        """No session open any more: the file goes."""
        self._open.clear()
        if self._file is not None:
            with contextlib.suppress(OSError):
                self.path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None


def running_elsewhere(history: Path) -> set[str]:
    """Start times of the sessions other live processes have open in `history`. Files left
    by processes that are gone are removed."""
    running: set[str] = set()
    mine = f"{history.name}.live-{os.getpid()}"
    try:
        found = sorted(history.parent.glob(f"{history.name}.live-*"))
    except OSError:
        return running
    for path in found:
        if path.name == mine:
            continue
        if not _held(path):
            with contextlib.suppress(OSError):
                path.unlink()
            continue
        try:
            running.update(str(s) for s in json.loads(path.read_bytes() or b"[]"))
        except (OSError, ValueError, TypeError):
            log.warning("cannot read %s", path)
    return running
