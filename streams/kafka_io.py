"""Plain aiokafka producing and reading, for the CLI, the demo and tests (the worker uses Faust)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition

from streams.connect import start_client
from streams.settings import DEFAULT_CONNECT_TIMEOUT
from streams.topics import bootstrap_servers

__all__ = ["new_producer", "publish", "read_topic"]


def new_producer(broker_url: str) -> AIOKafkaProducer:
    """A producer that waits for every replica's acknowledgement."""
    return AIOKafkaProducer(bootstrap_servers=bootstrap_servers(broker_url), acks="all", linger_ms=5)


async def publish(
    broker_url: str,
    topic: str,
    records: Iterable[tuple[bytes | None, bytes]],
    *,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
) -> int:
    """Produce ``(key, value)`` records to ``topic``, wait for every acknowledgement, return the count."""
    producer = await start_client(lambda: new_producer(broker_url), broker_url, connect_timeout)
    try:
        futures = [await producer.send(topic, value=value, key=key) for key, value in records]
        await asyncio.gather(*futures)
        return len(futures)
    finally:
        await producer.stop()


async def read_topic(
    broker_url: str,
    topic: str,
    *,
    max_records: int | None = None,
    idle_timeout: float | None = 10.0,
    from_latest: bool = False,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    read_committed: bool = False,
) -> AsyncIterator[ConsumerRecord]:
    """Yield records of every partition of ``topic`` without joining a consumer group.

    Starts at the earliest offset (or the latest with ``from_latest``); stops after ``max_records``
    or when nothing arrived for ``idle_timeout`` seconds (None: follow forever). ``read_committed`` skips
    records of aborted transactions and waits for open ones (exactly_once output).
    """
    consumer = await start_client(
        lambda: AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers(broker_url),
            enable_auto_commit=False,
            isolation_level="read_committed" if read_committed else "read_uncommitted",
        ),
        broker_url,
        connect_timeout,
    )
    try:
        partitions = await _partitions(consumer, topic)
        consumer.assign(partitions)
        if from_latest:
            await consumer.seek_to_end(*partitions)
        else:
            await consumer.seek_to_beginning(*partitions)
        seen = 0
        loop = asyncio.get_running_loop()
        last_arrival = loop.time()
        while max_records is None or seen < max_records:
            batches = await consumer.getmany(timeout_ms=200)
            records = [record for batch in batches.values() for record in batch]
            if not records:
                if idle_timeout is not None and loop.time() - last_arrival > idle_timeout:
                    return
                continue
            last_arrival = loop.time()
            for record in records:
                yield record
                seen += 1
                if max_records is not None and seen >= max_records:
                    return
    finally:
        await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str, timeout: float = 10.0) -> list[TopicPartition]:
    """Partitions of ``topic``, waiting briefly for metadata (the topic may be created meanwhile)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        numbers = consumer.partitions_for_topic(topic)
        if numbers:
            return [TopicPartition(topic, number) for number in sorted(numbers)]
        if loop.time() > deadline:
            message = f"topic {topic!r} does not exist"
            raise LookupError(message)
        await consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public refresh
        await asyncio.sleep(0.2)
