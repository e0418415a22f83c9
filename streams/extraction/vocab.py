"""Code sets and function-word sets shared by the coder's modules (one definition each)."""

from __future__ import annotations

__all__ = ["GROUPINGS", "LOCATIVE", "POLITICAL_SECTORS"]

#: Country codes of groupings rather than states: they lend no country to a domestic group.
GROUPINGS = frozenset({"IGO", "NGO", "WST", "IMG"})
#: Prepositions that place a phrase ("in Kenya", "near the border"): their complement is a location.
LOCATIVE = frozenset({"in", "at", "near", "outside", "inside", "across", "around", "throughout", "into", "from"})
#: Sectors of political actors: an event needs one of them (or a state or grouping) when a firm is on a side.
POLITICAL_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "OPP", "PTY", "REB", "SPY", "LAB", "ELI", "IGO"})
