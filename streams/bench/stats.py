"""Percentiles and rates: the pure arithmetic of the benchmark."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

__all__ = ["latency_summary", "per_second", "percentile", "ratio", "ratios"]


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100), interpolating linearly between closest ranks (numpy's default)."""
    if not values:
        message = "percentile of no values"
        raise ValueError(message)
    if not 0 <= q <= 100:
        message = f"percentile {q} is outside 0..100"
        raise ValueError(message)
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/max/mean of latencies in seconds, rounded to the millisecond."""
    if not seconds:
        return {}
    summary = {f"p{q}": percentile(seconds, q) for q in (50, 95, 99)}
    summary |= {"max": max(seconds), "mean": sum(seconds) / len(seconds)}
    return {name: round(value, 3) for name, value in summary.items()}


def per_second(count: float, seconds: float) -> float:
    """``count / seconds`` rounded to 2 decimals; 0 for an empty interval."""
    return round(count / seconds, 2) if seconds > 0 else 0.0


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator`` to 3 decimals, None when the denominator is 0."""
    return round(numerator / denominator, 3) if denominator else None


def ratios(parse: dict[str, Any], extract: dict[str, Any], runs: list[dict[str, Any]]) -> dict[str, Any]:
    """extract_only/parse_only; pipeline/parse_only per K; each K's articles/s over the smallest K's.

    ``per_cpu_s`` repeats them on articles per CPU second, which other load on the machine distorts less
    than wall-clock rates; there ``pipeline_scaling`` near 1.0 means more workers add no work per article.
    """
    rates = {str(run["workers"]): run["articles_per_s"] for run in runs}
    base = rates[min(rates, key=int)] if rates else 0.0
    per_cpu = {str(run["workers"]): run["articles_per_cpu_s"] for run in runs}
    base_per_cpu = per_cpu[min(per_cpu, key=int)] if per_cpu else 0.0
    return {
        "extract_only/parse_only": ratio(extract["articles_per_s"], parse["articles_per_s"]),
        "pipeline/parse_only": {k: ratio(rate, parse["articles_per_s"]) for k, rate in rates.items()},
        "pipeline_scaling": {k: ratio(rate, base) for k, rate in rates.items()},
        "per_cpu_s": {
            "extract_only/parse_only": ratio(extract["articles_per_cpu_s"], parse["articles_per_cpu_s"]),
            "pipeline/parse_only": {k: ratio(rate, parse["articles_per_cpu_s"]) for k, rate in per_cpu.items()},
            "pipeline_scaling": {k: ratio(rate, base_per_cpu) for k, rate in per_cpu.items()},
        },
    }
