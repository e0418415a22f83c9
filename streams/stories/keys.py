"""Which story an event belongs to, and the names used to count articles' outlets."""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlsplit

from schemas import Actor, Event

__all__ = ["actor_code", "partition_key", "source_name", "story_group", "story_id"]


def actor_code(actor: Actor | None) -> str:
    """Country + sector, e.g. ``USAGOV``; ``''`` for no actor, the country alone when the sector is unknown."""
    if actor is None:
        return ""
    return f"{actor.country or ''}{actor.sector or ''}"


def partition_key(event: Event) -> str:
    """``SRC>TGT`` countries: the repartition key, shared by an event's stories and its dyad windows."""
    source = event.source.country if event.source else None
    target = event.target.country if event.target else None
    return f"{source or ''}>{target or ''}"


def story_group(event: Event) -> str:
    """Source code, target code and CAMEO root: events of one group merge when dates and places fit."""
    return f"{actor_code(event.source)}|{actor_code(event.target)}|{event.cameo_root}"


def story_id(group: str, first_date: dt.date, location_country: str | None) -> str:
    """Deterministic id of the story opened in ``group`` by an event of ``first_date`` at ``location_country``."""
    key = f"{group}|{first_date.isoformat()}|{location_country or ''}"
    return hashlib.sha1(key.encode()).hexdigest()[:20]


def source_name(event: Event) -> str:
    """The article's outlet: ``Article.source``, else its URL's host, else its id (an outlet of its own)."""
    if event.article_source and event.article_source.strip():
        return event.article_source.strip()
    if event.article_url:
        host = urlsplit(event.article_url).hostname
        if host:
            return host.removeprefix("www.")
    return event.article_id
