"""`newsevents feed` argument checking, before any broker or network is touched."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from streams.cli import main

NO_BROKER = ["--broker", "kafka://127.0.0.1:9"]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--csv", "tests/fixtures/feeds/bbc_sample.csv", "--rss"], "--csv cannot be combined"),
        (["http://127.0.0.1:9/feed.xml", "--once"], "does not exist"),
        (["--rss", "feeds.xml"], "not an http(s) URL"),
        (["--feeds", "tests/fixtures/feeds/rss.xml", "http://127.0.0.1:9/a.xml"], "need --rss"),
        ([], "give PATHs, --rss URLs, --feeds FILE or --csv FILE"),
        (["--feeds", "tests/fixtures/feeds/bbc_sample.csv"], "expected a non-empty list under 'feeds:'"),
    ],
)
def test_feed_usage_errors_are_clear(args: list[str], error: str) -> None:
    result = CliRunner().invoke(main, ["feed", *args, *NO_BROKER])
    assert result.exit_code in (1, 2)
    assert error in result.output


def test_feed_help_shows_every_mode() -> None:
    result = CliRunner().invoke(main, ["feed", "--help"])
    assert result.exit_code == 0
    for option in ("--rss", "--feeds", "--interval", "--once", "--csv", "--text-column", "--user-agent"):
        assert option in result.output
