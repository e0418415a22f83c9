"""Convert the PETRARCH 2 / Phoenix actor and agent dictionaries (TABARI format) into the coder's JSONL lexicons.

Usage: ``python -m streams.extraction.build_phoenix DIR`` where DIR holds Phoenix.Countries.actors.txt,
Phoenix.International.actors.txt, Phoenix.MilNonState.actors.txt, Phoenix.agents.txt and LICENSE.
Writes lexicons/phoenix_actors.jsonl, lexicons/phoenix_agents.jsonl and lexicons/PHOENIX-LICENSE.txt.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry
import spacy

OUT_DIR = Path(__file__).resolve().parent / "lexicons"
ACTOR_FILES = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt")
COUNTRIES_FILE, _, NONSTATE_FILE = ACTOR_FILES
AGENTS_FILE = "Phoenix.agents.txt"

SECTORS = frozenset(
    "GOV MIL REB OPP ELI COP JUD LEG PTY BUS LAB MED EDU REL CVL SPY UAF HLH AGR REF CRM ENV HRI IGO NGO".split()
)
ORG_COUNTRIES = frozenset({"IGO", "NGO", "IMG"})
STATES = frozenset(c.alpha_3 for c in pycountry.countries)
# A primary name holding one of these words names an institution or group, not a person ("MINISTRY_FOR_STATE_SECURITY").
ORG_WORDS = frozenset(
    """administration agency alliance army assembly association authority bank battalion battalions board brigade
    brigades bureau cabinet centre center coalition command commission committee community company congress
    corporation council court declaration department directorate federation force forces foundation front fund
    government group guard headquarters house institute league militia ministry movement network office organisation
    organization palace parliament party police politburo regime rifles sabha service services society soviet street
    team tribunal union university yard state military reserve intelligence tank observatory rights panel
    program programme jabhat jaish jaysh harakat ahrar""".split()
)
RULER_NOTE = re.compile(r"#.*(countryinfo|igorulers)", re.IGNORECASE)
GARBLED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffd]")
BRACKET = re.compile(r"\[([^\[\]]*)\]")
PAREN = re.compile(r"\([^)]*\)?")
STRAY = re.compile(r"[\[\](){}]")
DATE_RANGE = re.compile(r"^(\d+)-(\d+)$")
DATE_BOUND = re.compile(r"^([<>])(\d+)$")
CODE = re.compile(r"^[A-Z0-9]{3,}$")
MACRO_DEF = re.compile(r"^(![A-Z]+!)\s*=\s*(.+)$")
MACRO = re.compile(r"![A-Z]+!")
AGENT_LINE = re.compile(r"^(?P<phrase>[^\[{]+?)\s*(?:\{(?P<plural>[^}]*)\})?\s*\[(?P<code>[^\]}]*)[\]}]")

Tokenize = Callable[[str], list[str]]


@dataclass
class RawEntry:
    """One actor record as written: names (primary first) and the bracketed code strings."""

    source: str
    line: int
    names: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    inline: bool = False  # the primary line carried the code(s)
    indented: bool = False  # codes came on following indented lines
    ruler: bool = False  # the name line's comment cites a list of office holders (CountryInfo.txt, IGOrulers.txt)


@dataclass
class Stats:
    """Counters for the summary line."""

    dropped_codes: Counter[str] = field(default_factory=Counter)
    bad_countries: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)


def make_tokenizer() -> Tokenize:
    """spaCy's English tokenizer, lower-casing each token (results cached)."""
    tokenizer = spacy.blank("en").tokenizer
    cache: dict[str, list[str]] = {}

    def tokenize(text: str) -> list[str]:
        if text not in cache:
            cache[text] = [t.text.lower() for t in tokenizer(text) if not t.is_space]
        return cache[text]

    return tokenize


def strip_comment(line: str) -> str:
    """The line without its ``# ...`` comment."""
    return line.split("#", 1)[0]


def clean_name(raw: str) -> str:
    """A TABARI phrase as plain text: no parentheses, brackets, underscores or extra blanks."""
    text = STRAY.sub(" ", PAREN.sub(" ", raw).replace("_", " "))
    return " ".join(text.split())


def split_names(raw: str) -> list[str]:
    """Names on a phrase line; a stray ``+`` inside ("..._ISLAMI+_ISLAMIC_...") separates two synonyms."""
    return [part for part in raw.split("+") if part.strip()]


def read_entries(path: Path) -> Iterator[RawEntry]:
    """Group the lines of an actor file into records.

    A name line without a code that follows a record still lacking codes, with no blank line between, is one
    more synonym of it (the file lists "BORIS_YELTSIN_", "PRESIDENT_YELTSIN" ... above one set of code lines).
    """
    entry: RawEntry | None = None
    gap = True
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        body = strip_comment(line)
        if not body.strip():
            gap = gap or not line.strip()
            continue
        if line[0] in " \t" or body.lstrip().startswith("["):
            if entry is not None:
                entry.codes += BRACKET.findall(body)
                entry.indented = True
        elif body.startswith("+"):
            if entry is not None:
                entry.names += split_names(body[1:])
        else:
            name, _, rest = body.partition("[")
            codes = BRACKET.findall("[" + rest) if rest else []
            if entry is not None and not codes and not entry.codes and not gap:
                entry.names += split_names(name)
            else:
                if entry is not None:
                    yield entry
                ruler = bool(RULER_NOTE.search(line))
                entry = RawEntry(path.name, number, split_names(name), codes, inline=bool(codes), ruler=ruler)
        gap = False
    if entry is not None:
        yield entry


def parse_date(digits: str) -> dt.date | None:
    """YYMMDD (00-30 -> 20YY, else 19YY) or YYYYMMDD; None when malformed or impossible."""
    if len(digits) == 6:
        year = int(digits[:2])
        digits = f"{2000 + year if year <= 30 else 1900 + year}{digits[2:]}"
    if len(digits) != 8:
        return None
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def parse_restriction(text: str) -> tuple[dt.date | None, dt.date | None] | str:
    """("start", "end") of a date restriction ("970502-070627", ">060215", "<060215", ""), or a drop reason."""
    if not text:
        return None, None
    if m := DATE_RANGE.match(text):
        start, end = parse_date(m[1]), parse_date(m[2])
        if start is None or end is None:
            return "bad_date"
        return (start, end) if start <= end else "reversed_range"
    if m := DATE_BOUND.match(text):
        day = parse_date(m[2])
        if day is None:
            return "bad_date"
        return (day, None) if m[1] == ">" else (None, day)
    return "bad_date"


def split_code(code: str) -> tuple[str, str | None] | str:
    """(country, sector) of a CAMEO actor code ("GBRGOV" -> GBR, GOV; "IGOUNO" -> IGO, None), or a drop reason."""
    if code == "---":
        return "null_code"
    if not CODE.match(code):
        return "malformed"
    country = code[:3]
    if country not in STATES and country not in ORG_COUNTRIES:
        return "sector_only" if country in SECTORS else "bad_country"
    chunks = (code[i : i + 3] for i in range(3, len(code) - 2, 3))
    return country, next((c for c in chunks if c in SECTORS), None)


def parse_code(raw: str) -> dict[str, Any] | str:
    """One bracketed code ("GBRGOV 970502-070627") as a JSON-ready dict, or the reason it is dropped."""
    code, _, restriction = raw.strip().partition(" ")
    parts = split_code(code)
    if isinstance(parts, str):
        return parts
    dates = parse_restriction("".join(restriction.split()))
    if isinstance(dates, str):
        return dates
    start, end = dates
    return {
        "country": parts[0],
        "sector": parts[1],
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
    }


def parse_codes(entry: RawEntry) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Usable codes of a record (deduplicated, file order) and (reason, code) for each dropped one."""
    codes: list[dict[str, Any]] = []
    dropped: list[tuple[str, str]] = []
    for raw in entry.codes:
        parsed = parse_code(raw)
        if isinstance(parsed, str):
            dropped.append((parsed, raw.split()[0] if raw.split() else raw))
        elif parsed not in codes:
            codes.append(parsed)
    return codes, dropped


def has_sector(raw: str) -> bool:
    """Whether a raw code ("DDRGOV 761029-891024") holds a sector chunk after its first three letters."""
    code = raw.split()[0] if raw.split() else ""
    return any(code[i : i + 3] in SECTORS for i in range(3, len(code) - 2, 3))


def primary_words(entry: RawEntry) -> list[str]:
    """Lower-cased words of the record's primary name."""
    return [w.lower() for w in clean_name(entry.names[0]).split()] if entry.names else []


def is_country_block(entry: RawEntry) -> bool:
    """A country or place record of the Countries file.

    Its code is on the name line ("AFGHANISTAN_  [AFG]"), or its codes name a state but no sector ("[USRARM <900823]",
    "[MDA]") and its name no organisation ("THE_ISLAMIC_FRONT_ [SYRINSMUS]" is kept).
    """
    if entry.source != COUNTRIES_FILE:
        return False
    if entry.inline:
        return True
    codes = [c.strip() for c in entry.codes if c.strip() != "---"]
    return (
        bool(codes)
        and not any(has_sector(c) or c[:3] in ORG_COUNTRIES for c in codes)
        and not ORG_WORDS.intersection(primary_words(entry))
    )


def actor_kind(entry: RawEntry, codes: list[dict[str, Any]]) -> str:
    """Kind: "person" for office holders and records coded on indented or dated lines, else "group".

    Everything in the MilNonState file is a group; a primary name of one word or with an organisation word
    ("MOSSAD", "SHIN_BET_SECURITY_AGENCY") is one too unless its comment cites a list of office holders.
    """
    if entry.source == NONSTATE_FILE:
        return "group"
    if entry.ruler:
        return "person"
    words = primary_words(entry)
    if len(words) <= 1 or ORG_WORDS.intersection(words):
        return "group"
    dated = any(c["start"] or c["end"] for c in codes)
    return "person" if entry.indented or dated or len(entry.codes) > 1 else "group"


def normalise_names(raw_names: list[str], person: bool, tokenize: Tokenize, stats: Stats) -> list[list[str]]:
    """Token lists of the usable names: no garbled text, no person name of one word, none under 3 characters."""
    out: list[list[str]] = []
    seen: set[str] = set()
    for raw in raw_names:
        text = clean_name(raw)
        if not text:
            continue
        if GARBLED.search(text):
            stats.dropped["garbled_name"] += 1
            continue
        if person and len(text.split()) == 1:
            stats.dropped["one_word_person_name"] += 1
            continue
        tokens = tokenize(text)
        joined = " ".join(tokens)
        if len(joined) < 3:
            stats.dropped["short_name"] += 1
        elif joined not in seen:
            seen.add(joined)
            out.append(tokens)
    return out


def make_id(tokens: list[str], taken: set[str]) -> str:
    """Primary-name tokens joined by "_" (punctuation tokens left out), made unique with "_2", "_3" ..."""
    words = [t for t in tokens if any(ch.isalnum() for ch in t)] or tokens
    base = "_".join(words)
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    taken.add(key)
    return key


def convert_entry(entry: RawEntry, tokenize: Tokenize, stats: Stats) -> tuple[list[str], dict[str, Any]] | None:
    """Primary-name tokens and output row (without id) of a record; None (counted) for a country block or a record
    left with no name or code."""
    if is_country_block(entry):
        stats.dropped["country_block"] += 1
        return None
    codes, dropped = parse_codes(entry)
    for reason, code in dropped:
        stats.dropped_codes[reason] += 1
        if reason in ("bad_country", "sector_only"):
            stats.bad_countries[code[:3]] += 1
    if not codes:
        stats.dropped["no_usable_code"] += 1
        return None
    kind = actor_kind(entry, codes)
    names = normalise_names(entry.names, kind == "person", tokenize, stats)
    if not names:
        stats.dropped["no_usable_name"] += 1
        return None
    return names[0], {"kind": kind, "names": [" ".join(n) for n in names], "codes": codes}


def build_actors(folder: Path, tokenize: Tokenize) -> tuple[list[dict[str, Any]], Stats]:
    """All actor rows of the three actor files, sorted by id; a record repeated verbatim is kept once."""
    stats = Stats()
    taken: set[str] = set()
    seen: set[str] = set()
    rows = []
    for name in ACTOR_FILES:
        for entry in read_entries(folder / name):
            converted = convert_entry(entry, tokenize, stats)
            if converted is None:
                continue
            primary, row = converted
            key = json.dumps(row)
            if key in seen:
                stats.dropped["repeated_record"] += 1
                continue
            seen.add(key)
            rows.append({"id": make_id(primary, taken), **row})
    return sorted(rows, key=lambda r: r["id"]), stats


def read_macros(lines: list[str]) -> dict[str, list[str]]:
    """The substitution sets ("!PERSON! = MAN, MEN, ...") defined in the agents file."""
    macros = {}
    for line in lines:
        if m := MACRO_DEF.match(strip_comment(line).strip()):
            macros[m[1]] = [v.strip() for v in m[2].split(",") if v.strip()]
    return macros


def expand(phrase: str, macros: dict[str, list[str]]) -> list[str]:
    """Every phrase obtained by replacing each !MACRO! with each of its values (unknown macros left as they are)."""
    m = next((m for m in MACRO.finditer(phrase) if m[0] in macros), None)
    if m is None:
        return [phrase]
    head, tail = phrase[: m.start()], phrase[m.end() :]
    return [out for value in macros[m[0]] for out in expand(head + value + tail, macros)]


def agent_sector(code: str) -> str | None:
    """First three letters of an agent code ("~BUDEDU" -> BUD, "IGO~" -> IGO)."""
    letters = code.replace("~", "").strip()
    return letters[:3] if len(letters) >= 3 else None


def regular_plural(phrase: str) -> str:
    """The regular plural of a phrase's last word: "SPOKESPERSON" -> "SPOKESPERSONS", "AUTHORITY" -> "AUTHORITIES",
    "WITNESS" -> "WITNESSES"."""
    upper = phrase.upper()
    if upper.endswith("Y") and len(upper) > 1 and upper[-2] not in "AEIOU":
        return phrase[:-1] + "IES"
    if upper.endswith(("S", "X", "CH", "SH")):
        return phrase + "ES"
    return phrase + "S"


def build_agents(folder: Path, tokenize: Tokenize) -> tuple[list[dict[str, str]], Counter[str]]:
    """Agent rows {"term", "sector"}: macros expanded, plurals included, first sector wins, sorted by term."""
    lines = (folder / AGENTS_FILE).read_text(encoding="utf-8").splitlines()
    macros = read_macros(lines)
    stats: Counter[str] = Counter()
    rows: dict[str, str] = {}
    for line in lines:
        body = strip_comment(line).strip()
        if not body or MACRO_DEF.match(body):
            continue
        m = AGENT_LINE.match(body)
        if m is None:
            stats["no_code"] += 1
            continue
        sector = agent_sector(m["code"])
        if sector not in SECTORS:
            stats[f"sector_{sector}"] += 1
            continue
        # As PETRARCH reads them: "{...}" gives the plural ("{}" none), a phrase with a "!MACRO!" has none, any
        # other takes the regular plural.
        if m["plural"] is not None:
            plural = m["plural"].strip()
        else:
            plural = "" if MACRO.search(m["phrase"]) else regular_plural(m["phrase"].strip())
        phrases = [m["phrase"]] + ([plural] if plural else [])
        for phrase in (p for raw in phrases for p in expand(raw.strip(), macros)):
            text = clean_name(phrase)
            if GARBLED.search(text) or MACRO.search(text):
                stats["garbled"] += 1
                continue
            term = " ".join(tokenize(text))
            if term in rows:
                stats["duplicate"] += 1
            elif term:
                rows[term] = sector
    return [{"term": t, "sector": s} for t, s in sorted(rows.items())], stats


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> int:
    """Write one compact JSON object a line; returns the byte size."""
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def write_license(folder: Path) -> None:
    """PHOENIX-LICENSE.txt: provenance header and the verbatim MIT licence."""
    header = (
        "phoenix_actors.jsonl and phoenix_agents.jsonl are converted from the PETRARCH 2 / Phoenix dictionaries of\n"
        "the Open Event Data Alliance (github.com/openeventdata/petrarch2) by streams/extraction/build_phoenix.py.\n\n"
    )
    licence = (folder / "LICENSE").read_text(encoding="utf-8")
    (OUT_DIR / "PHOENIX-LICENSE.txt").write_text(header + licence, encoding="utf-8")


def format_counter(counter: Counter[str]) -> str:
    """Counts as "key=n, ..." in descending order."""
    return ", ".join(f"{k}={v}" for k, v in counter.most_common()) or "none"


def main(argv: list[str] | None = None) -> int:
    """Build the Phoenix lexicons from the folder given as the only argument."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m streams.extraction.build_phoenix DIR", file=sys.stderr)
        return 2
    folder = Path(args[0])
    tokenize = make_tokenizer()

    actors, stats = build_actors(folder, tokenize)
    size = write_jsonl(OUT_DIR / "phoenix_actors.jsonl", actors)
    kinds = Counter(r["kind"] for r in actors)
    names = sum(len(r["names"]) for r in actors)
    codes = sum(len(r["codes"]) for r in actors)
    print(
        f"phoenix_actors.jsonl: {len(actors)} rows ({format_counter(kinds)}), {names} names, {codes} codes, "
        f"{size} bytes; dropped code lines: {format_counter(stats.dropped_codes)} "
        f"[unusable countries: {format_counter(Counter(dict(stats.bad_countries.most_common(8))))} ...]; "
        f"skipped: {format_counter(stats.dropped)}"
    )

    agents, agent_stats = build_agents(folder, tokenize)
    size = write_jsonl(OUT_DIR / "phoenix_agents.jsonl", agents)
    sectors = Counter(r["sector"] for r in agents)
    print(
        f"phoenix_agents.jsonl: {len(agents)} rows, {size} bytes, sectors: {format_counter(sectors)}; "
        f"skipped: {format_counter(agent_stats)}"
    )
    write_license(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
