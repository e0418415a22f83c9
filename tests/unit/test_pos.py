"""The POS lookup writes exactly what the model's attribute_ruler writes."""

from pathlib import Path

import spacy

from streams.extraction import resolve_model_name
from streams.extraction.pos import PosLookup

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_6f55596e71a25cd4.txt"
TEXTS = [
    SEED.read_text(encoding="utf-8"),
    "Thousands of protesters marched in Nairobi on Tuesday; police fired tear gas and arrested dozens.",
    "He's gonna say 'no' -- won't he?  The U.S. can't, and it doesn't.\n\nWhy? Because $3m isn't 10%.",
]


def test_lookup_matches_the_attribute_ruler_token_for_token() -> None:
    model = resolve_model_name(None)
    full = spacy.load(model, exclude=["lemmatizer"])
    bare = spacy.load(model, exclude=["lemmatizer"], disable=["attribute_ruler"])
    lookup = PosLookup(bare.vocab, bare.get_pipe("attribute_ruler").patterns)
    for expected, doc in zip(full.pipe(TEXTS), bare.pipe(TEXTS), strict=True):
        assert [t.pos_ for t in lookup(doc)] == [t.pos_ for t in expected]
