"""Fixtures shared by every test tier: the embedded broker, isolated topics, worker processes."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from streams.embedded import EmbeddedBroker
from streams.processes import WorkerProcess
from streams.settings import Settings
from streams.topics import ensure_topics

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def broker_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """NEWSEVENTS_BROKER when set, else an embedded broker for the whole session."""
    configured = os.environ.get("NEWSEVENTS_BROKER")
    if configured:
        yield configured
        return
    log_path = tmp_path_factory.mktemp("broker") / "tansu.log"
    with EmbeddedBroker(log_path=log_path) as broker:
        yield broker.url


def require_binary(name: str) -> str:
    """Path of a binary from Debian's `prometheus` package; missing fails under CI and skips elsewhere."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing: apt-get install -y prometheus")
        pytest.skip(f"{name} not installed (apt-get install -y prometheus); CI runs this check")
    return path


def isolated_settings(broker_url: str, *, embedded_broker: bool = True, **overrides: object) -> Settings:
    """Settings with a topic prefix and consumer group of their own, topics already created."""
    suffix = uuid.uuid4().hex[:8]
    settings = Settings(
        _env_file=None,
        broker=broker_url,
        app_id=f"test-{suffix}",
        topic_prefix=f"t{suffix}.",
        embedded_broker=embedded_broker,
        **{"partitions": 4, **overrides},
    )
    asyncio.run(ensure_topics(settings))
    return settings


@pytest.fixture
def settings(broker_url: str) -> Settings:
    """Topics and consumer group of this test only."""
    return isolated_settings(broker_url, embedded_broker="NEWSEVENTS_BROKER" not in os.environ)


def settings_env(settings: Settings) -> dict[str, str]:
    """The NEWSEVENTS_* variables that make a child process use ``settings``."""
    return {
        "NEWSEVENTS_APP_ID": settings.app_id,
        "NEWSEVENTS_TOPIC_PREFIX": settings.topic_prefix,
        "NEWSEVENTS_PARTITIONS": str(settings.partitions),
        "NEWSEVENTS_SESSION_TIMEOUT": str(settings.session_timeout),
        "NEWSEVENTS_REPLICATION_FACTOR": str(settings.replication_factor),
        "NEWSEVENTS_PROCESSING_GUARANTEE": settings.processing_guarantee,
        "NEWSEVENTS_EMBEDDED_BROKER": str(settings.embedded_broker),
        "NEWSEVENTS_METADATA_MAX_AGE": str(settings.metadata_max_age),
        "NEWSEVENTS_STORIES": str(settings.stories),
    }


@contextmanager
def worker_factory(settings: Settings, log_dir: Path) -> Iterator[Callable[..., WorkerProcess]]:
    """Yield ``start(wait=True, **env)`` that starts workers on ``settings``; stop them all on exit."""
    workers: list[WorkerProcess] = []

    def start(wait: bool = True, **env: str) -> WorkerProcess:
        assert settings.broker is not None
        log_path = log_dir / f"worker-{len(workers)}.log"
        worker = WorkerProcess(settings.broker, env={**settings_env(settings), **env}, log_path=log_path)
        workers.append(worker.start())
        if wait:
            worker.wait_ready()
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()


@pytest.fixture
def start_worker(settings: Settings, tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    """Factory: start a worker on this test's topics (ready = holding partitions); all stop at teardown."""
    with worker_factory(settings, tmp_path) as start:
        yield start
