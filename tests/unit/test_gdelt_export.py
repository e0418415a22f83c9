"""The GDELT 2.0 export: the codebook's 61 columns in order, and what we fill in."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from streams.export.gdelt import GDELT_EVENT_COLUMNS, file_name, gdelt_row, global_event_id, write_export_files
from streams.stories import Aggregator
from tests.unit.test_stories import NOW, SEEN, event

#: The GDELT 2.0 Event table codebook (GDELT-Event_Codebook-V2.0), fields 1..61.
CODEBOOK = """GLOBALEVENTID SQLDATE MonthYear Year FractionDate
Actor1Code Actor1Name Actor1CountryCode Actor1KnownGroupCode Actor1EthnicCode Actor1Religion1Code
Actor1Religion2Code Actor1Type1Code Actor1Type2Code Actor1Type3Code
Actor2Code Actor2Name Actor2CountryCode Actor2KnownGroupCode Actor2EthnicCode Actor2Religion1Code
Actor2Religion2Code Actor2Type1Code Actor2Type2Code Actor2Type3Code
IsRootEvent EventCode EventBaseCode EventRootCode QuadClass GoldsteinScale NumMentions NumSources NumArticles AvgTone
Actor1Geo_Type Actor1Geo_FullName Actor1Geo_CountryCode Actor1Geo_ADM1Code Actor1Geo_ADM2Code Actor1Geo_Lat
Actor1Geo_Long Actor1Geo_FeatureID
Actor2Geo_Type Actor2Geo_FullName Actor2Geo_CountryCode Actor2Geo_ADM1Code Actor2Geo_ADM2Code Actor2Geo_Lat
Actor2Geo_Long Actor2Geo_FeatureID
ActionGeo_Type ActionGeo_FullName ActionGeo_CountryCode ActionGeo_ADM1Code ActionGeo_ADM2Code ActionGeo_Lat
ActionGeo_Long ActionGeo_FeatureID
DATEADDED SOURCEURL""".split()


def story():
    agg = Aggregator({})
    agg.apply(0, event("e1", article="a1", url="https://www.reuters.com/a1"), SEEN, NOW)
    update = agg.apply(0, event("e2", article="a2", outlet="AP"), SEEN + dt.timedelta(minutes=20), NOW)
    assert update.story is not None
    return update.story


def test_columns_are_the_61_of_the_codebook_in_order() -> None:
    assert len(CODEBOOK) == 61
    assert list(GDELT_EVENT_COLUMNS) == CODEBOOK


def test_a_story_fills_what_newsevents_knows() -> None:
    row = dict(zip(GDELT_EVENT_COLUMNS, gdelt_row(story()), strict=True))
    assert row["GLOBALEVENTID"] == str(global_event_id(story().story_id))
    assert (row["SQLDATE"], row["MonthYear"], row["Year"], row["FractionDate"]) == (
        "20240304",
        "202403",
        "2024",
        "2024.1726",
    )
    assert (row["Actor1Code"], row["Actor1CountryCode"], row["Actor1Type1Code"]) == ("RUSMIL", "RUS", "MIL")
    assert (row["Actor2Code"], row["Actor2Name"]) == ("UKRMIL", "UKR")
    assert (row["EventCode"], row["EventBaseCode"], row["EventRootCode"], row["QuadClass"]) == ("194", "194", "19", "4")
    assert (row["NumMentions"], row["NumSources"], row["NumArticles"], row["GoldsteinScale"]) == (
        "2",
        "2",
        "2",
        "-10.0",
    )
    assert (row["ActionGeo_Type"], row["ActionGeo_FullName"], row["ActionGeo_CountryCode"]) == ("1", "UKR", "UP")
    assert (row["DATEADDED"], row["SOURCEURL"]) == ("20240304093000", "https://www.reuters.com/a1")
    assert row["AvgTone"] == row["Actor1Geo_Type"] == row["ActionGeo_FeatureID"] == ""


def test_files_are_tab_separated_without_header_one_per_quarter_hour(tmp_path: Path) -> None:
    written = write_export_files([story()], tmp_path)
    assert list(written.values()) == [1]
    [path] = written
    assert path.name == file_name(story()) == "20240304093000.export.CSV"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    assert len(rows) == 1 and len(rows[0]) == 61 and rows[0][0].isdigit()


def test_global_event_ids_are_stable_positive_63_bit_integers() -> None:
    assert global_event_id("abc") == global_event_id("abc") != global_event_id("abd")
    assert 0 < global_event_id("abc") < 2**63
