"""Labelled training articles are matched by the rule of the real-news gold: within the article, one to one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from schemas import Article
from streams.extraction import Extractor
from streams.extraction.train import fits_label, labelled_counts

DAY = dt.datetime(2005, 1, 1, tzinfo=dt.UTC)
TEXT = "Kenya criticised Uganda on Monday. The Ugandan army later shelled a Kenyan border village."


def _label(kind: str, source: str, target: str, optional: bool) -> dict[str, Any]:
    return {"type": kind, "source": {"country": source}, "target": {"country": target}, "optional": optional}


def _record(*labels: dict[str, Any]) -> dict[str, Any]:
    second = TEXT.index("The Ugandan")
    return {"sentences": {"1": {"span": [second, len(TEXT)], "events": list(labels)}}}


def test_an_event_fits_a_label_of_another_sentence_of_its_article() -> None:
    events = Extractor().extract(Article(id="t", body=TEXT, published_at=DAY), DAY).events
    accuse = next(e for e in events if e.plover_type == "ACCUSE")
    assault = next(e for e in events if e.plover_type == "ASSAULT")
    record = _record(_label("ACCUSE", "KEN", "UGA", optional=False))
    assert fits_label(record, accuse) and not fits_label(record, assault)
    assert labelled_counts(record, [accuse, assault]) == (1, 1, 1)
    assert labelled_counts(record, [accuse, accuse]) == (1, 1, 1)  # each label is matched once
    with_optional = _record(_label("ACCUSE", "KEN", "UGA", optional=False), _label("ASSAULT", "UGA", "KEN", True))
    assert labelled_counts(with_optional, [accuse, assault]) == (1, 0, 1)
