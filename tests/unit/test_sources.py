"""Reading article files: JSONL lines as they are, .txt with title and dateline, folders."""

import datetime as dt
from pathlib import Path

import pytest

from streams.sources import iter_files, read_records, text_file_article

REPO = Path(__file__).resolve().parents[2]


def test_text_file_title_dateline_and_id(tmp_path: Path) -> None:
    path = tmp_path / "story-1.txt"
    path.write_text("A headline\n\nMarch 5, 2023: Something happened in Paris.\n\nMore text.\n")
    article = text_file_article(path)
    assert article.id == "story-1"
    assert article.title == "A headline"
    assert article.body.startswith("March 5, 2023: Something")
    assert article.published_at == dt.datetime(2023, 3, 5, tzinfo=dt.UTC)


def test_seed_article_reads_with_its_date() -> None:
    article = text_file_article(REPO / "seeds" / "000_6f55596e71a25cd4.txt")
    assert article.published_at == dt.datetime(2022, 2, 3, tzinfo=dt.UTC)
    assert "Putin accused Western nations" in article.body


def test_jsonl_lines_pass_through_unvalidated_with_their_keys(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"id": "x1", "body": "b"}\n\n{broken\n[1]\n')
    records = list(read_records([path]))
    assert [r.key for r in records] == [b"x1", None, None]
    assert [r.value for r in records] == [b'{"id": "x1", "body": "b"}', b"{broken", b"[1]"]
    assert records[1].origin.endswith("a.jsonl:3")


def test_folders_expand_and_other_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("t\nbody")
    (tmp_path / "a.jsonl").write_text("{}\n")
    (tmp_path / "notes.md").write_text("ignored inside folders")
    assert [p.name for p in iter_files([tmp_path])] == ["a.jsonl", "b.txt"]
    with pytest.raises(ValueError, match="not a .jsonl or .txt"):
        list(iter_files([tmp_path / "notes.md"]))
    with pytest.raises(FileNotFoundError):
        list(iter_files([tmp_path / "missing.txt"]))


@pytest.mark.parametrize(
    ("content", "reason", "message"),
    [
        (b"Title\n\xff\xfe not UTF-8\n", "invalid_utf8", "not UTF-8"),
        (b"", "empty_payload", "the file is empty"),
        (b"Only a title\n", "missing_field", "no body"),
        (b"Title\nFebruary 30, 2022: Russia accused Ukraine.\n", "invalid_date", "'February 30, 2022' is not a date"),
    ],
)
def test_a_text_file_that_is_no_article_is_yielded_with_its_reason(
    tmp_path: Path, content: bytes, reason: str, message: str
) -> None:
    (tmp_path / "a-bad.txt").write_bytes(content)
    (tmp_path / "b-good.txt").write_text("Good\nFebruary 3, 2022: Russia accused Ukraine.\n")
    bad, good = read_records([tmp_path])
    assert bad.origin == str(tmp_path / "a-bad.txt") and bad.value == content
    assert bad.rejection is not None and bad.rejection.reason == reason and message in bad.rejection.message
    assert good.rejection is None and good.key == b"b-good"
