"""Ad hoc SPARQL a user typed: the one path for untrusted query text, which owns the read-only check."""

from __future__ import annotations

from .backends.base import Backend
from .results import ResultTable
from .sparqlsafety import check_read_only


def run_untrusted(backend: Backend, text: str, *, timeout: float | None = None) -> ResultTable:
    """Refuse a query that would reach the network or files or update the store; run the rest."""
    check_read_only(text)
    return backend.select(text)
