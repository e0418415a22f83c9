"""Convert the VADER sentiment lexicon into the coder's list of negative words (reported criticism).

Usage: ``python -m streams.extraction.build_negative_words DIR`` where DIR holds ``vader_lexicon.txt`` and
``LICENSE.txt`` of vaderSentiment 3.3.2 (C.J. Hutto, MIT; e.g. unpacked from ``pip download vaderSentiment==3.3.2``).
Writes lexicons/negative_words.json (every single word with a mean valence at or below ``MAX_VALENCE``) and
lexicons/VADER-LICENSE.txt.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent / "lexicons"
LEXICON_FILE = "vader_lexicon.txt"
#: VADER rates words from -4 (most negative) to +4; -0.5 and below judges ("failed", "wrong", "weak", "odd").
MAX_VALENCE = -0.5


def negative_words(lexicon: str) -> list[str]:
    """Lower-case alphabetic words of a VADER lexicon (word, mean valence, sd, ratings; tab-separated)."""
    words = set()
    for line in lexicon.splitlines():
        word, valence, *_ = line.split("\t")
        if word.isalpha() and float(valence) <= MAX_VALENCE:
            words.add(word.lower())
    return sorted(words)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not (Path(args[0]) / LEXICON_FILE).is_file():
        sys.exit(f"usage: python -m streams.extraction.build_negative_words DIR (holding {LEXICON_FILE}, LICENSE.txt)")
    src = Path(args[0])
    words = negative_words((src / LEXICON_FILE).read_text(encoding="utf-8"))
    note = f"VADER sentiment lexicon 3.3.2 (C.J. Hutto, MIT): single words of mean valence <= {MAX_VALENCE}"
    payload = {"source": note, "words": words}
    (OUT_DIR / "negative_words.json").write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    (OUT_DIR / "VADER-LICENSE.txt").write_text((src / "LICENSE.txt").read_text(encoding="utf-8"), encoding="utf-8")
    print(f"{len(words)} words written to {OUT_DIR / 'negative_words.json'}")


if __name__ == "__main__":
    main()
