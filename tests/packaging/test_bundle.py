"""`make dist`'s one-folder application, built from a fresh clone, runs with no Python and no
checkout: it lists every default routine and opens and closes its window from an empty folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.xvfb import xvfb
from coach.core.catalogue import load_catalogue
from coach.paths import assets_dir, default_catalogue
from tests.packaging.conftest import ROOT

pytestmark = pytest.mark.slow

PyInstaller = pytest.importorskip("PyInstaller", reason="make dist installs PyInstaller")


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    top = tmp_path_factory.mktemp("bundle")
    clone = top / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)],
                   check=True, timeout=120)
    done = subprocess.run([sys.executable, str(clone / "tools" / "bundle.py"),
                           str(top / "dist"), str(top / "work")], cwd=clone,
                          capture_output=True, text=True, timeout=1800, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    exe = top / "dist" / "physio-coach" / "physio-coach"
    assert exe.is_file()
    return exe


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PYTHON") and k not in ("VIRTUAL_ENV", "QT_QPA_PLATFORM")}
    env["PATH"] = "/usr/bin:/bin"  # no venv, no Python of ours
    env["COACH_DATA_DIR"] = str(tmp_path / "data")
    return env


def test_the_bundle_lists_every_default_routine_from_an_empty_folder(bundle, tmp_path):
    expected = load_catalogue([default_catalogue()], assets_dir=assets_dir())
    empty = tmp_path / "empty"
    empty.mkdir()
    done = subprocess.run([str(bundle), "list", "--routines"], cwd=empty, env=_env(tmp_path),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert {line.split()[0] for line in done.stdout.splitlines()} == set(expected.routines)


def test_the_bundle_opens_and_closes_its_window_from_an_empty_folder(bundle, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with xvfb() as display:
        env = {**_env(tmp_path), "DISPLAY": display}
        done = subprocess.run([str(bundle), "--exit-when-ready"], cwd=empty, env=env,
                              capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "data" / "logs" / "coach.log").read_text(encoding="utf-8")
    assert "ERROR" not in log, log
