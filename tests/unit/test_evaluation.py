"""Scoring rules of streams.evaluation on a small hand-made gold file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemas import Article
from streams.cli.eval_command import command
from streams.evaluation import evaluate, load_gold, score
from streams.extraction import Extractor

DATA = Path(__file__).parent / "data"
SUMMARY_KEYS = {
    "type_accuracy",
    "type_macro_f1",
    "source_country_f1",
    "target_country_f1",
    "quad_accuracy",
    "no_event_rate",
    "records_per_second",
    "per_type",
    "lenient",
}


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def test_load_gold_reads_types_and_countries() -> None:
    gold = load_gold(DATA / "gold_small.jsonl")
    assert [g.type for g in gold] == ["ACCUSE", "ASSAULT", "CONSULT", "PROTEST"]
    assert gold[0].sources == {"FRA"} and gold[0].targets == {"ITA"}
    assert gold[3].targets == frozenset()


def test_evaluate_small_gold(extractor: Extractor) -> None:
    report = evaluate(DATA / "gold_small.jsonl", extractor)
    assert report.records == 4
    assert report.type_accuracy >= 0.75
    assert report.source_country_f1 >= 0.75
    assert report.no_event_rate <= 0.25
    assert set(report.summary()) == SUMMARY_KEYS
    assert report.per_type["ACCUSE"]["support"] == 1
    assert [row["threshold"] for row in report.confidence_table] == [0.0, 0.3, 0.5, 0.7, 0.9]


def test_strict_scoring_takes_the_highest_confidence_event_only(extractor: Extractor) -> None:
    gold = load_gold(DATA / "gold_small.jsonl")[:1]  # ACCUSE FRA -> ITA
    [coded] = extractor.extract_many(
        [Article(id="T-1", body=gold[0].text, published_at=dt.datetime(2010, 5, 4, tzinfo=dt.UTC))],
        dt.datetime(2010, 5, 4, tzinfo=dt.UTC),
    )
    right = coded.events[0]
    assert right.plover_type == "ACCUSE"
    louder = right.model_copy(update={"plover_type": "PROTEST", "confidence": min(1.0, right.confidence + 0.01)})
    report = score(gold, [[right, louder]], seconds=1.0)
    assert report.type_accuracy == 0.0  # the top event is the PROTEST
    assert report.lenient["type_accuracy"] == 1.0  # any event of the gold type counted


def test_empty_predictions_score_zero() -> None:
    gold = load_gold(DATA / "gold_small.jsonl")
    report = score(gold, [[] for _ in gold], seconds=1.0)
    assert report.type_accuracy == 0 and report.no_event_rate == 1
    assert report.source_country_f1 == 0 and report.records_per_second == 4


def test_cli_json_prints_exactly_the_summary_keys(monkeypatch: pytest.MonkeyPatch, extractor: Extractor) -> None:
    monkeypatch.setattr("streams.extraction.Extractor", lambda config: extractor)
    result = CliRunner().invoke(command, [str(DATA / "gold_small.jsonl"), "--json"])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.output)) == SUMMARY_KEYS
    table = CliRunner().invoke(command, [str(DATA / "gold_small.jsonl")])
    assert table.exit_code == 0 and "type_accuracy" in table.output
