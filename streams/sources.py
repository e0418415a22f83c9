"""Reading articles from files: JSONL (one article a line), ``.txt`` (first line title), or folders of them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from schemas import Article
from streams.decode import Rejection
from streams.exceptions import InputError

__all__ = ["SourceRecord", "iter_files", "read_records", "text_file_article"]

SUFFIXES = (".jsonl", ".txt")
# A dateline opening a body, e.g. "February 3, 2022:" or "2022-02-03 -".
_DATELINE = re.compile(
    r"^\s*(?P<date>(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+\d{1,2},\s+\d{4}|\d{4}-\d{2}-\d{2})\b"
)


@dataclass(frozen=True)
class SourceRecord:
    """One raw article record and where it came from (``file:line``, or the file).

    ``rejection`` is set when the file itself could not be read as an article; ``value`` is then its bytes.
    """

    origin: str
    key: bytes | None
    value: bytes
    rejection: Rejection | None = None


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
    Raises :class:`InputError` for a file that is not UTF-8, has no body, or whose dateline is no date.
    """
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 text: {exc}"
        raise InputError(message, stage="decode", reason="invalid_utf8") from exc
    if not text.strip():
        message = "the file is empty"
        raise InputError(message, stage="decode", reason="empty_payload")
    title, _, rest = text.partition("\n")
    body = rest.strip()
    if not body:
        message = "no body: the first line is the title, the article text follows it"
        raise InputError(message, stage="validate", reason="missing_field")
    return Article(id=path.stem, title=title.strip() or None, body=body, published_at=_dateline(body))


def _dateline(body: str) -> dt.datetime | None:
    match = _DATELINE.match(body)
    if not match:
        return None
    raw = match.group("date")
    try:
        parsed = (
            dt.date.fromisoformat(raw)
            if raw[0].isdigit()
            else dt.datetime.strptime(raw + " +0000", "%B %d, %Y %z").date()
        )
    except ValueError as exc:
        message = f"the dateline {raw!r} is not a date ({exc})"
        raise InputError(message, stage="validate", reason="invalid_date") from exc
    return dt.datetime.combine(parsed, dt.time(), tzinfo=dt.UTC)


def read_records(paths: Iterable[Path]) -> Iterator[SourceRecord]:
    """Yield raw records from files, unvalidated: bad JSONL lines are passed on for the worker to reject.

    The key is the article id when a line carries one, so all records of an article share a partition.
    A ``.txt`` file that is no article, or a file that cannot be read, is yielded with its ``rejection``.
    """
    for path in iter_files(paths):
        try:
            yield from _text_file_records(path) if path.suffix == ".txt" else _jsonl_records(path)
        except OSError as exc:
            yield SourceRecord(str(path), None, b"", Rejection("decode", "unreadable_file", f"cannot read: {exc}"))


def _text_file_records(path: Path) -> Iterator[SourceRecord]:
    try:
        article = text_file_article(path)
    except InputError as exc:
        rejection = Rejection(exc.stage, exc.reason, str(exc))  # type: ignore[arg-type]
        yield SourceRecord(str(path), None, path.read_bytes(), rejection)
        return
    yield SourceRecord(str(path), article.id.encode(), article.model_dump_json(exclude_none=True).encode())


def _jsonl_records(path: Path) -> Iterator[SourceRecord]:
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
