"""Decoding raw records: every kind of bad input is a rejection with a reason, never an exception."""

import datetime as dt

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas import Article
from streams.decode import DecodeLimits, Rejection, decode_article

NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
LIMITS = DecodeLimits(max_payload_bytes=10_000, max_body_chars=1_000)


def _rejection(raw: bytes | None) -> Rejection:
    result = decode_article(raw, LIMITS, NOW)
    assert isinstance(result, Rejection), result
    return result


def test_valid_article_decodes() -> None:
    raw = orjson.dumps({"id": "a1", "body": "Russia accused Ukraine.", "published_at": "2024-05-01T10:00:00Z"})
    article = decode_article(raw, LIMITS, NOW)
    assert isinstance(article, Article)
    assert article.published_at == dt.datetime(2024, 5, 1, 10, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "empty_payload"),
        (b"", "empty_payload"),
        (b"{not json", "invalid_json"),
        (b"\xff\xfe\x00garbage", "invalid_utf8"),
        (b"[1, 2]", "not_an_object"),
        (b'"a string"', "not_an_object"),
        (b'{"id": "a1"}', "missing_field"),
        (b'{"body": "text"}', "missing_field"),
        (b'{"id": "a1", "body": ""}', "invalid_field"),
        (b'{"id": "a1", "body": "  \\n "}', "invalid_field"),
        (b'{"id": 7, "body": "text"}', "invalid_field"),
        (b'{"id": "a1", "body": ["text"]}', "invalid_field"),
        (b'{"id": "a1", "body": "text", "published_at": "yesterday-ish"}', "invalid_field"),
        (b'{"id": "a1", "body": "text", "published_at": "2024-01-01T00:00:00"}', "invalid_field"),
        (b'{"id": "a1", "body": "text", "published_at": "1066-10-14T00:00:00Z"}', "absurd_date"),
        (b'{"id": "a1", "body": "text", "published_at": "2999-01-01T00:00:00Z"}', "absurd_date"),
        (b'{"id": "a1", "body": "\\u0000\\u0001\\u0002\\u0003"}', "control_characters"),
    ],
)
def test_bad_input_is_rejected_with_its_reason(raw: bytes | None, reason: str) -> None:
    rejection = _rejection(raw)
    assert rejection.reason == reason
    assert rejection.message


def test_size_limits() -> None:
    assert _rejection(b"x" * 10_001).reason == "payload_too_large"
    assert _rejection(orjson.dumps({"id": "a", "body": "word " * 300})).reason == "body_too_long"


def test_rejection_keeps_the_article_id_when_readable() -> None:
    assert _rejection(b'{"id": "a9", "body": ""}').article_id == "a9"


def test_stray_control_characters_become_spaces_keeping_offsets() -> None:
    body = "Russia\x0baccused Ukraine of shelling villages along the border on Monday night."
    article = decode_article(orjson.dumps({"id": "a", "body": body}), LIMITS, NOW)
    assert isinstance(article, Article)
    assert article.body == body.replace("\x0b", " ")


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    assert isinstance(decode_article(raw, LIMITS, NOW), Article | Rejection)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
)


@given(_JSON)
def test_arbitrary_json_never_raises(value: object) -> None:
    assert isinstance(decode_article(orjson.dumps(value), LIMITS, NOW), Article | Rejection)
