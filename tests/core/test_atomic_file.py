"""The atomic writer: shared files follow the umask, private ones are the owner's only."""

from __future__ import annotations

import os
import stat

import pytest

from coach.core.atomic_file import replacing
from coach.core.prescription import write_atomically


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


def test_a_private_file_is_readable_by_its_owner_only_whatever_the_umask(tmp_path, umask_027):
    path = tmp_path / "settings.toml"
    with replacing(path) as f:
        f.write("x = 1\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_prescription_file_gets_the_permissions_the_umask_gives(tmp_path, umask_027):
    path = tmp_path / "for-the-patient.toml"
    write_atomically(path, "schema = 1\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
