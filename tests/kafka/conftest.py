"""The Kafka tier: a 3-node Apache Kafka cluster (KRaft) on loopback for the whole session."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from streams.kafka_cluster import KAFKA_DEPLOY_DIR, KafkaCluster
from streams.processes import WorkerProcess
from streams.settings import Settings
from tests.conftest import isolated_settings, worker_factory

#: Partitions of the test topics: few, the machine has two cores.
PARTITIONS = 3


@pytest.fixture(scope="session")
def kafka_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaCluster]:
    """Three combined broker+controller nodes; missing jars fail under CI and skip elsewhere."""
    if not any((KAFKA_DEPLOY_DIR / "lib").glob("kafka_2.13-*.jar")):
        if os.environ.get("CI"):
            pytest.fail("the Kafka jars are missing: make kafka-jars")
        pytest.skip("the Kafka jars are missing (make kafka-jars); CI runs this tier")
    with KafkaCluster(tmp_path_factory.mktemp("kafka"), 3, bound_to_parent=True) as cluster:
        yield cluster


def kafka_settings(cluster: KafkaCluster, **overrides: object) -> Settings:
    """Topics of their own at replication factor 3 (min.insync.replicas=2 is the cluster's default)."""
    return isolated_settings(
        cluster.url, embedded_broker=False, **{"replication_factor": 3, "partitions": PARTITIONS, **overrides}
    )


@pytest.fixture
def kafka_workers(tmp_path: Path) -> Iterator[Callable[[Settings], Callable[..., WorkerProcess]]]:
    """``workers(settings)`` -> a ``start(wait=True, **env)`` factory; every worker stops at teardown."""
    with ExitStack() as stack:
        yield lambda settings: stack.enter_context(worker_factory(settings, tmp_path))
