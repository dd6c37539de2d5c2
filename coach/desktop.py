"""`coach desktop install` / `uninstall`: Physio Coach in the desktop's app menu (XDG).

Install copies the desktop entry and the icon into the user's XDG data folder
(`$XDG_DATA_HOME`, else ~/.local/share) and registers a MIME type of the app's own,
`application/x-physio-coach-prescription`, so a physio's prescription opens in the app from the
file manager. A prescription is recognised by its name, `*.physio.toml` (what "Export for
patient" suggests), or, when its name says nothing (no `.toml`), by the comment every exported
file starts with; renamed to `x.toml` it is plain TOML (a name beats content), which the app
still opens with `coach FILE.toml` or File > Open prescription. The menus and the file
manager learn of it through `update-desktop-database` and `update-mime-database` when they
are installed.

Uninstall removes exactly what install wrote, refreshes the same caches, and removes a cache or
folder only when nothing but Physio Coach's files was in it: other applications' entries, types
and icons stay as they were. Plain Python, no Qt.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from coach.paths import assets_dir

APP_ID = "physio-coach"
MIME_TYPE = "application/x-physio-coach-prescription"
PRESCRIPTION_GLOB = "*.physio.toml"
#: The first line of every exported prescription (coach.core.prescription.HEADER).
PRESCRIPTION_MAGIC = "# A Physio Coach prescription"
ICON_SIZES = (48, 128, 256)

MIME_XML = f"""\
<?xml version="1.0" encoding="UTF-8"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="{MIME_TYPE}">
    <comment>Physio Coach prescription</comment>
    <sub-class-of type="application/toml"/>
    <sub-class-of type="text/plain"/>
    <generic-icon name="{APP_ID}"/>
    <glob pattern="{PRESCRIPTION_GLOB}" weight="60"/>
    <magic priority="60">
      <match type="string" value="{PRESCRIPTION_MAGIC}" offset="0"/>
    </magic>
  </mime-type>
</mime-info>
"""


def data_home() -> Path:
    """`$XDG_DATA_HOME` when it is an absolute path (the spec ignores others), else
    ~/.local/share."""
    given = os.environ.get("XDG_DATA_HOME", "")
    return Path(given) if os.path.isabs(given) else Path.home() / ".local" / "share"


def launch_command() -> list[str]:
    """How the menu starts this installation: the bundle, the `coach` script beside this
    Python (a venv, pipx), the one on PATH, else this Python with `-m coach`."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    script = Path(sys.executable).with_name("coach.exe" if os.name == "nt" else "coach")
    if script.is_file():
        return [str(script)]
    found = shutil.which("coach")
    return [found] if found else [sys.executable, "-m", "coach"]


def _exec_arg(arg: str) -> str:
    """One argument of an Exec key, quoted as the Desktop Entry spec asks, then escaped as a
    string value."""
    if re.fullmatch(r"[A-Za-z0-9_@+=:,./-]+", arg):
        return arg
    quoted = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
    return quoted.replace("\\", "\\\\")


def desktop_entry(command: list[str]) -> str:
    """The shipped entry with Exec/TryExec pointing at `command`."""
    lines = []
    for line in (assets_dir() / f"{APP_ID}.desktop").read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            line = "Exec=" + " ".join(_exec_arg(a) for a in command) + " %f"
        elif line.startswith("TryExec="):
            line = "TryExec=" + _exec_arg(command[0])
        lines.append(line)
    return "\n".join(lines) + "\n"


def _files(home: Path, command: list[str]) -> dict[Path, Callable[[], bytes]]:
    """Every file install writes, with how to make its content."""
    icons = assets_dir() / "icon"
    hicolor = home / "icons" / "hicolor"
    files: dict[Path, Callable[[], bytes]] = {
        home / "applications" / f"{APP_ID}.desktop":
            lambda: desktop_entry(command).encode("utf-8"),
        home / "mime" / "packages" / f"{APP_ID}.xml": lambda: MIME_XML.encode("utf-8"),
        hicolor / "scalable" / "apps" / f"{APP_ID}.svg":
            (icons / f"{APP_ID}.svg").read_bytes,
    }
    for size in ICON_SIZES:
        files[hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"] = (
            icons / f"{APP_ID}-{size}.png").read_bytes
    return files


def install(home: Path | None = None, command: list[str] | None = None) -> list[Path]:
    """Write the entry, the icons and the MIME type; refresh the caches; the files written."""
    home = home or data_home()
    written = []
    for path, content in _files(home, command or launch_command()).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content())
        written.append(path)
    _refresh(home)
    return written


def uninstall(home: Path | None = None) -> list[Path]:
    """Remove what `install` wrote (the files that were there); refresh the caches."""
    home = home or data_home()
    removed = []
    for path in _files(home, ["coach"]):
        if path.is_file():
            path.unlink()
            removed.append(path)
    _refresh(home)
    _tidy(home, list(_files(home, ["coach"])))
    return removed


def _refresh(home: Path) -> None:
    """Let menus and file managers see the change, with the tools that are installed."""
    tools = [("update-desktop-database", "-q", home / "applications"),
             ("update-mime-database", home / "mime")]
    for tool, *args in tools:
        if shutil.which(str(tool)) and Path(args[-1]).is_dir():
            subprocess.run([str(tool), *map(str, args)], check=False, timeout=60,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _tidy(home: Path, ours: list[Path]) -> None:
    """Caches that describe nothing any more, then the folders of `ours` left empty, up to
    `home`."""
    applications, mime = home / "applications", home / "mime"
    if applications.is_dir() and not any(applications.glob("*.desktop")):
        (applications / "mimeinfo.cache").unlink(missing_ok=True)
    packages = mime / "packages"
    if mime.is_dir() and not (packages.is_dir() and any(packages.iterdir())):
        shutil.rmtree(mime)  # all of it was generated from packages/, now empty
    folders = {parent for path in ours for parent in path.parents if home in parent.parents}
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
