"""The entry point of the bundle `make dist` builds (PyInstaller, one folder).

espeak-ng's data, when the bundle carries it, is used from beside the app (espeak-ng reads
$ESPEAK_DATA_PATH/espeak-ng-data); then it is the `coach` command, as installed."""

import os
import sys
from pathlib import Path

here = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent))
if (here / "espeak-ng-data").is_dir():
    os.environ.setdefault("ESPEAK_DATA_PATH", str(here))

from coach.cli import main  # noqa: E402

sys.exit(main())
