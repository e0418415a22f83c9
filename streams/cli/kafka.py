"""``newsevents kafka up|down``: a local Apache Kafka cluster (KRaft) for development and tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from streams.cli.options import settings_with
from streams.exceptions import BrokerStartError
from streams.kafka_cluster import DEFAULT_HEAP, KafkaCluster

__all__ = ["command"]

_dir_option = click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the nodes keep their configuration, data and logs (default: NEWSEVENTS_DATA_DIR/kafka).",
)


def _directory(directory: Path | None) -> Path:
    return directory or Path(settings_with().data_dir) / "kafka"


@click.group("kafka")
def command() -> None:
    """A local Apache Kafka cluster: combined broker+controller nodes on free loopback ports.

    The jars come from deploy/kafka (`make kafka-jars`, needs Java 17 and Maven). The nodes run in the
    background until `newsevents kafka down`; `down` deletes their data.
    """


@command.command("up")
@click.option("--nodes", type=click.Choice(["1", "3"]), default="3", show_default=True, help="Number of nodes.")
@click.option("--heap", default=DEFAULT_HEAP, show_default=True, help="JVM heap per node.")
@_dir_option
def up(nodes: str, heap: str, directory: Path | None) -> None:
    """Format and start the nodes, wait until every broker is ready, print the bootstrap URL."""
    directory = _directory(directory)
    state = KafkaCluster.read_state(directory)
    if state is not None and KafkaCluster.running_nodes(directory):
        message = f"a cluster is already running in {directory}: {state['url']} (stop it: newsevents kafka down)"
        raise click.ClickException(message)
    shutil.rmtree(directory, ignore_errors=True)
    try:
        cluster = KafkaCluster(directory, int(nodes), heap=heap).start()
    except BrokerStartError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{nodes}-node Kafka cluster ready (logs: {directory}/node-*/kafka.log)")
    click.echo(f"export NEWSEVENTS_BROKER={cluster.url}")


@command.command("down")
@_dir_option
def down(directory: Path | None) -> None:
    """Stop the nodes started by `up` (controlled shutdown) and delete their data."""
    directory = _directory(directory)
    stopped = KafkaCluster.stop_recorded(directory)
    shutil.rmtree(directory, ignore_errors=True)
    click.echo(f"stopped {stopped} Kafka node(s)" if stopped else f"no Kafka cluster was running in {directory}")
