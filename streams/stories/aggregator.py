"""Merges events into stories and counts them in dyad windows, over any mutable mapping of JSON values.

The worker passes a Faust table (changelog-backed); the memory benchmark passes a dict. Keys start with the
partition the state belongs to, so expiry can walk one partition and delete only its own keys:

- ``<p>|wm``: the partition's watermarks (latest event date, latest time per window kind);
- ``<p>|story|<group>``: the open stories of one story group (source code, target code, CAMEO root);
- ``<p>|dyad|<window>|<start>|<SRC>|<TGT>``: one dyad window.

Each event is counted once: a story remembers the ids of its events and articles (up to ``max_ids`` each),
and an event already in its story changes nothing, in the story or in the dyad windows. Watermarks are part of
the state, so a partition replayed after a crash takes the same late / expiry decisions as the first time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from schemas import DyadAggregate, Event, Story, StoryMention
from streams.stories.keys import actor_code, source_name, story_group, story_id
from streams.stories.windows import DAILY, WINDOWS, Window

__all__ = ["Aggregator", "AggregatorLimits", "Expired", "Update", "dyad_key", "dyad_record", "story_record"]

#: Articles (ids and URLs) listed in a story record.
LISTED_ARTICLES = 20
_MERGE_DAYS = dt.timedelta(days=1)
_MAX_DATE_AHEAD = dt.timedelta(days=1)

State = dict[str, Any]


@dataclass(frozen=True)
class AggregatorLimits:
    """How long state lives and how much of it a story or window keeps."""

    story_quiet: dt.timedelta = dt.timedelta(days=7)
    allowed_lateness: dt.timedelta = dt.timedelta(days=2)
    max_ids: int = 1000


@dataclass
class Update:
    """What one event changed: nothing when it was already counted (``duplicate``)."""

    duplicate: bool = False
    created: bool = False
    story: Story | None = None
    mention: StoryMention | None = None
    dyads: list[DyadAggregate] = field(default_factory=list)
    late: list[str] = field(default_factory=list)


@dataclass
class Expired:
    """State dropped by one expiry pass."""

    stories: int = 0
    windows: int = 0


class Aggregator:
    """Stories and dyad windows kept in ``store``."""

    def __init__(self, store: MutableMapping[str, Any], limits: AggregatorLimits = AggregatorLimits()) -> None:  # noqa: B008
        """Keep state in ``store`` (a Faust table or a dict) within ``limits``."""
        self.store = store
        self.limits = limits

    def apply(self, partition: int, event: Event, seen_at: dt.datetime, now: dt.datetime) -> Update:
        """Count ``event`` (seen at ``seen_at``: its article's publication, else its produce time)."""
        seen_at = seen_at.astimezone(dt.UTC)
        group = story_group(event)
        group_key = f"{partition}|story|{group}"
        entry: State = self.store.get(group_key) or {"stories": []}
        if any(event.event_id in story["event_ids"] for story in entry["stories"]):
            return Update(duplicate=True)
        marks: State = dict(self.store.get(f"{partition}|wm") or {})
        story = _matching(entry["stories"], event)
        update = Update(created=story is None)
        if story is None:
            location = event.location.country if event.location else None
            story = _new_story(story_id(group, event.date, location), event, location, seen_at)
            entry["stories"].append(story)
        self._add_to_story(story, event, seen_at)
        source = event.source.country if event.source else None
        target = event.target.country if event.target else None
        for window, moment in _window_times(event, seen_at):
            if not self._advance(marks, window, moment):
                update.late.append(window.name)
            elif source and target:
                key = f"{partition}|dyad|{window.name}|{window.start(moment).isoformat()}|{source}|{target}"
                update.dyads.append(self._count_in_window(key, window, moment, event, story["id"], now))
        marks["story"] = max(marks.get("story", ""), min(event.date, seen_at.date() + _MAX_DATE_AHEAD).isoformat())
        # Windows first, the story (which says the event was counted) after: changelog order within a partition.
        self.store[group_key] = entry
        self.store[f"{partition}|wm"] = marks
        update.story = story_record(story, now)
        update.mention = StoryMention(
            event_id=event.event_id,
            story_id=story["id"],
            article_id=event.article_id,
            article_url=event.article_url,
            source_name=source_name(event),
            sentence_index=event.sentence_index,
            event_date=event.date,
            seen_at=seen_at,
            confidence=event.confidence,
        )
        return update

    def _add_to_story(self, story: State, event: Event, seen_at: dt.datetime) -> None:
        limit = self.limits.max_ids
        story["mentions"] += 1
        if len(story["event_ids"]) < limit:
            story["event_ids"].append(event.event_id)
        if _add_distinct(story["article_ids"], event.article_id, limit):
            story["articles"] += 1
            if event.article_url and len(story["urls"]) < LISTED_ARTICLES:
                story["urls"].append(event.article_url)
        if _add_distinct(story["sources"], source_name(event), limit):
            story["num_sources"] += 1
        story["first_date"] = min(story["first_date"], event.date.isoformat())
        story["last_date"] = max(story["last_date"], event.date.isoformat())
        if seen_at < dt.datetime.fromisoformat(story["first_seen"]):
            story["first_seen"] = seen_at.isoformat()
        if seen_at > dt.datetime.fromisoformat(story["last_seen"]):
            story["last_seen"] = seen_at.isoformat()
        if story["location"] is None and event.location is not None:
            story["location"] = event.location.country
        story["confidence_sum"] += event.confidence
        story["goldstein_sum"] += event.goldstein
        if event.confidence > story["representative"]["confidence"]:
            story["representative"] = event.model_dump(mode="json")

    def _advance(self, marks: State, window: Window, moment: dt.datetime) -> bool:
        """Move the window kind's watermark to ``moment``; False when the window holding it is already closed."""
        watermark = marks.get(window.name)
        lateness = self.limits.allowed_lateness
        if watermark and window.is_closed(window.start(moment), dt.datetime.fromisoformat(watermark), lateness):
            return False
        if watermark is None or moment > dt.datetime.fromisoformat(watermark):
            marks[window.name] = moment.isoformat()
        return True

    def _count_in_window(
        self, key: str, window: Window, moment: dt.datetime, event: Event, story: str, now: dt.datetime
    ) -> DyadAggregate:
        """Count ``event`` (of ``story``) in the dyad window stored at ``key``; return its new aggregate."""
        source, target = key.rsplit("|", 2)[1:]
        state: State = self.store.get(key) or {
            "window": window.name,
            "start": window.start(moment).isoformat(),
            "source": source,
            "target": target,
            "events": 0,
            "quad": {},
            "plover": {},
            "goldstein_sum": 0.0,
            "article_ids": [],
            "articles": 0,
            "story_ids": [],
            "stories": 0,
        }
        state["events"] += 1
        quad = str(event.quad_class)
        state["quad"][quad] = state["quad"].get(quad, 0) + 1
        state["plover"][event.plover_type] = state["plover"].get(event.plover_type, 0) + 1
        state["goldstein_sum"] += event.goldstein
        if _add_distinct(state["article_ids"], event.article_id, self.limits.max_ids):
            state["articles"] += 1
        if _add_distinct(state["story_ids"], story, self.limits.max_ids):
            state["stories"] += 1
        self.store[key] = state
        return dyad_record(state, now)

    def expire(self, partition: int) -> Expired:
        """Drop the partition's stories quiet for ``story_quiet`` and its closed windows (by its watermarks)."""
        marks: State = self.store.get(f"{partition}|wm") or {}
        expired = Expired()
        prefix = f"{partition}|"
        for key in [k for k in self.store if k.startswith(prefix)]:
            kind = key.split("|", 2)[1]
            if kind == "story" and "story" in marks:
                horizon = (dt.date.fromisoformat(marks["story"]) - self.limits.story_quiet).isoformat()
                stories = self.store[key]["stories"]
                alive = [s for s in stories if s["last_date"] >= horizon]
                expired.stories += len(stories) - len(alive)
                if not alive:
                    del self.store[key]
                elif len(alive) < len(stories):
                    self.store[key] = {"stories": alive}
            elif kind == "dyad":
                _, _, name, start, *_ = key.split("|")
                window = next(w for w in WINDOWS if w.name == name)
                watermark = marks.get(name)
                lateness = self.limits.allowed_lateness
                if watermark and window.is_closed(
                    dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(watermark), lateness
                ):
                    del self.store[key]
                    expired.windows += 1
        return expired

    def sizes(self) -> dict[str, int]:
        """Open stories and dyad windows held in the store (all partitions)."""
        stories = windows = 0
        for key, value in self.store.items():
            kind = key.split("|", 2)[1]
            if kind == "story":
                stories += len(value["stories"])
            elif kind == "dyad":
                windows += 1
        return {"stories": stories, "windows": windows}


def _add_distinct(seen: list[str], item: str, limit: int) -> bool:
    """Remember ``item``; True when it is new. Once ``limit`` items are kept, every item counts as new."""
    if item in seen:
        return False
    if len(seen) < limit:
        seen.append(item)
    return True


def _matching(stories: list[State], event: Event) -> State | None:
    """The open story of the event's group whose first date is within a day and whose place does not differ."""
    location = event.location.country if event.location else None
    for story in stories:
        near = abs(dt.date.fromisoformat(story["anchor"]) - event.date) <= _MERGE_DAYS
        if near and (location is None or story["location"] is None or story["location"] == location):
            return story
    return None


def _new_story(identifier: str, event: Event, location: str | None, seen_at: dt.datetime) -> State:
    return {
        "id": identifier,
        "source_code": actor_code(event.source),
        "target_code": actor_code(event.target),
        "cameo_root": event.cameo_root,
        "location": location,
        "anchor": event.date.isoformat(),
        "first_date": event.date.isoformat(),
        "last_date": event.date.isoformat(),
        "first_seen": seen_at.isoformat(),
        "last_seen": seen_at.isoformat(),
        "mentions": 0,
        "event_ids": [],
        "articles": 0,
        "article_ids": [],
        "urls": [],
        "num_sources": 0,
        "sources": [],
        "confidence_sum": 0.0,
        "goldstein_sum": 0.0,
        "representative": event.model_dump(mode="json"),
    }


def _window_times(event: Event, seen_at: dt.datetime) -> list[tuple[Window, dt.datetime]]:
    """Each window kind with the moment it files the event under: seen time for 15 min, event date for days."""
    day = dt.datetime.combine(event.date, dt.time(), tzinfo=dt.UTC)
    return [(window, day if window is DAILY else seen_at) for window in WINDOWS]


def story_record(story: State, now: dt.datetime) -> Story:
    """The ``stories`` record of a story's state."""
    representative = Event.model_validate(story["representative"])
    mentions = story["mentions"]
    return Story(
        story_id=story["id"],
        source_code=story["source_code"],
        target_code=story["target_code"],
        cameo_root=story["cameo_root"],
        location_country=story["location"],
        first_date=story["first_date"],
        last_date=story["last_date"],
        first_seen=story["first_seen"],
        last_seen=story["last_seen"],
        num_mentions=mentions,
        num_articles=story["articles"],
        num_sources=story["num_sources"],
        article_ids=story["article_ids"][:LISTED_ARTICLES],
        article_urls=story["urls"],
        representative_event=representative,
        mean_confidence=min(1.0, story["confidence_sum"] / mentions),
        goldstein=max(-10.0, min(10.0, story["goldstein_sum"] / mentions)),
        quad_class=representative.quad_class,
        updated_at=now,
    )


def dyad_record(state: State, now: dt.datetime) -> DyadAggregate:
    """The ``dyads.<window>`` record of a window's state."""
    window = next(w for w in WINDOWS if w.name == state["window"])
    start = dt.datetime.fromisoformat(state["start"])
    return DyadAggregate(
        window=state["window"],
        window_start=start,
        window_end=start + window.size,
        source_country=state["source"],
        target_country=state["target"],
        events=state["events"],
        by_quad_class=state["quad"],
        by_plover_type=state["plover"],
        goldstein_sum=state["goldstein_sum"],
        goldstein_mean=max(-10.0, min(10.0, state["goldstein_sum"] / state["events"])),
        articles=state["articles"],
        stories=state["stories"],
        updated_at=now,
    )


def dyad_key(record: DyadAggregate) -> str:
    """Kafka key of a dyad record: window start, source country, target country."""
    return f"{record.window_start.isoformat()}|{record.source_country}|{record.target_country}"
