"""``newsevents extract``: code articles from files offline, without Kafka."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from schemas import Article
from streams.body_hygiene import clean_body
from streams.cli.options import settings_with
from streams.cli.render import event_table, table_console
from streams.decode import DecodeLimits, Rejection
from streams.ingest.files import decode_record
from streams.sources import iter_files, read_records

__all__ = ["command"]


@click.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--jsonl", "output", flag_value="jsonl", default=True, help="One Event JSON object a line (default).")
@click.option("--table", "output", flag_value="table", help="A readable table instead.")
@click.option("--model", default=None, help="spaCy model (default: NEWSEVENTS_MODEL, else en_core_web_sm).")
def command(paths: tuple[Path, ...], output: str, model: str | None) -> None:
    """Run extraction on the same inputs as `feed` and print the events.

    Records and files that are not valid articles are reported on stderr with their file (and line),
    and the exit code is 1; the others are still coded.
    """
    from streams.extraction import ExtractionConfig, Extractor  # spaCy: only once the arguments are parsed

    settings = settings_with(model=model)
    limits = DecodeLimits(max_payload_bytes=settings.max_payload_bytes, max_body_chars=settings.max_body_chars)
    now = dt.datetime.now(dt.UTC)
    try:
        files = list(iter_files(paths))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'PATHS...'") from exc
    articles: list[Article] = []
    rejected = 0
    for record in read_records(files):
        article = _cleaned(decode_record(record, limits, now))
        if isinstance(article, Rejection):
            rejected += 1
            click.echo(f"{record.origin}: {article.reason}: {article.message}", err=True)
        else:
            articles.append(article)
    extractor = Extractor(ExtractionConfig(model=settings.model, batch_size=settings.batch_size))
    results = extractor.extract_many(articles, now)
    events = [event for result in results for event in result.events]
    if output == "table":
        table_console().print(event_table(events))
    else:
        for event in events:
            sys.stdout.write(event.model_dump_json() + "\n")
    if rejected:
        sys.exit(1)


def _cleaned(decoded: Article | Rejection) -> Article | Rejection:
    """The article to code, its body cleaned as the worker does, or why there is none."""
    if isinstance(decoded, Rejection):
        return decoded
    cleaned = clean_body(decoded)
    return cleaned if isinstance(cleaned, Rejection) else cleaned.article
