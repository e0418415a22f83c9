"""The dedup store: ids already published and each feed's ETag / Last-Modified, in one SQLite file."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

__all__ = ["FILE_NAME", "FeedState", "SeenStore"]

FILE_NAME = "feeds.sqlite3"

#: (etag, last_modified) validators of a feed's last successful fetch.
FeedState = tuple[str | None, str | None]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, feed TEXT, first_seen TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feeds (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT);
"""


class SeenStore:
    """Published article ids and feed validators; every commit is one SQLite transaction, so a crash
    leaves either the whole poll recorded or none of it."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path)
        with self._db:
            self._db.executescript(_SCHEMA)

    @classmethod
    def in_dir(cls, data_dir: str | Path) -> SeenStore:
        """The store of a data directory (``NEWSEVENTS_DATA_DIR``)."""
        return cls(Path(data_dir) / FILE_NAME)

    def unseen(self, ids: Iterable[str]) -> list[str]:
        """``ids`` not published yet, in order, without repeats."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        seen = {row[0] for row in self._db.execute(f"SELECT id FROM seen WHERE id IN ({marks})", wanted)}
        return [article_id for article_id in wanted if article_id not in seen]

    def feed_state(self, url: str) -> FeedState:
        """The validators saved for ``url`` (both None before its first successful poll)."""
        row = self._db.execute("SELECT etag, last_modified FROM feeds WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def commit(self, ids: Iterable[str], *, feed: str | None = None, state: FeedState | None = None) -> None:
        """Record ``ids`` as published and, when given, the feed's new validators, atomically."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._db:
            self._db.executemany(
                "INSERT OR IGNORE INTO seen (id, feed, first_seen) VALUES (?, ?, ?)",
                [(article_id, feed, now) for article_id in ids],
            )
            if feed is not None and state is not None:
                self._db.execute(
                    "INSERT OR REPLACE INTO feeds (url, etag, last_modified) VALUES (?, ?, ?)", (feed, *state)
                )

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> SeenStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
