"""Counts read as English: one of a thing, several things."""

from __future__ import annotations

from coach.core.words import counted, joined


def test_one_is_singular_and_every_other_count_plural():
    assert counted(1, "exercise") == "1 exercise"
    assert counted(0, "exercise") == "0 exercises"
    assert counted(3, "exercise") == "3 exercises"
    assert counted(2, "person", "people") == "2 people"


def test_names_are_joined_with_and():
    assert joined([]) == ""
    assert joined(["a.toml"]) == "a.toml"
    assert joined(["a", "b", "c"]) == "a, b and c"


def test_a_large_count_is_grouped_in_thousands_to_read_at_a_glance():
    assert counted(7001, "problem") == "7,001 problems"
