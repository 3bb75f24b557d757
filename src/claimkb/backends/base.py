"""The one interface every backend offers."""

from __future__ import annotations

from typing import Protocol

from ..results import ResultTable


class Backend(Protocol):
    name: str

    def select(self, query_text: str) -> ResultTable:
        """Run a read-only SELECT (already bound and checked) and return its table."""
        ...
