"""Settings come from NEWSEVENTS_* variables, once, with validation."""

import pytest
from pydantic import ValidationError

from streams.settings import Settings
from streams.topics import bootstrap_servers


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSEVENTS_BROKER", "kafka://10.0.0.1:9092")
    monkeypatch.setenv("NEWSEVENTS_PARTITIONS", "8")
    monkeypatch.setenv("NEWSEVENTS_LANGUAGES", '["en", "fr"]')
    monkeypatch.setenv("NEWSEVENTS_TOPIC_PREFIX", "staging.")
    settings = Settings(_env_file=None)
    assert settings.broker == "kafka://10.0.0.1:9092"
    assert settings.partitions == 8
    assert settings.languages == ("en", "fr")
    assert settings.topic("articles.dlq") == "staging.articles.dlq"


def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSEVENTS_PARTITIONS", "0")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)


def test_defaults_suit_the_embedded_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(Settings.model_fields):
        monkeypatch.delenv(f"NEWSEVENTS_{name.upper()}", raising=False)
    settings = Settings(_env_file=None)
    assert settings.broker is None
    assert settings.web_port == 6066
    assert settings.session_timeout == 10.0
    assert settings.store == "memory://"


def test_broker_urls_become_bootstrap_lists() -> None:
    assert bootstrap_servers("kafka://a:9092;kafka://b:9093") == "a:9092,b:9093"
    assert bootstrap_servers("kafka://a:9092,b:9093") == "a:9092,b:9093"


@pytest.mark.parametrize(
    ("variable", "value", "read"),
    [
        ("NEWSEVENTS_LANGUAGES", "en", ("en",)),
        ("NEWSEVENTS_LANGUAGES", "en, FR", ("en", "fr")),
        ("NEWSEVENTS_STORE", "rocksdb://", "rocksdb://"),
        ("NEWSEVENTS_BROKER", "kafka://[::1]:9092,kafka://kafka:9093", "kafka://[::1]:9092,kafka://kafka:9093"),
    ],
)
def test_plain_forms_of_settings_are_read(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, read: object
) -> None:
    monkeypatch.setenv(variable, value)
    settings = Settings(_env_file=None)
    assert getattr(settings, variable.removeprefix("NEWSEVENTS_").lower()) == read


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("NEWSEVENTS_STORE", "bogus://"),
        ("NEWSEVENTS_PROCESSING_GUARANTEE", "bogus"),
        ("NEWSEVENTS_BROKER", "kafka://host"),
        ("NEWSEVENTS_LANGUAGES", ","),
        ("NEWSEVENTS_CONNECT_TIMEOUT", "-1"),
    ],
)
def test_loose_values_are_refused(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError, match=variable.removeprefix("NEWSEVENTS_").lower()):
        Settings(_env_file=None)
