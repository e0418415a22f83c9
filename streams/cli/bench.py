"""``newsevents bench``: spaCy alone vs our extraction vs the whole pipeline, on the same articles."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson
from rich.console import Console

from streams.bench.options import BenchOptions, parse_rate, parse_workers
from streams.bench.report import report_tables
from streams.cli.options import broker_option, settings_with

__all__ = ["command"]


def _workers(ctx: click.Context, param: click.Parameter, value: str) -> tuple[int, ...]:
    try:
        return parse_workers(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _rate(ctx: click.Context, param: click.Parameter, value: str | None) -> float | str | None:
    try:
        return parse_rate(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@click.command("bench")
@click.option(
    "--articles",
    "articles_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV corpus with a `text` column (e.g. BBC news); default: seeds/ repeated.",
)
@click.option("--limit", type=click.IntRange(min=1), default=500, show_default=True, help="Articles to use.")
@click.option(
    "--workers", default="1", show_default=True, callback=_workers, help="Worker counts to measure, e.g. 1,2."
)
@click.option(
    "--rate", default=None, callback=_rate, help="Also publish paced at R articles/s, or `half` the measured maximum."
)
@click.option(
    "--paced-seconds",
    type=click.FloatRange(min=1),
    default=30,
    show_default=True,
    help="Length of a paced run (at least 20 articles).",
)
@click.option("--partitions", type=click.IntRange(min=1), default=4, show_default=True, help="Partitions (at least K).")
@broker_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def command(
    articles_path: Path | None,
    limit: int,
    workers: tuple[int, ...],
    rate: float | str | None,
    paced_seconds: float,
    partitions: int,
    broker: str | None,
    as_json: bool,
) -> None:
    """Measure, on the same articles: spaCy's full pipeline alone (parse_only), our extraction without
    Kafka (extract_only), and the whole pipeline through Kafka with K workers (articles/s, events/s,
    end-to-end latency, peak RSS per worker). Progress goes to stderr. See docs/benchmarks.md.
    """
    from streams.bench.run import run_bench  # spaCy: only once the arguments are parsed

    options = BenchOptions(
        articles_path=articles_path,
        limit=limit,
        workers=workers,
        rate=rate,
        partitions=partitions,
        paced_seconds=paced_seconds,
        broker=broker or settings_with().broker,
    )
    report = run_bench(options, settings_with(), lambda line: click.echo(line, err=True))
    if as_json:
        sys.stdout.write(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        console = Console()
        if not console.is_terminal:
            console = Console(width=120)  # a file or pipe: do not fold the table to 80 columns
        console.print(report_tables(report))
