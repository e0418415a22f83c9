"""What one benchmark run measures, and parsing of the options that say so."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BenchOptions", "parse_rate", "parse_workers"]


@dataclass(frozen=True)
class BenchOptions:
    """What to measure; see ``newsevents bench --help``."""

    articles_path: Path | None = None
    limit: int = 500
    workers: tuple[int, ...] = (1,)
    rate: float | str | None = None
    partitions: int = 4
    paced_seconds: float = 30.0
    broker: str | None = None


def parse_workers(text: str) -> tuple[int, ...]:
    """``"1,2"`` -> ``(1, 2)``: the worker counts to measure, ascending, each at least 1."""
    try:
        counts = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        counts = []
    if not counts or counts[0] < 1:
        message = f"expected worker counts such as 1 or 1,2; got {text!r}"
        raise ValueError(message)
    return tuple(counts)


def parse_rate(text: str | None) -> float | str | None:
    """``None``, ``"half"`` (of the measured maximum), or a positive number of articles per second."""
    if text is None or text == "half":
        return text
    try:
        rate = float(text)
    except ValueError:
        rate = 0.0
    if not (rate > 0 and math.isfinite(rate)):
        message = f"expected 'half' or a positive rate in articles/s; got {text!r}"
        raise ValueError(message)
    return rate
