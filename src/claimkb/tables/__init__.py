"""Tables beside a persistent store, derived once when it is built, so that answers at scale read a few
rows instead of visiting every figure and hop through the store.

While the store is bulk-loaded, the same graph files are read once more for the predicates the answers
need (`collect.py`), into a staging SQLite file on disk (a million claims need little memory). SQL joins
over it give the rows the catalogue queries would give (`emulate.py`), and `assemble.py` writes
`tables.sqlite`:

  answer        the rows of `claims` per claim, `claims-by-claimant` per claimant, `relay-hops` per relay,
                and the whole answers of `agents`, `claimants`, `date-problems` and `quantity-relations`;
  link, typed   every prov:wasDerivedFrom link and every schema:Claim, to follow chains as `relay-hops` does;
  value         the decimal values and bounds of every figure, for `claims-with-value`;
  figure        the distinct figures of each measured quantity and unit (a figure and its faithful relays
                are one row, with the first claim and how many claims state it), with `claim_figure`,
                `figure_series` and per-group sizes (`grp`), so that a trace reads only the figures whose
                windows can relate to its claims';
  finding       every finding the rules derive (`answers.derived_findings`), with the quantities each is about.

`Session.run` reads an answer from here when the tables hold it for the parameters given, and runs the
query otherwise. `reader.Tables` reads the file through a few storage methods; `entries.EntryTables` is the
same reader over the entries `claimkb push` writes to a SPARQL server (docs/servers.md).
`tests/test_tables.py` holds every stored answer equal to its query's, and the findings to those found
through the queries, on the bundled knowledge base and on a synthetic corpus. The file's sha256
is recorded when it is written; a file whose size, time or inode changed since is read only if its sha256
is still the one recorded: a damaged or edited table is refused, never trusted.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from .collect import Collector
from .reader import CHECKSUM, TABLES, FigureIndex, Tables, seal


@contextmanager
def tables_of_store(store) -> Iterator[Tables]:
    """The tables of an in-memory store (a small knowledge base has no persistent store to keep them
    beside), written in a temporary folder that is removed afterwards."""
    import tempfile
    from pathlib import Path

    import pyoxigraph as ox

    with tempfile.TemporaryDirectory(prefix="claimkb-tables-") as tmp:
        folder = Path(tmp)
        dump = folder / "store.nq"
        store.dump(str(dump), format=ox.RdfFormat.N_QUADS)
        collector = Collector(folder)
        try:
            collector.read(dump, ox.RdfFormat.N_QUADS)
            collector.write(folder)
        finally:
            collector.close()
        tables = Tables(folder)
        try:
            yield tables
        finally:
            if tables._db is not None:
                tables._db.close()


__all__ = ["CHECKSUM", "TABLES", "Collector", "FigureIndex", "Tables", "seal", "tables_of_store"]
