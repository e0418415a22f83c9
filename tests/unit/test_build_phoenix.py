"""The Phoenix dictionary converter reads agent records as PETRARCH does."""

from __future__ import annotations

from pathlib import Path

from streams.extraction.build_phoenix import AGENTS_FILE, build_agents, regular_plural


def _words(text: str) -> list[str]:
    return text.lower().split()


def test_regular_plurals_follow_english_endings() -> None:
    assert regular_plural("CAMPAIGNER") == "CAMPAIGNERS"
    assert regular_plural("SECURITY_AUTHORITY") == "SECURITY_AUTHORITIES"
    assert regular_plural("ATTORNEY") == "ATTORNEYS"
    assert regular_plural("WITNESS") == "WITNESSES"


def test_agents_take_regular_explicit_or_no_plurals(tmp_path: Path) -> None:
    (tmp_path / AGENTS_FILE).write_text(
        "!PERSON! = MAN, MEN\n"
        "CAMPAIGNER [~OPP]  # regular plural\n"
        "POLICEMAN {POLICEMEN} [~COP]\n"
        "POLICE {} [~COP]\n"
        "CONGRESS!PERSON! [~LEG]\n",
        encoding="utf-8",
    )
    rows, _ = build_agents(tmp_path, _words)
    assert {r["term"]: r["sector"] for r in rows} == {
        "campaigner": "OPP",
        "campaigners": "OPP",
        "policeman": "COP",
        "policemen": "COP",
        "police": "COP",
        "congressman": "LEG",
        "congressmen": "LEG",
    }
