"""Topic creation with the admin client against the embedded broker."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from streams.settings import Settings
from streams.topics import ALL_TOPICS, bootstrap_servers, ensure_topics

pytestmark = pytest.mark.integration


def fresh_settings(broker_url: str, partitions: int) -> Settings:
    return Settings(_env_file=None, broker=broker_url, topic_prefix=f"t{uuid.uuid4().hex[:8]}.", partitions=partitions)


async def partition_counts(settings: Settings) -> dict[str, int]:
    assert settings.broker is not None
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers(settings.broker))
    await admin.start()
    try:
        described = await admin.describe_topics([settings.topic(name) for name in ALL_TOPICS])
        return {topic["topic"]: len(topic["partitions"]) for topic in described}
    finally:
        await admin.close()


def test_creates_every_topic_once_with_the_configured_partitions(broker_url: str) -> None:
    settings = fresh_settings(broker_url, partitions=3)
    created = asyncio.run(ensure_topics(settings))
    assert sorted(created) == sorted(settings.topic(name) for name in ALL_TOPICS)
    assert asyncio.run(ensure_topics(settings)) == []
    assert asyncio.run(partition_counts(settings)) == {settings.topic(name): 3 for name in ALL_TOPICS}
