"""The contracts of newsevents: one pydantic model per topic's records."""

from schemas.records import (
    PLOVER_TYPES,
    SCHEMA_VERSION,
    Actor,
    ActorMention,
    Article,
    DeadLetter,
    Event,
    Location,
    PloverType,
    ProcessedMarker,
    Trigger,
)

#: Topic name → model of its values. Other services read this to know what each topic carries.
TOPIC_RECORDS = {
    "articles": Article,
    "events": Event,
    "actors": ActorMention,
    "articles.dlq": DeadLetter,
    "articles.processed": ProcessedMarker,
}

__all__ = [
    "PLOVER_TYPES",
    "SCHEMA_VERSION",
    "TOPIC_RECORDS",
    "Actor",
    "ActorMention",
    "Article",
    "DeadLetter",
    "Event",
    "Location",
    "PloverType",
    "ProcessedMarker",
    "Trigger",
]
