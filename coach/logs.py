"""Logging to a file in the user's log directory, and Qt's messages routed into it."""

from __future__ import annotations

import contextlib
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
            handler = SafeFileHandler(candidate, fallbacks=[
                f for f in fallback_files() if f != candidate])
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


class SafeFileHandler(logging.FileHandler):
    """A log file that never takes the app down nor prints a traceback when it cannot be
    written any more (a full disk, a folder made read-only): the log moves to the first of
    `fallbacks` that takes it; when none does, one plain line says so on stderr and later
    messages are dropped."""

    def __init__(self, path: Path, *, fallbacks: list[Path]) -> None:
        super().__init__(path, encoding="utf-8", delay=False)
        self._fallbacks = list(fallbacks)
        self._dead = False

    def emit(self, record: logging.LogRecord) -> None:
        if not self._dead:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        """Called by `emit` with the error being handled: move on, never print it."""
        global _configured_file
        error = sys.exc_info()[1]
        self._drop_stream()
        while self._fallbacks:
            candidate = self._fallbacks.pop(0)
            try:
                candidate.parent.mkdir(parents=True, exist_ok=True)
                self.baseFilename = os.fspath(candidate)
                self.stream = stream = self._open()
                stream.write(self.format(record) + self.terminator)
                stream.flush()
            except OSError:
                self._drop_stream()
                continue
            _configured_file = candidate
            return
        self._dead = True
        _configured_file = None
        reason = getattr(error, "strerror", None) or error
        with contextlib.suppress(OSError, ValueError, AttributeError):
            sys.stderr.write(f"coach: the log file cannot be written ({reason}); "
                             "Physio Coach carries on without it.\n")
            sys.stderr.flush()

    def _drop_stream(self) -> None:
        stream, self.stream = self.stream, None  # type: ignore[assignment]
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.close()

    def close(self) -> None:
        try:
            super().close()
        except (OSError, ValueError):
            self.stream = None  # type: ignore[assignment]


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
