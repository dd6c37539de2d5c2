"""Knowing whether any process opened or read a file: Linux inotify, through ctypes.

The kernel reports every open and read of the watched file, by any process and any code path
(Qt's C++ image readers included), whatever the mount options: unlike the access time (not kept
under `noatime`, and under `relatime` only once a day), nothing here depends on how the
filesystem is mounted. A `stat` is not reported; an open is, even one that reads nothing.
"""

from __future__ import annotations

import ctypes
import os
import select
import struct
from pathlib import Path

IN_ACCESS = 0x001
IN_OPEN = 0x020
_EVENT = struct.Struct("iIII")


class FileWatch:
    """Watches `path` for opens and reads from now on. Use as a context manager."""

    def __init__(self, path: Path) -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        self._fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        if libc.inotify_add_watch(self._fd, os.fsencode(path), IN_OPEN | IN_ACCESS) < 0:
            os.close(self._fd)
            raise OSError(ctypes.get_errno(), f"cannot watch {path}")
        self.events: list[str] = []

    def touched(self) -> list[str]:
        """Every open or read seen so far ("open", "read"), oldest first."""
        while select.select([self._fd], [], [], 0)[0]:
            data = os.read(self._fd, 65536)
            offset = 0
            while offset < len(data):
                _wd, mask, _cookie, length = _EVENT.unpack_from(data, offset)
                offset += _EVENT.size + length
                self.events.append("open" if mask & IN_OPEN else "read")
        return self.events

    def close(self) -> None:
        os.close(self._fd)

    def __enter__(self) -> FileWatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
