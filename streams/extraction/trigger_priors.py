"""Trigger priors: how often each lexicon trigger's candidates were real events in the labelled training articles.

``lexicons/trigger_priors.json`` is written by ``python -m streams.extraction.train``; a trigger seen a few times
is pulled towards the overall rate, an unseen one takes it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from streams.extraction.lexicons import strict_json

__all__ = ["PRIORS_FILE", "TriggerPriors"]

PRIORS_FILE = Path(str(resources.files("streams.extraction").joinpath("lexicons").joinpath("trigger_priors.json")))
#: Pseudo-count of the overall rate added to every trigger's own record.
_SMOOTHING = 4.0


@dataclass(frozen=True)
class TriggerPriors:
    default: float
    by_trigger: dict[str, float]

    def __call__(self, trigger_id: str) -> float:
        return self.by_trigger.get(trigger_id, self.default)

    @classmethod
    def fit(cls, outcomes: Iterable[tuple[str, bool]]) -> TriggerPriors:
        seen: Counter[str] = Counter()
        right: Counter[str] = Counter()
        for trigger_id, ok in outcomes:
            seen[trigger_id] += 1
            right[trigger_id] += ok
        total = sum(seen.values())
        default = (sum(right.values()) + 1) / (total + 2)
        priors = {t: (right[t] + _SMOOTHING * default) / (n + _SMOOTHING) for t, n in seen.items()}
        return cls(round(default, 4), {t: round(p, 4) for t, p in sorted(priors.items())})

    @classmethod
    def load(cls, path: Path = PRIORS_FILE) -> TriggerPriors:
        raw = strict_json(path.read_text(encoding="utf-8"))
        return cls(float(raw["default"]), {k: float(v) for k, v in raw["triggers"].items()})

    def dump(self, path: Path, note: str) -> None:
        data = {"note": note, "default": self.default, "triggers": self.by_trigger}
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
