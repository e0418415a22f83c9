"""Faust with three fixes to the end of a rebalance, where it otherwise drops records of the stream partitions.

Faust 0.15.3 pauses a partition by removing it from its set of active partitions; the consumer keeps fetching it,
and a fetch returns records only of the partitions it is asked for. Records Faust then drops are read again only
if the partition is sought back, which Faust does to the committed offset when a rebalance completes.

1. **The fetch gets Faust's live set.** The consumer thread waits (up to 1 s) for records of the partitions in
   that set object while a table's recovery changes it. Once recovery pauses the changelog partitions it has
   read, the set can be empty, and aiokafka reads an empty set as *every* partition: it hands over records of
   the paused ``articles``, ``events`` and through-topic partitions and moves their positions past them, and
   Faust drops them as not active. Measured on the Kafka tier (stories on, a worker logging what each fetch
   returned): 13 records of a new ``articles`` partition fetched 6 ms before "Worker ready" while it was
   paused, none ever processed (docs/stories.md). Here the fetch gets a copy of the set, and none is made for
   an empty one. Without a table Faust fetches nothing while the stream partitions are paused.
2. **Records read while recovery completes are cleared.** ``Recovery.on_recovery_completed`` resumes the
   stream partitions while the consumer is already fetching (recovery resumed it for the changelogs), then
   seeks them to their committed offsets, then resumes flow control again, which empties every stream queue:
   records fetched in between are dropped with the position past them (read in Faust's code). Here the paused
   stream partitions are sought first and resumed last, and flow control, resumed earlier in the same recovery,
   is not resumed again.
3. **"Seek to committed" leaves a partition without a committed offset where it is.** So records dropped
   during a rebalance are lost there for good (a new ``articles`` partition; with exactly_once, ``events`` and
   the through-topic until the stories stage first commits). Observed once: a fetch begun before a rebalance
   returned 12 records of a partition of the new assignment while flow was stopped, and Faust dropped them;
   that partition had a committed offset and was sought back. Here a partition without one is sought where
   the reset policy starts it (``earliest``), as a new consumer would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Set
from typing import Any, cast

import aiokafka
import faust
from faust.tables import TableManager
from faust.tables.recovery import Recovery
from faust.transport.consumer import RecordMap
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP

__all__ = ["App"]


class _ConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    """The consumer thread: fetches for a copy of the active partitions, never for none (fix 1), and seeks a
    partition without a committed offset to where the reset policy starts it (fix 3)."""

    async def _fetch_records(
        self,
        consumer: aiokafka.AIOKafkaConsumer,
        active_partitions: Set[TP],
        timeout: float | None = None,
        max_records: int | None = None,
    ) -> RecordMap:
        partitions = frozenset(active_partitions)
        if not partitions:
            return {}
        return await super()._fetch_records(consumer, partitions, timeout=timeout, max_records=max_records)

    async def seek_to_committed(self) -> Mapping[TP, int]:
        """Seek every assigned stream partition to its committed offset, or by the reset policy when it has none."""
        return await self.call_thread(self._seek_to_committed_or_reset)

    async def _seek_to_committed_or_reset(self) -> Mapping[TP, int]:
        consumer = self._ensure_consumer()
        committed = await consumer.seek_to_committed()
        # aiokafka leaves these where they are; the changelogs are positioned by the recovery itself.
        unset = [tp for tp, offset in committed.items() if not offset and not self.consumer._is_changelog_tp(tp)]
        if unset:
            earliest = self.app.conf.consumer_auto_offset_reset == "earliest"
            await (consumer.seek_to_beginning if earliest else consumer.seek_to_end)(*unset)
        return committed


class _Consumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> faust_aiokafka.AIOKafkaConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class _Transport(faust_aiokafka.Transport):
    Consumer = _Consumer


class _OrderedRecovery(Recovery):
    """Faust's recovery with ``on_recovery_completed`` in an order that clears no stream records (fix 2)."""

    async def on_recovery_completed(self, generation_id: int = 0) -> None:
        """Seek the paused stream partitions to their committed offsets, then resume them."""
        app, consumer = self.app, self.app.consumer
        self.log.info("Restore complete!")
        await app.on_rebalance_complete.send()
        self._set_recovery_ended()
        callbacks = [
            asyncio.ensure_future(
                table.on_recovery_completed(self.actives_for_table[table], self.standbys_for_table[table])
            )
            for table in self.tables.values()
        ]
        if callbacks:
            await asyncio.wait(callbacks)
        if app.consumer_generation_id != generation_id:
            self.log.warning("Recovery rebalancing again app id %s param %s", app.consumer_generation_id, generation_id)
            return
        assignment = consumer.assignment()
        if assignment:
            self.log.info("Seek stream partitions to committed offsets.")
            await self._wait(consumer.perform_seek(), timeout=app.conf.broker_request_timeout)
        self.completed.set()
        if not app.flow_control.is_active():
            app.flow_control.resume()
        consumer.resume_partitions({tp for tp in assignment if not self._is_changelog_tp(tp)})
        consumer.resume_flow()
        await cast(Any, app)._fetcher.maybe_start()
        self.tables.on_actives_ready()
        if not app.assignor.assigned_standbys():
            self.tables.on_standbys_ready()
        app.on_rebalance_end()
        self.log.info("Worker ready")


class _TableManager(TableManager):
    @property
    def recovery(self) -> Recovery:
        """The recovery service, created on first use as Faust's is."""
        if self._recovery is None:
            self._recovery = _OrderedRecovery(self.app, self, beacon=self.beacon, loop=self.loop)
        return self._recovery


class App(faust.App):
    """``faust.App`` on Kafka (``kafka://`` brokers) with the three fixes."""

    def __init__(self, id: str, **options: Any) -> None:  # noqa: A002 - Faust's parameter name
        """As ``faust.App``; the table manager is ours."""
        super().__init__(id, TableManager=_TableManager, **options)

    def _new_transport(self) -> faust_aiokafka.Transport:
        return _Transport(self.conf.broker_consumer, self)
