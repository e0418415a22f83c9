"""The ``aggregate_stories`` agent: events repartitioned by dyad, stories and dyad windows in a Faust table."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import time

import faust
from pydantic import ValidationError

from schemas import Event
from streams.faust_send import send_now
from streams.metrics import StoryMetrics
from streams.settings import Settings
from streams.stories import Aggregator, AggregatorLimits, StagedWrites, Update, dyad_key, partition_key
from streams.topics import (
    AGGREGATES_TABLE,
    DYADS_DAILY,
    DYADS_QUARTER_HOUR,
    EVENTS,
    STORIES,
    STORY_MENTIONS,
    through_topic,
)

__all__ = ["STORIES_COMMIT_INTERVAL", "StoriesAgent"]

log = logging.getLogger(__name__)

#: Seconds of wall time between expiry passes over one partition's state.
EXPIRY_INTERVAL = 10.0
#: Seconds between commits of the stage's input offsets under exactly_once (Faust's default commit interval).
STORIES_COMMIT_INTERVAL = 2.8
_DYAD_TOPICS = {"15m": DYADS_QUARTER_HOUR, "1d": DYADS_DAILY}
_INVALID_KEY = b""


class StoriesAgent:
    """Consumes ``events``, repartitions them by source and target country, and keeps the ``aggregates`` table.

    The through-topic ``<app id>-events-by-dyad-repartition`` puts every event of one country pair, hence of
    each of its stories and dyad windows, in one partition. The table (memory or rocksdb store,
    ``NEWSEVENTS_STORE``) is restored from its changelog topic (``streams.topics.changelog_topic``) when a
    worker takes over a partition. An event's state reaches the table only once its output records are
    acknowledged (see ``_handle``); Faust flushes the changelog before committing the event's offset.
    """

    def __init__(self, app: faust.App, settings: Settings, metrics: StoryMetrics, exit_code: int) -> None:
        """Declare the agent's topics and table on ``app``; ``exit_code`` is the status of an undeliverable event."""
        self.app = app
        self.settings = settings
        self.metrics = metrics
        self.exit_code = exit_code
        self.events = self._topic(EVENTS)
        self.through = app.topic(
            through_topic(settings),
            partitions=settings.partitions,
            key_type=bytes,
            value_type=bytes,
            internal=True,
        )
        self.table = app.Table(
            AGGREGATES_TABLE,
            partitions=settings.partitions,
            schema=faust.Schema(key_type=str, key_serializer="json", value_serializer="json"),
        )
        limits = AggregatorLimits(
            story_quiet=dt.timedelta(days=settings.story_quiet_days),
            allowed_lateness=dt.timedelta(hours=settings.dyad_lateness_hours),
            max_ids=settings.state_max_ids,
        )
        self.staged = StagedWrites(self.table)
        self.aggregator = Aggregator(self.staged, limits)
        self._last_expiry: dict[int, float] = {}

    def _topic(self, name: str) -> faust.TopicT:
        return self.app.topic(
            self.settings.topic(name), partitions=self.settings.partitions, key_type=bytes, value_type=bytes
        )

    async def run(self, stream: faust.StreamT) -> None:
        """The agent body: one event at a time, in the partition of its source and target countries."""
        by_dyad = stream.group_by(_repartition_key, name="by-dyad", topic=self.through)
        async for value in by_dyad:
            current = by_dyad.current_event
            assert current is not None  # noqa: S101 - always set while iterating a topic's stream
            message = current.message
            try:
                event = Event.model_validate_json(value)
            except ValidationError as exc:
                self.metrics.invalid_events.inc()
                first = exc.errors()[0]
                log.error("events record is not an Event (%s: %s); left out of stories", first["loc"], first["msg"])
                continue
            try:
                await self._handle(message.partition, event, message.timestamp)
            except Exception:  # noqa: BLE001 - Faust would ack the event and skip it: exit uncommitted instead
                log.critical("could not aggregate an event; exiting without committing it", exc_info=True)
                logging.shutdown()
                os._exit(self.exit_code)

    async def _handle(self, partition: int, event: Event, timestamp: float | None) -> None:
        """Aggregate one event: its output records are acknowledged before its state reaches the table.

        The table writes its changelog at once, while records attached to the event would only be sent at the
        next commit: a worker killed in between would restore the event as counted and never send its records.
        In this order a kill can at worst send the same records twice (same values: the state did not move).
        """
        now = dt.datetime.now(dt.UTC)
        produced = dt.datetime.fromtimestamp(timestamp, dt.UTC) if timestamp else now
        update = self.aggregator.apply(partition, event, event.published_at or produced, now)
        await self._emit(event, update)
        self.staged.write_through()
        if time.monotonic() - self._last_expiry.get(partition, 0.0) >= EXPIRY_INTERVAL:
            self._last_expiry[partition] = time.monotonic()
            expired = self.aggregator.expire(partition)
            self.staged.write_through()
            self.metrics.stories.labels("expired").inc(expired.stories)
            self.metrics.expired_windows.inc(expired.windows)

    async def _emit(self, event: Event, update: Update) -> None:
        metrics = self.metrics
        if update.duplicate:
            metrics.duplicate_events.inc()
            return
        assert update.story is not None and update.mention is not None  # noqa: S101 - set for every new event
        metrics.stories.labels("created" if update.created else "updated").inc()
        metrics.story_mentions.inc()
        for window in update.late:
            metrics.late_events.labels(window).inc()
        story, mention = update.story, update.mention
        records = [
            (STORIES, story.story_id, story.model_dump_json()),
            (STORY_MENTIONS, mention.event_id, mention.model_dump_json()),
            *((_DYAD_TOPICS[d.window], dyad_key(d), d.model_dump_json()) for d in update.dyads),
        ]
        # Sent now, not at the next commit, so the acknowledgements can be awaited.
        topic = self.settings.topic
        acks = [await send_now(self.app, topic(name), key.encode(), value.encode()) for name, key, value in records]
        await asyncio.gather(*acks)
        for dyad in update.dyads:
            if dyad.window == "1d":
                labels = (dyad.source_country, dyad.target_country)
                metrics.dyad_events.labels(*labels).inc()
                metrics.dyad_goldstein.labels(*labels).inc(event.goldstein)

    async def commit_offsets(self) -> None:
        """Commit the offsets of ``events`` and the through-topic (exactly_once, where Faust commits none).

        Only these topics: the extract agent commits its ``articles`` offsets inside its transactions, and a
        commit of Faust's view of them could move the group's offset back. Faust flushes the producer, hence
        the table's changelog, before it commits.
        """
        await self.app.consumer.commit({self.events.get_topic_name(), self.through.get_topic_name()})

    async def report_sizes(self) -> None:
        """Keep ``newsevents_table_entries`` current."""
        sizes = self.aggregator.sizes()
        self.metrics.table_entries.labels("stories").set(sizes["stories"])
        self.metrics.table_entries.labels("dyad_windows").set(sizes["windows"])


def _repartition_key(value: bytes) -> bytes:
    """``SRC>TGT`` of the event; a record that is not an Event goes on unkeyed and is reported by the agent."""
    try:
        return partition_key(Event.model_validate_json(value)).encode()
    except ValidationError:
        return _INVALID_KEY
