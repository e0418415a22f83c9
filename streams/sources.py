"""Reading articles from files: JSONL (one article a line), ``.txt`` (first line title), or folders of them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from schemas import Article

__all__ = ["SourceRecord", "iter_files", "read_records", "text_file_article"]

SUFFIXES = (".jsonl", ".txt")
# A dateline opening a body, e.g. "February 3, 2022:" or "2022-02-03 -".
_DATELINE = re.compile(
    r"^\s*(?P<date>(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+\d{1,2},\s+\d{4}|\d{4}-\d{2}-\d{2})\b"
)


@dataclass(frozen=True)
class SourceRecord:
    """One raw article record and where it came from (``file:line``)."""

    origin: str
    key: bytes | None
    value: bytes


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Expand folders into their ``.jsonl``/``.txt`` files (sorted); reject anything else."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        elif path.suffix in SUFFIXES and path.is_file():
            yield path
        elif not path.exists():
            message = f"{path}: no such file or folder"
            raise FileNotFoundError(message)
        else:
            message = f"{path}: not a .jsonl or .txt file"
            raise ValueError(message)


def text_file_article(path: Path) -> Article:
    """Read a ``.txt`` article: first line the title, the rest the body; id is the file stem.

    A dateline opening the body ("February 3, 2022: ...") becomes ``published_at`` (midnight UTC).
    """
    title, _, rest = path.read_text(encoding="utf-8").partition("\n")
    body = rest.strip()
    published_at = None
    match = _DATELINE.match(body)
    if match:
        raw = match.group("date")
        parsed = (
            dt.date.fromisoformat(raw)
            if raw[0].isdigit()
            else dt.datetime.strptime(raw + " +0000", "%B %d, %Y %z").date()
        )
        published_at = dt.datetime.combine(parsed, dt.time(), tzinfo=dt.UTC)
    return Article(id=path.stem, title=title.strip() or None, body=body, published_at=published_at)


def read_records(paths: Iterable[Path]) -> Iterator[SourceRecord]:
    """Yield raw records from files, unvalidated: bad JSONL lines are passed on for the worker to reject.

    The key is the article id when a line carries one, so all records of an article share a partition.
    """
    for path in iter_files(paths):
        if path.suffix == ".txt":
            article = text_file_article(path)
            yield SourceRecord(str(path), article.id.encode(), article.model_dump_json(exclude_none=True).encode())
            continue
        with path.open("rb") as lines:
            for number, line in enumerate(lines, start=1):
                value = line.rstrip(b"\r\n")
                if value.strip():
                    yield SourceRecord(f"{path}:{number}", _key_of(value), value)


def _key_of(value: bytes) -> bytes | None:
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    article_id = data.get("id") if isinstance(data, dict) else None
    return article_id.encode() if isinstance(article_id, str) and article_id else None
