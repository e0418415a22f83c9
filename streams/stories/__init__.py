"""Stories and dyad aggregates: the stateful stage over ``events``, free of Faust so it can run anywhere."""

from streams.stories.aggregator import (
    Aggregator,
    AggregatorLimits,
    Expired,
    Update,
    dyad_key,
    dyad_record,
    story_record,
)
from streams.stories.keys import actor_code, partition_key, source_name, story_group, story_id
from streams.stories.staged import StagedWrites
from streams.stories.windows import DAILY, QUARTER_HOUR, WINDOWS, Window

__all__ = [
    "DAILY",
    "QUARTER_HOUR",
    "WINDOWS",
    "Aggregator",
    "AggregatorLimits",
    "Expired",
    "StagedWrites",
    "Update",
    "Window",
    "actor_code",
    "dyad_key",
    "dyad_record",
    "partition_key",
    "source_name",
    "story_group",
    "story_id",
    "story_record",
]
