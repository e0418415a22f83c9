"""Coarse POS tags by table lookup, built from the model's own attribute_ruler patterns.

The coder reads only ``Token.pos_`` from the attribute ruler, which costs ~15 % of a parse when run as a
Matcher. The same POS-setting patterns become dictionaries keyed on (TAG, LOWER, DEP, IS_SPACE) values;
the few patterns that are not single-token equality tests stay in a small Matcher. As in the ruler, the
later pattern wins.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy
from spacy.attrs import DEP, IS_SPACE, LOWER, POS, TAG
from spacy.matcher import Matcher
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc
from spacy.vocab import Vocab

__all__ = ["PosLookup"]

_COLUMNS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
_Hit = tuple[int, int]  # (pattern index, POS id)


def _is_simple(pattern: list[dict[str, Any]]) -> bool:
    token = pattern[0]
    return (
        len(pattern) == 1
        and set(token) <= set(_COLUMNS)
        and all(isinstance(v, str | bool) or set(v) == {"IN"} for v in token.values())
    )


class PosLookup:
    """Sets ``Token.pos`` exactly as an AttributeRuler with ``patterns`` would."""

    def __init__(self, vocab: Vocab, patterns: list[dict[str, Any]]) -> None:
        """Index the POS-setting ``patterns`` (the ruler's ``.patterns``)."""
        strings = vocab.strings
        tables: dict[tuple[int, ...], dict[tuple[int, ...], _Hit]] = {}
        self._matcher = Matcher(vocab)
        self._matched: dict[int, tuple[int, int, int]] = {}  # match id -> (pattern index, POS id, token offset)
        for index, rule in enumerate(patterns):
            pos = rule["attrs"].get("POS")
            if pos is None:
                continue
            for pattern in rule["patterns"]:
                if not _is_simple(pattern):
                    name = f"pos{index}"
                    self._matcher.add(name, [pattern])
                    self._matched[strings.add(name)] = (index, POS_IDS[pos], rule.get("index", 0))
                    continue
                keys = sorted(pattern[0])
                choices = [[v] if isinstance(v, str | bool) else v["IN"] for v in (pattern[0][k] for k in keys)]
                table = tables.setdefault(tuple(_COLUMNS[k] for k in keys), {})
                for values in itertools.product(*choices):
                    key = tuple(int(v) if isinstance(v, bool) else strings.add(v) for v in values)
                    table[key] = (index, POS_IDS[pos])
        self._tables = list(tables.items())

    def __call__(self, doc: Doc) -> Doc:
        """Write the POS of every token of ``doc``; tokens no pattern matches keep theirs."""
        best: list[_Hit | None] = []
        for row in doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist():
            top: _Hit | None = None
            for columns, table in self._tables:
                hit = table.get(tuple(row[c] for c in columns))
                if hit is not None and (top is None or hit[0] > top[0]):
                    top = hit
            best.append(top)
        for match_id, start, _end in self._matcher(doc):
            index, pos, offset = self._matched[match_id]
            current = best[start + offset]
            if current is None or index > current[0]:
                best[start + offset] = (index, pos)
        old = doc.to_array([POS]).tolist()
        values = numpy.array([hit[1] if hit else was for hit, was in zip(best, old, strict=True)], dtype="uint64")
        doc.from_array([POS], values.reshape(-1, 1))
        return doc
