"""Real faults for tests that run the real process: a folder that truly cannot be written.

As root (the tests run as root here and in CI) a permission does not stop a write, so the folder
is made read-only the way a read-only disk is: a read-only bind mount of it over itself. As any
other user, removing the write permission is enough. Where neither works the test is skipped,
saying why.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)


def _can_write(folder: Path) -> bool:
    probe = folder / ".write-probe"
    try:
        probe.write_text("x")
    except OSError:
        return False
    probe.unlink()
    return True


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """Make `folder` (which exists, with whatever the test put in it) read-only for the whole
    `with` block, for this process and its children; writable again afterwards."""
    if os.geteuid() == 0:
        if shutil.which("mount") is None:
            pytest.skip("needs `mount` to make a read-only folder as root")
        bound = _run("mount", "--bind", str(folder), str(folder))
        if bound.returncode != 0:
            pytest.skip(f"cannot make a read-only folder as root: mount --bind failed "
                        f"({bound.stderr.strip()})")
        try:
            ro = _run("mount", "-o", "remount,bind,ro", str(folder))
            if ro.returncode != 0:
                pytest.skip(f"cannot remount read-only: {ro.stderr.strip()}")
            assert not _can_write(folder), "the read-only mount still takes writes"
            yield folder
        finally:
            _run("umount", str(folder))
        return
    modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")]}
    for path, mode in modes.items():
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        if _can_write(folder):
            pytest.skip("removing the write permission does not stop writes here")
        yield folder
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


@contextlib.contextmanager
def small_disk(folder: Path, size_kb: int = 300) -> Iterator[Path]:
    """Make `folder` (created empty if missing) a disk of its own of `size_kb` kilobytes (a
    tmpfs mounted on it) for the `with` block, so it can really be filled; unmounted afterwards
    (whatever was written there goes with it). Skipped, saying why, where mounting is not
    possible (not root, no `mount`, a container without the permission)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small disk (tmpfs)")
    if shutil.which("mount") is None:
        pytest.skip("needs `mount` to make a small disk")
    folder.mkdir(parents=True, exist_ok=True)
    mounted = _run("mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small disk: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        _run("umount", "-l", str(folder))


def fill(folder: Path) -> Path:
    """Fill the disk `folder` is on until not one more byte fits; the file that fills it
    (remove it to free the space)."""
    filler = folder / "filler.bin"
    block = b"\0" * 4096
    with filler.open("ab", buffering=0) as f:
        for size in (4096, 512, 1):
            try:
                while f.write(block[:size]):
                    pass
            except OSError:
                continue
    return filler


def free(folder: Path) -> None:
    """Undo `fill`."""
    (folder / "filler.bin").unlink(missing_ok=True)
