"""Prometheus metrics of the worker: the only module that builds Prometheus objects."""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    PlatformCollector,
    ProcessCollector,
)

__all__ = ["FAUST_METRICS_PREFIX", "PipelineMetrics", "StoryMetrics"]

#: Faust's own sensor metrics are named ``faust_*`` (its consumer, producer, rebalances, offsets).
FAUST_METRICS_PREFIX = "faust"

# spaCy costs milliseconds per sentence and seconds per large batch: buckets span 1 ms .. 60 s.
_EXTRACTION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
# Latency from publication can be minutes (feeds) or sub-second (live producers).
_LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600)
_BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)


class PipelineMetrics:
    """The ``newsevents_*`` metrics, registered on one registry (a fresh one per test)."""

    def __init__(self, registry: CollectorRegistry, *, process_metrics: bool = True) -> None:
        """Create every metric on ``registry``; with ``process_metrics`` add CPU/RSS/platform collectors."""
        self.registry = registry
        if process_metrics:
            ProcessCollector(registry=registry)
            PlatformCollector(registry=registry)
        self.build_info = Info("newsevents_build", "Version and spaCy model of the worker.", registry=registry)
        self.articles_consumed = Counter(
            "newsevents_articles_consumed_total", "Records read from the articles topic.", registry=registry
        )
        self.articles_processed = Counter(
            "newsevents_articles_processed_total",
            "Articles handled, by outcome (ok, dead_lettered, skipped).",
            ["outcome"],
            registry=registry,
        )
        # Series exist from the start, so rate() also counts the first batch of each outcome.
        for outcome in ("ok", "dead_lettered", "skipped"):
            self.articles_processed.labels(outcome)
        self.articles_skipped = Counter(
            "newsevents_articles_skipped_total",
            "Articles skipped without coding, by reason (e.g. language).",
            ["reason"],
            registry=registry,
        )
        self.events_emitted = Counter(
            "newsevents_events_emitted_total",
            "Events produced to the events topic, by PLOVER type and quad class.",
            ["plover_type", "quad_class"],
            registry=registry,
        )
        self.dyad_events = Counter(
            "newsevents_dyad_events_total",
            "Events with both actors' countries known, by source and target country (bounded by ISO codes).",
            ["source_country", "target_country"],
            registry=registry,
        )
        self.actor_mentions_emitted = Counter(
            "newsevents_actor_mentions_emitted_total", "Actor mentions produced to the actors topic.", registry=registry
        )
        self.dead_letters = Counter(
            "newsevents_dead_letters_total",
            "Records sent to the dead-letter topic, by stage and reason.",
            ["stage", "reason"],
            registry=registry,
        )
        self.article_extraction_seconds = Histogram(
            "newsevents_article_extraction_seconds",
            "Extraction time per article (batch time divided over its articles).",
            buckets=_EXTRACTION_BUCKETS,
            registry=registry,
        )
        self.batch_extraction_seconds = Histogram(
            "newsevents_batch_extraction_seconds",
            "Extraction time per batch.",
            buckets=_EXTRACTION_BUCKETS,
            registry=registry,
        )
        self.end_to_end_latency = Histogram(
            "newsevents_end_to_end_latency_seconds",
            "Time from the article's produce time (reference=produced) or published_at (reference=published) "
            "to the emission of its events.",
            ["reference"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.batch_size = Histogram(
            "newsevents_batch_size", "Articles per processed batch.", buckets=_BATCH_BUCKETS, registry=registry
        )
        self.model_load_seconds = Gauge(
            "newsevents_model_load_seconds", "Time taken to load the spaCy model and lexicons.", registry=registry
        )
        self.assigned_partitions = Gauge(
            "newsevents_assigned_partitions",
            "Partitions of the articles topic assigned to this worker.",
            registry=registry,
        )


class StoryMetrics:
    """The metrics of the stories and dyads stage, on the worker's registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        """Create the stage's metrics on ``registry``."""
        self.stories = Counter(
            "newsevents_stories_total",
            "Stories created, updated (a new mention) and expired (quiet for the configured period of event time).",
            ["change"],
            registry=registry,
        )
        for change in ("created", "updated", "expired"):
            self.stories.labels(change)
        self.story_mentions = Counter(
            "newsevents_story_mentions_total", "Events counted into stories (each event_id once).", registry=registry
        )
        self.duplicate_events = Counter(
            "newsevents_story_duplicate_events_total",
            "Events already counted in their story (re-delivered or re-extracted), left out.",
            registry=registry,
        )
        self.invalid_events = Counter(
            "newsevents_story_invalid_events_total",
            "Records on the events topic that are not a valid Event, logged and left out.",
            registry=registry,
        )
        self.late_events = Counter(
            "newsevents_late_events_total",
            "Events whose dyad window had closed (past the allowed lateness), left out of that window's aggregate.",
            ["window"],
            registry=registry,
        )
        for window in ("15m", "1d"):
            self.late_events.labels(window)
        self.expired_windows = Counter(
            "newsevents_dyad_windows_expired_total",
            "Dyad windows dropped from the table once closed.",
            registry=registry,
        )
        self.table_entries = Gauge(
            "newsevents_table_entries",
            "Open stories and dyad windows in this worker's table (kind=stories|dyad_windows).",
            ["kind"],
            registry=registry,
        )
        self.dyad_events = Counter(
            "newsevents_dyad_aggregated_events_total",
            "Events counted into daily dyad aggregates, by source and target country.",
            ["source_country", "target_country"],
            registry=registry,
        )
        self.dyad_goldstein = Gauge(
            "newsevents_dyad_goldstein_sum",
            "Sum of the Goldstein scores of the events in daily dyad aggregates (a gauge: it can go down).",
            ["source_country", "target_country"],
            registry=registry,
        )
