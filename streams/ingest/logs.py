"""Ingestion output: one JSON object a line on stderr, or a live rich progress line when interactive."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn

__all__ = ["JsonLines", "ProgressHandler", "emit", "log", "output"]

log = logging.getLogger("streams.ingest")


def emit(level: int, event: str, message: str, **fields: Any) -> None:
    """Log ``message`` with a machine-readable ``event`` name and fields."""
    log.log(level, message, extra={"event": event, "fields": fields})


class JsonLines(logging.Formatter):
    """One JSON object per record: time, level, event, message and the event's fields."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": getattr(record, "event", record.name),
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            data["traceback"] = self.formatException(record.exc_info)
        return orjson.dumps(data, default=str).decode()


class ProgressHandler(logging.Handler):
    """Totals and the latest message on a live progress line; warnings and errors printed above it."""

    def __init__(self, console: Console) -> None:
        super().__init__(logging.INFO)
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), console=console
        )
        self._task = self.progress.add_task("starting", total=None)
        self._published = 0
        self._warnings = 0

    def emit(self, record: logging.LogRecord) -> None:
        fields = getattr(record, "fields", {})
        self._published += int(fields.get("published", 0))
        message = record.getMessage()
        if record.levelno >= logging.WARNING:
            self._warnings += 1
            style = "red" if record.levelno >= logging.ERROR else "yellow"
            self.progress.console.print(f"[{style}]{escape(message)}[/]")
        if "total" in fields:
            self.progress.update(self._task, total=fields["total"], completed=fields.get("done", 0))
        totals = f"{self._published} published, {self._warnings} warnings"
        self.progress.update(self._task, description=f"{totals} | {escape(message)}")


@contextmanager
def output(*, interactive: bool) -> Iterator[None]:
    """Route ingestion logs to a rich progress display (interactive) or JSON lines on stderr.

    Warnings of other libraries (aiokafka, asyncio) go the same way, so stderr stays one format.
    """
    handler: logging.Handler
    if interactive:
        handler = ProgressHandler(Console(stderr=True))
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLines())
    level, propagate = log.level, log.propagate
    root = logging.getLogger()
    root.addHandler(handler)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    try:
        if isinstance(handler, ProgressHandler):
            with handler.progress:
                yield
        else:
            yield
    finally:
        root.removeHandler(handler)
        log.removeHandler(handler)
        log.setLevel(level)
        log.propagate = propagate
