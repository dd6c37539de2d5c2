"""The `coach` command as a user runs it: exit codes, output lines, and never a traceback."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coach.cli import build_parser, main, parse_args
from tests.core.catalogue_text import catalogue_text

ROOT = Path(__file__).resolve().parents[2]


def coach(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "coach", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=60)


def test_the_default_catalogue_validates(capsys):
    assert main(["validate", str(ROOT / "exercises.toml")]) == 0
    out = capsys.readouterr().out
    assert "ok (" in out
    assert "exercises" in out


def test_list_json_shows_every_exercise_with_its_id(capsys):
    assert main(["list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) >= 16
    assert {"knee-to-chest", "bridge", "plank", "heat-therapy", "cold-therapy"} <= {
        r["id"] for r in rows}


def test_list_routines_prints_one_line_per_routine_starting_with_its_id(capsys):
    assert main(["list", "--routines"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) >= 4
    ids = [line.split()[0] for line in lines]
    assert {"gentle-daily-stretch", "core-and-glutes", "desk-break", "flare-up"} <= set(ids)


def test_validate_prints_file_line_message_and_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(catalogue_text(exercises=("my-stretch",), routine_items=("my-stretch",))
                   .replace("hold_seconds = 20", "hold_seconds = -5"))
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{bad}:11: exercise 'my-stretch': hold_seconds must be between 1 and "
                   "3600, got -5"]


def test_validate_exits_2_when_a_file_cannot_be_read(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "missing.toml")]) == 2
    missing = tmp_path / "missing.toml"
    assert capsys.readouterr().out.strip() == f"{missing}: the file does not exist"


def test_a_prescription_may_use_exercises_from_the_default_catalogue(tmp_path, capsys):
    rx = tmp_path / "rx.toml"
    rx.write_text('schema = 1\n[[routine]]\nid = "rx-week-1"\nname = "Week 1"\n'
                  'description = "From the clinic."\n[[routine.item]]\nexercise = "bridge"\n'
                  "reps = 8\n")
    assert main(["validate", str(rx)]) == 0
    assert capsys.readouterr().out.strip() == f"{rx}: ok (0 exercises, 1 routine)"


def test_extra_catalogue_files_add_routines_to_the_list(tmp_path, capsys):
    extra = tmp_path / "extra.toml"
    extra.write_text(catalogue_text(exercises=("towel-thing",), routine_items=("towel-thing",)))
    assert main(["--catalogue", str(extra), "list", "--routines", "--json"]) == 0
    ids = [r["id"] for r in json.loads(capsys.readouterr().out)]
    assert "morning" in ids


def test_the_user_catalogue_in_the_data_dir_is_loaded(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "catalogue.toml").write_text(catalogue_text(exercises=("my-own",),
                                                        routine_items=("my-own",)))
    assert main(["list", "--data-dir", str(data)]) == 0
    assert any(line.startswith("my-own ") for line in capsys.readouterr().out.splitlines())


@pytest.mark.parametrize(
    "content",
    [b"schema = 1\n[[exercise]\n", b"\xff\xfe\x00bad", b"schema = 1\nx = " + b"[" * 4000,
     b"schema = 9\n", b"#" * (1024 * 1024 + 10)],
    ids=["syntax", "not-utf8", "deep-nesting", "schema", "too-big"],
)
def test_bad_files_give_a_located_message_and_no_traceback(tmp_path, content):
    bad = tmp_path / "bad.toml"
    bad.write_bytes(content)
    result = coach("validate", str(bad))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{bad}")
    assert "Traceback" not in result.stdout + result.stderr


def test_version_and_help_work():
    assert coach("--version").stdout.startswith("coach ")
    helped = coach("--help")
    assert helped.returncode == 0
    assert "validate" in helped.stdout
    assert "--data-dir" in helped.stdout


def test_the_gui_without_a_screen_says_so_plainly(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "coach", "--data-dir", str(tmp_path)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert "no screen was found" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_display_with_no_x_server_is_refused_plainly_instead_of_aborting(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["DISPLAY"] = ":987"
    result = subprocess.run([sys.executable, "-m", "coach", "--data-dir", str(tmp_path)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert "the screen :987 cannot be reached" in result.stderr
    assert "Traceback" not in result.stderr
    assert "core dumped" not in result.stderr


@pytest.mark.parametrize("argv", [
    [], ["--exit-when-ready"], ["--data-dir", "d", "--catalogue", "a.toml", "--catalogue",
                                "b.toml"],
    ["--time-scale", "20"], ["--open", "rx.toml"], ["--data-dir=d"], ["--exit"],
])
def test_the_window_options_parse_as_the_whole_parser_parses_them(argv):
    assert parse_args(list(argv)) == build_parser().parse_args(list(argv))


@pytest.mark.parametrize("argv", [
    ["--bogus"], ["--time-scale", "0"], ["--data-dir"], ["bogus"], ["list", "--bogus"],
    ["--help"], ["--hel"], ["-h"], ["--"],
])
def test_help_and_mistakes_give_the_whole_parsers_message(argv, capsys):
    def output(parse) -> tuple[object, str, str]:
        with pytest.raises(SystemExit) as stopped:
            parse(list(argv))
        out, err = capsys.readouterr()
        return stopped.value.code, out, err

    whole = output(build_parser().parse_args)
    assert whole[1] or whole[2]
    assert output(parse_args) == whole


def test_opening_the_window_imports_only_what_its_first_paint_needs(tmp_path):
    """Dialogs, the commands' parsers and the routine actions come later (start-up is
    benchmarked against a bare window)."""
    probe = (
        "import sys, coach.app\n"
        "coach.app._end_process = lambda code: print(' '.join(sorted(sys.modules)))\n"
        "from coach.cli import main\n"
        f"main(['--exit-when-ready', '--data-dir', {str(tmp_path)!r}])\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    assert "coach.ui.main_window" in loaded, "the probe did not see the window open"
    late = {"coach.pdf.commands", "coach.ui.prompts", "coach.ui.crash_dialog",
            "coach.ui.routine_actions", "coach.ui.reminders", "coach.ui.qt_compat",
            "coach.ui.session_window", "coach.ui.settings_dialog", "coach.storage.history",
            "ctypes", "json"}
    assert not late & loaded


def test_a_megabyte_of_empty_tables_lists_a_hundred_problems_and_counts_the_rest(tmp_path):
    """80,000 empty [[exercise]] tables once gave 700,000 problems (seconds and hundreds of
    megabytes); the first 1,000 tables are read and the rest is counted in one line."""
    from coach.core.catalogue import MAX_FILE_BYTES, MAX_PROBLEMS, MAX_TABLES

    head, unit = "schema = 1\n", "[[exercise]]\n"
    tables = (MAX_FILE_BYTES - len(head)) // len(unit)
    worst = tmp_path / "worst.toml"
    worst.write_text(head + unit * tables)
    result = coach("validate", str(worst))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[0] == (f"{worst}: the file has {tables:,} [[exercise]] tables; only the "
                        f"first {MAX_TABLES:,} were read (split it into several files)")
    assert lines[-1].startswith(f"{worst}: ... and ")
    assert lines[-1].endswith(" more problems")


def test_validate_refuses_a_pipe_at_once_instead_of_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    result = subprocess.run([sys.executable, "-m", "coach", "validate", str(fifo)],
                            capture_output=True, text=True, cwd=ROOT, timeout=30)
    assert result.returncode == 2
    assert result.stdout == (f"{fifo}: this is not a regular file (a pipe or a device), so it "
                             "was not read; save the catalogue as a file\n")


def umask_022() -> None:
    os.umask(0o022)


def test_an_export_follows_the_umask_and_clears_temporary_files_a_killed_export_left(tmp_path):
    """A CSV is made to be shared: 0644 under umask 022 (it was 0600). Our own temporary files
    for it that are over an hour old are removed; a recent one (a write in progress) and
    files that only look alike are kept."""
    out = tmp_path / "out.csv"
    stale = tmp_path / ".out.csv.k3_9xq1z.tmp"
    recent = tmp_path / ".out.csv.abcd1234.tmp"
    alike = [tmp_path / n for n in (".out.csv.abc.tmp", ".out.csv.ABCD1234.tmp",
                                    ".other.csv.k3_9xq1z.tmp", "out.csv.k3_9xq1z.tmp")]
    for f in (stale, recent, *alike):
        f.write_text("partial")
        os.utime(f, (time.time() - 7200,) * 2)
    os.utime(recent, (time.time() - 600,) * 2)
    result = subprocess.run([sys.executable, "-m", "coach", "export", "--data-dir",
                             str(tmp_path / "data"), "--csv", str(out)], capture_output=True,
                            text=True, cwd=ROOT, timeout=60, preexec_fn=umask_022)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert not stale.exists()
    assert recent.exists()
    assert all(f.exists() for f in alike)
    assert sorted(p.name for p in tmp_path.glob(".out.csv.*.tmp")) == sorted(
        [recent.name, ".out.csv.abc.tmp", ".out.csv.ABCD1234.tmp"])
