"""Producing from the agents through Faust's producer, without Faust's per-record overhead."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from functools import lru_cache, partial
from typing import Any

import faust
from aiokafka.partitioner import DefaultPartitioner, murmur2
from aiokafka.structs import RecordMetadata
from faust.types.sensors import SensorDelegateT
from faust.types.transports import ProducerT

__all__ = ["partition_for_key", "send_now"]

_random_partition = DefaultPartitioner()


@lru_cache(maxsize=8192)
def _key_hash(key: bytes) -> int:
    return murmur2(key) & 0x7FFFFFFF


def partition_for_key(key: bytes | None, all_partitions: list[int], available: list[int]) -> int:
    """aiokafka's default partitioner, with the pure-Python murmur2 hash of recent keys cached.

    A worker keys an article's events, actor mentions and marker by its id, about 25 records a key; hashing
    each key again cost about a third of the event loop's CPU spent producing (profiled).
    """
    if key is None:
        return _random_partition(key, all_partitions, available)
    return all_partitions[_key_hash(key) % len(all_partitions)]


async def send_now(
    app: faust.App, topic: str, key: bytes | None, value: bytes, headers: Sequence[tuple[str, bytes]] = ()
) -> asyncio.Future[RecordMetadata]:
    """Hand one record to the app's producer and return the future of its acknowledgement.

    What ``Topic.send(..., force=True)`` does, without wrapping each record in Faust's pending and future
    messages and without ``app.maybe_start_producer``, which yields to the event loop on every record and so
    lets the sender ship many tiny produce requests. The producer starts with the app, before the agents.
    The sensors still see every record (``faust_total_sent_messages_total``, ``faust_producer_send_latency``
    and their error counterparts).
    """
    producer, sensors = app.producer, app.sensors
    # Neither sensor (Faust's Monitor, its Prometheus one) reads the pending message.
    state = sensors.on_send_initiated(producer, topic, None, len(key or b""), len(value))  # type: ignore[arg-type]
    ack: asyncio.Future[RecordMetadata] = await producer.send(topic, key, value, None, None, list(headers))
    ack.add_done_callback(partial(_report, sensors, producer, state))
    return ack


def _report(sensors: SensorDelegateT, producer: ProducerT, state: Any, ack: asyncio.Future[RecordMetadata]) -> None:
    if ack.cancelled():
        return
    error = ack.exception()
    if error is None:
        sensors.on_send_completed(producer, state, ack.result())
    else:
        sensors.on_send_error(producer, error, state)
