"""Small helpers for the words people read."""

from __future__ import annotations

from collections.abc import Sequence


def counted(n: int, word: str, words: str | None = None) -> str:
    """`n` and the word in the right number: "1 exercise", "3 exercises", "7,001 problems";
    `words` for a plural that is not `word` + "s" ("1 person", "2 people")."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def joined(items: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
