"""One neutral result table that every backend returns, in the shape of SPARQL 1.1 JSON results.

Plain classes, not dataclasses: these sit on every command's start-up path, where dataclass creation
costs about a millisecond each.
"""

from __future__ import annotations

from typing import NamedTuple

from .namespaces import XSD

XSD_STRING = XSD.string
XSD_BOOLEAN = XSD.boolean
_BOOLEAN_FORMS = {"1": "true", "0": "false", "true": "true", "false": "false"}  # one value, canonical form


class Term(NamedTuple):
    """An RDF term as SPARQL JSON results carry it: kind 'uri', 'literal' or 'bnode'."""

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    @classmethod
    def iri(cls, value: str) -> Term:
        return cls("uri", value)

    @classmethod
    def literal(cls, value: str, datatype: str | None = None, lang: str | None = None) -> Term:
        if lang:
            return cls("literal", value, None, lang)
        return cls("literal", value, None if datatype in (None, XSD_STRING) else datatype, None)

    def to_json(self) -> dict[str, str]:
        out = {"type": self.kind, "value": self.value}
        if self.datatype:
            out["datatype"] = self.datatype
        if self.lang:
            out["xml:lang"] = self.lang
        return out

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Term:
        kind = data["type"]
        if kind == "typed-literal":  # SPARQL XML-era JSON from some servers
            kind = "literal"
        if kind == "literal":
            datatype = data.get("datatype")
            if datatype == XSD_BOOLEAN and data["value"] in _BOOLEAN_FORMS:  # Virtuoso writes "1"/"0"
                return cls("literal", _BOOLEAN_FORMS[data["value"]], datatype, None)
            return cls.literal(data["value"], datatype, data.get("xml:lang"))
        return cls(kind, data["value"])


class ResultTable:
    """Variables in order, and one dict per row (an unbound variable is absent from its row)."""

    __slots__ = ("variables", "rows")

    def __init__(self, variables: list[str], rows: list[dict[str, Term]] | None = None) -> None:
        self.variables = variables
        self.rows = rows if rows is not None else []

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ResultTable) and (self.variables, self.rows) == (other.variables, other.rows)

    def __repr__(self) -> str:
        return f"ResultTable({self.variables!r}, {len(self.rows)} rows)"

    def column(self, name: str) -> list[Term | None]:
        return [row.get(name) for row in self.rows]

    def values(self, name: str) -> list[str | None]:
        return [t.value if t is not None else None for t in self.column(name)]

    def only(self, columns: list[str]) -> ResultTable:
        """The same rows with only these columns, in this order (a compact view for people)."""
        return ResultTable(columns, [{k: v for k, v in row.items() if k in columns} for row in self.rows])

    def without_parameters(self) -> ResultTable:
        """Drop parameter columns (variables starting with '_'), which only echo what was bound."""
        return self.only([v for v in self.variables if not v.startswith("_")])

    def to_sparql_json(self) -> dict:
        return {
            "head": {"vars": list(self.variables)},
            "results": {
                "bindings": [  # each binding's variables in the head's order, whatever order the engine gave
                    {k: row[k].to_json() for k in self.variables if row.get(k) is not None} for row in self.rows
                ]
            },
        }

    @classmethod
    def from_sparql_json(cls, data: dict) -> ResultTable:
        variables = list(data["head"]["vars"])
        rows = [
            {k: Term.from_json(v) for k, v in binding.items()}
            for binding in data["results"]["bindings"]
        ]
        return cls(variables, rows)
