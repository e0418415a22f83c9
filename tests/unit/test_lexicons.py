"""Every lexicon data file loads, validates, and has unique ids / keys."""

from __future__ import annotations

import dataclasses
import datetime
import json
from importlib import resources

import pytest

from schemas import PLOVER_TYPES
from streams.extraction.lexicons import Modality, load_lexicons, quad_class, strict_json

FILES = (
    "countries.jsonl",
    "organizations.jsonl",
    "sectors.jsonl",
    "leaders.jsonl",
    "triggers.jsonl",
    "phoenix_actors.jsonl",
    "phoenix_agents.jsonl",
    "cameo.json",
    "modality.json",
    "confidence.json",
    "negative_words.json",
)
KEYS = {
    "countries.jsonl": "code",
    "organizations.jsonl": "id",
    "sectors.jsonl": "term",
    "leaders.jsonl": "id",
    "triggers.jsonl": "id",
    "phoenix_actors.jsonl": "id",
    "phoenix_agents.jsonl": "term",
}


def _text(name: str) -> str:
    return resources.files("streams.extraction").joinpath("lexicons").joinpath(name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", FILES)
def test_file_is_valid_json_with_unique_keys(name: str) -> None:
    if name.endswith(".json"):
        data = strict_json(_text(name))  # raises on a duplicate key, which json.loads would drop silently
        assert data
        return
    rows = [json.loads(line) for line in _text(name).splitlines() if line.strip()]
    keys = [r[KEYS[name]] for r in rows]
    assert rows and len(keys) == len(set(keys))


def test_load_lexicons_validates_everything() -> None:
    lex = load_lexicons()
    assert {c.code for c in lex.countries} >= {"RUS", "USA", "UKR", "GBR", "CHN"}
    assert {e.plover for e in lex.cameo.values()} == set(PLOVER_TYPES)
    assert all(t.cameo in lex.cameo for t in lex.triggers)


def test_surface_names_do_not_clash_between_countries() -> None:
    owner: dict[str, str] = {}
    for c in load_lexicons().countries:
        for name in {c.name, *c.aliases, *c.demonyms, *c.capitals, *c.seats}:
            assert owner.setdefault(name, c.code) == c.code, name


def test_leaders_have_windows_and_must_know_the_seed_cast() -> None:
    by_name = {leader.name: leader for leader in load_lexicons().leaders}
    blinken = by_name["Antony Blinken"]
    assert (blinken.country, blinken.sector) == ("USA", "GOV")
    assert str(blinken.start) == "2021-01-26" and str(blinken.end) == "2025-01-20"
    assert by_name["Sergey Lavrov"].country == "RUS"


def test_light_verb_triggers_present() -> None:
    ids = {t.id for t in load_lexicons().triggers}
    assert any(i.startswith("verb:launch:obj=") and "attack" in i for i in ids)
    assert any(i.startswith("verb:hold:obj=") and "talks" in i for i in ids)
    assert any(i.startswith("verb:impose:obj=") and "sanctions" in i for i in ids)


@pytest.mark.parametrize(("code", "quad"), [("040", 1), ("057", 1), ("0841", 2), ("112", 3), ("130", 3), ("190", 4)])
def test_quad_class(code: str, quad: int) -> None:
    assert quad_class(code) == quad


def test_non_political_word_lists_do_not_shadow_actor_words() -> None:
    lex = load_lexicons()
    mod = lex.modality
    assert mod.nonpolitical_roles and mod.sport_terms and mod.recipient_verbs
    assert not mod.nonpolitical_roles & (set(lex.sectors) | mod.group_nouns)  # "strikers" stay LAB actors
    assert not (mod.figurative_modifiers & mod.verbal_modifiers)


def test_strict_json_refuses_duplicate_keys() -> None:
    with pytest.raises(ValueError, match="duplicate key '040'"):
        strict_json('{"040": {"plover": "CONSULT"}, "041": {}, "040": {"plover": "AGREE"}}')
    assert strict_json('{"a": {"b": 1}}') == {"a": {"b": 1}}


def test_modality_file_fills_every_field_with_clean_word_lists() -> None:
    raw = json.loads(_text("modality.json"))
    assert set(raw) == {f.name for f in dataclasses.fields(Modality)}
    for key, value in raw.items():
        if isinstance(value, list):
            assert value, key
            assert len(value) == len(set(value)), f"{key} repeats a word"
            assert all(w == w.lower() for w in value), key
    lex = load_lexicons()
    assert lex.modality.demand_code in lex.cameo and lex.cameo[lex.modality.demand_code].plover == "REQUEST"
    lemmas = {t.lemma for t in lex.triggers}
    for table in ("idle_objects", "idle_preps", "idle_governors"):  # every idle sense belongs to a trigger
        assert raw[table] and set(raw[table]) <= lemmas, table


def test_phoenix_people_carry_dated_codes_chosen_by_day() -> None:
    lex = load_lexicons()
    blair = next(a for a in lex.phoenix if a.id == "tony_blair")
    assert blair.kind == "person" and ("tony", "blair") in blair.names
    active = [c for c in blair.codes if c.active_on(datetime.date(2005, 1, 1))]
    assert active[0].country == "GBR" and active[0].sector == "GOV"
    assert blair.codes[-1].end is None  # the undated fallback code comes last
    assert all(len(n) >= 2 for a in lex.phoenix if a.kind == "person" for n in a.names)  # no bare surnames
    assert lex.phoenix_agents["police"] == "COP"
