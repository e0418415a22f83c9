"""The Faust app: topics, the ``extract_events`` agent and the metrics page."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import time
from collections.abc import Sequence
from importlib.metadata import version

import faust
from aiokafka.errors import (
    CorruptRecordException,
    KafkaError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    RecordTooLargeError,
)
from faust.sensors.prometheus import setup_prometheus_sensors
from prometheus_client import CollectorRegistry

from streams.extraction import ExtractionConfig, Extractor
from streams.metrics import FAUST_METRICS_PREFIX, PipelineMetrics, StoryMetrics
from streams.pipeline import BatchProcessor, InputRecord, Outcome, OutputRecord
from streams.settings import Settings
from streams.stories_agent import StoriesAgent
from streams.topics import ACTORS, ARTICLES, DEAD_LETTERS, EVENTS, PROCESSED, through_topic

__all__ = ["FATAL_EXIT_CODE", "create_app"]

log = logging.getLogger(__name__)

#: Exit status of a worker that could not deliver a batch's output (EX_TEMPFAIL: restart me).
FATAL_EXIT_CODE = 75
#: Produce errors caused by the record itself: the article is dead-lettered instead of retried.
_RECORD_ERRORS = (MessageSizeTooLargeError, RecordTooLargeError, CorruptRecordException)
_RESEND_PAUSE = 1.0


def create_app(settings: Settings, registry: CollectorRegistry | None = None) -> faust.App:
    """Build the Faust app for ``settings``; ``/metrics`` serves ``registry`` (a fresh one by default)."""
    if settings.broker is None:
        message = "no broker configured: set NEWSEVENTS_BROKER or pass --broker"
        raise ValueError(message)
    registry = registry or CollectorRegistry()
    app = faust.App(
        settings.app_id,
        broker=settings.broker,
        store=settings.store,
        datadir=settings.data_dir,
        web_port=settings.web_port,
        web_bind=settings.web_host,
        web_host=settings.web_host,
        broker_session_timeout=settings.session_timeout,
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        processing_guarantee=settings.processing_guarantee,
        consumer_auto_offset_reset="earliest",
        key_serializer="raw",
        value_serializer="raw",
    )
    setup_prometheus_sensors(app, registry=registry, name_prefix=FAUST_METRICS_PREFIX)
    agent = ExtractEventsAgent(app, settings, PipelineMetrics(registry))
    app.agent(agent.articles, name="extract_events")(agent.run)
    app.timer(interval=2.0)(agent.report_assignment)
    app.timer(interval=5.0)(agent.rewind_past_log_end)
    if settings.stories:
        stories = StoriesAgent(app, settings, StoryMetrics(registry), FATAL_EXIT_CODE)
        app.agent(stories.events, name="aggregate_stories")(stories.run)
        app.timer(interval=5.0)(stories.report_sizes)
    return app


class ExtractEventsAgent:
    """Consumes ``articles`` in batches and produces events, actor mentions, dead letters and markers."""

    def __init__(self, app: faust.App, settings: Settings, metrics: PipelineMetrics) -> None:
        """Declare the topics of ``settings`` on ``app``."""
        self.app = app
        self.settings = settings
        self.metrics = metrics
        self.articles = self._topic(ARTICLES)
        self.outputs = {settings.topic(name): self._topic(name) for name in (EVENTS, ACTORS, DEAD_LETTERS, PROCESSED)}

    def _topic(self, name: str) -> faust.TopicT:
        return self.app.topic(
            self.settings.topic(name), partitions=self.settings.partitions, key_type=bytes, value_type=bytes
        )

    async def run(self, stream: faust.StreamT) -> None:
        """The agent body: load the model once, then process batches until the stream ends.

        A batch is either fully delivered or the process exits without committing it: Faust's
        ``take_events`` acks a batch whose handler raised, and its supervisor would then restart the
        agent past it, so an exception escaping here would lose the batch and the events buffered after it.
        """
        started = time.perf_counter()
        config = ExtractionConfig(model=self.settings.model, batch_size=self.settings.batch_size)
        extractor = await asyncio.to_thread(Extractor, config)
        processor = BatchProcessor(extractor, self.settings)
        self.metrics.model_load_seconds.set(time.perf_counter() - started)
        self.metrics.build_info.info({"version": version("newsevents"), "model": extractor.model_name})
        log.info("model %s loaded in %.1f s", extractor.model_name, time.perf_counter() - started)

        async for batch in stream.take_events(self.settings.batch_size, within=self.settings.batch_timeout):
            try:
                await self._handle(processor, batch)
            except Exception:  # noqa: BLE001 - any failure here would lose the batch: exit uncommitted
                log.critical("could not deliver the output of a batch; exiting without committing it", exc_info=True)
                logging.shutdown()
                os._exit(FATAL_EXIT_CODE)

    async def _handle(self, processor: BatchProcessor, batch: Sequence[faust.EventT]) -> None:
        records = [
            InputRecord(
                topic=e.message.topic,
                partition=e.message.partition,
                offset=e.message.offset,
                key=e.message.key,
                value=e.message.value,
                timestamp=e.message.timestamp,
            )
            for e in batch
        ]
        self.metrics.articles_consumed.inc(len(records))
        self.metrics.batch_size.observe(len(records))
        began = time.perf_counter()
        outcomes = await asyncio.to_thread(processor.process, records, dt.datetime.now(dt.UTC))
        elapsed = time.perf_counter() - began
        self.metrics.batch_extraction_seconds.observe(elapsed)
        extracted = sum(1 for o in outcomes if o.status == "ok")
        for _ in range(extracted):
            self.metrics.article_extraction_seconds.observe(elapsed / extracted)
        await self._emit(processor, outcomes)

    async def _send_all(self, records: list[OutputRecord]) -> list[BaseException | None]:
        """Produce ``records`` until the broker acknowledged each; return per-record errors.

        Records failing for any reason but their size are sent again until ``producer_request_timeout`` has
        passed; duplicates are allowed. Records not yet handed to the producer by then fail unsent: each
        send may block for up to that timeout while the producer's buffer for a partition is full.
        """
        deadline = time.monotonic() + self.app.conf.producer_request_timeout
        errors: list[BaseException | None] = [None] * len(records)
        todo = list(range(len(records)))
        while True:
            for i, error in zip(todo, await self._send_once([records[i] for i in todo], deadline), strict=True):
                errors[i] = error
            todo = [i for i in todo if errors[i] is not None and not isinstance(errors[i], _RECORD_ERRORS)]
            if not todo or time.monotonic() >= deadline:
                return errors
            log.warning("%d records not acknowledged (%s); sending them again", len(todo), errors[todo[0]])
            await asyncio.sleep(_RESEND_PAUSE)

    async def _send_once(self, records: list[OutputRecord], deadline: float) -> list[BaseException | None]:
        # force=True: send now instead of attaching to the consumed event, so we can await the acks.
        # A send can fail at once (e.g. a record over the size limit) or later, when its ack fails.
        pending: list[asyncio.Future | BaseException] = []
        for r in records:
            if time.monotonic() >= deadline:
                pending.append(KafkaTimeoutError("not sent within producer_request_timeout"))
                continue
            try:
                pending.append(
                    await self.outputs[r.topic].send(key=r.key, value=r.value, headers=list(r.headers), force=True)
                )
            except Exception as exc:  # noqa: BLE001 - reported per record, like a failed ack
                pending.append(exc)
        futures = [p for p in pending if not isinstance(p, BaseException)]
        acks = iter(await asyncio.gather(*futures, return_exceptions=True))
        results = [p if isinstance(p, BaseException) else next(acks) for p in pending]
        return [result if isinstance(result, BaseException) else None for result in results]

    async def _emit(self, processor: BatchProcessor, outcomes: list[Outcome]) -> None:
        """Send each outcome's records, then its processed marker.

        Markers go out only after the data they describe was acknowledged, so a marker proves delivery.
        Events or actors rejected for their size dead-letter the article. Any other failure (after resending
        for ``producer_request_timeout``), or one on the dead-letter or marker topic, propagates: the caller
        then exits without committing the batch.
        """
        per_outcome = [processor.data_records(o) for o in outcomes]
        errors = iter(await self._send_all([r for records in per_outcome for r in records]))
        now = dt.datetime.now(dt.UTC)
        failed = []
        for outcome, records in zip(outcomes, per_outcome, strict=True):
            failures = [error for error in (next(errors) for _ in records) if error is not None]
            fatal = [error for error in failures if not isinstance(error, _RECORD_ERRORS)]
            if fatal or (failures and outcome.dead_letter is not None):
                raise (fatal or failures)[0]
            if failures:
                processor.mark_produce_failure(outcome, failures[0], now)
                failed.append(outcome)
        retry_errors = await self._send_all([r for o in failed for r in processor.data_records(o)])
        marker_errors = await self._send_all([processor.marker_record(o, now) for o in outcomes])
        for error in (*retry_errors, *marker_errors):
            if error is not None:
                raise error
        self._count(outcomes, now)

    def _count(self, outcomes: list[Outcome], now: dt.datetime) -> None:
        metrics = self.metrics
        for outcome in outcomes:
            metrics.articles_processed.labels(outcome.status).inc()
            if outcome.status == "skipped":
                metrics.articles_skipped.labels(outcome.reason or "unknown").inc()
            if outcome.dead_letter is not None:
                metrics.dead_letters.labels(outcome.dead_letter.stage, outcome.reason or "unknown").inc()
                continue
            metrics.actor_mentions_emitted.inc(len(outcome.actors))
            for event in outcome.events:
                metrics.events_emitted.labels(event.plover_type, str(event.quad_class)).inc()
                if event.source and event.target and event.source.country and event.target.country:
                    metrics.dyad_events.labels(event.source.country, event.target.country).inc()
            if outcome.record.timestamp:
                produced_age = now.timestamp() - outcome.record.timestamp
                metrics.end_to_end_latency.labels("produced").observe(max(0.0, produced_age))
            if outcome.article is not None and outcome.article.published_at is not None:
                published_age = (now - outcome.article.published_at).total_seconds()
                metrics.end_to_end_latency.labels("published").observe(max(0.0, published_age))

    async def report_assignment(self) -> None:
        """Keep ``newsevents_assigned_partitions`` current (also a readiness signal for tests)."""
        name = self.articles.get_topic_name()
        assigned = [tp for tp in self.app.consumer.assignment() if tp.topic == name]
        self.metrics.assigned_partitions.set(len(assigned))

    async def rewind_past_log_end(self) -> None:
        """Read a partition of ``articles`` or the through-topic from its start again when our position lies beyond
        the end of its log.

        Kafka answers a fetch past the log end with OFFSET_OUT_OF_RANGE and the consumer resets to the
        earliest offset; Tansu answers with no records. After a memory-only broker restarted empty, the
        worker may even commit its old offsets to the new broker while rejoining; without this it would
        wait until the new log grows past them, skipping every record before.
        """
        if self.app.rebalancing:
            return  # positions are reset by the rebalance itself
        consumer = self.app.consumer
        names = {self.articles.get_topic_name(), through_topic(self.settings)}
        for tp in [tp for tp in consumer.assignment() if tp.topic in names]:
            with contextlib.suppress(AssertionError, KafkaError):  # revoked meanwhile
                highwater, position = consumer.highwater(tp), await consumer.position(tp)
                if highwater is not None and position is not None and position > highwater:
                    earliest = (await consumer.earliest_offsets(tp))[tp]
                    log.warning(
                        "%s: position %d is past the log end %d; reading from %d", tp, position, highwater, earliest
                    )
                    await consumer.seek(tp, earliest)
