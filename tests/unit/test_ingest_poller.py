"""The feed poller against a local HTTP server: pages, failures, limits, dedup across restarts, ETag, backoff."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from schemas import Article
from streams.ingest.feeds import FeedSpec
from streams.ingest.fetch import Limits, new_client
from streams.ingest.poller import Poller, PollResult, backoff_delay
from streams.ingest.store import SeenStore
from tests.fixtures.feeds.server import FeedServer, Route, rss_feed

PAGE_LIMITS = Limits(timeout=2.0, max_bytes=100_000)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


async def poll_once(
    feeds: Sequence[str | FeedSpec], data_dir: Path, *, fail_publish: bool = False, **options: object
) -> tuple[list[Article], list[PollResult]]:
    """One poll of every feed by a fresh poller (like a restart) on ``data_dir``; what it published."""
    published: list[Article] = []

    async def publish(articles: Sequence[Article]) -> None:
        if fail_publish:
            message = "broker unreachable"
            raise ConnectionError(message)
        published.extend(articles)

    specs = [feed if isinstance(feed, FeedSpec) else FeedSpec(feed) for feed in feeds]
    options = {"page_limits": PAGE_LIMITS, **options}
    async with new_client() as client:
        with SeenStore.in_dir(data_dir) as store:
            poller = Poller(specs, store=store, publish=publish, client=client, **options)  # type: ignore[arg-type]
            results = await poller.run(once=True)
    return published, results


def events(caplog: pytest.LogCaptureFixture, name: str) -> list[dict[str, object]]:
    return [record.fields for record in caplog.records if getattr(record, "event", None) == name]  # type: ignore[attr-defined]


async def test_rss_items_become_articles_from_content_page_or_summary(server: FeedServer, tmp_path: Path) -> None:
    feed = server.fixture("/rss.xml", "rss.xml")
    server.fixture("/pages/article-en.html", "article-en.html", content_type="text/html; charset=utf-8")

    published, results = await poll_once([feed], tmp_path)

    assert results == [PollResult(feed, "fetched", published=3)]
    by_title = {article.title: article for article in published}
    deal = by_title["Ministers agree budget deal"]
    assert deal.url == f"{server.base}/news/budget-deal"
    assert deal.id.startswith("127.0.0.1:")
    assert deal.source == "Example Wire & World"
    assert deal.published_at == dt.datetime(2024, 1, 2, 9, 0, tzinfo=dt.UTC)
    assert "worth £3bn" in deal.body  # mojibake fixed
    assert "the plan ‘doesn’t add up’ and" in deal.body
    assert (deal.body_is_summary, deal.fetch_error, deal.language) == (False, None, "en")
    talks = by_title["Talks on border dispute resume"]
    assert talks.body.startswith("Negotiators from both countries met again in Geneva")
    assert "Sign in" not in talks.body
    assert "All rights reserved" not in talks.body
    assert (talks.body_is_summary, talks.fetch_error) == (False, None)
    protest = by_title["Protest planned outside parliament"]
    assert protest.body == "Unions called a protest outside parliament on Friday over pension cuts."
    assert (protest.body_is_summary, protest.fetch_error) == (True, "HTTP 404")
    page_request = server.requests_to("/pages/article-en.html")[0]
    assert page_request["user-agent"].startswith("newsevents/")


async def test_atom_entries_and_a_non_english_article(server: FeedServer, tmp_path: Path) -> None:
    feed = server.fixture("/atom.xml", "atom.xml", content_type="application/atom+xml")

    published, _ = await poll_once([FeedSpec(feed, name="Dispatch")], tmp_path)

    by_title = {article.title: article for article in published}
    accord = by_title["Envoys sign ceasefire accord"]
    assert accord.url == f"{server.base}/news/ceasefire-accord"
    assert (accord.language, accord.source, accord.body_is_summary) == ("en", "Dispatch", False)
    sanctions = by_title["Regierung beschließt neue Sanktionen"]
    assert sanctions.language == "de"
    assert sanctions.body.startswith("Die Bundesregierung hat am Montag")


async def test_bad_items_are_reported_and_the_good_one_published(
    server: FeedServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    feed = server.fixture("/bad.xml", "bad_item.xml")

    with caplog.at_level(logging.INFO, logger="streams.ingest"):
        published, results = await poll_once([feed], tmp_path)

    assert results == [PollResult(feed, "fetched", published=1, invalid=2)]
    (mayor,) = published
    assert mayor.title == "Mayor resigns after audit"
    assert (mayor.body_is_summary, mayor.fetch_error) == (True, "no link to fetch the page from")
    problems = [fields["problem"] for fields in events(caplog, "item.invalid")]
    assert problems == ["entry 1: no link or guid, so no stable id", "no text: no summary and no link"]


@pytest.mark.parametrize(
    ("route", "error"),
    [
        (Route(b"<html><body><p>late</p></body></html>", delay=1.0), "timed out after 0.3 s"),
        (Route(b"<p>" + b"x" * 5000 + b"</p>"), "larger than 1000 bytes"),
        (Route(b"<p>" + b"x" * 5000 + b"</p>", send_length=False), "larger than 1000 bytes"),
        (Route(b"%PDF-1.7", content_type="application/pdf"), "not an HTML page: application/pdf"),
    ],
    ids=["slow", "declared-too-large", "streamed-too-large", "not-html"],
)
async def test_a_page_that_fails_keeps_the_summary_and_says_why(
    server: FeedServer, tmp_path: Path, caplog: pytest.LogCaptureFixture, route: Route, error: str
) -> None:
    link = server.add("/pages/story.html", route)
    feed = server.add(
        "/one.xml", Route(rss_feed(("A story", link, "Short summary.")), content_type="application/rss+xml")
    )

    with caplog.at_level(logging.INFO, logger="streams.ingest"):
        (article,), _ = await poll_once([feed], tmp_path, page_limits=Limits(timeout=0.3, max_bytes=1000))

    assert (article.body, article.body_is_summary, article.fetch_error) == ("Short summary.", True, error)
    assert events(caplog, "page.failed") == [{"url": link, "reason": error}]


async def test_a_restart_does_not_republish_and_updates_keep_their_id(server: FeedServer, tmp_path: Path) -> None:
    link = f"{server.base}/news/story"
    first = rss_feed(("Story", link + "?utm_source=rss", "First version."))
    feed = server.add("/one.xml", Route(first, content_type="application/rss+xml"))
    (original,), _ = await poll_once([feed], tmp_path)

    republished, _ = await poll_once([feed], tmp_path)
    assert republished == []

    updated = rss_feed(("Story (updated)", link + "#top", "Updated."), ("Other", f"{server.base}/news/other", "New."))
    server.routes["/one.xml"] = Route(updated, content_type="application/rss+xml")
    after_update, _ = await poll_once([feed], tmp_path)
    assert [article.url for article in after_update] == [f"{server.base}/news/other"]
    assert original.id != after_update[0].id


async def test_an_unchanged_feed_answers_304_to_its_etag_and_nothing_is_published(
    server: FeedServer, tmp_path: Path
) -> None:
    modified = "Tue, 02 Jan 2024 12:00:00 GMT"
    feed = server.fixture("/bad.xml", "bad_item.xml", etag='"v1"', headers={"Last-Modified": modified})

    first, _ = await poll_once([feed], tmp_path)
    second, results = await poll_once([feed], tmp_path)

    assert len(first) == 1
    assert second == []
    assert results == [PollResult(feed, "not_modified")]
    initial, conditional = server.requests_to("/bad.xml")
    assert "if-none-match" not in initial
    assert conditional["if-none-match"] == '"v1"'
    assert conditional["if-modified-since"] == modified


async def test_a_failed_publish_records_nothing_so_the_next_poll_retries(server: FeedServer, tmp_path: Path) -> None:
    feed = server.fixture("/bad.xml", "bad_item.xml", etag='"v1"')

    nothing, results = await poll_once([feed], tmp_path, fail_publish=True)
    assert nothing == []
    assert results == [PollResult(feed, "failed", error="ConnectionError: broker unreachable")]

    retried, _ = await poll_once([feed], tmp_path)
    assert len(retried) == 1
    assert "if-none-match" not in server.requests_to("/bad.xml")[1]


async def test_the_same_article_in_two_feeds_of_a_host_is_published_once(server: FeedServer, tmp_path: Path) -> None:
    feeds = [server.fixture("/bad.xml", "bad_item.xml"), server.fixture("/bad-copy.xml", "bad_item.xml")]

    published, _ = await poll_once(feeds, tmp_path)

    assert len(published) == 1


def test_backoff_doubles_from_the_interval_up_to_the_cap() -> None:
    assert [backoff_delay(failures, 10, 35) for failures in range(5)] == [10, 10, 20, 35, 35]


async def test_failing_feeds_back_off_and_recover(
    server: FeedServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    feed = server.add("/flaky.xml", Route(b"down", status=503))
    now = [0.0]
    waits: list[float] = []

    class Stop(Exception):
        pass

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds
        if len(waits) == 4:
            server.fixture("/flaky.xml", "bad_item.xml")
        if len(waits) == 6:
            raise Stop

    async def publish(articles: Sequence[Article]) -> None:
        pass

    async with new_client() as client:
        with SeenStore.in_dir(tmp_path) as store:
            poller = Poller(
                [FeedSpec(feed)],
                store=store,
                publish=publish,
                client=client,
                interval=10,
                max_backoff=35,
                clock=lambda: now[0],
                sleep=sleep,
            )
            with caplog.at_level(logging.INFO, logger="streams.ingest"), pytest.raises(Stop):
                await poller.run()

    assert waits == [10, 20, 35, 35, 10, 10]
    failures = events(caplog, "feed.failed")
    assert [(f["error"], f["failures"], f["retry_in"]) for f in failures][:2] == [
        ("HTTP 503", 1, 10),
        ("HTTP 503", 2, 20),
    ]


async def test_a_single_poll_does_not_promise_a_retry(
    server: FeedServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    feed = server.add("/down.xml", Route(b"down", status=503))
    with caplog.at_level(logging.INFO, logger="streams.ingest"):
        _, results = await poll_once([feed], tmp_path)

    assert [result.status for result in results] == ["failed"]
    (failure,) = [record for record in caplog.records if getattr(record, "event", None) == "feed.failed"]
    assert "not retried" in failure.getMessage() and "retry in" not in failure.getMessage()
    assert failure.fields["retry_in"] is None  # type: ignore[attr-defined]
