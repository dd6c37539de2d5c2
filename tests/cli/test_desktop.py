"""`coach desktop install` / `uninstall` through the real process, in a private XDG_DATA_HOME:
the entry validates, the icon and the prescription file type are found where desktops look,
and uninstall leaves the folder as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coach.core.catalogue import load_catalogue
from coach.core.prescription import prescription_text
from coach.paths import assets_dir, default_catalogue

ROOT = Path(__file__).resolve().parents[2]
MIME = "application/x-physio-coach-prescription"

#: What a file's type is to Qt (which reads the same shared-mime-info database as the file
#: manager), in a process of its own so the database is read after the install.
WHAT_TYPE = """\
import sys
from PySide6.QtCore import QMimeDatabase
db = QMimeDatabase()
for name in sys.argv[1:]:
    print(db.mimeTypeForFile(name).name())
"""


def coach(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "coach", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, env=env, check=False)


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def file_types(home: Path, *files: Path) -> list[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(home), "XDG_DATA_DIRS": "/usr/share"}
    done = subprocess.run([sys.executable, "-c", WHAT_TYPE, *map(str, files)],
                          capture_output=True, text=True, timeout=60, env=env, check=True)
    return done.stdout.split()


@pytest.fixture
def prescription(tmp_path: Path) -> Path:
    catalogue = load_catalogue([default_catalogue()], assets_dir=assets_dir())
    text = prescription_text([catalogue.routine("desk-break")], [], assets_dir=assets_dir())
    path = tmp_path / "files" / "desk-break.physio.toml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    return path


def test_desktop_install_puts_a_valid_entry_and_the_icons_where_the_app_menu_looks(tmp_path):
    home = tmp_path / "share"
    done = coach(home, "desktop", "install")
    assert done.returncode == 0, done.stderr
    entry = home / "applications" / "physio-coach.desktop"
    check = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True,
                           text=True, timeout=60, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout == ""  # no warnings either
    text = entry.read_text(encoding="utf-8")
    assert f"MimeType={MIME};" in text
    assert "Icon=physio-coach" in text
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    command = exec_line.removeprefix("Exec=").removesuffix(" %f")
    assert Path(command).is_file()  # the installation that ran the command, by full path
    assert (home / "icons/hicolor/scalable/apps/physio-coach.svg").read_bytes() == (
        assets_dir() / "icon" / "physio-coach.svg").read_bytes()
    for size in (48, 128, 256):
        assert (home / f"icons/hicolor/{size}x{size}/apps/physio-coach.png").is_file()
    if shutil.which("update-desktop-database"):
        cache = (home / "applications" / "mimeinfo.cache").read_text(encoding="utf-8")
        assert f"{MIME}=physio-coach.desktop;" in cache


@pytest.mark.skipif(shutil.which("update-mime-database") is None,
                    reason="shared-mime-info is not installed (make test installs it)")
def test_after_desktop_install_a_prescription_is_its_own_file_type_by_name_and_by_content(
        tmp_path, prescription):
    """By its name, ROUTINE.physio.toml; by its first line when the name says nothing (an
    attachment saved without its name). A renamed `x.toml` stays TOML: a name that matches
    one type wins over content in the shared-mime-info rules."""
    home = tmp_path / "share"
    renamed = prescription.with_name("from-the-clinic")
    shutil.copy(prescription, renamed)
    other = prescription.with_name("pyproject.toml")
    other.write_text("[project]\nname = 'x'\n", encoding="utf-8")
    before = file_types(home, prescription, renamed)
    assert MIME not in before
    assert coach(home, "desktop", "install").returncode == 0
    assert file_types(home, prescription, renamed, other)[:2] == [MIME, MIME]
    assert file_types(home, other) != [MIME]
    assert coach(home, "desktop", "uninstall").returncode == 0
    assert MIME not in file_types(home, prescription, renamed)


def test_desktop_uninstall_removes_exactly_what_install_made(tmp_path):
    home = tmp_path / "share"
    empty = tmp_path / "empty"
    assert coach(empty, "desktop", "install").returncode == 0
    done = coach(empty, "desktop", "uninstall")
    assert done.returncode == 0, done.stderr
    assert "no longer in the app menu" in done.stdout
    assert not empty.exists() or tree(empty) == {}
    assert not empty.exists() or not any(empty.iterdir())
    # A folder with another application's entry, icon and file type: they stay as they were.
    neighbour = home / "applications" / "other.desktop"
    neighbour.parent.mkdir(parents=True)
    neighbour.write_text("[Desktop Entry]\nType=Application\nName=Other\nExec=other %f\n"
                         "MimeType=text/x-other;\n", encoding="utf-8")
    icon = home / "icons/hicolor/48x48/apps/other.png"
    icon.parent.mkdir(parents=True)
    shutil.copy(assets_dir() / "icon" / "physio-coach-48.png", icon)
    (home / "mime/packages").mkdir(parents=True)
    (home / "mime/packages/other.xml").write_text(
        '<?xml version="1.0"?>\n<mime-info xmlns="http://www.freedesktop.org/standards/'
        'shared-mime-info"><mime-type type="text/x-other"><glob pattern="*.other"/>'
        "</mime-type></mime-info>\n", encoding="utf-8")
    assert coach(home, "desktop", "install").returncode == 0
    assert coach(home, "desktop", "uninstall").returncode == 0
    left = tree(home)
    assert not [name for name in left if "physio-coach" in name]
    assert {"applications/other.desktop", "icons/hicolor/48x48/apps/other.png",
            "mime/packages/other.xml"} <= set(left)
    assert not any(MIME.encode() in content for content in left.values())


def test_desktop_uninstall_when_nothing_was_installed_says_so_and_changes_nothing(tmp_path):
    home = tmp_path / "share"
    done = coach(home, "desktop", "uninstall")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Physio Coach was not in the app menu."
    assert not home.exists()
