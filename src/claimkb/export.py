"""The knowledge base out to other tools: TriG and N-Quads (lossless), Turtle (one graph), JSON-LD with
the bundled context, and schema.org ClaimReview JSON-LD for fact-check consumers."""

from __future__ import annotations

import json
from decimal import Decimal
from collections.abc import Iterable
from typing import NamedTuple

import pyoxigraph as ox

from .formats import EXPORT_FORMATS
from .namespaces import ONTOLOGY_GRAPH, PREFIXES, RDF, XSD, compact
from .results import Term
from .session import Session

RDF_TYPE = RDF.type


class Exported(NamedTuple):
    data: bytes
    count: int
    what: str  # "quads" or "ClaimReviews"


def export(session: Session, store: ox.Store | None, fmt: str, *, with_ontology: bool = False) -> Exported:
    """The knowledge base in one of EXPORT_FORMATS, with how many quads (or reviews) it holds. The RDF
    formats read the embedded `store`; ClaimReview needs only the catalogue's `reviews` query."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(fmt)
    if fmt == "claimreview":
        reviews = claimreviews(session)
        data = (json.dumps(reviews, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        return Exported(data, len(reviews), "ClaimReviews")
    assert store is not None
    quads = dataset(store, with_ontology=with_ontology)
    return Exported(rdf(quads, fmt), len(quads), "quads")


def _key(term) -> tuple[int, str]:
    return (0 if isinstance(term, ox.NamedNode) else 1, str(term))


def dataset(store: ox.Store, *, with_ontology: bool = False) -> list[ox.Quad]:
    """Every quad of the knowledge base's named graphs, in a stable order (graph, subject, predicate,
    object), so that two exports of the same data are byte-identical."""
    quads = [q for q in store.quads_for_pattern(None, None, None, None)
             if with_ontology or not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == ONTOLOGY_GRAPH)]
    quads.sort(key=lambda q: (_key(q.graph_name), _key(q.subject), _key(q.predicate), _key(q.object)))
    return quads


def rdf(quads: list[ox.Quad], fmt: str) -> bytes:
    if fmt == "trig":
        return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    if fmt == "nquads":
        return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    if fmt == "turtle":  # the union of all graphs: graph names are not kept
        triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads},
                         key=lambda t: (_key(t.subject), _key(t.predicate), _key(t.object)))
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    if fmt == "jsonld":
        return (json.dumps(jsonld(quads), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    raise ValueError(fmt)


def _jsonld_term(term) -> dict | str:
    if isinstance(term, ox.NamedNode):
        return {"@id": compact(term.value)}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD + "string":
        return term.value
    return {"@value": term.value, "@type": compact(term.datatype.value)}


def jsonld(quads: Iterable[ox.Quad]) -> dict:
    """Compact-IRI JSON-LD with the bundled context inline: no consumer has to fetch anything."""
    graphs: dict[str, dict[str, dict]] = {}
    for q in quads:
        graph = graphs.setdefault(q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else "", {})
        node = graph.setdefault(q.subject.value, {"@id": compact(q.subject.value)})
        if q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode):
            node.setdefault("@type", []).append(compact(q.object.value))
        else:
            node.setdefault(compact(q.predicate.value), []).append(_jsonld_term(q.object))
    return {
        "@context": dict(sorted(PREFIXES.items())),
        "@graph": [{"@id": compact(name), "@graph": list(nodes.values())} for name, nodes in graphs.items()],
    }


def _number(term: Term | None):
    if term is None:
        return None
    text = term.value
    if text.lstrip("-").isdigit():
        return int(text)
    as_float = float(text)  # a JSON number only when it reads back as the same decimal, else the exact text
    return as_float if Decimal(repr(as_float)) == Decimal(text) else text


def claimreviews(kb: Session) -> list[dict]:
    """Google's ClaimReview markup for every reviewed claim: claimReviewed, reviewRating with
    alternateName, url (required), author and itemReviewed with the claim's author, appearance, date."""
    reviews: dict[str, dict] = {}
    for row in kb.run("reviews").rows:
        def v(key: str, row: dict[str, Term] = row) -> str | None:
            return row[key].value if key in row else None

        review = reviews.get(v("review"))
        if review is None:
            rating = {"@type": "Rating", "alternateName": v("ratingName")}
            for key, name in (("ratingValue", "ratingValue"), ("bestRating", "bestRating"),
                              ("worstRating", "worstRating")):
                if key in row:
                    rating[name] = _number(row[key])
            if "ratingExplanation" in row:
                rating["ratingExplanation"] = v("ratingExplanation")
            appearance = {"@type": "CreativeWork"}
            if "appearanceUrl" in row:
                appearance["url"] = v("appearanceUrl")
            if "appearanceHeadline" in row:
                appearance["headline"] = v("appearanceHeadline")
            item = {"@type": "Claim", "appearance": appearance}
            if "firstAppearance" in row:
                item["firstAppearance"] = {"@type": "CreativeWork", "url": v("firstAppearance")}
            if "asserted" in row:
                item["datePublished"] = v("asserted")
            review = {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "url": v("url"),
                "claimReviewed": v("claimReviewed"),
                "itemReviewed": item,
                "reviewRating": rating,
            }
            if "datePublished" in row:
                review["datePublished"] = v("datePublished")
            if "reviewer" in row:
                author = {"@type": "Organization", "name": v("reviewer")}
                if "reviewerUrl" in row:
                    author["url"] = v("reviewerUrl")
                review["author"] = author
            reviews[v("review")] = review
        if "claimant" in row:
            kind = "Person" if v("claimantIsPerson") == "true" else "Organization"
            review["itemReviewed"].setdefault("author", {"@type": kind, "name": v("claimant")})
    return list(reviews.values())
