"""Feed items made into Articles: full text from the feed or the page, else the summary and the reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from schemas import Article
from streams.ingest.feeds import FeedItem
from streams.ingest.fetch import FetchError
from streams.ingest.hygiene import clean_line, clean_text, detect_language
from streams.ingest.ids import article_id

__all__ = ["NoTextError", "PageFetcher", "article_record", "item_article", "make_article"]

#: Returns the main text of the page at a URL, or raises FetchError.
PageFetcher = Callable[[str], Awaitable[str]]


class NoTextError(ValueError):
    """An item with neither usable page text nor a summary."""


def make_article(
    *,
    id: str,
    body: str,
    title: str | None = None,
    url: str | None = None,
    published_at: dt.datetime | None = None,
    source: str | None = None,
    body_is_summary: bool = False,
    fetch_error: str | None = None,
) -> Article:
    """An Article with clean text and its language detected from title and body."""
    body = clean_text(body)
    title = clean_line(title) if title else None
    return Article(
        id=id,
        body=body,
        title=title or None,
        url=url,
        published_at=published_at,
        source=source,
        language=detect_language(f"{title}\n\n{body}" if title else body),
        body_is_summary=body_is_summary,
        fetch_error=fetch_error,
    )


async def item_article(item: FeedItem, *, id_prefix: str, source: str | None, fetch_page: PageFetcher) -> Article:
    """The Article of a feed item, fetching the page when the feed carries only a summary.

    A failed page keeps the summary: ``body_is_summary`` is set and ``fetch_error`` says why.
    """
    body, error = item.content, None
    if not body:
        if item.link:
            try:
                body = _without_title(clean_text(await fetch_page(item.link)), item.title)
            except FetchError as exc:
                error = str(exc)
        else:
            error = "no link to fetch the page from"
    if body:
        is_summary = False
    elif item.summary:
        body, is_summary = item.summary, True
    else:
        message = f"no text: page {error}" if item.link else "no text: no summary and no link"
        raise NoTextError(message)
    return make_article(
        id=article_id(id_prefix, item.key),
        body=body,
        title=item.title,
        url=item.link,
        published_at=item.published_at,
        source=source,
        body_is_summary=is_summary,
        fetch_error=error,
    )


def _without_title(text: str, title: str | None) -> str:
    """``text`` without a first line repeating the title (pages often open with their headline)."""
    first, _, rest = text.partition("\n")
    return rest.strip() if title and first.strip().casefold() == title.casefold() and rest.strip() else text


def article_record(article: Article) -> tuple[bytes, bytes]:
    """The Kafka record of an article: key the id, value its JSON."""
    return article.id.encode(), article.model_dump_json(exclude_none=True).encode()
