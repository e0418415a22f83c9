"""Trigger priors: how often each lexicon trigger's candidates, by the type they were coded as, were real events in
the labelled training data.

``lexicons/trigger_priors.json`` is written by ``python -m streams.extraction.train``. A (trigger, type) pair seen a
few times is pulled towards its type's rate ("will meet" coded as AGREE towards AGREE's), a type towards the overall
rate; an unseen pair takes its type's rate.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from streams.extraction.lexicons import strict_json

__all__ = ["PRIORS_FILE", "TriggerPriors", "prior_key"]

PRIORS_FILE = Path(str(resources.files("streams.extraction").joinpath("lexicons").joinpath("trigger_priors.json")))
#: Pseudo-count of the type's rate added to every (trigger, type) record, and of the overall rate to every type's.
_SMOOTHING = 4.0
_SEPARATOR = ">"


def prior_key(trigger_id: str, plover_type: str) -> str:
    """The key of a lexicon trigger coded as a PLOVER type: "verb:meet>AGREE"."""
    return f"{trigger_id}{_SEPARATOR}{plover_type}"


def _type_of(key: str) -> str:
    return key.rpartition(_SEPARATOR)[2]


@dataclass(frozen=True)
class TriggerPriors:
    default: float
    by_type: dict[str, float]
    by_trigger: dict[str, float]  # by prior_key

    def __call__(self, key: str) -> float:
        return self.by_trigger.get(key, self.by_type.get(_type_of(key), self.default))

    @classmethod
    def fit(cls, outcomes: Iterable[tuple[str, bool]]) -> TriggerPriors:
        """From (prior_key, right) outcomes."""
        seen: Counter[str] = Counter()
        right: Counter[str] = Counter()
        for key, ok in outcomes:
            seen[key] += 1
            right[key] += ok
        default = (sum(right.values()) + 1) / (seen.total() + 2)
        type_seen: Counter[str] = Counter()
        type_right: Counter[str] = Counter()
        for key, n in seen.items():
            type_seen[_type_of(key)] += n
            type_right[_type_of(key)] += right[key]
        types = {t: (type_right[t] + _SMOOTHING * default) / (n + _SMOOTHING) for t, n in type_seen.items()}
        priors = {k: (right[k] + _SMOOTHING * types[_type_of(k)]) / (n + _SMOOTHING) for k, n in seen.items()}
        return cls(
            round(default, 4),
            {t: round(p, 4) for t, p in sorted(types.items())},
            {k: round(p, 4) for k, p in sorted(priors.items())},
        )

    @classmethod
    def load(cls, path: Path = PRIORS_FILE) -> TriggerPriors:
        raw = strict_json(path.read_text(encoding="utf-8"))
        return cls(
            float(raw["default"]),
            {k: float(v) for k, v in raw["types"].items()},
            {k: float(v) for k, v in raw["triggers"].items()},
        )

    def dump(self, path: Path, note: str) -> None:
        data = {"note": note, "default": self.default, "types": self.by_type, "triggers": self.by_trigger}
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
