"""Which catalogue files a run loads, in which order."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from coach.core.models import Catalogue
from coach.core.prescription import Library
from coach.paths import AppPaths, assets_dir, default_catalogue


def library(paths: AppPaths) -> Library:
    """The installation's catalogue files: what `coach.core.prescription` reads and writes."""
    return Library(default=default_catalogue(), user=paths.user_catalogue,
                   folder=paths.prescriptions_dir, assets_dir=assets_dir())


def load_app_catalogue(paths: AppPaths, extra: Sequence[Path] = ()) -> Catalogue:
    """The default catalogue, then the user's own when it exists, then the routines the user
    added (`prescriptions/*.toml`, in name order), then `--catalogue` files.

    Files named on the command line are required: a missing one is reported as a problem.
    """
    return library(paths).load(extra)
