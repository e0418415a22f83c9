"""``newsevents eval GOLD``: score the event coder against a gold JSONL file."""

from __future__ import annotations

from pathlib import Path

import click
import orjson

from streams.evaluation import evaluate, render_report
from streams.extraction import ExtractionConfig, Extractor

__all__ = ["command"]


@click.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the scores instead of tables.")
@click.option("--model", default=None, help="spaCy model (default: en_core_web_sm if installed, else its PyPI copy).")
def command(gold: Path, as_json: bool, model: str | None) -> None:
    """Score event extraction on GOLD (PLOVER GSR JSONL); rules in docs/coder.md."""
    report = evaluate(gold, Extractor(ExtractionConfig(model=model)))
    if as_json:
        click.echo(orjson.dumps(report.summary()).decode())
        return
    from streams.cli.render import table_console

    render_report(report, table_console())
