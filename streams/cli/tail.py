"""``newsevents tail``: print the records of a topic as JSON lines."""

from __future__ import annotations

import asyncio
import sys

import click
import orjson

from streams.cli.options import broker_option, require_broker, settings_with
from streams.kafka_io import read_topic

__all__ = ["command"]


@click.command("tail")
@click.argument("topic")
@broker_option
@click.option("--max", "max_records", type=click.IntRange(min=1), metavar="N", help="Stop after N records.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    metavar="S",
    help="Stop after S seconds without a record (0: never).",
)
@click.option("--latest", is_flag=True, help="Follow only records produced from now on.")
def command(topic: str, broker: str | None, max_records: int | None, timeout: float, latest: bool) -> None:
    """Print the records of TOPIC as JSON lines, from the earliest offset.

    TOPIC is a full name such as events or articles.dlq (no prefix is added). Values that are not
    JSON are printed as a JSON string.
    """
    settings = settings_with(broker=broker)
    url = require_broker(settings)

    async def run() -> None:
        async for record in read_topic(
            url,
            topic,
            max_records=max_records,
            idle_timeout=timeout or None,
            from_latest=latest,
            connect_timeout=settings.connect_timeout,
        ):
            sys.stdout.write(_as_json_line(record.value) + "\n")
            sys.stdout.flush()

    try:
        asyncio.run(run())
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc


def _as_json_line(value: bytes | None) -> str:
    if value is None:
        return "null"
    try:
        return orjson.dumps(orjson.loads(value)).decode()
    except orjson.JSONDecodeError:
        return orjson.dumps(value.decode("utf-8", "replace")).decode()
