"""A wheel and an sdist built from a fresh clone, and the wheel installed in a clean venv.

Built once per test run (it takes a minute: the build backend is fetched, PySide6 is installed
from pip's cache) and shared by the tests that need an installed Physio Coach."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Installed:
    wheel: Path
    sdist: Path
    bin: Path
    """The clean venv's scripts folder (`coach`, `python`)."""
    workdir: Path
    """An empty folder, far from the checkout, to run the installed app in."""

    def run(self, *argv: str, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(argv), cwd=self.workdir, env=env, capture_output=True,
                              text=True, timeout=timeout, check=False)


def _call(argv: list[str], cwd: Path) -> None:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=900,
                          check=False)
    assert done.returncode == 0, f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Clone the committed branch, build its sdist and (from the sdist) its wheel, delete the
    clone, and install the wheel into a new venv: nothing of the checkout is reachable."""
    top = tmp_path_factory.mktemp("package")
    clone, dist = top / "clone", top / "dist"
    _call(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], cwd=top)
    _call([sys.executable, "-m", "build", "--outdir", str(dist), str(clone)], cwd=top)
    shutil.rmtree(clone)
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    env_dir = top / "venv"
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    _call([str(bindir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
           "--find-links", str(dist), "physio-coach"], cwd=top)
    workdir = top / "empty"
    workdir.mkdir()
    return Installed(wheel=wheel, sdist=sdist, bin=bindir, workdir=workdir)
