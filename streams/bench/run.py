"""One benchmark run: the same articles through spaCy alone, our extraction, and the pipeline with K workers."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

from schemas import Article
from streams.bench.inputs import load_articles
from streams.bench.machine import load_average, machine_info
from streams.bench.offline import extract_only, parse_only
from streams.bench.options import BenchOptions
from streams.bench.pipeline import PipelineConfig, Progress, run_pipeline
from streams.bench.stats import ratios
from streams.embedded import EmbeddedBroker
from streams.extraction import ExtractionConfig, Extractor
from streams.settings import Settings

__all__ = ["run_bench"]


def run_bench(options: BenchOptions, settings: Settings, progress: Progress) -> dict[str, Any]:
    """Measure every phase in order and return the report (the ``--json`` object)."""
    started = dt.datetime.now(dt.UTC)
    machine = machine_info() | {"load_average_start": load_average()}
    articles = load_articles(options.articles_path, options.limit, settings.languages)
    progress(f"{len(articles)} articles from {options.articles_path or 'seeds/ (repeated)'}")
    config = ExtractionConfig(model=settings.model, batch_size=settings.batch_size)
    extractor = Extractor(config)
    progress(f"parse_only: {extractor.model_name}, all components, nlp.pipe")
    parse = parse_only(extractor.model_name, articles)
    progress(f"  {parse['articles_per_s']} articles/s")
    progress("extract_only")
    extract = extract_only(extractor, articles, settings.batch_size)
    progress(f"  {extract['articles_per_s']} articles/s")
    del extractor  # free its memory before the workers start
    runs = _pipelines(options, articles, progress)
    machine["load_average_end"] = load_average()
    return {
        "started_at": started.isoformat(timespec="seconds"),
        "machine": machine,
        "settings": {
            "articles_path": str(options.articles_path) if options.articles_path else None,
            "articles": len(articles),
            "workers": list(options.workers),
            "partitions": options.partitions,
            "rate": options.rate,
            "paced_seconds": options.paced_seconds,
            "broker": options.broker or "embedded",
            "model": parse["model"],
            "batch_size": settings.batch_size,
            "batch_timeout": settings.batch_timeout,
        },
        "parse_only": parse,
        "extract_only": extract,
        "pipeline": runs,
        "ratios": ratios(parse, extract, runs),
    }


def _pipelines(options: BenchOptions, articles: list[Article], progress: Progress) -> list[dict[str, Any]]:
    log_dir = Path(tempfile.mkdtemp(prefix="newsevents-bench-"))
    url, broker = options.broker, None
    if url is None:
        broker = EmbeddedBroker(log_path=log_dir / "broker.log").start()
        url = broker.url
    try:
        runs = [
            run_pipeline(
                PipelineConfig(
                    broker_url=url,
                    workers=count,
                    partitions=max(options.partitions, count),
                    log_dir=log_dir,
                    rate=options.rate,
                    paced_seconds=options.paced_seconds,
                    embedded_broker=broker is not None,
                ),
                articles,
                progress,
            )
            for count in options.workers
        ]
    except BaseException:
        progress(f"worker and broker logs kept in {log_dir}")
        raise
    finally:
        if broker is not None:
            broker.stop()
    shutil.rmtree(log_dir, ignore_errors=True)
    return runs
