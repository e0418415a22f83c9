"""One error style for every command: one line naming what is wrong and what to do.

Usage errors exit with status 2, runtime errors with 1; ``newsevents --verbose`` adds the traceback.
"""

from __future__ import annotations

import traceback
from typing import IO, Any

import click
from pydantic import ValidationError
from pydantic_settings import SettingsError

from streams.exceptions import NewseventsError

__all__ = ["OneLineGroup", "OneLineUsageError", "settings_problem"]


class OneLineUsageError(click.UsageError):
    """A usage error on one line, pointing at the command's help."""

    def show(self, file: IO[Any] | None = None) -> None:
        hint = f" (see `{self.ctx.command_path} --help`)" if self.ctx is not None else ""
        click.echo(f"Error: {self.format_message()}{hint}", file=file, err=file is None)


#: Settings that a command-line option can also give.
_OPTIONS = {"broker": "--broker", "web_port": "--web-port", "model": "--model"}


def settings_problem(exc: ValidationError | SettingsError) -> str:
    """One line naming each invalid ``NEWSEVENTS_*`` variable (or option), its value and what is wrong with it."""
    if isinstance(exc, SettingsError):
        return f"invalid setting: {exc}; fix or unset the NEWSEVENTS_* variable"
    parts = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "*"
        name = f"NEWSEVENTS_{field.upper()}"
        if field in _OPTIONS:
            name = f"{_OPTIONS[field]} or {name}"
        message = error["msg"].removeprefix("Value error, ")
        parts.append(f"{name}={error['input']!r}: {message}")
    return f"invalid setting {'; '.join(parts)}; fix or unset the variable"


class OneLineGroup(click.Group):
    """A group whose commands report every error on one line (the traceback only with ``--verbose``)."""

    def invoke(self, ctx: click.Context) -> Any:
        verbose = bool(ctx.params.get("verbose"))
        try:
            return super().invoke(ctx)
        except OneLineUsageError:
            raise
        except click.UsageError as exc:
            raise OneLineUsageError(exc.format_message(), exc.ctx) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except (ValidationError, SettingsError) as exc:
            _traceback(verbose)
            raise OneLineUsageError(settings_problem(exc), ctx) from exc
        except (NewseventsError, OSError) as exc:
            _traceback(verbose)
            raise click.ClickException(str(exc)) from exc
        except Exception as exc:  # noqa: BLE001 - a bug still gets one line; --verbose shows where
            _traceback(verbose)
            hint = "" if verbose else " (`newsevents --verbose ...` shows the traceback)"
            message = f"unexpected {type(exc).__name__}: {exc}{hint}"
            raise click.ClickException(message) from exc


def _traceback(verbose: bool) -> None:
    if verbose:
        click.echo(traceback.format_exc(), err=True, nl=False)
