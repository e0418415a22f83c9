"""The VADER converter keeps negative single words."""

from __future__ import annotations

from streams.extraction.build_negative_words import negative_words
from streams.extraction.lexicons import load_lexicons


def test_only_negative_single_words_are_kept() -> None:
    rows = [("failed", -2.3), ("vacuous", -1.2), ("odd", -0.6), ("mild", -0.3), ("good", 1.9), (":(", -1.9)]
    lexicon = "".join(f"{word}\t{valence}\t0.5\t[]\n" for word, valence in rows)
    assert negative_words(lexicon) == ["failed", "odd", "vacuous"]


def test_shipped_list_is_lower_case_and_judges_no_neutral_word() -> None:
    words = load_lexicons().negative_words
    assert {"failed", "betrayed", "shameful"} <= words
    assert all(w == w.lower() for w in words)
    assert not {"said", "government", "plan", "good"} & words
