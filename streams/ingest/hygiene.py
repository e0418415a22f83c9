"""Text hygiene before publishing: mojibake repair, whitespace, HTML fragments to text, language."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import ftfy

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

__all__ = ["clean_line", "clean_text", "detect_language", "html_to_text"]

_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_BLOCK_TAGS = frozenset(
    {"address", "article", "blockquote", "br", "dd", "div", "dt", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6",
     "header", "footer", "hr", "li", "p", "pre", "section", "table", "tr"}
)  # fmt: skip
_SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript"})
# Keep curly quotes: they are the text as written, and the models read them fine.
_FTFY = ftfy.TextFixerConfig(uncurl_quotes=False)
_MIN_CONFIDENCE = 0.5
_NOT_LANGUAGES = frozenset({"und", "zxx"})


def clean_text(text: str) -> str:
    """Repair mojibake, collapse runs of spaces, keep paragraphs apart by one blank line."""
    fixed = ftfy.fix_text(text, _FTFY)
    lines = (_SPACES.sub(" ", line).strip() for line in fixed.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_line(text: str) -> str:
    """Like :func:`clean_text`, on one line (titles, source names)."""
    return " ".join(ftfy.fix_text(text, _FTFY).split())


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed summary), cleaned; block elements become paragraphs."""
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    return clean_text("".join(collector.parts))


@cache
def _identifier() -> LanguageIdentifier:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # numpy: only when a language is detected

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639 code of ``text`` (e.g. 'en', 'de'), or None when py3langid is not confident."""
    language, confidence = _identifier().classify(text[:5000])
    if language in _NOT_LANGUAGES or confidence < _MIN_CONFIDENCE:
        return None
    return str(language)
