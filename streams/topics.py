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
    "DYADS_DAILY",
    "DYADS_QUARTER_HOUR",
    "EVENTS",
    "PROCESSED",
    "STORIES",
    "STORY_MENTIONS",
    "AGGREGATES_TABLE",
    "bootstrap_servers",
    "changelog_topic",
    "ensure_topics",
    "through_topic",
]

log = logging.getLogger(__name__)

ARTICLES = "articles"
EVENTS = "events"
ACTORS = "actors"
DEAD_LETTERS = "articles.dlq"
PROCESSED = "articles.processed"
STORIES = "stories"
STORY_MENTIONS = "story.mentions"
DYADS_QUARTER_HOUR = "dyads.15m"
DYADS_DAILY = "dyads.1d"
ALL_TOPICS = (
    ARTICLES,
    EVENTS,
    ACTORS,
    DEAD_LETTERS,
    PROCESSED,
    STORIES,
    STORY_MENTIONS,
    DYADS_QUARTER_HOUR,
    DYADS_DAILY,
)
#: Topics whose records are the latest state of their key: consumers want the last value per key.
_COMPACTED = {STORIES, DYADS_QUARTER_HOUR, DYADS_DAILY}
#: The Faust table of the stories stage.
AGGREGATES_TABLE = "aggregates"


def through_topic(settings: Settings) -> str:
    """The stories stage's repartition topic: ``events`` keyed by source and target country."""
    return f"{settings.app_id}-events-by-dyad-repartition"


def changelog_topic(settings: Settings) -> str:
    """The changelog of the stories table, named as Faust names it (``<app id>-<table>-changelog``)."""
    return f"{settings.app_id}-{AGGREGATES_TABLE}-changelog"


def _wanted(settings: Settings) -> dict[str, dict[str, str]]:
    """Every topic the worker uses, with its configuration.

    Faust creates its internal topics itself at start; they are listed here too so that whoever recreates
    the topics (after the embedded broker restarted) recreates them before any client produces.
    """
    compact = {"cleanup.policy": "compact"}
    wanted = {settings.topic(name): compact if name in _COMPACTED else {} for name in ALL_TOPICS}
    if settings.stories:
        wanted[through_topic(settings)] = {}
        wanted[changelog_topic(settings)] = compact
    return wanted


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
        wanted = _wanted(settings)
        missing = [name for name in wanted if name not in existing]
        created = []
        for name in missing:
            topic = NewTopic(
                name,
                num_partitions=settings.partitions,
                replication_factor=settings.replication_factor,
                topic_configs=wanted[name],
            )
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
