"""The benchmark's articles: a CSV corpus (BBC news: ``text,category``) or the repo's seeds, repeated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path

from schemas import Article
from streams.decode import DecodeLimits, decode_article
from streams.ingest.corpus import csv_articles
from streams.sources import read_records

__all__ = ["SEEDS", "csv_corpus", "load_articles", "seed_articles"]

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def csv_corpus(path: Path) -> Iterator[Article]:
    """Articles of a CSV corpus as ``newsevents feed --csv`` publishes them; rows repeating a text are dropped."""
    seen: set[str] = set()
    for item in csv_articles(path):
        if isinstance(item, Article) and item.id not in seen:
            seen.add(item.id)
            yield item


def seed_articles(folder: Path = SEEDS) -> Iterator[Article]:
    """The valid seed articles repeated without end; copy ``n`` of article ``x`` has id ``x~n``.

    The seeds' deliberately broken records are left out.
    """
    now = dt.datetime.now(dt.UTC)
    decoded = (decode_article(record.value, DecodeLimits(), now) for record in read_records([folder]))
    originals = [article for article in decoded if isinstance(article, Article)]
    if not originals:
        message = f"{folder}: no articles"
        raise ValueError(message)
    copy = 0
    while True:
        for article in originals:
            yield article.model_copy(update={"id": f"{article.id}~{copy}"})
        copy += 1


def load_articles(path: Path | None, limit: int, languages: Sequence[str] = ("en",)) -> list[Article]:
    """The first ``limit`` articles of the CSV at ``path`` (the seeds repeated when None) in ``languages``.

    Articles the worker would skip for their language are left out, so every phase codes the same texts.
    """
    articles = csv_corpus(path) if path is not None else seed_articles()
    coded = (a for a in articles if a.language is None or a.language.lower() in languages)
    return list(islice(coded, limit))
