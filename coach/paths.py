"""Where Physio Coach keeps its files.

User data (history, the user's own catalogue) lives in platformdirs' user data directory unless
`--data-dir DIR` or `COACH_DATA_DIR` says otherwise; settings in the user config directory and
rendered speech in the user cache directory, both under the data directory when it is overridden,
so a test or a portable install touches nothing else. Nothing is created at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "physio-coach"
ENV_DATA_DIR = "COACH_DATA_DIR"

#: The project root: the default catalogue and the assets ship beside the package.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CATALOGUE = PROJECT_ROOT / "exercises.toml"
ASSETS_DIR = PROJECT_ROOT / "assets"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    config_dir: Path
    cache_dir: Path
    log_dir: Path

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

    def ensure(self) -> None:
        """Create the directories (called once at start-up, never at import)."""
        for d in (self.data_dir, self.config_dir, self.cache_dir, self.log_dir):
            d.mkdir(parents=True, exist_ok=True)


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
