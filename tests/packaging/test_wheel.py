"""The built package carries its catalogue, pictures, icon and desktop entry, and an installed
wheel (no checkout anywhere) lists every routine, opens its window and loads its pictures."""

from __future__ import annotations

import os
import subprocess
import tarfile
import zipfile

import pytest

from benchmarks.xvfb import xvfb
from coach.core.catalogue import load_catalogue
from coach.paths import assets_dir, default_catalogue
from tests.packaging.conftest import ROOT

pytestmark = pytest.mark.slow

SHIPPED = ["exercises.toml", "assets/physio-coach.desktop", "assets/icon/physio-coach.svg",
           "assets/icon/physio-coach-48.png", "assets/placeholder.svg",
           "assets/illustrations/bridge.svg"]

PROBE = """\
import sys
from pathlib import Path
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication
from coach import paths
from coach.ui.illustration import IllustrationView

app = QApplication([])
print(paths.shipped_data())
icon = QIcon(str(paths.assets_dir() / "icon" / "physio-coach.svg"))
print("icon", not icon.isNull() and not icon.pixmap(48, 48).isNull())
view = IllustrationView()
view.set_image(paths.assets_dir() / "illustrations" / "bridge.svg")
print("illustration", not view._is_placeholder)
"""


def _clean_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(COACH_DATA_DIR=str(tmp_path / "data"), QT_QPA_PLATFORM="offscreen")
    return env


def test_the_wheel_and_the_sdist_carry_the_catalogue_the_pictures_and_the_desktop_entry(
        installed):
    in_wheel = set(zipfile.ZipFile(installed.wheel).namelist())
    assert {f"coach/data/{name}" for name in SHIPPED} <= in_wheel
    illustrations = {p.name for p in (ROOT / "assets" / "illustrations").glob("*.svg")}
    assert illustrations == {n.rsplit("/", 1)[1] for n in in_wheel
                             if n.startswith("coach/data/assets/illustrations/")}
    with tarfile.open(installed.sdist) as sdist:
        in_sdist = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert set(SHIPPED) <= in_sdist


def test_the_installed_wheel_lists_every_default_routine_with_no_catalogue_problem(
        installed, tmp_path):
    expected = load_catalogue([default_catalogue()], assets_dir=assets_dir())
    done = installed.run(str(installed.bin / "coach"), "list", "--routines",
                         env=_clean_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    listed = {line.split()[0] for line in done.stdout.splitlines() if line.strip()}
    assert listed == set(expected.routines)


def test_the_installed_wheel_reads_its_pictures_and_icon_from_the_install(installed, tmp_path):
    done = installed.run(str(installed.bin / "python"), "-c", PROBE, env=_clean_env(tmp_path))
    assert done.returncode == 0, done.stderr
    where, icon, illustration = done.stdout.splitlines()
    assert where.startswith(str(installed.bin.parent)), where
    assert where.endswith(os.path.join("coach", "data"))
    assert icon == "icon True"
    assert illustration == "illustration True"


def test_the_installed_wheel_opens_and_closes_its_window(installed, tmp_path):
    with xvfb() as display:
        env = _clean_env(tmp_path)
        env.pop("QT_QPA_PLATFORM")
        env["DISPLAY"] = display
        done = installed.run(str(installed.bin / "coach"), "--exit-when-ready", env=env,
                             timeout=60)
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "data" / "logs" / "coach.log").read_text(encoding="utf-8")
    assert "WARNING" not in log, log
    assert "ERROR" not in log, log


def test_the_installed_wheel_brings_the_runtime_dependencies_and_no_test_tools(installed):
    done = installed.run(str(installed.bin / "python"), "-m", "pip", "list",
                         "--disable-pip-version-check", "--format=freeze")
    names = {line.split("==")[0].lower().replace("_", "-") for line in done.stdout.splitlines()}
    assert {"physio-coach", "pyside6-essentials", "pyttsx3", "platformdirs"} <= names
    assert not names & {"pytest", "pytest-qt", "mypy", "ruff", "hypothesis", "build"}


def test_make_run_installs_the_app_without_the_test_tools(tmp_path):
    venv_dir = tmp_path / "venv"
    plan = subprocess.run(["make", "-n", "run", f"VENV={venv_dir}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=True).stdout
    installs = [line for line in plan.splitlines() if "pip install" in line]
    assert installs, plan
    assert all("[dev]" not in line for line in installs), installs
