"""Exactly-once output: one Kafka transaction per input partition and batch, holding its outputs and offset.

Faust's own ``exactly_once`` does not make our output transactional: it picks a transactional producer by the
partition of each *output* record as its consumer's metadata sees it, and that consumer never reads the
output topics, so every output record goes through the plain producer, outside any transaction
(docs/guarantees.md gives the measurement). Here the producer is chosen by the *input* partition, as in
Kafka's consume-transform-produce loop: one transactional id per input partition, so a worker that takes
over a partition fences the producer of the worker that had it, and its open transaction is aborted.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable

from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError

from streams.topics import bootstrap_servers

__all__ = ["PartitionTransactions"]

#: Faust's producer refuses larger records at send time; the same limit here keeps that behaviour.
_MAX_REQUEST_BYTES = 1_000_000


class PartitionTransactions:
    """Transactional producers, one per input partition, created on first use."""

    def __init__(self, broker_url: str, group_id: str, request_timeout: float) -> None:
        """Produce to ``broker_url``; consumed offsets are committed for consumer group ``group_id``."""
        self.bootstrap = bootstrap_servers(broker_url)
        self.group_id = group_id
        self.request_timeout_ms = int(request_timeout * 1000)
        self._producers: dict[TopicPartition, AIOKafkaProducer] = {}

    def transactional_id(self, tp: TopicPartition) -> str:
        """The same for every worker of the group, so the partition's next owner fences the previous one."""
        return f"{self.group_id}-{tp.topic}-{tp.partition}"

    async def _producer(self, tp: TopicPartition) -> AIOKafkaProducer:
        producer = self._producers.get(tp)
        if producer is None:
            producer = AIOKafkaProducer(
                bootstrap_servers=self.bootstrap,
                transactional_id=self.transactional_id(tp),
                enable_idempotence=True,
                acks="all",
                max_request_size=_MAX_REQUEST_BYTES,
                request_timeout_ms=self.request_timeout_ms,
            )
            await producer.start()  # InitProducerId: fences the previous owner, aborts its open transaction
            self._producers[tp] = producer
        return producer

    @contextlib.asynccontextmanager
    async def transaction(self, tp: TopicPartition, next_offset: int) -> AsyncIterator[AIOKafkaProducer]:
        """Yield the producer of ``tp`` inside a transaction that commits ``next_offset`` with the output.

        Nothing is visible to ``read_committed`` consumers unless the whole block succeeds; on any error the
        transaction is aborted, the producer discarded and the error raised again.
        """
        producer = await self._producer(tp)
        try:
            await producer.begin_transaction()
            yield producer
            await producer.send_offsets_to_transaction({tp: next_offset}, self.group_id)
            await producer.commit_transaction()
        except BaseException:
            # A fenced producer cannot abort (aiokafka asserts on the state change); the broker already did.
            with contextlib.suppress(KafkaError, AssertionError):
                await producer.abort_transaction()
            await self.close([tp])
            raise

    async def close(self, tps: Iterable[TopicPartition]) -> None:
        """Stop the producers of ``tps`` (revoked partitions); an open transaction of theirs is aborted."""
        for tp in tps:
            producer = self._producers.pop(tp, None)
            if producer is not None:
                with contextlib.suppress(KafkaError):
                    await producer.stop()

    async def close_all(self) -> None:
        """Stop every producer."""
        await self.close(list(self._producers))
