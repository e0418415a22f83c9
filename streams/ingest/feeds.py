"""The feed list (feeds.yaml) and RSS/Atom documents parsed into items, bad items reported not raised."""

from __future__ import annotations

import calendar
import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser
import yaml

from streams.ingest.hygiene import clean_line, clean_text, html_to_text
from streams.ingest.ids import canonical_url

__all__ = ["FeedError", "FeedItem", "FeedSpec", "ParsedFeed", "load_feeds", "parse_feed"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class FeedSpec:
    """One feed to poll; ``name`` overrides the feed's own title as the articles' source."""

    url: str
    name: str | None = None
    interval: float | None = None


@dataclass(frozen=True)
class FeedItem:
    """One feed entry, as clean text; ``key`` is what its id derives from (URL without scheme, or guid)."""

    key: str
    link: str | None
    title: str | None
    summary: str
    content: str | None
    published_at: dt.datetime | None


@dataclass(frozen=True)
class ParsedFeed:
    """The items of a feed document and one message per entry that could not become an item."""

    title: str | None
    items: list[FeedItem]
    problems: list[str]


class FeedError(Exception):
    """The document is not a feed at all."""


def load_feeds(path: Path) -> list[FeedSpec]:
    """Read a feeds file: ``feeds:`` listing URLs or mappings with ``url``, optional ``name`` and ``interval``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        message = f"{path}: not valid YAML: {exc}"
        raise ValueError(message) from exc
    entries = data.get("feeds") if isinstance(data, Mapping) else data
    if not isinstance(entries, list) or not entries:
        message = f"{path}: expected a non-empty list under 'feeds:'"
        raise ValueError(message)
    specs = []
    for number, entry in enumerate(entries, start=1):
        fields: Mapping[str, Any] = {"url": entry} if isinstance(entry, str) else entry
        url = fields.get("url") if isinstance(fields, Mapping) else None
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            message = f"{path}: feed {number} needs an http(s) url"
            raise ValueError(message)
        interval = fields.get("interval")
        if interval is not None and (not isinstance(interval, int | float) or interval <= 0):
            message = f"{path}: feed {number}: interval must be a positive number of seconds"
            raise ValueError(message)
        name = fields.get("name")
        specs.append(FeedSpec(url=url, name=str(name) if name else None, interval=interval))
    return specs


def parse_feed(data: bytes, *, base_url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse an RSS or Atom document; relative links resolve against ``base_url``.

    Raises :class:`FeedError` only when nothing feed-like was found; a malformed entry becomes a problem.
    """
    headers = {"content-location": base_url, **({"content-type": content_type} if content_type else {})}
    parsed = feedparser.parse(data, response_headers=headers)
    if parsed.bozo and not parsed.entries:
        message = f"not a feed: {parsed.get('bozo_exception') or 'no entries'}"
        raise FeedError(message)
    if not parsed.version and not parsed.entries:
        message = "not a feed: no RSS or Atom root element"
        raise FeedError(message)
    title = parsed.feed.get("title")
    items, problems = [], []
    for number, entry in enumerate(parsed.entries, start=1):
        item = _item(entry)
        if isinstance(item, str):
            problems.append(f"entry {number}: {item}")
        else:
            items.append(item)
    return ParsedFeed(title=clean_line(title or "") or None, items=items, problems=problems)


def _item(entry: Mapping[str, Any]) -> FeedItem | str:
    """The item of one entry, or why there is none."""
    link = entry.get("link")
    guid = entry.get("id")
    if link:
        link = canonical_url(link)
        key = link.partition("://")[2]
    elif guid:
        key = f"guid:{guid.strip()}"
    else:
        return "no link or guid, so no stable id"
    title = _text(entry.get("title_detail"), entry.get("title"))
    summary = _text(entry.get("summary_detail"), entry.get("summary"))
    contents = [_text(content, content.get("value")) for content in entry.get("content", [])]
    content = max(contents, key=len, default="")
    # feedparser copies lone content into `summary` without a summary_detail: then the content is the body.
    if content and (len(content) > len(summary) or "summary_detail" not in entry):
        full = content
    else:
        full = None
    if not (title or summary or full or link):
        return "no title, text or link"
    return FeedItem(
        key=key,
        link=link or None,
        title=clean_line(title) or None,
        summary=summary,
        content=full,
        published_at=_time(entry.get("published_parsed") or entry.get("updated_parsed")),
    )


def _text(detail: Mapping[str, Any] | None, value: str | None) -> str:
    if not value:
        return ""
    kind = (detail or {}).get("type", "text/html")
    return html_to_text(value) if kind in _HTML_TYPES else clean_text(value)


def _time(parsed: time.struct_time | None) -> dt.datetime | None:
    # feedparser normalises dates to UTC struct_time.
    return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.UTC) if parsed else None
