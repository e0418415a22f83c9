"""Memory of the stories stage under a long synthetic stream: ``python -m streams.bench.stories_memory``.

Feeds N synthetic events (event time advancing 1 day per ``--per-day`` events, 150 country pairs, 5 CAMEO
roots, 3 events per article, 12 outlets) through the same :class:`Aggregator` the worker runs, over a dict
as the Faust memory store is, expiring each partition every 1,000 events as the worker does on a timer.
With ``--worker`` the events go to the ``events`` topic of an embedded broker instead, read by a real worker
process (memory store, changelog), whose resident memory is sampled.
Prints the state and the resident memory every 10,000 events, then one ``STORIES-MEMORY`` line.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import os
import random
import re
import time
import zlib
from collections.abc import Iterator
from itertools import islice

import orjson

from schemas import Actor, Event, Location, Trigger
from streams.bench.machine import process_memory_mb
from streams.embedded import EmbeddedBroker
from streams.kafka_io import publish
from streams.processes import WorkerProcess, metric_sum
from streams.settings import Settings
from streams.stories import Aggregator, AggregatorLimits, partition_key
from streams.topics import EVENTS, ensure_topics

_COUNTRIES = ("USA", "RUS", "UKR", "CHN", "FRA", "DEU", "GBR", "IRN", "ISR", "IND", "PAK", "TUR", "SYR")
_ROOTS = (
    ("04", "040", "CONSULT", 1, 1.0),
    ("11", "112", "ACCUSE", 3, -2.0),
    ("19", "194", "ASSAULT", 4, -10.0),
    ("05", "057", "AGREE", 1, 8.0),
    ("17", "172", "SANCTION", 4, -5.0),
)
_OUTLETS = tuple(f"outlet-{i}" for i in range(12))
_PARTITIONS = 4
_EXPIRY_EVERY = 1_000
_REPORT_EVERY = 10_000
_CHUNK_TIMEOUT = 300.0


def synthetic_events(count: int, per_day: int, seed: int = 7) -> Iterator[tuple[Event, dt.datetime]]:
    """``count`` events with their seen time; event time moves forward one day every ``per_day`` events."""
    rng = random.Random(seed)
    pairs = [(a, b) for a in _COUNTRIES for b in _COUNTRIES if a != b][:150]
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    extracted = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    for i in range(count):
        seen = start + dt.timedelta(days=i / per_day, seconds=rng.randrange(3600))
        source, target = rng.choice(pairs)
        root, code, plover, quad, goldstein = rng.choice(_ROOTS)
        article = f"art-{i // 3}"
        yield (
            Event(
                event_id=f"ev-{i}",
                article_id=article,
                sentence_index=i % 3,
                sentence="A synthetic sentence of typical length about one country acting toward another one.",
                date=(seen - dt.timedelta(days=rng.randrange(2))).date(),
                plover_type=plover,
                cameo_code=code,
                cameo_root=root,
                quad_class=quad,
                goldstein=goldstein,
                source=Actor(text=source, name=source, country=source, sector="GOV", start=0, end=3),
                target=Actor(text=target, name=target, country=target, sector="GOV", start=10, end=13),
                trigger=Trigger(text="acted", start=5, end=10),
                location=Location(name=target, country=target),
                confidence=round(rng.random(), 3),
                extracted_at=extracted,
                published_at=seen,
                article_source=rng.choice(_OUTLETS),
                article_url=f"https://news.example/{article}",
            ),
            seen,
        )


def in_process(count: int, per_day: int) -> list[float]:
    """Resident MB of this process every 10,000 events aggregated over a dict."""
    store: dict[str, object] = {}
    aggregator = Aggregator(store, AggregatorLimits())
    now = dt.datetime.now(dt.UTC)
    samples: list[float] = []
    for n, (event, seen) in enumerate(synthetic_events(count, per_day), start=1):
        aggregator.apply(zlib.crc32(partition_key(event).encode()) % _PARTITIONS, event, seen, now)
        if n % _EXPIRY_EVERY == 0:
            for partition in range(_PARTITIONS):
                aggregator.expire(partition)
        if n % _REPORT_EVERY == 0:
            gc.collect()
            samples.append(process_memory_mb(os.getpid())["rss_mb"])
            sizes = aggregator.sizes()
            print(
                f"events={n} day={n / per_day:.0f} stories={sizes['stories']} windows={sizes['windows']} "
                f"state_json_mb={len(orjson.dumps(store)) / 1e6:.1f} rss_mb={samples[-1]:.1f}",
                flush=True,
            )
    return samples


def in_worker(count: int, per_day: int) -> list[float]:
    """Resident MB of a worker process every 10,000 events it aggregated from the ``events`` topic."""
    samples: list[float] = []
    with EmbeddedBroker() as broker:
        settings = Settings(_env_file=None, broker=broker.url, app_id="stories-memory", partitions=_PARTITIONS)
        asyncio.run(ensure_topics(settings))
        env = {"NEWSEVENTS_APP_ID": settings.app_id}
        with WorkerProcess(broker.url, env=env) as worker:
            worker.wait_ready()
            assert worker.process is not None
            events = synthetic_events(count, per_day)
            for n in range(_REPORT_EVERY, count + 1, _REPORT_EVERY):
                chunk = [
                    (e.article_id.encode(), e.model_dump_json().encode()) for e, _ in islice(events, _REPORT_EVERY)
                ]
                asyncio.run(publish(broker.url, settings.topic(EVENTS), chunk))
                deadline = time.monotonic() + _CHUNK_TIMEOUT
                while metric_sum(text := worker.metrics_text(), "newsevents_story_mentions_total") < n:
                    if time.monotonic() > deadline:
                        message = f"the worker did not aggregate {n} events within {_CHUNK_TIMEOUT:.0f} s"
                        raise TimeoutError(message)
                    time.sleep(0.5)
                samples.append(process_memory_mb(worker.process.pid)["rss_mb"])
                entries = re.findall(r'newsevents_table_entries\{kind="(\w+)"\} (\S+)', text)
                print(
                    f"events={n} day={n / per_day:.0f} "
                    + " ".join(f"{kind}={float(value):.0f}" for kind, value in entries)
                    + f" worker_rss_mb={samples[-1]:.1f}",
                    flush=True,
                )
    return samples


def main(argv: list[str] | None = None) -> int:
    """Run the stream and print one line per 10,000 events and a summary line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--per-day", type=int, default=2_000, help="events per day of event time")
    parser.add_argument("--worker", action="store_true", help="through a worker process and the embedded broker")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    samples = (in_worker if args.worker else in_process)(args.events, args.per_day)
    steady = samples[len(samples) // 2 :]
    spread = (max(steady) - min(steady)) / min(steady) * 100
    print(
        f"STORIES-MEMORY {'worker' if args.worker else 'in-process'} events={args.events} per_day={args.per_day} "
        f"seconds={time.perf_counter() - began:.0f} "
        f"rss_mb_second_half={min(steady):.1f}..{max(steady):.1f} spread_pct={spread:.1f} "
        f"events_per_s={args.events / (time.perf_counter() - began):.0f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
