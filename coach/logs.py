"""Logging to a file in the user's log directory, and Qt's messages routed into it."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

_configured_file: Path | None = None


def setup(log_file: Path, *, verbose: bool = False) -> Path:
    """Log to `log_file` (rotating, 1 MB x 3); fall back to the temp dir if it is not writable.

    Returns the file actually used, so crash dialogs can name it.
    """
    global _configured_file
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for candidate in (log_file, Path(tempfile.gettempdir()) / "physio-coach.log"):
        try:
            candidate.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                candidate, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
            )
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


def current_log_file() -> Path | None:
    return _configured_file


def log_exception(what: str) -> Path:
    """Log the exception being handled with its traceback; return the file it went to."""
    if _configured_file is None:
        from coach.paths import resolve

        setup(resolve(os.environ.get("COACH_DATA_DIR") or None).log_file)
    log.error(what, exc_info=sys.exc_info())
    return _configured_file or Path("(no log file)")
