"""Feed ingestion through the embedded broker: the poller and the `feed` command publish readable Articles."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from schemas import Article
from streams.cli import main
from streams.ingest.articles import article_record
from streams.ingest.feeds import FeedSpec
from streams.ingest.fetch import Limits, new_client
from streams.ingest.poller import Poller
from streams.ingest.store import SeenStore
from streams.kafka_io import publish
from streams.settings import Settings
from streams.topics import ARTICLES
from tests.fixtures.feeds.server import FIXTURES, FeedServer, Route
from tests.integration.helpers import collect

pytestmark = pytest.mark.integration


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        running.fixture("/rss.xml", "rss.xml")
        running.fixture("/pages/article-en.html", "article-en.html", content_type="text/html; charset=utf-8")
        running.fixture("/atom.xml", "atom.xml", content_type="application/atom+xml", etag='"a1"')
        yield running


def articles_on_topic(settings: Settings) -> list[Article]:
    records = collect(settings, ARTICLES, idle_timeout=1.0)
    articles = [Article.model_validate(orjson.loads(record.value)) for record in records]
    assert [record.key for record in records] == [article.id.encode() for article in articles]
    return articles


def test_the_poller_publishes_articles_readable_from_the_topic(
    settings: Settings, server: FeedServer, tmp_path: Path
) -> None:
    assert settings.broker is not None
    broker, topic = settings.broker, settings.topic(ARTICLES)

    async def to_kafka(articles: Sequence[Article]) -> None:
        await publish(broker, topic, [article_record(article) for article in articles])

    async def poll() -> None:
        async with new_client() as client:
            with SeenStore.in_dir(tmp_path) as store:
                feeds = [FeedSpec(server.base + "/rss.xml"), FeedSpec(server.base + "/atom.xml")]
                poller = Poller(feeds, store=store, publish=to_kafka, client=client, page_limits=Limits(timeout=2))
                await poller.run(once=True)

    asyncio.run(poll())
    asyncio.run(poll())  # a restart: nothing new

    articles = articles_on_topic(settings)
    assert len(articles) == 5
    by_title = {article.title: article for article in articles}
    assert by_title["Protest planned outside parliament"].fetch_error == "HTTP 404"
    assert by_title["Talks on border dispute resume"].body.startswith("Negotiators from both countries")
    assert by_title["Regierung beschließt neue Sanktionen"].language == "de"


def test_feed_rss_once_publishes_then_publishes_nothing_new(
    settings: Settings, server: FeedServer, cli_env: list[str]
) -> None:
    args = ["feed", "--rss", server.base + "/rss.xml", server.base + "/atom.xml", "--once", "--timeout", "2", *cli_env]

    first = CliRunner().invoke(main, args)
    second = CliRunner().invoke(main, args)

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert len(articles_on_topic(settings)) == 5
    logs = [orjson.loads(line) for line in first.stderr.splitlines()]
    assert {"feed.start", "feed.polled", "page.failed"} <= {log["event"] for log in logs}
    polled = [log for log in logs if log["event"] == "feed.polled"]
    assert sum(log["published"] for log in polled) == 5
    again = [orjson.loads(line) for line in second.stderr.splitlines()]
    assert sorted(log["status"] for log in again if log["event"] == "feed.polled") == [200, 304]


def test_feed_once_exits_1_when_a_feed_fails(settings: Settings, server: FeedServer, cli_env: list[str]) -> None:
    server.add("/gone.xml", Route(b"gone", status=410))
    result = CliRunner().invoke(main, ["feed", "--rss", server.base + "/gone.xml", "--once", *cli_env])

    assert result.exit_code == 1
    failed = [orjson.loads(line) for line in result.stderr.splitlines() if '"feed.failed"' in line]
    assert failed[0]["error"] == "HTTP 410"


def test_feed_from_a_feeds_file(settings: Settings, server: FeedServer, cli_env: list[str], tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - url: {server.base}/atom.xml\n    name: Dispatch\n")

    result = CliRunner().invoke(main, ["feed", "--feeds", str(feeds), "--once", *cli_env])

    assert result.exit_code == 0, result.output
    assert {article.source for article in articles_on_topic(settings)} == {"Dispatch"}


def test_feed_csv_publishes_every_row_with_text(settings: Settings, cli_env: list[str]) -> None:
    path = FIXTURES / "bbc_sample.csv"
    result = CliRunner().invoke(main, ["feed", "--csv", str(path), "--text-column", "text", *cli_env])

    assert result.exit_code == 0, result.output
    articles = articles_on_topic(settings)
    assert len(articles) == 3
    assert sum("£40,000" in article.body for article in articles) == 2
    logs = [orjson.loads(line) for line in result.stderr.splitlines()]
    assert [log["problem"] for log in logs if log["event"] == "item.invalid"] == ["bbc_sample.csv row 3: empty 'text'"]


def test_feed_paths_still_publish_files(settings: Settings, cli_env: list[str], tmp_path: Path) -> None:
    path = tmp_path / "story-1.txt"
    path.write_text("A headline\n\nMinisters met in Paris on Monday.\n")

    result = CliRunner().invoke(main, ["feed", str(path), *cli_env])

    assert result.exit_code == 0, result.output
    assert f"published 1 records to {settings.topic(ARTICLES)}" in result.output
    assert [article.id for article in articles_on_topic(settings)] == ["story-1"]
