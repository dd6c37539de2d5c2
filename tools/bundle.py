"""Build the one-folder application into dist/physio-coach (run by `make dist`).

PyInstaller, because it bundles PySide6 (its hooks pick the Qt plugins in use) and plain data
with a mapping into the package: exercises.toml and assets/ land in coach/data, where
coach.paths.shipped_data() finds them, as in a wheel. pyside6-deploy wraps Nuitka (a compile
of several minutes per build on this machine) and briefcase wants a project layout of its own.

espeak-ng's library is found by PyInstaller (pyttsx3 loads it by name); its voice data is
carried when the system has it in the usual Debian place. The pyttsx3 drivers are imported by
name at run time, so they are named here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ESPEAK_DATA = [Path("/usr/lib/x86_64-linux-gnu/espeak-ng-data"),
               Path("/usr/lib/aarch64-linux-gnu/espeak-ng-data"),
               Path("/usr/share/espeak-ng-data")]


def arguments(dist: Path, work: Path) -> list[str]:
    sep = os.pathsep
    args = [str(ROOT / "tools" / "bundle_entry.py"), "--name", "physio-coach", "--onedir",
            "--noconfirm", "--clean", "--log-level", "WARN",
            "--distpath", str(dist), "--workpath", str(work / "build"),
            "--specpath", str(work),
            "--add-data", f"{ROOT / 'exercises.toml'}{sep}coach/data",
            "--add-data", f"{ROOT / 'assets'}{sep}coach/data/assets",
            "--hidden-import", "pyttsx3.drivers",
            "--collect-submodules", "coach"]
    driver = {"win32": "sapi5", "darwin": "nsss"}.get(sys.platform, "espeak")
    args += ["--hidden-import", f"pyttsx3.drivers.{driver}"]
    if driver == "espeak":
        args += ["--hidden-import", "pyttsx3.drivers._espeak"]
        data = next((d for d in ESPEAK_DATA if d.is_dir()), None)
        if data is not None:
            args += ["--add-data", f"{data}{sep}espeak-ng-data"]
    return args


def main() -> int:
    import PyInstaller.__main__

    dist = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist"
    work = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "build" / "pyinstaller"
    PyInstaller.__main__.run(arguments(dist, work))
    print(f"built {dist / 'physio-coach'}: run {dist / 'physio-coach' / 'physio-coach'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
