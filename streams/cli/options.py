"""Options shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from pydantic import ValidationError
from pydantic_settings import SettingsError

from streams.cli.errors import OneLineUsageError, settings_problem
from streams.settings import Settings, get_settings

__all__ = ["broker_option", "settings_with", "require_broker"]

broker_option: Callable[[Any], Any] = click.option(
    "--broker",
    metavar="URL",
    default=None,
    help="Kafka bootstrap URL, e.g. kafka://127.0.0.1:9092 (default: NEWSEVENTS_BROKER).",
)


def settings_with(**overrides: object) -> Settings:
    """The environment's settings with the non-None ``overrides`` applied and validated.

    An invalid ``NEWSEVENTS_*`` variable is a usage error naming it.
    """
    given = {name: value for name, value in overrides.items() if value is not None}
    try:
        return Settings(**given) if given else get_settings()  # type: ignore[arg-type]
    except (ValidationError, SettingsError) as exc:
        raise OneLineUsageError(settings_problem(exc)) from exc


def require_broker(settings: Settings) -> str:
    """The configured broker URL, or a clear usage error."""
    if settings.broker is None:
        message = "no broker configured: pass --broker URL or set NEWSEVENTS_BROKER (or run `newsevents broker`)"
        raise click.UsageError(message)
    return settings.broker
