"""A run-in headline is split from the lead before the parser runs."""

from __future__ import annotations

import spacy

from streams.extraction.headline import headline_end

_NLP = spacy.blank("en")


def _split(text: str) -> tuple[str, str] | None:
    doc = _NLP(text)
    end = headline_end(doc)
    return None if end is None else (doc[:end].text, doc[end:].text)


def test_a_headline_restated_by_the_lead_becomes_its_own_sentence() -> None:
    text = (
        "Minister rejects union pay offer Defence minister Jane Roe has rejected a union offer on pay, saying the "
        "budget could not carry it. Unions said they would ballot members. Talks resume next week."
    )
    assert _split(text) == ("Minister rejects union pay offer", text.removeprefix("Minister rejects union pay offer "))


def test_a_capitalised_function_word_opens_the_lead() -> None:
    head, body = _split(
        "Port strike halts exports The strike at the country's largest port has halted exports of grain for a "
        "second week. Dockers want more pay. Owners refused."
    ) or ("", "")
    assert head == "Port strike halts exports" and body.startswith("The strike")


def test_a_text_that_opens_with_a_full_sentence_is_left_alone() -> None:
    assert _split("The minister rejected the offer. Unions said they would strike. Talks resume.") is None
    assert _split("Tony Blair met Jacques Chirac in Paris. Mr Blair and Mr Chirac talked. Both smiled.") is None
    assert _split("Talks resume: Unions and the Port Authority will resume talks on pay. Both sides agreed.") is None


def test_a_single_sentence_is_never_split() -> None:
    assert _split("Leaders meet over trade Leaders of Chile and Peru met in Lima to discuss trade.") is None
