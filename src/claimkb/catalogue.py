"""The query catalogue: `queries/*.rq` with their headers, and safe parameter binding.

Header lines start with `#+ `: `summary:`, `description: |` (indented lines follow), `tags: [...]`,
`example: name=value name=value` (values for the required parameters, used by `query show` and the
tests), `sets: col col` (GROUP_CONCAT columns whose " / "-separated parts claimkb sorts, since SPARQL
leaves their order to each engine), `params:` (indented `name: description` lines). A parameter is the
variable `?_name_type` (required) or `?__name_type` (optional), declared in the body as
`VALUES ?_name_type { UNDEF }`. Binding replaces that UNDEF with one RDF term serialised by
`term_to_sparql`, which accepts only terms it can write exactly; user text is never spliced into the query
anywhere else.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

from .errors import InputError, UsageError
from .limits import MAX_EXPONENT, decimal_in_range, read_file
from .namespaces import XSD, expand
from .results import ResultTable, Term

PARAM_RE = re.compile(
    r"\?(__?)([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*?)_(iri|string|decimal|integer|boolean|xsd_date)\b")
SLOT_RE = r"VALUES\s+\?{var}\s*\{{\s*UNDEF\s*\}}"
TYPES = {"iri", "string", "decimal", "integer", "boolean", "xsd_date"}
_IRI_OK = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|^`\\\x00-\x20\x7f]*$")


class Param(NamedTuple):
    name: str  # as typed on the command line: `quantity`
    variable: str  # `__quantity_iri`
    type: str
    required: bool
    description: str


class Query(NamedTuple):
    name: str
    path: Path
    text: str
    summary: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    example: dict[str, str]
    sets: tuple[str, ...]

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params) or "none"
        raise UsageError(f"query {self.name!r} has no parameter {name!r}",
                         hint=f"its parameters: {known}")


def _header(text: str) -> dict[str, object]:
    fields: dict[str, object] = {}
    current: str | None = None
    for line in text.splitlines():
        if not line.startswith("#+"):
            if line.strip() and not line.startswith("#"):
                break
            continue
        body = line[2:]
        if m := re.match(r"^ (\w+):\s*(.*)$", body):
            current, value = m[1], m[2].strip()
            if value == "|":
                fields[current] = []
            elif value == "" and current == "params":
                fields[current] = {}
            else:
                fields[current] = value
        elif current and body.startswith("   "):
            item = body.strip()
            entry = fields.get(current)
            if isinstance(entry, dict) and (pm := re.match(r"^(\w+):\s*(.*)$", item)):
                entry[pm[1]] = pm[2]
            elif isinstance(entry, list):
                entry.append(item)
    return fields


MAX_QUERY_FILE_BYTES = 1_000_000


def parse_query_file(path: Path, name: str | None = None) -> Query:
    raw = read_file(path, MAX_QUERY_FILE_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=str(path)) from None
    head = _header(text)
    declared = head.get("params") or {}
    params = []
    for match in sorted(set(PARAM_RE.findall(text))):
        underscores, pname, ptype = match
        variable = f"{underscores}{pname}_{ptype}"
        params.append(Param(pname, variable, ptype, underscores == "_",
                            str(declared.get(pname, "")) if isinstance(declared, dict) else ""))
    tags = head.get("tags", "")
    tag_list = tuple(t.strip() for t in str(tags).strip("[]").split(",") if t.strip())
    desc = head.get("description", "")
    return Query(
        name=name or path.stem,
        path=path,
        text=text,
        summary=str(head.get("summary", "")),
        description="\n".join(desc) if isinstance(desc, list) else str(desc),
        tags=tag_list,
        params=tuple(params),
        example=dict(item.split("=", 1) for item in str(head.get("example", "")).split() if "=" in item),
        sets=tuple(str(head.get("sets", "")).split()),
    )


class Catalogue:
    """The queries of one folder, each file read and parsed once per process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._parsed: dict[str, Query] = {}

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.rq"))

    def check_names(self) -> list[str]:
        return sorted(p.stem for p in (self.folder / "checks").glob("*.rq"))

    def get(self, name: str) -> Query:
        known = self._parsed.get(name)
        if known is not None:
            return known
        path = self.folder / f"{name}.rq"
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)?", name) or not path.is_file():
            from .suggest import hint

            names = self.names() + [f"checks/{n}" for n in self.check_names()]
            raise UsageError(f"no query named {name!r}", hint=hint(name, names, "see `claimkb query list`"))
        query = self._parsed[name] = parse_query_file(path, name)
        return query

    def all(self) -> list[Query]:
        return [self.get(n) for n in self.names()]

    def checks(self) -> list[Query]:
        return [self.get(f"checks/{n}") for n in self.check_names()]


def coerce(param: Param, raw: str) -> Term:
    """Turn the text given on the command line into the RDF term the query expects."""
    where = f"parameter {param.name} ({param.type})"
    if param.type == "iri":
        iri = expand(raw)
        if not _IRI_OK.match(iri):
            raise UsageError(f"{where}: {raw!r} is not an IRI",
                             hint="give a full IRI (https://...) or a prefixed name such as claim:D01-c02")
        return Term.iri(iri)
    if param.type == "decimal":
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            raise UsageError(f"{where}: {raw!r} is not a decimal number", hint="write it like 701650 or 0.5")
        if not decimal_in_range(value):  # 1e999999999 would be written out as a billion digits
            raise UsageError(f"{where}: {raw!r} has more than {MAX_EXPONENT} digits before or after the point",
                             hint="write it like 701650 or 0.5")
        lexical = format(value, "f")
        return Term.literal(lexical if "." in lexical else lexical + ".0", XSD + "decimal")
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d{1,30}", raw.strip()):
            raise UsageError(f"{where}: {raw!r} is not a whole number")
        return Term.literal(str(int(raw.strip())), XSD + "integer")
    if param.type == "boolean":
        if raw.strip().lower() not in {"true", "false"}:
            raise UsageError(f"{where}: {raw!r} is not true or false")
        return Term.literal(raw.strip().lower(), XSD + "boolean")
    if param.type == "xsd_date":
        try:
            day = date.fromisoformat(raw.strip())
        except ValueError:
            raise UsageError(f"{where}: {raw!r} is not a date", hint="write it as YYYY-MM-DD") from None
        return Term.literal(day.isoformat(), XSD + "date")
    return Term.literal(raw)


_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\b": "\\b", "\f": "\\f", '"': '\\"', "\\": "\\\\"}


def term_to_sparql(term: Term) -> str:
    """Serialise one term for a VALUES slot. Refuses what it cannot write exactly."""
    if term.kind == "uri":
        if not _IRI_OK.match(term.value):
            raise UsageError(f"{term.value!r} cannot be written as an IRI")
        return f"<{term.value}>"
    if term.kind != "literal":
        raise UsageError("blank nodes cannot be bound as parameters")
    # A backslash is written as \\, so a value's own "\u0022" stays six characters: exact on Oxigraph
    # (embedded and server, property-tested). An engine that expands \u escapes over the whole query text
    # before parsing (rdflib does) would alter such a value; claimkb never evaluates bound text with one.
    body = "".join(_ESCAPES.get(ch, ch) for ch in term.value)
    if term.lang:
        if not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", term.lang):
            raise UsageError(f"{term.lang!r} is not a language tag")
        return f'"{body}"@{term.lang}'
    if term.datatype:
        return f'"{body}"^^{term_to_sparql(Term.iri(term.datatype))}'
    return f'"{body}"'


def bind(query: Query, values: dict[str, Term | list[Term]]) -> str:
    """The query text with each given parameter's `VALUES ?var { UNDEF }` slot filled.

    A list binds several values at once (one VALUES row each): the query answers for all of them.
    """
    fills: dict[str, str] = {}
    for param in query.params:
        if not re.search(SLOT_RE.format(var=re.escape(param.variable)), query.text):
            raise UsageError(f"query {query.name!r} uses ?{param.variable} without a VALUES slot")
        if param.name in values:
            given = values[param.name]
            terms = given if isinstance(given, list) else [given]
            if not terms:
                raise UsageError(f"parameter {param.name!r} has no value")
            fills[param.variable] = f"VALUES ?{param.variable} {{ {' '.join(term_to_sparql(t) for t in terms)} }}"
        elif param.required:
            raise UsageError(f"query {query.name!r} needs parameter {param.name!r}",
                             hint=f"add -p {param.name}=VALUE ({param.type})")
    # one pass over the original text, so that a bound value can never be taken for another slot
    slots = re.compile(SLOT_RE.format(var=r"(?P<var>[A-Za-z0-9_]+)"))
    # An unfilled optional slot (`VALUES ?x { UNDEF }`, one empty row) is the identity of a join: it is
    # dropped, which changes no answer and spares a planner a constant table (Virtuoso planned
    # comparisons.rq four times slower with its three empty slots).
    text = slots.sub(lambda m: fills.get(m["var"], ""), query.text)
    unknown = sorted(set(values) - {p.name for p in query.params})
    if unknown:
        query.param(unknown[0])  # raises with the list of known parameters
    return text


SET_SEPARATOR = " / "


_PROJECTIONS: dict[str, list[str]] = {}


def projection(query: Query) -> list[str]:
    """The variables a catalogue SELECT projects, in order (`?x`, and `(... AS ?x)`)."""
    found = _PROJECTIONS.get(query.name)
    if found is None:
        body = "\n".join(line.split("#", 1)[0] if not line.lstrip().startswith("PREFIX") else ""
                         for line in query.text.splitlines())
        clause = re.search(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(.*?)\bWHERE\b", body, re.S | re.I)
        found = []
        if clause is not None:
            for alias, name in re.findall(r"\(.*?\bAS\s+\?(\w+)\s*\)|\?(\w+)", clause[1], re.S | re.I):
                found.append(alias or name)
        _PROJECTIONS[query.name] = found
    return found


def sort_sets(query: Query, table: ResultTable) -> ResultTable:
    """Give GROUP_CONCAT columns one order on every backend (their parts, sorted)."""
    if not query.sets:
        return table
    for row in table.rows:
        for column in query.sets:
            term = row.get(column)
            if term is not None and SET_SEPARATOR in term.value:
                parts = sorted(term.value.split(SET_SEPARATOR))
                row[column] = term._replace(value=SET_SEPARATOR.join(parts))
    return table
