"""Searching the catalogue: every word typed is looked for in everything the exercise says."""

from __future__ import annotations

import dataclasses

import pytest

from coach.core.browse import ExerciseFilter, text_matches
from coach.core.models import Category
from tests.helpers.factories import exercise


def described(**fields) -> object:
    return dataclasses.replace(exercise("plain", name="Plain one", steps=("Lie down.",)),
                               **fields)


@pytest.mark.parametrize(("field", "value"), [
    ("summary", "Eases sciatica in the buttock."),
    ("cautions", ("Go gently if you have sciatica.",)),
    ("stop_if", ("your sciatica gets worse",)),
    ("steps", ("Ease the sciatica by lying still.",)),
    ("name", "Sciatica relief"),
])
def test_a_word_is_found_in_every_part_of_an_exercise(field, value):
    assert text_matches("sciatica", described(**{field: value}))
    assert not text_matches("sciatica", described())


def test_the_category_is_found_in_plain_words():
    glide = described(category=Category.NERVE_GLIDE)
    assert text_matches("nerve glide", glide)
    assert text_matches("nerve-glide", glide)


def test_a_longer_form_of_a_word_finds_the_exercise():
    ex = described(summary="Slides the sciatic nerve and stretches the hamstring.")
    assert text_matches("sciatica", ex)
    assert text_matches("Stretching", ex)
    assert text_matches("hamstrings", ex)
    assert text_matches("ham", ex)  # part of a word, as before


def test_every_word_must_match_and_short_words_are_not_stretched():
    ex = described(summary="Lie on your back.")
    assert text_matches("back lie", ex)
    assert not text_matches("back knee", ex)
    assert not text_matches("lied", described(summary="Lie down."))  # "lie" is too short
    assert not text_matches("sciaticabcd", described(summary="The sciatic nerve."))


def test_empty_text_matches_everything():
    assert ExerciseFilter(text="  ").matches(described())
