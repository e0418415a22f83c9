"""``newsevents kafka up|down``: a 1-node cluster started in the background, used, and stopped."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from streams.kafka_cluster import KafkaCluster
from streams.kafka_io import publish, read_topic

pytestmark = pytest.mark.kafka


def newsevents(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", *args], capture_output=True, text=True, timeout=120, check=False
    )


async def round_trip(url: str) -> list[bytes]:
    await publish(url, "cli-check", [(b"k", b"hello")])
    return [r.value async for r in read_topic(url, "cli-check", max_records=1)]


def test_kafka_up_serves_clients_until_down(kafka_cluster: KafkaCluster, tmp_path: Path) -> None:
    directory = tmp_path / "cluster"
    started = newsevents("kafka", "up", "--nodes", "1", "--dir", str(directory))
    try:
        assert started.returncode == 0, started.stderr
        url = started.stdout.strip().splitlines()[-1].removeprefix("export NEWSEVENTS_BROKER=")
        assert url.startswith("kafka://127.0.0.1:")
        pids = KafkaCluster.running_nodes(directory)
        assert len(pids) == 1
        assert asyncio.run(round_trip(url)) == [b"hello"]

        again = newsevents("kafka", "up", "--nodes", "1", "--dir", str(directory))
        assert again.returncode == 1
        assert again.stderr.strip().splitlines() == [
            f"Error: a cluster is already running in {directory}: {url} (stop it: newsevents kafka down)"
        ]
    finally:
        stopped = newsevents("kafka", "down", "--dir", str(directory))
    assert stopped.returncode == 0 and stopped.stdout.strip() == "stopped 1 Kafka node(s)"
    assert not KafkaCluster.running_nodes(directory) and not directory.exists()


def test_a_cluster_has_one_or_three_nodes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="1 or 3 nodes, not 2"):
        KafkaCluster(tmp_path, 2)
