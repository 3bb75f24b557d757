"""The one prefix map, shared by the code, the .rq files (tested) and the exports.

Every IRI claimkb writes or reads comes from here: `CKB.windowStart`, `SCHEMA.text`, `CLAIM["D01-c02"]`.
A namespace is a string (its IRI prefix); attribute or item access gives the IRI of a term in it, as
rdflib's `Namespace` does (use item access where the name is a `str` method: `DCTERMS["format"]`).
"""

from __future__ import annotations

import re
from functools import lru_cache


class Namespace(str):
    """An IRI prefix whose attributes are the IRIs of its terms."""

    __slots__ = ()

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        return str(self) + name

    def __getitem__(self, key):  # str keys name terms; ints and slices index
        return str(self) + key if isinstance(key, str) else str.__getitem__(self, key)

    def local(self, iri: str | None) -> str | None:
        """The part of `iri` after this prefix, or None when `iri` is not in this namespace."""
        return iri[len(self):] if iri is not None and iri.startswith(self) else None


CKB = Namespace("https://w3id.org/claimkb/ns#")
ONTOLOGY_IRI = "https://w3id.org/claimkb/ns"
ID = Namespace("https://w3id.org/claimkb/id/")
CLAIM = Namespace(ID + "claim/")
DOC = Namespace(ID + "doc/")
AGENT = Namespace(ID + "agent/")
QK = Namespace(ID + "quantity/")
STANCE = Namespace(ID + "stance/")
REVIEW = Namespace(ID + "review/")
GRAPH = Namespace(ID + "graph/")
ONTOLOGY_GRAPH = GRAPH.ontology
TABLES = Namespace(ID + "tables/")  # the comparison tables a server holds (tables/entries.py)
SCHEMA = Namespace("http://schema.org/")
# what schema.org markup may name as its "@context" (the bundled context stands in for all four)
SCHEMA_CONTEXT_NAMES = frozenset({"https://schema.org", "https://schema.org/", "http://schema.org", "http://schema.org/"})
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")
MP = Namespace("http://purl.org/mp/")
CITO = Namespace("http://purl.org/spar/cito/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SH = Namespace("http://www.w3.org/ns/shacl#")
VANN = Namespace("http://purl.org/vocab/vann/")
WD = Namespace("http://www.wikidata.org/entity/")

PREFIXES: dict[str, str] = {
    "ckb": CKB,
    "claim": CLAIM,
    "doc": DOC,
    "agent": AGENT,
    "qk": QK,
    "stance": STANCE,
    "review": REVIEW,
    "graph": GRAPH,
    "schema": SCHEMA,
    "prov": PROV,
    "oa": OA,
    "mp": MP,
    "cito": CITO,
    "dcterms": DCTERMS,
    "skos": SKOS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "sh": SH,
    "vann": VANN,
    "wd": WD,
}


# every namespace ends with "/" or "#" (tested), so the one an IRI can be compacted with is its text up to
# its last "/" or "#": a shorter namespace would leave a "/" or "#" in the local name, which it may not hold
_PREFIX_OF: dict[str, str] = {}
for _prefix, _ns in PREFIXES.items():
    _PREFIX_OF.setdefault(str(_ns), _prefix)
# a local name: letters and digits (str.isalnum's, which is what `\w` adds to "_"), "-", "_" and ".", not
# ending with "." (tested against that definition over every code point)
_LOCAL = re.compile(r"[\w.-]*[\w-]")


@lru_cache(maxsize=1 << 16)  # a table repeats its quantities, claimants and documents on every row
def compact(iri: str) -> str:
    """`https://w3id.org/claimkb/id/claim/D01-c02` -> `claim:D01-c02`; unknown IRIs stay as they are."""
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    prefix = _PREFIX_OF.get(iri[:cut]) if cut else None
    if prefix:
        local = iri[cut:]
        if _LOCAL.fullmatch(local):
            return f"{prefix}:{local}"
    return iri


def expand(value: str) -> str:
    """`claim:D01-c02` -> the full IRI, using the prefix map; `<...>` and full IRIs stay as they are."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    if m := re.fullmatch(r"([A-Za-z][A-Za-z0-9-]*):([A-Za-z0-9_.-]*)", value):
        if m[1] in PREFIXES:
            return PREFIXES[m[1]] + m[2]
    return value
