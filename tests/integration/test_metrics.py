"""A live worker exports every metric that the Grafana dashboard and the Prometheus alerts query."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from schemas import Article
from streams.processes import WorkerProcess, metric_sum
from streams.settings import Settings
from tests.conftest import REPO, isolated_settings, worker_factory
from tests.integration.helpers import publish_articles, publish_raw, wait_for_markers

DASHBOARD = REPO / "deploy" / "grafana" / "dashboards" / "newsevents.json"
ALERTS = REPO / "deploy" / "prometheus" / "alerts.yml"
#: Series that Prometheus itself attaches to every target, not exported by the worker.
PROMETHEUS_SYNTHETIC = {"up"}
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")

ARTICLES = [
    Article(id="metrics-accuse", language="en", body="Russia accused Ukraine of shelling villages on Monday."),
    Article(
        id="metrics-sanction",
        language="en",
        body="The European Union imposed new sanctions on Iran on Monday over its supply of drones to Russia.",
    ),
    # Skipped: only English is coded by default.
    Article(id="metrics-french", language="fr", body="La Russie a accusé l'Ukraine de bombarder des villages."),
]
INVALID = (b"metrics-invalid", b'{"id": "metrics-invalid", "body": "unterminated')


# --- PromQL: the metric names an expression selects --------------------------------------------------

_STRINGS = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`')
_TOKENS = re.compile(
    r"""(?P<skip>\{[^}]*\}|\[[^\]]*\]|\$\w+|\s+)          # label matchers, ranges, Grafana variables
      |(?P<number>\d+(?:ms|[smhdwy])(?:\d+(?:ms|[smhdwy]))*|0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
      |(?P<name>[A-Za-z_:][\w:]*)
      |(?P<other>.)""",
    re.VERBOSE,
)
# Keywords followed by a parenthesised list of label names.
_LABEL_LISTS = {"by", "without", "on", "ignoring", "group_left", "group_right"}
_AGGREGATIONS = {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk"}
_KEYWORDS = {"and", "or", "unless", "bool", "offset", "atan2", "inf", "nan", "quantile"} | _AGGREGATIONS | _LABEL_LISTS


def metric_names(expr: str) -> set[str]:
    """The metric names selected in PromQL ``expr`` (function calls, keywords and label names excluded)."""
    tokens = [
        (kind, text)
        for match in _TOKENS.finditer(_STRINGS.sub('""', expr))
        for kind, text in match.groupdict().items()
        if text is not None and kind != "skip"
    ]
    names: set[str] = set()
    index = 0
    while index < len(tokens):
        kind, text = tokens[index]
        following = tokens[index + 1][1] if index + 1 < len(tokens) else ""
        if kind == "name" and text.lower() in _LABEL_LISTS and following == "(":
            index = next(i for i in range(index, len(tokens)) if tokens[i][1] == ")")
        elif kind == "name" and text.lower() not in _KEYWORDS and following != "(":
            names.add(text)
        index += 1
    return names


def test_metric_names_parses_promql_constructs() -> None:
    expr = (
        'histogram_quantile(0.95, sum by (le, job) (rate(a_bucket{reference="produced",le!~"x(y)"}[5m])))'
        " / on (instance) group_left (version) b_info offset 1h30m > bool 1e3"
        ' and topk(10, sum without (x) (increase(c_total[$__range]))) or vector(0) unless absent(up{job="w"} == 1)'
        " - max(d:recorded) by (topic) + e"
    )
    assert metric_names(expr) == {"a_bucket", "b_info", "c_total", "up", "d:recorded", "e"}


@dataclass(frozen=True)
class Query:
    """A PromQL expression and where it comes from."""

    source: str
    expr: str


def deployed_queries() -> list[Query]:
    """Every expression of the provisioned dashboard and the alert rules."""
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    queries = [
        Query(f"dashboard panel {panel['title']!r}", target["expr"])
        for panel in dashboard["panels"]
        for target in panel.get("targets", [])
    ]
    rules = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    queries += [Query(f"alert {rule['alert']}", rule["expr"]) for group in rules["groups"] for rule in group["rules"]]
    return queries


# --- The live worker ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exposition:
    """``/metrics`` parsed: the names its ``# TYPE`` lines declare, and the samples by sample name."""

    declared: set[str]
    samples: dict[str, list[tuple[dict[str, str], float]]]

    @classmethod
    def parse(cls, text: str) -> Exposition:
        declared: set[str] = set()
        samples: dict[str, list[tuple[dict[str, str], float]]] = {}
        for family in text_string_to_metric_families(text):
            # The parser strips _total from counter families; queries use the exposed name.
            declared.add(f"{family.name}_total" if family.type == "counter" else family.name)
            if family.type == "histogram":
                declared.update(family.name + suffix for suffix in HISTOGRAM_SUFFIXES)
            for sample in family.samples:
                samples.setdefault(sample.name, []).append((sample.labels, sample.value))
        return cls(declared, samples)

    def value(self, name: str, **labels: str) -> float:
        """Sum of the samples of ``name`` whose labels include ``labels``."""
        return sum(v for sample_labels, v in self.samples.get(name, []) if labels.items() <= sample_labels.items())

    def by_partition(self, name: str, topic: str) -> dict[str, float]:
        return {s["partition"]: v for s, v in self.samples.get(name, []) if s.get("topic") == topic}


@dataclass(frozen=True)
class Fed:
    settings: Settings
    worker: WorkerProcess
    metrics: Exposition


def feed(settings: Settings) -> int:
    """Publish the test articles and one invalid record; return how many records were published."""
    return publish_articles(settings, ARTICLES) + publish_raw(settings, [INVALID])


def wait_until_committed(worker: WorkerProcess, settings: Settings, records: int, timeout: float = 30.0) -> Exposition:
    """Poll ``/metrics`` until Faust reports all ``records`` of ``articles`` consumed and committed."""
    topic = settings.topic("articles")
    deadline = time.monotonic() + timeout
    while True:
        metrics = Exposition.parse(worker.metrics_text())
        ends = metrics.by_partition("faust_topic_partition_end_offset", topic)
        committed = metrics.by_partition("faust_topic_partition_offset_commited", topic)
        if sum(ends.values()) == records and ends == committed:
            return metrics
        if time.monotonic() > deadline:
            message = f"end offsets {ends} never matched committed offsets {committed} within {timeout:.0f} s"
            raise AssertionError(message)
        time.sleep(0.5)


def wait_until_aggregated(worker: WorkerProcess, timeout: float = 30.0) -> None:
    """Poll ``/metrics`` until the stories stage has taken every emitted event and reported its table."""
    deadline = time.monotonic() + timeout
    while True:
        text = worker.metrics_text()
        emitted = metric_sum(text, "newsevents_events_emitted_total")
        taken = metric_sum(text, "newsevents_story_mentions_total") + metric_sum(
            text, "newsevents_story_duplicate_events_total"
        )
        if emitted and taken == emitted and "newsevents_table_entries{" in text:
            return
        if time.monotonic() > deadline:
            message = f"the stories stage took {taken:.0f} of {emitted:.0f} events within {timeout:.0f} s"
            raise AssertionError(message)
        time.sleep(0.5)


@pytest.fixture(scope="module")
def fed(broker_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fed]:
    """One worker that has processed the test articles and committed their offsets."""
    settings = isolated_settings(broker_url)
    with worker_factory(settings, tmp_path_factory.mktemp("metrics-worker")) as start:
        worker = start()
        records = feed(settings)
        wait_for_markers(settings, records, timeout=60)
        wait_until_aggregated(worker)
        yield Fed(settings, worker, wait_until_committed(worker, settings, records))


def test_every_metric_in_the_dashboard_and_alerts_is_exported(fed: Fed) -> None:
    missing = {
        f"{query.source}: {name}"
        for query in deployed_queries()
        for name in metric_names(query.expr) - PROMETHEUS_SYNTHETIC
        if name not in fed.metrics.declared
    }
    assert not missing, "queried but not exported:\n" + "\n".join(sorted(missing))


def test_every_queried_metric_has_samples_once_articles_flowed(fed: Fed) -> None:
    # Labelled counters only get a series at their first increment: the articles above make each exist.
    empty = {
        f"{query.source}: {name}"
        for query in deployed_queries()
        for name in metric_names(query.expr) - PROMETHEUS_SYNTHETIC
        if not fed.metrics.samples.get(name)
    }
    assert not empty, "no series yet:\n" + "\n".join(sorted(empty))


def test_domain_metrics_count_what_the_worker_did(fed: Fed) -> None:
    m = fed.metrics
    assert m.value("newsevents_articles_consumed_total") == 4
    assert m.value("newsevents_articles_processed_total", outcome="ok") == 2
    assert m.value("newsevents_articles_processed_total", outcome="dead_lettered") == 1
    assert m.value("newsevents_articles_processed_total", outcome="skipped") == 1
    assert m.value("newsevents_articles_skipped_total") == 1
    assert m.value("newsevents_dead_letters_total", stage="decode") == 1
    assert m.value("newsevents_events_emitted_total", plover_type="ACCUSE") >= 1
    assert m.value("newsevents_dyad_events_total", source_country="RUS", target_country="UKR") >= 1
    assert m.value("newsevents_actor_mentions_emitted_total") >= 2
    assert m.value("newsevents_end_to_end_latency_seconds_count", reference="produced") >= 2
    assert m.value("newsevents_article_extraction_seconds_count") == 2
    assert m.value("newsevents_batch_size_sum") == 4
    assert m.value("newsevents_model_load_seconds") > 0
    assert m.value("newsevents_assigned_partitions") == fed.settings.partitions
    assert m.value("newsevents_story_mentions_total") == m.value("newsevents_events_emitted_total")
    assert m.value("newsevents_stories_total", change="created") >= 1
    assert m.value("newsevents_dyad_aggregated_events_total", source_country="RUS", target_country="UKR") >= 1
    [(build, _)] = m.samples["newsevents_build_info"]
    assert build["version"] and build["model"]


def test_faust_lag_gauges_reach_zero_and_process_metrics_are_exported(fed: Fed) -> None:
    m = fed.metrics
    topic = fed.settings.topic("articles")
    ends = m.by_partition("faust_topic_partition_end_offset", topic)
    assert ends == m.by_partition("faust_topic_partition_offset_commited", topic)
    assert sum(ends.values()) == 4
    assert m.value("faust_messages_received_total") >= 4
    assert m.value("faust_assignment_operations_total", operation="completed") >= 1
    assert m.value("process_resident_memory_bytes") > 50e6
    assert m.value("process_cpu_seconds_total") > 0
