"""Shared test set-up: headless Qt, and no test ever touches the real home directory."""

from __future__ import annotations

import os
import threading

import pytest

# Qt tests are headless; set before any Qt module is imported by a test.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def qapp_args() -> list[str]:
    """The tests' QApplication is made like the app's (coach.ui.theme.new_application)."""
    from coach.ui.theme import QT_ARGUMENTS

    return ["physio-coach-tests", *QT_ARGUMENTS]


@pytest.fixture(autouse=True)
def private_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Point the data, config and cache directories at a fresh temporary folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("COACH_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "xdg-state"))
    return home


@pytest.fixture(autouse=True)
def no_leaked_threads():
    """A test must not leave a thread of its own running (a speaker worker, a timer thread)."""
    before = set(threading.enumerate())
    yield
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    for t in leaked:
        t.join(timeout=2)
    still = [t.name for t in leaked if t.is_alive()]
    assert not still, f"test left threads running: {still}"
