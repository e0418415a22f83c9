"""Turning a batch of raw ``articles`` records into outcomes and output records, without Kafka."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from schemas import ActorMention, Article, DeadLetter, Event, ProcessedMarker
from streams.body_hygiene import clean_body
from streams.dead_letters import Failure, bounded_key, dead_letter, dead_letter_headers
from streams.decode import DecodeLimits, Rejection, decode_article
from streams.extraction import ArticleExtraction, Extractor
from streams.settings import Settings
from streams.topics import ACTORS, DEAD_LETTERS, EVENTS, PROCESSED

__all__ = ["BatchProcessor", "InputRecord", "Outcome", "OutputRecord"]

log = logging.getLogger(__name__)

Status = Literal["ok", "dead_lettered", "skipped"]


@dataclass(frozen=True)
class InputRecord:
    """One record read from the articles topic."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp: float | None = None  # produce time, seconds since the epoch


@dataclass(frozen=True)
class OutputRecord:
    """One record to produce."""

    topic: str
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()


@dataclass
class Outcome:
    """What became of one input record."""

    record: InputRecord
    status: Status
    article: Article | None = None
    events: list[Event] = field(default_factory=list)
    actors: list[ActorMention] = field(default_factory=list)
    dead_letter: DeadLetter | None = None
    reason: str | None = None
    cleaned: tuple[str, ...] = ()

    @property
    def article_id(self) -> str | None:
        """The article id, when the record had a readable one."""
        if self.article is not None:
            return self.article.id
        return self.dead_letter.article_id if self.dead_letter else None


def _dead_letter(
    record: InputRecord, stage: str, error_type: str, message: str, article_id: str | None, now: dt.datetime
) -> DeadLetter:
    return dead_letter(
        Failure(stage, error_type, message, article_id),
        key=record.key,
        value=record.value or b"",
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        now=now,
    )


class BatchProcessor:
    """Decodes, filters and extracts a batch; one bad article never spoils the others."""

    def __init__(self, extractor: Extractor, settings: Settings) -> None:
        """Use ``extractor`` with the limits and topic names of ``settings``."""
        self.extractor = extractor
        self.settings = settings
        self.limits = DecodeLimits(max_payload_bytes=settings.max_payload_bytes, max_body_chars=settings.max_body_chars)

    def process(self, records: Sequence[InputRecord], now: dt.datetime) -> list[Outcome]:
        """Return one outcome per record, in order. CPU-bound: run it off the event loop."""
        outcomes: list[Outcome] = []
        to_extract: list[Outcome] = []
        for record in records:
            decoded = decode_article(record.value, self.limits, now)
            if isinstance(decoded, Rejection):
                letter = _dead_letter(record, decoded.stage, decoded.reason, decoded.message, decoded.article_id, now)
                outcomes.append(Outcome(record, "dead_lettered", dead_letter=letter, reason=decoded.reason))
            elif decoded.language and decoded.language.lower() not in self.settings.languages:
                outcomes.append(Outcome(record, "skipped", article=decoded, reason="language"))
            else:
                outcome = self._cleaned(record, decoded, now)
                outcomes.append(outcome)
                if outcome.status == "ok":
                    to_extract.append(outcome)
        self._extract(to_extract, now)
        return outcomes

    @staticmethod
    def _cleaned(record: InputRecord, article: Article, now: dt.datetime) -> Outcome:
        cleaned = clean_body(article)
        if isinstance(cleaned, Rejection):
            letter = _dead_letter(record, cleaned.stage, cleaned.reason, cleaned.message, cleaned.article_id, now)
            return Outcome(record, "dead_lettered", dead_letter=letter, reason=cleaned.reason)
        return Outcome(record, "ok", article=cleaned.article, cleaned=cleaned.cleaned)

    def _extract(self, outcomes: list[Outcome], now: dt.datetime) -> None:
        if not outcomes:
            return
        articles = [outcome.article for outcome in outcomes if outcome.article is not None]
        try:
            results: list[ArticleExtraction | BaseException] = list(self.extractor.extract_many(articles, now))
        except Exception:  # noqa: BLE001 - isolate the poison article by retrying one at a time
            log.warning("batch extraction failed; retrying its %d articles one by one", len(articles))
            results = [self._extract_one(article, now) for article in articles]
        for outcome, result in zip(outcomes, results, strict=True):
            if isinstance(result, BaseException):
                outcome.status = "dead_lettered"
                outcome.reason = "extraction_error"
                outcome.dead_letter = _dead_letter(
                    outcome.record,
                    "extract",
                    type(result).__name__,
                    str(result) or repr(result),
                    outcome.article_id,
                    now,
                )
            else:
                outcome.events = result.events
                outcome.actors = result.actors

    def _extract_one(self, article: Article, now: dt.datetime) -> ArticleExtraction | BaseException:
        try:
            return self.extractor.extract(article, now)
        except Exception as exc:  # noqa: BLE001 - becomes a dead letter with the exception's type and message
            log.exception("extraction failed for article %r", article.id)
            return exc

    def mark_produce_failure(self, outcome: Outcome, error: BaseException, now: dt.datetime) -> None:
        """Turn an outcome whose output could not be produced into a dead letter."""
        outcome.status = "dead_lettered"
        outcome.reason = "produce_error"
        outcome.dead_letter = _dead_letter(
            outcome.record, "produce", type(error).__name__, str(error) or repr(error), outcome.article_id, now
        )
        outcome.events, outcome.actors = [], []

    def data_records(self, outcome: Outcome) -> list[OutputRecord]:
        """Events, actor mentions or the dead letter of one outcome."""
        topic = self.settings.topic
        if outcome.dead_letter is not None:
            letter = outcome.dead_letter
            return [
                OutputRecord(
                    topic(DEAD_LETTERS),
                    bounded_key(outcome.record.key),
                    letter.model_dump_json().encode(),
                    dead_letter_headers(letter),
                )
            ]
        key = outcome.article.id.encode() if outcome.article else None
        records = [OutputRecord(topic(EVENTS), key, event.model_dump_json().encode()) for event in outcome.events]
        records += [OutputRecord(topic(ACTORS), key, actor.model_dump_json().encode()) for actor in outcome.actors]
        return records

    def marker_record(self, outcome: Outcome, now: dt.datetime) -> OutputRecord:
        """The ``articles.processed`` record proving the outcome was handled."""
        record = outcome.record
        marker = ProcessedMarker(
            article_id=outcome.article_id or "",
            status=outcome.status,
            reason=outcome.reason,
            events=len(outcome.events),
            actors=len(outcome.actors),
            cleaned=list(outcome.cleaned),
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            processed_at=now,
        )
        key = outcome.article_id.encode() if outcome.article_id else bounded_key(record.key)
        return OutputRecord(self.settings.topic(PROCESSED), key, marker.model_dump_json().encode())
