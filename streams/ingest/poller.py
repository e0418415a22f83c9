"""The polling loop: conditional GET of due feeds, new items made into Articles, published, then recorded."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import httpx

from schemas import Article
from streams.ingest.articles import NoTextError, item_article
from streams.ingest.feeds import FeedError, FeedItem, FeedSpec, parse_feed
from streams.ingest.fetch import FetchError, Limits, get, page_text
from streams.ingest.ids import article_id, host_of
from streams.ingest.logs import emit
from streams.ingest.store import SeenStore

__all__ = ["Poller", "PollResult", "Publish", "backoff_delay"]

#: Publishes a batch of articles; raising leaves them unrecorded, so the next poll retries them.
Publish = Callable[[Sequence[Article]], Awaitable[object]]


@dataclass(frozen=True)
class PollResult:
    """What one poll of one feed did."""

    feed: str
    status: Literal["fetched", "not_modified", "failed"]
    published: int = 0
    invalid: int = 0
    error: str | None = None


def backoff_delay(failures: int, base: float, cap: float) -> float:
    """Seconds until the next poll after ``failures`` consecutive failures: ``base`` doubling, at most ``cap``."""
    return min(cap, base * 2 ** (failures - 1)) if failures else base


@dataclass
class _Schedule:
    due: float = 0.0
    failures: int = 0


class Poller:
    """Polls feeds and publishes every item not published before (by id, across restarts via the store)."""

    def __init__(
        self,
        feeds: Sequence[FeedSpec],
        *,
        store: SeenStore,
        publish: Publish,
        client: httpx.AsyncClient,
        interval: float = 300.0,
        max_backoff: float = 3600.0,
        feed_limits: Limits = Limits(max_bytes=10_000_000),  # noqa: B008 - frozen dataclass
        page_limits: Limits = Limits(),  # noqa: B008 - frozen dataclass
        page_concurrency: int = 4,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.feeds = list({feed.url: feed for feed in feeds}.values())
        self.store = store
        self.publish = publish
        self.client = client
        self.interval = interval
        self.max_backoff = max_backoff
        self.feed_limits = feed_limits
        self.page_limits = page_limits
        self._pages = asyncio.Semaphore(page_concurrency)
        self._clock = clock
        self._sleep = sleep
        self._schedule = {feed.url: _Schedule() for feed in self.feeds}
        self._claimed: set[str] = set()  # ids being published by a concurrent poll of another feed

    async def run(self, *, once: bool = False) -> list[PollResult]:
        """Poll each feed when due, forever; with ``once`` poll every feed one time and return the results."""
        if once:
            return list(await asyncio.gather(*(self.poll(feed, retry=False) for feed in self.feeds)))
        while True:
            now = self._clock()
            due = [feed for feed in self.feeds if self._schedule[feed.url].due <= now]
            await asyncio.gather(*(self.poll(feed) for feed in due))
            wait = max(0.0, min(s.due for s in self._schedule.values()) - self._clock())
            emit(logging.INFO, "poll.waiting", f"next poll in {wait:.0f} s", next_in=round(wait, 1))
            await self._sleep(wait)

    async def poll(self, feed: FeedSpec, *, retry: bool = True) -> PollResult:
        """Poll ``feed`` now; a failure is logged and returned, and pushes its next poll back exponentially
        (``retry=False``: a single poll, the failure is final)."""
        schedule = self._schedule[feed.url]
        try:
            result = await self._poll(feed)
        except (FetchError, FeedError) as exc:
            result = PollResult(feed.url, "failed", error=str(exc))
        except Exception as exc:  # e.g. the broker is down: this feed fails, the others go on
            name = type(exc).__name__
            result = PollResult(feed.url, "failed", error=str(exc) if str(exc).startswith(name) else f"{name}: {exc}")
        interval = feed.interval or self.interval
        if result.status == "failed":
            schedule.failures += 1
            delay = backoff_delay(schedule.failures, interval, max(self.max_backoff, interval))
            then = f"retry in {delay:.0f} s" if retry else "not retried: single poll (--once)"
            emit(
                logging.WARNING,
                "feed.failed",
                f"{feed.url}: {result.error} (failure {schedule.failures}, {then})",
                feed=feed.url,
                error=result.error,
                failures=schedule.failures,
                retry_in=delay if retry else None,
            )
        else:
            schedule.failures = 0
            delay = interval
        schedule.due = self._clock() + delay
        return result

    async def _poll(self, feed: FeedSpec) -> PollResult:
        etag, modified = self.store.feed_state(feed.url)
        conditional = {"If-None-Match": etag} if etag else {}
        if modified:
            conditional["If-Modified-Since"] = modified
        response = await get(self.client, feed.url, self.feed_limits, conditional)
        if response.status == 304:
            emit(logging.INFO, "feed.polled", f"{feed.url}: not modified", feed=feed.url, status=304, published=0)
            return PollResult(feed.url, "not_modified")
        parsed = parse_feed(response.body, base_url=response.url, content_type=response.headers.get("content-type"))
        for problem in parsed.problems:
            emit(logging.WARNING, "item.invalid", f"{feed.url}: {problem}", feed=feed.url, problem=problem)
        prefix = host_of(feed.url)
        source = feed.name or parsed.title or prefix
        by_id = {article_id(prefix, item.key): item for item in parsed.items}
        new = [i for i in self.store.unseen(by_id) if i not in self._claimed]
        self._claimed.update(new)
        try:
            built = await asyncio.gather(*(self._article(feed, by_id[i], prefix, source) for i in new))
            articles = [article for article in built if article is not None]
            if articles:
                await self.publish(articles)
            state = (response.headers.get("etag"), response.headers.get("last-modified"))
            self.store.commit([article.id for article in articles], feed=feed.url, state=state)
        finally:
            self._claimed.difference_update(new)
        invalid = len(parsed.problems) + len(built) - len(articles)
        emit(
            logging.INFO,
            "feed.polled",
            f"{feed.url}: {len(parsed.items)} items, {len(articles)} published",
            feed=feed.url,
            status=response.status,
            items=len(parsed.items),
            published=len(articles),
            invalid=invalid,
        )
        return PollResult(feed.url, "fetched", published=len(articles), invalid=invalid)

    async def _article(self, feed: FeedSpec, item: FeedItem, prefix: str, source: str) -> Article | None:
        try:
            article = await item_article(item, id_prefix=prefix, source=source, fetch_page=self._page_text)
        except NoTextError as exc:
            emit(logging.WARNING, "item.invalid", f"{item.link or item.key}: {exc}", feed=feed.url, problem=str(exc))
            return None
        if article.body_is_summary and item.link:
            emit(
                logging.WARNING,
                "page.failed",
                f"{item.link}: {article.fetch_error}; the feed summary is published instead",
                url=item.link,
                reason=article.fetch_error,
            )
        return article

    async def _page_text(self, url: str) -> str:
        async with self._pages:
            return await page_text(self.client, url, self.page_limits)
