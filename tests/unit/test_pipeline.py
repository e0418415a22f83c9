"""BatchProcessor with the real extractor: outcomes per record, poison isolation, dead letters, markers."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence

import orjson
import pytest
from aiokafka.errors import MessageSizeTooLargeError

from schemas import Article, DeadLetter, ProcessedMarker
from streams.dead_letters import MAX_DEAD_LETTER_BYTES, MAX_KEY_BYTES
from streams.extraction import ArticleExtraction, ExtractionConfig, Extractor
from streams.pipeline import BatchProcessor, InputRecord
from streams.settings import Settings

NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
POISON = "POISON-PILL"
SETTINGS = Settings(_env_file=None, topic_prefix="u.", max_payload_bytes=2_000_000, max_body_chars=5_000)
BODIES = [
    "Russian troops shelled the Ukrainian city of Kharkiv on Monday.",
    "The United States accused China of violating the trade agreement.",
    "Germany and France signed a defence cooperation agreement in Berlin.",
]


class PoisonExtractor(Extractor):
    """The real extractor, except that it raises for articles whose body holds ``POISON``."""

    def extract_many(self, articles: Sequence[Article], extracted_at: dt.datetime) -> list[ArticleExtraction]:
        poisoned = [a.id for a in articles if POISON in a.body]
        if poisoned:
            message = f"cannot code {poisoned}"
            raise RuntimeError(message)
        return super().extract_many(articles, extracted_at)

    def extract(self, article: Article, extracted_at: dt.datetime) -> ArticleExtraction:
        return self.extract_many([article], extracted_at)[0]


@pytest.fixture(scope="module")
def extractor() -> PoisonExtractor:
    return PoisonExtractor(ExtractionConfig())


@pytest.fixture
def processor(extractor: PoisonExtractor) -> BatchProcessor:
    return BatchProcessor(extractor, SETTINGS)


def _record(offset: int, value: bytes | None, key: bytes | None = None) -> InputRecord:
    return InputRecord(topic="u.articles", partition=1, offset=offset, key=key, value=value)


def _article_record(offset: int, article: Article) -> InputRecord:
    return _record(offset, article.model_dump_json().encode(), article.id.encode())


def _articles(n: int, prefix: str = "a") -> list[Article]:
    return [
        Article(id=f"{prefix}{i}", body=BODIES[i % len(BODIES)], published_at=NOW - dt.timedelta(days=1))
        for i in range(n)
    ]


def test_good_articles_get_the_extractor_results_and_bad_records_dead_letters(
    processor: BatchProcessor, extractor: PoisonExtractor
) -> None:
    articles = _articles(3)
    german = Article(id="de", body="Die Regierung hat heute beraten.", language="de")
    records = [
        _article_record(0, articles[0]),
        _record(1, b"{not json", b"k1"),
        _article_record(2, articles[1]),
        _article_record(3, german),
        _record(4, b'{"id": "x", "body": "Russia.", "published_at": "1066-10-14T00:00:00Z"}'),
        _article_record(5, articles[2]),
    ]
    outcomes = processor.process(records, NOW)
    assert [(o.record.offset, o.status, o.reason) for o in outcomes] == [
        (0, "ok", None),
        (1, "dead_lettered", "invalid_json"),
        (2, "ok", None),
        (3, "skipped", "language"),
        (4, "dead_lettered", "absurd_date"),
        (5, "ok", None),
    ]
    expected = extractor.extract_many(articles, NOW)
    ok = [o for o in outcomes if o.status == "ok"]
    assert [o.events for o in ok] == [e.events for e in expected]
    assert [o.actors for o in ok] == [e.actors for e in expected]
    assert sum(len(o.events) for o in ok) > 0


def test_a_poison_article_is_dead_lettered_alone(processor: BatchProcessor, extractor: PoisonExtractor) -> None:
    articles = _articles(6)
    poison = Article(id="poison", body=f"Russia accused Ukraine. {POISON}")
    records = [_article_record(i, a) for i, a in enumerate(articles[:3])]
    records += [_article_record(3, poison)]
    records += [_article_record(4 + i, a) for i, a in enumerate(articles[3:])]
    outcomes = processor.process(records, NOW)

    assert [o.status for o in outcomes] == ["ok"] * 3 + ["dead_lettered"] + ["ok"] * 3
    letter = outcomes[3].dead_letter
    assert letter is not None and outcomes[3].reason == "extraction_error"
    assert (letter.stage, letter.error_type, letter.article_id) == ("extract", "RuntimeError", "poison")
    assert "cannot code ['poison']" in letter.error_message
    expected = extractor.extract_many(articles, NOW)
    assert [o.events for o in outcomes if o.status == "ok"] == [e.events for e in expected]


def test_dead_letter_record_keeps_the_exact_raw_key_and_value(processor: BatchProcessor) -> None:
    raw = b'{"id": "\xff\xfe", "body": 1}'
    (outcome,) = processor.process([_record(7, raw, b"raw-\xffkey")], NOW)
    (record,) = processor.data_records(outcome)
    letter = DeadLetter.model_validate_json(record.value)
    assert record.topic == "u.articles.dlq" and record.key == b"raw-\xffkey"
    assert base64.b64decode(letter.payload_base64) == raw
    assert letter.payload == raw.decode("utf-8", "replace")
    assert (letter.stage, letter.error_type, letter.topic, letter.partition, letter.offset) == (
        "decode",
        "invalid_utf8",
        "u.articles",
        1,
        7,
    )
    assert dict(record.headers) == {
        "__streams.errors.exception": b"invalid_utf8",
        "__streams.errors.message": letter.error_message.encode(),
        "__streams.errors.topic": b"u.articles",
        "__streams.errors.partition": b"1",
        "__streams.errors.offset": b"7",
        "__streams.errors.stage": b"decode",
    }


def test_oversized_input_is_dead_lettered_within_one_record(processor: BatchProcessor) -> None:
    body = 'Russia "accused" Ukraine \u00e9. ' * 60_000  # 2 MB; quotes are escaped again in the dead letter
    raw = orjson.dumps({"id": "big", "body": body})
    key = b"k" * (MAX_KEY_BYTES * 5)
    (outcome,) = processor.process([_record(0, raw, key)], NOW)
    assert outcome.reason == "body_too_long"
    (record,) = processor.data_records(outcome)
    assert len(record.value) <= MAX_DEAD_LETTER_BYTES and record.key == key[:MAX_KEY_BYTES]
    letter = DeadLetter.model_validate_json(record.value)
    kept = base64.b64decode(letter.payload_base64)
    assert 0 < len(kept) < len(raw) and raw.startswith(kept)
    assert f"payload cut to its first {len(kept)} of {len(raw)} bytes" in letter.error_message
    assert f"key cut to its first {MAX_KEY_BYTES}" in letter.error_message
    marker = processor.marker_record(outcome, NOW)
    assert marker.key == b"big"


def test_too_long_id_is_rejected(processor: BatchProcessor) -> None:
    (outcome,) = processor.process([_record(0, orjson.dumps({"id": "i" * 5_000, "body": "Russia."}), b"k")], NOW)
    assert (outcome.status, outcome.reason, outcome.article_id) == ("dead_lettered", "id_too_long", None)
    assert processor.marker_record(outcome, NOW).key == b"k"


def test_markers_tell_processed_with_no_events_from_dead_letters(processor: BatchProcessor) -> None:
    quiet = Article(id="quiet", body="The weather was mild and sunny all week.")
    outcomes = processor.process([_article_record(0, quiet), _record(1, b"[]", b"arr")], NOW)
    markers = [ProcessedMarker.model_validate_json(processor.marker_record(o, NOW).value) for o in outcomes]
    assert [(m.article_id, m.status, m.reason, m.events, m.offset) for m in markers] == [
        ("quiet", "ok", None, 0, 0),
        ("", "dead_lettered", "not_an_object", 0, 1),
    ]
    assert processor.data_records(outcomes[0]) == []
    assert processor.marker_record(outcomes[1], NOW).key == b"arr"


def test_a_record_the_broker_refuses_becomes_a_produce_dead_letter(processor: BatchProcessor) -> None:
    (article,) = _articles(1)
    (outcome,) = processor.process([_article_record(3, article)], NOW)
    assert outcome.events
    processor.mark_produce_failure(outcome, MessageSizeTooLargeError("too big"), NOW)
    (record,) = processor.data_records(outcome)
    letter = DeadLetter.model_validate_json(record.value)
    assert (outcome.status, outcome.reason, outcome.events) == ("dead_lettered", "produce_error", [])
    assert (letter.stage, letter.error_type, letter.article_id) == ("produce", "MessageSizeTooLargeError", article.id)
    assert base64.b64decode(letter.payload_base64) == article.model_dump_json().encode()
