"""Body hygiene before coding: markup becomes text, invisible format controls (bidi, zero-width) go."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from schemas import Article
from streams.decode import Rejection
from streams.ingest.hygiene import html_to_text

__all__ = ["CleanedArticle", "clean_body"]

_HTML_ELEMENTS = (
    "a abbr article aside b blockquote body br caption center cite code dd del div dl dt em figcaption figure "
    "font footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins label li link main mark meta "
    "nav noscript ol option p picture pre q s script section select small source span strike strong style sub "
    "sup svg table tbody td tfoot th thead time title tr u ul video wbr"
).split()
# A tag of an HTML element, a comment or a doctype; "a < b > c" or "<said the minister>" is not markup.
_MARKUP = re.compile(
    rf"<(?:!--.*?-->|!doctype[^<>]*>|/?(?:{'|'.join(_HTML_ELEMENTS)})(?:\s[^<>]*)?/?>)", re.IGNORECASE | re.DOTALL
)


@dataclass(frozen=True)
class CleanedArticle:
    """The article to code and what was removed from its body (empty: the body as published)."""

    article: Article
    cleaned: tuple[str, ...] = ()


def _without_format_controls(text: str) -> str:
    """``text`` without Unicode format characters (category Cf: bidi embeddings and isolates, zero-width ones)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def clean_body(article: Article) -> CleanedArticle | Rejection:
    """Strip format controls and convert markup to text; a body with no text left is rejected."""
    body, cleaned = article.body, []
    stripped = _without_format_controls(body)
    if stripped != body:
        body = stripped
        cleaned.append("format_controls")
    if _MARKUP.search(body):
        body = html_to_text(body)
        cleaned.append("markup")
    if not cleaned:
        return CleanedArticle(article)
    if not body.strip():
        removed = " and ".join(part.replace("_", " ") for part in cleaned)
        return Rejection("validate", "no_text", f"the body has no text besides {removed}", article.id)
    return CleanedArticle(article.model_copy(update={"body": body}), tuple(cleaned))
