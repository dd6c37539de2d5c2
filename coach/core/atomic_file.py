"""Writing a file so that nobody ever sees it half-written.

The text goes to a temporary file beside the final name (`.NAME.XXXXXXXX.tmp`), is flushed to
the disk, and is renamed over the final name only once complete: a crash, a full disk or an
error while writing leaves the old file as it was (and no temporary file behind). A process
killed while writing does leave its temporary file: the next write to the same name removes
those more than an hour old. Used for the settings, prescription files and exports.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

log = logging.getLogger(__name__)

#: The characters and length of the random part of a temporary name (as `tempfile` makes
#: them, so files left by earlier versions are recognised too).
_RANDOM_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"
_RANDOM_LENGTH = 8
#: A temporary file older than this was left by a process that was killed: removed.
STALE_SECONDS = 3600.0


def temp_name_pattern(name: str) -> re.Pattern[str]:
    """The names of our temporary files for a final file called `name`, and nothing else."""
    return re.compile(re.escape(f".{name}.") + f"[{_RANDOM_CHARS}]{{{_RANDOM_LENGTH}}}"
                      + re.escape(".tmp"))


@contextmanager
def replacing(path: Path, *, newline: str | None = None,
              shared: bool = False) -> Iterator[TextIO]:
    """A UTF-8 text file to write in place of `path` (`newline` as for `open`).

    `path` is replaced when the block ends without an exception; otherwise the temporary file
    is removed and `path` is untouched. The folder must exist. A `shared` file (an export, a
    prescription: made to be given to someone) gets the permissions the user's umask gives any
    new file; any other is readable by its owner only (the settings). `OSError` propagates:
    the caller says in its own words what could not be written.
    """
    _remove_stale(path)
    fd, tmp = _create(path, 0o666 if shared else 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _create(path: Path, mode: int) -> tuple[int, Path]:
    """A new temporary file beside `path`, created with `mode` (less the umask)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        random = "".join(secrets.choice(_RANDOM_CHARS) for _ in range(_RANDOM_LENGTH))
        tmp = path.parent / f".{path.name}.{random}.tmp"
        try:
            return os.open(tmp, flags, mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


def _remove_stale(path: Path) -> None:
    """Remove our temporary files for `path` that a killed process left (older than
    `STALE_SECONDS`); one being written now by another process is younger, and kept."""
    pattern = temp_name_pattern(path.name)
    cutoff = time.time() - STALE_SECONDS
    try:
        with os.scandir(path.parent) as entries:
            stale = [e.path for e in entries
                     if pattern.fullmatch(e.name) and e.is_file(follow_symlinks=False)
                     and e.stat(follow_symlinks=False).st_mtime < cutoff]
    except OSError:
        return  # the write itself will say what is wrong with the folder
    for name in stale:
        try:
            os.unlink(name)
            log.info("removed %s, left by an interrupted write", name)
        except OSError as e:
            log.warning("could not remove %s: %s", name, e)
