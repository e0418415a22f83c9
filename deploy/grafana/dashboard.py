"""Generate the provisioned Grafana dashboard ``dashboards/newsevents.json``.

Run ``python deploy/grafana/dashboard.py`` after editing a panel; ``--check`` exits 1 when the committed
JSON differs from what this script generates (tests/unit/test_deploy.py runs it).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "dashboards" / "newsevents.json"
#: Must equal the uid in provisioning/datasources/prometheus.yml.
DATASOURCE = {"type": "prometheus", "uid": "newsevents-prometheus"}
WORKERS = 'job="newsevents-worker"'
RATE = "$__rate_interval"
# Faust's lag gauges per partition; both are set by the worker that owns the partition.
LAG = "faust_topic_partition_end_offset - faust_topic_partition_offset_commited"


@dataclass(frozen=True)
class Query:
    """One PromQL target; ``instant`` for tables, pies and bar gauges over the dashboard range."""

    expr: str
    legend: str = "__auto"
    instant: bool = False


@dataclass(frozen=True)
class Panel:
    """One panel; ``width`` and ``height`` in grid units (24 columns)."""

    title: str
    description: str
    queries: tuple[Query, ...]
    unit: str = "short"
    kind: str = "timeseries"
    width: int = 12
    height: int = 8
    stacked: bool = False
    options: dict[str, Any] = field(default_factory=dict)


def quantile(q: float, histogram: str, selector: str = "") -> str:
    """PromQL for quantile ``q`` of ``histogram`` across workers."""
    return f"histogram_quantile({q}, sum by (le) (rate({histogram}_bucket{selector}[{RATE}])))"


def quantiles(histogram: str, selector: str = "", legend: str = "") -> tuple[Query, ...]:
    """p50, p95 and p99 of ``histogram`` across workers."""
    return tuple(Query(quantile(q, histogram, selector), f"{legend}p{q * 100:g}") for q in (0.5, 0.95, 0.99))


def mean(histogram: str) -> str:
    """PromQL for the mean observation of ``histogram`` across workers."""
    return f"sum(rate({histogram}_sum[{RATE}])) / sum(rate({histogram}_count[{RATE}]))"


ROWS: tuple[tuple[str, tuple[Panel, ...]], ...] = (
    (
        "Throughput",
        (
            Panel(
                "Articles/s",
                "Records read from `articles`, and articles handled by outcome (ok, dead_lettered, skipped).",
                (
                    Query(f"sum(rate(newsevents_articles_consumed_total[{RATE}]))", "consumed"),
                    Query(
                        f"sum by (outcome) (rate(newsevents_articles_processed_total[{RATE}]))", "processed {{outcome}}"
                    ),
                ),
                unit="reqps",
            ),
            Panel(
                "Events/s by PLOVER type",
                "Events produced to `events`, stacked by PLOVER event type.",
                (Query(f"sum by (plover_type) (rate(newsevents_events_emitted_total[{RATE}]))", "{{plover_type}}"),),
                unit="reqps",
                stacked=True,
            ),
            Panel(
                "Events by quad class",
                "Share of events in the dashboard's time range by quad class "
                "(1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict).",
                (
                    Query(
                        "sum by (quad_class) (increase(newsevents_events_emitted_total[$__range]))",
                        "quad class {{quad_class}}",
                        instant=True,
                    ),
                ),
                kind="piechart",
                width=8,
                options={"pieType": "donut", "legend": {"displayMode": "table", "placement": "right"}},
            ),
            Panel(
                "Actor mentions/s",
                "Actor mentions produced to `actors`.",
                (Query(f"sum(rate(newsevents_actor_mentions_emitted_total[{RATE}]))", "actor mentions"),),
                unit="reqps",
                width=8,
            ),
            Panel(
                "Top source → target country dyads",
                "The ten country pairs with the most events in the dashboard's time range.",
                (
                    Query(
                        "topk(10, sum by (source_country, target_country) "
                        "(increase(newsevents_dyad_events_total[$__range])))",
                        "{{source_country}} → {{target_country}}",
                        instant=True,
                    ),
                ),
                kind="bargauge",
                width=8,
                options={"orientation": "horizontal", "displayMode": "basic"},
            ),
        ),
    ),
    (
        "Latency",
        (
            Panel(
                "End-to-end latency (produced → events emitted)",
                "Quantiles of the time from an article's produce timestamp to the emission of its events.",
                quantiles("newsevents_end_to_end_latency_seconds", '{reference="produced"}'),
                unit="s",
            ),
            Panel(
                "Extraction time",
                "Per-article extraction time (batch time divided over its articles), and p95 per batch.",
                (
                    *quantiles("newsevents_article_extraction_seconds", legend="article "),
                    Query(quantile(0.95, "newsevents_batch_extraction_seconds"), "batch p95"),
                ),
                unit="s",
            ),
            Panel(
                "Batch size",
                "Mean articles per batch taken from the stream (NEWSEVENTS_BATCH_SIZE is the ceiling).",
                (Query(mean("newsevents_batch_size"), "mean batch size"),),
                width=8,
            ),
            Panel(
                "Kafka commit and produce latency p95",
                "Faust's consumer offset commit and producer send latency (milliseconds).",
                (
                    Query(quantile(0.95, "faust_consumer_commit_latency"), "commit p95"),
                    Query(quantile(0.95, "faust_producer_send_latency"), "send p95"),
                ),
                unit="ms",
                width=8,
            ),
            Panel(
                "Model load time",
                "Seconds each worker took to load the spaCy model and lexicons at start.",
                (Query("newsevents_model_load_seconds", "{{instance}}"),),
                unit="s",
                width=8,
            ),
        ),
    ),
    (
        "Errors",
        (
            Panel(
                "Dead letters/s by reason",
                "Records sent to `articles.dlq`, by stage and reason.",
                (
                    Query(
                        f"sum by (stage, reason) (rate(newsevents_dead_letters_total[{RATE}]))", "{{stage}}: {{reason}}"
                    ),
                ),
                unit="reqps",
                stacked=True,
            ),
            Panel(
                "Skipped articles/s by reason",
                "Articles not coded, e.g. in a language outside NEWSEVENTS_LANGUAGES.",
                (Query(f"sum by (reason) (rate(newsevents_articles_skipped_total[{RATE}]))", "{{reason}}"),),
                unit="reqps",
                stacked=True,
            ),
        ),
    ),
    (
        "Kafka",
        (
            Panel(
                "Consumer lag per partition",
                "End offset minus committed offset, per topic partition, from the worker that owns it.",
                (Query(f"max by (topic, partition) ({LAG})", "{{topic}}[{{partition}}]"),),
                stacked=True,
            ),
            Panel(
                "Rebalances",
                "Completed and failed partition assignments (one per rebalance per worker), and rebalances "
                "in progress.",
                (
                    Query(
                        "sum by (operation) (increase(faust_assignment_operations_total[5m]))",
                        "assignments {{operation}} / 5m",
                    ),
                    Query("sum(faust_total_rebalances)", "rebalancing now"),
                    Query("sum(faust_total_rebalances_recovering)", "recovering now"),
                ),
                width=8,
            ),
            Panel(
                "Assigned partitions per worker",
                "Partitions of `articles` each worker holds; their sum should equal NEWSEVENTS_PARTITIONS.",
                (Query("newsevents_assigned_partitions", "{{instance}}"),),
                width=8,
                stacked=True,
            ),
            Panel(
                "Messages in/out per second",
                "Faust's own count of messages received from and sent to Kafka.",
                (
                    Query(f"sum(rate(faust_messages_received_total[{RATE}]))", "received"),
                    Query(f"sum(rate(faust_total_sent_messages_total[{RATE}]))", "sent"),
                    Query(f"sum(rate(faust_total_error_messages_sent_total[{RATE}]))", "send errors"),
                ),
                unit="reqps",
                width=8,
            ),
        ),
    ),
    (
        "Stories and dyads",
        (
            Panel(
                "Stories per hour",
                "Stories created, updated (a new mention) and expired, per hour.",
                (
                    Query(
                        f"sum by (change) (rate(newsevents_stories_total[{RATE}])) * 3600",
                        "{{change}}",
                    ),
                ),
                width=8,
            ),
            Panel(
                "Mentions per story",
                "Events counted into stories per story created: how many mentions a happening gathers.",
                (
                    Query(
                        f"sum(rate(newsevents_story_mentions_total[{RATE}])) / "
                        f'sum(rate(newsevents_stories_total{{change="created"}}[{RATE}]))',
                        "mentions per story",
                    ),
                ),
                width=8,
            ),
            Panel(
                "Table entries and late events",
                "Open stories and dyad windows held by each worker's table, and events past their window's allowed "
                "lateness (per hour).",
                (
                    Query("sum by (kind) (newsevents_table_entries)", "{{kind}}"),
                    Query(f"sum by (window) (rate(newsevents_late_events_total[{RATE}])) * 3600", "late {{window}}/h"),
                ),
                width=8,
            ),
            Panel(
                "Top dyads by event count",
                "The ten country pairs with the most events in the daily dyad aggregates in the dashboard's range.",
                (
                    Query(
                        "topk(10, sum by (source_country, target_country) "
                        "(increase(newsevents_dyad_aggregated_events_total[$__range])))",
                        "{{source_country}} → {{target_country}}",
                        instant=True,
                    ),
                ),
                kind="bargauge",
                options={"orientation": "horizontal", "displayMode": "basic"},
            ),
            Panel(
                "Most conflictual dyads (mean Goldstein)",
                "The ten country pairs with the lowest mean Goldstein score of their events in the dashboard's range.",
                (
                    Query(
                        "bottomk(10, sum by (source_country, target_country) "
                        "(delta(newsevents_dyad_goldstein_sum[$__range])) / sum by (source_country, target_country) "
                        "(increase(newsevents_dyad_aggregated_events_total[$__range])))",
                        "{{source_country}} → {{target_country}}",
                        instant=True,
                    ),
                ),
                kind="bargauge",
                options={"orientation": "horizontal", "displayMode": "basic", "min": -10, "max": 10},
            ),
        ),
    ),
    (
        "Workers",
        (
            Panel(
                "Workers up",
                "Worker targets Prometheus scrapes successfully.",
                (Query(f"sum(up{{{WORKERS}}})", "up"),),
                kind="stat",
                width=4,
            ),
            Panel(
                "Worker CPU",
                "CPU seconds per second of each worker process.",
                (Query(f"rate(process_cpu_seconds_total{{{WORKERS}}}[{RATE}])", "{{instance}}"),),
                unit="percentunit",
                width=10,
            ),
            Panel(
                "Worker memory (RSS)",
                "Resident memory of each worker process.",
                (Query(f"process_resident_memory_bytes{{{WORKERS}}}", "{{instance}}"),),
                unit="bytes",
                width=10,
            ),
        ),
    ),
)


def _field_config(panel: Panel) -> dict[str, Any]:
    custom: dict[str, Any] = {}
    if panel.kind == "timeseries":
        custom = {"drawStyle": "line", "fillOpacity": 20 if panel.stacked else 0, "showPoints": "never"}
        custom["stacking"] = {"mode": "normal" if panel.stacked else "none", "group": "A"}
    return {"defaults": {"unit": panel.unit, "custom": custom}, "overrides": []}


def _panel_json(panel: Panel, panel_id: int, x: int, y: int) -> dict[str, Any]:
    targets = [
        {
            "datasource": DATASOURCE,
            "refId": chr(ord("A") + index),
            "expr": query.expr,
            "legendFormat": query.legend,
            "instant": query.instant,
            "range": not query.instant,
        }
        for index, query in enumerate(panel.queries)
    ]
    return {
        "id": panel_id,
        "type": panel.kind,
        "title": panel.title,
        "description": panel.description,
        "datasource": DATASOURCE,
        "gridPos": {"x": x, "y": y, "w": panel.width, "h": panel.height},
        "fieldConfig": _field_config(panel),
        "options": panel.options,
        "targets": targets,
    }


def build() -> dict[str, Any]:
    """The dashboard as Grafana's JSON model; rows lay panels left to right, wrapping at 24 columns."""
    panels: list[dict[str, Any]] = []
    y = 0
    for title, row in ROWS:
        row_json = {"id": len(panels) + 1, "type": "row", "title": title, "collapsed": False, "panels": []}
        panels.append({**row_json, "gridPos": {"x": 0, "y": y, "w": 24, "h": 1}})
        y += 1
        x = 0
        row_height = 0
        for panel in row:
            if x + panel.width > 24:
                x, y, row_height = 0, y + row_height, 0
            panels.append(_panel_json(panel, len(panels) + 1, x, y))
            x += panel.width
            row_height = max(row_height, panel.height)
        y += row_height
    return {
        "uid": "newsevents",
        "title": "newsevents",
        "description": "Throughput, latency, errors and Kafka consumption of the newsevents workers.",
        "tags": ["newsevents", "kafka"],
        "editable": False,
        "graphTooltip": 1,
        "refresh": "10s",
        "schemaVersion": 39,
        "time": {"from": "now-1h", "to": "now"},
        "timezone": "utc",
        "templating": {"list": []},
        "annotations": {"list": []},
        "panels": panels,
    }


def render() -> str:
    """The dashboard JSON text as committed."""
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    """Write the dashboard, or with ``--check`` report whether the committed one is current."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed JSON is stale")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} is stale: run python {Path(__file__).relative_to(HERE.parent.parent)}", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
