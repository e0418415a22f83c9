"""Load and validate the coder's data files (countries, organizations, sectors, leaders, CAMEO, triggers)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from schemas import PLOVER_TYPES

__all__ = [
    "CameoCode",
    "Country",
    "Leader",
    "Lexicons",
    "Modality",
    "Organization",
    "PhoenixActor",
    "TriggerEntry",
    "load_lexicons",
    "quad_class",
    "strict_json",
]

_CODE = re.compile(r"^[A-Z]{3}$")
_CAMEO = re.compile(r"^\d{3,4}$")


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    capitals: tuple[str, ...]
    seats: tuple[str, ...]


@dataclass(frozen=True)
class Organization:
    id: str
    country: str
    sector: str | None
    names: tuple[str, ...]


@dataclass(frozen=True)
class Leader:
    id: str
    name: str
    aliases: tuple[str, ...]
    country: str
    sector: str | None
    start: dt.date
    end: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class PhoenixActor:
    """A person or named group of the PETRARCH 2 / Phoenix dictionaries: token-split lower-case names and
    date-ranged codes, one Leader per code (undated codes last: the fallback outside every range)."""

    id: str
    kind: str  # "person" | "group"
    names: tuple[tuple[str, ...], ...]
    codes: tuple[Leader, ...]


@dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    plover: str
    mode: str | None
    goldstein: float


@dataclass(frozen=True)
class TriggerEntry:
    """One lexicon trigger: a verb (optionally with object / particle / preposition) or an event noun."""

    id: str
    lemma: str
    pos: str  # "verb" | "noun"
    cameo: str
    obj: frozenset[str] = field(default_factory=frozenset)
    prt: str | None = None
    prep: str | None = None
    forms: tuple[str, ...] = ()
    weak: bool = False  # needs a target actor to be coded ("received", "helped")
    intransitive: bool = False  # only without an object: "protesters rallied", not "he rallied voters"

    @property
    def specificity(self) -> int:
        """A present particle is the strongest evidence ("shipped out"), then an object, then a preposition."""
        return 3 * bool(self.prt) + 2 * bool(self.obj) + bool(self.prep)


@dataclass(frozen=True)
class Modality:
    """Word lists and recoding tables that decide whether a matched action was done, intended, denied ..."""

    hypothetical: frozenset[str]
    speculative_modals: frozenset[str]
    future_modals: frozenset[str]
    unreal: frozenset[str]
    negative: frozenset[str]
    intent: frozenset[str]
    preparation: frozenset[str]
    conditional_marks: frozenset[str]
    speech_verbs: frozenset[str]
    group_nouns: frozenset[str]  # heads that take their actor from a sector modifier ("opposition groups")
    stative_passives: frozenset[str]  # "is opposed to": the passive subject is the actor
    statement_nouns: frozenset[str]  # "a letter to Chile that it must ...": carriers of a demand
    no_comment_verbs: frozenset[str]  # "refused to comment" rejects no one
    intent_codes: dict[str, str]  # PLOVER type -> CAMEO code of the intent ("will send aid" -> 033)
    threat_codes: dict[str, str]  # CAMEO code or PLOVER type -> CAMEO threat code ("will impose sanctions" -> 1312)
    reject_codes: dict[str, str]  # PLOVER type -> CAMEO code when negated ("did not accept" -> 120)
    preparation_code: str
    demand_code: str
    #: Objects with which a trigger verb names no event: "meet a target", "meet their concerns".
    idle_objects: dict[str, frozenset[str]]
    #: Prepositions that, as a verb's only complement, make it no act: "agreed with everything she did" (an opinion).
    idle_preps: dict[str, frozenset[str]]
    #: Words governing a trigger noun in a sense that is no event: "in charge", "took charge".
    idle_governors: dict[str, frozenset[str]]
    #: Role nouns of sport, show business and commerce: a phrase naming one is no political actor ("Welsh runner").
    nonpolitical_roles: frozenset[str] = frozenset()
    #: Words that mark a sports report, where country names are teams and "attack", "clash" are play.
    sport_terms: frozenset[str] = frozenset()
    #: Modifiers that make a word of force figurative: "legal attacks", "price war", "charm offensive".
    figurative_modifiers: frozenset[str] = frozenset()
    #: ... and those that make it words: "a scathing attack", "a verbal assault" (coded as criticism).
    verbal_modifiers: frozenset[str] = frozenset()
    #: Things one is "bombarded" or "hit" with that are words: questions, letters, complaints.
    verbal_instruments: frozenset[str] = frozenset()
    #: Verbs whose subject receives the act named by their object: "flood victims need emergency assistance".
    recipient_verbs: frozenset[str] = frozenset()
    #: Works that are "shot", "hit" or "attacked" in reviews: films, scenes, albums, charts.
    creative_works: frozenset[str] = frozenset()
    #: Speech-act verbs that are an act only with an object, infinitive or preposition ("agreed to", "asked for",
    #: "spoke to"), not with a reported clause or nothing ("asked whether the Treasury had ...", "CENTR agrees.").
    complement_verbs: frozenset[str] = frozenset()
    #: Modals of "X said Y must/should ..." coded as a demand (demand_code) from X to Y ...
    demand_modals: frozenset[str] = frozenset()
    #: ... of which these only to a political actor ("should" is advice: "people should be able to decide").
    advice_modals: frozenset[str] = frozenset()
    #: Verbs of "X said Y has to / needs to ...": a demand too, to a political actor only.
    obligation_verbs: frozenset[str] = frozenset()
    #: Who does a legal act reported in the passive without an agent ("three men were arrested": the police of
    #: where it happens, else of the men's country): trigger lemma -> a sector term.
    implied_authorities: dict[str, str] = field(default_factory=dict)
    #: Nouns that, with "both" or "two", name the last two countries of the story ("both sides agreed").
    collective_pairs: frozenset[str] = frozenset()
    #: Words opening a question clause: "asked Mr Brown whether ..." asks a question, not for something.
    question_words: frozenset[str] = frozenset()
    #: Verbs coded only when they ask someone to act: "told the government not to compromise", "wants the richer
    #: countries to do more", "challenged the Tories to publish" (not "told MPs that ...", "wants to stay").
    infinitive_verbs: frozenset[str] = frozenset()
    #: Verbs of force that are criticism when a politician does them ("the Tory leader attacked the Budget").
    verbal_force_verbs: frozenset[str] = frozenset()
    #: What is attacked only with words: "attacked the plans", "launched an attack on the Budget".
    verbal_targets: frozenset[str] = frozenset()
    #: Verbs that threaten only when the warner's own side is to act ("warned it would retaliate"); a warning
    #: addressed to or about someone else is criticism, one about a risk no event.
    warning_verbs: frozenset[str] = frozenset()
    #: Words of a warning that name the warner's own action ("warned of strikes").
    threat_objects: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Lexicons:
    countries: tuple[Country, ...]
    organizations: tuple[Organization, ...]
    sectors: dict[str, str]  # lower-case term -> sector code
    leaders: tuple[Leader, ...]
    cameo: dict[str, CameoCode]
    triggers: tuple[TriggerEntry, ...]
    modality: Modality
    phoenix: tuple[PhoenixActor, ...] = ()
    phoenix_agents: dict[str, str] = field(default_factory=dict)  # token-split lower-case term -> sector
    negative_words: frozenset[str] = frozenset()  # VADER's negative words: reported criticism


def quad_class(cameo_code: str) -> int:
    """CAMEO quad class from the root: 01-05 verbal coop, 06-08 material coop, 09-13 verbal conflict, else 4."""
    root = int(cameo_code[:2])
    return 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4


def _read(name: str) -> str:
    return resources.files("streams.extraction").joinpath("lexicons").joinpath(name).read_text(encoding="utf-8")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    dup = next((k for k in keys if keys.count(k) > 1), None)
    if dup is not None:
        msg = f"duplicate key {dup!r}"
        raise ValueError(msg)
    return dict(pairs)


def strict_json(text: str) -> Any:
    """json.loads that refuses duplicate keys (plain json.loads keeps the last one silently)."""
    return json.loads(text, object_pairs_hook=_no_duplicates)


def _json(name: str) -> Any:
    try:
        return strict_json(_read(name))
    except ValueError as exc:
        msg = f"{name}: {exc}"
        raise ValueError(msg) from exc


def _jsonl(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in _read(name).splitlines() if line.strip()]


def _check(ok: bool, file: str, problem: str) -> None:
    if not ok:
        msg = f"{file}: {problem}"
        raise ValueError(msg)


def _unique(file: str, keys: list[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        _check(key not in seen, file, f"duplicate key {key!r}")
        seen.add(key)


def _countries() -> tuple[Country, ...]:
    rows = _jsonl("countries.jsonl")
    out = []
    for r in rows:
        _check(bool(_CODE.match(r["code"])), "countries.jsonl", f"bad code {r['code']!r}")
        out.append(
            Country(
                r["code"], r["name"], tuple(r["aliases"]), tuple(r["demonyms"]), tuple(r["capitals"]), tuple(r["seats"])
            )
        )
    _unique("countries.jsonl", [c.code for c in out])
    return tuple(out)


def _organizations() -> tuple[Organization, ...]:
    out = []
    for r in _jsonl("organizations.jsonl"):
        ok = bool(_CODE.match(r["country"])) and (r["sector"] is None or bool(_CODE.match(r["sector"])))
        _check(ok and bool(r["names"]), "organizations.jsonl", f"bad codes or no names in {r['id']!r}")
        out.append(Organization(r["id"], r["country"], r["sector"], tuple(r["names"])))
    _unique("organizations.jsonl", [o.id for o in out])
    return tuple(out)


def _sectors() -> dict[str, str]:
    rows = _jsonl("sectors.jsonl")
    _unique("sectors.jsonl", [r["term"] for r in rows])
    for r in rows:
        _check(bool(_CODE.match(r["sector"])) and r["term"] == r["term"].lower(), "sectors.jsonl", f"bad row {r!r}")
    return {r["term"]: r["sector"] for r in rows}


def _leaders() -> tuple[Leader, ...]:
    out = []
    for r in _jsonl("leaders.jsonl"):
        ok = bool(_CODE.match(r["country"]) and _CODE.match(r["sector"]))
        _check(ok, "leaders.jsonl", f"bad codes in {r['id']!r}")
        start = dt.date.fromisoformat(r["start"])
        end = dt.date.fromisoformat(r["end"]) if r["end"] else None
        _check(end is None or start <= end, "leaders.jsonl", f"{r['id']!r} ends before it starts")
        out.append(Leader(r["id"], r["name"], tuple(r["aliases"]), r["country"], r["sector"], start, end))
    _unique("leaders.jsonl", [leader.id for leader in out])
    return tuple(out)


def _display(tokens: str) -> str:
    """ "ban ki - moon" -> "Ban Ki-Moon": a readable name from the token-split dictionary form."""
    return " ".join(w.capitalize() for w in tokens.split()).replace(" - ", "-")


def _phoenix() -> tuple[PhoenixActor, ...]:
    out = []
    for r in _jsonl("phoenix_actors.jsonl"):
        _check(r["kind"] in ("person", "group") and bool(r["names"]), "phoenix_actors.jsonl", f"bad row {r['id']!r}")
        name = _display(r["names"][0])
        codes = []
        for c in sorted(r["codes"], key=lambda c: c["start"] is None):
            _check(bool(_CODE.match(c["country"])), "phoenix_actors.jsonl", f"bad code in {r['id']!r}")
            start = dt.date.fromisoformat(c["start"]) if c["start"] else dt.date.min
            end = dt.date.fromisoformat(c["end"]) if c["end"] else None
            codes.append(Leader(r["id"], name, (), c["country"], c["sector"], start, end))
        out.append(PhoenixActor(r["id"], r["kind"], tuple(tuple(n.split()) for n in r["names"]), tuple(codes)))
    _unique("phoenix_actors.jsonl", [a.id for a in out])
    return tuple(out)


def _phoenix_agents() -> dict[str, str]:
    rows = _jsonl("phoenix_agents.jsonl")
    _unique("phoenix_agents.jsonl", [r["term"] for r in rows])
    return {r["term"]: r["sector"] for r in rows}


def _cameo() -> dict[str, CameoCode]:
    raw = _json("cameo.json")
    out = {}
    for code, r in raw.items():
        ok = bool(_CAMEO.match(code)) and r["plover"] in PLOVER_TYPES and -10 <= r["goldstein"] <= 10
        _check(ok, "cameo.json", f"bad entry {code!r}")
        out[code] = CameoCode(code, r["name"], r["plover"], r["mode"], float(r["goldstein"]))
    return out


def _triggers(cameo: dict[str, CameoCode]) -> tuple[TriggerEntry, ...]:
    out = []
    for r in _jsonl("triggers.jsonl"):
        _check(r["cameo"] in cameo and r["pos"] in ("verb", "noun"), "triggers.jsonl", f"bad entry {r['id']!r}")
        out.append(
            TriggerEntry(
                id=r["id"],
                lemma=r["lemma"],
                pos=r["pos"],
                cameo=r["cameo"],
                obj=frozenset(r.get("obj") or ()),
                prt=r.get("prt"),
                prep=r.get("prep"),
                forms=tuple(r.get("forms") or ()),
                weak=bool(r.get("weak")),
                intransitive=bool(r.get("intransitive")),
            )
        )
    _unique("triggers.jsonl", [t.id for t in out])
    return tuple(out)


def _modality(cameo: dict[str, CameoCode], sectors: dict[str, str]) -> Modality:
    raw = _json("modality.json")
    tables = ("intent_codes", "threat_codes", "reject_codes")
    codes = [c for t in tables for c in raw[t].values()] + [raw["preparation_code"], raw["demand_code"]]
    _check(all(c in cameo for c in codes), "modality.json", "unknown CAMEO code")
    keys = [k for t in tables for k in raw[t]]
    _check(all(k in PLOVER_TYPES or k in cameo for k in keys), "modality.json", "unknown type or code key")
    words = {k: frozenset(v) for k, v in raw.items() if isinstance(v, list)}
    senses = {
        t: {lemma: frozenset(ws) for lemma, ws in raw[t].items()}
        for t in ("idle_objects", "idle_preps", "idle_governors")
    }
    _check(set(raw["implied_authorities"].values()) <= set(sectors), "modality.json", "authority not in sectors.jsonl")
    return Modality(**words, **{t: dict(raw[t]) for t in tables}, **senses, preparation_code=raw["preparation_code"],
                    demand_code=raw["demand_code"], implied_authorities=dict(raw["implied_authorities"]))  # fmt: skip


def load_lexicons() -> Lexicons:
    """Read every data file shipped under ``streams/extraction/lexicons``; raises ValueError on bad data."""
    cameo = _cameo()
    sectors = _sectors()
    modality = _modality(cameo, sectors)
    return Lexicons(
        _countries(),
        _organizations(),
        sectors,
        _leaders(),
        cameo,
        _triggers(cameo),
        modality,
        _phoenix(),
        _phoenix_agents(),
        frozenset(_json("negative_words.json")["words"]),
    )
