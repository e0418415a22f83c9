"""Markup and invisible format controls are removed before coding, and the marker says so."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest

from schemas import Article, ProcessedMarker
from streams.body_hygiene import CleanedArticle, clean_body
from streams.decode import Rejection
from streams.extraction import Extractor
from streams.pipeline import BatchProcessor, InputRecord
from streams.settings import Settings

SENTENCE = "The United States imposed sanctions on Iran."
NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("body", "cleaned"),
    [
        (SENTENCE, ()),
        ("<html><body><p>The <b>United States</b> imposed sanctions on Iran.</p></body></html>", ("markup",)),
        (f"<p>{SENTENCE}</p>", ("markup",)),
        (f"\u202e{SENTENCE}\u202c", ("format_controls",)),
        ("<p>\u2067The United\u200b States</p> imposed sanctions on Iran.\u2069", ("format_controls", "markup")),
    ],
)
def test_bodies_are_cleaned_to_their_text(body: str, cleaned: tuple[str, ...]) -> None:
    result = clean_body(Article(id="a", body=body))
    assert isinstance(result, CleanedArticle)
    assert result.cleaned == cleaned
    assert result.article.body.replace("\n\n", " ") == SENTENCE


def test_plain_text_with_angle_brackets_is_left_alone() -> None:
    body = "Inflation < 2% and growth > 3% were the targets <said the minister>."
    assert clean_body(Article(id="a", body=body)) == CleanedArticle(Article(id="a", body=body))


def test_a_body_of_markup_only_is_rejected() -> None:
    result = clean_body(Article(id="a", body="<div><img src='x.png'/></div>\u200b"))
    assert isinstance(result, Rejection) and result.reason == "no_text"


@pytest.fixture(scope="module")
def processor() -> BatchProcessor:
    return BatchProcessor(Extractor(), Settings(_env_file=None))


@pytest.mark.parametrize(
    "body",
    [
        SENTENCE,
        "<html><body><p>The <b>United States</b> imposed sanctions on Iran.</p></body></html>",
        f"<p>{SENTENCE}</p>",
        f"\u202e{SENTENCE}\u202c",
    ],
)
def test_markup_and_bidi_controls_no_longer_lose_the_event(processor: BatchProcessor, body: str) -> None:
    value = orjson.dumps({"id": "s1", "body": body, "published_at": "2024-05-01T00:00:00Z"})
    (outcome,) = processor.process([InputRecord("articles", 0, 0, b"s1", value)], NOW)
    assert outcome.status == "ok"
    assert [(e.plover_type, e.source.country, e.target.country) for e in outcome.events if e.source and e.target] == [
        ("SANCTION", "USA", "IRN")
    ]
    marker = ProcessedMarker.model_validate_json(processor.marker_record(outcome, NOW).value)
    assert marker.cleaned == ([] if body == SENTENCE else list(clean_body(Article(id="s1", body=body)).cleaned))
