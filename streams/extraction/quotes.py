"""Who speaks a sentence of a quotation attributed in another sentence.

News quotes one speaker over several sentences and names them once: `Mr X said: "A. B."`, `"A. B," he said.`,
or `"A," he said. "B."`. The parser sees each sentence alone, so B (or A) has no speech verb of its own; this
maps such a sentence to the speech verb that attributes its quotation, whose subject is the speaker.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

__all__ = ["inside_quotes", "quote_speakers"]

_STRAIGHT, _OPENING, _CLOSING = '"', "“", "”"  # ‘ ’ double as apostrophes


def inside_quotes(text: str) -> bool:
    """Whether the end of ``text`` (a sentence up to the trigger) lies inside a quotation."""
    return text.count(_OPENING) > text.count(_CLOSING) or text.count(_STRAIGHT) % 2 == 1


def _quotations(lowers: list[str]) -> list[tuple[int, int]]:
    """(opening, closing) token indices of each double-quoted passage; an unclosed quote ends nothing."""
    spans, opened = [], None
    for i, low in enumerate(lowers):
        if low == _OPENING or (low == _STRAIGHT and opened is None):
            opened = i
        elif low in (_CLOSING, _STRAIGHT) and opened is not None:
            spans.append((opened, i))
            opened = None
    return spans


def _attribution(doc: Doc, outside: range, lowers: list[str], speech_verbs: frozenset[str]) -> Token | None:
    """A speech verb at token indices ``outside`` (a sentence's part outside the quotation) with a subject."""
    for i in outside:
        if lowers[i] in speech_verbs:
            tok = doc[i]
            if tok.pos_ == "VERB" and any(c.dep_ == "nsubj" for c in tok.children):
                return tok
    return None


def quote_speakers(
    sents: list[Span], sent_of: list[int], lowers: list[str], speech_verbs: frozenset[str]
) -> dict[int, Token]:
    """Sentence index -> the speech verb attributing its quotation from another sentence. ``sent_of`` and
    ``lowers``: each token's sentence index and lower-case text."""
    speakers: dict[int, Token] = {}
    attributed: dict[int, Token] = {}  # sentences holding an attribution of their own
    for opening, closing in _quotations(lowers):
        first, last = sent_of[opening], sent_of[closing]
        doc = sents[first].doc
        before = _attribution(doc, range(sents[first].start, opening), lowers, speech_verbs)
        after = _attribution(doc, range(closing + 1, sents[last].end), lowers, speech_verbs)
        if before is not None:
            attributed[first] = before
            speakers.update((s, before) for s in range(first + 1, last + 1))
        elif after is not None:
            attributed[last] = after
            speakers.update((s, after) for s in range(first, last))
        elif first == last and opening == sents[first].start:
            # `"A," he said. "B."`: an unattributed quote right after an attributed one continues it.
            previous = attributed.get(first - 1) or speakers.get(first - 1)
            if previous is not None:
                speakers[first] = previous
    return speakers
