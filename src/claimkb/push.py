"""Push the knowledge base to a SPARQL server, named graph by named graph, and verify it by content.

1. Each named graph is replaced whole (Graph Store Protocol PUT), so pushing twice is pushing once.
2. Each graph is read back through the query endpoint and compared by content: a sha256 over its
   triples, each written the same way on both sides (the canonical term as SPARQL JSON results carry
   it), so a value the server stored differently (a decimal it rounded, a literal it retyped) is found,
   not only a missing triple.
3. The query endpoint's default graph must show the pushed data (claimkb's queries name no graph): one
   triple of each graph is looked up without GRAPH. A server that keeps named graphs out of its default
   graph fails here with the setting that fixes it, instead of answering "no claims" later.
4. Graphs under the knowledge base's graph namespace that the knowledge base no longer has are listed
   as stale (they would still change every answer); `prune` deletes them.
5. The comparison tables go along, as the entries of one more graph (`tables/entries.py`), sent and
   verified a batch of entries at a time (POST, then read back by subject; then counted), so memory holds
   one batch: a server then answers traces, `who` and disagreements by looking up entries, at any size.
   They are emptied first and written last, only when
   the steps above passed and no stale graph is left: tables describing other data than the server's
   would make the commands that read them disagree with those that query.
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

import pyoxigraph as ox

from .backends.local import to_term
from .backends.remote import RemoteBackend
from .catalogue import Catalogue, term_to_sparql
from .errors import KbError
from .namespaces import CKB, GRAPH
from .records import Records
from .results import Term
from .session import Session

COLUMNS = ["graph", "triples", "sha256", "verified"]


class Pushed(NamedTuple):
    records: Records[dict]
    stale: list[str]  # graphs under the namespace that the knowledge base does not have (left in place)
    pruned: list[str]  # such graphs that were deleted
    tables: int = 0  # entries of the comparison tables pushed (their graph is the last row of `records`)


def _line(s: Term, p: Term, o: Term) -> str:
    def one(t: Term) -> str:
        return "\t".join((t.kind, t.value, t.datatype or "", t.lang or ""))

    return "\n".join((one(s), one(p), one(o)))


def digest(triples: list[tuple[Term, Term, Term]]) -> str:
    """sha256 over the sorted triples, each term as (kind, value, datatype, language)."""
    lines = sorted(_line(*t) for t in triples)
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode("utf-8") + b"\0")
    return h.hexdigest()


def _read_back(remote: RemoteBackend, graph: str, subjects: list[str] | None = None) -> list[tuple[Term, Term, Term]]:
    """The triples of one graph as the server holds them: all, or those of these subjects."""
    values = "" if subjects is None else f"VALUES ?s {{ {' '.join(f'<{s}>' for s in subjects)} }} "
    table = remote.select(f"SELECT ?s ?p ?o WHERE {{ {values}GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return [(r["s"], r["p"], r["o"]) for r in table.rows if {"s", "p", "o"} <= r.keys()]


def _server_graphs(remote: RemoteBackend, catalogue: Catalogue) -> list[str]:
    return [row["graph"].value for row in Session(remote, catalogue).run("graph-sizes").rows]


UNION_HINT = ("make the server's default graph the union of its named graphs: Oxigraph `oxigraph serve "
              "--union-default-graph`; Fuseki `tdb2:unionDefaultGraph true`; GraphDB and Virtuoso do this by default")


def _check_default_graph(remote: RemoteBackend, probes: list[tuple[Term, Term, Term]]) -> None:
    """Every probe triple must be visible with no GRAPH clause, as every catalogue query reads it."""
    if not probes:
        return
    rows = " ".join(f"({term_to_sparql(s)} {term_to_sparql(p)} {term_to_sparql(o)})" for s, p, o in probes)
    found = remote.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} ?s ?p ?o }}")
    seen = int(found.rows[0]["n"].value) if found.rows and "n" in found.rows[0] else 0
    if seen < len(probes):
        raise KbError(f"the graphs were stored, but the default graph of {remote.endpoint} does not show them "
                      f"({seen} of {len(probes)} looked-up triples found): every claimkb query would answer "
                      "as if the knowledge base were empty", hint=UNION_HINT)


def _terms(triple: ox.Triple) -> tuple[Term, Term, Term]:
    s, p, o = (to_term(x) for x in (triple.subject, triple.predicate, triple.object))
    assert s is not None and p is not None and o is not None  # a stored triple has all three
    return s, p, o


def _graph_triples(store: ox.Store, graph: str) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]


def push(store: ox.Store, remote: RemoteBackend, catalogue: Catalogue, *, prune: bool = False,
         tables=None) -> Pushed:
    """Push every named graph of `store`, and the entries of `tables` (the store's comparison tables) when
    given: those last, and only once the graphs are verified, seen through the default graph, and no
    stale graph is left (tables describing other data than the server's would answer otherwise)."""
    from .tables.entries import TABLES_GRAPH

    graphs = sorted(g.value for g in store.named_graphs())
    if tables is not None:  # emptied first: a push cut short or refused leaves no tables describing other data
        remote.put_graph(TABLES_GRAPH, b"")
    rows = []
    mismatched = []
    probes = []
    for graph in graphs:
        triples = _graph_triples(store, graph)
        row, probe = _send(remote, graph, triples)
        rows.append(row)
        if probe is not None:
            probes.append(probe)
        if row["verified"] != "yes":
            mismatched.append(graph)
    _refuse_mismatched(mismatched)
    _check_default_graph(remote, probes)
    ours = set(graphs)
    stale = [g for g in _server_graphs(remote, catalogue) if g.startswith(str(GRAPH)) and g not in ours]
    pruned: list[str] = []
    if prune and stale:
        for graph in stale:
            remote.delete_graph(graph)
        left = set(_server_graphs(remote, catalogue)) & set(stale)
        if left:
            raise KbError(f"{len(left)} stale graph(s) are still on the server after deleting, first {sorted(left)[0]}",
                          hint="check the server's log and the user's rights")
        pruned, stale = stale, []
    if tables is None or stale:  # with stale graphs the server answers through the queries, as they see them
        return Pushed(Records(rows, COLUMNS), stale, pruned, 0)
    row = _send_entries(remote, tables)
    rows.append(row)
    if row["verified"] != "yes":
        remote.put_graph(TABLES_GRAPH, b"")  # tables other than were sent must not answer
        _refuse_mismatched([TABLES_GRAPH])
    return Pushed(Records(rows, COLUMNS), stale, pruned, int(row["triples"]))


def _send(remote: RemoteBackend, graph: str, triples: list[ox.Triple]) -> tuple[dict, tuple | None]:
    """Replace one graph and compare what the server then holds with what was sent: its row of the
    answer, and a triple of it to look up through the default graph (None if every one has a blank node)."""
    remote.put_graph(graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
    sent = [_terms(t) for t in triples]
    probe = next((t for t in sent if all(x.kind != "bnode" for x in t)), None)
    mine = digest(sent)
    theirs = digest(_read_back(remote, graph))
    return ({"graph": graph, "triples": len(sent), "sha256": mine[:16], "verified": "yes" if theirs == mine else "NO"},
            probe)


def _refuse_mismatched(mismatched: list[str]) -> None:
    if mismatched:
        raise KbError(f"the server holds other content than was sent in {len(mismatched)} graph(s), first "
                      f"{mismatched[0]}", hint="the server may store some values differently, or another writer "
                      "is changing those graphs: compare `claimkb export` with the server's copy")


READ_BACK = 1000  # entries sent, and read back, in one request at most


def _batches(tables):
    """The entries of `tables` as (subject, text) lists of at most READ_BACK entries and a quarter of the
    cap on one answer (adhoc.MAX_BYTES) of text: each is sent, and read back, in one request."""
    from . import adhoc
    from .tables.entries import entries

    budget = adhoc.MAX_BYTES // 4
    batch: list[tuple[str, str]] = []
    held = 0
    for key, text in entries(tables):
        if batch and (len(batch) == READ_BACK or held + len(text) > budget):
            yield batch
            batch, held = [], 0
        batch.append((key, text))
        held += len(text)
    if batch:
        yield batch


def _send_entries(remote: RemoteBackend, tables) -> dict:
    """Add the entries to the (emptied) tables graph a batch at a time, each batch read back by its subjects
    and compared by content, then the graph counted: memory holds one batch, not the graph (3.6 GB of
    N-Triples at a million claims). Its row's sha256 is taken over the batches' digests."""
    from .tables.entries import TABLES_GRAPH

    entry = ox.NamedNode(CKB.tableEntry)
    whole = hashlib.sha256()
    sent = 0
    verified = True
    for batch in _batches(tables):
        triples = [ox.Triple(ox.NamedNode(key), entry, ox.Literal(text)) for key, text in batch]
        remote.post_graph(TABLES_GRAPH, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
        mine = digest([_terms(t) for t in triples])
        theirs = digest(_read_back(remote, TABLES_GRAPH, [key for key, _text in batch]))
        whole.update(mine.encode("ascii"))
        sent += len(triples)
        if theirs != mine:
            verified = False
            break
    if verified:  # nothing beyond what was sent (another writer, an earlier push's leftovers)
        counted = remote.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{TABLES_GRAPH}> {{ ?s ?p ?o }} }}")
        held = int(counted.rows[0]["n"].value) if counted.rows and "n" in counted.rows[0] else -1
        verified = held == sent
    return {"graph": TABLES_GRAPH, "triples": sent, "sha256": whole.hexdigest()[:16],
            "verified": "yes" if verified else "NO"}
