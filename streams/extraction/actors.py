"""Actor gazetteer and noun-phrase actor resolution (countries, seats of power, IGOs, leaders, sectors, pronouns)."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from schemas import Actor
from streams.extraction.lexicons import Leader, Lexicons
from streams.extraction.vocab import GROUPINGS, LOCATIVE, POLITICAL_SECTORS

__all__ = ["PRONOUNS", "DocActors", "Gazetteer", "Mention", "norm"]

#: Dependency labels that keep a token inside its head's noun phrase.
_NP_DEPS = frozenset(
    {"compound", "amod", "poss", "nmod", "appos", "flat", "det", "case", "nummod", "quantmod", "npadvmod"}
)
#: Labels by which a modifier hangs on the head it describes (climbed to find a mention's phrase head).
_MOD_DEPS = frozenset({"compound", "amod", "poss", "nmod", "flat", "case"})
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers"})
_THING_PRONOUNS = frozenset({"it", "its", "they", "them", "their"})
PRONOUNS = _PERSON_PRONOUNS | _THING_PRONOUNS
#: Mentions that name a state itself.
_STATE_KINDS = frozenset({"country", "capital", "seat"})
#: Sectors whose bare mention ("police", "the government") is taken to belong to the article's main country.
_DOMESTIC = frozenset({"GOV", "COP", "OPP", "LEG", "JUD", "CVL", "REB", "MIL", "PTY", "LAB", "MED", "EDU", "REL"})
_MIN_SENTENCES_FOR_CONTEXT = 3
#: Prepositions that place a group ("separatists in Ukraine"), and residents ("the Uzbeks of Osh").
_PLACING = frozenset({"in", "from", "inside"})
_RESIDENCE = _PLACING | {"of"}
#: Share of the country mentions that makes an article a one-country story: its unplaced people are of that country.
_ONE_COUNTRY_SHARE = 0.5
#: A city is taken as a place after these ("in Kabul") or as a possessor ("Kabul's mayor").
_PLACE_PREPOSITIONS = LOCATIVE | {"to", "of"}
_PATRONAGE = frozenset({"backed", "sponsored", "supported", "allied", "aligned", "funded", "armed", "trained"})
_TITLES = frozenset(
    {"president", "premier", "minister", "chancellor", "king", "queen", "prince", "emir", "sheikh", "sultan", "general",
     "gen", "colonel", "col", "secretary", "senator", "governor", "leader", "ayatollah", "dictator", "strongman",
     "former", "ex", "late", "ousted", "deposed", "exiled"}
)  # fmt: skip
#: Honorifics of news style: the surname after one names a public figure.
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "baroness", "dame"})
#: Heads that name one person holding an office: "he" can refer back to "the Tory leader".
_PERSON_ROLES = _TITLES | frozenset(
    {"spokesman", "spokeswoman", "spokesperson", "mp", "mep", "chairman", "chairwoman", "chief", "head", "official",
     "mayor", "ambassador", "envoy", "judge", "commissioner", "candidate", "councillor", "deputy", "lawmaker",
     "congressman", "congresswoman", "pm"}
)  # fmt: skip
#: Entity types of titles and named things, inside which a person's name names no actor.
_TITLE_ENTS = frozenset({"WORK_OF_ART", "ORG", "FAC", "EVENT", "PRODUCT", "LAW"})
_QUOTES = str.maketrans({"’": "'", "‘": "'", "′": "'", "`": "'"})


def norm(text: str) -> str:
    """Lower-case, unify apostrophes and drop a trailing one ("U.S.′" -> "u.s.")."""
    return text.lower().translate(_QUOTES).rstrip("'") or "'"


@dataclass(frozen=True)
class _Entry:
    kind: str  # country | capital | seat | demonym | org | leader | sector | person | place | orgent (NER only)
    name: str
    country: str | None = None
    sector: str | None = None
    leaders: tuple[Leader, ...] = ()
    exact: str | None = None  # surface that must match case-sensitively (short acronyms like "US", "IS")


@dataclass(frozen=True)
class Mention:
    """A gazetteer or NER hit: tokens [start, end) of the doc."""

    start: int
    end: int
    entry: _Entry


class Gazetteer:
    """Multi-token dictionary over normalised token texts, longest match first."""

    def __init__(
        self, nlp: Language, lex: Lexicons, places: dict[str, str], place_alts: dict[str, frozenset[str]] | None = None
    ) -> None:
        self.place_alts = place_alts or {}  # ambiguous city name -> the countries that have a city of that name
        self.group_nouns = lex.modality.group_nouns
        self.roles = lex.modality.nonpolitical_roles
        self.collective_pairs = lex.modality.collective_pairs
        self.places = places  # lower-case city name -> ISO alpha-3 of its country
        self._table: dict[tuple[str, ...], _Entry] = {}
        self._lengths: dict[str, int] = {}
        self.country_names = {c.code: c.name for c in lex.countries}
        tok = nlp.tokenizer
        for org in lex.organizations:
            for n in org.names:
                self._add(tok, n, _Entry("org", org.names[0], org.country, org.sector))
        for c in lex.countries:
            for n in (c.name, *c.aliases):
                self._add(tok, n, _Entry("country", c.name, c.code))
            for n in c.seats:
                self._add(tok, n, _Entry("seat", c.name, c.code, "GOV"))
            for n in c.capitals:
                self._add(tok, n, _Entry("capital", c.name, c.code, "GOV"))
            for n in c.demonyms:
                self._add(tok, n, _Entry("demonym", c.name, c.code))
        by_surface: dict[str, list[Leader]] = {}
        for leader in lex.leaders:
            for n in (leader.name, *leader.aliases):
                by_surface.setdefault(n, []).append(leader)
        for n, leaders in by_surface.items():
            self._add(tok, n, _Entry("leader", leaders[0].name, leaders[0].country, leaders[0].sector, tuple(leaders)))
        for actor in lex.phoenix:
            if actor.kind == "person":
                first = actor.codes[0]
                entry = _Entry("leader", first.name, first.country, first.sector, actor.codes)
            else:
                code = actor.codes[-1]  # a named group keeps its standing code (the undated one, listed last)
                entry = _Entry("org", code.name, code.country, code.sector)
            for key in actor.names:
                self._put(key, entry)
        for term, sector in lex.sectors.items():
            self._add(tok, term, _Entry("sector", term, None, sector))
        for term, sector in lex.phoenix_agents.items():
            self._put(tuple(term.split()), _Entry("sector", term, None, sector))
        self.sector_starts = {key[0] for key, entry in self._table.items() if entry.kind == "sector"}

    def _add(self, tok: Callable[[str], Doc], surface: str, entry: _Entry) -> None:
        words = [t.text for t in tok(surface)]
        if entry.kind != "sector" and surface.isupper() and len(surface) <= 4:
            entry = _Entry(entry.kind, entry.name, entry.country, entry.sector, entry.leaders, surface)
        self._put(tuple(norm(w) for w in words), entry)

    def _put(self, key: tuple[str, ...], entry: _Entry) -> None:
        if key in self._table and not (entry.kind == "leader" and self._table[key].kind == "sector"):
            return  # first source wins: organizations, countries, leaders, then sector words
        self._table[key] = entry
        self._lengths[key[0]] = max(self._lengths.get(key[0], 0), len(key))

    def scan(self, doc: Doc, day: dt.date, lowers: list[str]) -> list[Mention]:
        """Gazetteer hits, longest first; ``lowers`` are the doc's lower-case token texts."""
        norms = [norm(low) for low in lowers]
        out: list[Mention] = []
        i, n = 0, len(doc)
        while i < n:
            if norms[i].endswith("-led") and norms[i][:-4] in self._lengths:
                norms[i] = norms[i][:-4]  # "Kenyan-led troops": led by Kenya
            longest = self._lengths.get(norms[i], 0)
            hit = None
            for size in range(min(longest, n - i), 0, -1):
                entry = self._table.get(tuple(norms[i : i + size]))
                if entry is not None and self._accept(doc, i, size, entry, day):
                    hit = Mention(i, i + size, entry)
                    break
            if hit is None:
                i += 1
                continue
            out.append(hit)
            i = hit.end
        return _placed_surnames(doc, out)

    def _accept(self, doc: Doc, i: int, size: int, entry: _Entry, day: dt.date) -> bool:
        first = doc[i]
        if entry.kind == "country" and not self._country_sense(doc, i, size):
            return False
        if entry.exact is not None:
            return doc[i : i + size].text.rstrip("’′'") == entry.exact
        if entry.kind == "leader" and size == 1:
            prev = doc[i - 1] if i > 0 else None
            # A bare surname outside its holder's term needs a title before it ("President Carter"); a capitalised
            # word in a title-case headline ("Taylor poised for Scotland return") is no title.
            titled = prev is not None and (
                prev.lower_.rstrip(".") in _TITLES
                or (prev.lower_.rstrip(".") not in ("mr", "mrs", "ms", "dr") and prev.text[:1].isupper())
            )
            if not titled and not any(leader.active_on(day) for leader in entry.leaders):
                return False
        if entry.kind == "sector" or entry.name.islower():
            return True
        if first.lower_ != "the" and not first.text[:1].isupper():
            return False
        # "pro-Russian", "anti-American", "Syrian-backed": attitude or patronage, not nationality.
        if i >= 2 and doc[i - 1].text == "-" and doc[i - 2].lower_ in ("pro", "anti"):
            return False
        end = i + size
        return not (end + 1 < len(doc) and doc[end].text == "-" and doc[end + 1].lower_ in _PATRONAGE)

    def _country_sense(self, doc: Doc, i: int, size: int) -> bool:
        """False for a country name inside a longer person name ("Michael Jordan") or naming a US state after one
        of its cities ("Atlanta, Georgia")."""
        first, end = doc[i], i + size
        if first.ent_type_ == "PERSON" and (
            first.ent_iob_ == "I" or (end < len(doc) and doc[end].ent_iob_ == "I" and doc[end].ent_type_ == "PERSON")
        ):
            return False
        if i >= 2 and doc[i - 1].text == "," and doc[i - 2].pos_ == "PROPN":
            return self.places.get(doc[i - 2].lower_) != "USA" or doc[i - 2].lower_ == doc[i].lower_
        return True


def _placed_surnames(doc: Doc, hits: list[Mention]) -> list[Mention]:
    """Drop a leader's bare surname when the article names another person of that surname in full: "Simon Taylor"
    is not Charles Taylor, nor is a later "Mr Taylor"."""
    others: dict[str, set[str]] = {}  # surname -> given names of people named in full
    for ent in doc.ents:
        if ent.label_ == "PERSON" and len(ent) > 1:
            others.setdefault(ent[-1].lower_, set()).add(ent[0].lower_)

    def other_person(h: Mention) -> bool:
        given = {w.lower() for leader in h.entry.leaders for w in leader.name.split()}
        return bool(others.get(doc[h.start].lower_, set()) - given)

    return [h for h in hits if h.entry.kind != "leader" or h.end - h.start > 1 or not other_person(h)]


def _honoured(lowers: list[str]) -> tuple[set[str], set[str]]:
    """Lower-case surnames written after an honorific: each part of a hyphenated one ("Mr Kilroy-Silk"), and the
    single-word ones alone ("Mr Cable")."""
    parts: set[str] = set()
    single: set[str] = set()
    for i, low in enumerate(lowers[:-1]):
        if low.rstrip(".") not in _HONORIFICS:
            continue
        j = i + 1
        parts.add(lowers[j])
        if j + 1 >= len(lowers) or lowers[j + 1] != "-":
            single.add(lowers[j])
        while j + 2 < len(lowers) and lowers[j + 1] == "-":
            j += 2
            parts.add(lowers[j])
    return parts, single


def political(actor: Actor | None) -> bool:
    """A state, grouping or political sector: "Britain", "the EU", "ministers" (not a firm, a charity, citizens)."""
    if actor is None:
        return False
    return actor.sector in POLITICAL_SECTORS or (actor.sector is None and actor.country not in (None, "NGO"))


@dataclass
class DocActors:
    """Actor resolution over one parsed document; caches per phrase head."""

    gaz: Gazetteer
    doc: Doc
    day: dt.date
    mentions: list[Mention] = field(default_factory=list)
    by_token: dict[int, Mention] = field(default_factory=dict)
    _cache: dict[int, Actor | None] = field(default_factory=dict)
    _persons: dict[str, Actor] = field(default_factory=dict)
    _resolved: list[tuple[int, Actor, bool]] = field(default_factory=list)  # (head index, actor, is person)
    dominant: str | None = None
    home: str | None = None  # the dominant country when the article is about that one country
    addressed: set[str] = field(default_factory=set)  # lower-case surnames written after an honorific
    _unaddressed: set[str] = field(default_factory=set)  # names of people placed only by the story's country
    long_enough: bool = False
    sent_of: list[int] = field(default_factory=list)  # sentence index of each token (Token.sent is O(n))
    sent_starts: list[int] = field(default_factory=list)  # first token of each sentence
    sents: list[Span] = field(default_factory=list)
    lowers: list[str] = field(default_factory=list)  # lower-case text of each token
    text: str = ""  # doc.text, cached: spaCy rebuilds it on every access
    context: Counter[str] = field(default_factory=Counter)  # country code -> gazetteer mentions (before cities)

    @classmethod
    def build(cls, gaz: Gazetteer, doc: Doc, day: dt.date) -> DocActors:
        self = cls(gaz, doc, day, text=doc.text)
        self.sents = list(doc.sents)  # Doc.sents walks every token: once per document
        for s_idx, sent in enumerate(self.sents):
            self.sent_starts.append(sent.start)
            self.sent_of.extend([s_idx] * len(sent))
        self.long_enough = len(self.sent_starts) >= _MIN_SENTENCES_FOR_CONTEXT
        strings = doc.vocab.strings  # lower-case forms by hash: no Token object per word
        self.lowers = [strings[h] for h in doc.to_array("LOWER").tolist()]
        self.mentions = [m for m in gaz.scan(doc, day, self.lowers) if not self._inside_name(m)]
        covered = {i for m in self.mentions for i in range(m.start, m.end)}
        self.context = Counter(
            m.entry.country
            for m in self.mentions
            if m.entry.country
            and m.entry.kind != "sector"
            and not (m.entry.kind == "capital" and doc[m.start : m.end].text.lower() in gaz.place_alts)
        )
        if gaz.place_alts:
            self.mentions = [self._disambiguated(m) for m in self.mentions]
        surnames: set[str] = set()
        for ent in doc.ents:
            if any(i in covered for i in range(ent.start, ent.end)):
                continue
            located = ent.root.dep_ == "poss" or (
                ent.root.dep_ == "pobj" and ent.root.head.lower_ in _PLACE_PREPOSITIONS
            )
            if ent.label_ in ("GPE", "LOC") and located and (country := gaz.places.get(ent.text.lower())) is not None:
                alts = gaz.place_alts.get(ent.text.lower())
                if alts:  # "Tripoli" in an article about Lebanon is the Lebanese city
                    best = max(alts, key=lambda c: self.context.get(c, 0))
                    country = best if self.context.get(best, 0) > 0 else country
                self.mentions.append(Mention(ent.start, ent.end, _Entry("place", ent.text, country)))
                covered.update(range(ent.start, ent.end))
            if ent.label_ == "ORG" and not self.long_enough:
                # In a lone sentence an unknown organisation is still the best available actor.
                self.mentions.append(Mention(ent.start, ent.end, _Entry("orgent", ent.text)))
                covered.update(range(ent.start, ent.end))
            if ent.label_ == "PERSON":
                self.mentions.append(Mention(ent.start, ent.end, _Entry("person", ent.text)))
                covered.update(range(ent.start, ent.end))
                surnames.add(ent[-1].lower_)
        # Surnames the article gives an honorific: public figures, in the style of news reports ("Mr Fallon").
        self.addressed, single = _honoured(self.lowers)
        # Later bare surnames the tagger missed or mislabelled ("Diaz-Canel praised ..."), and any proper noun written
        # after an honorific ("Mr Cable also accused ...").
        surnames |= single
        for i in (i for i, low in enumerate(self.lowers) if low in surnames and i not in covered):
            if doc[i].pos_ == "PROPN":
                self.mentions.append(Mention(i, i + 1, _Entry("person", doc[i].text)))
        self.mentions.sort(key=lambda m: m.start)
        for m in self.mentions:
            for i in range(m.start, m.end):
                self.by_token[i] = m
        counts = Counter(m.entry.country for m in self.mentions if m.entry.country and m.entry.country not in GROUPINGS)
        # Bare "police" or "the government" belong to the article's main country, in real articles only.
        self.dominant = counts.most_common(1)[0][0] if counts and self.long_enough else None
        if self.dominant is not None and counts[self.dominant] >= _ONE_COUNTRY_SHARE * counts.total():
            self.home = self.dominant
        for head in self.heads():
            actor = self.resolve(head)
            if actor is not None:
                self._resolved.append((head.i, actor, self._is_person(head)))
        return self

    def _disambiguated(self, m: Mention) -> Mention:
        """A capital's name shared with a city of a country the article is about, while the capital's own country
        is not mentioned otherwise ("Tripoli" in a report on Lebanon), is that city."""
        if m.entry.kind != "capital":
            return m
        alts = self.gaz.place_alts.get(self.doc[m.start : m.end].text.lower())
        if not alts or self.context.get(m.entry.country or "", 0) > 0:
            return m
        best = max(alts, key=lambda c: self.context.get(c, 0))
        if best == m.entry.country or self.context.get(best, 0) == 0:
            return m
        return Mention(m.start, m.end, _Entry("place", m.entry.name, best))

    def _inside_name(self, m: Mention) -> bool:
        """A place starting a longer proper name is part of that name ("the Paris Club", "the Washington Post"), a
        grouping starting a place name too ("West Africa"), and a person inside a title ("The Blair Witch Project")."""
        first, last = self.doc[m.start], self.doc[m.end - 1]
        if m.entry.kind in ("leader", "person") and first.ent_type_ in _TITLE_ENTS:
            ent = next(e for e in self.doc.ents if e.start <= m.start < e.end)
            return ent.start < m.start or ent.end > m.end
        if m.end >= len(self.doc):
            return False
        nxt = self.doc[m.end]
        continued = nxt.ent_iob_ == "I" and nxt.pos_ == "PROPN" and last.ent_type_ == nxt.ent_type_
        if m.entry.kind == "org" and m.entry.country in GROUPINGS:
            return continued and nxt.ent_type_ in ("GPE", "LOC")
        if m.entry.kind not in ("country", "capital", "seat"):
            return False
        in_name = nxt.ent_type_ in ("ORG", "FAC", "WORK_OF_ART") and nxt.ent_iob_ == "I" and nxt.pos_ == "PROPN"
        return in_name and norm(nxt.text) not in self.gaz.sector_starts  # "Moscow Foreign Ministry" stays Russian

    def heads(self) -> list[Token]:
        """Phrase heads of all mentions, in text order."""
        seen: dict[int, Token] = {}
        for m in self.mentions:
            tok = self.doc[m.end - 1]
            while tok.dep_ in _MOD_DEPS and tok.head.i != tok.i and tok.head.pos_ in ("NOUN", "PROPN"):
                tok = tok.head
            seen.setdefault(tok.i, tok)
        return sorted(seen.values(), key=lambda t: t.i)

    def resolved(self) -> list[tuple[int, Actor, bool]]:
        return self._resolved

    def _is_person(self, head: Token) -> bool:
        """A named person, or a singular office holder ("the Tory leader", "the chancellor")."""
        m = self.by_token.get(head.i)
        if m is not None and m.entry.kind in ("leader", "person"):
            return True
        return head.tag_ == "NN" and head.lower_ in _PERSON_ROLES

    def _phrase(self, head: Token) -> list[Token]:
        out = [head]
        stack = [head]
        while stack:
            tok = stack.pop()
            for child in tok.children:
                # "leaders of the opposition"; "Vincent Cable, for the Liberal Democrats, ...": who one speaks for.
                spoken_for = child.lower_ == "for" and child.i > 0 and self.lowers[child.i - 1] == ","
                if child.dep_ in _NP_DEPS or (child.dep_ == "prep" and (child.lower_ == "of" or spoken_for)):
                    out.append(child)
                    stack.append(child)
                elif child.dep_ == "pobj" and tok.dep_ == "prep":
                    out.append(child)
                    stack.append(child)
        return out

    def _leader(self, leaders: tuple[Leader, ...]) -> Leader:
        for leader in leaders:
            if leader.active_on(self.day):
                return leader
        return leaders[0]

    def resolve(self, head: Token) -> Actor | None:
        """The actor named by the noun phrase headed by ``head``, or None."""
        if head.i in self._cache:
            return self._cache[head.i]
        actor = self._resolve(head)
        self._cache[head.i] = actor
        if actor is not None and head.lower_ in PRONOUNS and head.dep_ in ("nsubj", "nsubjpass"):
            # A resolved subject pronoun is a link in the chain: "Mr Howard said ... He added ... He urged ...".
            bisect.insort(self._resolved, (head.i, actor, head.lower_ in _PERSON_PRONOUNS), key=lambda r: r[0])
        return actor

    def _resolve(self, head: Token) -> Actor | None:
        low = head.lower_
        if low in PRONOUNS:
            return self.pronoun(head)
        if head.i not in self.by_token:
            # "thousands of students", "leaders of the opposition": the of-complement names the actor.
            for pobj in (g for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children):
                if pobj.dep_ == "pobj" and (inner := self.resolve(pobj)) is not None:
                    return inner
        parts = self._parts(head)
        if parts is None:
            return None
        country_m, sector_m, person, tokens = parts
        country = sector = None
        name = ""
        used = [m for m in (country_m, sector_m, person) if m is not None]
        if country_m is not None:
            e = country_m.entry
            country, name = e.country, e.name
            if country_m.start <= head.i < country_m.end or e.kind == "org":
                sector = e.sector
            elif e.kind in ("capital", "seat") and self.doc[country_m.end - 1].dep_ == "poss":
                sector = e.sector  # "Moscow's demands": the capital stands for the government
            ethnic = any(t.lower_ == "ethnic" for t in head.lefts)
            if e.kind == "demonym" and (country_m.start <= head.i < country_m.end or ethnic):
                # "ethnic Uzbeks in southern Kyrgyzstan", "the Uzbeks of Osh": residents are coded by where they live,
                # and ethnic groups by where their clause happens ("ethnic Uzbeks marched in Osh").
                clause = head.head if ethnic and head.dep_ == "nsubj" else None
                country = (
                    self._located_country(head, _RESIDENCE)
                    or (self._located_country(clause) if clause is not None else None)
                    or country
                )
        if sector_m is not None:
            sector = sector_m.entry.sector
        if person is not None:
            pname, pcountry, psector = self._person(person)
            name = pname
            country = country or pcountry
            sector = sector or psector
        if country is None:
            country = self._possessive_pronoun_country(tokens) or self._located_country(head)
        if country is None and sector in _DOMESTIC:
            country = self.dominant
        if country is None and person is not None and self.home is not None:
            country = self.home  # "Mr Fallon said" in a report on British politics
            public = sector in POLITICAL_SECTORS or self._holds_office(head, tokens)
            if self.doc[person.end - 1].lower_ not in self.addressed and not public:
                self._unaddressed.add(name)  # "Reid rejected a move": placed, but no source (unless "MEP Reid")
        if not name:
            name = self.doc[used[0].start : used[0].end].text
        start = min(self.doc[m.start].idx for m in used)
        last = max(used, key=lambda m: m.end)
        end_tok = self.doc[last.end - 1]
        end = end_tok.idx + len(end_tok.text.rstrip("’′'") or end_tok.text)
        actor = Actor(text=self.text[start:end], name=name, country=country, sector=sector, start=start, end=end)
        if person is not None and country is not None:
            self._persons[self.doc[person.end - 1].lower_] = actor
        return actor

    @staticmethod
    def _holds_office(head: Token, tokens: list[Token]) -> bool:
        """An office named in the phrase or in apposition: "PCS leader Mark Serwotka", "Trevor Phillips, chairman
        of the Commission for Racial Equality"."""
        appositions = [c for c in head.children if c.dep_ == "appos"]
        return any(t.lower_ in _PERSON_ROLES for t in [*tokens, *appositions] if t.i != head.i)

    def _parts(self, head: Token) -> tuple[Mention | None, Mention | None, Mention | None, list[Token]] | None:
        """The country-bearing, sector and person mentions of the phrase, or None when it names no actor."""
        tokens = self._phrase(head)
        if any(t.lower_ in self.gaz.roles and t.i <= head.i for t in tokens):
            return None  # "the Welsh runner", "England coach Andy Robinson", "US food giant": not political actors
        head_m = self.by_token.get(head.i)
        country_m = sector_m = person = None
        # The head itself first, then the modifiers closest to it.
        found = sorted({m for t in tokens if (m := self.by_token.get(t.i)) is not None}, key=lambda m: m.start)
        for m in sorted(found, key=lambda m: (m is not head_m, abs(m.start - head.i))):
            kind = m.entry.kind
            if kind in ("leader", "person"):
                person = person or m
            elif kind == "sector":
                # Only the head or its pre-modifiers: "government forces", not "(Party of the Poor)".
                if sector_m is None and head.left_edge.i <= m.start and m.end - 1 <= head.i:
                    sector_m = m
            elif country_m is None:
                country_m = m
        titled = sector_m is not None and (
            sector_m is head_m or head.pos_ == "PROPN" or head.lower_ in self.gaz.group_nouns
        )
        if country_m is None and person is None and not titled:
            return None  # "joint military exercises" names no actor
        return country_m, sector_m, person, tokens

    def resolve_all(self, head: Token) -> list[Actor]:
        """The phrase's actor, split per coordinated country modifier ("Hungarian and Romanian officials"), or
        the two countries a pair names ("both sides", "the two countries")."""
        if head.lower_ in self.gaz.collective_pairs and any(c.lower_ in ("both", "two") for c in head.children):
            return [self._at(a, head) for a in self._latest_pair(head)]
        actor = self.resolve(head)
        if actor is None or head.lower_ in PRONOUNS:
            return [actor] if actor is not None else []
        parts = self._parts(head)
        country_m = parts[0] if parts else None
        if country_m is None or country_m.start <= head.i < country_m.end:
            return [actor]
        out = [actor]
        for conj in self.doc[country_m.end - 1].children:
            m = self.by_token.get(conj.i)
            if conj.dep_ == "conj" and m is not None and m.entry.country and m.entry.kind != "sector":
                s = self.doc[m.start].idx
                e = self.doc[m.end - 1].idx + len(self.doc[m.end - 1].text)
                text = self.text[s:e]
                out.append(actor.model_copy(update={"country": m.entry.country, "name": m.entry.name, "text": text,
                                                    "start": s, "end": e}))  # fmt: skip
        return out

    def _latest_pair(self, tok: Token) -> list[Actor]:
        """The two latest actors of different countries (not people) in this or the two previous sentences, else
        none."""
        window = self.sent_starts[max(self.sent_of[tok.i] - 2, 0)]
        found: dict[str, Actor] = {}
        for idx, actor, is_person in reversed(self._resolved):
            if idx >= tok.i or is_person or actor.country in (None, *GROUPINGS):
                continue
            if idx < window:
                break
            name = self.gaz.country_names.get(actor.country, actor.country)
            found.setdefault(actor.country, actor.model_copy(update={"sector": None, "name": name}))
            if len(found) == 2:
                return list(found.values())
        return []

    def _person(self, m: Mention) -> tuple[str, str | None, str | None]:
        if m.entry.kind == "leader":
            leader = self._leader(m.entry.leaders)
            return leader.name, leader.country, leader.sector
        known = self._persons.get(self.doc[m.end - 1].lower_)
        if known is not None:
            return known.name, known.country, known.sector
        return m.entry.name, None, None

    def _possessive_pronoun_country(self, tokens: list[Token]) -> str | None:
        for tok in tokens:
            if tok.dep_ == "poss" and tok.pos_ == "PRON":
                ref = self.pronoun(tok)
                if ref is not None:
                    return ref.country
        return None

    def codable(self, actor: Actor) -> bool:
        """Whether an actor can be an event source: it has a country / grouping code, or (in a short text
        without context to place it) a sector or an organisation name. Unplaced people and firms are not, nor
        people the story places but never calls "Mr", "Ms" … (players, performers)."""
        if actor.country is not None:
            return actor.name not in self._unaddressed
        if self.long_enough:
            return False
        return actor.sector is not None or self._kind_at(actor.start) == "orgent"

    def is_politician(self, actor: Actor) -> bool:
        """A party, legislator or named person outside the armed forces: whose "attacks" are words."""
        if actor.sector in ("PTY", "OPP", "LEG"):
            return True
        return bool(self._kinds(actor) & {"leader", "person"}) and actor.sector not in ("MIL", "REB", "COP")

    def judgeable(self, actor: Actor, heads: list[Token]) -> bool:
        """Whom reported criticism can judge: a political body, a person, or a state named as the phrase's head
        ("Britain is heading in the wrong direction"); not a country's people ("Britons"), a pronoun standing for
        a thing or a country ("it"), nor a country modifying something else ("the US trade deficit")."""
        if actor.sector is not None:
            return True
        if self._kinds(actor) & {"leader", "person"} or actor.text.lower() in _PERSON_PRONOUNS:
            return True
        return self._kind_at(actor.start) in _STATE_KINDS and any(actor.start <= h.idx < actor.end for h in heads)

    def _kinds(self, actor: Actor) -> set[str]:
        """Kinds of the gazetteer mentions inside the actor's phrase ("South African president Thabo Mbeki": a
        demonym and a leader)."""
        span = self.doc.char_span(actor.start, actor.end, alignment_mode="expand")
        if span is None:
            return set()
        return {m.entry.kind for i in range(span.start, span.end) if (m := self.by_token.get(i)) is not None}

    def _kind_at(self, offset: int) -> str | None:
        tok = self.doc.char_span(offset, offset + 1, alignment_mode="expand")
        m = self.by_token.get(tok.start) if tok is not None else None
        return m.entry.kind if m is not None else None

    def localize(self, actor: Actor, clause: Token) -> Actor:
        """A country-less group takes the country where its clause happens ("students demonstrated in Kenya")."""
        if actor.country is not None or actor.sector is None:
            return actor
        country = self._located_country(clause)
        return actor.model_copy(update={"country": country}) if country else actor

    def _located_country(self, head: Token, preps: frozenset[str] = _PLACING) -> str | None:
        """Country of an "in/from X" complement in the phrase: "separatists in eastern Ukraine",
        "refugees fleeing the war in Liberia"."""
        for prep in head.subtree:
            own = prep.head.i == head.i or prep.head.dep_ != "nsubj"  # not the "in" of a subject inside the phrase
            if prep.dep_ == "prep" and prep.lower_ in preps and own:
                for tok in (t for p in prep.children if p.dep_ == "pobj" for t in self._phrase(p)):
                    m = self.by_token.get(tok.i)
                    if m is not None and m.entry.country and m.entry.kind in ("country", "capital", "place"):
                        return m.entry.country
        return None

    def pronoun(self, tok: Token) -> Actor | None:
        """Back-reference: the latest subject actor of the right kind (person or not) in this or the two
        previous sentences, else the latest such actor earlier in the same sentence, else (for "he", "she") the
        latest person named in that window."""
        want_person = tok.lower_ in _PERSON_PRONOUNS
        s_idx = self.sent_of[tok.i]
        sent_start, window = self.sent_starts[s_idx], self.sent_starts[max(s_idx - 2, 0)]
        fallback = latest = None
        unnamed = -1 if want_person else self._unplaced_subject(window, tok.i)
        for idx, actor, is_person in reversed(self._resolved):
            if idx >= tok.i or is_person != want_person:
                continue
            if idx < max(window, unnamed):
                break  # "Heineken said it plans ...": "it" is the firm, not a country named earlier
            if self.doc[idx].dep_ in ("nsubj", "nsubjpass"):
                return self._at(actor, tok)
            if fallback is None and idx >= sent_start:
                fallback = actor
            latest = latest or actor
        found = fallback or (latest if want_person else None)
        return self._at(found, tok) if found is not None else None

    def _unplaced_subject(self, start: int, end: int) -> int:
        """Index of the latest subject in [start, end) that names an organisation the gazetteer does not know (a
        firm, a club), else -1."""
        for i in range(end - 1, start - 1, -1):
            t = self.doc[i]
            if t.dep_ in ("nsubj", "nsubjpass") and t.ent_type_ == "ORG" and i not in self.by_token:
                return i
        return -1

    @staticmethod
    def _at(actor: Actor, tok: Token) -> Actor:
        return actor.model_copy(update={"text": tok.text, "start": tok.idx, "end": tok.idx + len(tok.text)})
