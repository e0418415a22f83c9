"""``newsevents export gdelt``: the ``stories`` topic as GDELT 2.0 Event files."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click
from pydantic import ValidationError

from schemas import Story
from streams.cli.options import broker_option, require_broker, settings_with
from streams.export.gdelt import write_export_files
from streams.kafka_io import read_topic
from streams.topics import STORIES

__all__ = ["command"]


@click.group("export")
def command() -> None:
    """Export the stateful stage's topics to other formats."""


@command.command("gdelt")
@broker_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder.")
@click.option(
    "--timeout", type=float, default=5.0, show_default=True, help="Stop reading after S seconds without a record."
)
def gdelt(broker: str | None, out_dir: Path, timeout: float) -> None:
    """Write the latest state of every story as GDELT 2.0 Event rows.

    Reads the `stories` topic (NEWSEVENTS_TOPIC_PREFIX applies) from the start, keeps each story's last
    record and writes one tab-separated file per 15-minute slot of the stories' first sighting,
    OUT/YYYYMMDDHHMMSS.export.CSV, in the 61-column layout of the GDELT 2.0 Event table, no header.
    """
    settings = settings_with(broker=broker)
    url = require_broker(settings)
    latest: dict[str, Story] = {}
    invalid = 0

    async def read() -> None:
        nonlocal invalid
        async for record in read_topic(url, settings.topic(STORIES), idle_timeout=timeout):
            try:
                story = Story.model_validate_json(record.value or b"")
            except ValidationError:
                invalid += 1
                continue
            latest[story.story_id] = story

    try:
        asyncio.run(read())
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    if invalid:
        click.echo(f"skipped {invalid} records of {settings.topic(STORIES)} that are not a Story", err=True)
    written = write_export_files(latest.values(), out_dir)
    click.echo(f"wrote {len(latest)} stories to {len(written)} files in {out_dir}")
