"""Ingestion output: JSON lines when not interactive, a rich progress line with warnings above when it is."""

from __future__ import annotations

import io
import logging
import sys

import orjson
import pytest
from rich.console import Console

from streams.ingest.logs import JsonLines, ProgressHandler, emit, log, output


def test_json_lines_carry_event_message_and_fields(capsys: pytest.CaptureFixture[str]) -> None:
    with output(interactive=False):
        emit(logging.WARNING, "page.failed", "http://x.test/a: HTTP 404", url="http://x.test/a", reason="HTTP 404")
        logging.getLogger("aiokafka").error("Unable connect to broker")
        emit(logging.DEBUG, "hidden", "below INFO")
    lines = [orjson.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(line["level"], line["event"]) for line in lines] == [("warning", "page.failed"), ("error", "aiokafka")]
    assert lines[0]["message"] == "http://x.test/a: HTTP 404"
    assert lines[0]["reason"] == "HTTP 404"
    assert lines[0]["time"].endswith("+00:00")
    assert log.propagate  # restored afterwards


def test_json_lines_formatter_includes_tracebacks() -> None:
    try:
        message = "boom"
        raise ValueError(message)
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, exc_info=sys.exc_info())
    data = orjson.loads(JsonLines().format(record))
    assert data["event"] == "x"
    assert "ValueError: boom" in data["traceback"]


def test_progress_shows_totals_and_prints_warnings() -> None:
    stream = io.StringIO()
    handler = ProgressHandler(Console(file=stream, force_terminal=True, color_system=None, width=120))
    level = log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        with handler.progress:
            emit(logging.INFO, "feed.polled", "f: 3 items, 2 published", published=2)
            emit(logging.WARNING, "page.failed", "http://x.test/[a]: HTTP 404")
            emit(logging.INFO, "csv.published", "rows", published=5, done=5, total=10)
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
    task = handler.progress.tasks[0]
    assert task.description.startswith("7 published, 1 warnings")
    assert (task.completed, task.total) == (5, 10)
    assert "http://x.test/[a]: HTTP 404" in stream.getvalue()
