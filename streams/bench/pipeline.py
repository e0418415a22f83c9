"""The whole path: articles published to Kafka, K worker processes, until every processed marker is back."""

from __future__ import annotations

import asyncio
import math
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from schemas import Article
from streams.bench.machine import busy_cpu_seconds, process_cpu_seconds, process_memory_mb
from streams.bench.stats import latency_summary, per_second, ratio
from streams.exceptions import NewseventsError
from streams.processes import WorkerProcess, metric_sum
from streams.settings import Settings
from streams.topics import ARTICLES, PROCESSED, bootstrap_servers, ensure_topics

__all__ = ["BenchError", "PipelineConfig", "Progress", "run_pipeline"]

Progress = Callable[[str], None]

#: Fewest articles in a paced run, so that its percentiles mean something.
_MIN_PACED = 20
#: Give up when no marker arrived for this long.
_STALL_SECONDS = 120.0
#: The group counts as settled when every worker reported its share for this long (the gauge ticks every 2 s).
_SETTLED_SECONDS = 2.5
_HISTOGRAMS = ("newsevents_batch_extraction_seconds", "newsevents_batch_size")


class BenchError(NewseventsError):
    """The pipeline did not deliver every marker, or the workers did not get ready."""


@dataclass(frozen=True)
class PipelineConfig:
    """One pipeline measurement: K workers on a topic set of its own."""

    broker_url: str
    workers: int
    partitions: int
    log_dir: Path
    #: Articles/s for the paced run, "half" of the measured maximum, or None for no paced run.
    rate: float | str | None = None
    #: A paced run publishes for about this long.
    paced_seconds: float = 30.0
    ready_timeout: float = 180.0
    #: The broker is the embedded Tansu (the worker turns on the workaround it needs).
    embedded_broker: bool = False


def _histograms(worker: WorkerProcess) -> dict[str, float]:
    text = worker.metrics_text()
    return {f"{name}_{part}": metric_sum(text, f"{name}_{part}") for name in _HISTOGRAMS for part in ("sum", "count")}


def _pid(worker: WorkerProcess) -> int:
    assert worker.process is not None
    return worker.process.pid


def _wait_settled(workers: Sequence[WorkerProcess], partitions: int, timeout: float, progress: Progress) -> None:
    """Block until the model is loaded everywhere and the partitions are split over all workers, stably."""
    deadline = time.monotonic() + timeout
    for worker in workers:
        worker.wait_ready(timeout=max(1.0, deadline - time.monotonic()))
    settled_since: float | None = None
    while time.monotonic() < deadline:
        texts = [worker.metrics_text() for worker in workers]
        assigned = [metric_sum(text, "newsevents_assigned_partitions") for text in texts]
        loaded = all(metric_sum(text, "newsevents_model_load_seconds") > 0 for text in texts)
        if loaded and sum(assigned) == partitions and min(assigned) > 0:
            settled_since = settled_since or time.monotonic()
            if time.monotonic() - settled_since >= _SETTLED_SECONDS:
                progress(f"  workers ready, partitions {[int(a) for a in assigned]}")
                return
        else:
            settled_since = None
        time.sleep(0.5)
    message = f"{len(workers)} workers did not settle on {partitions} partitions within {timeout:.0f} s"
    raise BenchError(message)


async def _publish(
    producer: AIOKafkaProducer, topic: str, partitions: int, articles: Sequence[Article], rate: float | None
) -> dict[str, float]:
    """Produce the articles round-robin over the partitions; return each one's produce time (epoch s).

    Without ``rate`` everything goes out at once; with it, article ``i`` is sent at ``start + i / rate``.
    """
    payloads = [(a.id, a.id.encode(), a.model_dump_json(exclude_none=True).encode()) for a in articles]
    sent: dict[str, float] = {}
    futures = []
    start = time.monotonic()
    for index, (article_id, key, value) in enumerate(payloads):
        if rate is not None:
            await asyncio.sleep(max(0.0, start + index / rate - time.monotonic()))
        timestamp_ms = int(time.time() * 1000)
        sent[article_id] = timestamp_ms / 1000
        futures.append(
            await producer.send(topic, value=value, key=key, partition=index % partitions, timestamp_ms=timestamp_ms)
        )
    await asyncio.gather(*futures)
    return sent


async def _collect(
    consumer: AIOKafkaConsumer, wanted: set[str], label: str, progress: Progress
) -> dict[str, tuple[float, dict[str, Any]]]:
    """Read markers until one per wanted article id arrived: id -> (marker timestamp, marker)."""
    markers: dict[str, tuple[float, dict[str, Any]]] = {}
    loop = asyncio.get_running_loop()
    last_arrival = last_report = loop.time()
    while len(markers) < len(wanted):
        batches = await consumer.getmany(timeout_ms=500)
        for record in (record for batch in batches.values() for record in batch):
            marker = orjson.loads(record.value)
            article_id = marker.get("article_id")
            if article_id in wanted and article_id not in markers:
                markers[article_id] = (record.timestamp / 1000, marker)
                last_arrival = loop.time()
        if loop.time() - last_report >= 5:
            last_report = loop.time()
            progress(f"  {label}: {len(markers)}/{len(wanted)} markers")
        if loop.time() - last_arrival > _STALL_SECONDS:
            message = f"{label}: no marker for {_STALL_SECONDS:.0f} s, {len(markers)}/{len(wanted)} arrived"
            raise BenchError(message)
    return markers


async def _measure(
    settings: Settings,
    articles: Sequence[Article],
    rate: float | None,
    workers: Sequence[WorkerProcess],
    label: str,
    progress: Progress,
) -> dict[str, Any]:
    """Publish ``articles`` and wait for their markers; throughput, latency and the workers' own accounts."""
    assert settings.broker is not None
    servers = bootstrap_servers(settings.broker)
    processed = [TopicPartition(settings.topic(PROCESSED), p) for p in range(settings.partitions)]
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False)
    producer = AIOKafkaProducer(bootstrap_servers=servers, acks="all", linger_ms=5)
    await consumer.start()
    await producer.start()
    try:
        consumer.assign(processed)
        await consumer.seek_to_end(*processed)
        for partition in processed:
            await consumer.position(partition)  # resolve the end now, before anything is published
        before = [_histograms(worker) for worker in workers]
        cpu_before = [process_cpu_seconds(_pid(worker)) for worker in workers]
        client_cpu, machine_cpu = time.process_time(), busy_cpu_seconds()
        collector = asyncio.create_task(_collect(consumer, {a.id for a in articles}, label, progress))
        sent = await _publish(producer, settings.topic(ARTICLES), settings.partitions, articles, rate)
        markers = await collector
        client_cpu, machine_cpu = time.process_time() - client_cpu, busy_cpu_seconds() - machine_cpu
        cpu = [process_cpu_seconds(_pid(worker)) - used for worker, used in zip(workers, cpu_before, strict=True)]
        after = [_histograms(worker) for worker in workers]
    finally:
        await producer.stop()
        await consumer.stop()
    seconds = max(stamp for stamp, _ in markers.values()) - min(sent.values())
    events = sum(int(marker["events"]) for _, marker in markers.values())
    deltas = [{name: a[name] - b[name] for name in a} for a, b in zip(after, before, strict=True)]
    extraction = [delta["newsevents_batch_extraction_seconds_sum"] for delta in deltas]
    batches = sum(delta["newsevents_batch_size_count"] for delta in deltas)
    return {
        "rate": rate,
        "articles": len(articles),
        "statuses": dict(Counter(str(marker["status"]) for _, marker in markers.values())),
        "events": events,
        "seconds": round(seconds, 2),
        "articles_per_s": per_second(len(articles), seconds),
        "events_per_s": per_second(events, seconds),
        "latency_s": latency_summary([stamp - sent[article_id] for article_id, (stamp, _) in markers.items()]),
        "mean_batch": round(len(articles) / batches, 1) if batches else None,
        "articles_per_cpu_s": per_second(len(articles), sum(cpu)),
        "worker_cpu_share": [ratio(used, seconds) for used in cpu],
        "worker_extraction_share": [ratio(used, seconds) for used in extraction],
        "client_cpu_s": round(client_cpu, 2),
        # CPUs busy on the whole machine meanwhile: workers, broker, this client, and anything else running.
        "machine_busy_cpus": ratio(machine_cpu, seconds),
    }


def run_pipeline(config: PipelineConfig, articles: Sequence[Article], progress: Progress) -> dict[str, Any]:
    """Start K workers on fresh topics, measure at full speed, then (with ``rate``) paced; stop them."""
    suffix = uuid.uuid4().hex[:8]
    settings = Settings(
        broker=config.broker_url,
        app_id=f"bench-{suffix}",
        topic_prefix=f"bench-{suffix}.",
        partitions=config.partitions,
    )
    asyncio.run(ensure_topics(settings))
    env = {
        "NEWSEVENTS_APP_ID": settings.app_id,
        "NEWSEVENTS_TOPIC_PREFIX": settings.topic_prefix,
        "NEWSEVENTS_PARTITIONS": str(settings.partitions),
        "NEWSEVENTS_EMBEDDED_BROKER": str(config.embedded_broker),
    }
    workers = [
        WorkerProcess(
            config.broker_url,
            env={**env, "NEWSEVENTS_DATA_DIR": str(config.log_dir / f"k{config.workers}-w{n}")},
            log_path=config.log_dir / f"worker-k{config.workers}-{n}.log",
        )
        for n in range(config.workers)
    ]
    label = f"pipeline K={config.workers}"
    try:
        progress(f"{label}: starting {config.workers} worker(s), {config.partitions} partitions")
        started = time.monotonic()
        for worker in workers:
            worker.start()
        _wait_settled(workers, config.partitions, config.ready_timeout, progress)
        ready_seconds = time.monotonic() - started
        progress(f"{label}: publishing {len(articles)} articles at once")
        result = asyncio.run(_measure(settings, articles, None, workers, label, progress))
        result["ready_seconds"] = round(ready_seconds, 1)
        if config.rate is not None:
            rate = result["articles_per_s"] / 2 if config.rate == "half" else float(config.rate)
            count = min(len(articles), max(_MIN_PACED, math.ceil(rate * config.paced_seconds)))
            paced = [a.model_copy(update={"id": f"{a.id}~paced"}) for a in articles[:count]]
            progress(f"{label}: publishing {count} articles at {rate:.2f}/s")
            result["paced"] = asyncio.run(_measure(settings, paced, rate, workers, f"{label} paced", progress))
        result["worker_memory_mb"] = [process_memory_mb(_pid(worker)) for worker in workers]
    finally:
        for worker in workers:
            worker.stop()
    return {"workers": config.workers, "partitions": config.partitions, **result}
