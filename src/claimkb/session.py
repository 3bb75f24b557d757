"""One path for the catalogue's queries: a backend plus the catalogue, parameters bound as RDF terms.

Only catalogue files (`queries/*.rq`, `queries/checks/*.rq`) run here. Text a user typed goes through
`adhoc.py`, which owns the read-only check.
"""

from __future__ import annotations

from typing import Union

from .backends.base import Backend
from .catalogue import Catalogue, bind, coerce, projection, sort_sets, term_to_sparql
from .results import ResultTable, Term

Params = dict[str, Union[str, Term, list[Term]]]


class Session:
    """Runs named catalogue queries on one backend. Each query's text is parsed once per process."""

    def __init__(self, backend: Backend, catalogue: Catalogue) -> None:
        self.backend = backend
        self.catalogue = catalogue

    def run(self, name: str, params: Params | None = None) -> ResultTable:
        query = self.catalogue.get(name)
        terms = {
            key: value if isinstance(value, (Term, list)) else coerce(query.param(key), value)
            for key, value in (params or {}).items()
        }
        tables = getattr(self.backend, "tables", None)
        if tables is not None:  # a persistent store's tables hold some answers (tables/__init__.py)
            for value in terms.values():  # a term the query could not bind is refused here as there
                for term in value if isinstance(value, list) else [value]:
                    term_to_sparql(term)
            rows = tables.answer(name, terms)
            if rows is not None:
                return sort_sets(query, ResultTable(projection(query), rows))
        return sort_sets(query, self.backend.select(bind(query, terms)))
