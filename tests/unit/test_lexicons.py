"""Every lexicon data file loads, validates, and has unique ids / keys."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from schemas import PLOVER_TYPES
from streams.extraction.lexicons import load_lexicons, quad_class

FILES = ("countries.jsonl", "organizations.jsonl", "sectors.jsonl", "leaders.jsonl", "triggers.jsonl", "cameo.json")
KEYS = {
    "countries.jsonl": "code",
    "organizations.jsonl": "id",
    "sectors.jsonl": "term",
    "leaders.jsonl": "id",
    "triggers.jsonl": "id",
}


def _text(name: str) -> str:
    return resources.files("streams.extraction").joinpath("lexicons").joinpath(name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", FILES)
def test_file_is_valid_json_with_unique_keys(name: str) -> None:
    if name.endswith(".json"):
        data = json.loads(_text(name))
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
