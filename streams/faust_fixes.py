"""Faust with two fixes to its table recovery, which otherwise drops records of the stream partitions.

Both concern the seconds after a rebalance while a table is being recovered, so they matter only with the stories
stage (the one table). Faust 0.15.3 pauses partitions by removing them from its set of active partitions; the
consumer keeps fetching them, and the fetch returns records only for the partitions it is asked for.

1. **The fetch gets Faust's live set.** The consumer thread waits (up to 1 s) for records of the partitions in
   that set object while the recovery changes it. Once recovery pauses the changelog partitions it has read,
   the set can be empty, and aiokafka reads an empty set as *every* partition: it hands over records of the
   paused ``articles``, ``events`` and through-topic partitions and moves their positions past them, and Faust
   drops them as not active. Measured on the Kafka tier (stories on, a worker logging what each fetch returned):
   13 records of a new ``articles`` partition fetched 6 ms before "Worker ready" while it was paused, none
   processed, its position left at 13. A partition with a committed offset is sought back to it when recovery
   completes; a new partition has none, so its records were never processed (docs/stories.md). Here the fetch
   gets a copy of the set and no fetch is made for an empty one.
2. **Records read while recovery completes are cleared.** ``Recovery.on_recovery_completed`` resumes the
   stream partitions while the consumer is already fetching (recovery resumed it for the changelogs), then
   seeks them to their committed offsets, then resumes flow control again, which empties every stream queue:
   records fetched in between are dropped with the position past them (read in Faust's code, not observed
   apart from 1). Here the paused stream partitions are sought first and resumed last, and flow control, resumed
   earlier in the same recovery, is not resumed again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Set
from typing import Any, cast

import aiokafka
import faust
from faust.tables import TableManager
from faust.tables.recovery import Recovery
from faust.transport.consumer import RecordMap
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP

__all__ = ["App"]


class _SnapshotFetchThread(faust_aiokafka.AIOKafkaConsumerThread):
    """The consumer thread, fetching for a copy of the active partitions, and never for none (fix 1)."""

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


class _Consumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> faust_aiokafka.AIOKafkaConsumerThread:
        return _SnapshotFetchThread(self, loop=self.loop, beacon=self.beacon)


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
    """``faust.App`` on Kafka (``kafka://`` brokers) with both fixes."""

    def __init__(self, id: str, **options: Any) -> None:  # noqa: A002 - Faust's parameter name
        """As ``faust.App``; the table manager is ours."""
        super().__init__(id, TableManager=_TableManager, **options)

    def _new_transport(self) -> faust_aiokafka.Transport:
        return _Transport(self.conf.broker_consumer, self)
