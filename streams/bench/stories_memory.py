"""Memory of the stories stage under a long synthetic stream: ``python -m streams.bench.stories_memory``.

Feeds N synthetic events (event time advancing 1 day per ``--per-day`` events, 150 country pairs, 5 CAMEO
roots, 3 events per article, 12 outlets) through the same :class:`Aggregator` the worker runs, over a dict
as the Faust memory store is, expiring each partition every 1,000 events as the worker does on a timer.
Prints the state and the process's resident memory every 10,000 events, then one ``STORIES-MEMORY`` line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import time
import zlib
from collections.abc import Iterator

import orjson

from schemas import Actor, Event, Location, Trigger
from streams.bench.machine import process_memory_mb
from streams.stories import Aggregator, AggregatorLimits, partition_key

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


def main(argv: list[str] | None = None) -> int:
    """Run the stream and print one line per 10,000 events and a summary line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--per-day", type=int, default=2_000, help="events per day of event time")
    args = parser.parse_args(argv)
    store: dict[str, object] = {}
    aggregator = Aggregator(store, AggregatorLimits())
    now = dt.datetime.now(dt.UTC)
    samples: list[float] = []
    began = time.perf_counter()
    for n, (event, seen) in enumerate(synthetic_events(args.events, args.per_day), start=1):
        aggregator.apply(zlib.crc32(partition_key(event).encode()) % _PARTITIONS, event, seen, now)
        if n % _EXPIRY_EVERY == 0:
            for partition in range(_PARTITIONS):
                aggregator.expire(partition)
        if n % _REPORT_EVERY == 0:
            gc.collect()
            rss = process_memory_mb(os.getpid())["rss_mb"]
            samples.append(rss)
            sizes = aggregator.sizes()
            state_mb = len(orjson.dumps(store)) / 1e6
            print(
                f"events={n} day={n / args.per_day:.0f} stories={sizes['stories']} windows={sizes['windows']} "
                f"state_json_mb={state_mb:.1f} rss_mb={rss:.1f}",
                flush=True,
            )
    steady = samples[len(samples) // 2 :]
    spread = (max(steady) - min(steady)) / min(steady) * 100
    print(
        f"STORIES-MEMORY events={args.events} per_day={args.per_day} seconds={time.perf_counter() - began:.0f} "
        f"rss_mb_second_half={min(steady):.1f}..{max(steady):.1f} spread_pct={spread:.1f} "
        f"events_per_s={args.events / (time.perf_counter() - began):.0f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
