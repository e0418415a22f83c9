"""Article-level scoring (streams.evaluation.articles): the matching rule, the gold file, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemas import Actor, Event, Trigger
from streams.cli.eval_command import command
from streams.evaluation.articles import (
    NONPOLITICAL_CATEGORIES,
    GoldEvent,
    load_article_gold,
    match_article,
    read_texts,
    score_articles,
)

DATA = Path(__file__).parent / "data"
GOLD = DATA / "article_gold_small.jsonl"
CORPUS = DATA / "corpus"
PROJECT_GOLD = Path(__file__).parents[1] / "gold" / "bbc-events.jsonl"
_AT = dt.datetime(2005, 1, 1, tzinfo=dt.UTC)


def _actor(country: str | None) -> Actor:
    return Actor(text="x", name="x", country=country, sector=None, start=0, end=1)


def _event(plover: str, source: str | None, target: str | None, sentence: str = "s") -> Event:
    return Event(
        event_id="e",
        article_id="a",
        sentence_index=0,
        sentence=sentence,
        date=_AT.date(),
        plover_type=plover,
        cameo_code="112",
        cameo_root="11",
        quad_class=3,
        goldstein=-2.0,
        source=_actor(source) if source else None,
        target=_actor(target) if target else None,
        trigger=Trigger(text="t", start=0, end=1),
        confidence=0.5,
        extracted_at=_AT,
    )


def _gold(plover: str, source: str, target: str | None, optional: bool = False, snippet: str = "s") -> GoldEvent:
    return GoldEvent(snippet, plover, source, target, target is not None, optional)


def test_match_requires_type_source_and_target_country() -> None:
    gold = [_gold("ACCUSE", "GBR", "FRA")]
    assert len(match_article(gold, [_event("ACCUSE", "GBR", "FRA")]).hits) == 1
    for wrong in (_event("REJECT", "GBR", "FRA"), _event("ACCUSE", "DEU", "FRA"), _event("ACCUSE", "GBR", None)):
        m = match_article(gold, [wrong])
        assert not m.hits and len(m.misses) == 1 and m.false == [wrong]


def test_a_gold_event_without_target_matches_any_target() -> None:
    m = match_article([_gold("RETREAT", "GBR", None)], [_event("RETREAT", "GBR", "IRQ")])
    assert len(m.hits) == 1 and not m.false


def test_optional_gold_is_neither_hit_nor_miss_and_duplicates_are_false() -> None:
    gold = [_gold("ACCUSE", "GBR", "GBR"), _gold("AGREE", "GBR", None, optional=True)]
    events = [_event("ACCUSE", "GBR", "GBR"), _event("ACCUSE", "GBR", "GBR"), _event("AGREE", "GBR", None)]
    m = match_article(gold, events)
    assert len(m.hits) == 1 and not m.misses
    assert m.ignored == [events[2]]
    assert m.false == [events[1]]  # the same happening coded twice


def test_matching_is_maximal_and_prefers_the_snippet_sentence() -> None:
    gold = [_gold("ACCUSE", "GBR", "GBR", snippet="first"), _gold("ACCUSE", "GBR", None, snippet="second")]
    events = [_event("ACCUSE", "GBR", "GBR", sentence="the second one"), _event("ACCUSE", "GBR", None, "first")]
    m = match_article(gold, events)
    assert len(m.hits) == 2 and not m.false


def test_scores_per_split_category_and_nonpolitical_articles() -> None:
    gold = load_article_gold(GOLD)
    predicted = [[_event("ACCUSE", "GBR", "GBR"), _event("ASSAULT", "GBR", None)], [_event("ASSAULT", "GBR", None)]]
    report = score_articles(gold, predicted).summary()
    dev, test = report["dev"], report["test"]
    assert dev["events"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "tp": 1, "fp": 1, "fn": 1}
    assert dev["gold_events"] == 2 and dev["optional_events"] == 1
    assert test["false_events_per_nonpolitical_article"] == 1.0
    assert test["events"]["fp"] == 1 and test["per_category"]["sport"]["fp"] == 1


def test_read_texts_checks_each_row_against_its_hash(tmp_path: Path) -> None:
    gold = load_article_gold(GOLD)
    assert read_texts(gold, CORPUS)["mini.csv:1"].startswith("Cup win for Rovers")
    changed = tmp_path / "mini.csv"
    shutil.copy(CORPUS / "mini.csv", changed)
    changed.write_text(changed.read_text().replace("Rovers beat", "Rovers lost to"))
    with pytest.raises(ValueError, match="row 1 is missing or differs"):
        read_texts(gold, tmp_path)
    with pytest.raises(ValueError, match="no such corpus file"):
        read_texts(gold, tmp_path / "nowhere")


def test_malformed_gold_line_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "gold.jsonl"
    bad.write_text(GOLD.read_text().splitlines()[0] + "\n" + '{"file": "mini.csv", "row": 1}\n')
    with pytest.raises(ValueError, match=r"gold.jsonl:2: not an article gold record"):
        load_article_gold(bad)


def test_cli_scores_article_gold_and_lists_dev_errors_only() -> None:
    result = CliRunner().invoke(command, [str(GOLD), "--articles", str(CORPUS), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.splitlines()[0])
    assert set(report) == {"dev", "test"} and report["dev"]["gold_events"] == 2
    listed = CliRunner().invoke(command, [str(GOLD), "--articles", str(CORPUS), "--errors"])
    assert listed.exit_code == 0 and "Misses and false events of the dev split" in listed.output
    assert "mini.csv:1" not in listed.output  # the test split is never listed


def test_cli_article_gold_needs_the_corpus_folder() -> None:
    result = CliRunner().invoke(command, [str(GOLD)])
    assert result.exit_code == 2 and "give --articles DIR" in result.output


def test_project_gold_has_both_splits_and_quiet_articles() -> None:
    gold = load_article_gold(PROJECT_GOLD)
    assert len(gold) >= 60 and {g.split for g in gold} == {"dev", "test"}
    assert sum(g.category in NONPOLITICAL_CATEGORIES for g in gold) >= 10
    assert {g.file for g in gold} <= {"train.csv", "val.csv"}  # never the corpus's test file
