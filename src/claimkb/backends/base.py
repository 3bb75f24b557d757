"""The one interface every backend offers."""

from __future__ import annotations

from typing import Protocol

from ..results import ResultTable


class Backend(Protocol):
    name: str

    def select(self, query_text: str) -> ResultTable:
        """Run a read-only SELECT that claimkb wrote (a catalogue query with its parameters bound as
        terms) or that `adhoc` parsed and checked, and return its table."""
        ...
