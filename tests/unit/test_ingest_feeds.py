"""Feed documents parsed into items (RSS 2.0, Atom, bad entries) and the feeds.yaml list."""

import datetime as dt
from pathlib import Path

import pytest

from streams.ingest.feeds import FeedError, FeedSpec, load_feeds, parse_feed
from tests.fixtures.feeds.server import FIXTURES

BASE = "http://feeds.test"


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes().replace(b"{base}", BASE.encode())


def test_rss_items_carry_clean_text_canonical_links_and_utc_dates() -> None:
    parsed = parse_feed(_fixture("rss.xml"), base_url=f"{BASE}/rss.xml")
    assert parsed.title == "Example Wire & World"
    assert parsed.problems == []
    full, summary_only, missing = parsed.items
    assert full.title == "Ministers agree budget deal"
    assert full.link == f"{BASE}/news/budget-deal"
    assert full.key == "feeds.test/news/budget-deal"
    assert full.content is not None
    assert full.content.startswith("Finance ministers")
    assert "£3bn" in full.content
    assert "\n\n" in full.content
    assert full.published_at == dt.datetime(2024, 1, 2, 9, 0, tzinfo=dt.UTC)
    assert summary_only.content is None
    assert summary_only.summary == "Negotiators met again in Geneva."
    assert missing.link == f"{BASE}/pages/missing.html"


def test_atom_entries_resolve_relative_links_and_use_content() -> None:
    parsed = parse_feed(_fixture("atom.xml"), base_url=f"{BASE}/atom.xml")
    assert parsed.title == "Atom Dispatch"
    accord, sanctions = parsed.items
    assert accord.link == f"{BASE}/news/ceasefire-accord"
    assert accord.content is not None
    assert accord.content.startswith("Envoys of the two governments")
    assert accord.published_at == dt.datetime(2024, 3, 5, 6, 15, tzinfo=dt.UTC)
    assert sanctions.title == "Regierung beschließt neue Sanktionen"
    assert sanctions.published_at == dt.datetime(2024, 3, 5, 7, 0, tzinfo=dt.UTC)


def test_bad_entries_are_reported_and_the_rest_kept() -> None:
    parsed = parse_feed(_fixture("bad_item.xml"), base_url=f"{BASE}/bad.xml")
    assert parsed.problems == ["entry 1: no link or guid, so no stable id"]
    assert [item.key for item in parsed.items] == ["guid:patchy-2", "guid:patchy-3"]


def test_a_guid_only_item_with_a_title_but_no_text_is_kept_for_the_article_step() -> None:
    parsed = parse_feed(_fixture("bad_item.xml"), base_url=f"{BASE}/bad.xml")
    titled = next(item for item in parsed.items if item.key == "guid:patchy-2")
    assert titled.summary == ""
    assert titled.link is None


def test_a_document_that_is_not_a_feed_raises() -> None:
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(b"<html><body><p>Hello</p></body></html>", base_url=BASE, content_type="text/html")


def test_feeds_yaml_accepts_urls_and_mappings(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "feeds:\n"
        "  - https://feeds.test/world.xml\n"
        "  - url: https://other.test/atom.xml\n"
        "    name: Other News\n"
        "    interval: 120\n"
    )
    assert load_feeds(path) == [
        FeedSpec("https://feeds.test/world.xml"),
        FeedSpec("https://other.test/atom.xml", name="Other News", interval=120),
    ]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("feeds: []\n", "non-empty list"),
        ("feeds:\n  - ftp://x.test/feed\n", "feed 1 needs an http"),
        ("feeds:\n  - url: https://x.test/f\n    interval: -5\n", "interval must be"),
        ("feeds: [\n", "not valid YAML"),
    ],
)
def test_feeds_yaml_errors_name_the_problem(tmp_path: Path, text: str, error: str) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(text)
    with pytest.raises(ValueError, match=error):
        load_feeds(path)
