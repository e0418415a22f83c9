"""``newsevents bench``: spaCy alone, our extraction, and the whole pipeline measured on the same articles."""

from streams.bench.options import BenchOptions
from streams.bench.run import run_bench

__all__ = ["BenchOptions", "run_bench"]
