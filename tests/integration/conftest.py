"""Fixtures of the integration tests that run the CLI against the embedded broker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.settings import Settings, get_settings


@pytest.fixture
def cli_env(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """CLI commands on this test's topics and data dir; yields the --broker option."""
    monkeypatch.setenv("NEWSEVENTS_TOPIC_PREFIX", settings.topic_prefix)
    monkeypatch.setenv("NEWSEVENTS_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    assert settings.broker is not None
    yield ["--broker", settings.broker]
    get_settings.cache_clear()
