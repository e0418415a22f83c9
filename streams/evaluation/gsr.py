"""Score the event coder on one-sentence gold records (PLOVER GSR format); scoring rules are in docs/coder.md.

Strict by default: a record's predicted type, source and target come from its highest-confidence event. The
lenient rule of earlier versions (the gold type counts when *any* event has it) is reported beside it, labelled.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

from schemas import PLOVER_TYPES, Article, Event
from streams.extraction import Extractor

__all__ = [
    "CONFIDENCE_THRESHOLDS",
    "EvalReport",
    "GoldRecord",
    "evaluate",
    "load_gold",
    "render_report",
    "score",
    "sentence_articles",
]

CONFIDENCE_THRESHOLDS = (0.0, 0.3, 0.5, 0.7, 0.9)
#: Quad class of each PLOVER type, used for the gold side of quad_accuracy.
_QUAD = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT"), 1),
    **dict.fromkeys(("COOPERATE", "AID", "CONCEDE", "RETREAT"), 2),
    **dict.fromkeys(("ACCUSE", "REQUEST", "REJECT", "THREATEN"), 3),
    **dict.fromkeys(("PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"), 4),
}
#: Fixed time stamp for extracted_at, so evaluation runs are reproducible.
_EXTRACTED_AT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class GoldRecord:
    id: str
    text: str
    date: dt.date
    type: str
    sources: frozenset[str]
    targets: frozenset[str]


@dataclass(frozen=True)
class EvalReport:
    records: int
    type_accuracy: float
    type_macro_f1: float
    source_country_f1: float
    target_country_f1: float
    quad_accuracy: float
    no_event_rate: float
    records_per_second: float
    per_type: dict[str, dict[str, float]]
    confidence_table: list[dict[str, float]]  # threshold, precision, coverage, events
    lenient: dict[str, float]  # type_accuracy, source_country_f1, target_country_f1 under the lenient rule

    def summary(self) -> dict[str, Any]:
        """The CLI's ``--json`` object: the headline scores plus per_type."""
        return {
            "type_accuracy": self.type_accuracy,
            "type_macro_f1": self.type_macro_f1,
            "source_country_f1": self.source_country_f1,
            "target_country_f1": self.target_country_f1,
            "quad_accuracy": self.quad_accuracy,
            "no_event_rate": self.no_event_rate,
            "records_per_second": self.records_per_second,
            "per_type": self.per_type,
            "lenient": self.lenient,
        }


def load_gold(path: Path) -> list[GoldRecord]:
    out = []
    for line in path.read_bytes().splitlines():
        if not line.strip():
            continue
        r = orjson.loads(line)
        ev = r["event"]
        out.append(
            GoldRecord(
                id=r["id"],
                text=r["text"],
                date=dt.date.fromisoformat(r["date"]),
                type=ev["type"],
                sources=frozenset(a["country"] for a in ev["source"] if a.get("country")),
                targets=frozenset(a["country"] for a in ev["target"] if a.get("country")),
            )
        )
    return out


def _article(rec: GoldRecord) -> Article:
    published = dt.datetime(rec.date.year, rec.date.month, rec.date.day, tzinfo=dt.UTC)
    return Article(id=rec.id, body=rec.text, published_at=published)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def _chosen(gold_type: str, events: list[Event], strict: bool) -> list[Event]:
    """Strict: the highest-confidence event alone. Lenient: the events of the gold type if any has it, else those
    of the highest-confidence event's type. No events: none."""
    if not events:
        return []
    top = max(events, key=_rank)
    if strict:
        return [top]
    pred = gold_type if any(e.plover_type == gold_type for e in events) else top.plover_type
    return [e for e in events if e.plover_type == pred]


def _rank(e: Event) -> tuple[float, int]:
    return (e.confidence, -e.sentence_index)


def _side_f1(gold: list[GoldRecord], chosen: list[list[Event]], side: str) -> float:
    """Micro F1 of the chosen events' source (target) country sets against the gold actors' codes."""
    tp = pred = want = 0
    for rec, events in zip(gold, chosen, strict=True):
        gold_codes = rec.sources if side == "source" else rec.targets
        actors = [e.source if side == "source" else e.target for e in events]
        pred_codes = {a.country for a in actors if a is not None and a.country}
        tp += len(pred_codes & gold_codes)
        pred += len(pred_codes)
        want += len(gold_codes)
    return _f1(_ratio(tp, pred), _ratio(tp, want))


def score(gold: list[GoldRecord], predicted: list[list[Event]], seconds: float) -> EvalReport:
    """Compute every metric from gold records and the events extracted for each (same order)."""
    n = len(gold)
    strict = [_chosen(rec.type, evs, strict=True) for rec, evs in zip(gold, predicted, strict=True)]
    lenient = [_chosen(rec.type, evs, strict=False) for rec, evs in zip(gold, predicted, strict=True)]
    counts = {t: {"tp": 0, "fp": 0, "fn": 0, "support": 0} for t in PLOVER_TYPES}
    for rec, chosen in zip(gold, strict, strict=True):
        pred_type = chosen[0].plover_type if chosen else None
        counts[rec.type]["support"] += 1
        if pred_type == rec.type:
            counts[rec.type]["tp"] += 1
        else:
            counts[rec.type]["fn"] += 1
            if pred_type is not None:
                counts[pred_type]["fp"] += 1
    per_type = {}
    for t, c in counts.items():
        p, r = _ratio(c["tp"], c["tp"] + c["fp"]), _ratio(c["tp"], c["tp"] + c["fn"])
        per_type[t] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(_f1(p, r), 4),
            "support": c["support"],
        }
    scored = [t for t, c in counts.items() if c["support"] or c["fp"]]
    macro = sum(per_type[t]["f1"] for t in scored) / len(scored) if scored else 0.0

    def type_hits(chosen: list[list[Event]]) -> float:
        hits = sum(any(e.plover_type == rec.type for e in evs) for rec, evs in zip(gold, chosen, strict=True))
        return round(_ratio(hits, n), 4)

    quad_hits = sum(bool(c) and c[0].quad_class == _QUAD[rec.type] for rec, c in zip(gold, strict, strict=True))
    return EvalReport(
        records=n,
        type_accuracy=type_hits(strict),
        type_macro_f1=round(macro, 4),
        source_country_f1=round(_side_f1(gold, strict, "source"), 4),
        target_country_f1=round(_side_f1(gold, strict, "target"), 4),
        quad_accuracy=round(_ratio(quad_hits, n), 4),
        no_event_rate=round(_ratio(sum(not evs for evs in predicted), n), 4),
        records_per_second=round(_ratio(n, seconds), 2),
        per_type=per_type,
        confidence_table=_confidence_table(gold, predicted),
        lenient={
            "type_accuracy": type_hits(lenient),
            "source_country_f1": round(_side_f1(gold, lenient, "source"), 4),
            "target_country_f1": round(_side_f1(gold, lenient, "target"), 4),
        },
    )


def _confidence_table(gold: list[GoldRecord], predicted: list[list[Event]]) -> list[dict[str, float]]:
    rows = []
    for th in CONFIDENCE_THRESHOLDS:
        kept = [(rec, [e for e in evs if e.confidence >= th]) for rec, evs in zip(gold, predicted, strict=True)]
        kept = [(rec, evs) for rec, evs in kept if evs]
        events = sum(len(evs) for _, evs in kept)
        right = sum(e.plover_type == rec.type for rec, evs in kept for e in evs)
        rows.append(
            {
                "threshold": th,
                "precision": round(_ratio(right, events), 4),
                "coverage": round(_ratio(len(kept), len(gold)), 4),
                "events": events,
            }
        )
    return rows


def sentence_articles(gold: list[GoldRecord]) -> tuple[list[Article], dt.datetime]:
    """One Article per gold record, and the fixed extraction time stamp."""
    return [_article(r) for r in gold], _EXTRACTED_AT


def evaluate(gold_path: Path, extractor: Extractor) -> EvalReport:
    """Run the extractor over every gold record (one Article each) and score it."""
    gold = load_gold(gold_path)
    started = time.perf_counter()
    results = extractor.extract_many(*sentence_articles(gold))
    seconds = time.perf_counter() - started
    return score(gold, [r.events for r in results], seconds)


def render_report(report: EvalReport, console: Console) -> None:
    """Readable tables: headline scores, per-type scores, precision by confidence threshold."""
    head = Table(title=f"Event coder on {report.records} gold records (strict: the highest-confidence event)")
    head.add_column("metric")
    head.add_column("value", justify="right")
    for key, value in report.summary().items():
        if key not in ("per_type", "lenient"):
            head.add_row(key, f"{value:.4f}" if key != "records_per_second" else f"{value:.1f}")
    for key, value in report.lenient.items():
        head.add_row(f"lenient {key} (any event of the gold type)", f"{value:.4f}")
    console.print(head)
    types = Table(title="Per PLOVER type")
    for col in ("type", "precision", "recall", "f1", "support"):
        types.add_column(col, justify="left" if col == "type" else "right")
    for t, c in report.per_type.items():
        types.add_row(t, f"{c['precision']:.3f}", f"{c['recall']:.3f}", f"{c['f1']:.3f}", str(c["support"]))
    console.print(types)
    conf = Table(title="Precision by confidence threshold")
    for col in ("threshold", "precision", "coverage", "events"):
        conf.add_column(col, justify="right")
    for row in report.confidence_table:
        conf.add_row(f"{row['threshold']:.1f}", f"{row['precision']:.3f}", f"{row['coverage']:.3f}", str(row["events"]))
    console.print(conf)
