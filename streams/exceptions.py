"""Errors raised by newsevents streams code."""

__all__ = ["BrokerStartError", "InputError", "NewseventsError"]


class NewseventsError(Exception):
    """Root of newsevents' own errors."""


class BrokerStartError(NewseventsError):
    """The embedded broker could not be started."""


class InputError(NewseventsError):
    """An input file or line could not be read as an article."""
