"""The one interface every backend offers."""

from __future__ import annotations

from typing import Protocol

from ..results import ResultTable


class Backend(Protocol):
    name: str

    def select(self, query_text: str, *, trusted: bool = False) -> ResultTable:
        """Run a read-only SELECT and return its table.

        `trusted` marks a catalogue query with its parameters bound as terms; any other text is first
        refused if it would reach the network, read files or update the store.
        """
        ...
