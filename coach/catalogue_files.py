"""Which catalogue files a run loads, in which order."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from coach.core.catalogue import load_catalogue
from coach.core.models import Catalogue
from coach.paths import ASSETS_DIR, DEFAULT_CATALOGUE, AppPaths


def load_app_catalogue(paths: AppPaths, extra: Sequence[Path] = ()) -> Catalogue:
    """The default catalogue, then the user's own when it exists, then `--catalogue` files.

    Files named on the command line are required: a missing one is reported as a problem.
    """
    user = [paths.user_catalogue] if paths.user_catalogue.is_file() else []
    return load_catalogue([DEFAULT_CATALOGUE, *user, *extra], assets_dir=ASSETS_DIR)
