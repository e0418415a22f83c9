"""Every misuse gets one line naming what is wrong: status 2 for usage errors, 1 for runtime ones."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from streams.embedded import free_port

REPO = Path(__file__).resolve().parents[2]
UNREACHABLE = "kafka://127.0.0.1:9"  # the discard port: nothing listens there


def newsevents(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would, with ``env`` added to a clean NEWSEVENTS_* environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSEVENTS_")}
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**clean, **env},
        timeout=120,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], status: int, *words: str) -> None:
    """One line of error (besides the structured JSON log lines of `feed`), naming ``words``."""
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith('{"time"')]
    assert result.returncode == status, result.stderr
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("NEWSEVENTS_BATCH_SIZE", "abc"),
        ("NEWSEVENTS_WEB_PORT", "-1"),
        ("NEWSEVENTS_LANGUAGES", "[en"),
        ("NEWSEVENTS_PROCESSING_GUARANTEE", "bogus"),
        ("NEWSEVENTS_STORE", "bogus://"),
        ("NEWSEVENTS_CONNECT_TIMEOUT", "0"),
        ("NEWSEVENTS_BROKER", "kafka://127.0.0.1:abc"),
    ],
)
def test_an_invalid_setting_is_named_on_one_line(variable: str, value: str) -> None:
    broker = [] if variable == "NEWSEVENTS_BROKER" else ["--broker", UNREACHABLE]
    result = newsevents("tail", "events", *broker, **{variable: value})
    assert_one_line_error(result, 2, variable, repr(value))


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["tail", "events", "--max", "-1"], "--max"),
        (["tail", "events", "--timeout", "-1"], "--timeout"),
        (["worker", "--web-port", "-1"], "--web-port"),
        (["broker", "--port", "-1"], "--port"),
        (["feed", "missing.jsonl"], "does not exist"),
    ],
)
def test_an_invalid_option_is_a_one_line_usage_error(args: list[str], option: str) -> None:
    assert_one_line_error(
        newsevents(*args, "--broker", UNREACHABLE) if args[0] != "broker" else newsevents(*args), 2, option
    )


@pytest.mark.parametrize(
    "command", [["tail", "events"], ["feed", "seeds"], ["feed", "--csv", "tests/fixtures/feeds/bbc_sample.csv"]]
)
def test_an_unreachable_broker_is_one_line_naming_it(command: list[str]) -> None:
    result = newsevents(*command, "--broker", UNREACHABLE, NEWSEVENTS_CONNECT_TIMEOUT="1")
    assert_one_line_error(result, 1, "cannot reach the Kafka broker at kafka://127.0.0.1:9 within 1 s")


def test_verbose_shows_the_traceback() -> None:
    result = newsevents("--verbose", "tail", "events", "--broker", UNREACHABLE, NEWSEVENTS_CONNECT_TIMEOUT="0.5")
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: cannot reach the Kafka broker")


def test_a_worker_without_its_model_exits_at_once_with_one_line() -> None:
    result = newsevents("worker", "--broker", UNREACHABLE, NEWSEVENTS_MODEL="no_such_model")
    assert_one_line_error(result, 1, "cannot load the coder", "'no_such_model'", "NEWSEVENTS_MODEL")


def test_a_worker_that_cannot_reach_its_broker_exits_with_one_error_line() -> None:
    result = newsevents("worker", "--broker", UNREACHABLE, NEWSEVENTS_CONNECT_TIMEOUT="1")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "rror" in line or "Unable" in line]
    assert errors == [errors[-1]] and errors[-1].startswith("Error: cannot reach the Kafka broker"), result.stderr


def test_broker_on_a_port_in_use_says_so() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", free_port()))
        taken.listen()
        port = taken.getsockname()[1]
        result = newsevents("broker", "--port", str(port))
    assert_one_line_error(result, 1, f"port {port}", "already in use", "--port")


def test_help_imports_neither_spacy_nor_faust() -> None:
    commands = ["demo", "worker", "broker", "feed", "tail", "extract", "eval", "bench"]
    code = (
        "import sys\n"
        "for name in ('spacy', 'faust', 'thinc'):\n"
        "    sys.modules[name] = None\n"
        "from click.testing import CliRunner\n"
        "from streams.cli import main\n"
        f"for args in [['--help'], *[[c, '--help'] for c in {commands!r}]]:\n"
        "    result = CliRunner().invoke(main, args)\n"
        "    assert result.exit_code == 0, (args, result.output, result.exception)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False)
    assert result.returncode == 0, result.stderr
