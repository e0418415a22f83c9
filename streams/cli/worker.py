"""``newsevents worker``: run the Faust worker that codes articles."""

from __future__ import annotations

import asyncio

import click
from faust import Worker

from streams.app import create_app
from streams.cli.options import broker_option, require_broker, settings_with
from streams.topics import ensure_topics

__all__ = ["command"]


@click.command("worker")
@broker_option
@click.option("--web-port", type=int, default=None, help="HTTP port for /metrics (default: NEWSEVENTS_WEB_PORT, 6066).")
@click.option("--loglevel", default="info", show_default=True, help="Faust log level.")
def command(broker: str | None, web_port: int | None, loglevel: str) -> None:
    """Run a worker: consume `articles`, produce `events`, `actors`, `articles.dlq`, `articles.processed`.

    Creates missing topics with NEWSEVENTS_PARTITIONS partitions first. Start several workers with the
    same NEWSEVENTS_APP_ID (and different --web-port) to split the partitions between them.
    """
    settings = settings_with(broker=broker, web_port=web_port)
    require_broker(settings)
    # Faust runs on the thread's current loop: create it here and reuse it for topic creation.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(ensure_topics(settings))
    app = create_app(settings)
    Worker(app, loglevel=loglevel, loop=loop).execute_from_commandline()
