"""Publishing article files: each valid record to ``articles``, every other one dead-lettered by the feeder."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError, MessageSizeTooLargeError, RecordTooLargeError

from schemas import Article
from streams.connect import start_client
from streams.dead_letters import Failure, bounded_key, dead_letter, dead_letter_headers
from streams.decode import DecodeLimits, Rejection, decode_article
from streams.kafka_io import new_producer
from streams.settings import Settings
from streams.sources import SourceRecord
from streams.topics import ARTICLES, DEAD_LETTERS

__all__ = ["FileFeedSummary", "decode_record", "feed_records"]

#: Records whose acknowledgements are awaited together (bounds the memory held by a long file).
_WINDOW = 500
#: Produce errors caused by the record itself: it is dead-lettered instead of counted as not published.
_RECORD_ERRORS = (MessageSizeTooLargeError, RecordTooLargeError)

#: Called with ``(origin, rejection)`` for each record that is dead-lettered.
Report = Callable[[str, Rejection], None]


@dataclass
class FileFeedSummary:
    """What a run did with its records: each one is published, dead-lettered, or not taken by the broker."""

    published: int = 0
    dead_lettered: Counter[str] = field(default_factory=Counter)
    not_published: int = 0
    first_error: str | None = None


def decode_record(record: SourceRecord, limits: DecodeLimits, now: dt.datetime) -> Article | Rejection:
    """The article of ``record`` by the workers' own rules, or why they would refuse it."""
    return record.rejection or decode_article(record.value, limits, now)


@dataclass(frozen=True)
class _Sent:
    record: SourceRecord
    ack: asyncio.Future[object] | None  # None: send() itself failed
    error: BaseException | None = None
    rejection: Rejection | None = None  # set for a dead letter


class _FileFeeder:
    def __init__(self, producer: AIOKafkaProducer, settings: Settings, report: Report, now: dt.datetime) -> None:
        self.producer = producer
        self.topic = settings.topic(ARTICLES)
        self.dead_letters = settings.topic(DEAD_LETTERS)
        self.limits = DecodeLimits(max_payload_bytes=settings.max_payload_bytes, max_body_chars=settings.max_body_chars)
        self.report = report
        self.now = now
        self.summary = FileFeedSummary()

    async def feed(self, records: Iterable[SourceRecord]) -> FileFeedSummary:
        window: list[_Sent] = []
        for record in records:
            decoded = decode_record(record, self.limits, self.now)
            if isinstance(decoded, Rejection):
                window.append(await self._dead_letter(record, decoded))
            else:
                window.append(await self._publish(record))
            if len(window) >= _WINDOW:
                await self._settle(window)
                window = []
        await self._settle(window)
        return self.summary

    async def _publish(self, record: SourceRecord) -> _Sent:
        try:
            return _Sent(record, await self.producer.send(self.topic, value=record.value, key=record.key))
        except KafkaError as exc:
            return _Sent(record, None, exc)

    async def _dead_letter(self, record: SourceRecord, rejection: Rejection) -> _Sent:
        self.report(record.origin, rejection)
        failure = Failure(rejection.stage, rejection.reason, rejection.message, rejection.article_id)
        letter = dead_letter(
            failure,
            key=record.key,
            value=record.value,
            topic=self.topic,
            partition=-1,
            offset=-1,
            now=self.now,
            origin=record.origin,
        )
        value, headers = letter.model_dump_json().encode(), list(dead_letter_headers(letter))
        try:
            ack = await self.producer.send(self.dead_letters, value=value, key=bounded_key(record.key), headers=headers)
        except KafkaError as exc:
            return _Sent(record, None, exc, rejection)
        return _Sent(record, ack, rejection=rejection)

    async def _settle(self, window: list[_Sent]) -> None:
        """Count the window's acknowledgements; a record refused for its size is dead-lettered instead."""
        acks = [sent.ack for sent in window if sent.ack is not None]
        results = iter(await asyncio.gather(*acks, return_exceptions=True))
        retries = []
        for sent in window:
            error = sent.error if sent.ack is None else next(results)
            if not isinstance(error, BaseException):
                if sent.rejection is None:
                    self.summary.published += 1
                else:
                    self.summary.dead_lettered[sent.rejection.reason] += 1
            elif isinstance(error, _RECORD_ERRORS) and sent.rejection is None:
                refused = Rejection("decode", "payload_too_large", f"the broker refused it: {error}")
                retries.append(await self._dead_letter(sent.record, refused))
            else:
                self.summary.not_published += 1
                self.summary.first_error = self.summary.first_error or f"{type(error).__name__}: {error}"
        if retries:
            await self._settle(retries)


async def feed_records(
    records: Iterable[SourceRecord], settings: Settings, report: Report, now: dt.datetime
) -> FileFeedSummary:
    """Publish each record whose article the workers would accept; dead-letter the others with their reason."""
    broker = settings.broker
    if broker is None:
        message = "no broker configured: set NEWSEVENTS_BROKER or pass --broker"
        raise ValueError(message)
    producer = await start_client(lambda: new_producer(broker), broker, settings.connect_timeout)
    try:
        return await _FileFeeder(producer, settings, report, now).feed(records)
    finally:
        await producer.stop()
