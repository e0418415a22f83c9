"""``newsevents demo``: embedded broker, a worker, the seed articles in, events printed out."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import click
from aiokafka import AIOKafkaConsumer, TopicPartition
from rich.live import Live

from schemas import Event, ProcessedMarker
from streams.cli.options import broker_option, settings_with
from streams.cli.render import add_event_row, event_table, table_console
from streams.embedded import EmbeddedBroker
from streams.kafka_io import publish
from streams.processes import WorkerProcess
from streams.settings import Settings
from streams.sources import read_records
from streams.topics import ARTICLES, EVENTS, PROCESSED, bootstrap_servers, ensure_topics

__all__ = ["command"]


@click.command("demo")
@broker_option
@click.option(
    "--seeds",
    type=click.Path(exists=True, path_type=Path),
    default=Path("seeds"),
    show_default=True,
    help="File or folder of articles to publish.",
)
@click.option(
    "--timeout", type=click.FloatRange(min=1), default=300.0, show_default=True, help="Give up after S seconds."
)
def command(broker: str | None, seeds: Path, timeout: float) -> None:
    """Start the embedded broker and a worker, publish the seed articles, print events as they arrive.

    Exits when every published record has its `articles.processed` marker. With --broker (or
    NEWSEVENTS_BROKER) it uses that broker instead of starting one.
    """
    console = table_console(stderr=True)
    started = time.monotonic()
    settings = settings_with(broker=broker, app_id="newsevents-demo")
    records = [(r.key, r.value) for r in read_records([seeds])]
    with ExitStack() as stack:
        if settings.broker is None:
            embedded = stack.enter_context(EmbeddedBroker())
            settings = settings.model_copy(update={"broker": embedded.url, "embedded_broker": True})
            console.print(f"embedded broker on {embedded.bootstrap}")
        assert settings.broker is not None
        asyncio.run(ensure_topics(settings))
        log_path = Path(settings.data_dir) / "demo-worker.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {
            "NEWSEVENTS_APP_ID": settings.app_id,
            "NEWSEVENTS_EMBEDDED_BROKER": str(settings.embedded_broker),
        }
        worker = WorkerProcess(settings.broker, env=env, log_path=log_path)
        stack.enter_context(worker)
        console.print(f"worker started (log: {log_path}); loading the model and joining the group ...")
        summary = asyncio.run(_publish_and_watch(settings, records, timeout))
    elapsed = time.monotonic() - started
    statuses = ", ".join(f"{count} {status}" for status, count in sorted(summary.statuses.items()))
    console.print(f"{len(records)} records published → {summary.events} events ({statuses}) in {elapsed:.1f} s")
    for reason, count in sorted(summary.reasons.items()):
        console.print(f"  dead-lettered/skipped: {count} × {reason}")
    if summary.markers < len(records):
        msg = f"only {summary.markers} of {len(records)} records were processed in time"
        raise click.ClickException(msg)


class _Summary:
    def __init__(self) -> None:
        self.events = 0
        self.markers = 0
        self.statuses: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()


async def _publish_and_watch(settings: Settings, records: list[tuple[bytes | None, bytes]], timeout: float) -> _Summary:
    assert settings.broker is not None
    events_topic, processed_topic = settings.topic(EVENTS), settings.topic(PROCESSED)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers(settings.broker), enable_auto_commit=False)
    await consumer.start()
    summary = _Summary()
    try:
        partitions = [
            TopicPartition(topic, number)
            for topic in (events_topic, processed_topic)
            for number in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for tp in partitions:
            await consumer.position(tp)  # resolve now, so nothing produced after this point is missed
        await publish(settings.broker, settings.topic(ARTICLES), records)
        seen: set[tuple[int, int]] = set()
        table = event_table(title="events")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        console = table_console()
        with Live(table, console=console, refresh_per_second=4):
            while len(seen) < len(records) and loop.time() < deadline:
                batches = await consumer.getmany(timeout_ms=500)
                for tp, batch in batches.items():
                    for record in batch:
                        if tp.topic == events_topic:
                            add_event_row(table, Event.model_validate_json(record.value))
                            summary.events += 1
                            continue
                        marker = ProcessedMarker.model_validate_json(record.value)
                        if (marker.partition, marker.offset) not in seen:
                            seen.add((marker.partition, marker.offset))
                            summary.statuses[marker.status] += 1
                            if marker.reason:
                                summary.reasons[marker.reason] += 1
        console.line()
        summary.markers = len(seen)
        return summary
    finally:
        await consumer.stop()
