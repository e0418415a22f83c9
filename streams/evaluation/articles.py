"""Score the event coder on whole real-news articles (``tests/gold/bbc-events.jsonl``; rules in docs/coder.md).

The gold file holds CSV row references and annotations only; the texts are read from the corpus folder given
at run time and checked against each record's SHA-256 prefix.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from schemas import PLOVER_TYPES, Article, Event
from streams.extraction import Extractor

__all__ = [
    "NONPOLITICAL_CATEGORIES",
    "ArticleGold",
    "ArticleReport",
    "GoldEvent",
    "Match",
    "articles_for",
    "evaluate_articles",
    "load_article_gold",
    "match_article",
    "read_rows",
    "read_texts",
    "score_articles",
]

#: Categories whose articles should yield (almost) no events: their predictions are counted per article.
NONPOLITICAL_CATEGORIES = frozenset({"sport", "tech", "entertainment"})
#: The corpus is BBC news of 2004-05: leaders' terms are resolved at this date (also the fixed extraction time).
DEFAULT_PUBLISHED = dt.datetime(2005, 1, 1, tzinfo=dt.UTC)
_SPLITS = ("dev", "test")


@dataclass(frozen=True)
class GoldEvent:
    snippet: str
    type: str
    source: str | None  # country code of the source actor
    target: str | None
    has_target: bool
    optional: bool


@dataclass(frozen=True)
class ArticleGold:
    file: str
    row: int
    sha256: str
    category: str
    split: str
    events: tuple[GoldEvent, ...]

    @property
    def id(self) -> str:
        return f"{self.file}:{self.row}"


@dataclass(frozen=True)
class Match:
    """One article's outcome: hits, misses, false events, and predictions matching optional gold (not counted)."""

    hits: list[tuple[GoldEvent, Event]]
    misses: list[GoldEvent]
    false: list[Event]
    ignored: list[Event]


@dataclass(frozen=True)
class ArticleReport:
    splits: dict[str, dict[str, Any]]

    def summary(self) -> dict[str, Any]:
        return self.splits


def _actor_code(actor: dict[str, Any] | None) -> str | None:
    return actor.get("country") if actor else None


def load_article_gold(path: Path) -> list[ArticleGold]:
    """Read the gold JSONL; raises ValueError naming the line of a malformed record."""
    out = []
    for n, line in enumerate(path.read_bytes().splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = orjson.loads(line)
            events = tuple(
                GoldEvent(
                    snippet=e["snippet"],
                    type=e["type"],
                    source=_actor_code(e["source"]),
                    target=_actor_code(e["target"]),
                    has_target=e["target"] is not None,
                    optional=bool(e.get("optional")),
                )
                for e in r["events"]
            )
            gold = ArticleGold(r["file"], int(r["row"]), r["sha256"], r["category"], r["split"], events)
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            msg = f"{path}:{n}: not an article gold record ({exc})"
            raise ValueError(msg) from exc
        bad_type = next((e.type for e in events if e.type not in PLOVER_TYPES), None)
        if bad_type is not None or gold.split not in _SPLITS:
            msg = f"{path}:{n}: unknown type {bad_type!r} or split {gold.split!r}"
            raise ValueError(msg)
        out.append(gold)
    return out


def read_rows(corpus: Path, refs: Iterable[tuple[str, int, str]]) -> dict[tuple[str, int], str]:
    """The text of every (file, row, sha256 prefix) reference in the corpus folder; ValueError naming the file
    when one is missing or a row's text is not the referenced one."""
    refs = list(refs)
    wanted: dict[str, set[int]] = defaultdict(set)
    for file, row, _ in refs:
        wanted[file].add(row)
    texts: dict[tuple[str, int], str] = {}
    csv.field_size_limit(sys.maxsize)
    for file, rows in wanted.items():
        path = corpus / file
        if not path.is_file():
            msg = f"{path}: no such corpus file (give the folder holding {', '.join(sorted(wanted))})"
            raise ValueError(msg)
        with path.open(encoding="utf-8", newline="") as fh:
            for i, rec in enumerate(csv.DictReader(fh)):
                if i in rows:
                    texts[(file, i)] = rec["text"]
    for file, row, sha in refs:
        text = texts.get((file, row))
        if text is None or hashlib.sha256(text.encode()).hexdigest()[:16] != sha:
            msg = f"{corpus / file}: row {row} is missing or differs from the annotated text"
            raise ValueError(msg)
    return texts


def read_texts(gold: Iterable[ArticleGold], corpus: Path) -> dict[str, str]:
    """The text of every referenced article, by ArticleGold.id."""
    gold = list(gold)
    rows = read_rows(corpus, ((g.file, g.row, g.sha256) for g in gold))
    return {g.id: rows[(g.file, g.row)] for g in gold}


def _fits(g: GoldEvent, e: Event, with_target: bool) -> bool:
    src = e.source.country if e.source else None
    tgt = e.target.country if e.target else None
    return e.plover_type == g.type and src == g.source and (not with_target or not g.has_target or tgt == g.target)


def _max_matching(gold: list[GoldEvent], events: list[Event], with_target: bool) -> dict[int, int]:
    """Maximum one-to-one matching (augmenting paths), gold index -> event index; each gold event tries the
    predictions of its snippet's sentence first."""
    options = [
        sorted(
            (j for j, e in enumerate(events) if _fits(g, e, with_target)),
            key=lambda j: g.snippet not in events[j].sentence,
        )
        for g in gold
    ]
    owner: dict[int, int] = {}  # event index -> gold index

    def augment(i: int, seen: set[int]) -> bool:
        for j in options[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(len(gold)):
        augment(i, set())
    return {i: j for j, i in owner.items()}


def match_article(gold: Iterable[GoldEvent], events: list[Event], with_target: bool = True) -> Match:
    """Maximum one-to-one matching on type, source country and target country (a gold event without a target
    matches any); predictions in the sentence of a gold event's snippet are preferred. Required gold events are
    matched first; unmatched predictions that then fit an optional gold event are ignored; every other unmatched
    prediction, duplicates of a hit included, is a false event."""
    required = [g for g in gold if not g.optional]
    optional = [g for g in gold if g.optional]
    matched = _max_matching(required, events, with_target)
    hits = [(g, events[matched[i]]) for i, g in enumerate(required) if i in matched]
    misses = [g for i, g in enumerate(required) if i not in matched]
    used = set(matched.values())
    free = [e for j, e in enumerate(events) if j not in used]
    ignored = [e for e in free if any(_fits(g, e, with_target) for g in optional)]
    false = [e for e in free if not any(_fits(g, e, with_target) for g in optional)]
    return Match(hits, misses, false, ignored)


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def _counts(matches: Iterable[Match]) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for m in matches:
        tp, fp, fn = tp + len(m.hits), fp + len(m.false), fn + len(m.misses)
    return tp, fp, fn


def score_articles(gold: list[ArticleGold], predicted: list[list[Event]]) -> ArticleReport:
    """Per split: event P/R/F1, type + source only, per category, false events per non-political article."""
    splits: dict[str, dict[str, Any]] = {}
    for split in _SPLITS:
        pairs = [(g, evs) for g, evs in zip(gold, predicted, strict=True) if g.split == split]
        if not pairs:
            continue
        full = [match_article(g.events, evs) for g, evs in pairs]
        loose = [match_article(g.events, evs, with_target=False) for g, evs in pairs]
        by_cat: dict[str, list[Match]] = defaultdict(list)
        for (g, _), m in zip(pairs, full, strict=True):
            by_cat[g.category].append(m)
        quiet = [evs for g, evs in pairs if g.category in NONPOLITICAL_CATEGORIES]
        splits[split] = {
            "articles": len(pairs),
            "gold_events": sum(not e.optional for g, _ in pairs for e in g.events),
            "optional_events": sum(e.optional for g, _ in pairs for e in g.events),
            "predicted_events": sum(len(evs) for _, evs in pairs),
            "events": _prf(*_counts(full)),
            "type_source": _prf(*_counts(loose)),
            "per_category": {cat: _prf(*_counts(ms)) for cat, ms in sorted(by_cat.items())},
            "false_events_per_nonpolitical_article": round(sum(map(len, quiet)) / len(quiet), 3) if quiet else None,
        }
    return ArticleReport(splits)


def articles_for(gold: list[ArticleGold], texts: dict[str, str], published: dt.datetime) -> list[Article]:
    return [Article(id=g.id, body=texts[g.id], published_at=published) for g in gold]


def evaluate_articles(
    gold_path: Path, corpus: Path, extractor: Extractor, published: dt.datetime = DEFAULT_PUBLISHED
) -> tuple[ArticleReport, list[ArticleGold], list[list[Event]]]:
    """Code every referenced article and score it; also returns the gold and predictions for error listings."""
    gold = load_article_gold(gold_path)
    texts = read_texts(gold, corpus)
    results = extractor.extract_many(articles_for(gold, texts, published), DEFAULT_PUBLISHED)
    predicted = [r.events for r in results]
    return score_articles(gold, predicted), gold, predicted
