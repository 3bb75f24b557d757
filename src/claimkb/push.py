"""Push the knowledge base to a SPARQL server, named graph by named graph, and verify it."""

from __future__ import annotations

import pyoxigraph as ox

from .answers import Kb
from .backends.local import LocalBackend
from .backends.remote import RemoteBackend
from .errors import KbError
from .results import ResultTable, Term


def push(local: LocalBackend, remote: RemoteBackend, catalogue) -> ResultTable:
    """Replace each of the knowledge base's named graphs on the server whole, then read back the
    triple count of every graph and compare. Pushing twice leaves the server as pushing once."""
    graphs = sorted(g.value for g in local.store.named_graphs())
    sizes: dict[str, int] = {}
    for graph in graphs:
        triples = [ox.Triple(q.subject, q.predicate, q.object)
                   for q in local.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]
        sizes[graph] = len(triples)
        remote.put_graph(graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    remote_sizes = {row["graph"].value: int(row["triples"].value)
                    for row in Kb(remote, catalogue).run("graph-sizes").rows}
    rows = []
    mismatched = []
    for graph in graphs:
        there = remote_sizes.get(graph, 0)
        ok = there == sizes[graph]
        if not ok:
            mismatched.append(graph)
        rows.append({"graph": Term.iri(graph), "sent": Term.literal(str(sizes[graph])),
                     "onServer": Term.literal(str(there)), "verified": Term.literal("yes" if ok else "NO")})
    table = ResultTable(["graph", "sent", "onServer", "verified"], rows)
    if mismatched:
        raise KbError(f"the server holds a different number of triples in {len(mismatched)} graph(s), "
                      f"first {mismatched[0]}",
                      hint="another writer may be changing those graphs; push again and compare")
    return table
