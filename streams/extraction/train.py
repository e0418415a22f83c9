"""Fit the trigger priors from the labelled sentences in ``streams/extraction/training``:

    python -m streams.extraction.train --articles DIR

The coder runs over the BBC training articles (``bbc-sentences.jsonl``: row references into DIR/train.csv and
the events of each sentence, no text kept) and over the written sentences of ``synthetic-sentences.jsonl``
(world news of every PLOVER type, and non-events); each trigger's candidates are checked against the labelled
types of their sentence. Writes ``lexicons/trigger_priors.json``. Then refit the confidence model on the dev
sets: ``python -m streams.evaluation.calibrate``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from schemas import Article
from streams.evaluation.articles import DEFAULT_PUBLISHED, read_rows
from streams.extraction.extractor import Extractor
from streams.extraction.trigger_priors import PRIORS_FILE, TriggerPriors

__all__ = ["load_labelled_articles", "load_synthetic", "main"]

_TRAINING = Path(str(resources.files("streams.extraction").joinpath("training")))
_LABELS = _TRAINING / "bbc-sentences.jsonl"
_SYNTHETIC = _TRAINING / "synthetic-sentences.jsonl"


def load_labelled_articles(corpus: Path, labels: Path = _LABELS) -> list[tuple[dict[str, Any], str]]:
    """(label record, article text) for every labelled article; ValueError when the corpus text differs."""
    records = [orjson.loads(line) for line in labels.read_bytes().splitlines() if line.strip()]
    texts = read_rows(corpus, ((r["file"], r["row"], r["sha256"]) for r in records))
    return [(rec, texts[(rec["file"], rec["row"])]) for rec in records]


def load_synthetic(path: Path = _SYNTHETIC) -> list[tuple[str, set[str]]]:
    """(sentence, its PLOVER types) of the written sentences: {"text", "types"} a line."""
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    return [(r["text"], set(r["types"])) for r in rows]


def fit_priors(articles: list[tuple[dict[str, Any], str]], synthetic: list[tuple[str, set[str]]]) -> TriggerPriors:
    """Each candidate of the coder is right when its sentence is labelled with its type (optional events count);
    a written sentence is coded as a one-sentence article."""
    texts = [t for _, t in articles] + [text for text, _ in synthetic]
    labels: list[list[set[str]]] = [
        [{e["type"] for e in rec["sentences"].get(str(i), [])} for i in range(rec["sentences_total"])]
        for rec, _ in articles
    ] + [[types] for _, types in synthetic]
    docs = [Article(id=str(i), body=t, published_at=DEFAULT_PUBLISHED) for i, t in enumerate(texts)]
    outcomes = []
    for sentence_types, cands in zip(labels, Extractor().candidates(docs, DEFAULT_PUBLISHED), strict=True):
        for event, evidence in cands:
            labelled = sentence_types[event.sentence_index] if event.sentence_index < len(sentence_types) else set()
            outcomes.append((evidence.trigger_id, event.plover_type in labelled))
    return TriggerPriors.fit(outcomes)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fit the trigger priors from the labelled training sentences.")
    parser.add_argument("--articles", type=Path, required=True, help="folder of the corpus CSV files (train.csv)")
    args = parser.parse_args(argv)
    articles = load_labelled_articles(args.articles)
    synthetic = load_synthetic()
    priors = fit_priors(articles, synthetic)
    note = (
        f"fitted on {len(articles)} labelled training articles and {len(synthetic)} written sentences: "
        f"{len(priors.by_trigger)} triggers seen"
    )
    priors.dump(PRIORS_FILE, note)
    print(f"{note}; overall rate {priors.default}; written to {PRIORS_FILE}")


if __name__ == "__main__":
    main()
