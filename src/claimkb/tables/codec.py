"""RDF terms as short strings, for the staging file and the stored answers.

A code is one character saying what the term is, then the term: `<` an IRI, `_` a blank node, `"` a plain
string, `@lang\x1fvalue` a string with a language, `^datatype\x1fvalue` a typed literal (the common XSD
types by one letter). Typed values are written in the canonical form Oxigraph gives back from a store
(701650.0 as 701650, "1" as true, 007 as 7), so that a code read from a file equals the answer of a
query. Codes sort as their terms' text within a kind, and decode to exactly the `Term` the embedded
backend gives.
"""

from __future__ import annotations

import json
import zlib
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import pyoxigraph as ox

from ..namespaces import XSD
from ..results import Term

SEP = "\x1f"
_STRING = XSD.string
SHORT = {XSD.decimal: "d", XSD.date: "D", XSD.boolean: "b", XSD.integer: "i", XSD.dateTime: "T"}
LONG = {short: iri for iri, short in SHORT.items()}
_DECIMAL, _INTEGER, _BOOLEAN = XSD.decimal, XSD.integer, XSD.boolean
_NAMED, _BLANK = ox.NamedNode, ox.BlankNode


def canonical_decimal(lexical: str) -> str:
    """The lexical form Oxigraph returns for an xsd:decimal: no trailing zeros, no sign for 0."""
    try:
        value = Decimal(lexical)
    except InvalidOperation:
        return lexical
    if not value.is_finite():
        return lexical
    return "0" if value == 0 else format(value.normalize(), "f")


def canonical(datatype: str, lexical: str) -> str:
    if datatype == _DECIMAL:
        return canonical_decimal(lexical)
    if datatype == _INTEGER:
        try:
            return str(int(lexical.strip()))
        except ValueError:
            return lexical
    if datatype == _BOOLEAN:
        return {"1": "true", "0": "false"}.get(lexical, lexical)
    return lexical


def of_ox(term) -> str:
    """The code of a pyoxigraph term (as parsed from a file)."""
    kind = type(term)
    if kind is _NAMED:
        return "<" + term.value
    if kind is _BLANK:
        return "_" + term.value
    if term.language:
        return "@" + term.language + SEP + term.value
    datatype = term.datatype.value
    if datatype == _STRING:
        return '"' + term.value
    return "^" + SHORT.get(datatype, datatype) + SEP + canonical(datatype, term.value)


def of_term(term: Term) -> str:
    """The code of a result `Term`."""
    if term.kind == "uri":
        return "<" + term.value
    if term.kind == "bnode":
        return "_" + term.value
    if term.lang:
        return "@" + term.lang + SEP + term.value
    if term.datatype is None:
        return '"' + term.value
    return "^" + SHORT.get(term.datatype, term.datatype) + SEP + canonical(term.datatype, term.value)


@lru_cache(maxsize=1 << 16)  # agents, units and dates recur across rows; a Term is immutable
def term(code: str) -> Term:
    """The `Term` a code stands for."""
    head = code[0]
    if head == "<":
        return Term("uri", code[1:])
    if head == '"':
        return Term("literal", code[1:])
    if head == "_":
        return Term("bnode", code[1:])
    tag, _, value = code[1:].partition(SEP)
    if head == "@":
        return Term("literal", value, None, tag)
    return Term("literal", value, LONG.get(tag, tag))


def text(code: str | None) -> str | None:
    """The IRI or the literal's text of a code."""
    if code is None:
        return None
    if code[0] in '<"_':
        return code[1:]
    return code.partition(SEP)[2]


def iri(value: str) -> str:
    return "<" + value


def plain(value: str) -> str:
    return '"' + value


def typed(value: str, datatype: str) -> str:
    return "^" + SHORT.get(datatype, datatype) + SEP + value


def is_iri(code: str | None) -> bool:
    return code is not None and code[0] == "<"


def datatype(code: str | None) -> str | None:
    """The datatype of a typed literal's code (None for anything else)."""
    if code is None or code[0] != "^":
        return None
    tag = code[1:].partition(SEP)[0]
    return LONG.get(tag, tag)


def rows_to_terms(rows: list[dict[str, str]]) -> list[dict[str, Term]]:
    return [{k: term(v) for k, v in row.items()} for row in rows]


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
SMALL = 512  # bytes of JSON below which compressing costs more time than it saves room


def dumps(value) -> str:
    """Compact JSON (one encoder for every call)."""
    return _ENCODE(value)


def pack(rows: list[dict[str, str]]) -> bytes:
    """Rows of codes, stored: compact JSON, compressed unless it is short."""
    data = _ENCODE(rows).encode()
    if len(data) < SMALL:
        return data
    # memLevel 4 instead of zlib.compress's 8: the same size and up to five times as fast on a claim's rows
    # (setting up the larger state cost more than compressing them)
    packer = zlib.compressobj(1, zlib.DEFLATED, 15, 4)
    return packer.compress(data) + packer.flush()


def packed_json(blob: bytes) -> bytes:
    """The JSON text `pack` stored (JSON starts with '[', a zlib stream never does)."""
    return blob if blob[:1] == b"[" else zlib.decompress(blob)


def unpack(blob: bytes) -> list[dict[str, str]]:
    return json.loads(packed_json(blob))
