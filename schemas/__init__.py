"""The contracts of newsevents: one pydantic model per topic's records."""

from schemas.records import (
    PLOVER_TYPES,
    SCHEMA_VERSION,
    Actor,
    ActorMention,
    Article,
    DeadLetter,
    DyadAggregate,
    Event,
    Location,
    PloverType,
    ProcessedMarker,
    Story,
    StoryMention,
    Trigger,
)

#: Topic name → model of its values. Other services read this to know what each topic carries.
TOPIC_RECORDS = {
    "articles": Article,
    "events": Event,
    "actors": ActorMention,
    "articles.dlq": DeadLetter,
    "articles.processed": ProcessedMarker,
    "stories": Story,
    "story.mentions": StoryMention,
    "dyads.15m": DyadAggregate,
    "dyads.1d": DyadAggregate,
}

__all__ = [
    "PLOVER_TYPES",
    "SCHEMA_VERSION",
    "TOPIC_RECORDS",
    "Actor",
    "ActorMention",
    "Article",
    "DeadLetter",
    "DyadAggregate",
    "Event",
    "Location",
    "PloverType",
    "ProcessedMarker",
    "Story",
    "StoryMention",
    "Trigger",
]
