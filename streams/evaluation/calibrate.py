"""Fit the event confidence model and pick its emission thresholds.

    python -m streams.evaluation.calibrate --articles DIR --sentences GSR.jsonl

Samples: every event coded in the labelled training articles (streams/extraction/training, rows of
DIR/train.csv), right when it fits a label of its article on type, source country and target country (the rule
of the real-news gold), its trigger prior fitted without its own fold; and every event coded from the
one-sentence gold, right when of the gold type and a gold source country (each sentence reports one event, so
the others count as wrong).

Thresholds: the strictest pair (every event, an article's most confident event) in 0.00, 0.05 … 0.80 whose event
F1 on the labelled articles, each article scored by a model fitted without its fold, is within 0.005 of the best,
among the pairs that cost no one-sentence strict type accuracy. The real-news gold (dev and test) is not read:
both splits measure the result. Writes streams/extraction/lexicons/confidence.json.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from schemas import Event
from streams.evaluation.gsr import GoldRecord, load_gold, score, sentence_articles
from streams.extraction import Extractor
from streams.extraction.confidence import CONFIDENCE_FILE, ConfidenceModel, Evidence
from streams.extraction.extractor import emitted
from streams.extraction.train import (
    FOLDS,
    fits_label,
    held_out_candidates,
    labelled_counts,
    load_labelled_articles,
    load_synthetic,
)

__all__ = ["main"]

_THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(17))
#: How much one-sentence strict type accuracy the thresholds may cost: none.
_SENTENCE_SLACK = 0.0
#: Held-out F1 differences below this are noise (one event in 300 articles moves it by about 0.001): among the
#: threshold pairs this close to the best, the strictest is taken, as users would rather miss an event than read a
#: false one.
_F1_TOLERANCE = 0.005
#: L2 penalty of the logistic fit.
_L2 = 3.0

Coded = list[tuple[Event, Evidence]]


def _scored(cands: Coded, model: ConfidenceModel) -> list[Event]:
    return [e.model_copy(update={"confidence": model(ev)}) for e, ev in cands]


def _sentence_accuracy(gold: list[GoldRecord], found: list[Coded], model: ConfidenceModel) -> float:
    return score(gold, [emitted(_scored(c, model), model, lone=True) for c in found], seconds=1.0).type_accuracy


def _sentence_samples(gold: list[GoldRecord], found: list[Coded]) -> list[tuple[Evidence, bool]]:
    """Coded events of the one-sentence gold: right when of the gold type and a gold source country."""
    return [
        (ev, e.plover_type == rec.type and e.source is not None and e.source.country in rec.sources)
        for rec, cands in zip(gold, found, strict=True)
        for e, ev in cands
    ]


def _labelled_samples(
    records: list[dict[str, Any]], coded: list[Coded], fold: int | None
) -> list[tuple[Evidence, bool]]:
    """Samples of the labelled articles outside ``fold`` (all when None)."""
    return [
        (ev, fits_label(rec, e))
        for i, (rec, cands) in enumerate(zip(records, coded, strict=True))
        if fold is None or i % FOLDS != fold
        for e, ev in cands
    ]


def _held_out_f1(records: list[dict[str, Any]], scored: list[list[Event]], thresholds: ConfidenceModel) -> float:
    right = wrong = required = 0
    for rec, events in zip(records, scored, strict=True):
        r, w, q = labelled_counts(rec, emitted(events, thresholds, lone=False))
        right, wrong, required = right + r, wrong + w, required + q
    return 2 * right / (2 * right + wrong + (required - right)) if right else 0.0


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fit the event confidence model and choose its thresholds.")
    parser.add_argument("--articles", type=Path, required=True, help="folder of the corpus CSV files (train.csv)")
    parser.add_argument("--sentences", type=Path, required=True, help="one-sentence gold (PLOVER GSR format)")
    parser.add_argument("--out", type=Path, default=CONFIDENCE_FILE)
    args = parser.parse_args(argv)
    extractor = Extractor()
    sentences = load_gold(args.sentences)
    sentence_found = extractor.candidates(*sentence_articles(sentences))
    sentence_samples = _sentence_samples(sentences, sentence_found)
    labelled = load_labelled_articles(args.articles)
    records = [rec for rec, _ in labelled]
    coded = held_out_candidates(extractor, labelled, load_synthetic())

    # Each labelled article scored by a model fitted without its fold.
    held_out: list[list[Event]] = [[] for _ in records]
    for fold in range(FOLDS):
        model = ConfidenceModel.fit(_labelled_samples(records, coded, fold) + sentence_samples, l2=_L2)
        for i in range(fold, len(records), FOLDS):
            held_out[i] = _scored(coded[i], model)

    samples = _labelled_samples(records, coded, None) + sentence_samples
    fitted = ConfidenceModel.fit(samples, l2=_L2)
    floor = _sentence_accuracy(sentences, sentence_found, fitted) - _SENTENCE_SLACK
    pairs = [
        replace(fitted, min_confidence=every, min_confidence_best=best)
        for every, best in itertools.product(_THRESHOLDS, repeat=2)
        if best <= every
    ]
    allowed = [m for m in pairs if _sentence_accuracy(sentences, sentence_found, m) >= floor]
    scored = [(_held_out_f1(records, held_out, m), m) for m in allowed]
    best = max(f1 for f1, _ in scored)
    chosen_f1, model = max(
        ((f1, m) for f1, m in scored if f1 >= best - _F1_TOLERANCE),
        key=lambda pair: (pair[1].min_confidence, pair[1].min_confidence_best),
    )
    positives = sum(ok for _, ok in samples)
    note = (
        f"fitted on {len(samples)} coded events ({len(samples) - len(sentence_samples)} of {len(records)} labelled "
        f"training articles, the rest of the one-sentence gold), {positives} right; thresholds: the strictest within "
        f"{_F1_TOLERANCE} of the best held-out F1 on the labelled articles ({chosen_f1:.3f}; best {best:.3f})"
    )
    model.dump(args.out, note)
    print(f"{note}; thresholds {model.min_confidence} / {model.min_confidence_best}; written to {args.out}")


if __name__ == "__main__":
    main()
