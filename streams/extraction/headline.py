"""A headline run into the first sentence becomes a sentence of its own, before the parser runs.

Corpora and feeds that put the title in front of the body without a full stop ("Blair rejects Tory offer Tony Blair
has rejected a Conservative compromise offer ...", as in the BBC corpus) garble the lead's parse. The body's first
sentence restates the headline, so the headline ends before the capitalised word after which the most of the
headline's content words come back (within ``_WINDOW`` tokens), fewest left unrepeated. A capitalised function
word ("The", "Three") is a likely sentence start, one inside a run of capitalised words ("Prime Minister | Tony")
an unlikely one; a headline does not end with a function word. Texts of one or two sentences and texts opening
with a full sentence are left alone.
"""

from __future__ import annotations

from itertools import islice

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Token

__all__ = ["HEADLINE_PIPE", "headline_end"]

HEADLINE_PIPE = "headline_boundary"
#: Longest headline considered, in tokens; words of the body compared with it.
_MAX_TOKENS = 16
_WINDOW = 40
_ENDS = frozenset({".", "!", "?", ":", ";"})
#: Fewest sentence-ending marks for a text to be an article with a possible headline.
_MIN_ENDS = 2
_STEM = 4


def _stem(tok: Token) -> str | None:
    low = tok.lower_
    return low[:_STEM] if tok.is_alpha and len(low) >= _STEM and low not in STOP_WORDS else None


def _stems(tokens: Doc | list[Token]) -> set[str]:
    return {s for t in tokens if (s := _stem(t)) is not None}


def _capitalised(tok: Token) -> bool:
    return tok.text[:1].isupper()


def headline_end(doc: Doc) -> int | None:
    """Index of the body's first token when the text opens with a run-in headline, else None."""
    if next(islice((t for t in doc if t.text in _ENDS), _MIN_ENDS - 1, None), None) is None:
        return None  # fewer than _MIN_ENDS sentence ends (the scan stops at the second)
    best, best_score = None, 0.0
    for k in range(2, min(_MAX_TOKENS, len(doc) - 5)):
        if doc[k - 1].text in _ENDS:
            return None  # the text opens with a full sentence
        start, before = doc[k], doc[k - 1]
        if not _capitalised(start) or (before.lower_ in STOP_WORDS and not _capitalised(before)):
            continue  # "House of | Lords": a headline does not end with a function word
        head = _stems(doc[:k])
        common = head & _stems(doc[k : k + _WINDOW])
        function_word = start.lower_ in STOP_WORDS
        if len(common) < (1 if function_word else 2):
            continue
        score = len(common) - 0.5 * len(head - common)
        if function_word:
            score += 2.0
        elif _capitalised(before):
            score -= 1.0
        if score > best_score:
            best, best_score = k, score
    return best


@Language.component(HEADLINE_PIPE)
def mark_headline(doc: Doc) -> Doc:
    """Sets the body's first token as a sentence start; the parser keeps preset boundaries."""
    end = headline_end(doc)
    if end is not None:
        doc[end].is_sent_start = True
    return doc
