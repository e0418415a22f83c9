"""The dedup store: published ids and feed validators survive a reopen; commits are all or nothing."""

import sqlite3
from pathlib import Path

import pytest

from streams.ingest.store import FILE_NAME, SeenStore


def test_ids_and_validators_persist_across_instances(tmp_path: Path) -> None:
    with SeenStore.in_dir(tmp_path / "state") as store:
        assert store.path == tmp_path / "state" / FILE_NAME
        assert store.unseen(["a", "b", "a"]) == ["a", "b"]
        assert store.feed_state("http://f.test/rss") == (None, None)
        store.commit(["a"], feed="http://f.test/rss", state=('"v1"', "Tue, 02 Jan 2024 10:00:00 GMT"))
    with SeenStore.in_dir(tmp_path / "state") as reopened:
        assert reopened.unseen(["a", "b", "c"]) == ["b", "c"]
        assert reopened.feed_state("http://f.test/rss") == ('"v1"', "Tue, 02 Jan 2024 10:00:00 GMT")
        reopened.commit(["a", "b"])
        assert reopened.unseen(["a", "b"]) == []
        assert reopened.unseen([]) == []


def test_a_failed_commit_records_nothing(tmp_path: Path) -> None:
    with SeenStore.in_dir(tmp_path) as store:
        with pytest.raises(sqlite3.ProgrammingError):  # the validators fail after the ids were written
            store.commit(["a"], feed="http://f.test/rss", state=(object(), None))  # type: ignore[arg-type]
        assert store.unseen(["a"]) == ["a"]
        assert store.feed_state("http://f.test/rss") == (None, None)
