"""The event confidence model and the trigger priors it reads."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from schemas import Actor, Event, Trigger
from streams.extraction.confidence import ConfidenceModel, Evidence, Placement
from streams.extraction.events import ParseSignals
from streams.extraction.extractor import emitted
from streams.extraction.trigger_priors import TriggerPriors, prior_key

_PARSE = ParseSignals(
    noun=False,
    weak=False,
    specific=True,
    main=True,
    source_direct=True,
    source_pronoun=False,
    source_missing=False,
    target_parsed=True,
    target_guessed=False,
    untargeted_act=False,
)
_LEAD = Placement(lead=True, quoted=False, past=False, modifier=False, foreign_target=False, public_density=1.0)
_WIDTH = len(Evidence("t", _PARSE, _LEAD, True, 0.5).vector())


def _evidence(prior: float, noise: float) -> Evidence:
    return Evidence("t", _PARSE, _LEAD, noise > 0.5, prior)


def test_fit_learns_which_evidence_separates_right_from_wrong() -> None:
    rng = random.Random(1)
    samples = []
    for _ in range(300):
        type_prob = rng.random()
        samples.append((_evidence(type_prob, rng.random()), type_prob > 0.6))
    model = ConfidenceModel.fit(samples)
    assert model(_evidence(0.95, 0.2)) > 0.8 > 0.2 > model(_evidence(0.05, 0.8))


def test_dump_and_load_round_trip(tmp_path: Path) -> None:
    model = ConfidenceModel(-1.5, tuple(0.25 * i for i in range(_WIDTH)), min_confidence=0.35, min_confidence_best=0.1)
    path = tmp_path / "confidence.json"
    model.dump(path, note="test")
    assert ConfidenceModel.load(path) == model


def test_a_lone_sentences_most_confident_event_has_its_own_threshold() -> None:
    model = ConfidenceModel(0.0, (0.0,) * _WIDTH, min_confidence=0.5, min_confidence_best=0.2)
    assert model.emits(0.6, best=0.9)
    assert not model.emits(0.4, best=0.9)  # not the best: the general threshold
    assert model.emits(0.4, best=0.4)
    assert not model.emits(0.1, best=0.1)
    assert model.emits(0.6, best=None)
    assert not model.emits(0.4, best=None)  # in an article the best event has no threshold of its own


def _event(confidence: float, source: str) -> Event:
    day = dt.datetime(2005, 1, 1, tzinfo=dt.UTC)
    actor = Actor(text=source, name=source, country="GBR", sector="GOV", start=0, end=len(source))
    return Event(
        event_id=source,
        article_id="a",
        sentence_index=0,
        sentence="s",
        date=day.date(),
        plover_type="ACCUSE",
        cameo_code="111",
        cameo_root="11",
        quad_class=3,
        goldstein=-2.0,
        source=actor,
        target=None,
        trigger=Trigger(text="t", start=0, end=1),
        confidence=confidence,
        extracted_at=day,
    )


def test_only_a_lone_sentence_keeps_its_weak_top_event() -> None:
    model = ConfidenceModel(0.0, (0.0,) * _WIDTH, min_confidence=0.5, min_confidence_best=0.2)
    events = [_event(0.3, "a"), _event(0.25, "b")]
    assert [e.event_id for e in emitted(events, model, lone=True)] == ["a"]
    assert emitted(events, model, lone=False) == []


def test_priors_pull_rare_triggers_towards_their_types_rate(tmp_path: Path) -> None:
    right, wrong, rare = prior_key("verb:sign", "AGREE"), prior_key("verb:help", "AID"), prior_key("verb:aid", "AID")
    outcomes = [(right, True)] * 40 + [(wrong, False)] * 40 + [(rare, False)]
    priors = TriggerPriors.fit(outcomes)
    assert priors(right) > 0.9 and priors(wrong) < 0.1
    # A rare pair sits between its type's low rate and the overall rate; an unseen pair takes its type's rate.
    aid = priors(prior_key("verb:give", "AID"))
    assert priors(wrong) < priors(rare) < priors.default
    assert aid < priors.default < priors(prior_key("verb:agree", "AGREE"))
    assert priors(prior_key("verb:march", "PROTEST")) == priors.default  # a type never seen
    path = tmp_path / "priors.json"
    priors.dump(path, note="test")
    assert TriggerPriors.load(path) == priors


def test_shipped_model_and_priors_load_and_rank_a_clear_act_first() -> None:
    model = ConfidenceModel.load()
    assert 0.0 <= model.min_confidence_best <= model.min_confidence < 1.0
    priors = TriggerPriors.load()
    assert 0.0 < priors.default < 1.0 and priors.by_trigger
    vague = ParseSignals(**{**vars(_PARSE), "noun": True, "main": False, "source_direct": False,
                            "target_parsed": False})  # fmt: skip
    background = Placement(lead=False, quoted=True, past=True, modifier=True, foreign_target=False, public_density=0.2)
    assert model(Evidence("t", _PARSE, _LEAD, True, 0.8)) > model(Evidence("t", vague, background, False, 0.3))
