"""The knowledge base out to other tools: TriG and N-Quads (lossless), Turtle (one graph), JSON-LD with
the bundled context, and schema.org ClaimReview JSON-LD for fact-check consumers."""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

import pyoxigraph as ox

from .formats import EXPORT_FORMATS
from .namespaces import ONTOLOGY_GRAPH, PREFIXES, RDF, XSD, compact
from .results import Term
from .session import Session

RDF_TYPE = RDF.type


class Exported(NamedTuple):
    data: bytes
    count: int  # type: ignore[assignment]  # a field named like tuple.count, which it shadows
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
        return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)  # type: ignore[return-value]  # without an output, serialize returns the bytes
    if fmt == "nquads":
        return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)  # type: ignore[return-value]  # without an output, serialize returns the bytes
    if fmt == "turtle":  # the union of all graphs: graph names are not kept
        triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads},
                         key=lambda t: (_key(t.subject), _key(t.predicate), _key(t.object)))
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)  # type: ignore[return-value]  # without an output, serialize returns the bytes
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
        if isinstance(q.subject, ox.Triple):
            raise ValueError("a quoted triple (RDF-star) as a subject has no JSON-LD form here")
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
    from decimal import InvalidOperation

    text = term.value
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if value.is_finite() and value == value.to_integral_value():
        return int(value)
    as_float = float(text)  # a JSON number only when it reads back as the same decimal, else the exact text
    return as_float if Decimal(repr(as_float)) == value else text


def claimreviews(kb: Session) -> list[dict]:
    """Every review's ClaimReview markup (see `claimreviews_by_claim`), in the order of their IRIs."""
    return [review for _claim, review in _claimreviews(kb)]


def claimreviews_by_claim(kb: Session) -> dict[str, list[dict]]:
    """The ClaimReview markup of each reviewed claim (by the claim's IRI)."""
    out: dict[str, list[dict]] = {}
    for claim, review in _claimreviews(kb):
        out.setdefault(claim, []).append(review)
    return out


def _claimreviews(kb: Session) -> list[tuple[str, dict]]:
    """Google's ClaimReview markup for every reviewed claim: claimReviewed (at most 75 characters),
    reviewRating with alternateName and url (required), the fact-checker, and itemReviewed: the claim's
    full text, its author (with its claimkb @id and sameAs links, so that an import finds the same agent
    again), the document it appears in, and the day it was asserted.

    A claim that came in from ClaimReview markup appears in the fact-check's own document; its original
    appearance is the one the markup named, kept as schema:firstAppearance, and is exported as such."""
    reviews: dict[str, dict] = {}
    claims: dict[str, str] = {}
    for row in kb.run("reviews").rows:
        def v(key: str, row: dict[str, Term] = row) -> str | None:
            return row[key].value if key in row else None

        review_iri, claim_iri = row["review"].value, row["claim"].value  # bound in every row
        review = reviews.get(review_iri)
        if review is None:
            rating = {"@type": "Rating", "alternateName": v("ratingName")}
            for key, name in (("ratingValue", "ratingValue"), ("bestRating", "bestRating"),
                              ("worstRating", "worstRating")):
                if key in row:
                    rating[name] = _number(row[key])
            if "ratingExplanation" in row:
                rating["ratingExplanation"] = v("ratingExplanation")
            own_page = v("appearanceUrl") is not None and v("appearanceUrl") == v("url")
            appearance: dict = {"@type": "CreativeWork"}
            if own_page:  # imported from a fact-check: the claim's own appearance is its first appearance
                if "firstAppearance" in row:
                    appearance["url"] = v("firstAppearance")
            else:
                if "appearanceUrl" in row:
                    appearance["url"] = v("appearanceUrl")
                if "appearanceHeadline" in row:
                    appearance["headline"] = v("appearanceHeadline")
            item: dict = {"@type": "Claim", "@id": v("claim"), "text": v("claimText"), "appearance": appearance}
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
                author = {"@type": "Organization", "@id": v("reviewerIri"), "name": v("reviewer")}
                if "reviewerUrl" in row:
                    author["url"] = v("reviewerUrl")
                review["author"] = author
            reviews[review_iri] = review
            claims[review_iri] = claim_iri
        if "claimant" in row:
            authors = review["itemReviewed"].setdefault("author", [])
            iri = v("claimantIri")
            party = next((a for a in authors if a["@id"] == iri), None)
            if party is None:
                kind = "Person" if v("claimantIsPerson") == "true" else "Organization"
                party = {"@type": kind, "@id": iri, "name": v("claimant")}
                authors.append(party)
            if "claimantSameAs" in row and v("claimantSameAs") not in party.get("sameAs", []):
                party.setdefault("sameAs", []).append(v("claimantSameAs"))
    for review in reviews.values():  # one claimant is written as an object, several as a list
        authors = review["itemReviewed"].get("author")
        if isinstance(authors, list) and len(authors) == 1:
            review["itemReviewed"]["author"] = authors[0]
    return [(claims[key], review) for key, review in reviews.items()]
