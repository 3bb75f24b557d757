"""The agents a knowledge base already has, and finding one by id, sameAs identifier or exact name.

ClaimReview markup and `claimkb review` name their parties by name (and sometimes by an @id or sameAs
links). A party the knowledge base already has is reused, never declared a second time: a second agent
with the same name would make `claimkb who NAME` ambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from ..errors import UsageError
from ..namespaces import AGENT, PROV, RDF, RDFS, SCHEMA


class KnownAgent(NamedTuple):
    id: str  # the local id: agent:ID
    label: str
    same_as: frozenset[str]


def load_graphs(kb_dir: Path, skip: Iterable[str] = ()) -> ox.Store:
    """The knowledge base's graph files in one store, except the graphs (file stems) in `skip`: those a
    write is about to replace."""
    skipped = set(skip)
    store = ox.Store()
    from ..kbfiles import graph_files, unreadable

    for path in graph_files(kb_dir):
        if path.stem not in skipped:
            try:
                store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
            except (SyntaxError, MemoryError) as exc:
                raise unreadable(path, exc) from None
    return store


def directory(store: ox.Store) -> list[KnownAgent]:
    """Every agent of the store with its label and sameAs identifiers, in id order."""
    labels: dict[str, str] = {}
    same: dict[str, set[str]] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(RDF.type), ox.NamedNode(PROV.Agent), None):
        if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(AGENT):
            iri = quad.subject.value
            labels.setdefault(iri, "")
            same.setdefault(iri, set())
    for iri in labels:
        node = ox.NamedNode(iri)
        for quad in store.quads_for_pattern(node, ox.NamedNode(RDFS.label), None, None):
            if not isinstance(quad.object, ox.Triple):  # a quoted triple (RDF-star) is no label
                labels[iri] = labels[iri] or quad.object.value
        for quad in store.quads_for_pattern(node, ox.NamedNode(SCHEMA.sameAs), None, None):
            if not isinstance(quad.object, ox.Triple):
                same[iri].add(quad.object.value)
    return [KnownAgent(iri[len(AGENT):], labels[iri], frozenset(same[iri])) for iri in sorted(labels)]


def _norm(name: str) -> str:
    return " ".join(name.split())


def match(agents: list[KnownAgent], *, ids: Iterable[str] = (), same_as: Iterable[str] = (),
          name: str | None = None) -> str | None:
    """The id of the known agent that one of `ids` (a local id, agent:ID or the full IRI) names, else
    the one sharing a `same_as` identifier, else the one whose label is exactly `name` (whitespace
    runs aside). None when none is; UsageError when a name or identifier fits several."""
    by_id = {a.id: a for a in agents}
    for given in ids:
        given = given.strip()
        local = given[len(AGENT):] if given.startswith(AGENT) else given.removeprefix("agent:")
        if local in by_id:
            return local
    wanted = {s.strip() for s in same_as if s and s.strip()}
    if wanted:
        found = [a.id for a in agents if a.same_as & wanted]
        if len(found) == 1:
            return found[0]
        if found:
            raise UsageError(f"the identifiers {sorted(wanted)} name several agents: {', '.join(found)}",
                             hint="give the agent's id instead")
    if name is not None and name.strip():
        found = [a.id for a in agents if _norm(a.label) == _norm(name)]
        if len(found) == 1:
            return found[0]
        if found:
            raise UsageError(f"{name!r} is the name of several agents: {', '.join('agent:' + f for f in found)}",
                             hint="give the agent's id (agent:ID) instead of its name")
    return None
