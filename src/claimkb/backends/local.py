"""The embedded store: pyoxigraph, loaded from `kb/graphs/*.trig` and the ontology.

A small knowledge base is parsed into memory on each run (faster than opening a store on disk); a large
one is built once into a persistent store that later runs reopen (see `persistent.py`).
`CLAIMKB_STORE_MODE=memory|disk|auto` overrides the choice (auto: disk above DISK_ABOVE bytes of sources).

Queries see the union of all named graphs as their default graph, as a SPARQL server configured with a
union default graph does, so the same `.rq` files run on both.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError, KbError
from ..namespaces import ID
from ..results import ResultTable, Term
from ..sparqlsafety import check_read_only

ONTOLOGY_GRAPH = ID + "graph/ontology"
DISK_ABOVE = 5_000_000


def kb_files(kb_dir: Path) -> list[Path]:
    return sorted((kb_dir / "graphs").glob("*.trig"))


def load_store(kb_dir: Path, ontology: Path | None) -> tuple[ox.Store, Path | None]:
    """The store, and the folder of its derived comparison tables (None for an in-memory store)."""
    from ..kbfiles import JOURNAL_NAME, recover_if_needed

    if (kb_dir / JOURNAL_NAME).exists():  # a writer died mid-commit: finish its commit before reading
        recover_if_needed(kb_dir)
    files = kb_files(kb_dir)
    if not files:
        raise KbError(f"no knowledge base files in {kb_dir / 'graphs'}",
                      hint="point --kb at a folder with graphs/*.trig, or run `claimkb import`")
    mode = os.environ.get("CLAIMKB_STORE_MODE", "auto")
    if mode not in ("auto", "memory", "disk"):
        raise KbError(f"CLAIMKB_STORE_MODE is {mode!r}", hint="set it to auto, memory or disk")
    if mode == "disk" or (mode == "auto" and sum(p.stat().st_size for p in files) > DISK_ABOVE):
        from .persistent import open_store

        try:
            store, folder = open_store(files, ontology)
            return store, folder
        except SyntaxError as exc:
            raise InputError(f"not valid RDF: {exc}", hint="fix the file, or rebuild it from its sheet "
                             "with `claimkb import`") from None
        except (OSError, ValueError, RuntimeError) as exc:
            raise KbError(f"cannot open or build the store: {exc}",
                          hint="delete the cache folder (CLAIMKB_CACHE) and run again") from None
    store = ox.Store()
    for path in files:
        _load(store, path, ox.RdfFormat.TRIG, None)
    if ontology is not None and ontology.is_file():
        _load(store, ontology, ox.RdfFormat.TURTLE, ox.NamedNode(ONTOLOGY_GRAPH))
    return store, None


def _load(store: ox.Store, path: Path, fmt: ox.RdfFormat, graph: ox.NamedNode | None) -> None:
    try:
        if graph is None:
            store.load(path=str(path), format=fmt)
        else:
            store.load(path=str(path), format=fmt, to_graph=graph)
    except SyntaxError as exc:
        raise InputError(f"not valid RDF: {exc.msg if hasattr(exc, 'msg') else exc}",
                         file=str(path), line=getattr(exc, "lineno", None),
                         hint="fix the file, or rebuild it from its sheet with `claimkb import`") from None
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

    def __init__(self, kb_dir: Path, ontology: Path | None = None) -> None:
        self.kb_dir = kb_dir
        self.store, folder = load_store(kb_dir, ontology)
        self.derived = None
        if folder is not None:
            from ..derived import Derived

            if Derived.available(folder):
                self.derived = Derived(folder)

    def select(self, query_text: str, *, trusted: bool = False) -> ResultTable:
        """Run a SELECT. Text that is not one of the catalogue's own files is checked first."""
        if not trusted:
            check_read_only(query_text)
        try:
            solutions = self.store.query(query_text, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise InputError(f"the query does not parse: {exc}",
                             hint="check it against SPARQL 1.1") from None
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
