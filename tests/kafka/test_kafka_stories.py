"""The stories table on Apache Kafka with the rocksdb store: a worker SIGKILLed mid-stream, a successor restores."""

from __future__ import annotations

import importlib.util
import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from streams.extraction import ExtractionConfig, Extractor
from streams.kafka_cluster import KafkaCluster
from streams.processes import WorkerProcess, metric_sum
from streams.settings import Settings
from tests.integration.helpers import publish_articles, wait_for_markers
from tests.integration.test_faults import report, wait_until
from tests.integration.test_stories import DUPLICATES, clean_counts, counts, stream_articles, wait_for_stories
from tests.kafka.conftest import kafka_settings

pytestmark = pytest.mark.kafka

StartWorkers = Callable[[Settings], Callable[..., WorkerProcess]]


@pytest.fixture
def rocksdb_env(tmp_path: Path) -> Callable[[str], dict[str, str]]:
    """``env(name)``: the rocksdb store in data directory ``name``; missing rocksdict fails under CI."""
    if importlib.util.find_spec("rocksdict") is None:
        if os.environ.get("CI"):
            pytest.fail("rocksdict is missing: pip install -c requirements.lock '.[rocksdb]'")
        pytest.skip("rocksdict not installed (the rocksdb extra); CI runs this test")
    return lambda name: {"NEWSEVENTS_STORE": "rocksdb://", "NEWSEVENTS_DATA_DIR": str(tmp_path / name)}


def test_sigkill_with_rocksdb_restores_the_table_from_its_changelog(
    kafka_cluster: KafkaCluster, kafka_workers: StartWorkers, rocksdb_env: Callable[[str], dict[str, str]]
) -> None:
    """150 articles of five happenings; SIGKILL the worker once it has aggregated 40 events and start another
    with an empty data directory (a rescheduled pod): it restores the table from the changelog into rocksdb, and
    every story counts as in a clean run.
    """
    settings = kafka_settings(kafka_cluster)
    start = kafka_workers(settings)
    articles = stream_articles(150)
    worker = start(**rocksdb_env("killed"))
    publish_articles(settings, articles)
    wait_until(
        lambda: metric_sum(worker.metrics_text(), "newsevents_story_mentions_total") >= 40,
        90,
        "40 events aggregated",
        interval=0.2,
    )
    worker.signal(signal.SIGKILL)
    successor_env = rocksdb_env("successor")
    successor = start(**successor_env)
    wait_for_markers(settings, len(articles), timeout=120)
    found = wait_for_stories(settings, timeout=90)

    reference = clean_counts(articles, Extractor(ExtractionConfig()))
    report(
        "stories-rocksdb-sigkill",
        articles=len(articles),
        stories=len(found),
        mentions=sum(m for m, _, _ in counts(found).values()),
        clean_stories=len(reference),
        clean_mentions=sum(m for m, _, _ in reference.values()),
        duplicates_after_restart=int(metric_sum(successor.metrics_text(), DUPLICATES)),
    )
    assert any(Path(successor_env["NEWSEVENTS_DATA_DIR"]).rglob("aggregates-*.db")), "no rocksdb table restored"
    assert counts(found) == reference
