"""Readable tables of events for the terminal."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.table import Table

from schemas import Actor, Event

__all__ = ["add_event_row", "event_table", "table_console"]

#: Width used when output is not a terminal, so piped tables are not folded to 80 columns.
_PIPE_WIDTH = 180


def table_console(stderr: bool = False) -> Console:
    """A console for tables: the terminal's width, or a wide fixed one when piped."""
    console = Console(stderr=stderr)
    if not console.is_terminal:
        console = Console(stderr=stderr, width=_PIPE_WIDTH)
    return console


def _actor(actor: Actor | None) -> str:
    if actor is None:
        return "-"
    code = "/".join(part for part in (actor.country, actor.sector) if part)
    return f"{actor.text} [{code}]" if code else actor.text


def event_table(events: Iterable[Event] = (), title: str | None = None) -> Table:
    """A table with one row per event: date, source, type, target, trigger, confidence."""
    table = Table(title=title, show_lines=False, expand=False)
    for column in ("article", "#", "date", "source", "event", "target", "trigger", "conf"):
        table.add_column(column, overflow="fold")
    for event in events:
        add_event_row(table, event)
    return table


def add_event_row(table: Table, event: Event) -> None:
    """Append one event to a table made by :func:`event_table`."""
    kind = f"{event.plover_type} ({event.cameo_code})"
    table.add_row(
        event.article_id,
        str(event.sentence_index),
        event.date.isoformat(),
        _actor(event.source),
        kind,
        _actor(event.target),
        event.trigger.text,
        f"{event.confidence:.2f}",
    )
