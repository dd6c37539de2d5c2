"""`coach run` in a real terminal names exercises as the person knows them, never by id."""

from __future__ import annotations

import os
import sys
from datetime import datetime

import pytest

from coach.core.records import Screening
from coach.core.safety import RED_FLAGS
from coach.storage.history import HistoryStore
from tests.cli.test_run_safety import Terminal, env_for

ONE_EXERCISE = '''schema = 1

[[routine]]
id = "just-cat-camel"
name = "Just cat-camel"
description = "One exercise."

[[routine.item]]
exercise = "cat-camel"
'''


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_this_hurts_names_the_easier_exercise_by_its_name(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    with HistoryStore.open(data / "history.db") as store:  # the red-flag screen was answered
        store.record_screening(Screening(datetime.now().astimezone(),
                                         {f.id: False for f in RED_FLAGS}))
    routine = tmp_path / "one.toml"
    routine.write_text(ONE_EXERCISE, encoding="utf-8")
    term = Terminal([sys.executable, "-m", "coach", "run", "just-cat-camel", "--catalogue",
                     str(routine), "--mute"], env_for(data))
    try:
        for question in ("Back pain now", "Leg pain now", "n no change (Enter to skip): ",
                         "[y/n, Enter to skip] "):
            term.expect(question)
            term.send("")
        term.expect("== Cat-camel")
        os.write(term.master, b"h")
        said = term.expect("instead.")
        assert "Ask your physiotherapist about Pelvic tilt instead." in said
        assert "'pelvic-tilt'" not in said
    finally:
        term.proc.kill()
        term.proc.wait()
        os.close(term.master)
