"""Producing to and collecting from test topics."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable

import orjson
from aiokafka import ConsumerRecord

from schemas import Article, ProcessedMarker
from streams.kafka_io import publish, read_topic
from streams.settings import Settings
from streams.topics import ARTICLES, PROCESSED

__all__ = ["collect", "publish_raw", "publish_articles", "wait_for_markers"]


def publish_raw(settings: Settings, records: Iterable[tuple[bytes | None, bytes]]) -> int:
    """Produce raw ``(key, value)`` records to this test's ``articles`` topic."""
    assert settings.broker is not None
    return asyncio.run(publish(settings.broker, settings.topic(ARTICLES), list(records)))


def publish_articles(settings: Settings, articles: Iterable[Article]) -> int:
    """Produce articles (JSON, keyed by id) to this test's ``articles`` topic."""
    return publish_raw(settings, [(a.id.encode(), a.model_dump_json().encode()) for a in articles])


def collect(
    settings: Settings, name: str, *, idle_timeout: float = 2.0, read_committed: bool = False
) -> list[ConsumerRecord]:
    """Every record currently on topic ``name`` (without prefix); committed ones only with ``read_committed``."""
    assert settings.broker is not None
    topic = settings.topic(name)

    async def run() -> list[ConsumerRecord]:
        records = read_topic(settings.broker, topic, idle_timeout=idle_timeout, read_committed=read_committed)
        return [r async for r in records]

    return asyncio.run(run())


def wait_for_markers(settings: Settings, count: int, timeout: float = 120.0) -> list[ProcessedMarker]:
    """Poll ``articles.processed`` until markers for ``count`` distinct input offsets are there."""
    deadline = time.monotonic() + timeout
    markers: list[ProcessedMarker] = []
    while time.monotonic() < deadline:
        markers = [ProcessedMarker.model_validate(orjson.loads(r.value)) for r in collect(settings, PROCESSED)]
        if len({(m.partition, m.offset) for m in markers}) >= count:
            return markers
        time.sleep(1.0)
    seen = len({(m.partition, m.offset) for m in markers})
    message = f"only {seen} of {count} articles were processed within {timeout:.0f} s"
    raise AssertionError(message)
