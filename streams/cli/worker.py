"""``newsevents worker``: run the Faust worker that codes articles."""

from __future__ import annotations

import asyncio
import gc

import click

from streams.cli.options import broker_option, require_broker, settings_with
from streams.topics import ensure_topics

__all__ = ["command"]


@click.command("worker")
@broker_option
@click.option(
    "--web-port",
    type=click.IntRange(0, 65535),
    default=None,
    metavar="P",
    help="HTTP port for /metrics (default: NEWSEVENTS_WEB_PORT, 6066).",
)
@click.option(
    "--loglevel",
    type=click.Choice(["critical", "error", "warning", "info", "debug"], case_sensitive=False),
    default="info",
    show_default=True,
    help="Faust log level.",
)
def command(broker: str | None, web_port: int | None, loglevel: str) -> None:
    """Run a worker: consume `articles`, produce `events`, `actors`, `articles.dlq`, `articles.processed`.

    Loads the model and lexicons first (a failure exits at once with status 1), then creates missing topics
    with NEWSEVENTS_PARTITIONS partitions. Start several workers with the same NEWSEVENTS_APP_ID (and
    different --web-port) to split the partitions between them.
    """
    # Faust and spaCy are imported only now, so that `--help` and usage errors answer at once.
    from faust import Worker

    from streams.app import create_app
    from streams.extraction import ExtractionConfig, Extractor, resolve_model_name

    settings = settings_with(broker=broker, web_port=web_port)
    require_broker(settings)
    model = resolve_model_name(settings.model)
    try:
        extractor = Extractor(ExtractionConfig(model=model, batch_size=settings.batch_size))
    except Exception as exc:  # noqa: BLE001 - spaCy raises OSError, lexicons ValueError/OSError: all fatal
        message = (
            f"cannot load the coder (spaCy model {model!r} and lexicons): {exc}; "
            "install the model or set NEWSEVENTS_MODEL to one that is installed"
        )
        raise click.ClickException(message) from exc
    click.echo(f"model {model} and lexicons loaded in {extractor.load_seconds:.1f} s", err=True)
    # The model and lexicons are some 230,000 objects that live as long as the process: keep them out of the
    # cyclic garbage collector, whose full passes otherwise walked them all with the GIL held (0.2-0.4 s of
    # the event loop's CPU per 300 articles, stalling the coding thread meanwhile; 0.04 s frozen).
    gc.collect()
    gc.freeze()
    # Faust runs on the thread's current loop: create it here and reuse it for topic creation.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(ensure_topics(settings))
    app = create_app(settings, extractor)
    Worker(app, loglevel=loglevel, loop=loop).execute_from_commandline()
