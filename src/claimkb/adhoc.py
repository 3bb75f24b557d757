"""Ad hoc SPARQL a user typed: the one path for untrusted query text, which owns the read-only check."""

from __future__ import annotations

from .backends.base import Backend
from .errors import UsageError
from .results import ResultTable
from .sparqlsafety import check_read_only, keywords

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def run_untrusted(backend: Backend, text: str, *, timeout: float | None = None) -> ResultTable:
    """Refuse a query that would reach the network or files or update the store; run the rest."""
    check_read_only(text)
    check_select(text)
    return backend.select(text)


def check_select(text: str) -> None:
    """One rule for the query forms a table cannot show: ASK, CONSTRUCT and DESCRIBE are a usage error."""
    words = keywords(text)
    form = next((w for i, w in enumerate(words) if w in FORMS and (i == 0 or words[i - 1] != "PREFIX")), None)
    if form is not None and form != "SELECT":
        raise UsageError(f"only SELECT queries are supported here, not {form}",
                         hint="rewrite it as SELECT; ASK, CONSTRUCT and DESCRIBE are not shown as tables")
