"""The `coach` command (the real process) on a data folder whose own catalogue is broken."""

from __future__ import annotations

import os
import subprocess
import sys


def coach(data, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "coach", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                          env={**os.environ, "COACH_AUDIO_DEVICE": "null"})


def test_a_file_that_is_not_valid_toml_is_named_with_its_line_and_nothing_from_it(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "catalogue.toml").write_text("schema = 1\n[[exercise]\n", encoding="utf-8")
    done = coach(data, "list")
    assert done.returncode == 0, done.stderr
    assert done.stderr == (f"coach: nothing from catalogue.toml was loaded: "
                           f"{data / 'catalogue.toml'}:2: this is not valid TOML: expected "
                           "']]' at the end of an array declaration (column 11)\n")
    assert "Bridge" in done.stdout  # the rest loaded


def test_one_problem_is_counted_in_the_singular(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "catalogue.toml").write_text(
        'schema = 1\n\n[[exercise]]\nid = "bridge"\nname = "My bridge"\n', encoding="utf-8")
    done = coach(data, "list")
    assert done.stderr == ("coach: 1 problem in the catalogue; run 'coach validate FILE' for "
                           "details\n")
