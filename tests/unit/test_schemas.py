"""The record contracts: committed JSON Schema files are fresh, models reject what they should."""

import datetime as dt

import pytest
from pydantic import ValidationError

from schemas import PLOVER_TYPES, Article, Event, Trigger
from schemas.generate import JSON_DIR, render_all


def test_committed_json_schemas_are_fresh() -> None:
    for name, text in render_all().items():
        path = JSON_DIR / name
        assert path.exists(), f"{name} missing: run `make schemas`"
        assert path.read_text() == text, f"{name} is stale: run `make schemas`"


def test_plover_types_are_the_sixteen_of_plover_2() -> None:
    assert len(PLOVER_TYPES) == 16
    assert {"AGREE", "ASSAULT", "MOBILIZE", "REQUEST"} <= set(PLOVER_TYPES)


def test_article_ignores_unknown_fields_but_requires_id_and_body() -> None:
    article = Article.model_validate({"id": "a1", "body": "Text.", "producer_meta": {"x": 1}})
    assert article.id == "a1"
    with pytest.raises(ValidationError):
        Article.model_validate({"id": "a1"})
    with pytest.raises(ValidationError):
        Article.model_validate({"id": "a1", "body": "   "})


def test_article_needs_an_aware_publication_time() -> None:
    with pytest.raises(ValidationError):
        Article(id="a", body="b", published_at=dt.datetime(2024, 1, 1))  # noqa: DTZ001 - naive on purpose


def _event(**overrides: object) -> Event:
    fields: dict[str, object] = {
        "event_id": "e1",
        "article_id": "a1",
        "sentence_index": 0,
        "sentence": "Russia accused Ukraine.",
        "date": dt.date(2024, 1, 1),
        "plover_type": "ACCUSE",
        "cameo_code": "112",
        "cameo_root": "11",
        "quad_class": 3,
        "goldstein": -2.0,
        "trigger": Trigger(text="accused", start=7, end=14),
        "confidence": 0.9,
        "extracted_at": dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    }
    return Event.model_validate({**fields, **overrides})


def test_event_round_trips_through_json() -> None:
    event = _event()
    assert Event.model_validate_json(event.model_dump_json()) == event


@pytest.mark.parametrize(
    "override",
    [{"plover_type": "INVADE"}, {"quad_class": 5}, {"goldstein": 11}, {"confidence": 1.5}, {"cameo_root": "1"}],
)
def test_event_rejects_values_outside_the_contract(override: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        _event(**override)


def test_output_records_forbid_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        _event(extra_field=1)
