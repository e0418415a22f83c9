"""Topic names and their creation with the admin client."""

from __future__ import annotations

import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code

from streams.connect import start_client
from streams.settings import Settings

__all__ = [
    "ACTORS",
    "ALL_TOPICS",
    "ARTICLES",
    "DEAD_LETTERS",
    "EVENTS",
    "PROCESSED",
    "bootstrap_servers",
    "ensure_topics",
]

log = logging.getLogger(__name__)

ARTICLES = "articles"
EVENTS = "events"
ACTORS = "actors"
DEAD_LETTERS = "articles.dlq"
PROCESSED = "articles.processed"
ALL_TOPICS = (ARTICLES, EVENTS, ACTORS, DEAD_LETTERS, PROCESSED)


def bootstrap_servers(broker_url: str) -> str:
    """Turn ``kafka://h1:9092;h2:9092`` (Faust form) into ``h1:9092,h2:9092`` (client form)."""
    hosts = broker_url.replace(";", ",").split(",")
    return ",".join(host.strip().removeprefix("kafka://") for host in hosts if host.strip())


async def ensure_topics(settings: Settings) -> list[str]:
    """Create every newsevents topic with the configured partitions; return the ones created.

    Topics are created explicitly because auto-creation picks the broker's default partition count.
    Waits up to ``settings.connect_timeout`` for the broker, so a worker can start while it is coming up.
    """
    broker = settings.broker
    if broker is None:
        message = "no broker configured: set NEWSEVENTS_BROKER or pass --broker"
        raise ValueError(message)
    admin = await start_client(
        lambda: AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers(broker)), broker, settings.connect_timeout
    )
    try:
        existing = set(await admin.list_topics())
        wanted = [settings.topic(name) for name in ALL_TOPICS]
        missing = [name for name in wanted if name not in existing]
        created = []
        for name in missing:
            topic = NewTopic(name, num_partitions=settings.partitions, replication_factor=settings.replication_factor)
            response = await admin.create_topics([topic])
            for _topic, code, *message in response.topic_errors:  # the admin client does not raise these
                error = for_code(code)
                if error is TopicAlreadyExistsError:
                    continue  # another worker created it between listing and creating
                if code:
                    reason = f"cannot create topic {name}: {message[0] if message else ''}"
                    raise error(reason)
                created.append(name)
        if created:
            log.info("created topics %s with %d partitions", created, settings.partitions)
        return created
    finally:
        await admin.close()
