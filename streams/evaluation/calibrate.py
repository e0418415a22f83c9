"""Fit the event confidence model on the two dev sets and pick the emission threshold.

    python -m streams.evaluation.calibrate tests/gold/bbc-events.jsonl --articles DIR --sentences GSR.jsonl

Samples: every event coded in the dev split of the real-news gold, right when it fits a gold event of its
article (type, source country, target country, as in the scorer; optional gold included); and every event coded
from the one-sentence gold, right when of the gold type and a gold source country (each sentence reports one
event, so the others count as wrong). The threshold is the one in 0.00, 0.05 … 0.60 with the best real-news dev
event F1 among those that cost no one-sentence strict type accuracy (ties: the lower). Writes
streams/extraction/lexicons/confidence.json; the test split is not read.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from schemas import Event
from streams.evaluation.articles import (
    DEFAULT_PUBLISHED,
    articles_for,
    fits_any,
    load_article_gold,
    read_texts,
    score_articles,
)
from streams.evaluation.gsr import GoldRecord, load_gold, score, sentence_articles
from streams.extraction import Extractor
from streams.extraction.confidence import CONFIDENCE_FILE, ConfidenceModel, Evidence
from streams.extraction.extractor import merge_repeated

__all__ = ["main"]

_SPLIT = "dev"
_THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(13))
#: How much one-sentence strict type accuracy the threshold may cost: none.
_SENTENCE_SLACK = 0.0
#: L2 penalty of the logistic fit; 3 gave the best one-sentence strict accuracy among 0.1, 1, 3, 10, 30.
_L2 = 3.0


def _emitted(found: list[tuple[Event, Evidence]], model: ConfidenceModel, threshold: float) -> list[Event]:
    scored = [e.model_copy(update={"confidence": model(ev)}) for e, ev in found]
    return merge_repeated([e for e in scored if e.confidence >= threshold])


def _sentence_accuracy(gold: list[GoldRecord], found: list[list[tuple[Event, Evidence]]], model: ConfidenceModel,
                       threshold: float) -> float:  # fmt: skip
    return score(gold, [_emitted(c, model, threshold) for c in found], seconds=1.0).type_accuracy


def _sentence_samples(gold: list[GoldRecord], found: list[list[tuple[Event, Evidence]]]) -> list[tuple[Evidence, bool]]:
    """Coded events of the one-sentence gold: right when of the gold type and a gold source country."""
    return [
        (ev, e.plover_type == rec.type and e.source is not None and e.source.country in rec.sources)
        for rec, cands in zip(gold, found, strict=True)
        for e, ev in cands
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fit the event confidence model on the dev sets.")
    parser.add_argument("gold", type=Path, help="article gold (its dev split is used)")
    parser.add_argument("--articles", type=Path, required=True, help="folder of the corpus CSV files")
    parser.add_argument("--sentences", type=Path, required=True, help="one-sentence gold (PLOVER GSR format)")
    parser.add_argument("--out", type=Path, default=CONFIDENCE_FILE)
    args = parser.parse_args(argv)
    extractor = Extractor()
    gold = [g for g in load_article_gold(args.gold) if g.split == _SPLIT]
    texts = read_texts(gold, args.articles)
    found = extractor.candidates(articles_for(gold, texts, DEFAULT_PUBLISHED), DEFAULT_PUBLISHED)
    sentences = load_gold(args.sentences)
    sentence_found = extractor.candidates(*sentence_articles(sentences))
    samples = [(ev, fits_any(g.events, e)) for g, cands in zip(gold, found, strict=True) for e, ev in cands]
    samples += _sentence_samples(sentences, sentence_found)
    model = ConfidenceModel.fit(samples, min_confidence=0.0, l2=_L2)
    floor = _sentence_accuracy(sentences, sentence_found, model, 0.0) - _SENTENCE_SLACK
    allowed = [th for th in _THRESHOLDS if _sentence_accuracy(sentences, sentence_found, model, th) >= floor]
    best = max(
        allowed,
        key=lambda th: (
            score_articles(gold, [_emitted(c, model, th) for c in found]).splits[_SPLIT]["events"]["f1"],
            -th,
        ),
    )
    model = ConfidenceModel(model.intercept, model.weights, best)
    positives = sum(ok for _, ok in samples)
    note = (
        f"fitted on {len(samples)} coded events of the real-news dev split and the one-sentence gold, {positives} right"
    )
    model.dump(args.out, note)
    print(f"{note}; threshold {best}; written to {args.out}")


if __name__ == "__main__":
    main()
