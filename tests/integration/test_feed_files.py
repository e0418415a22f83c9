"""`newsevents feed PATH...` never stops on one record: each is published or dead-lettered by the feeder."""

from __future__ import annotations

import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from schemas import Article, DeadLetter
from streams.cli import main
from streams.settings import Settings
from streams.topics import ARTICLES, DEAD_LETTERS
from tests.conftest import REPO, settings_env
from tests.fixtures.feeds.server import FeedServer
from tests.integration.helpers import collect

pytestmark = pytest.mark.integration

GOOD = "Russia accused Ukraine of shelling villages on Monday."
SUMMARY = re.compile(r"published (\d+) records to \S+; dead-lettered (\d+) to \S+")


def article_line(article_id: str, body: str = GOOD) -> bytes:
    return orjson.dumps({"id": article_id, "body": body})


def published_ids(settings: Settings) -> list[str]:
    return [Article.model_validate_json(r.value).id for r in collect(settings, ARTICLES, idle_timeout=1.0)]


def dead_letters(settings: Settings) -> list[DeadLetter]:
    return [DeadLetter.model_validate_json(r.value) for r in collect(settings, DEAD_LETTERS, idle_timeout=1.0)]


def summary_counts(output: str) -> tuple[int, int]:
    match = SUMMARY.search(output)
    assert match, output
    return int(match.group(1)), int(match.group(2))


def test_an_oversized_line_is_dead_lettered_and_the_lines_after_it_are_published(
    settings: Settings, cli_env: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "big.jsonl"
    big = article_line("big", "x" * 5_000_000)
    path.write_bytes(b"\n".join([article_line("first"), big, article_line("last")]) + b"\n")

    result = CliRunner().invoke(main, ["feed", str(path), *cli_env])

    assert result.exit_code == 0, result.output
    assert f"{path}:2: payload_too_large" in result.output
    assert summary_counts(result.output) == (2, 1)
    assert sorted(published_ids(settings)) == ["first", "last"]
    (letter,) = dead_letters(settings)
    assert (letter.origin, letter.error_type, letter.article_id) == (f"{path}:2", "payload_too_large", None)
    assert (letter.partition, letter.offset, letter.topic) == (-1, -1, settings.topic(ARTICLES))
    assert letter.payload_bytes == len(big) and letter.payload_sha256 == hashlib.sha256(big).hexdigest()
    assert big.startswith(letter.payload.encode()) and len(letter.payload) < len(big)


def test_bad_text_files_are_named_and_the_others_published(
    settings: Settings, cli_env: list[str], tmp_path: Path
) -> None:
    (tmp_path / "a-latin1.txt").write_bytes("Titre\nLe président a critiqué la décision.\n".encode("latin-1"))
    (tmp_path / "b-empty.txt").write_bytes(b"")
    (tmp_path / "c-date.txt").write_text("Title\nFebruary 30, 2022: Russia accused Ukraine.\n")
    (tmp_path / "d-good.txt").write_text(f"Title\nFebruary 3, 2022: {GOOD}\n")

    result = CliRunner().invoke(main, ["feed", str(tmp_path), *cli_env])

    assert result.exit_code == 0, result.output
    for name, reason in [("a-latin1", "invalid_utf8"), ("b-empty", "empty_payload"), ("c-date", "invalid_date")]:
        assert f"{tmp_path / name}.txt: {reason}:" in result.output
    assert published_ids(settings) == ["d-good"]
    letters = {Path(letter.origin or "").name: letter.error_type for letter in dead_letters(settings)}
    assert letters == {"a-latin1.txt": "invalid_utf8", "b-empty.txt": "empty_payload", "c-date.txt": "invalid_date"}
    assert summary_counts(result.output) == (1, 3)


_FUZZ_KINDS = {  # kind: weight
    "valid": 50,
    "oversized": 1,
    "binary": 6,
    "bad_json": 6,
    "bad_utf8": 6,
    "no_body": 4,
    "array": 3,
    "bad_date": 3,
    "blank": 8,
}


def _fuzz_record(kind: str, article_id: str, rng: random.Random) -> bytes:
    match kind:
        case "valid":
            return article_line(article_id, f"{GOOD} {rng.random()}")
        case "oversized":
            return article_line(article_id, "y" * rng.randint(1_000_001, 1_300_000))
        case "binary":
            return b"\xff" + bytes(rng.randrange(14, 256) for _ in range(rng.randint(1, 200)))
        case "bad_json":
            return article_line(article_id)[: rng.randint(1, 20)]
        case "bad_utf8":
            return b'{"id": "%s", "body": "caf\xe9 au lait"}' % article_id.encode()
        case "no_body":
            return orjson.dumps({"id": article_id, "title": "no body"})
        case "array":
            return b"[1, 2, 3]"
        case "bad_date":
            return orjson.dumps({"id": article_id, "body": GOOD, "published_at": "1200-01-01T00:00:00Z"})
    return rng.choice([b"", b"   ", b"\t"])  # blank: no record at all


def _fuzz_lines(rng: random.Random, count: int) -> tuple[list[bytes], dict[int, str | None]]:
    """``count`` lines; for each record's line number, the id it is published under, or None when the
    feeder must dead-letter it (blank lines are no records)."""
    lines: list[bytes] = []
    expected: dict[int, str | None] = {}
    for n in range(count):
        kind = rng.choices(list(_FUZZ_KINDS), weights=list(_FUZZ_KINDS.values()))[0]
        lines.append(_fuzz_record(kind, f"fuzz-{n}", rng))
        if kind != "blank":
            expected[len(lines)] = f"fuzz-{n}" if kind == "valid" else None
    return lines, expected


def test_fuzz_every_record_is_published_or_dead_lettered_exactly_once(
    settings: Settings, cli_env: list[str], tmp_path: Path
) -> None:
    lines, expected = _fuzz_lines(random.Random(13), 1_200)
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert len(expected) >= 1_000 and None in expected.values()

    result = CliRunner().invoke(main, ["feed", str(path), *cli_env])

    assert result.exit_code == 0, result.output[-2000:]
    ids = published_ids(settings)
    origins = [letter.origin for letter in dead_letters(settings)]
    assert sorted(ids) == sorted(i for i in expected.values() if i is not None)
    assert sorted(origins) == sorted(f"{path}:{n}" for n, i in expected.items() if i is None)
    assert len(set(ids)) == len(ids) and len(set(origins)) == len(origins)
    assert summary_counts(result.output) == (len(ids), len(origins))


def test_polling_feed_stops_cleanly_on_sigterm(settings: Settings, tmp_path: Path) -> None:
    assert settings.broker is not None
    stderr = tmp_path / "feed.log"
    env = {**os.environ, **settings_env(settings), "NEWSEVENTS_DATA_DIR": str(tmp_path / "data")}
    with FeedServer() as server, stderr.open("wb") as log:
        server.fixture("/rss.xml", "rss.xml")
        command = ["feed", "--rss", server.base + "/rss.xml", "--interval", "60", "--timeout", "2"]
        process = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", *command, "--broker", settings.broker],
            stderr=log,
            stdout=subprocess.DEVNULL,
            cwd=REPO,
            env=env,
        )
        try:
            deadline = time.monotonic() + 60
            while b'"poll.waiting"' not in stderr.read_bytes():
                assert process.poll() is None and time.monotonic() < deadline, stderr.read_text()
                time.sleep(0.2)
            process.send_signal(signal.SIGTERM)
            status = process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    events = [orjson.loads(line)["event"] for line in stderr.read_text().splitlines()]
    assert status == 0, stderr.read_text()
    assert events[-1] == "feed.stopped"
    assert published_ids(settings)
