"""Pure decoding of raw ``articles`` records into validated articles or rejections with a reason."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

import orjson
from pydantic import ValidationError

from schemas import Article

__all__ = ["DecodeLimits", "Rejection", "decode_article"]

# C0/C1 control characters other than tab, newline, carriage return and form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_EARLIEST_PUBLICATION = dt.datetime(1800, 1, 1, tzinfo=dt.UTC)
#: A few stray control characters are tolerated in any body, however short.
_CONTROL_ALLOWANCE = 2
#: Clocks of producers drift and time zones are mislabelled: allow this much into the future.
_FUTURE_TOLERANCE = dt.timedelta(days=2)


@dataclass(frozen=True)
class DecodeLimits:
    """What the worker accepts."""

    max_payload_bytes: int = 1_000_000
    max_body_chars: int = 200_000
    #: The id keys every output record and is repeated in each event: keep it short.
    max_id_chars: int = 1_000
    #: Bodies with a larger share of control characters are treated as binary garbage.
    max_control_share: float = 0.01


@dataclass(frozen=True)
class Rejection:
    """Why a record is not an article; becomes a dead letter."""

    stage: Literal["decode", "validate"]
    reason: str
    message: str
    article_id: str | None = None


def decode_article(raw: bytes | None, limits: DecodeLimits, now: dt.datetime) -> Article | Rejection:
    """Decode and validate one record value.

    Stray control characters are replaced by spaces (offsets into the body stay valid); everything
    else that is wrong is rejected with a short ``reason`` (a metric label) and a readable message.
    """
    if raw is None or not raw:
        return Rejection("decode", "empty_payload", "the record has no value")
    if len(raw) > limits.max_payload_bytes:
        return Rejection(
            "decode", "payload_too_large", f"{len(raw)} bytes exceeds the limit of {limits.max_payload_bytes}"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Rejection("decode", "invalid_utf8", f"value is not UTF-8: {exc}")
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return Rejection("decode", "invalid_json", f"value is not JSON: {exc}")
    if not isinstance(data, dict):
        return Rejection("decode", "not_an_object", f"expected a JSON object, got {type(data).__name__}")
    raw_id = data.get("id")
    if isinstance(raw_id, str) and len(raw_id) > limits.max_id_chars:
        return Rejection("validate", "id_too_long", f"id of {len(raw_id)} characters exceeds {limits.max_id_chars}")
    article_id = raw_id if isinstance(raw_id, str) else None
    body = data.get("body")
    if isinstance(body, str):
        controls = len(_CONTROL.findall(body))
        if controls > max(_CONTROL_ALLOWANCE, limits.max_control_share * len(body)):
            return Rejection(
                "validate", "control_characters", f"{controls} control characters in a body of {len(body)}", article_id
            )
        if controls:
            data["body"] = _CONTROL.sub(" ", body)
    try:
        article = Article.model_validate(data)
    except ValidationError as exc:
        fields = sorted({".".join(str(part) for part in error["loc"]) or "value" for error in exc.errors()})
        reason = "missing_field" if any(e["type"] == "missing" for e in exc.errors()) else "invalid_field"
        message = f"invalid article ({', '.join(fields)}): {_first_errors(exc)}"
        return Rejection("validate", reason, message, article_id)
    if len(article.body) > limits.max_body_chars:
        return Rejection(
            "validate",
            "body_too_long",
            f"body of {len(article.body)} characters exceeds the limit of {limits.max_body_chars}",
            article.id,
        )
    published = article.published_at
    if published is not None and not _EARLIEST_PUBLICATION <= published <= now + _FUTURE_TOLERANCE:
        return Rejection("validate", "absurd_date", f"published_at {published.isoformat()} is implausible", article.id)
    return article


def _first_errors(exc: ValidationError, limit: int = 3) -> str:
    parts = [f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors()[:limit]]
    return "; ".join(parts)
