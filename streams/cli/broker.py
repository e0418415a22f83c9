"""``newsevents broker``: run the embedded Kafka-protocol broker in the foreground."""

from __future__ import annotations

import signal
import threading

import click

from streams.embedded import EmbeddedBroker, port_is_free

__all__ = ["command"]


@click.command("broker")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=9092, show_default=True, help="Loopback port (0: any free port)."
)
def command(port: int) -> None:
    """Run the embedded broker (Tansu, memory-only) on 127.0.0.1 until interrupted.

    Everything it stores is lost when it stops. Point other commands at it with
    --broker kafka://127.0.0.1:PORT or NEWSEVENTS_BROKER.
    """
    if port and not port_is_free(port):
        message = f"port {port} on 127.0.0.1 is already in use: choose another --port (0 picks a free one)"
        raise click.ClickException(message)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with EmbeddedBroker(port or None) as broker:
        click.echo(f"embedded broker listening: {broker.url}  (Ctrl-C to stop)")
        click.echo(f"export NEWSEVENTS_BROKER={broker.url} NEWSEVENTS_EMBEDDED_BROKER=true")
        try:
            while not stop.wait(1.0):
                if not broker.running:
                    msg = "the broker process exited"
                    raise click.ClickException(msg)
        except KeyboardInterrupt:
            pass
