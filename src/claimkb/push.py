"""Push the knowledge base to a SPARQL server, named graph by named graph, and verify it."""

from __future__ import annotations

import pyoxigraph as ox

from .backends.remote import RemoteBackend
from .catalogue import Catalogue
from .errors import KbError
from .records import Records
from .session import Session


def push(store: ox.Store, remote: RemoteBackend, catalogue: Catalogue) -> Records[dict]:
    """Replace each of the knowledge base's named graphs on the server whole, then read back the
    triple count of every graph and compare. Pushing twice leaves the server as pushing once."""
    graphs = sorted(g.value for g in store.named_graphs())
    sizes: dict[str, int] = {}
    for graph in graphs:
        triples = [ox.Triple(q.subject, q.predicate, q.object)
                   for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]
        sizes[graph] = len(triples)
        remote.put_graph(graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    remote_sizes = {row["graph"].value: int(row["triples"].value)
                    for row in Session(remote, catalogue).run("graph-sizes").rows}
    rows = []
    mismatched = []
    for graph in graphs:
        there = remote_sizes.get(graph, 0)
        ok = there == sizes[graph]
        if not ok:
            mismatched.append(graph)
        rows.append({"graph": graph, "sent": sizes[graph], "onServer": there, "verified": "yes" if ok else "NO"})
    if mismatched:
        raise KbError(f"the server holds a different number of triples in {len(mismatched)} graph(s), "
                      f"first {mismatched[0]}",
                      hint="another writer may be changing those graphs; push again and compare")
    return Records(rows, ["graph", "sent", "onServer", "verified"])
