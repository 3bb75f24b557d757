"""rdflib's default in-memory store behind claimkb's backend interface, for the benchmark's baseline only.

It runs the same catalogue queries, through rdflib's own SPARQL engine, over a Dataset whose default
graph is the union of the named graphs (as the embedded store and the server are configured).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Dataset, Literal, URIRef

from claimkb.results import ResultTable, Term


class RdflibBackend:
    name = "rdflib"

    def __init__(self, files: list[Path]) -> None:
        self.dataset = Dataset(default_union=True)
        for path in files:
            self.dataset.parse(str(path), format="trig")

    def __len__(self) -> int:
        return sum(1 for _ in self.dataset.quads((None, None, None, None)))

    def select(self, query_text: str) -> ResultTable:
        result = self.dataset.query(query_text)
        variables = [str(v) for v in result.vars]
        rows = []
        for solution in result:
            row = {}
            for name, value in zip(variables, solution, strict=True):
                if value is not None:
                    row[name] = _term(value)
            rows.append(row)
        return ResultTable(variables, rows)


def _term(value) -> Term:
    if isinstance(value, URIRef):
        return Term.iri(str(value))
    if isinstance(value, BNode):
        return Term("bnode", str(value))
    if isinstance(value, Literal):
        datatype = str(value.datatype) if value.datatype else None
        if value.language:
            return Term.literal(str(value), None, value.language)
        return Term.literal(str(value), datatype or "http://www.w3.org/2001/XMLSchema#string")
    raise TypeError(f"unexpected term {value!r}")
