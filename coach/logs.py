"""Logging to a file in the user's log directory, and Qt's messages routed into it."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

log = logging.getLogger(__name__)

_configured_file: Path | None = None


def fallback_files() -> tuple[Path, ...]:
    """Where the log goes when its own folder cannot be written (a read-only data folder):
    the user's log directory, then the temp folder."""
    import tempfile

    import platformdirs

    from coach.paths import APP_NAME

    user = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)) / "coach.log"
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return user, Path(tempfile.gettempdir()) / f"physio-coach-{uid}.log"


def setup(log_file: Path, *, verbose: bool = False) -> Path:
    """Log to `log_file`; fall back to `fallback_files()` if it is not writable. Once set up,
    later calls change nothing and return the file in use.

    The file is rotated at start-up once it passes 1 MB (three old files kept). Returns the file
    actually used, so crash dialogs can name it.
    """
    global _configured_file
    if _configured_file is not None:
        return _configured_file
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for candidate in (log_file, *fallback_files()):
        try:
            candidate.parent.mkdir(parents=True, exist_ok=True)
            _rotate(candidate)
            handler = logging.FileHandler(candidate, encoding="utf-8", delay=False)
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


def log_exception(what: str, *, log_file: Path | None = None) -> Path:
    """Log the exception being handled with its traceback; return the file it went to.

    Without logging set up yet, it is set up on `log_file` (the run's data folder's log), or
    on the default data folder's."""
    if _configured_file is None:
        if log_file is None:
            from coach.paths import resolve

            log_file = resolve(os.environ.get("COACH_DATA_DIR") or None).log_file
        setup(log_file)
    log.error(what, exc_info=sys.exc_info())
    return _configured_file or Path("(no log file)")
