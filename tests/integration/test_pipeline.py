"""End to end through the embedded broker: seed article in, events out; bad input dead-lettered."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import orjson
import pytest

from schemas import DeadLetter, Event, ProcessedMarker
from streams.settings import Settings
from streams.sources import text_file_article
from streams.topics import DEAD_LETTERS, EVENTS
from tests.conftest import SEEDS, isolated_settings, worker_factory
from tests.integration.helpers import collect, publish_articles, publish_raw, wait_for_markers

SEED = text_file_article(SEEDS / "000_6f55596e71a25cd4.txt")
GOOD_AFTER_BAD = b'{"id": "good-1", "body": "Russian troops shelled the Ukrainian city of Kharkiv on Monday."}'
BAD_RECORDS = [
    (b"malformed-1", b'{"id": "malformed-1", "body": "unterminated'),
    (b"no-body-1", b'{"id": "no-body-1", "title": "A title without a body"}'),
    (b"empty-body-1", b'{"id": "empty-body-1", "body": ""}'),
]


@dataclass
class Run:
    settings: Settings
    events: list[Event]
    dead_letters: list[tuple[DeadLetter, dict[str, bytes]]]
    markers: list[ProcessedMarker]


@pytest.fixture(scope="module")
def run(broker_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    """One worker; the seed article twice, bad records, then a good article."""
    settings = isolated_settings(broker_url)
    with worker_factory(settings, tmp_path_factory.mktemp("workers")) as start:
        start()
        publish_articles(settings, [SEED, SEED])
        publish_raw(settings, [*BAD_RECORDS, (b"good-1", GOOD_AFTER_BAD)])
        markers = wait_for_markers(settings, 6)
        events = [Event.model_validate_json(r.value) for r in collect(settings, EVENTS)]
        letters = [
            (DeadLetter.model_validate_json(r.value), {k: v for k, v in r.headers})
            for r in collect(settings, DEAD_LETTERS)
        ]
        yield Run(settings, events, letters, markers)


def _triples(events: list[Event]) -> set[tuple[str | None, str, str | None]]:
    return {
        (e.source.country if e.source else None, e.plover_type, e.target.country if e.target else None) for e in events
    }


def test_seed_article_yields_the_expected_events(run: Run) -> None:
    seed_events = [e for e in run.events if e.article_id == SEED.id]
    triples = _triples(seed_events)
    assert ("RUS", "ACCUSE", "WST") in triples
    assert ("USA", "REJECT", "RUS") in triples
    assert ("USA", "CONSULT", "RUS") in triples or any(
        e.cameo_code == "036" and e.source and e.source.country == "USA" for e in seed_events
    )
    kremlin = [e for e in seed_events if "Kremlin has accused the West" in e.sentence]
    assert any(e.plover_type == "ACCUSE" and e.target and e.target.country == "WST" for e in kremlin)
    mobilize = [e for e in seed_events if e.plover_type == "MOBILIZE" and e.source and e.source.country == "RUS"]
    assert mobilize and all(e.target is None or e.target.country == "UKR" for e in mobilize)


def test_hypothetical_and_denied_actions_are_not_assaults(run: Run) -> None:
    assaults = [e for e in run.events if e.article_id == SEED.id and e.plover_type == "ASSAULT"]
    assert not [e for e in assaults if "imagine" in e.sentence or "denied" in e.sentence]


def test_events_point_into_the_article_body(run: Run) -> None:
    for event in (e for e in run.events if e.article_id == SEED.id):
        assert SEED.body[event.trigger.start : event.trigger.end] == event.trigger.text
        assert event.sentence in SEED.body
        for actor in (event.source, event.target):
            if actor is not None:
                assert SEED.body[actor.start : actor.end] == actor.text


def test_same_article_twice_yields_the_same_event_ids(run: Run) -> None:
    seed_markers = [m for m in run.markers if m.article_id == SEED.id]
    assert len(seed_markers) == 2 and {m.status for m in seed_markers} == {"ok"}
    ids = [e.event_id for e in run.events if e.article_id == SEED.id]
    assert len(ids) == 2 * len(set(ids)) == 2 * seed_markers[0].events


@pytest.mark.parametrize(
    ("key", "reason"),
    [(b"malformed-1", "invalid_json"), (b"no-body-1", "missing_field"), (b"empty-body-1", "invalid_field")],
)
def test_bad_records_land_in_the_dead_letter_topic_with_a_reason(run: Run, key: bytes, reason: str) -> None:
    raw = dict(BAD_RECORDS)[key]
    matches = [(letter, headers) for letter, headers in run.dead_letters if letter.key == key.decode()]
    assert len(matches) == 1
    letter, headers = matches[0]
    assert letter.error_type == reason and letter.error_message
    assert letter.payload == raw.decode()
    assert letter.topic == run.settings.topic("articles")
    assert headers["__streams.errors.exception"] == reason.encode()
    assert headers["__streams.errors.offset"] == str(letter.offset).encode()
    marker = next(m for m in run.markers if (m.partition, m.offset) == (letter.partition, letter.offset))
    assert marker.status == "dead_lettered" and marker.reason == reason


def test_the_worker_keeps_processing_after_bad_records(run: Run) -> None:
    good = next(m for m in run.markers if m.article_id == "good-1")
    assert good.status == "ok"
    assert [e for e in run.events if e.article_id == "good-1"]


def test_every_record_value_is_valid_json(run: Run) -> None:
    for name in ("actors", "articles.processed"):
        for record in collect(run.settings, name):
            assert isinstance(orjson.loads(record.value), dict)
