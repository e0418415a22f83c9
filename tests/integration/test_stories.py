"""Stories and dyad aggregates on the embedded broker: merging, windows, late events, replay and SIGKILL."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from schemas import Article, DyadAggregate, Event, Story, StoryMention
from streams.export.gdelt import global_event_id
from streams.extraction import ExtractionConfig, Extractor
from streams.processes import WorkerProcess, metric_sum
from streams.settings import Settings
from streams.stories import Aggregator
from streams.topics import DYADS_DAILY, DYADS_QUARTER_HOUR, EVENTS, STORIES, STORY_MENTIONS
from tests.conftest import isolated_settings, worker_factory
from tests.integration.helpers import collect, publish_articles, wait_for_markers

pytestmark = pytest.mark.integration

SHELLING = "Russian troops shelled the Ukrainian city of Kharkiv on Monday."
MONDAY = dt.datetime(2024, 3, 4, 9, 30, tzinfo=dt.UTC)
ONE_HAPPENING = [
    Article(id="a1", body=SHELLING, published_at=MONDAY, source="Reuters", url="https://www.reuters.com/a1"),
    Article(
        id="a2",
        body="Russian forces shelled Kharkiv in Ukraine on Monday, officials said.",
        published_at=MONDAY + dt.timedelta(minutes=14, seconds=59),
        source="Reuters",
        url="https://www.reuters.com/a2",
    ),
    Article(  # no source: the URL's host names the outlet
        id="a3",
        body="Russian troops shelled the Ukrainian city of Kharkiv late on Monday.",
        published_at=MONDAY + dt.timedelta(minutes=15),
        url="https://apnews.com/a3",
    ),
]
UNRELATED = Article(
    id="c1",
    body="The United States accused China of violating the trade agreement.",
    published_at=MONDAY,
    source="DW",
)


def latest(settings: Settings, topic: str, model: type, key: Callable[[object], str]) -> dict[str, object]:
    """The last record of each key on ``topic`` (a key always lands in the same partition)."""
    records = [model.model_validate_json(r.value) for r in collect(settings, topic, idle_timeout=1.0)]
    return {key(record): record for record in records}


def stories(settings: Settings) -> dict[str, Story]:
    return latest(settings, STORIES, Story, lambda s: s.story_id)  # type: ignore[return-value]


def wait_for_stories(settings: Settings, timeout: float = 60.0) -> dict[str, Story]:
    """Stories once every event on ``events`` has its mention and every story counts its mentions."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        event_ids = {Event.model_validate_json(r.value).event_id for r in collect(settings, EVENTS, idle_timeout=1.0)}
        mentions = [
            StoryMention.model_validate_json(r.value) for r in collect(settings, STORY_MENTIONS, idle_timeout=1.0)
        ]
        per_story: dict[str, set[str]] = {}
        for mention in mentions:
            per_story.setdefault(mention.story_id, set()).add(mention.event_id)
        found = stories(settings)
        unlinked = event_ids - {m.event_id for m in mentions}
        miscounted = {s: (found[s].num_mentions, len(ids)) for s, ids in per_story.items() if s in found}
        miscounted = {s: pair for s, pair in miscounted.items() if pair[0] != pair[1]}
        if event_ids and not unlinked and not miscounted:
            return found
        time.sleep(1.0)
    pytest.fail(
        f"after {timeout:.0f} s, {len(unlinked)} of {len(event_ids)} events have no mention and stories count "
        f"(mentions, linked events) {list(miscounted.values())[:5]}"
    )


@dataclass
class Run:
    settings: Settings
    worker: WorkerProcess
    stories: dict[str, Story]


@pytest.fixture(scope="module")
def run(broker_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    """One worker; three articles of one happening from two outlets and an unrelated one."""
    settings = isolated_settings(broker_url)
    with worker_factory(settings, tmp_path_factory.mktemp("workers")) as start:
        worker = start()
        publish_articles(settings, [*ONE_HAPPENING, UNRELATED])
        wait_for_markers(settings, 4)
        yield Run(settings, worker, wait_for_stories(settings))


def test_three_articles_of_one_happening_make_one_story(run: Run) -> None:
    [story] = [s for s in run.stories.values() if "a1" in s.article_ids]
    assert (story.source_code, story.target_code, story.cameo_root) == ("RUSMIL", "UKR", "19")
    assert (story.num_mentions, story.num_articles, story.num_sources) == (3, 3, 2)
    assert sorted(story.article_ids) == ["a1", "a2", "a3"]
    assert sorted(story.article_urls) == [
        "https://apnews.com/a3",
        "https://www.reuters.com/a1",
        "https://www.reuters.com/a2",
    ]
    assert story.first_seen == MONDAY and story.last_seen == MONDAY + dt.timedelta(minutes=15)
    assert story.representative_event.confidence == max(
        e.confidence for e in run_events(run) if e.article_id in {"a1", "a2", "a3"}
    )


def run_events(run: Run) -> list[Event]:
    return [Event.model_validate_json(r.value) for r in collect(run.settings, EVENTS, idle_timeout=1.0)]


def test_an_unrelated_article_is_its_own_story(run: Run) -> None:
    [story] = [s for s in run.stories.values() if "c1" in s.article_ids]
    assert (story.source_code, story.target_code, story.num_mentions, story.num_sources) == ("USA", "CHN", 1, 1)
    assert len(run.stories) == 2


def test_each_event_is_linked_to_its_story(run: Run) -> None:
    mentions = [StoryMention.model_validate_json(r.value) for r in collect(run.settings, STORY_MENTIONS)]
    assert {m.event_id for m in mentions} == {e.event_id for e in run_events(run)}
    assert {m.story_id for m in mentions} == set(run.stories)
    assert {m.source_name for m in mentions} == {"Reuters", "apnews.com", "DW"}


def test_dyad_windows_split_at_their_boundaries(run: Run) -> None:
    quarter = latest(
        run.settings,
        DYADS_QUARTER_HOUR,
        DyadAggregate,
        lambda d: d.model_dump_json(include={"window_start", "source_country", "target_country"}),
    )
    russia = sorted((d for d in quarter.values() if d.source_country == "RUS"), key=lambda d: d.window_start)  # type: ignore[attr-defined]
    assert [(d.window_start, d.events, d.articles) for d in russia] == [  # type: ignore[attr-defined]
        (MONDAY, 2, 2),  # 09:30:00 and 09:44:59
        (MONDAY + dt.timedelta(minutes=15), 1, 1),  # 09:45:00
    ]
    daily = [DyadAggregate.model_validate_json(r.value) for r in collect(run.settings, DYADS_DAILY)]
    final = max((d for d in daily if d.source_country == "RUS"), key=lambda d: d.events)
    assert final.window_start == dt.datetime(2024, 3, 4, tzinfo=dt.UTC)
    assert (final.events, final.articles, final.stories, final.by_quad_class, final.by_plover_type) == (
        3,
        3,
        1,
        {"4": 3},
        {"ASSAULT": 3},
    )
    assert final.goldstein_mean == pytest.approx(final.goldstein_sum / 3)


DUPLICATES = "newsevents_story_duplicate_events_total"


def test_replaying_the_articles_changes_no_story(run: Run) -> None:
    publish_articles(run.settings, [*ONE_HAPPENING, UNRELATED])
    wait_for_markers(run.settings, 8)
    deadline = time.monotonic() + 30
    while metric_sum(run.worker.metrics_text(), DUPLICATES) < 4:
        assert time.monotonic() < deadline, "the replayed events were not all seen as duplicates"
        time.sleep(0.5)
    time.sleep(3.0)  # a commit interval: any (wrong) output of the replay would be published by now
    assert stories(run.settings) == run.stories


def test_late_events_are_counted_and_left_out_of_closed_windows(run: Run) -> None:
    later = Article(
        id="d1",
        body="Russian troops shelled the Ukrainian city of Kharkiv.",
        published_at=MONDAY + dt.timedelta(days=6),
    )
    publish_articles(run.settings, [later])
    wait_for_markers(run.settings, 9)
    wait_for_stories(run.settings)
    late = Article(
        id="d2",
        body="Russian troops shelled the Ukrainian city of Kharkiv.",
        published_at=MONDAY + dt.timedelta(days=3),
    )
    publish_articles(run.settings, [late])
    wait_for_markers(run.settings, 10)
    found = wait_for_stories(run.settings)
    assert any(s.article_ids == ["d2"] for s in found.values()), "a late event still makes or joins its story"
    exposition = run.worker.metrics_text()
    assert metric_sum(exposition, 'newsevents_late_events_total{window="15m"}') == 1
    assert metric_sum(exposition, 'newsevents_late_events_total{window="1d"}') == 1
    starts = {
        DyadAggregate.model_validate_json(r.value).window_start.date() for r in collect(run.settings, DYADS_DAILY)
    }
    assert (MONDAY + dt.timedelta(days=3)).date() not in starts
    assert (MONDAY + dt.timedelta(days=6)).date() in starts


# --- SIGKILL ------------------------------------------------------------------------------------------

OUTLETS = [("Reuters", "www.reuters.com"), ("AP", "apnews.com"), ("BBC", "www.bbc.co.uk")]
BODIES = [
    SHELLING,
    "The United States accused China of violating the trade agreement.",
    "Germany and France signed a defence cooperation agreement in Berlin.",
    "Iran threatened to close the Strait of Hormuz after new sanctions.",
    "Protesters marched against the government in Caracas.",
]


def stream_articles(n: int) -> list[Article]:
    """``n`` articles: five happenings, each reported by three outlets within two hours."""
    return [
        Article(
            id=f"k{i}",
            body=f"{BODIES[i % len(BODIES)]} Report {i}.",
            published_at=MONDAY + dt.timedelta(minutes=i),
            source=OUTLETS[i % len(OUTLETS)][0],
            url=f"https://{OUTLETS[i % len(OUTLETS)][1]}/k{i}",
        )
        for i in range(n)
    ]


def counts(found: dict[str, Story]) -> dict[str, tuple[int, int, int]]:
    """(mentions, articles, sources) of each story."""
    return {sid: (s.num_mentions, s.num_articles, s.num_sources) for sid, s in found.items()}


def clean_counts(articles: list[Article], extractor: Extractor) -> dict[str, tuple[int, int, int]]:
    """``counts`` of a clean in-process run: the articles' events through one ``Aggregator``, in order."""
    clean = Aggregator({})
    now = dt.datetime.now(dt.UTC)
    for extraction in extractor.extract_many(articles, now):
        for event in extraction.events:
            clean.apply(0, event, event.published_at or now, now)
    return {
        story["id"]: (story["mentions"], story["articles"], story["num_sources"])
        for key, value in clean.store.items()
        if "|story|" in key
        for story in value["stories"]
    }


def test_sigkill_mid_stream_restores_the_table_and_counts_equal_a_clean_run(
    settings: Settings, start_worker: Callable[..., WorkerProcess]
) -> None:
    articles = stream_articles(150)
    worker = start_worker()
    publish_articles(settings, articles)
    deadline = time.monotonic() + 90
    while metric_sum(worker.metrics_text(), "newsevents_story_mentions_total") < 40:
        assert time.monotonic() < deadline, "the worker did not aggregate 40 events"
        time.sleep(0.2)
    worker.signal(signal.SIGKILL)
    successor = start_worker()
    wait_for_markers(settings, len(articles), timeout=120)
    found = wait_for_stories(settings, timeout=90)

    reference = clean_counts(articles, Extractor(ExtractionConfig()))
    mentions = sum(s.num_mentions for s in found.values())
    print(f"\nSTORIES sigkill: articles={len(articles)} stories={len(found)} mentions={mentions}", end=" ")
    print(f"clean_stories={len(reference)} clean_mentions={sum(m for m, _, _ in reference.values())}", end=" ")
    print(f"duplicates_after_restart={metric_sum(successor.metrics_text(), DUPLICATES):.0f}")
    assert counts(found) == reference


def test_export_gdelt_writes_one_row_per_story(run: Run, tmp_path: Path) -> None:
    env = {**os.environ, "NEWSEVENTS_TOPIC_PREFIX": run.settings.topic_prefix}
    command = [sys.executable, "-m", "streams.cli", "export", "gdelt", "--out", str(tmp_path), "--timeout", "2"]
    done = subprocess.run([*command, "--broker", str(run.settings.broker)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rows = [
        line.split("\t") for path in sorted(tmp_path.glob("*.export.CSV")) for line in path.read_text().splitlines()
    ]
    stories_now = stories(run.settings)
    assert len(rows) == len(stories_now) and all(len(row) == 61 for row in rows)
    by_id = {row[0]: row for row in rows}
    happening = next(s for s in stories_now.values() if "a1" in s.article_ids)
    row = by_id[str(global_event_id(happening.story_id))]
    assert (row[5], row[15], row[26], row[31], row[32], row[33]) == ("RUSMIL", "UKR", "194", "3", "2", "3")
