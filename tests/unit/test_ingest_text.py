"""Ingestion text pieces: hygiene, language, stable ids, the CSV corpus reader."""

from pathlib import Path

import pytest

from streams.ingest.corpus import csv_articles, first_sentence
from streams.ingest.hygiene import clean_line, clean_text, detect_language, html_to_text
from streams.ingest.ids import article_id, canonical_url, host_of
from tests.fixtures.feeds.server import FIXTURES


def test_mojibake_is_repaired_and_curly_quotes_kept() -> None:
    assert (
        clean_text("costs Â£3bn, â€˜doesnâ€™t add upâ€™ and â€œworksâ€\x9d")
        == "costs £3bn, ‘doesn’t add up’ and “works”"
    )


def test_whitespace_collapses_but_paragraphs_stay() -> None:
    assert clean_text("  One\u00a0 two\t three \n\n\n\n Four  \n") == "One two three\n\nFour"
    assert clean_line(" A\n headline \t here ") == "A headline here"


def test_html_fragments_become_paragraphs_without_scripts() -> None:
    html = "<p>First &amp; <b>bold</b></p><script>var x = 1;</script><p>Second<br>line</p>"
    assert html_to_text(html) == "First & bold\n\nSecond\n\nline"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The government announced new sanctions against several companies on Monday.", "en"),
        ("Die Bundesregierung hat am Montag neue Sanktionen gegen mehrere Unternehmen beschlossen.", "de"),
        ("Le gouvernement a annoncé lundi de nouvelles sanctions contre plusieurs entreprises.", "fr"),
        ("12345 67", None),
    ],
)
def test_language_is_detected_or_left_unset(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_canonical_url_drops_tracking_fragment_and_default_port() -> None:
    url = "HTTPS://WWW.Example.com:443/news/a?id=7&utm_source=rss&at_medium=RSS&fbclid=x#comments"
    assert canonical_url(url) == "https://www.example.com/news/a?id=7"
    assert canonical_url("http://h.test:8080") == "http://h.test:8080/"
    assert host_of("https://www.example.com/x") == "example.com"


def test_article_id_is_stable_short_and_prefixed() -> None:
    first = article_id("example.com", "example.com/news/a")
    assert first == article_id("example.com", "example.com/news/a")
    assert first.startswith("example.com:")
    assert len(first.partition(":")[2]) == 16
    assert first != article_id("example.com", "example.com/news/b")


def test_first_sentence_is_the_title_cut_at_a_word() -> None:
    assert first_sentence("Rates rise to 5.25%. Markets fell.") == "Rates rise to 5.25%."
    assert first_sentence('He said "no." Then left.') == 'He said "no."'
    long = "word " * 100
    title = first_sentence(long)
    assert len(title) <= 201
    assert title.endswith("word…")


def test_csv_rows_become_clean_articles_with_content_ids() -> None:
    rows = list(csv_articles(FIXTURES / "bbc_sample.csv", "text", source="BBC News"))
    articles = [row for row in rows if not isinstance(row, str)]
    problems = [row for row in rows if isinstance(row, str)]
    assert problems == ["bbc_sample.csv row 3: empty 'text'"]
    assert len(articles) == 3
    first = articles[0]
    assert "£40,000" in first.body
    assert "Â" not in first.body
    assert first.title is not None
    assert first.title.startswith("Minister quits over expenses row")
    assert first.title.endswith("second home.")
    assert first.id.startswith("bbc_sample.csv:")
    assert first.source == "BBC News"
    assert first.language == "en"
    assert articles[1].body.endswith('"a victory for common sense" and called off further action.')
    assert articles[2].id == first.id  # a duplicate row has the same id


def test_csv_without_the_text_column_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("body,category\nSome text,tech\n")
    with pytest.raises(ValueError, match="no column 'text' \\(columns: body, category\\)"):
        list(csv_articles(path, "text"))
