"""Starting aiokafka clients with a bounded wait for the broker, and one clear error when it stays away."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError

from streams.exceptions import BrokerUnreachable

__all__ = ["start_client"]

Client = TypeVar("Client", AIOKafkaProducer, AIOKafkaConsumer, AIOKafkaAdminClient)

_RETRY_PAUSE = 0.5


@contextmanager
def _quiet_connection_attempts() -> Iterator[None]:
    """aiokafka logs each failed attempt at ERROR; while we retry, the one error at the end says it all."""
    logger = logging.getLogger("aiokafka")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


async def _close(client: AIOKafkaProducer | AIOKafkaConsumer | AIOKafkaAdminClient) -> None:
    await (client.close() if isinstance(client, AIOKafkaAdminClient) else client.stop())


async def start_client(make: Callable[[], Client], broker_url: str, timeout: float) -> Client:
    """A started client from ``make()``, retried until the broker answers; :class:`BrokerUnreachable` after
    ``timeout`` seconds (so a worker may start while its broker is still coming up)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        client = make()
        try:
            with _quiet_connection_attempts():
                await asyncio.wait_for(client.start(), max(_RETRY_PAUSE, deadline - loop.time()))
        except (KafkaConnectionError, TimeoutError) as exc:
            await _close(client)
            if loop.time() + _RETRY_PAUSE >= deadline:
                failure = "connection refused or failed" if isinstance(exc, KafkaConnectionError) else "no answer"
                message = (
                    f"cannot reach the Kafka broker at {broker_url} within {timeout:g} s ({failure}): "
                    "start it, or point --broker / NEWSEVENTS_BROKER at a running one"
                )
                raise BrokerUnreachable(message) from exc
            await asyncio.sleep(_RETRY_PAUSE)
        else:
            return client
