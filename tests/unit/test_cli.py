"""The command line: help, offline extraction output, clear errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
from click.testing import CliRunner

from schemas import Event
from streams.cli import main
from streams.settings import get_settings

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_6f55596e71a25cd4.txt"


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("demo", "worker", "broker", "feed", "tail", "extract", "eval", "bench"):
        assert f"  {command} " in result.output


def test_kafka_commands_without_a_broker_fail_clearly() -> None:
    get_settings.cache_clear()
    result = CliRunner(env={"NEWSEVENTS_BROKER": None}).invoke(main, ["tail", "events"])
    get_settings.cache_clear()
    assert result.exit_code == 2
    assert "no broker configured" in result.output


def test_extract_prints_one_event_json_per_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "streams.cli", "extract", str(SEED), "--jsonl"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    lines = result.stdout.splitlines()
    assert lines
    events = [Event.model_validate(orjson.loads(line)) for line in lines]
    assert {e.article_id for e in events} == {"000_6f55596e71a25cd4"}


def test_extract_reports_bad_records_and_still_codes_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"id": "ok-1", "body": "Russia accused Ukraine of shelling villages on Monday."}\n{"id": "x"}\n')
    result = subprocess.run(
        [sys.executable, "-m", "streams.cli", "extract", str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 1
    assert "mixed.jsonl:2: missing_field" in result.stderr
    assert [orjson.loads(line)["article_id"] for line in result.stdout.splitlines()] == ["ok-1"] * len(
        result.stdout.splitlines()
    )
    assert result.stdout


def test_extract_names_each_bad_file_and_codes_the_others(tmp_path: Path) -> None:
    (tmp_path / "a-latin1.txt").write_bytes("Titre\nLe président a critiqué la décision.\n".encode("latin-1"))
    (tmp_path / "b-empty.txt").write_bytes(b"")
    (tmp_path / "c-date.txt").write_text("Title\nFebruary 30, 2022: Russia accused Ukraine.\n")
    (tmp_path / "d-good.txt").write_text("Title\nFebruary 3, 2022: Russia accused Ukraine of shelling villages.\n")
    result = subprocess.run(
        [sys.executable, "-m", "streams.cli", "extract", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 1
    for name, reason in [("a-latin1", "invalid_utf8"), ("b-empty", "empty_payload"), ("c-date", "invalid_date")]:
        assert f"{tmp_path / name}.txt: {reason}:" in result.stderr
    assert {orjson.loads(line)["article_id"] for line in result.stdout.splitlines()} == {"d-good"}
