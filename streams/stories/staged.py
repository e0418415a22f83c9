"""Writes held back until the caller says they may reach the underlying table."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

__all__ = ["StagedWrites"]

_DELETED = object()


class StagedWrites(MutableMapping[str, Any]):
    """A view of ``table`` whose writes and deletions are kept apart until :meth:`write_through`."""

    def __init__(self, table: MutableMapping[str, Any]) -> None:
        """Stage writes for ``table`` (a Faust table: each write there also goes to its changelog)."""
        self.table = table
        self.pending: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key in self.pending:
            value = self.pending[key]
            if value is _DELETED:
                raise KeyError(key)
            return value
        return self.table[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.pending[key] = value

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self.pending[key] = _DELETED

    def __iter__(self) -> Iterator[str]:
        for key in self.table:
            if self.pending.get(key) is not _DELETED:
                yield key
        for key, value in self.pending.items():
            if value is not _DELETED and key not in self.table:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def write_through(self) -> None:
        """Apply the staged writes to the table, in the order they were first made."""
        for key, value in self.pending.items():
            if value is _DELETED:
                del self.table[key]
            else:
                self.table[key] = value
        self.pending.clear()
