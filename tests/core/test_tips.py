"""The posture and lifting tips: the facts sheet's points, short, in the project's own words."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.core.tips import TIPS, TipTopic, tips_by_topic

SEEDS = Path("/work/shared/seeds")


def all_text() -> str:
    return " ".join(t.title + " " + t.text for t in TIPS).lower()


def test_every_point_of_the_facts_sheet_has_a_card():
    text = all_text()
    for point in ("rolled-up towel", "stand up", "both feet", "bend at your knees and hips",
                  "back straight", "close to your tummy", "do not twist", "sleep",
                  "tell your physiotherapist", "coughing and sneezing"):
        assert point in text, point


def test_cards_are_short_and_ids_unique():
    assert len({t.id for t in TIPS}) == len(TIPS)
    for tip in TIPS:
        assert len(tip.title) <= 60
        assert 1 <= len(tip.lines) <= 4
        assert all(len(line) <= 120 for line in tip.lines)


def test_tips_are_grouped_by_topic_in_order():
    groups = tips_by_topic()
    assert [g[0] for g in groups] == list(TipTopic)
    assert sum(len(g[1]) for g in groups) == len(TIPS)


def test_no_sentence_is_copied_from_the_source_articles():
    articles = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not articles:
        pytest.skip(f"the source articles are not here ({SEEDS})")
    sources = " ".join(p.read_text(encoding="utf-8", errors="ignore").lower() for p in articles)
    for tip in TIPS:
        for line in tip.lines:
            words = line.lower().split()
            # No run of eight words in a row appears in the articles.
            for i in range(max(0, len(words) - 7)):
                assert " ".join(words[i:i + 8]) not in sources, line
