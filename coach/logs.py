"""Logging to a file in the user's log directory, and Qt's messages routed into it."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

log = logging.getLogger(__name__)

_configured_file: Path | None = None


def setup(log_file: Path, *, verbose: bool = False) -> Path:
    """Log to `log_file`; fall back to the temp dir if it is not writable.

    The file is rotated at start-up once it passes 1 MB (three old files kept). Returns the file
    actually used, so crash dialogs can name it.
    """
    global _configured_file
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    fallback = Path(os.environ.get("TMPDIR") or "/tmp") / "physio-coach.log"
    for candidate in (log_file, fallback):
        try:
            candidate.parent.mkdir(parents=True, exist_ok=True)
            _rotate(candidate)
            handler = logging.FileHandler(candidate, encoding="utf-8", delay=True)
        except OSError:
            continue
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        root.addHandler(handler)
        _configured_file = candidate
        return candidate
    _configured_file = None
    return log_file


def _rotate(path: Path, keep: int = 3, max_bytes: int = 1_000_000) -> None:
    try:
        if path.stat().st_size < max_bytes:
            return
    except FileNotFoundError:
        return
    for n in range(keep - 1, 0, -1):
        older = path.with_name(f"{path.name}.{n}")
        if older.exists():
            os.replace(older, path.with_name(f"{path.name}.{n + 1}"))
    os.replace(path, path.with_name(f"{path.name}.1"))


def current_log_file() -> Path | None:
    return _configured_file


def log_exception(what: str) -> Path:
    """Log the exception being handled with its traceback; return the file it went to."""
    if _configured_file is None:
        from coach.paths import resolve

        setup(resolve(os.environ.get("COACH_DATA_DIR") or None).log_file)
    log.error(what, exc_info=sys.exc_info())
    return _configured_file or Path("(no log file)")
