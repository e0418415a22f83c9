"""Coarse POS tags by table lookup, built from the model's own attribute_ruler patterns.

The coder reads only ``Token.pos_`` from the attribute ruler, which costs ~15 % of a parse when run as a
Matcher. The same POS-setting patterns become dictionaries keyed on (TAG, LOWER, DEP, IS_SPACE) values;
patterns of per-token tests on those attributes (equality, ``IN``, ``NOT_IN``) that are not single-token
equalities become numpy masks over the document; any other pattern stays in a small Matcher. As in the
ruler, the later pattern wins.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy
from numpy.typing import NDArray
from spacy.attrs import DEP, IS_SPACE, LOWER, POS, TAG
from spacy.matcher import Matcher
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.strings import StringStore
from spacy.tokens import Doc
from spacy.vocab import Vocab

__all__ = ["PosLookup"]

_COLUMNS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
_LOWER = _COLUMNS["LOWER"]
_Hit = tuple[int, int]  # (pattern index, POS id)
_Shape = tuple[int, int, int]  # a token's (TAG, DEP, IS_SPACE)
#: One token's test: column, predicate ("==", "IN" or "NOT_IN") and the values.
_Test = tuple[int, str, tuple[int, ...]]
_NO_HIT = (-1, 0)


def _value(strings: StringStore, value: str | bool) -> int:
    return int(value) if isinstance(value, bool) else strings.add(value)


def _is_simple(pattern: list[dict[str, Any]]) -> bool:
    token = pattern[0]
    return (
        len(pattern) == 1
        and set(token) <= set(_COLUMNS)
        and all(isinstance(v, str | bool) or set(v) == {"IN"} for v in token.values())
    )


def _tests(strings: StringStore, pattern: list[dict[str, Any]]) -> list[list[_Test]] | None:
    """Each token's tests, or None when a token uses more than equality, ``IN`` and ``NOT_IN`` on our columns."""
    tokens: list[list[_Test]] = []
    for token in pattern:
        tests: list[_Test] = []
        for key, spec in token.items():
            if key not in _COLUMNS:
                return None
            if isinstance(spec, str | bool):
                tests.append((_COLUMNS[key], "==", (_value(strings, spec),)))
            elif isinstance(spec, dict) and len(spec) == 1 and next(iter(spec)) in ("IN", "NOT_IN"):
                ((predicate, values),) = spec.items()
                tests.append((_COLUMNS[key], predicate, tuple(_value(strings, v) for v in values)))
            else:
                return None
        tokens.append(tests)
    return tokens


def _mask(rows: NDArray[numpy.uint64], tokens: list[list[_Test]]) -> NDArray[numpy.bool_]:
    """Where in ``rows`` the pattern starts (one entry per possible start)."""
    starts = len(rows) - len(tokens) + 1
    mask = numpy.ones(starts, dtype=bool)
    for offset, tests in enumerate(tokens):
        for column, predicate, values in tests:
            found = numpy.isin(rows[offset : offset + starts, column], numpy.array(values, dtype=numpy.uint64))
            mask &= ~found if predicate == "NOT_IN" else found
    return mask


class PosLookup:
    """Sets ``Token.pos`` exactly as an AttributeRuler with ``patterns`` would."""

    def __init__(self, vocab: Vocab, patterns: list[dict[str, Any]]) -> None:
        """Index the POS-setting ``patterns`` (the ruler's ``.patterns``)."""
        strings = vocab.strings
        tables: dict[tuple[int, ...], dict[tuple[int, ...], _Hit]] = {}
        self._masked: list[tuple[list[list[_Test]], int, int, int]] = []  # tests, pattern index, POS id, offset
        self._matcher = Matcher(vocab)
        self._matched: dict[int, tuple[int, int, int]] = {}  # match id -> (pattern index, POS id, token offset)
        for index, rule in enumerate(patterns):
            pos = rule["attrs"].get("POS")
            if pos is None:
                continue
            for pattern in rule["patterns"]:
                if not _is_simple(pattern):
                    tests = _tests(strings, pattern)
                    if tests is not None:
                        self._masked.append((tests, index, POS_IDS[pos], rule.get("index", 0)))
                        continue
                    name = f"pos{index}"
                    self._matcher.add(name, [pattern])
                    self._matched[strings.add(name)] = (index, POS_IDS[pos], rule.get("index", 0))
                    continue
                keys = sorted(pattern[0])
                choices = [[v] if isinstance(v, str | bool) else v["IN"] for v in (pattern[0][k] for k in keys)]
                table = tables.setdefault(tuple(_COLUMNS[k] for k in keys), {})
                for values in itertools.product(*choices):
                    table[tuple(_value(strings, v) for v in values)] = (index, POS_IDS[pos])
        # Tables keyed on LOWER are looked up only for the few words they name; the others depend on a token's
        # shape alone, whose best hit is kept per shape (at most tags x labels x 2 of them).
        self._lower_tables = [(columns, table) for columns, table in tables.items() if _LOWER in columns]
        self._lowers = {key[columns.index(_LOWER)] for columns, table in self._lower_tables for key in table}
        self._shape_tables = [(columns, table) for columns, table in tables.items() if _LOWER not in columns]
        self._by_shape: dict[_Shape, _Hit] = {}

    def _best(self, row: list[int], tables: list[tuple[tuple[int, ...], dict[tuple[int, ...], _Hit]]]) -> _Hit:
        top = _NO_HIT
        for columns, table in tables:
            hit = table.get(tuple(row[c] for c in columns))
            if hit is not None and hit[0] > top[0]:
                top = hit
        return top

    def __call__(self, doc: Doc) -> Doc:
        """Write the POS of every token of ``doc``; tokens no pattern matches keep theirs."""
        array = doc.to_array([TAG, LOWER, DEP, IS_SPACE])
        best: list[_Hit] = []
        by_shape, lowers = self._by_shape, self._lowers
        for row in array.tolist():
            shape = (row[0], row[2], row[3])
            top = by_shape.get(shape)
            if top is None:
                top = by_shape[shape] = self._best(row, self._shape_tables)
            if row[_LOWER] in lowers:
                hit = self._best(row, self._lower_tables)
                if hit[0] > top[0]:
                    top = hit
            best.append(top)
        found = [
            (start + offset, index, pos)
            for tests, index, pos, offset in self._masked
            if len(doc) >= len(tests)
            for start in numpy.flatnonzero(_mask(array, tests)).tolist()
        ]
        if self._matched:
            found += [(start + self._matched[m][2], *self._matched[m][:2]) for m, start, _ in self._matcher(doc)]
        for i, index, pos in found:
            if index > best[i][0]:
                best[i] = (index, pos)
        old = doc.to_array([POS]).tolist()
        values = numpy.array([hit[1] if hit[0] >= 0 else was for hit, was in zip(best, old, strict=True)], "uint64")
        doc.from_array([POS], values.reshape(-1, 1))
        return doc
