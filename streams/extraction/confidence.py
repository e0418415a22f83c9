"""Event confidence: a logistic model over the evidence for a coded event, fitted on the labelled training articles
and the one-sentence gold.

``lexicons/confidence.json`` holds the coefficients and the emission threshold, written by
``python -m streams.evaluation.calibrate`` (docs/coder.md). A text's events at or above ``min_confidence`` are
emitted; a lone sentence's most confident event also when at or above ``min_confidence_best``: a sentence sent
on its own is sent because it reports something, and its likeliest event is the best guess of what. In an
article a weak top event is more often noise (a background clause, a figure of speech) than the story.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path

import numpy as np

from streams.extraction.events import ParseSignals
from streams.extraction.lexicons import strict_json

__all__ = ["CONFIDENCE_FILE", "ConfidenceModel", "Evidence", "Placement"]

CONFIDENCE_FILE = Path(str(resources.files("streams.extraction").joinpath("lexicons").joinpath("confidence.json")))


@dataclass(frozen=True)
class Placement:
    """Where a coded event sits in its article."""

    lead: bool  # in the first sentence (the headline, when the text opens with one)
    quoted: bool  # the trigger is inside a quotation
    past: bool  # dated more than a month before publication (background)
    modifier: bool  # the trigger only modifies a noun ("raped women", "projects targeted by ...")
    foreign_target: bool  # the target's country differs from the source's
    public_density: float  # the article's mentions of public actors per sentence, at most 1 (political news)

    def vector(self) -> tuple[float, ...]:
        return tuple(float(getattr(self, f.name)) for f in fields(self))


_FEATURES = (
    *(f.name for f in fields(ParseSignals)),
    *(f.name for f in fields(Placement)),
    "source_political",
    "trigger_logit",
)
_CLIP = 8.0


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return max(-_CLIP, min(_CLIP, math.log(p / (1 - p))))


@dataclass(frozen=True)
class Evidence:
    """What supports one coded event."""

    trigger_id: str  # prior_key: the lexicon entry that matched (or a rule's id) and the type it was coded as
    signals: ParseSignals  # how the parse found the trigger and its actors
    placement: Placement  # where the event sits in its article
    source_political: bool  # the source is a state, a grouping or a political sector (not a firm, a citizen)
    trigger_prior: float  # how often this trigger's candidates were real events in the training data

    def vector(self) -> tuple[float, ...]:
        return (
            *self.signals.vector(),
            *self.placement.vector(),
            float(self.source_political),
            _logit(self.trigger_prior),
        )


@dataclass(frozen=True)
class ConfidenceModel:
    intercept: float
    weights: tuple[float, ...]  # one per feature of Evidence.vector, in _FEATURES order
    min_confidence: float
    min_confidence_best: float

    def emits(self, confidence: float, best: float | None) -> bool:
        """Whether an event of this confidence is emitted, in a lone sentence whose most confident event has ``best``
        (None in an article)."""
        if confidence >= self.min_confidence:
            return True
        return best is not None and confidence >= best and confidence >= self.min_confidence_best

    def __call__(self, evidence: Evidence) -> float:
        z = self.intercept + sum(w * x for w, x in zip(self.weights, evidence.vector(), strict=True))
        return 1.0 / (1.0 + math.exp(-z))

    @classmethod
    def load(cls, path: Path = CONFIDENCE_FILE) -> ConfidenceModel:
        raw = strict_json(path.read_text(encoding="utf-8"))
        weights = tuple(float(raw["weights"][f]) for f in _FEATURES)
        return cls(float(raw["intercept"]), weights, float(raw["min_confidence"]), float(raw["min_confidence_best"]))

    def dump(self, path: Path, note: str) -> None:
        data = {
            "note": note,
            "intercept": round(self.intercept, 4),
            "weights": {f: round(w, 4) for f, w in zip(_FEATURES, self.weights, strict=True)},
            "min_confidence": self.min_confidence,
            "min_confidence_best": self.min_confidence_best,
        }
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def fit(cls, samples: Sequence[tuple[Evidence, bool]], l2: float = 1.0, steps: int = 200) -> ConfidenceModel:
        """Logistic regression by Newton's method with an L2 penalty on the weights (not the intercept); the
        thresholds are left at 0 (every event emitted) for the caller to choose."""
        x = np.array([(1.0, *e.vector()) for e, _ in samples])
        y = np.array([1.0 if ok else 0.0 for _, ok in samples])
        penalty = np.diag([0.0] + [l2] * len(_FEATURES))
        beta = np.zeros(x.shape[1])
        for _ in range(steps):
            p = 1.0 / (1.0 + np.exp(-x @ beta))
            grad = x.T @ (p - y) + penalty @ beta
            hess = (x.T * (p * (1 - p))) @ x + penalty
            step = np.linalg.solve(hess, grad)
            beta -= step
            if np.abs(step).max() < 1e-8:
                break
        return cls(float(beta[0]), tuple(float(b) for b in beta[1:]), 0.0, 0.0)
