"""Where Physio Coach keeps its files.

User data (history, the user's own catalogue) lives in platformdirs' user data directory unless
`--data-dir DIR` or `COACH_DATA_DIR` says otherwise; settings in the user config directory and
rendered speech in the user cache directory, both under the data directory when it is overridden,
so a test or a portable install touches nothing else. Nothing is created at import time.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.resources
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

APP_NAME = "physio-coach"
ENV_DATA_DIR = "COACH_DATA_DIR"



@functools.cache
def shipped_data() -> Path:
    """The folder that holds the shipped `exercises.toml` and `assets/`.

    In an installed wheel (or a bundle) they are package data in `coach/data`, put there by
    the build backend; in a checkout (or an editable install) they sit at the top of the
    repository, beside the package. Every reader of shipped files goes through this."""
    installed = Path(str(importlib.resources.files("coach").joinpath("data")))
    if (installed / "exercises.toml").is_file():
        return installed
    return Path(__file__).resolve().parent.parent


def default_catalogue() -> Path:
    """The shipped catalogue, `exercises.toml`."""
    return shipped_data() / "exercises.toml"


def assets_dir() -> Path:
    """The shipped pictures, icon and desktop entry, `assets/`."""
    return shipped_data() / "assets"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    config_dir: Path
    cache_dir: Path
    log_dir: Path
    read_only: Path | None = None
    """Set by `ensure()` when the data (or settings) folder cannot be written: that folder.
    The session still runs; nothing is saved (see `read_only_notice`)."""

    @property
    def history_db(self) -> Path:
        return self.data_dir / "history.db"

    @property
    def user_catalogue(self) -> Path:
        """A catalogue of the user's own, loaded after the defaults when it exists."""
        return self.data_dir / "catalogue.toml"

    @property
    def prescriptions_dir(self) -> Path:
        """Routines the person added (opened prescriptions, routines saved in the editor):
        one file per routine, written by the app, loaded after `user_catalogue`."""
        return self.data_dir / "prescriptions"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.toml"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "coach.log"

    @property
    def speech_cache(self) -> Path:
        return self.cache_dir / "speech"

    @property
    def journal_dirs(self) -> tuple[Path, ...]:
        """Where records the history could not write are kept when its own folder has no room
        (a full disk): the cache folder, the user cache folder, a folder in the temp folder."""
        return tuple(dict.fromkeys((self.cache_dir, *_cache_fallbacks())))

    def ensure(self) -> AppPaths:
        """Create the directories (called once at start-up, never at import); the paths to use.

        Never fails on a folder that cannot be written (a read-only mount, no permission):
        - the data or settings folder: `read_only` names it; what is there is read, nothing
          is written;
        - the cache (rendered speech): it moves to the user cache directory, else to a folder
          of its own in the temp directory, so the voice still works;
        - the log: `coach.logs.setup` falls back by itself.
        """
        read_only = next((d for d in (self.data_dir, self.config_dir) if not writable(d)),
                         None)
        cache = next((d for d in (self.cache_dir, *_cache_fallbacks()) if writable(d)),
                     self.cache_dir)
        with contextlib.suppress(OSError):
            self.log_dir.mkdir(parents=True, exist_ok=True)
        return replace(self, read_only=read_only, cache_dir=cache)


def writable(folder: Path) -> bool:
    """Create `folder` if needed and check a file can be made in it (a read-only mount, a
    missing permission or a file in the way all say no, for root too)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError:
        return False
    return True


def _cache_fallbacks() -> tuple[Path, ...]:
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return (Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
            Path(tempfile.gettempdir()) / f"physio-coach-{uid}-cache")


def read_only_notice(paths: AppPaths) -> str | None:
    """The one message for a data folder that cannot be written, or None when it can."""
    if paths.read_only is None:
        return None
    return (f"Nothing can be saved in {paths.read_only}: the folder is read-only. Your "
            "sessions work as usual and you can see your past sessions, but nothing you do "
            "now is kept.")


def resolve(data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
    """The paths for this run: `data_dir` beats `COACH_DATA_DIR` beats platformdirs.

    An empty `data_dir` is a ValueError (it would mean the current folder; the command line
    refuses it as a usage error); an empty `COACH_DATA_DIR` counts as not set."""
    if data_dir is not None and not os.fspath(data_dir).strip():
        raise ValueError("data_dir is empty")
    override = data_dir if data_dir is not None else os.environ.get(ENV_DATA_DIR) or None
    if override is not None:
        root = Path(override).expanduser().absolute()
        return AppPaths(data_dir=root, config_dir=root / "config", cache_dir=root / "cache",
                        log_dir=root / "logs")
    return AppPaths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )
