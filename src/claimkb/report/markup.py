"""schema.org JSON-LD for the report's pages, the way fact-check publishers mark up theirs.

Each page carries the markup of what it shows: a claim page its `Claim` and, where a fact-checker's
verdict exists, each `ClaimReview` exactly as `claimkb export --format claimreview` writes it (Google's
required claimReviewed, reviewRating.alternateName and url, and the recommended author and itemReviewed);
a document page the work and its claims; a claimant page the person or organisation and its claims; list
pages an ItemList. `"@context": "https://schema.org"` is a name, as publishers write it: readers that
expand it offline use the bundled `ontology/schema-context.jsonld` (see `offline_context`).
"""

from __future__ import annotations

import json
from typing import Any

from ..records import Claim, TracedClaim, text_of
from .data import AgentInfo

CONTEXT = "https://schema.org"


def agent_node(iri: str, agents: dict[str, AgentInfo], label: str | None = None) -> dict[str, Any]:
    info = agents.get(iri)
    node: dict[str, Any] = {"@type": (info.type if info and info.type else "Organization"), "@id": iri,
                            "name": info.label if info else (label or iri)}
    if info and info.url:
        node["url"] = info.url
    if info and info.same_as:
        node["sameAs"] = list(info.same_as) if len(info.same_as) > 1 else info.same_as[0]
    return node


def document_node(row: dict[str, Any] | None, iri: str, headline: str | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "CreativeWork", "@id": iri}
    title = (row or {}).get("headline") or headline
    if title:
        node["headline"] = title
    if row and row.get("url"):
        node["url"] = row["url"]
    if row and row.get("publishedStart") and row.get("publishedStart") == row.get("publishedEnd"):
        node["datePublished"] = text_of(row["publishedStart"])
    if row and row.get("publisher"):
        node["publisher"] = {"@type": "Organization", "name": row["publisher"]}
    return node


def claim_node(claim: Claim, agents: dict[str, AgentInfo], document: dict[str, Any] | None,
               *, embed_document: bool = True) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "Claim", "@id": claim.claim, "text": claim.text}
    authors = [agent_node(a.agent, agents, a.label) for a in claim.claimants]
    if authors:
        node["author"] = authors[0] if len(authors) == 1 else authors
    node["appearance"] = (document_node(document, claim.document, claim.headline) if embed_document
                          else {"@id": claim.document})
    if claim.asserted_start is not None and claim.asserted_start == claim.asserted_end:
        node["datePublished"] = text_of(claim.asserted_start)
    return node


def with_context(node: dict[str, Any]) -> dict[str, Any]:
    return {"@context": CONTEXT, **node}


def claim_page(item: TracedClaim, agents: dict[str, AgentInfo], document: dict[str, Any] | None,
               reviews: list[dict]) -> list[dict[str, Any]]:
    """The claim, then each ClaimReview of it (as the ClaimReview export writes them)."""
    return [with_context(claim_node(item.claim, agents, document)), *reviews]


def graph(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"@context": CONTEXT, "@graph": nodes}


def item_list(name: str, total: int, items: list[tuple[str, str]]) -> dict[str, Any]:
    """A list page: its name, how many items the whole list has, and this page's items (IRI, name)."""
    return {"@context": CONTEXT, "@type": "ItemList", "name": name, "numberOfItems": total,
            "itemListElement": [{"@type": "ListItem", "position": i, "item": {"@id": iri, "name": label}}
                                for i, (iri, label) in enumerate(items, start=1)]}


def offline_context() -> dict[str, Any]:
    """The bundled JSON-LD context that stands for "https://schema.org" when markup is expanded without
    any network: the vocabulary `http://schema.org/` (the namespace claimkb uses) and the properties
    whose values are IRIs."""
    from .. import resources

    return json.loads((resources.ontology_dir() / "schema-context.jsonld").read_text(encoding="utf-8"))["@context"]


def expand_offline(markup: Any) -> Any:
    """`markup` with every "@context": "https://schema.org" (or http, or with a slash) replaced by the
    bundled context, ready for a JSON-LD parser that must not fetch anything."""
    names = {"https://schema.org", "https://schema.org/", "http://schema.org", "http://schema.org/"}
    context = offline_context()
    if isinstance(markup, list):
        return [expand_offline(m) for m in markup]
    if isinstance(markup, dict):
        return {k: (context if k == "@context" and isinstance(v, str) and v in names else expand_offline(v))
                for k, v in markup.items()}
    return markup
