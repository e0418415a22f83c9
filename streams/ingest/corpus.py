"""CSV corpora (e.g. BBC news: ``text,category``) as Articles: title the first sentence, id from the content."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from schemas import Article
from streams.ingest.articles import make_article
from streams.ingest.hygiene import clean_text
from streams.ingest.ids import article_id

__all__ = ["csv_articles", "first_sentence"]

# A sentence ends at . ! or ? (closing quotes allowed) followed by space and a capital, digit or quote.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?=\s+[\"'“‘(]?[A-Z0-9])")
_MAX_TITLE = 200


def first_sentence(text: str) -> str:
    """The first line's first sentence, cut at a word boundary after 200 characters."""
    line = text.strip().split("\n", 1)[0]
    end = _SENTENCE_END.search(line)
    sentence = line[: end.end()] if end else line
    if len(sentence) <= _MAX_TITLE:
        return sentence
    return sentence[:_MAX_TITLE].rsplit(" ", 1)[0] + "…"


def csv_articles(path: Path, text_column: str = "text", *, source: str | None = None) -> Iterator[Article | str]:
    """One Article per row, or a message for a row without text.

    The id is ``<file name>:<hash of the cleaned text>``: stable when rows move, equal for duplicate rows.
    """
    with path.open(newline="", encoding="utf-8-sig") as lines:
        reader = csv.DictReader(lines)
        if text_column not in (reader.fieldnames or []):
            message = f"{path}: no column {text_column!r} (columns: {', '.join(reader.fieldnames or [])})"
            raise ValueError(message)
        for number, row in enumerate(reader, start=1):
            text = clean_text(row[text_column] or "")
            if not text:
                yield f"{path.name} row {number}: empty {text_column!r}"
                continue
            yield make_article(
                id=article_id(path.name, text), body=text, title=first_sentence(text), source=source or path.stem
            )
