"""Everything the report shows, read from the knowledge base in a few bulk queries.

The same catalogue queries and the same rules as `trace`, `claim`, `who` and `disagreements`, asked
once for the whole knowledge base rather than once per claim: all claims, all relay hops, all comparable
figures, all reviews, all anchors. Per claim, the chain, comparisons and verdicts are then assembled with
the functions `answers.py` uses, so a claim's page says what `claimkb claim ID` says.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import answers
from ..conflicts import Finder, figures_from_rows
from ..records import Claimant, Disagreement, Hop, TracedClaim, value_of

if TYPE_CHECKING:
    from ..api import KnowledgeBase


class AgentInfo(NamedTuple):
    agent: str
    label: str
    kind: str
    type: str  # Person | GovernmentOrganization | NewsMediaOrganization | Organization | ""
    url: str | None
    same_as: tuple[str, ...]


class Anchor(NamedTuple):
    claim: str
    exact: str | None
    prefix: str | None
    suffix: str | None
    start: int | None
    end: int | None
    archive_path: str | None
    sha256: str | None


class Site(NamedTuple):
    claims: dict[str, TracedClaim]  # in the order of `claims.rq`: by date asserted
    hops: dict[tuple[str, str], Hop]  # (relay, source) -> hop
    relayed_by: dict[str, list[str]]  # claim -> the claims relaying it
    documents: list[dict[str, Any]]  # `sources` rows
    claimants: list[Claimant]
    agents: dict[str, AgentInfo]
    disagreements: list[Disagreement]
    anchors: dict[str, list[Anchor]]  # document -> its anchored quotes
    reviews_markup: dict[str, list[dict]]  # claim -> its ClaimReview markup, as the export writes it
    folder: Path | None  # the knowledge base's folder (None for an endpoint: no archived texts)


def gather(kb: KnowledgeBase, progress=None) -> Site:
    """Read the whole knowledge base for the report."""
    session = kb.session
    say = progress or (lambda phase, done, total: None)
    say("reading claims", 0, 6)
    claims = answers.claims(session.run("claims"))
    say("reading relay hops", 1, 6)
    hops = answers.hops(session.run("relay-hops"))
    index = answers.by_relay(hops)
    say("comparing figures", 2, 6)
    finder = Finder(figures_from_rows(session.run("comparable-values").rows))
    verdicts = answers.verdicts(session.run("reviews"))
    traced: dict[str, TracedClaim] = {}
    for claim in claims:
        chain = answers.chain(index, claim.claim)
        compared, totals = answers.comparisons(finder, claim.claim)
        traced[claim.claim] = TracedClaim(claim, chain, answers.earliest(chain), compared, totals,
                                          reviews=tuple(verdicts.get(claim.claim, ())))
    relayed_by: dict[str, list[str]] = defaultdict(list)
    for hop in hops:
        if hop.relay not in relayed_by[hop.source]:
            relayed_by[hop.source].append(hop.relay)
    say("finding disagreements", 3, 6)
    disagreements = list(kb.disagreements())  # what `claimkb disagreements` lists
    say("reading documents, claimants and quotes", 4, 6)
    documents = list(kb.sources())
    claimants = list(kb.who())
    agents: dict[str, AgentInfo] = {}
    for row in session.run("agent-details").rows:
        iri = row["agent"].value
        same = (row["sameAs"].value,) if "sameAs" in row else ()
        if iri in agents:
            agents[iri] = agents[iri]._replace(same_as=agents[iri].same_as + same)
            continue
        agents[iri] = AgentInfo(iri, row["label"].value, row["kind"].value if "kind" in row else "",
                                row["type"].value if "type" in row else "",
                                row["url"].value if "url" in row else None, same)
    documents_of = {c.claim.claim: c.claim.document for c in traced.values()}
    anchors: dict[str, list[Anchor]] = defaultdict(list)
    for row in session.run("anchors").rows:
        claim_iri = row["claim"].value
        document = documents_of.get(claim_iri)
        if document is None:
            continue
        start, end = value_of(row.get("start")), value_of(row.get("end"))
        anchors[document].append(Anchor(
            claim_iri, _s(row, "exact"), _s(row, "prefix"), _s(row, "suffix"),
            int(start) if isinstance(start, (int, Decimal)) else None,
            int(end) if isinstance(end, (int, Decimal)) else None, _s(row, "archivePath"), _s(row, "sha256")))
    say("reading verdicts", 5, 6)
    from ..export import claimreviews_by_claim

    markup = claimreviews_by_claim(session)
    say("read", 6, 6)
    return Site(traced, {(h.relay, h.source): h for h in hops}, dict(relayed_by), documents, claimants, agents,
                disagreements, dict(anchors), markup, kb.folder)


def _s(row: dict, key: str) -> str | None:
    term = row.get(key)
    return None if term is None else term.value


# -- file names ----------------------------------------------------------------------------------

_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class Names:
    """A file name for each IRI of one kind: its local id where that is a safe name, else a hash; two
    IRIs never share a name, even on a file system that ignores case."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.by_iri: dict[str, str] = {}
        self.taken: set[str] = set()

    def __call__(self, iri: str) -> str:
        name = self.by_iri.get(iri)
        if name is not None:
            return name
        local = iri[len(self.namespace):] if iri.startswith(self.namespace) else ""
        digest = hashlib.sha256(iri.encode("utf-8")).hexdigest()
        name = local if _SAFE.fullmatch(local) and not local.lower().startswith(("index", "page-")) \
            else f"x-{digest[:16]}"
        if name.lower() in self.taken:
            name = f"{name}-{digest[:8]}"
        self.taken.add(name.lower())
        self.by_iri[iri] = name
        return name
