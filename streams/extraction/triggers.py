"""Trigger lexicon index: word form -> candidate entries, and matching against parsed tokens."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from streams.extraction.lexicons import TriggerEntry

__all__ = ["TriggerIndex", "TriggerMatch", "inflections"]

_VOWELS = set("aeiou")
#: Dependents whose words can satisfy an entry's object constraint ("launch an attack", "put on alert").
_OBJ_DEPS = frozenset({"dobj", "nsubjpass", "attr", "oprd", "dative", "npadvmod", "acomp", "advmod"})


def _verb_forms(lemma: str) -> set[str]:
    forms = {lemma}
    if lemma.endswith("e"):
        forms |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and lemma[-2:-1] not in _VOWELS:
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    else:
        es = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "z", "o")) else "s")
        forms |= {es, lemma + "ed", lemma + "ing"}
        # Consonant doubling for short final syllables: "ban" -> "banned", "plan" -> "planning".
        if len(lemma) >= 3 and lemma[-1] not in _VOWELS | {"w", "x", "y"} and lemma[-2] in _VOWELS:
            if lemma[-3] not in _VOWELS:
                forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


def _noun_forms(lemma: str) -> set[str]:
    if lemma.endswith("s"):
        return {lemma}
    if lemma.endswith("y") and lemma[-2:-1] not in _VOWELS:
        return {lemma, lemma[:-1] + "ies"}
    return {lemma, lemma + ("es" if lemma.endswith(("sh", "ch", "x", "z")) else "s")}


def inflections(entry: TriggerEntry) -> set[str]:
    """Lower-case surface forms of the entry's (last) word; over-generation is harmless."""
    word = entry.lemma.split()[-1]
    forms = _verb_forms(word) if entry.pos == "verb" else _noun_forms(word)
    return forms | set(entry.forms)


@dataclass(frozen=True)
class TriggerMatch:
    entry: TriggerEntry
    token: Token
    tokens: tuple[Token, ...]  # every token of the trigger (verb, particle, object words)
    obj: Token | None  # the object noun of a light-verb construction


def _phrases(tok: Token) -> set[str]:
    """Lower-case readings of a dependent: head word, compound + head, prep + object ("on alert")."""
    words = {tok.lower_, tok.lower_.rstrip("s")}
    left = [c for c in tok.lefts if c.dep_ in ("compound", "amod")]
    if left:
        phrase = " ".join(c.lower_ for c in left) + " " + tok.lower_
        words |= {phrase, " ".join(c.lower_ for c in left[-1:]) + " " + tok.lower_}
    if tok.dep_ in ("prep", "agent"):
        for obj in tok.children:
            if obj.dep_ == "pobj":
                words |= {f"{tok.lower_} {w}" for w in _phrases(obj)}
    if tok.pos_ == "VERB" and tok.dep_ == "xcomp":
        words.add("to " + tok.lower_)
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ == "of" and tok.dep_ != "prep":
            # "state of emergency", "tons of food aid", "a team of monitors"
            inner = {w for obj in prep.children if obj.dep_ == "pobj" for w in _phrases(obj)}
            words |= inner | {f"{tok.lower_} of {w}" for w in inner}
    words |= {c.lower_ for c in tok.children if c.dep_ == "compound"}  # "aid deliveries", "aid program"
    for conj in tok.children:
        if conj.dep_ == "conj" and tok.dep_ != "conj":
            words |= _phrases(conj)  # "maps and other military intelligence"
    if tok.dep_ == "prep":
        words |= {w for obj in tok.children if obj.dep_ == "pobj" for w in _phrases(obj)}  # "engaged in ..."
    return words


def _marked_clause(tok: Token, word: str) -> bool:
    """ "called for their findings to be made public": the preposition marks a clause after the verb."""
    return any(
        c.dep_ in ("advcl", "ccomp") and c.i > tok.i and any(g.dep_ == "mark" and g.lower_ == word for g in c.children)
        for c in tok.children
    )


class TriggerIndex:
    """Maps a token's lower-case form to the lexicon entries it can realise."""

    def __init__(self, entries: tuple[TriggerEntry, ...]) -> None:
        self._verbs: dict[str, list[TriggerEntry]] = {}
        self._nouns: dict[str, list[TriggerEntry]] = {}
        for e in entries:
            table = self._verbs if e.pos == "verb" else self._nouns
            for form in inflections(e):
                table.setdefault(form, []).append(e)
        for table in (self._verbs, self._nouns):
            for lst in table.values():
                lst.sort(key=lambda e: (-e.specificity, " " not in e.lemma))
        self.forms = frozenset(self._verbs) | frozenset(self._nouns)

    def match(self, tok: Token) -> TriggerMatch | None:
        """The most specific entry the token realises in its parse, or None."""
        low = tok.lower_
        if tok.pos_ in ("VERB", "AUX") or (tok.tag_ == "VBN" and tok.pos_ == "ADJ"):
            for e in self._verbs.get(low, ()):
                m = self._verb(e, tok)
                if m is not None:
                    return m
            return None
        if tok.pos_ in ("NOUN", "PROPN"):
            for e in self._nouns.get(low, ()):
                if " " in e.lemma:
                    mod = " ".join(c.lower_ for c in tok.lefts if c.dep_ in ("compound", "amod"))
                    if not mod.endswith(e.lemma.rsplit(" ", 1)[0]):
                        continue
                return TriggerMatch(e, tok, (tok,), None)
        return None

    @staticmethod
    def _verb(e: TriggerEntry, tok: Token) -> TriggerMatch | None:
        if e.intransitive and any(c.dep_ in ("dobj", "ccomp") for c in tok.children):
            return None
        extra: list[Token] = []
        obj = None
        if e.prt:
            prt = next((c for c in tok.children if c.dep_ in ("prt", "prep", "advmod") and c.lower_ == e.prt), None)
            if prt is None:
                return None
            extra.append(prt)
        if e.prep:
            prep = next((c for c in tok.rights if c.dep_ in ("prep", "dative", "prt") and c.lower_ == e.prep), None)
            if prep is None and not _marked_clause(tok, e.prep):
                return None
        if e.obj:
            for child in tok.children:
                if child.dep_ in _OBJ_DEPS or child.dep_ in ("prep", "xcomp"):
                    if _phrases(child) & e.obj:
                        # A prepositional object ends the trigger at its noun: "converged for a rally".
                        pobj = next((g for g in child.children if g.dep_ == "pobj"), child)
                        obj = pobj if child.dep_ == "prep" else child
                        break
            if obj is None:
                return None
            extra.append(obj)
        return TriggerMatch(e, tok, (tok, *extra), obj)
