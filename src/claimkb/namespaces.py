"""The one prefix map, shared by the code, the .rq files (tested) and the exports."""

from __future__ import annotations

CKB = "https://w3id.org/claimkb/ns#"
ONTOLOGY_IRI = "https://w3id.org/claimkb/ns"
ID = "https://w3id.org/claimkb/id/"
SCHEMA = "http://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"

PREFIXES: dict[str, str] = {
    "ckb": CKB,
    "claim": ID + "claim/",
    "doc": ID + "doc/",
    "agent": ID + "agent/",
    "qk": ID + "quantity/",
    "stance": ID + "stance/",
    "review": ID + "review/",
    "graph": ID + "graph/",
    "schema": SCHEMA,
    "prov": PROV,
    "oa": OA,
    "mp": "http://purl.org/mp/",
    "cito": "http://purl.org/spar/cito/",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": XSD,
    "sh": "http://www.w3.org/ns/shacl#",
    "vann": "http://purl.org/vocab/vann/",
    "wd": "http://www.wikidata.org/entity/",
}


def compact(iri: str) -> str:
    """`https://w3id.org/claimkb/id/claim/D01-c02` -> `claim:D01-c02`; unknown IRIs stay as they are."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        local = iri[len(PREFIXES[best]):]
        if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
            return f"{best}:{local}"
    return iri
