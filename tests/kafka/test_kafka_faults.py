"""Fault tests on a 3-node Apache Kafka cluster: exactly-once over worker kills, a broker kill, partition growth.

Topics at replication factor 3 with min.insync.replicas=2; every producer uses acks=all. Each test prints one
``FAULTS`` line (run with ``-s``); docs/guarantees.md records the figures.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import Callable

import pytest
from aiokafka import AIOKafkaClient, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewPartitions

from schemas import Event, ProcessedMarker
from streams.extraction import ExtractionConfig, Extractor
from streams.kafka_cluster import KafkaCluster
from streams.processes import WorkerProcess, metric_sum
from streams.settings import Settings
from streams.topics import ARTICLES, EVENTS, PROCESSED
from tests.integration.helpers import collect, publish_articles
from tests.integration.test_faults import (
    PUBLISHED,
    batch_in_flight,
    comparable,
    processed_count,
    report,
    short_articles,
    wait_until,
)
from tests.integration.test_stories import clean_counts, counts, wait_for_stories
from tests.kafka.conftest import kafka_settings

pytestmark = pytest.mark.kafka

StartWorkers = Callable[[Settings], Callable[..., WorkerProcess]]


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    """The clean reference run: the real extractor in this process."""
    return Extractor(ExtractionConfig())


def committed_markers(settings: Settings) -> list[ProcessedMarker]:
    """Markers as a ``read_committed`` consumer sees them (no record of an aborted transaction)."""
    records = collect(settings, PROCESSED, idle_timeout=1.0, read_committed=True)
    return [ProcessedMarker.model_validate_json(r.value) for r in records]


def wait_for_committed_ids(settings: Settings, ids: set[str], timeout: float) -> list[ProcessedMarker]:
    found: list[ProcessedMarker] = []

    def done() -> bool:
        nonlocal found
        found = committed_markers(settings)
        return ids <= {m.article_id for m in found}

    wait_until(done, timeout, f"markers for {len(ids)} articles", interval=1.0)
    return found


def test_exactly_once_over_three_worker_kills(
    kafka_cluster: KafkaCluster, kafka_workers: StartWorkers, extractor: Extractor
) -> None:
    """Two workers, exactly_once; three times: publish 60 articles, SIGKILL the older worker mid-batch, replace it.

    Every article is coded exactly once, and the stories stage counts every event once.
    """
    settings = kafka_settings(kafka_cluster, processing_guarantee="exactly_once")
    start = kafka_workers(settings)
    articles = short_articles("eos", 180)
    live = [start(wait=False), start(wait=False)]
    for worker in live:
        worker.wait_ready()
    for chunk in (articles[:60], articles[60:120], articles[120:]):
        publish_articles(settings, chunk)
        victim = live.pop(0)
        wait_until(lambda victim=victim: batch_in_flight(victim), 60, "a batch in flight")
        victim.signal(signal.SIGKILL)
        live.append(start())
    found = wait_for_committed_ids(settings, {a.id for a in articles}, timeout=180)

    per_article = Counter(m.article_id for m in found)
    events = [Event.model_validate_json(r.value) for r in collect(settings, EVENTS, read_committed=True)]
    per_event = Counter(e.event_id for e in events)
    clean = {e.event_id: comparable(e) for r in extractor.extract_many(articles, PUBLISHED) for e in r.events}
    uncommitted_markers = len(collect(settings, PROCESSED, idle_timeout=1.0))
    stories = counts(wait_for_stories(settings, timeout=60))
    report(
        "exactly-once",
        sent=len(articles),
        processed=len(per_article),
        lost=len({a.id for a in articles} - set(per_article)),
        duplicated_markers=sum(per_article.values()) - len(per_article),
        events_clean=len(clean),
        events_committed=len(events),
        duplicated_events=len(events) - len(per_event),
        markers_in_log_incl_aborted=uncommitted_markers,
        stories=len(stories),
        story_mentions=sum(m for m, _, _ in stories.values()),
    )
    assert set(per_article) == {a.id for a in articles} and {m.status for m in found} == {"ok"}
    assert max(per_article.values()) == 1, "an article was committed twice"
    assert max(per_event.values()) == 1, "an event was committed twice"
    assert {e.event_id: comparable(e) for e in events} == clean
    assert stories == clean_counts(articles, extractor), "the stories do not count as in a clean run"


async def _leader(bootstrap: str, tp: TopicPartition) -> int:
    client = AIOKafkaClient(bootstrap_servers=bootstrap)
    try:
        await client.bootstrap()
        await client.force_metadata_update()
        return client.cluster.leader_for_partition(tp)
    finally:
        await client.close()


def test_broker_kill_loses_nothing_and_workers_carry_on(
    kafka_cluster: KafkaCluster, kafka_workers: StartWorkers
) -> None:
    """kill -9 the node leading articles partition 0 mid-stream, publish meanwhile, restart it later."""
    settings = kafka_settings(kafka_cluster)
    start = kafka_workers(settings)
    workers = [start(wait=False), start(wait=False)]
    for worker in workers:
        worker.wait_ready()
    pids = [w.process.pid for w in workers if w.process]
    articles = short_articles("broker", 150)
    publish_articles(settings, articles[:100])
    wait_until(lambda: sum(processed_count(w) for w in workers) >= 16, 60, "processing")
    leader = asyncio.run(_leader(kafka_cluster.bootstrap, TopicPartition(settings.topic(ARTICLES), 0)))
    victim = next(node for node in kafka_cluster.nodes if node.spec.node_id == leader)
    victim.kill()
    publish_articles(settings, articles[100:])  # acks=all: the two nodes left are enough in sync
    time.sleep(10)
    victim.start(bound_to_parent=True)
    kafka_cluster.wait_ready(60)
    found = wait_for_committed_ids(settings, {a.id for a in articles}, timeout=180)

    per_article = Counter(m.article_id for m in found)
    report(
        "broker-kill",
        sent=len(articles),
        processed=len(per_article),
        lost=len({a.id for a in articles} - set(per_article)),
        duplicated_markers=sum(per_article.values()) - len(per_article),
        killed_node=leader,
    )
    assert set(per_article) == {a.id for a in articles}
    assert all(w.process is not None and w.process.poll() is None for w in workers), "a worker exited"
    assert [w.process.pid for w in workers if w.process] == pids


async def _add_partitions(bootstrap: str, topic: str, total: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        await admin.start()
        response = await admin.create_partitions({topic: NewPartitions(total_count=total)})
        assert all(code == 0 for _, code, _ in response.topic_errors), response
    finally:
        await admin.close()


def assigned(workers: list[WorkerProcess]) -> float:
    return sum(metric_sum(w.metrics_text(), "newsevents_assigned_partitions") for w in workers)


def test_partitions_added_while_workers_run_are_processed(
    kafka_cluster: KafkaCluster, kafka_workers: StartWorkers
) -> None:
    """Two workers on 2 partitions; the topic grows to 4: they rebalance and code the new partitions too."""
    settings = kafka_settings(kafka_cluster, partitions=2, metadata_max_age=3.0)
    start = kafka_workers(settings)
    workers = [start(wait=False), start(wait=False)]
    for worker in workers:
        worker.wait_ready()
    before, after = short_articles("grow-a", 30), short_articles("grow-b", 60)
    publish_articles(settings, before)
    asyncio.run(_add_partitions(kafka_cluster.bootstrap, settings.topic(ARTICLES), 4))
    grown = time.monotonic()
    rebalance_seconds = wait_until(lambda: assigned(workers) == 4, 90, "assignment of 4 partitions", interval=0.5)
    publish_articles(settings, after)
    found = wait_for_committed_ids(settings, {a.id for a in before + after}, timeout=120)

    report(
        "partition-growth",
        sent=len(before) + len(after),
        processed=len({m.article_id for m in found}),
        partitions_processed=sorted({m.partition for m in found}),
        rebalance_seconds=f"{rebalance_seconds:.1f}",
        all_done_seconds=f"{time.monotonic() - grown:.1f}",
    )
    assert {m.partition for m in found} == {0, 1, 2, 3}
    assert all(metric_sum(w.metrics_text(), "newsevents_assigned_partitions") > 0 for w in workers)
