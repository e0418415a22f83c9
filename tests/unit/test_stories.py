"""Story keys and ids, tumbling windows, and the aggregator's merging, idempotence, lateness and expiry."""

from __future__ import annotations

import datetime as dt

import pytest

from schemas import Actor, Event, Location, Trigger
from streams.bench.stories_memory import synthetic_events
from streams.stories import (
    DAILY,
    QUARTER_HOUR,
    Aggregator,
    AggregatorLimits,
    StagedWrites,
    source_name,
    story_group,
    story_id,
)

NOW = dt.datetime(2024, 3, 10, tzinfo=dt.UTC)
SEEN = dt.datetime(2024, 3, 4, 9, 30, tzinfo=dt.UTC)


def event(
    event_id: str,
    *,
    article: str = "a1",
    day: dt.date = dt.date(2024, 3, 4),
    source: str | None = "RUS",
    target: str | None = "UKR",
    location: str | None = "UKR",
    outlet: str | None = "Reuters",
    url: str | None = None,
    confidence: float = 0.8,
) -> Event:
    def actor(country: str | None) -> Actor | None:
        return Actor(text=country, name=country, country=country, sector="MIL", start=0, end=3) if country else None

    return Event(
        event_id=event_id,
        article_id=article,
        sentence_index=0,
        sentence="Russian troops shelled Kharkiv.",
        date=day,
        plover_type="ASSAULT",
        cameo_code="194",
        cameo_root="19",
        quad_class=4,
        goldstein=-10.0,
        source=actor(source),
        target=actor(target),
        trigger=Trigger(text="shelled", start=15, end=22),
        location=Location(name=location, country=location) if location else None,
        confidence=confidence,
        extracted_at=NOW,
        article_source=outlet,
        article_url=url,
    )


def test_story_ids_are_deterministic_and_depend_on_the_key() -> None:
    group = story_group(event("e1"))
    assert group == "RUSMIL|UKRMIL|19"
    first = story_id(group, dt.date(2024, 3, 4), "UKR")
    assert first == story_id(group, dt.date(2024, 3, 4), "UKR")
    assert len({first, story_id(group, dt.date(2024, 3, 5), "UKR"), story_id(group, dt.date(2024, 3, 4), None)}) == 3


def test_source_name_falls_back_to_the_url_host_then_the_article() -> None:
    assert source_name(event("e1", outlet=" AP ")) == "AP"
    assert source_name(event("e1", outlet=None, url="https://www.bbc.co.uk/news/1")) == "bbc.co.uk"
    assert source_name(event("e1", outlet=None)) == "a1"


def test_windows_are_aligned_and_close_after_the_lateness() -> None:
    assert QUARTER_HOUR.start(dt.datetime(2024, 3, 4, 9, 44, 59, tzinfo=dt.UTC)) == SEEN
    assert QUARTER_HOUR.start(dt.datetime(2024, 3, 4, 9, 45, tzinfo=dt.UTC)) == SEEN + dt.timedelta(minutes=15)
    assert DAILY.start(SEEN) == dt.datetime(2024, 3, 4, tzinfo=dt.UTC)
    lateness = dt.timedelta(days=2)
    assert not DAILY.is_closed(DAILY.start(SEEN), dt.datetime(2024, 3, 6, 23, 59, tzinfo=dt.UTC), lateness)
    assert DAILY.is_closed(DAILY.start(SEEN), dt.datetime(2024, 3, 7, tzinfo=dt.UTC), lateness)


def test_mentions_of_one_happening_merge_and_count_outlets_and_articles() -> None:
    agg = Aggregator({})
    agg.apply(0, event("e1", article="a1"), SEEN, NOW)
    agg.apply(0, event("e2", article="a1", confidence=0.9), SEEN, NOW)
    agg.apply(0, event("e3", article="a2", day=dt.date(2024, 3, 5), location=None), SEEN, NOW)
    update = agg.apply(0, event("e4", article="a3", outlet="AP"), SEEN + dt.timedelta(hours=1), NOW)
    story = update.story
    assert story is not None and not update.created
    assert (story.num_mentions, story.num_articles, story.num_sources) == (4, 3, 2)
    assert story.representative_event.event_id == "e2"
    assert (story.first_date, story.last_date) == (dt.date(2024, 3, 4), dt.date(2024, 3, 5))
    assert story.last_seen == SEEN + dt.timedelta(hours=1)
    assert story.mean_confidence == pytest.approx((0.8 + 0.9 + 0.8 + 0.8) / 4)


@pytest.mark.parametrize(
    "other",
    [
        {"day": dt.date(2024, 3, 6)},  # two days after the story's first date
        {"location": "POL"},  # another place
        {"target": "POL"},  # another target
    ],
)
def test_events_that_differ_open_their_own_story(other: dict[str, object]) -> None:
    agg = Aggregator({})
    first = agg.apply(0, event("e1"), SEEN, NOW)
    second = agg.apply(0, event("e2", **other), SEEN, NOW)  # type: ignore[arg-type]
    assert second.created and first.story and second.story and first.story.story_id != second.story.story_id


def test_an_event_counted_once_changes_nothing_when_it_comes_again() -> None:
    agg = Aggregator({})
    agg.apply(0, event("e1"), SEEN, NOW)
    state = repr(agg.store)
    again = agg.apply(0, event("e1"), SEEN + dt.timedelta(minutes=1), NOW)
    assert again.duplicate and again.story is None and again.dyads == []
    assert repr(agg.store) == state


def test_replaying_the_same_events_gives_the_same_ids_and_counts() -> None:
    events = [event(f"e{i}", article=f"a{i % 3}", day=dt.date(2024, 3, 4 + i % 4)) for i in range(12)]
    runs = []
    for _ in range(2):
        agg = Aggregator({})
        runs.append([agg.apply(0, e, SEEN, NOW).story for e in events])
    assert runs[0] == runs[1]


def test_dyad_windows_count_events_articles_and_stories() -> None:
    agg = Aggregator({})
    agg.apply(0, event("e1", article="a1"), SEEN, NOW)
    agg.apply(0, event("e2", article="a2"), SEEN + dt.timedelta(minutes=14), NOW)
    update = agg.apply(0, event("e3", article="a2", day=dt.date(2024, 3, 6)), SEEN + dt.timedelta(minutes=15), NOW)
    quarter = next(d for d in update.dyads if d.window == "15m")
    assert (quarter.window_start, quarter.events) == (SEEN + dt.timedelta(minutes=15), 1)
    daily = next(d for d in update.dyads if d.window == "1d")
    assert daily.window_start == dt.datetime(2024, 3, 6, tzinfo=dt.UTC) and daily.stories == 1
    first_quarter = agg.store[f"0|dyad|15m|{SEEN.isoformat()}|RUS|UKR"]
    assert (first_quarter["events"], first_quarter["articles"], first_quarter["quad"]) == (2, 2, {"4": 2})


def test_events_without_both_countries_make_stories_but_no_dyads() -> None:
    update = Aggregator({}).apply(0, event("e1", target=None), SEEN, NOW)
    assert update.story is not None and update.dyads == [] and update.late == []


def test_late_events_stay_in_their_story_but_out_of_closed_windows() -> None:
    agg = Aggregator({}, AggregatorLimits(allowed_lateness=dt.timedelta(days=2)))
    agg.apply(0, event("e1", day=dt.date(2024, 3, 10)), SEEN + dt.timedelta(days=6), NOW)
    within = agg.apply(0, event("e2", day=dt.date(2024, 3, 8)), SEEN + dt.timedelta(days=4), NOW)
    assert within.late == []
    late = agg.apply(0, event("e3", day=dt.date(2024, 3, 7)), SEEN + dt.timedelta(days=3), NOW)
    assert late.late == ["15m", "1d"] and late.dyads == [] and late.story is not None


def test_expiry_drops_quiet_stories_and_closed_windows_of_its_partition_only() -> None:
    agg = Aggregator({}, AggregatorLimits(story_quiet=dt.timedelta(days=7)))
    agg.apply(0, event("old", day=dt.date(2024, 3, 1)), SEEN, NOW)
    agg.apply(1, event("other", day=dt.date(2024, 3, 1)), SEEN, NOW)
    agg.apply(0, event("new", day=dt.date(2024, 3, 8), target="POL"), SEEN + dt.timedelta(days=4), NOW)
    first = agg.expire(0)
    assert first.stories == 0 and first.windows == 2  # quiet for exactly 7 days: kept; March 4's windows closed
    agg.apply(0, event("newer", day=dt.date(2024, 3, 9), target="POL"), SEEN + dt.timedelta(days=5), NOW)
    expired = agg.expire(0)
    assert expired.stories == 1
    assert agg.sizes()["stories"] == 2  # partition 0's newer story and partition 1's untouched one


def test_ids_beyond_the_limit_are_still_counted() -> None:
    agg = Aggregator({}, AggregatorLimits(max_ids=2))
    for i in range(4):
        update = agg.apply(0, event(f"e{i}", article=f"a{i}"), SEEN, NOW)
    assert update.story is not None and (update.story.num_mentions, update.story.num_articles) == (4, 4)


def test_state_stays_bounded_once_expiry_runs() -> None:
    agg = Aggregator({})
    sizes = []
    for n, (item, seen) in enumerate(synthetic_events(12_000, per_day=500), start=1):
        agg.apply(0, item, seen, NOW)
        if n % 1_000 == 0:
            agg.expire(0)
        if n in (8_000, 12_000):  # day 16 and day 24: both long past the 7-day quiet period
            sizes.append(agg.sizes())
    assert 0.8 < sizes[1]["stories"] / sizes[0]["stories"] < 1.2
    assert 0.8 < sizes[1]["windows"] / sizes[0]["windows"] < 1.2


def test_staged_writes_reach_the_table_only_when_written_through() -> None:
    table = {"kept": 1, "dropped": 2}
    staged = StagedWrites(table)
    staged["new"] = 3
    staged["kept"] = 4
    del staged["dropped"]
    assert table == {"kept": 1, "dropped": 2}
    assert dict(staged) == {"kept": 4, "new": 3} and "dropped" not in staged
    staged.write_through()
    assert table == {"kept": 4, "new": 3} and staged.pending == {}
