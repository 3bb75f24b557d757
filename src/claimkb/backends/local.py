"""The embedded store: pyoxigraph, loaded from `kb/graphs/*.trig` and the ontology.

A small knowledge base is parsed into memory on each run (nothing to build again after each change); a
large one is built once into a persistent store that later runs reopen (see `persistent.py`): the
comparison tables beside it answer most questions, and the store itself is opened when a query first
needs it.
`CLAIMKB_STORE_MODE=memory|disk|auto` overrides the choice (auto: disk above DISK_ABOVE bytes of sources).
The files are read as of one commit (`kbfiles`): nothing here writes to the knowledge base.

Queries see the union of all named graphs as their default graph, as a SPARQL server configured with a
union default graph does, so the same `.rq` files run on both.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import InputError, KbError
from ..kbfiles import graph_sources, snapshot, unchanged_since, unreadable
from ..namespaces import ONTOLOGY_GRAPH
from ..results import ResultTable, Term

if TYPE_CHECKING:
    from .persistent import Held

DISK_ABOVE = 5_000_000
REBUILD = "delete the cache folder (CLAIMKB_CACHE) and run again"
Progress = Callable[[str, int, int], None]


def _mode() -> str:
    mode = os.environ.get("CLAIMKB_STORE_MODE", "auto")
    if mode not in ("auto", "memory", "disk"):
        raise KbError(f"CLAIMKB_STORE_MODE is {mode!r}", hint="set it to auto, memory or disk")
    return mode


def load_store(kb_dir: Path, ontology: Path | None, progress: Progress | None = None) -> ox.Store | Held:
    """The store over the knowledge base's graph files as of one commit and the ontology, parsed into
    memory; or, for a persistent store, its folder (built first when there is none, and held: see
    `persistent.Held`), which holds the store and its comparison tables."""
    sources, state = graph_sources(kb_dir)
    if not sources and not (kb_dir / "graphs").is_dir():
        raise KbError(f"no knowledge base files in {kb_dir / 'graphs'}",
                      hint="point --kb at a folder with graphs/*.trig, or make one with `claimkb init DIR`")
    mode = _mode()
    if mode == "disk" or (mode == "auto" and sum(p.stat().st_size for _, p in sources) > DISK_ABOVE):
        from .persistent import store_folder

        for _ in range(20):
            try:
                folder: Held | None = store_folder(sources, ontology, progress)
            except FileNotFoundError:  # a commit moved a file while the store was built, or a newer build
                folder = None  # removed the store before it was held: build again
            except SyntaxError as exc:
                raise InputError(f"not valid RDF: {exc}", hint="fix the file, or rebuild it from its sheet "
                                 "with `claimkb import`") from None
            except (OSError, ValueError, RuntimeError) as exc:
                raise KbError(f"cannot open or build the store: {exc}", hint=REBUILD) from None
            if folder is not None and unchanged_since(kb_dir, state):
                return folder
            sources, state = graph_sources(kb_dir)
        raise KbError(f"{kb_dir} kept changing while it was read", hint="run the command again when the writes stop")
    store = ox.Store()
    for name, data in snapshot(kb_dir):
        _load(store, data, kb_dir / "graphs" / name, ox.RdfFormat.TRIG, None)
    if ontology is not None and ontology.is_file():
        _load(store, ontology.read_bytes(), ontology, ox.RdfFormat.TURTLE, ox.NamedNode(ONTOLOGY_GRAPH))
    return store


def _load(store: ox.Store, data: bytes, path: Path, fmt: ox.RdfFormat, graph: ox.NamedNode | None) -> None:
    try:
        if graph is None:
            store.load(data, format=fmt)
        else:
            store.load(data, format=fmt, to_graph=graph)
    except (SyntaxError, MemoryError) as exc:
        raise unreadable(path, exc) from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise InputError(f"cannot load: {exc}", file=str(path),
                         hint="fix the file, or rebuild it from its sheet with `claimkb import`") from None


def to_term(term) -> Term | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Term.iri(term.value)
    if isinstance(term, ox.Literal):
        return Term.literal(term.value, term.datatype.value, term.language)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    raise KbError(f"unsupported term in results: {term!r}")


class LocalBackend:
    name = "embedded"

    def __init__(self, kb_dir: Path, ontology: Path | None = None, progress: Progress | None = None,
                 loaded: ox.Store | Held | None = None) -> None:
        """The knowledge base in `kb_dir`, loaded by `load_store` (or `loaded`: see `over`)."""
        self.kb_dir = kb_dir
        if loaded is None:
            loaded = load_store(kb_dir, ontology, progress)
        self.tables = None  # the comparison tables of a persistent store (see tables.py)
        self._store: ox.Store | None = None
        self._held: Held | None = None
        self._opening = threading.Lock()
        if isinstance(loaded, ox.Store):
            self._store = loaded
        else:
            from ..tables import Tables

            self._held = loaded
            if Tables.available(loaded.folder):
                self.tables = Tables(loaded.folder)

    @classmethod
    def over(cls, store: ox.Store, kb_dir: Path = Path(".")) -> LocalBackend:
        """A backend over a store made elsewhere (a test's, a tool's), without the knowledge base's files."""
        return cls(kb_dir, loaded=store)

    @property
    def store(self) -> ox.Store:
        """The store; a persistent one is opened when first asked for (what the tables answer never is)."""
        if self._store is None:
            with self._opening:  # threads asking at once open it once
                if self._store is None:
                    self._store = self._open()
        return self._store

    def _open(self) -> ox.Store:
        from .persistent import open_read_only

        assert self._held is not None
        folder = self._held.folder
        if self._held.gone():
            raise KbError(f"the store in {folder} was removed after the knowledge base was opened",
                          hint="open the knowledge base again (run the command again)")
        try:
            return open_read_only(folder)
        except (OSError, ValueError, RuntimeError) as exc:
            raise KbError(f"cannot open the store in {folder}: {exc}", hint=REBUILD) from None

    def select(self, query_text: str) -> ResultTable:
        """Run a catalogue SELECT (text claimkb wrote, with parameters bound as terms)."""
        return evaluate(self.store, query_text)


def evaluate(store: ox.Store, query_text: str) -> ResultTable:
    try:
        solutions = store.query(query_text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise InputError(f"the query does not parse: {exc}", hint="check it against SPARQL 1.1") from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise KbError(f"the query failed: {exc}", hint="check the query against SPARQL 1.1") from None
    if not isinstance(solutions, ox.QuerySolutions):
        raise InputError("only SELECT queries are supported here",
                         hint="rewrite it as SELECT; ASK, CONSTRUCT and DESCRIBE are not shown as tables")
    variables = [v.value for v in solutions.variables]
    rows = []
    try:  # evaluation is lazy: errors surface while the solutions are read
        for solution in solutions:
            row = {}
            for name in variables:
                term = to_term(solution[name])
                if term is not None:
                    row[name] = term
            rows.append(row)
    except (OSError, ValueError, RuntimeError, SyntaxError) as exc:
        raise KbError(f"the query failed: {exc}", hint="check the query against SPARQL 1.1") from None
    return ResultTable(variables, rows)
