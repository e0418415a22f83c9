"""Topic creation with the admin client against the embedded broker."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from streams.settings import Settings
from streams.topics import ALL_TOPICS, bootstrap_servers, changelog_topic, ensure_topics, through_topic

pytestmark = pytest.mark.integration


def fresh_settings(broker_url: str, partitions: int) -> Settings:
    suffix = uuid.uuid4().hex[:8]
    return Settings(
        _env_file=None,
        broker=broker_url,
        app_id=f"a{suffix}",
        topic_prefix=f"t{suffix}.",
        partitions=partitions,
    )


def every_topic(settings: Settings) -> list[str]:
    """The prefixed topics, and the stories stage's internal ones (named after the app id)."""
    return [settings.topic(name) for name in ALL_TOPICS] + [through_topic(settings), changelog_topic(settings)]


async def partition_counts(settings: Settings) -> dict[str, int]:
    assert settings.broker is not None
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers(settings.broker))
    await admin.start()
    try:
        described = await admin.describe_topics(every_topic(settings))
        return {topic["topic"]: len(topic["partitions"]) for topic in described}
    finally:
        await admin.close()


def test_creates_every_topic_once_with_the_configured_partitions(broker_url: str) -> None:
    settings = fresh_settings(broker_url, partitions=3)
    created = asyncio.run(ensure_topics(settings))
    assert sorted(created) == sorted(every_topic(settings))
    assert asyncio.run(ensure_topics(settings)) == []
    assert asyncio.run(partition_counts(settings)) == {name: 3 for name in every_topic(settings)}
