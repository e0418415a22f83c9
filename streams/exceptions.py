"""Errors raised by newsevents streams code."""

__all__ = ["BrokerStartError", "BrokerUnreachable", "InputError", "NewseventsError"]


class NewseventsError(Exception):
    """Root of newsevents' own errors."""


class BrokerStartError(NewseventsError):
    """The embedded broker could not be started."""


class InputError(NewseventsError):
    """An input file or line could not be read as an article; ``reason`` and ``stage`` say so in its dead letter."""

    def __init__(self, message: str, *, stage: str, reason: str) -> None:
        super().__init__(message)
        self.stage = stage
        self.reason = reason


class BrokerUnreachable(NewseventsError):
    """No connection to the Kafka broker within the connect timeout."""
