"""Dead letters: the raw input that could not become events, bounded to fit in one record, with the reason."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass

from schemas import DeadLetter

__all__ = ["MAX_DEAD_LETTER_BYTES", "MAX_KEY_BYTES", "Failure", "bounded_key", "dead_letter", "dead_letter_headers"]

#: A dead letter must fit in one record (Faust's producer refuses more than 1,000,000 bytes, Kafka's
#: default limit is 1 MiB): beyond this size its copies of the raw value are cut to a prefix.
MAX_DEAD_LETTER_BYTES = 900_000
#: Raw keys are kept up to this size in dead letters and markers; error messages up to this length.
MAX_KEY_BYTES = 1_000
_MAX_MESSAGE_CHARS = 2_000


@dataclass(frozen=True)
class Failure:
    """Where an input failed and why."""

    stage: str
    error_type: str
    message: str
    article_id: str | None = None


def bounded_key(key: bytes | None) -> bytes | None:
    """``key`` cut to :data:`MAX_KEY_BYTES`."""
    return key[:MAX_KEY_BYTES] if key is not None else None


def dead_letter(
    failure: Failure,
    *,
    key: bytes | None,
    value: bytes,
    topic: str,
    partition: int,
    offset: int,
    now: dt.datetime,
    origin: str | None = None,
) -> DeadLetter:
    """The dead letter of one input: its exact raw key and value, unless they would not fit in one record.

    A value too large keeps a prefix (halved until the letter fits); its size and SHA-256 are always kept.
    """
    message = failure.message[:_MAX_MESSAGE_CHARS]
    if key is not None and len(key) > MAX_KEY_BYTES:
        message += f" [key cut to its first {MAX_KEY_BYTES} of {len(key)} bytes]"
    short_key = bounded_key(key)
    digest = hashlib.sha256(value).hexdigest()
    kept = value
    while True:
        cut = f" [payload cut to its first {len(kept)} of {len(value)} bytes]" if len(kept) < len(value) else ""
        letter = DeadLetter(
            stage=failure.stage,  # type: ignore[arg-type]
            error_type=failure.error_type,
            error_message=message + cut,
            topic=topic,
            partition=partition,
            offset=offset,
            origin=origin,
            key=short_key.decode("utf-8", "replace") if short_key is not None else None,
            payload=kept.decode("utf-8", "replace"),
            payload_base64=base64.b64encode(kept).decode("ascii"),
            payload_bytes=len(value),
            payload_sha256=digest,
            article_id=failure.article_id,
            failed_at=now,
        )
        if not kept or len(letter.model_dump_json()) <= MAX_DEAD_LETTER_BYTES:
            return letter
        kept = kept[: len(kept) // 2]


def dead_letter_headers(letter: DeadLetter) -> tuple[tuple[str, bytes], ...]:
    """Headers named as in Kafka Streams' KIP-1034, so generic DLQ tooling can read them."""
    return (
        ("__streams.errors.exception", letter.error_type.encode()),
        ("__streams.errors.message", letter.error_message.encode()),
        ("__streams.errors.topic", letter.topic.encode()),
        ("__streams.errors.partition", str(letter.partition).encode()),
        ("__streams.errors.offset", str(letter.offset).encode()),
        ("__streams.errors.stage", letter.stage.encode()),
    )
