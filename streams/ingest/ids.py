"""Stable article ids: canonical URLs (tracking parameters dropped) hashed and prefixed by the feed host."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["article_id", "canonical_url", "host_of"]

_TRACKING_PREFIXES = ("utm_", "at_")  # at_medium/at_campaign: BBC's feed tags
_TRACKING_NAMES = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid", "cmpid", "ocid"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """``url`` with scheme and host lower-cased, default port, fragment and tracking parameters removed."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    netloc = (parts.hostname or "").lower()
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{parts.port}"
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not (name.lower().startswith(_TRACKING_PREFIXES) or name.lower() in _TRACKING_NAMES)
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def host_of(url: str) -> str:
    """Host name of ``url`` without a leading ``www.``."""
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def article_id(prefix: str, key: str) -> str:
    """``prefix:hash``: 16 hex digits of SHA-256 over ``key`` (a canonical URL without scheme, or a guid)."""
    return f"{prefix}:{hashlib.sha256(key.encode()).hexdigest()[:16]}"
