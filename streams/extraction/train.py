"""Fit the trigger priors from the labelled sentences in ``streams/extraction/training``:

    python -m streams.extraction.train --articles DIR

The coder runs over the BBC training articles (``bbc-sentences.jsonl``: row references into DIR/train.csv and
the events of each sentence, no text kept) and over the written sentences of ``synthetic-sentences.jsonl``
(world news of every PLOVER type, and non-events); each trigger's candidates are checked against the labelled
types of their sentence. Writes ``lexicons/trigger_priors.json``. Then refit the confidence model on the same
articles (with priors held out by fold) and the one-sentence gold: ``python -m streams.evaluation.calibrate``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from schemas import Article, Event
from streams.evaluation.articles import DEFAULT_PUBLISHED, GoldEvent, match_article, read_rows
from streams.extraction.confidence import Evidence
from streams.extraction.extractor import Extractor
from streams.extraction.trigger_priors import PRIORS_FILE, TriggerPriors

__all__ = [
    "FOLDS",
    "fit_priors",
    "fits_label",
    "held_out_candidates",
    "labelled_counts",
    "load_labelled_articles",
    "load_synthetic",
    "main",
]

_TRAINING = Path(str(resources.files("streams.extraction").joinpath("training")))
_LABELS = _TRAINING / "bbc-sentences.jsonl"
_SYNTHETIC = _TRAINING / "synthetic-sentences.jsonl"
#: Folds of the labelled articles: article i is in fold i % FOLDS (held-out priors and thresholds).
FOLDS = 5


def load_labelled_articles(corpus: Path, labels: Path = _LABELS) -> list[tuple[dict[str, Any], str]]:
    """(label record, article text) for every labelled article; ValueError when the corpus text differs."""
    records = [orjson.loads(line) for line in labels.read_bytes().splitlines() if line.strip()]
    texts = read_rows(corpus, ((r["file"], r["row"], r["sha256"]) for r in records))
    return [(rec, texts[(rec["file"], rec["row"])]) for rec in records]


def load_synthetic(path: Path = _SYNTHETIC) -> list[tuple[str, set[str]]]:
    """(sentence, its PLOVER types) of the written sentences: {"text", "types"} a line."""
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    return [(r["text"], set(r["types"])) for r in rows]


def _labelled_sentence(record: dict[str, Any], event: Event) -> tuple[str | None, list[dict[str, Any]]]:
    """The labelled sentence holding the event's trigger (labels carry their sentence's character span, so they
    do not depend on how the parser splits the text): its key and its events; (None, []) when unlabelled."""
    for key, sentence in record["sentences"].items():
        start, end = sentence["span"]
        if start <= event.trigger.start < end:
            return key, sentence["events"]
    return None, []


def _type_outcomes(record: dict[str, Any], candidates: list[tuple[Event, Evidence]]) -> list[tuple[str, bool]]:
    """(prior key, right) of each candidate: right when its sentence is labelled with its type (optional too)."""
    return [
        (evidence.trigger_id, event.plover_type in {e["type"] for e in _labelled_sentence(record, event)[1]})
        for event, evidence in candidates
    ]


def _as_gold(record: dict[str, Any]) -> list[GoldEvent]:
    """An article's labels as real-news gold events (the trigger stands for the snippet), so that they are
    matched by the rule of ``newsevents eval``."""
    events = []
    for sentence in record["sentences"].values():
        for label in sentence["events"]:
            target = (label.get("target") or {}).get("country")
            source = (label["source"] or {}).get("country")
            snippet = label.get("trigger") or ""
            events.append(GoldEvent(snippet, label["type"], source, target, target is not None, label["optional"]))
    return events


def fits_label(record: dict[str, Any], event: Event) -> bool:
    """The event fits a label of its article on type, source country and target country (as the real-news gold
    is scored: the headline and the lead may both report the labelled act)."""
    found = match_article(_as_gold(record), [event])
    return bool(found.hits or found.ignored)


def labelled_counts(record: dict[str, Any], events: list[Event]) -> tuple[int, int, int]:
    """(right, wrong, required labels) of an article's emitted events, matched one-to-one by the rule of the
    real-news gold: an event fitting only optional labels counts neither way."""
    found = match_article(_as_gold(record), events)
    return len(found.hits), len(found.false), len(found.hits) + len(found.misses)


def _coded(extractor: Extractor, texts: list[str]) -> list[list[tuple[Event, Evidence]]]:
    docs = [Article(id=str(i), body=t, published_at=DEFAULT_PUBLISHED) for i, t in enumerate(texts)]
    return extractor.candidates(docs, DEFAULT_PUBLISHED)


def _synthetic_outcomes(extractor: Extractor, synthetic: list[tuple[str, set[str]]]) -> list[tuple[str, bool]]:
    """A written sentence is coded as a one-sentence article; a candidate is right when of one of its types."""
    coded = _coded(extractor, [text for text, _ in synthetic])
    return [
        (ev.trigger_id, e.plover_type in types)
        for (_, types), cands in zip(synthetic, coded, strict=True)
        for e, ev in cands
    ]


def fit_priors(
    extractor: Extractor, articles: list[tuple[dict[str, Any], str]], synthetic: list[tuple[str, set[str]]]
) -> TriggerPriors:
    coded = _coded(extractor, [text for _, text in articles])
    outcomes = [o for (rec, _), cands in zip(articles, coded, strict=True) for o in _type_outcomes(rec, cands)]
    return TriggerPriors.fit(outcomes + _synthetic_outcomes(extractor, synthetic))


def held_out_candidates(
    extractor: Extractor, articles: list[tuple[dict[str, Any], str]], synthetic: list[tuple[str, set[str]]]
) -> list[list[tuple[Event, Evidence]]]:
    """Every candidate of each labelled article, with a trigger prior fitted without the article's fold (the
    other folds, plus all written sentences), as on unseen news."""
    coded = _coded(extractor, [text for _, text in articles])
    written = _synthetic_outcomes(extractor, synthetic)
    held_out: list[list[tuple[Event, Evidence]]] = [[] for _ in articles]
    for fold in range(FOLDS):
        rest = [
            o
            for i, ((rec, _), cands) in enumerate(zip(articles, coded, strict=True))
            if i % FOLDS != fold
            for o in _type_outcomes(rec, cands)
        ]
        priors = TriggerPriors.fit(rest + written)
        for i in range(fold, len(articles), FOLDS):
            held_out[i] = [(e, replace(ev, trigger_prior=priors(ev.trigger_id))) for e, ev in coded[i]]
    return held_out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fit the trigger priors from the labelled training sentences.")
    parser.add_argument("--articles", type=Path, required=True, help="folder of the corpus CSV files (train.csv)")
    args = parser.parse_args(argv)
    articles = load_labelled_articles(args.articles)
    synthetic = load_synthetic()
    priors = fit_priors(Extractor(), articles, synthetic)
    note = (
        f"fitted on {len(articles)} labelled training articles and {len(synthetic)} written sentences: "
        f"{len(priors.by_trigger)} (trigger, type) pairs seen"
    )
    priors.dump(PRIORS_FILE, note)
    print(f"{note}; overall rate {priors.default}; written to {PRIORS_FILE}")


if __name__ == "__main__":
    main()
