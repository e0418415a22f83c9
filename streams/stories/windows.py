"""Tumbling windows of the dyad aggregates and their lateness rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["DAILY", "QUARTER_HOUR", "WINDOWS", "Window"]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Window:
    """A tumbling window size; ``name`` is the suffix of its topic (``dyads.<name>``)."""

    name: str
    size: dt.timedelta

    def start(self, moment: dt.datetime) -> dt.datetime:
        """Start of the window holding ``moment`` (UTC, aligned on the epoch)."""
        elapsed = moment.astimezone(dt.UTC) - _EPOCH
        return _EPOCH + (elapsed // self.size) * self.size

    def is_closed(self, start: dt.datetime, watermark: dt.datetime, lateness: dt.timedelta) -> bool:
        """Whether the window starting at ``start`` takes no more events once event time reached ``watermark``."""
        return start + self.size + lateness <= watermark


QUARTER_HOUR = Window("15m", dt.timedelta(minutes=15))
DAILY = Window("1d", dt.timedelta(days=1))
WINDOWS = (QUARTER_HOUR, DAILY)
