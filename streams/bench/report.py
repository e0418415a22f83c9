"""The benchmark report as a rich table for the terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table

__all__ = ["report_tables"]

_COLUMNS = ("phase", "s", "art/s", "× parse", "words/s", "events/s", "latency p50/p95/p99 s", "peak RSS MB")


def _num(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _latency(latency: dict[str, float]) -> str:
    return "/".join(_num(latency.get(q), 2) for q in ("p50", "p95", "p99")) if latency else "-"


def report_tables(report: dict[str, Any]) -> Group:
    """One row per phase and paced run: rates, ratio to parse_only, latency, workers' peak RSS."""
    parse, extract, ratios = report["parse_only"], report["extract_only"], report["ratios"]
    machine, settings = report["machine"], report["settings"]
    table = Table(
        title=f"{settings['articles']} articles, {settings['model']}, batch {settings['batch_size']}",
        caption=f"{machine['nproc']} × {machine['cpu_model']}, {machine['memory_gb']} GB, "
        f"Python {machine['python']}, spaCy {machine['spacy']}",
    )
    for column in _COLUMNS:
        table.add_column(column, justify="left" if column == "phase" else "right")
    table.add_row(
        "parse_only", _num(parse["seconds"]), _num(parse["articles_per_s"], 2), "1.00", _num(parse["words_per_s"], 0)
    )
    table.add_row(
        "extract_only",
        _num(extract["seconds"]),
        _num(extract["articles_per_s"], 2),
        _num(ratios["extract_only/parse_only"], 2),
        "",
        _num(extract["events_per_s"]),
    )
    for run in report["pipeline"]:
        k = str(run["workers"])
        table.add_row(
            f"pipeline K={k}",
            _num(run["seconds"]),
            _num(run["articles_per_s"], 2),
            _num(ratios["pipeline/parse_only"][k], 2),
            "",
            _num(run["events_per_s"]),
            _latency(run["latency_s"]),
            ", ".join(_num(memory.get("hwm_mb"), 0) for memory in run["worker_memory_mb"]),
        )
        if paced := run.get("paced"):
            table.add_row(
                f"  paced {paced['rate']:.2f}/s",
                _num(paced["seconds"]),
                _num(paced["articles_per_s"], 2),
                "",
                "",
                _num(paced["events_per_s"]),
                _latency(paced["latency_s"]),
            )
    scaling = ", ".join(f"K={k} {_num(value, 2)}×" for k, value in ratios["pipeline_scaling"].items())
    return Group(table, f"pipeline scaling (articles/s over the fewest workers'): {scaling}")
