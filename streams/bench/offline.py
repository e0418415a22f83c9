"""The two phases without Kafka: spaCy's full pipeline alone, and our extraction."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from typing import Any

import spacy
from spacy.language import Language

from schemas import Article
from streams.bench.stats import per_second, ratio
from streams.extraction import Extractor

__all__ = ["PARSE_BATCH_SIZES", "PROBE_ARTICLES", "WARMUP_ARTICLES", "extract_only", "parse_only"]

#: Articles run untimed first in both phases, so one-off allocations count in neither.
WARMUP_ARTICLES = 4
#: Batch sizes tried for the plain parse, and the articles each is timed on: at least two batches of the largest
#: (a probe of one partial batch flatters a large size). spaCy's default, 256, ran 10-20 % slower here than 16-64.
PARSE_BATCH_SIZES = (16, 32, 64, 128)
PROBE_ARTICLES = 256


def _timed_parse(nlp: Language, texts: Sequence[str], batch_size: int) -> tuple[int, float, float]:
    """(tokens, wall seconds, CPU seconds) of one ``nlp.pipe`` pass."""
    started, cpu = time.perf_counter(), time.process_time()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size))
    return tokens, time.perf_counter() - started, time.process_time() - cpu


def parse_only(model_name: str, articles: Sequence[Article]) -> dict[str, Any]:
    """Every component of ``model_name`` over the bodies with ``nlp.pipe``, at its fastest batch size: each of
    PARSE_BATCH_SIZES is timed on the first PROBE_ARTICLES, then the best one runs over all of them."""
    started = time.perf_counter()
    nlp = spacy.load(model_name)
    load_seconds = time.perf_counter() - started
    texts = [article.body for article in articles]
    for _ in nlp.pipe(texts[:WARMUP_ARTICLES]):
        pass
    probe = texts[:PROBE_ARTICLES]
    probed = {size: per_second(len(probe), _timed_parse(nlp, probe, size)[1]) for size in PARSE_BATCH_SIZES}
    best = max(probed, key=probed.__getitem__)
    probed_by_size = {str(size): rate for size, rate in probed.items()}  # JSON object keys are strings
    tokens, seconds, cpu = _timed_parse(nlp, texts, best)
    return {
        "model": model_name,
        "model_version": nlp.meta.get("version"),
        "components": list(nlp.pipe_names),
        "batch_size": best,
        "probed_articles_per_s": probed_by_size,
        "load_seconds": round(load_seconds, 2),
        "articles": len(texts),
        "words": tokens,
        "seconds": round(seconds, 2),
        "cpu_share": ratio(cpu, seconds),
        "articles_per_s": per_second(len(texts), seconds),
        "articles_per_cpu_s": per_second(len(texts), cpu),
        "words_per_s": per_second(tokens, seconds),
    }


def extract_only(extractor: Extractor, articles: Sequence[Article], batch_size: int) -> dict[str, Any]:
    """``extract_many`` over ``batch_size`` articles at a time, as a worker calls it per stream batch."""
    now = dt.datetime.now(dt.UTC)
    extractor.extract_many(articles[:WARMUP_ARTICLES], now)
    started, cpu = time.perf_counter(), time.process_time()
    results = [
        result
        for start in range(0, len(articles), batch_size)
        for result in extractor.extract_many(articles[start : start + batch_size], now)
    ]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    events = sum(len(result.events) for result in results)
    actors = sum(len(result.actors) for result in results)
    return {
        "model": extractor.model_name,
        "load_seconds": round(extractor.load_seconds, 2),
        "batch_size": batch_size,
        "articles": len(articles),
        "events": events,
        "actors": actors,
        "seconds": round(seconds, 2),
        "cpu_share": ratio(cpu, seconds),
        "articles_per_s": per_second(len(articles), seconds),
        "articles_per_cpu_s": per_second(len(articles), cpu),
        "events_per_s": per_second(events, seconds),
    }
