"""The Faust app: topics, the ``extract_events`` agent and the metrics page."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from importlib.metadata import version
from typing import NoReturn, cast

import faust
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.errors import (
    CorruptRecordException,
    KafkaError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    RecordTooLargeError,
)
from faust.sensors.prometheus import setup_prometheus_sensors
from prometheus_client import CollectorRegistry

from streams import faust_fixes
from streams.extraction import Extractor
from streams.faust_send import partition_for_key, send_now
from streams.metrics import FAUST_METRICS_PREFIX, PipelineMetrics, StoryMetrics
from streams.pipeline import BatchProcessor, InputRecord, Outcome, OutputRecord
from streams.settings import Settings
from streams.stories_agent import STORIES_COMMIT_INTERVAL, StoriesAgent
from streams.topics import ARTICLES, through_topic
from streams.transactions import PartitionTransactions

__all__ = ["FATAL_EXIT_CODE", "create_app"]

log = logging.getLogger(__name__)

#: Exit status of a worker that could not deliver a batch's output (EX_TEMPFAIL: restart me).
FATAL_EXIT_CODE = 75
#: Produce errors caused by the record itself: the article is dead-lettered instead of retried.
_RECORD_ERRORS = (MessageSizeTooLargeError, RecordTooLargeError, CorruptRecordException)
_RESEND_PAUSE = 1.0
#: With exactly_once our transactions commit the consumed offsets; Faust's periodic commits are turned off.
_NEVER = 10**9

#: Sends one output record and returns the future of its acknowledgement.
Send = Callable[[OutputRecord], Awaitable[Awaitable[object]]]


def create_app(settings: Settings, extractor: Extractor, registry: CollectorRegistry | None = None) -> faust.App:
    """Build the Faust app for ``settings`` coding with ``extractor`` (loaded before, so a model that cannot
    load stops the worker before it joins the group); ``/metrics`` serves ``registry`` (a fresh one by default)."""
    if settings.broker is None:
        message = "no broker configured: set NEWSEVENTS_BROKER or pass --broker"
        raise ValueError(message)
    registry = registry or CollectorRegistry()
    exactly_once = settings.processing_guarantee == "exactly_once"
    # Faust runs at_least_once either way: its exactly_once sends our output outside any transaction
    # (streams/transactions.py); ours wraps each batch of a partition in one.
    commits = {"broker_commit_every": _NEVER, "broker_commit_interval": float(_NEVER)} if exactly_once else {}
    app = faust_fixes.App(
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
        consumer_auto_offset_reset="earliest",
        consumer_metadata_max_age_ms=int(settings.metadata_max_age * 1000),
        producer_metadata_max_age_ms=int(settings.metadata_max_age * 1000),
        key_serializer="raw",
        value_serializer="raw",
        producer_partitioner=partition_for_key,
        **commits,
    )
    setup_prometheus_sensors(app, registry=registry, name_prefix=FAUST_METRICS_PREFIX)
    agent = ExtractEventsAgent(app, settings, extractor, PipelineMetrics(registry))
    app.agent(agent.articles, name="extract_events")(agent.run)
    app.timer(interval=2.0)(agent.report_assignment)

    @app.page("/ready")
    async def ready(view: faust.web.View, request: faust.web.Request) -> faust.web.Response:
        """200 with the agent's readiness when ready, else 503 (health checks, Kubernetes)."""
        state = agent.readiness()
        return view.json(state, status=200 if state["ready"] else 503)

    if agent.transactions is not None:
        app.on_partitions_revoked.connect(agent.close_revoked_producers)
    if settings.embedded_broker:
        app.timer(interval=5.0)(agent.rewind_past_log_end)
    if settings.stories:
        stories = StoriesAgent(app, settings, StoryMetrics(registry), FATAL_EXIT_CODE)
        app.agent(stories.events, name="aggregate_stories")(stories.run)
        app.timer(interval=5.0)(stories.report_sizes)
        if exactly_once:  # Faust's periodic commits are off: commit the stage's own input offsets
            app.timer(interval=STORIES_COMMIT_INTERVAL)(stories.commit_offsets)
    return app


def _exit(message: str) -> NoReturn:
    log.critical(message, exc_info=True)
    logging.shutdown()
    os._exit(FATAL_EXIT_CODE)


class ExtractEventsAgent:
    """Consumes ``articles`` in batches and produces events, actor mentions, dead letters and markers."""

    def __init__(self, app: faust.App, settings: Settings, extractor: Extractor, metrics: PipelineMetrics) -> None:
        """Declare the topics of ``settings`` on ``app``."""
        self.app = app
        self.settings = settings
        self.extractor = extractor
        self.metrics = metrics
        self.articles = self._topic(ARTICLES)
        self.transactions = (
            PartitionTransactions(settings.broker or "", settings.app_id, app.conf.producer_request_timeout)
            if settings.processing_guarantee == "exactly_once"
            else None
        )
        self.consuming = False

    def _topic(self, name: str) -> faust.TopicT:
        return self.app.topic(
            self.settings.topic(name), partitions=self.settings.partitions, key_type=bytes, value_type=bytes
        )

    async def run(self, stream: faust.StreamT) -> None:
        """The agent body: process batches until the stream ends.

        A batch's output is delivered while the next batch is coded: coding runs in a thread, delivery on the
        event loop, one batch after the other (a batch is delivered only once the previous one was). A batch's
        input offsets are acked only once its markers are acknowledged. A batch that cannot be delivered exits
        the process without acking: Faust's ``take_events`` would ack a batch whose handler raised, and its
        supervisor would then restart the agent past it, losing the batch and the events buffered after it.
        For the same reason a crash outside a batch exits too, instead of restarting the agent in a loop.
        """
        extractor = self.extractor
        processor = BatchProcessor(extractor, self.settings)
        self.metrics.model_load_seconds.set(extractor.load_seconds)
        self.metrics.build_info.info({"version": version("newsevents"), "model": extractor.model_name})
        self.consuming = True
        delivering: asyncio.Task[None] | None = None
        try:
            async for batch in stream.noack_take(self.settings.batch_size, within=self.settings.batch_timeout):
                # noack_take yields events (typed as values) and leaves acking them to us.
                events = cast("list[faust.EventT]", list(batch))
                try:
                    outcomes = await self._process(processor, events)
                except Exception:  # noqa: BLE001 - any failure here would lose the batch: exit unacked
                    _exit("could not code a batch; exiting without committing it")
                if delivering is not None:
                    await delivering
                delivering = asyncio.create_task(self._deliver(processor, stream, events, outcomes))
            if delivering is not None:
                await delivering
        except Exception:  # noqa: BLE001 - the agent itself failed: let the orchestrator restart the worker
            _exit("the extract_events agent crashed; exiting so that the worker is restarted")
        self.consuming = False
        if self.transactions is not None:
            await self.transactions.close_all()

    def readiness(self) -> dict[str, object]:
        """Ready means: the agent is consuming (its stream loop runs); the model was loaded before the app
        was built, so ``model_loaded`` is true whenever this answers."""
        return {"ready": self.consuming, "model_loaded": True, "consuming": self.consuming}

    async def close_revoked_producers(self, app: faust.App, revoked: set[TopicPartition], **_: object) -> None:
        """Drop the transactional producers of partitions this worker no longer owns."""
        assert self.transactions is not None
        await self.transactions.close(TopicPartition(tp.topic, tp.partition) for tp in revoked)

    async def _process(self, processor: BatchProcessor, batch: Sequence[faust.EventT]) -> list[Outcome]:
        """Decode and code ``batch`` in a thread, so the event loop keeps fetching and delivering meanwhile."""
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
        return outcomes

    async def _deliver(
        self, processor: BatchProcessor, stream: faust.StreamT, batch: Sequence[faust.EventT], outcomes: list[Outcome]
    ) -> None:
        """Emit the outcomes of ``batch``, then ack its events; exit without acking when that fails."""
        try:
            now = dt.datetime.now(dt.UTC)
            if self.transactions is None:
                await self._emit(processor, outcomes, now, self._send_via_faust, resend=True)
            else:
                await self._emit_in_transactions(processor, outcomes, now, self.transactions)
            for event in batch:
                await stream.ack(event)
            self._count(outcomes, now)
        except Exception:  # noqa: BLE001 - any failure here would lose the batch: exit unacked
            _exit("could not deliver the output of a batch; exiting without committing it")

    async def _emit_in_transactions(
        self, processor: BatchProcessor, outcomes: list[Outcome], now: dt.datetime, transactions: PartitionTransactions
    ) -> None:
        """Emit each input partition's outcomes in one transaction that also commits its consumed offset.

        A failed send is not retried (it breaks the transaction): the transaction is aborted and the error
        raised, so the worker exits without committing and the batch is coded again.
        """
        by_partition: dict[TopicPartition, list[Outcome]] = {}
        for outcome in outcomes:
            by_partition.setdefault(TopicPartition(outcome.record.topic, outcome.record.partition), []).append(outcome)
        for tp, part in by_partition.items():
            next_offset = max(o.record.offset for o in part) + 1
            async with transactions.transaction(tp, next_offset) as producer:
                await self._emit(processor, part, now, partial(_send_via_producer, producer), resend=False)

    async def _send_via_faust(self, record: OutputRecord) -> Awaitable[object]:
        return await send_now(self.app, record.topic, record.key, record.value, record.headers)

    async def _send_all(self, records: list[OutputRecord], send: Send, *, resend: bool) -> list[BaseException | None]:
        """Produce ``records`` with ``send`` until the broker acknowledged each; return per-record errors.

        With ``resend``, records failing for any reason but their size are sent again until
        ``producer_request_timeout`` has passed; duplicates are allowed. Records not yet handed to the producer
        by then fail unsent: each send may block for up to that timeout while the producer's buffer for a
        partition is full.
        """
        deadline = time.monotonic() + self.app.conf.producer_request_timeout
        errors: list[BaseException | None] = [None] * len(records)
        todo = list(range(len(records)))
        while True:
            results = await self._send_once([records[i] for i in todo], deadline, send)
            for i, error in zip(todo, results, strict=True):
                errors[i] = error
            todo = [i for i in todo if errors[i] is not None and not isinstance(errors[i], _RECORD_ERRORS)]
            if not resend or not todo or time.monotonic() >= deadline:
                return errors
            log.warning("%d records not acknowledged (%s); sending them again", len(todo), errors[todo[0]])
            await asyncio.sleep(_RESEND_PAUSE)

    async def _send_once(self, records: list[OutputRecord], deadline: float, send: Send) -> list[BaseException | None]:
        # A send can fail at once (e.g. a record over the size limit) or later, when its ack fails.
        pending: list[asyncio.Future | BaseException] = []
        for r in records:
            if time.monotonic() >= deadline:
                pending.append(KafkaTimeoutError("not sent within producer_request_timeout"))
                continue
            try:
                pending.append(await send(r))
            except Exception as exc:  # noqa: BLE001 - reported per record, like a failed ack
                pending.append(exc)
        futures = [p for p in pending if not isinstance(p, BaseException)]
        acks = iter(await asyncio.gather(*futures, return_exceptions=True))
        results = [p if isinstance(p, BaseException) else next(acks) for p in pending]
        return [result if isinstance(result, BaseException) else None for result in results]

    async def _emit(
        self, processor: BatchProcessor, outcomes: list[Outcome], now: dt.datetime, send: Send, *, resend: bool
    ) -> None:
        """Send each outcome's records, then its processed marker.

        Markers go out only after the data they describe was acknowledged, so a marker proves delivery.
        Events or actors rejected for their size dead-letter the article. Any other failure (after resending
        for ``producer_request_timeout``), or one on the dead-letter or marker topic, propagates: the caller
        then exits without committing the batch.
        """
        per_outcome = [processor.data_records(o) for o in outcomes]
        errors = iter(await self._send_all([r for records in per_outcome for r in records], send, resend=resend))
        failed = []
        for outcome, records in zip(outcomes, per_outcome, strict=True):
            failures = [error for error in (next(errors) for _ in records) if error is not None]
            fatal = [error for error in failures if not isinstance(error, _RECORD_ERRORS)]
            if fatal or (failures and outcome.dead_letter is not None):
                raise (fatal or failures)[0]
            if failures:
                processor.mark_produce_failure(outcome, failures[0], now)
                failed.append(outcome)
        retry_errors = await self._send_all([r for o in failed for r in processor.data_records(o)], send, resend=resend)
        marker_errors = await self._send_all([processor.marker_record(o, now) for o in outcomes], send, resend=resend)
        for error in (*retry_errors, *marker_errors):
            if error is not None:
                raise error

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
        the end of its log (Tansu only).

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


async def _send_via_producer(producer: AIOKafkaProducer, record: OutputRecord) -> Awaitable[object]:
    return await producer.send(record.topic, value=record.value, key=record.key, headers=list(record.headers))
