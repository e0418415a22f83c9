"""Write (or check) the JSON Schema files generated from the record models."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import BaseModel

from schemas import TOPIC_RECORDS, Actor, Location, Trigger

__all__ = ["JSON_DIR", "render_all", "main"]

JSON_DIR = Path(__file__).parent / "json"
_MODELS: tuple[type[BaseModel], ...] = (*TOPIC_RECORDS.values(), Actor, Trigger, Location)


def render_all() -> dict[str, str]:
    """Return file name → JSON Schema text for every record model."""
    rendered = {}
    for model in _MODELS:
        schema = model.model_json_schema(mode="serialization")
        rendered[f"{model.__name__}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return rendered


def main(argv: list[str] | None = None) -> int:
    """Write the files, or with ``--check`` exit 1 when any committed file is stale."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail instead of writing when files differ")
    args = parser.parse_args(argv)
    stale = []
    for name, text in render_all().items():
        path = JSON_DIR / name
        if path.exists() and path.read_text() == text:
            continue
        stale.append(name)
        if not args.check:
            JSON_DIR.mkdir(exist_ok=True)
            path.write_text(text)
    if args.check and stale:
        print(f"stale JSON Schema files (run `make schemas`): {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
