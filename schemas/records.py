"""Pydantic models of every record newsevents reads or writes on Kafka."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

__all__ = [
    "PLOVER_TYPES",
    "SCHEMA_VERSION",
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

#: Bumped on any breaking change to a record; additive optional fields keep it.
SCHEMA_VERSION = 1

PloverType = Literal[
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
]
PLOVER_TYPES: tuple[str, ...] = PloverType.__args__  # type: ignore[attr-defined]

NonBlank = Annotated[str, StringConstraints(min_length=1, pattern=r"\S")]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
SectorCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Offset = Annotated[int, Field(ge=0)]


class _Output(BaseModel):
    """Base of records newsevents produces: strict, immutable, versioned."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1] = SCHEMA_VERSION


class Article(BaseModel):
    """A news article, the input record on topic ``articles``.

    Unknown fields are ignored so that producers may attach their own metadata.
    """

    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=False)

    schema_version: Literal[1] = SCHEMA_VERSION
    id: NonBlank = Field(description="Stable article id; the Kafka key of every derived record.")
    body: NonBlank = Field(description="Plain-text body that events are extracted from.")
    title: str | None = None
    url: str | None = None
    published_at: AwareDatetime | None = Field(
        default=None, description="Publication time; relative dates in the body resolve against it."
    )
    source: str | None = Field(default=None, description="Outlet or feed the article came from.")
    language: str | None = Field(default=None, description="ISO 639-1 code, e.g. 'en'.")
    body_is_summary: bool = Field(
        default=False, description="True when the body is a feed summary because the page could not be fetched."
    )
    fetch_error: str | None = Field(default=None, description="Why the full page was not used, if it was not.")


class Actor(_Output):
    """A resolved actor: who, from which country, in which sector."""

    text: str = Field(description="The mention as written in the article.")
    name: str = Field(description="Canonical name, e.g. 'Vladimir Putin' or 'Russia'.")
    country: CountryCode | None = Field(
        default=None, description="ISO 3166 alpha-3, or a grouping code (IGO, NGO, IMG, WST ...)."
    )
    sector: SectorCode | None = Field(default=None, description="CAMEO/PLOVER sector (GOV, MIL, REB ...).")
    start: Offset = Field(description="Character offset of the mention in the article body.")
    end: Offset


class Trigger(_Output):
    """The words that signal the event."""

    text: str
    start: Offset
    end: Offset


class Location(_Output):
    """Where the event happened, resolved offline."""

    name: str
    country: CountryCode | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class Event(_Output):
    """One coded event (who did what to whom, when, where), the record on topic ``events``."""

    event_id: str = Field(description="Deterministic: the same article always yields the same ids.")
    article_id: str
    sentence_index: Offset
    sentence: str
    date: dt.date = Field(description="Date of the event; the publish date when the text gives none.")
    plover_type: PloverType
    plover_mode: str | None = None
    cameo_code: Annotated[str, StringConstraints(pattern=r"^\d{2,4}$")]
    cameo_root: Annotated[str, StringConstraints(pattern=r"^\d{2}$")]
    quad_class: Literal[1, 2, 3, 4] = Field(
        description="1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict."
    )
    goldstein: float = Field(ge=-10, le=10)
    source: Actor | None = None
    target: Actor | None = None
    trigger: Trigger
    location: Location | None = None
    confidence: float = Field(ge=0, le=1)
    extracted_at: AwareDatetime
    published_at: AwareDatetime | None = Field(default=None, description="The article's publication time.")
    article_source: str | None = Field(default=None, description="The article's outlet (Article.source).")
    article_url: str | None = Field(default=None, description="The article's URL.")


class ActorMention(_Output):
    """Every resolved actor mention of an article, the record on topic ``actors``."""

    article_id: str
    sentence_index: Offset
    text: str
    name: str
    country: CountryCode | None = None
    sector: SectorCode | None = None
    start: Offset
    end: Offset


class DeadLetter(_Output):
    """An input that could not be processed, with the reason, on topic ``articles.dlq``."""

    stage: Literal["decode", "validate", "extract", "produce"] = Field(description="Where it failed.")
    error_type: str = Field(description="Exception class or rule name, e.g. 'ValidationError'.")
    error_message: str
    topic: str = Field(description="Topic the input was read from (or was meant for, when `origin` is set).")
    partition: int = Field(description="-1 when the feeder dead-lettered the input instead of publishing it.")
    offset: int = Field(description="-1 when the feeder dead-lettered the input instead of publishing it.")
    origin: str | None = Field(
        default=None, description="File and line (`path:line`, or the file) the feeder could not publish."
    )
    key: str | None = Field(default=None, description="Raw key, UTF-8 decoded with replacement.")
    payload: str = Field(description="Raw value, UTF-8 decoded with replacement characters (a prefix when cut).")
    payload_base64: str = Field(description="Raw value bytes, exact, base64 (a prefix when cut).")
    payload_bytes: int | None = Field(default=None, ge=0, description="Size of the whole raw value.")
    payload_sha256: str | None = Field(default=None, description="SHA-256 of the whole raw value, hex.")
    article_id: str | None = Field(default=None, description="The article id when the payload had one.")
    failed_at: AwareDatetime


class ProcessedMarker(_Output):
    """One record per processed article on topic ``articles.processed``: proof it was handled."""

    article_id: str
    status: Literal["ok", "dead_lettered", "skipped"]
    reason: str | None = Field(default=None, description="Why it was dead-lettered or skipped.")
    events: int = Field(ge=0, description="Events emitted for the article.")
    actors: int = Field(ge=0, description="Actor mentions emitted for the article.")
    cleaned: list[Literal["markup", "format_controls"]] = Field(
        default_factory=list,
        description="What was removed from the body before coding (offsets then point into the cleaned body).",
    )
    topic: str
    partition: int
    offset: int
    processed_at: AwareDatetime


QuadCounts = dict[Literal["1", "2", "3", "4"], int]


class Story(_Output):
    """One real-world happening merged across articles, the record on topic ``stories`` (key ``story_id``).

    Events merge into a story when they share the source and target actor codes (country + sector) and the
    CAMEO root, their dates are within one day of the story's, and their location countries do not differ.
    """

    story_id: str = Field(description="Deterministic from the story key and the date of its first event.")
    source_code: str = Field(description="Source actor code, country + sector (e.g. 'USAGOV'); '' when unknown.")
    target_code: str = Field(description="Target actor code; '' when the event has no target.")
    cameo_root: Annotated[str, StringConstraints(pattern=r"^\d{2}$")]
    location_country: CountryCode | None = None
    first_date: dt.date = Field(description="Earliest event date of the story.")
    last_date: dt.date = Field(description="Latest event date of the story.")
    first_seen: AwareDatetime = Field(description="Earliest publication (else produce) time of its mentions.")
    last_seen: AwareDatetime = Field(description="Latest publication (else produce) time of its mentions.")
    num_mentions: int = Field(ge=1, description="Distinct events (event_id) in the story.")
    num_articles: int = Field(ge=1, description="Distinct articles (article_id) reporting it.")
    num_sources: int = Field(ge=1, description="Distinct outlets: Article.source, else the URL's host, else the id.")
    article_ids: list[str] = Field(description="The first 20 articles reporting it.")
    article_urls: list[str] = Field(description="URLs of the first 20 articles that have one.")
    representative_event: Event = Field(description="The most confident mention.")
    mean_confidence: float = Field(ge=0, le=1)
    goldstein: float = Field(ge=-10, le=10, description="Mean Goldstein score of its mentions.")
    quad_class: Literal[1, 2, 3, 4]
    updated_at: AwareDatetime


class StoryMention(_Output):
    """Links one event to its story, the record on topic ``story.mentions`` (key ``event_id``)."""

    event_id: str
    story_id: str
    article_id: str
    article_url: str | None = None
    source_name: str = Field(description="The article's outlet, as counted in ``num_sources``.")
    sentence_index: Offset
    event_date: dt.date
    seen_at: AwareDatetime = Field(description="The article's publication time, else the event's produce time.")
    confidence: float = Field(ge=0, le=1)


class DyadAggregate(_Output):
    """Events from one source country to one target country in one tumbling window.

    Topics ``dyads.15m`` (windows of the article's publication time, else the produce time) and ``dyads.1d``
    (windows of the event date); key ``<window start ISO>|<source country>|<target country>``.
    """

    window: Literal["15m", "1d"]
    window_start: AwareDatetime
    window_end: AwareDatetime
    source_country: CountryCode
    target_country: CountryCode
    events: int = Field(ge=1)
    by_quad_class: QuadCounts = Field(description="Events per quad class ('1'..'4').")
    by_plover_type: dict[PloverType, int] = Field(description="Events per PLOVER type.")
    goldstein_sum: float
    goldstein_mean: float = Field(ge=-10, le=10)
    articles: int = Field(ge=1, description="Distinct articles.")
    stories: int = Field(ge=1, description="Distinct stories.")
    updated_at: AwareDatetime
