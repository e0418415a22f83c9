"""`newsevents demo` as a user runs it: its own embedded broker, a worker, seeds in, events out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_demo_prints_the_seed_events_and_exits(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSEVENTS_")}
    env["NEWSEVENTS_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "streams.cli", "demo", "--timeout", "180"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr + (tmp_path / "demo-worker.log").read_text()[-3000:]
    table = result.stdout
    assert "000_6f55596e71a25cd4" in table and "ACCUSE" in table
    seeds = sum(1 for _ in (REPO / "seeds").glob("*.txt")) + len(
        (REPO / "seeds" / "articles.jsonl").read_text().splitlines()
    )
    assert f"{seeds} records published" in result.stderr
    assert "invalid_json" in result.stderr and "language" in result.stderr
