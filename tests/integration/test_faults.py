"""Fault tests on the embedded broker: kills, SIGTERM, hostile input, broker loss.

Each test prints one ``FAULTS`` summary line (sent / processed / lost / duplicated); run with ``-s`` to see
them. The figures measured are recorded in docs/guarantees.md.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import signal
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from schemas import Article, DeadLetter, Event, ProcessedMarker
from streams.app import FATAL_EXIT_CODE
from streams.body_hygiene import clean_body
from streams.dead_letters import MAX_DEAD_LETTER_BYTES
from streams.decode import DecodeLimits, Rejection, decode_article
from streams.embedded import EmbeddedBroker
from streams.extraction import ExtractionConfig, Extractor
from streams.processes import WorkerProcess, metric_sum
from streams.settings import Settings
from streams.topics import ARTICLES, DEAD_LETTERS, EVENTS, PROCESSED, ensure_topics
from tests.conftest import isolated_settings, worker_factory
from tests.integration.helpers import collect, publish_articles, publish_raw, wait_for_markers

pytestmark = pytest.mark.integration

PUBLISHED = dt.datetime(2024, 3, 4, 9, 30, tzinfo=dt.UTC)
BODIES = [
    "Russian troops shelled the Ukrainian city of Kharkiv on Monday.",
    "The United States accused China of violating the trade agreement.",
    "Germany and France signed a defence cooperation agreement in Berlin.",
    "Iran threatened to close the Strait of Hormuz after new sanctions.",
    "Protesters marched against the government in Caracas.",
    "The weather stayed mild across the region all week.",
]


def short_articles(prefix: str, n: int) -> list[Article]:
    return [
        Article(id=f"{prefix}-{i}", body=f"{BODIES[i % len(BODIES)]} Report {i}.", published_at=PUBLISHED)
        for i in range(n)
    ]


def report(test: str, **figures: object) -> None:
    print(f"\nFAULTS {test}: " + " ".join(f"{name}={value}" for name, value in figures.items()))


def worker_metric(worker: WorkerProcess, name: str) -> float:
    """One of the worker's metrics, summed over its labels (0 while it does not answer)."""
    try:
        return metric_sum(worker.metrics_text(), name)
    except OSError:
        return 0.0


def processed_count(worker: WorkerProcess) -> float:
    """Articles this worker has finished."""
    return worker_metric(worker, "newsevents_articles_processed_total")


def batch_in_flight(worker: WorkerProcess) -> bool:
    """Whether the worker has taken articles it has not finished yet."""
    return worker_metric(worker, "newsevents_articles_consumed_total") > processed_count(worker)


def wait_until(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> float:
    """Poll ``condition``; return the seconds it took, fail after ``timeout``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(interval)
    return time.monotonic() - started


def markers(settings: Settings) -> list[ProcessedMarker]:
    return [ProcessedMarker.model_validate_json(r.value) for r in collect(settings, PROCESSED, idle_timeout=1.0)]


def wait_for_ids(settings: Settings, ids: set[str], timeout: float) -> list[ProcessedMarker]:
    """Poll ``articles.processed`` until every id in ``ids`` has a marker."""
    found: list[ProcessedMarker] = []

    def done() -> bool:
        nonlocal found
        found = markers(settings)
        return ids <= {m.article_id for m in found}

    wait_until(done, timeout, f"markers for {len(ids)} articles", interval=0.5)
    return found


def comparable(event: Event) -> dict[str, Any]:
    return event.model_dump(exclude={"extracted_at"})


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    """The clean reference run: the real extractor in this process."""
    return Extractor(ExtractionConfig())


def test_sigkill_mid_stream_loses_nothing_and_reprocessing_repeats_event_ids(
    settings: Settings, start_worker: Callable[..., WorkerProcess], extractor: Extractor
) -> None:
    """Two workers in one group; three times: publish 100 articles, SIGKILL the older worker, replace it."""
    articles = short_articles("kill", 300)
    live = [start_worker(wait=False), start_worker(wait=False)]
    for worker in live:
        worker.wait_ready()
    for chunk in (articles[:100], articles[100:200], articles[200:]):
        publish_articles(settings, chunk)
        time.sleep(0.5)
        live.pop(0).signal(signal.SIGKILL)
        live.append(start_worker())
    found = wait_for_markers(settings, len(articles), timeout=120)

    sent_ids = {a.id for a in articles}
    marked = Counter((m.partition, m.offset) for m in found)
    lost = sent_ids - {m.article_id for m in found}
    events = [Event.model_validate_json(r.value) for r in collect(settings, EVENTS)]
    copies: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        copies[event.event_id].append(comparable(event))
    clean = {e.event_id: comparable(e) for r in extractor.extract_many(articles, PUBLISHED) for e in r.events}
    report(
        "sigkill",
        sent=len(articles),
        processed=len(marked),
        lost=len(lost),
        duplicated_markers=sum(marked.values()) - len(marked),
        events_clean=len(clean),
        events_received=len(events),
        duplicated_events=len(events) - len(copies),
    )
    assert not lost and {m.status for m in found} == {"ok"}
    assert all(all(copy == versions[0] for copy in versions) for versions in copies.values())
    assert {event_id: versions[0] for event_id, versions in copies.items()} == clean


def test_sigterm_during_a_batch_commits_what_was_finished(
    settings: Settings, start_worker: Callable[..., WorkerProcess]
) -> None:
    articles = short_articles("term", 400)
    worker = start_worker()
    publish_articles(settings, articles)
    wait_until(lambda: processed_count(worker) >= 32, 60, "processing")
    started = time.monotonic()
    exit_code = worker.stop()
    stop_seconds = time.monotonic() - started
    at_stop = len({(m.partition, m.offset) for m in markers(settings)})
    start_worker()
    found = wait_for_markers(settings, len(articles), timeout=90)

    marked = Counter((m.partition, m.offset) for m in found)
    lost = {a.id for a in articles} - {m.article_id for m in found}
    report(
        "sigterm",
        sent=len(articles),
        processed_before_restart=at_stop,
        processed=len(marked),
        lost=len(lost),
        duplicated=sum(marked.values()) - len(marked),
        stop_seconds=f"{stop_seconds:.1f}",
    )
    assert exit_code == 0 and stop_seconds < 20
    assert 0 < at_stop < len(articles), "the worker was not stopped mid-stream"
    assert not lost
    # Faust waits for the in-flight batch and commits on a clean stop: nothing is processed twice.
    assert sum(marked.values()) == len(marked)


# --- hostile input ------------------------------------------------------------------------------------

MAX_PAYLOAD_BYTES = 20_000
MAX_BODY_CHARS = 3_000
_TEXT = st.text(max_size=120)
_INT = st.integers(-(2**63), 2**63 - 1)  # orjson's range
_JSON = st.recursive(
    st.none() | st.booleans() | _INT | st.floats(allow_nan=False) | _TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_TEXT, children, max_size=4),
    max_leaves=10,
)
_DATES = st.one_of(
    st.datetimes(timezones=st.just(dt.UTC) | st.none()).map(dt.datetime.isoformat),
    _TEXT,
    _INT,
)
_BODIES = st.one_of(
    _TEXT,
    st.sampled_from(BODIES),
    st.tuples(st.sampled_from(BODIES), _TEXT).map("".join),
    _JSON,
)
_ARTICLE_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(max_size=30), _JSON),
        "body": _BODIES,
        "title": st.one_of(_TEXT, _JSON),
        "published_at": _DATES,
        "language": st.one_of(st.sampled_from(["en", "EN", "de", ""]), _JSON),
        "body_is_summary": _JSON,
    },
)

#: Well-formed articles with arbitrary text (control characters, other scripts, emoji ...): these reach spaCy.
_ODD_ARTICLES = st.fixed_dictionaries(
    {"id": st.text(min_size=1, max_size=30), "body": st.text(min_size=1, max_size=300)},
    optional={"published_at": _DATES, "language": st.sampled_from(["en", "de"]), "url": _TEXT},
)


def _corrupt(data: tuple[bytes, int, bytes]) -> bytes:
    value, position, junk = data
    position %= len(value) + 1
    return value[:position] + junk + value[position:]


_VALUES = st.one_of(
    st.binary(max_size=200),
    _JSON.map(orjson.dumps),
    _ARTICLE_LIKE.map(orjson.dumps),
    _ODD_ARTICLES.map(orjson.dumps),
    _ODD_ARTICLES.map(orjson.dumps),
    st.tuples(_ARTICLE_LIKE.map(orjson.dumps), st.integers(0), st.binary(min_size=1, max_size=3)).map(_corrupt),
)
_RECORDS = st.tuples(st.none() | st.binary(max_size=30), _VALUES)


def generate(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """``count`` examples of ``strategy``, the same on every run."""
    examples: list[Any] = []

    @hypothesis_settings(
        max_examples=count,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def keep(example: Any) -> None:
        examples.append(example)

    keep()
    return examples


def targeted_records() -> list[tuple[bytes | None, bytes | None]]:
    """One record per input limit, each over its limit."""

    def article(**fields: object) -> bytes:
        return orjson.dumps({"id": "limit", "body": BODIES[0], **fields})

    return [
        (b"too-large", article(body="Russia accused Ukraine. " * 25_000)),  # 600 kB: payload_too_large
        (b"too-long", article(body="Russia accused Ukraine. " * 200)),  # body_too_long
        (b"long-id", article(id="i" * 5_000)),
        (b"k" * 50_000, b"\x00" * 500),  # huge key, binary value
        (b"tombstone", None),
        (b"utf8", b'{"id": "u", "body": "caf\xe9"}'),
        (b"controls", article(body="\x00\x01\x02\x03\x04 Russia")),
        (b"ancient", article(published_at="1200-01-01T00:00:00Z")),
        (b"future", article(published_at="2999-01-01T00:00:00Z")),
        (b"naive", article(published_at="2024-01-01T00:00:00")),
        (b"array", b"[1, 2, 3]"),
        (b"types", article(id=5, body=["x"])),
        (b"no-id", orjson.dumps({"body": BODIES[0]})),
        (b"no-body", orjson.dumps({"id": "no-body"})),
    ]


def _expected(value: bytes | None, limits: DecodeLimits) -> tuple[str, str | None]:
    decoded = decode_article(value, limits, dt.datetime.now(dt.UTC))
    if isinstance(decoded, Rejection):
        return "dead_lettered", decoded.reason
    if decoded.language and decoded.language.lower() != "en":
        return "skipped", "language"
    cleaned = clean_body(decoded)
    return ("dead_lettered", cleaned.reason) if isinstance(cleaned, Rejection) else ("ok", None)


def test_hostile_payloads_are_dead_lettered_or_processed_and_the_worker_survives(
    settings: Settings, start_worker: Callable[..., WorkerProcess], extractor: Extractor
) -> None:
    hostile = generate(_RECORDS, 2_000) + targeted_records()
    good = short_articles("good", 100)
    records: list[tuple[bytes | None, bytes | None]] = []
    for i, record in enumerate(hostile):
        if i % 20 == 0 and i // 20 < len(good):
            records.append((good[i // 20].id.encode(), good[i // 20].model_dump_json().encode()))
        records.append(record)
    worker = start_worker(
        NEWSEVENTS_MAX_PAYLOAD_BYTES=str(MAX_PAYLOAD_BYTES), NEWSEVENTS_MAX_BODY_CHARS=str(MAX_BODY_CHARS)
    )
    publish_raw(settings, records)  # type: ignore[arg-type] - a None value is a tombstone
    found = wait_for_markers(settings, len(records), timeout=150)
    assert worker.process is not None and worker.process.poll() is None, "the worker died"

    inputs = {(r.partition, r.offset): r for r in collect(settings, ARTICLES)}
    by_offset = {(m.partition, m.offset): m for m in found}
    letters = {}
    for r in collect(settings, DEAD_LETTERS):
        letter = DeadLetter.model_validate_json(r.value)
        assert len(r.value) <= MAX_DEAD_LETTER_BYTES
        assert dict(r.headers)["__streams.errors.exception"] == letter.error_type.encode()
        letters[(letter.partition, letter.offset)] = letter
    limits = DecodeLimits(max_payload_bytes=MAX_PAYLOAD_BYTES, max_body_chars=MAX_BODY_CHARS)
    poison = []
    for position, record in inputs.items():
        marker = by_offset[position]
        expected = _expected(record.value, limits)
        if marker.reason == "extraction_error":
            poison.append(record.value)  # a real input the extractor cannot code: dead-lettered, not fatal
        else:
            assert (marker.status, marker.reason) == expected, record.value
        if marker.status == "dead_lettered":
            letter = letters[position]
            assert letter.error_type == marker.reason or marker.reason == "extraction_error"
            assert letter.error_message
            raw = base64.b64decode(letter.payload_base64)
            value = record.value or b""
            assert raw == value or (value.startswith(raw) and "payload cut" in letter.error_message)
    good_events = {a.id: len(r.events) for a, r in zip(good, extractor.extract_many(good, PUBLISHED), strict=True)}
    good_markers = {m.article_id: m for m in found if m.article_id in good_events}
    statuses = Counter(m.status for m in by_offset.values())
    report(
        "hostile",
        sent=len(records),
        hostile=len(hostile),
        good=len(good),
        processed=len(by_offset),
        lost=len(inputs) - len(by_offset),
        duplicated=len(found) - len(by_offset),
        ok=statuses["ok"],
        dead_lettered=statuses["dead_lettered"],
        skipped=statuses["skipped"],
        extraction_errors=len(poison),
    )
    assert len(inputs) == len(records) == len(by_offset)
    assert {i: m.status for i, m in good_markers.items()} == dict.fromkeys(good_events, "ok")
    assert {i: m.events for i, m in good_markers.items()} == good_events


# --- broker loss --------------------------------------------------------------------------------------


def _restart(
    broker: EmbeddedBroker, settings: Settings, log_dir: Path, worker: WorkerProcess, outage: float
) -> EmbeddedBroker:
    """Stop ``broker`` (losing everything: it is memory-only); ``outage`` s later start a new one on its port.

    The worker runs through the outage, but is frozen while the new broker starts and its topics are recreated.
    Its producer still holds the old broker's metadata and sends its in-flight output at once; Tansu accepts
    records for a topic it does not know, and creating that topic afterwards resets the partition's offsets:
    the next produce requests collide with the records already there (``AlreadyExists`` in Tansu's log,
    ``UnknownError`` to the client). Apache Kafka keeps its topics across a restart, so this race is Tansu's.
    """
    broker.stop()
    time.sleep(outage)
    worker.signal(signal.SIGSTOP)
    try:
        replacement = EmbeddedBroker(port=broker.port, log_path=log_dir / "tansu-restarted.log").start()
        asyncio.run(ensure_topics(settings))
    finally:
        worker.signal(signal.SIGCONT)
    return replacement


def _ids(articles: Iterable[Article]) -> set[str]:
    return {a.id for a in articles}


def test_worker_reconnects_when_the_broker_comes_back(tmp_path: Path) -> None:
    """Broker stopped mid-stream and restarted empty on the same port: the same worker process resumes."""
    broker = EmbeddedBroker(log_path=tmp_path / "tansu.log").start()
    try:
        settings = isolated_settings(broker.url)
        with worker_factory(settings, tmp_path) as start:
            worker = start()
            publish_articles(settings, short_articles("before", 1000))
            wait_until(lambda: processed_count(worker) >= 16, 60, "processing")
            broker = _restart(broker, settings, tmp_path, worker, outage=3.0)
            restarted = time.monotonic()
            after = short_articles("after", 8)
            publish_articles(settings, after)
            found = wait_for_ids(settings, _ids(after), timeout=90)
            recovered = time.monotonic() - restarted
            report(
                "broker-restart",
                sent_after_restart=len(after),
                processed=len(_ids(after) & {m.article_id for m in found}),
                lost=len(_ids(after) - {m.article_id for m in found}),
                recovery_seconds=f"{recovered:.1f}",
                in_flight_delivered_to_new_broker=len({m.article_id for m in found} - _ids(after)),
            )
            assert worker.process is not None and worker.process.poll() is None, "the worker restarted"
            assert recovered < 60
    finally:
        broker.stop()


def test_worker_exits_non_zero_when_output_cannot_be_delivered(tmp_path: Path) -> None:
    """Broker gone during a batch for longer than the producer's request timeout: the worker exits with 75."""
    broker = EmbeddedBroker(log_path=tmp_path / "tansu.log").start()
    try:
        settings = isolated_settings(broker.url)
        with worker_factory(settings, tmp_path) as start:
            worker = start(PRODUCER_REQUEST_TIMEOUT="3")  # Faust setting, 1200 s by default
            # Long articles make a batch take seconds, so the broker surely stops while one is being coded:
            # a worker with nothing to send when the broker goes away just waits for it.
            long_body = " ".join(BODIES * 25)
            publish_articles(
                settings,
                [Article(id=f"long-{i}", body=long_body, published_at=PUBLISHED) for i in range(64)],
            )
            wait_until(lambda: batch_in_flight(worker), 60, "a batch in flight")
            broker.stop()
            process = worker.process
            assert process is not None
            exited = wait_until(lambda: process.poll() is not None, 60, "the worker exit")
            report("broker-gone", exit_code=process.returncode, exit_seconds=f"{exited:.1f}")
            assert process.returncode == FATAL_EXIT_CODE
    finally:
        broker.stop()
