"""``newsevents feed``: publish articles from files to the ``articles`` topic."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from streams.cli.options import broker_option, require_broker, settings_with
from streams.kafka_io import publish
from streams.sources import read_records
from streams.topics import ARTICLES

__all__ = ["command"]


@click.command("feed")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@broker_option
def command(paths: tuple[Path, ...], broker: str | None) -> None:
    """Publish articles from JSONL files (one Article a line), .txt files (first line title), or folders.

    Lines are published as they are: an invalid one reaches `articles.dlq` with the reason, so nothing
    is dropped silently.
    """
    settings = settings_with(broker=broker)
    url = require_broker(settings)
    try:
        records = [(r.key, r.value) for r in read_records(paths)]
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    count = asyncio.run(publish(url, settings.topic(ARTICLES), records))
    click.echo(f"published {count} records to {settings.topic(ARTICLES)}", err=True)
