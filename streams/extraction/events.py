"""Sentence-level event coding: trigger matches -> (source, target) actors, with factuality and modality rules."""

from __future__ import annotations

from dataclasses import dataclass, fields
from itertools import product

from spacy.tokens import Span, Token

from schemas import Actor
from streams.extraction.actors import PRONOUNS, DocActors, political
from streams.extraction.lexicons import CameoCode, Modality, TriggerEntry, quad_class
from streams.extraction.quotes import quote_speakers
from streams.extraction.triggers import TriggerIndex, TriggerMatch
from streams.extraction.vocab import GROUPINGS, LOCATIVE

__all__ = ["CodedEvent", "ParseSignals", "SentenceCoder", "actor_key"]

#: Edges along which a trigger is the content of a governing trigger ("refused to accept", "accused X of attacking").
_NEST_DEPS = frozenset({"xcomp", "ccomp", "pcomp", "pobj", "prep", "dobj", "nsubjpass", "attr", "oprd"})
_NEST_PREPS = frozenset({"of", "for", "to", "about", "over", "on", "against", "with", "into"})
#: Prepositions introducing a target, most telling first ("against the government" beats "in the capital").
_PREP_ORDER = (
    "against", "on", "upon", "with", "between", "to", "toward", "towards", "at", "into", "from", "by", "of", "over",
    "for", "in",
)  # fmt: skip
_TARGET_PREPS = frozenset(_PREP_ORDER) - {"by"}
_OBJ_PREPS = frozenset(_PREP_ORDER) - {"in", "for", "over"}
#: Clause links across which a verb shares its governor's subject ("agreed to meet", "met and signed").
_SUBJ_CLIMB = frozenset({"xcomp", "conj", "advcl", "acomp"})
_RELATIVE = frozenset({"that", "which", "who", "whom"})
_COOPERATIVE = frozenset({"AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT"})
_MATERIAL_CONFLICT = frozenset({"PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"})
#: Entity types whose words are never triggers ("March" the month, "Strike" in a title, "Rally Ltd").
_NOT_EVENT_ENTS = frozenset(
    {"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "ORDINAL", "QUANTITY", "PERSON", "WORK_OF_ART", "LAW"}
)
#: A place after these prepositions is where the act happens ("signed the deal in Buenos Aires"): never a target of
#: the source's own country. "withdrew from Iraq" and "moved into Iraq" still name one.
_WHERE = LOCATIVE - {"from", "into"}
_PLACE_KINDS = frozenset({"country", "capital", "seat", "place"})
#: Types whose acts need not be done to anyone: promises, resignations, protests, mobilisation.
_UNDIRECTED = frozenset({"AGREE", "RETREAT", "PROTEST", "MOBILIZE"})
#: Acts two coordinated parties do with each other when no one else is named ("the EU and the US agreed").
_MUTUAL = frozenset({"AGREE", "CONSULT", "COOPERATE"})
#: Sectors that act for a state: a warning that one of them will act is the state's threat.
_STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "SPY"})
#: "A scathing attack on X" is criticism (CAMEO 111), not force.
_CRITICIZE = "111"


@dataclass(frozen=True)
class ParseSignals:
    """How the parse supports a coded event; the confidence model (streams.extraction.confidence) weighs them."""

    noun: bool  # an event noun ("the attack"), not a verb
    weak: bool  # a verb that needs a target ("helped")
    specific: bool  # a light verb, particle or preposition entry ("launched an attack", "called for")
    main: bool  # the sentence's main predicate (or coordinated with it)
    source_direct: bool  # the source is the trigger's own subject or agent
    source_pronoun: bool  # ... a pronoun resolved to an earlier actor
    source_missing: bool  # no source (a passive act of force with a named victim)
    target_parsed: bool  # the target is an object or complement of the trigger
    target_guessed: bool  # the target is another actor of the clause, or implied
    untargeted_act: bool  # no target, for an act done to someone (any type but AGREE, RETREAT, PROTEST, MOBILIZE)

    def vector(self) -> tuple[float, ...]:
        return tuple(float(getattr(self, f.name)) for f in fields(self))


@dataclass(frozen=True)
class CodedEvent:
    match: TriggerMatch
    cameo: str  # the entry's code, or its intent / threat / rejection recoding
    source: Actor | None
    target: Actor | None
    signals: ParseSignals
    date: Span | None  # the DATE entity that dates the event, if any


def _conj_group(tok: Token) -> list[Token]:
    out = [tok]
    for child in tok.children:
        if child.dep_ == "conj" and child.pos_ in ("NOUN", "PROPN", "PRON"):
            out.extend(_conj_group(child))
    return out


def _asks_to_act(tok: Token) -> bool:
    """Someone asked to do something: an object and a to-infinitive ("told the BBC to act"), or an infinitive clause
    with its own subject ("wants the richer countries to do more")."""

    def infinitive(c: Token) -> bool:
        return any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)

    addressed = any(c.dep_ in ("dobj", "dative") for c in tok.children)
    return any(
        (c.dep_ == "xcomp" and addressed and infinitive(c))
        or (c.dep_ == "ccomp" and infinitive(c) and any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children))
        for c in tok.children
    )


def _obliges(verb: Token) -> bool:
    """ "has to go", "needed to take more action": the verb governs a to-infinitive."""
    return verb.pos_ in ("VERB", "AUX") and any(
        c.dep_ == "xcomp" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children) for c in verb.children
    )


def _nested(m: TriggerMatch, matched: dict[int, TriggerMatch]) -> bool:
    cur = m.token
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in cur.children):
        # "refusal last week to concede": an infinitive right after a verbal-act noun is its complement.
        doc = cur.doc
        for i in range(max(cur.left_edge.i - 4, 0), cur.left_edge.i):
            other = matched.get(i)
            if other is not None and other.entry.pos == "noun" and quad_class(other.entry.cameo) in (1, 3):
                if not any(doc[j].is_punct for j in range(i, cur.i)):
                    return True
    while cur.head.i != cur.i:
        infinitive = cur.dep_ == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in cur.children)
        if not infinitive and (cur.dep_ not in _NEST_DEPS or (cur.dep_ == "prep" and cur.lower_ not in _NEST_PREPS)):
            return False
        cur = cur.head
        if cur.i in matched:
            return True
    return False


def _subjects(tok: Token) -> tuple[list[Token], bool]:
    """Subject tokens of a verb (climbing control, coordination, relative clauses), and whether they are the
    verb's own subject rather than one climbed to."""
    cur = tok
    for depth in range(5):
        for child in cur.children:
            if child.dep_ in ("nsubj", "csubj"):
                if child.lower_ in _RELATIVE and cur.dep_ == "relcl":
                    return [cur.head], False
                # A participle parsed as the subject ("The charity working in Chad said"): take its subject.
                inner = [g for g in child.children if g.dep_ == "nsubj"] if child.pos_ == "VERB" else []
                return _conj_group(child) + inner, depth == 0
        if cur is not tok and any(c.dep_ == "nsubjpass" for c in cur.children):
            return _agent(cur), False
        if cur.dep_ in ("relcl", "acl") and cur.head.pos_ in ("NOUN", "PROPN"):
            # "a statement calling for ...": the noun, else whoever issued it.
            outer = (
                _subjects(cur.head.head)[0]
                if cur.head.dep_ in ("dobj", "pobj") and cur.head.head.i != cur.head.i
                else []
            )
            return [cur.head, *outer], False
        if cur.dep_ == "pcomp" and cur.head.dep_ == "prep" and cur.head.head.pos_ in ("VERB", "ADJ"):
            cur = cur.head.head  # "resorted to blocking roads", "are guilty of breaching"
            continue
        if cur.dep_ not in _SUBJ_CLIMB or cur.head.i == cur.i:
            break
        cur = cur.head
    return [], False


def _left_neighbour(tok: Token) -> list[Token]:
    """Noun heads just left of a subject-less main verb, nearest first."""
    start = max(tok.sent.start, tok.i - 8)
    return [t for t in reversed(tok.doc[start : tok.i]) if t.pos_ in ("NOUN", "PROPN") and t.dep_ != "pobj"]


def _agent(tok: Token) -> list[Token]:
    for child in tok.children:
        if child.dep_ == "agent":
            return [g for c in child.children if c.dep_ == "pobj" for g in _conj_group(c)]
    return []


def _pobjs(tok: Token, preps: frozenset[str]) -> list[Token]:
    found = [(c.lower_, p) for c in tok.children if c.dep_ in ("prep", "agent") and c.lower_ in preps
             for p in c.children if p.dep_ == "pobj"]  # fmt: skip
    return [p for _, p in sorted(found, key=lambda f: _PREP_ORDER.index(f[0]) if f[0] in _PREP_ORDER else 99)]


def _objects(tok: Token, skip: Token | None) -> list[Token]:
    """Candidate target heads, best first: objects, complement-clause subjects, prepositional complements."""
    direct: list[Token] = []
    for child in tok.children:
        if child is skip:
            continue
        if child.dep_ in ("dobj", "dative", "attr", "oprd", "nsubjpass"):
            direct.append(child)
        elif child.dep_ == "ccomp":
            direct.extend(c for c in child.children if c.dep_ in ("nsubj", "nsubjpass"))
        elif child.dep_ in ("xcomp", "pcomp") and child.pos_ in ("VERB", "AUX"):
            direct.extend(_objects(child, None))
    preps = _pobjs(tok, _TARGET_PREPS)
    # Complements of the objects: "sanctions on Syria", "calls by Peru", "demands from the strikers".
    around = [p for obj in ([skip] if skip is not None else []) + direct + preps for p in _pobjs(obj, _OBJ_PREPS)]
    return direct + preps + around


class SentenceCoder:
    """Codes the events of one parsed sentence with the trigger index and modality rules."""

    def __init__(
        self,
        index: TriggerIndex,
        modality: Modality,
        cameo: dict[str, CameoCode],
        sectors: dict[str, str],
        negative_words: frozenset[str],
    ) -> None:
        self._index = index
        #: Agentless legal acts: trigger lemma -> (who does them, their sector).
        self._authorities = {lemma: (term, sectors[term]) for lemma, term in modality.implied_authorities.items()}
        self._mod = modality
        self._cameo = cameo
        #: A demand expressed as "X said Y must ...": coded as a demand (modality's demand_code) from X to Y.
        self._must = TriggerEntry(id="rule:must", lemma="must", pos="verb", cameo=modality.demand_code)
        #: "X said Y should have acted": criticism of what Y did (or did not do), from X to Y.
        self._reproach = TriggerEntry(id="rule:should-have", lemma="should", pos="verb", cameo=_CRITICIZE)
        #: "X said Y has to act": a demand, kept apart from "must" in the trigger priors.
        self._obligation = TriggerEntry(id="rule:has-to", lemma="have", pos="verb", cameo=modality.demand_code)
        #: Words a sentence is scanned for: triggers, modals and speech verbs (one lookup per token).
        self._watched = index.forms | modality.demand_modals | modality.obligation_verbs | modality.speech_verbs
        #: Words that make reported content speculation ("said Y may fail", "... if talks founder").
        self._unsure = modality.speculative_modals | modality.conditional_marks
        #: "X said Y had failed ...": a negative judgement of a political actor reported from another (ACCUSE).
        self._judged = TriggerEntry(id="rule:reported-criticism", lemma="say", pos="verb", cameo=_CRITICIZE)
        #: The same judgement in a quoted sentence whose speaker another sentence names.
        self._quoted = TriggerEntry(id="rule:quoted-criticism", lemma="say", pos="verb", cameo=_CRITICIZE)
        self._negative = negative_words

    def code(
        self, sent: Span, actors: DocActors, date_tokens: dict[int, Span], speaker: Token | None = None
    ) -> list[CodedEvent]:
        """``date_tokens`` maps a token index to the DATE entity covering it; ``speaker``: the speech verb of another
        sentence that attributes this one's quotation (streams.extraction.quotes)."""
        if actors.text[sent.start_char : sent.end_char].strip().rstrip("”\"'’ ").endswith("?"):
            return []
        matched: dict[int, TriggerMatch] = {}
        consumed: set[int] = set()
        musts: list[Token] = []
        speeches: list[Token] = []
        doc, lowers, forms = sent.doc, actors.lowers, self._index.forms
        for i in range(sent.start, sent.end):
            if lowers[i] not in self._watched:
                continue  # most words: no Token object is made
            tok = doc[i]
            if lowers[i] in self._mod.speech_verbs:
                speeches.append(tok)
            modal = lowers[i] in self._mod.demand_modals and tok.dep_ == "aux"
            if modal or (lowers[i] in self._mod.obligation_verbs and _obliges(tok)):
                musts.append(tok)
            if i in consumed or lowers[i] not in forms or tok.ent_type_ in _NOT_EVENT_ENTS:
                continue
            m = self._index.match(tok)
            if m is None or self._idle(m):
                continue
            if m.entry.lemma in self._mod.complement_verbs and not self._act_complement(tok):
                continue
            if m.entry.lemma in self._mod.infinitive_verbs and not _asks_to_act(tok):
                continue
            matched[tok.i] = m
            consumed.update(t.i for t in m.tokens)
        if speaker is not None and sent.root.lower_ in self._mod.speech_verbs:
            speaker = None  # the sentence reports a statement of its own
        if not matched and not musts and not speeches and speaker is None:
            return []
        hypo = self.hypothetical_scopes(sent, lowers)
        out: list[CodedEvent] = []
        for m in matched.values():
            if any(a <= m.token.i < b for a, b in hypo) or _nested(m, matched):
                continue
            figure = self._figurative(m)
            if figure == "":
                continue
            cameo = self._modal_code(m) if figure is None else figure
            if cameo is not None:
                out.extend(self._code(m, cameo, actors, date_tokens))
        for must in musts:
            if not any(a <= must.i < b for a, b in hypo):
                out.extend(self._demand(must, actors, date_tokens, speaker))
        acts = {*matched, *(m.i for m in musts)}
        for speech in speeches:
            clause = next((c for c in speech.children if c.dep_ == "ccomp"), None)
            negated = any(c.dep_ == "neg" for c in speech.children)
            if clause is not None and not negated and not any(a <= speech.i < b for a, b in hypo):
                out.extend(self._judged_clause(self._judged, speech, speech, clause, acts, hypo, actors, date_tokens))
        if speaker is not None:
            root = sent.root
            out.extend(self._judged_clause(self._quoted, root, speaker, root, acts, hypo, actors, date_tokens))
        return out

    def quote_speakers(self, actors: DocActors) -> dict[int, Token]:
        """Sentence index -> the speech verb of another sentence that attributes its quotation."""
        return quote_speakers(actors.sents, actors.sent_of, actors.lowers, self._mod.speech_verbs)

    def _main(self, tok: Token) -> bool:
        """The sentence's main predicate, or its conjunct, or the content of a main speech verb ("X is providing
        ..., the paper said")."""
        if tok.dep_ == "conj":
            tok = tok.head
        head = tok.head
        return tok.dep_ == "ROOT" or (
            tok.dep_ == "ccomp" and head.dep_ == "ROOT" and head.lower_ in self._mod.speech_verbs
        )

    def _judgement(self, tok: Token) -> bool:
        """A negative word, not negated ("failed", "wrong", "a big misjudgement")."""
        return tok.lower_ in self._negative and not any(c.dep_ == "neg" for c in (*tok.children, *tok.head.children))

    def _judged_actors(self, heads: list[Token], actors: DocActors) -> list[Actor]:
        return [t for t in _actors(heads, actors, set()) if political(t) and actors.judgeable(t, heads)]

    def _judged_clause(
        self,
        entry: TriggerEntry,
        trigger: Token,
        carrier: Token,
        clause: Token,
        acts: set[int],
        hypo: list[tuple[int, int]],
        actors: DocActors,
        dates: dict[int, Span],
    ) -> list[CodedEvent]:
        """ "X said Y had failed ...": a clause reported from a speech verb (``carrier``) that judges with a negative
        word and codes no act itself -> ACCUSE from X to whom it judges: the clause's political subject, else a
        possessor in it ("Mr Brown's tinkering"), else an actor in its subject ("the reshuffle by the first
        minister"), else, in a one-country story, the speaker's own country (``_domestic_target``)."""
        first, last = clause.left_edge.i, clause.right_edge.i
        if any(first <= i <= last for i in acts) or any(a <= last and first < b for a, b in hypo):
            return []  # an act inside is coded (or dropped) by its own rules; a hypothetical judges no one
        if any(t.lower_ in self._unsure for t in clause.subtree):
            return []  # "said Y may fail", "... if talks founder": speculation
        if not any(self._judgement(t) for t in clause.subtree):
            return []
        subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
        targets = (
            self._judged_actors(subjects, actors)
            or self._judged_actors([t for t in clause.subtree if t.dep_ == "poss"], actors)
            or self._judged_actors([t for h in subjects for t in h.subtree if t.dep_ == "pobj"], actors)
        )
        src_heads, direct = _subjects(carrier)
        sources = [a for a in _actors(src_heads, actors, {t.start for t in targets}) if actors.codable(a)]
        implied = None if targets or not sources else _domestic_target(_CRITICIZE, "ACCUSE", sources[0], actors)
        if implied is not None:
            targets = [implied]
        return _reported(entry, trigger, carrier, sources, targets, direct, dates, weak=True, implied=bool(implied))

    def _act_complement(self, tok: Token) -> bool:
        """An object, infinitive or prepositional complement: what a speech-act verb asks, agrees or warns of; not a
        question ("asked Mr Brown whether ...")."""
        question = any(c.dep_ == "ccomp" and c.left_edge.lower_ in self._mod.question_words for c in tok.children)
        return not question and any(c.dep_ in ("dobj", "xcomp", "prep", "dative") for c in tok.children)

    def _idle(self, m: TriggerMatch) -> bool:
        """A sense of the trigger that names no event: "met its target", "agreed with everything", "put in charge"."""
        lemma, children = m.entry.lemma, list(m.token.children)
        if m.entry.pos == "noun":
            return m.token.head.lower_ in self._mod.idle_governors.get(lemma, ())
        objects = self._mod.idle_objects.get(lemma, frozenset())
        if any(c.dep_ == "dobj" and c.lower_ in objects for c in children):
            return True
        preps = self._mod.idle_preps.get(lemma)
        complements = [c for c in children if c.dep_ in ("dobj", "xcomp", "ccomp", "prep", "dative")]
        return bool(preps and complements) and all(c.dep_ == "prep" and c.lower_ in preps for c in complements)

    def _figurative(self, m: TriggerMatch) -> str | None:
        """Force done to no one: "" (drop) for "legal attacks", "a price war", "films shot in the UK", "shares hit a
        low"; the criticism code for words ("a scathing attack"); None when the act is meant literally."""
        if self._cameo[m.entry.cameo].plover not in _MATERIAL_CONFLICT:
            return None
        tok = m.token
        mods = {c.lower_ for t in (tok, m.obj) if t is not None for c in t.children if c.dep_ in ("amod", "compound")}
        if mods & self._mod.verbal_modifiers:
            return _CRITICIZE
        if mods & self._mod.figurative_modifiers:
            return ""
        force = self._mod.verbal_force_verbs  # also as nouns: "launched an attack on"
        forceful = m.entry.lemma in force or (m.obj is not None and m.obj.lower_.removesuffix("s") in force)
        if forceful and {t.lower_ for t in _attacked(tok, m.obj)} & self._mod.verbal_targets:
            return _CRITICIZE
        if m.entry.pos == "noun":
            return None
        withs = [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "with" for g in c.children]
        # "with questions", "with a barrage of requests"
        inner = [g for w in withs for c in w.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children]
        if {t.lower_ for t in withs + inner} & self._mod.verbal_instruments:
            return ""  # "MPs bombarded the minister with questions"
        works = self._mod.creative_works
        patients = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
        if tok.dep_ == "acl":
            patients.append(tok.head)  # "US films shot in the UK"
        elif tok.dep_ == "xcomp" and any(c.dep_ == "auxpass" for c in tok.children):
            patients += [c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")]  # "continued to be shot"
        # "Shares hit a low", "the album attacked the charts": a work as the doer.
        patients += [c for c in tok.children if c.dep_ == "nsubj"]
        return "" if any(p.lower_ in works for p in patients) else None

    def hypothetical_scopes(self, sent: Span, lowers: list[str]) -> list[tuple[int, int]]:
        """From a hypothetical marker ("Let's imagine", "what if") to the end of its quotation, or of the sentence;
        ``lowers`` are the doc's lower-case token texts."""
        scopes = []
        for i in range(sent.start, sent.end):
            what_if = lowers[i] == "what" and i + 1 < sent.end and lowers[i + 1] == "if"
            if lowers[i] in self._mod.hypothetical or what_if:
                close = (j for j in range(i + 1, sent.end) if lowers[j] in ("”", '"'))
                scopes.append((i, next(close, sent.end)))
        return scopes

    def _modal_code(self, m: TriggerMatch) -> str | None:
        """The CAMEO code to emit given negation, modality and intent around the trigger; None drops it."""
        mod = self._mod
        entry = m.entry
        plover = self._cameo[entry.cameo].plover
        neg = future = prepare = False
        own_clause = True
        node: Token | None = m.token
        while node is not None:
            if node is not m.token and node.lower_ in mod.unreal:
                return None
            if own_clause:
                for child in node.children:
                    dep, low = child.dep_, child.lower_
                    if dep == "neg" or (dep == "det" and low == "no" and node is m.token):
                        neg = True
                    elif dep in ("aux", "auxpass") and low in mod.speculative_modals:
                        return None
                    elif dep == "aux" and low in mod.future_modals:
                        future = True
                    elif dep == "mark" and low in mod.conditional_marks:
                        return None  # the condition of "X will act if Y acts" is not an act of Y
                if node is not m.token:
                    low = node.lower_
                    neg = neg or low in mod.negative
                    prepare = prepare or low in mod.preparation
                    future = future or low in mod.intent
            if node.dep_ == "relcl" and own_clause and node.head.pos_ in ("NOUN", "PROPN"):
                break  # "an expanded NATO that has deployed hardware": a relative clause states a fact of its noun
            if node.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children):
                break  # "parties want more police but they accuse ministers": a clause of its own
            if node.dep_ in ("ccomp", "parataxis"):
                own_clause = False  # modality of a reporting clause does not carry into what it reports
            node = node.head if node.head.i != node.i else None
        if neg:
            return mod.reject_codes.get(plover) if plover in _COOPERATIVE and not entry.weak else None
        if plover == "REJECT" and any(c.dep_ == "xcomp" and c.lower_ in mod.no_comment_verbs for c in m.token.children):
            return None  # "declined to comment"
        if not (future or prepare) or entry.pos == "noun":
            return entry.cameo  # an event noun names the event; the tense of the clause around it does not recode it
        if plover in _COOPERATIVE:
            return mod.intent_codes.get(plover, entry.cameo)
        if plover in _MATERIAL_CONFLICT:
            if prepare and plover == "ASSAULT":
                return mod.preparation_code
            return mod.threat_codes.get(entry.cameo) or mod.threat_codes.get(plover)
        return entry.cameo

    def _code(self, m: TriggerMatch, cameo: str, actors: DocActors, dates: dict[int, Span]) -> list[CodedEvent]:
        tok, entry = m.token, m.entry
        sourceless_ok = False
        if entry.pos == "noun":
            src_heads, tgt_heads = self._noun_roles(tok, entry.cameo, self._mod)
            direct = False
            # "charges were brought", "five men face charges": an agentless legal act, as by a passive verb.
            sourceless_ok = tok.dep_ == "nsubj" or (tok.dep_ == "dobj" and tok.head.lower_ in self._mod.recipient_verbs)
        elif tok.lower_ in self._mod.stative_passives and not _agent(tok):
            # "Norway is opposed to the proposed mediation": an adjectival passive with an active meaning.
            src_heads, direct = [c for c in tok.children if c.dep_ == "nsubjpass"] or _subjects(tok)[0], True
            tgt_heads = _objects(tok, m.obj)
        elif any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children) or (
            tok.dep_ in ("acl", "amod") and tok.tag_ == "VBN"
        ):
            # A participle on its noun ("the raped women", "projects targeted by the agency"): done to the noun.
            src_heads, direct = _agent(tok), True
            modified = [tok.head] if tok.dep_ in ("acl", "amod") else []
            tgt_heads = [c for c in tok.children if c.dep_ == "nsubjpass"] or modified
            tgt_heads += _objects(tok, m.obj)
            sourceless_ok = True
        else:
            src_heads, direct = _subjects(tok)
            if not src_heads and tok.dep_ == "ROOT":
                src_heads = _left_neighbour(tok)  # the parser lost the subject
            tgt_heads = _objects(tok, m.obj)
        # A source must be placed by a country / grouping code or a sector: unknown people and firms are not coded.
        found = [actors.localize(a, tok) for a in _actors(src_heads, actors, set())]
        sources: list[Actor | None] = [a for a in found if actors.codable(a)]
        avoid = {s.start for s in sources if s is not None}
        src_countries = {s.country for s in sources if s is not None}
        own_words = {t.i for t in m.tokens if t.i != tok.i}  # "sent troops to Haiti": the troops are the act
        tgt_heads = [h for h in tgt_heads if h.i not in own_words and not _own(h, src_countries, actors)]
        tgt_heads = [h for h in tgt_heads if (scene := _scene_country(h, actors)) is None or scene not in src_countries]
        targets: list[Actor | None] = [actors.localize(a, tok) for a in _actors(tgt_heads, actors, avoid)]
        parsed = bool(targets)
        warning = entry.lemma in self._mod.warning_verbs and cameo == entry.cameo
        if warning and not self._own_threat(tok, sources, actors):
            if not parsed:
                return []  # "warned there was a real risk"
            cameo = _CRITICIZE  # "warned Labour and the Tories they were pandering to prejudice"
        # "Both sides agreed to reopen talks", "Chile and Peru agreed ...": each side acts towards the other.
        pair = (
            not targets
            and len(sources) == 2
            and (src_heads[0].lower_ in actors.gaz.collective_pairs or _mutual(self._cameo[cameo].plover, sources))
        )
        if not targets and entry.pos == "verb" and not pair:
            fallback = _clause_actor(tok, actors, avoid, src_countries)
            if fallback is not None:
                targets = [fallback]
        authority = self._authority(entry.lemma, tok, targets, actors) if sourceless_ok and not found else None
        if authority is not None:
            sources = [authority]  # "three men were arrested in Kent": the police
        if not sources:
            # Unnamed perpetrator of material conflict with a named victim: "three soldiers were killed".
            placed = any(t is not None and t.country for t in targets)
            if found or not (sourceless_ok and placed and not entry.weak and quad_class(cameo) in (2, 4)):
                return []
            sources = [None]
        verbal = entry.lemma in self._mod.verbal_force_verbs and self._cameo[cameo].plover == "ASSAULT"
        if verbal and any(s is not None and actors.is_politician(s) for s in sources):
            cameo = _CRITICIZE  # "the Tory leader attacked the Budget", "UKIP MEP attacked German 'empire'"
        implied = None
        if not targets:
            implied = _domestic_target(cameo, self._cameo[cameo].plover, sources[0], actors)
            targets = [implied]
        threat = cameo != entry.cameo and quad_class(cameo) == 3  # "vowed to fight"
        if entry.weak and targets == [None] and not threat:
            return []  # a weak verb needs a target, named or implied ("judges dismissed the appeals")
        if entry.weak and implied is not None and not _acts_on_something(tok):
            return []
        signals = ParseSignals(
            noun=entry.pos == "noun",
            weak=entry.weak,
            specific=bool(entry.specificity),
            main=self._main(tok),
            source_direct=direct,
            source_pronoun=any(s is not None and s.text.lower() in PRONOUNS for s in sources),
            source_missing=sources == [None],
            target_parsed=parsed,
            target_guessed=not parsed and any(t is not None for t in targets),
            untargeted_act=targets == [None] and self._cameo[cameo].plover not in _UNDIRECTED,
        )
        when = _date_for(tok, dates)
        out = []
        if pair:
            first, second = sources
            return [
                CodedEvent(m, cameo, first, second, signals, when),
                CodedEvent(m, cameo, second, first, signals, when),
            ]
        for source, target in list(product(sources, targets))[:4]:
            if source is not None and target is not None and target is not implied and source is not authority:
                if target.start == source.start or actor_key(target) == actor_key(source):
                    continue  # one actor is never both sides ("Blair hails ... Tony Blair has hailed")
                source, target = _share_country(source, target), _share_country(target, source)
            out.append(CodedEvent(m, cameo, source, target, signals, when))
        return out

    def _authority(self, lemma: str, tok: Token, targets: list[Actor | None], actors: DocActors) -> Actor | None:
        """The authority doing an agentless legal act (``implied_authorities``): of the country where the clause
        happens, else of the target's; on the target's mention, as implied targets are on the source's."""
        authority = self._authorities.get(lemma)
        target = next((t for t in targets if t is not None and t.country and t.country not in GROUPINGS), None)
        if authority is None or target is None:
            return None
        term, sector = authority
        unplaced = target.model_copy(update={"name": term, "country": None, "sector": sector})
        placed = actors.localize(unplaced, tok)
        return placed if placed.country else placed.model_copy(update={"country": target.country})

    def _own_threat(self, warn: Token, sources: list[Actor | None], actors: DocActors) -> bool:
        """A warning that the warner's own side will act: "warned it would retaliate", "warned the rebels that the
        army would crush any uprising", "warned of strikes"."""
        if any(t.lower_ in self._mod.threat_objects for t in warn.subtree):
            return True
        own = {(s.country, s.name) for s in sources if s is not None}
        states = {s.country for s in sources if s is not None and s.sector in _STATE_SECTORS}
        addressed = any(c.dep_ in ("dobj", "dative") for c in warn.children)
        for clause in (c for c in warn.children if c.dep_ == "ccomp"):
            for subj in (c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")):
                if subj.lower_ in ("we", "i"):
                    return True
                if addressed and subj.lower_ in PRONOUNS:
                    # "warned Georgia it would respond": the warner's act to come; "warned Labour they were
                    # pandering": the addressee's.
                    if any(c.dep_ == "aux" and c.lower_ in self._mod.future_modals for c in clause.children):
                        return True
                    continue
                actor = actors.resolve(subj)
                if actor is None:
                    continue
                state_side = actor.country in states or (states and actor.country is None)
                if (actor.country, actor.name) in own or (state_side and actor.sector in _STATE_SECTORS):
                    return True
        return False

    @staticmethod
    def _noun_roles(tok: Token, entry_cameo: str, mod: Modality) -> tuple[list[Token], list[Token]]:
        """Sources and targets of an event noun: its possessor / modifiers / by-phrase, else the governing verb's."""
        stative = mod.stative_passives
        own = [c for c in tok.children if c.dep_ in ("poss", "compound", "amod", "nmod")]
        targets = _pobjs(tok, _TARGET_PREPS - {"in", "from", "by"})
        if quad_class(entry_cameo) == 4:
            # "the Iraq war", "the Berlin blockade": a proper-noun compound of a violent act is where it is done.
            targets = [c for c in own if c.dep_ == "compound" and c.pos_ == "PROPN"] + targets
            own = [c for c in own if not (c.dep_ == "compound" and c.pos_ == "PROPN")]
        # "criticism from environmental groups", "calls from MPs": who voices it.
        sources = own + _pobjs(tok, frozenset({"by", "from"} if quad_class(entry_cameo) in (1, 3) else {"by"}))
        head = tok.head
        if tok.dep_ == "pobj" and head.lower_ in ("in", "into", "for") and head.head.pos_ == "VERB":
            head = head.head  # "engaged in looting", "gathered for a rally"
        elif tok.dep_ != "dobj" or head.pos_ != "VERB":
            head = None
        if head is not None and head.lower_ in mod.recipient_verbs:
            # "flood victims need emergency assistance", "the club will get loans": the subject is the recipient.
            targets = targets + _subjects(head)[0]
            head = None
        if head is not None:
            # Else whoever carries the act out: "they continued their hunger strike".
            governing, _ = _subjects(head)
            if not governing and head.lower_ in stative:
                governing = [c for c in head.children if c.dep_ == "nsubjpass"]  # "were engaged in looting"
            sources += governing
        if tok.dep_ == "nsubj" and tok.head.pos_ == "VERB":
            targets += [c for c in tok.head.children if c.dep_ == "dobj"]  # "a roadside bombing killed a soldier"
        if quad_class(entry_cameo) in (1, 3):
            # "the refusal (last week) to concede Moscow's demands": the infinitive complement's objects.
            verb = _infinitive_after(tok)
            if verb is not None:
                targets += _objects(verb, None)
        # "its demand that Israel ease restrictions": the subject of the content clause.
        targets += [g for c in tok.children if c.dep_ in ("acl", "ccomp") for g in c.children if g.dep_ == "nsubj"]
        return sources, targets

    def _demand(
        self, must: Token, actors: DocActors, dates: dict[int, Span], speaker: Token | None
    ) -> list[CodedEvent]:
        """ "X said (that) Y must (should, has to) do Z" -> REQUEST from X to Y; "Y should have done Z" -> ACCUSE."""
        obligation = must.dep_ != "aux"
        verb = must if obligation else must.head
        if obligation and any(c.dep_ == "aux" and c.lower_ in self._mod.future_modals for c in verb.children):
            return []  # "the police would have to take officers off": a consequence foreseen, not a demand
        advice = obligation or must.lower_ in self._mod.advice_modals
        perfect = any(c.dep_ == "aux" and c.lower_ == "have" and c.i > must.i for c in verb.children)
        if perfect and not advice:
            return []  # "must have known": an inference, not a demand
        entry = self._reproach if perfect else self._obligation if obligation else self._must
        carrier = verb.head
        if verb.dep_ == "ccomp" and carrier.lower_ in self._mod.speech_verbs:
            src_heads, direct = _subjects(carrier)
        elif verb.dep_ in ("acl", "ccomp") and carrier.lower_ in self._mod.statement_nouns:
            if carrier.head.pos_ != "VERB":
                return []
            src_heads, direct = _subjects(carrier.head)  # "sent a letter to Chile that it must ..."
        elif speaker is not None and verb.dep_ == "ROOT":
            carrier = speaker  # a quoted sentence: its speaker is named in another sentence
            src_heads, direct = _subjects(carrier)
        else:
            return []
        targets = _actors([c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")], actors, set())
        if advice:
            targets = [t for t in targets if political(t)]
        sources = [a for a in _actors(src_heads, actors, {t.start for t in targets}) if actors.codable(a)]
        return _reported(entry, must, carrier, sources, targets, direct, dates, weak=False)


def _reported(
    entry: TriggerEntry,
    trigger: Token,
    carrier: Token,
    sources: list[Actor],
    targets: list[Actor],
    direct: bool,
    dates: dict[int, Span],
    *,
    weak: bool,
    implied: bool = False,
) -> list[CodedEvent]:
    """The events of a rule read off a speech verb (``carrier``: "X said Y must ...", "X said Y had failed ..."):
    from each speaker to each other actor, at most four; ``implied``: the target is not named but inferred."""
    pairs = [(s, t) for s, t in product(sources, targets) if actor_key(s) != actor_key(t)][:4]  # not "said he needs to"
    signals = ParseSignals(
        noun=False,
        weak=weak,
        specific=False,
        main=carrier.dep_ == "ROOT",
        source_direct=direct,
        source_pronoun=any(a.text.lower() in PRONOUNS for a in sources),
        source_missing=False,
        target_parsed=not implied,
        target_guessed=implied,
        untargeted_act=False,
    )
    match = TriggerMatch(entry, trigger, (trigger,), None)
    when = _date_for(carrier, dates)
    return [CodedEvent(match, entry.cameo, s, t, signals, when) for s, t in pairs]


#: Acts whose unnamed target is the actor's own country: protests and concessions, criticism, appeals, refusals
#: and praise ("Unions criticised the move", "the Tories called for an inquiry") ...
_VERBAL_DOMESTIC = frozenset({"ACCUSE", "REQUEST", "REJECT", "SUPPORT"})
_DOMESTIC_TYPES = frozenset({"PROTEST", "CONCEDE"}) | _VERBAL_DOMESTIC
#: ... and restrictions, bans, curfews, arrests, deportations at home, and threats of them.
_DOMESTIC_CODES = ("172", "173", "174", "132")


def _domestic_target(cameo: str, plover: str, source: Actor | None, actors: DocActors) -> Actor | None:
    """ "Chilean students marched": the implied target is the source's own government (CAMEO practice)."""
    if plover not in _DOMESTIC_TYPES and not cameo.startswith(_DOMESTIC_CODES):
        return None
    if source is None or source.country is None or source.country in GROUPINGS:
        return None
    if plover in _VERBAL_DOMESTIC and source.country != actors.home:
        return None  # unaddressed criticism or appeals aim at the government only in a one-country story
    name = actors.gaz.country_names.get(source.country, source.country)
    # The government, unless the government itself acts: then its own people ("apologised to two families").
    return source.model_copy(update={"name": name, "sector": None if source.sector == "GOV" else "GOV"})


def _mutual(plover: str, sources: list[Actor | None]) -> bool:
    """Two parties of different countries doing a mutual act together: each acts towards the other."""
    first, second = sources
    return plover in _MUTUAL and first is not None and second is not None and first.country != second.country


def _own(head: Token, countries: set[str | None], actors: DocActors) -> bool:
    """ "lent its engineers to Haiti": the source's own possession is not the target."""
    if not any(c.dep_ == "poss" and c.lower_ in ("its", "their", "his", "her", "our") for c in head.children):
        return False
    actor = actors.resolve(head)
    return actor is not None and actor.country in countries


def _scene_country(head: Token, actors: DocActors) -> str | None:
    """The country of a place named as the scene of the act ("in London", "at the Kremlin"), else None."""
    if head.dep_ != "pobj" or head.head.lower_ not in _WHERE:
        return None
    m = actors.by_token.get(head.i)
    return m.entry.country if m is not None and m.entry.kind in _PLACE_KINDS else None


def _attacked(tok: Token, obj: Token | None) -> list[Token]:
    """What an act of force is done to: its object, passive subject, or the complement of "on" / "at" ("launched
    an attack on the plans", "hit out at the Budget")."""
    heads = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
    for t in (tok, obj):
        if t is not None:
            heads += [g for c in t.children if c.dep_ == "prep" and c.lower_ in ("on", "at") for g in c.children]
    return [g for h in heads for g in _conj_group(h)] + ([tok.head] if tok.dep_ == "acl" else [])


def _acts_on_something(verb: Token) -> bool:
    """A direct object or passive subject: the thing dismissed, defended, welcomed."""
    return any(c.dep_ in ("dobj", "nsubjpass") for c in verb.children)


def actor_key(actor: Actor | None) -> tuple[str | None, str | None, str | None]:
    """Who an actor is, whatever its mention: name, country, sector."""
    return (None, None, None) if actor is None else (actor.name, actor.country, actor.sector)


def _share_country(actor: Actor, other: Actor) -> Actor:
    """A country-less domestic group acting with a national counterpart is taken to be of its country."""
    if actor.country is None and actor.sector is not None and other.country and other.country not in GROUPINGS:
        return actor.model_copy(update={"country": other.country})
    return actor


def _actors(heads: list[Token], actors: DocActors, avoid: set[int]) -> list[Actor]:
    """Actors of the first candidate head that names any (with its coordinated heads)."""
    for head in heads:
        found = [a for t in _conj_group(head) for a in actors.resolve_all(t) if a.start not in avoid]
        if found:
            return found
    return []


def _clause_actor(tok: Token, actors: DocActors, avoid: set[int], avoid_country: set[str | None]) -> Actor | None:
    """Fallback target: the first actor of another country inside the trigger's clause."""
    for t in tok.subtree:
        if t.i == tok.i or t.dep_ in ("nsubj", "nsubjpass", "csubj"):
            continue
        m = actors.by_token.get(t.i)
        if m is None or m.entry.kind == "sector":
            continue
        a = actors.resolve(t)
        if a is not None and a.start not in avoid and a.country not in avoid_country:
            return a
    return None


def _infinitive_after(noun: Token) -> Token | None:
    """The verb of a "to"-infinitive complementing a noun ("refusal to concede"), even when the parser hangs it
    elsewhere ("refusal last week to concede" -> advcl of the main verb): at most four tokens on, no punctuation."""
    for child in noun.children:
        if child.dep_ == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children):
            return child
    doc = noun.doc
    end = noun.right_edge.i
    for i in range(end + 1, min(end + 5, len(doc) - 1)):
        t = doc[i]
        if t.is_punct:
            return None
        if t.lower_ == "to" and t.dep_ == "aux" and t.head.i == i + 1 and t.head.pos_ == "VERB":
            return t.head
    return None


def _date_for(tok: Token, date_tokens: dict[int, Span]) -> Span | None:
    """A DATE entity attached to the trigger, or to the clauses it hangs from (xcomp, advcl, conj, ccomp)."""
    if tok.pos_ == "NOUN" and tok.right_edge.i + 1 < len(tok.doc) and tok.right_edge.i + 1 in date_tokens:
        return date_tokens[tok.right_edge.i + 1]  # "the refusal last week to ...": the parser hangs it elsewhere
    cur = tok
    for _ in range(4):
        for child in cur.children:
            for t in (child, *[g for g in child.children if g.dep_ == "pobj"]):
                if t.i in date_tokens:
                    return date_tokens[t.i]
        if cur.dep_ not in ("xcomp", "advcl", "conj", "ccomp", "acomp") or cur.head.i == cur.i:
            break
        cur = cur.head
    return None
