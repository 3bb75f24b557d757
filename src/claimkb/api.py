"""The library: open a knowledge base and ask it questions. The CLI, push, export, validate and the
benchmarks all go through this module.

    import claimkb
    kb = claimkb.open()                              # the bundled knowledge base (read-only)
    kb = claimkb.open("path/to/kb")                  # a folder with graphs/*.trig
    kb = claimkb.open(endpoint="http://127.0.0.1:7878/query")
    kb.trace("701,650").claims[0].chain              # typed records, exact values
    kb.who().to_dataframe()                          # with pandas installed

Reading never writes to the knowledge base: no lock is taken and a commit that a killed writer left
half-done is read as the commit it was (the journal's new files), not finished on disk. To finish or
undo it on disk, call `claimkb.recover(path)` (an explicit step, taken under the writer lock). A large
knowledge base is built once into an on-disk store under the cache folder (`CLAIMKB_CACHE`); pass
`progress` to hear how that build goes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from . import answers, resources
from .catalogue import Catalogue
from .errors import KbError, UsageError
from .records import Claimant, ClaimSummary, Disagreement, Records, Report, Trace, TracedClaim, rows_of
from .session import Session

Progress = Callable[[str, int, int], None]  # (phase, done, total)


def locate(path: str | os.PathLike[str] | None = None) -> tuple[Path, bool]:
    """The knowledge-base folder to use and whether it is the bundled one (read-only), in this order:
    `path` (`--kb`, `CLAIMKB_KB`), `./kb` when it holds a `graphs/` folder, else the bundled knowledge
    base."""
    if path is not None:
        return Path(path), False
    here = Path("kb")
    if (here / "graphs").is_dir():
        return here, False
    return resources.kb_dir(), resources.is_bundled()


def open(path: str | os.PathLike[str] | None = None, *, endpoint: str | None = None,  # noqa: A001
         timeout: float = 30.0, progress: Progress | None = None) -> KnowledgeBase:
    """Open a knowledge base: the bundled one (no arguments), a folder with `graphs/*.trig`, or a SPARQL
    1.1 endpoint. The embedded store is loaded here; nothing is written to the knowledge base."""
    catalogue = Catalogue(resources.queries_dir())
    if endpoint:
        from .backends.remote import RemoteBackend
        return KnowledgeBase(Session(RemoteBackend(endpoint, timeout=timeout, with_tables=True), catalogue), None, True)
    from .backends.local import LocalBackend

    folder = resources.kb_dir() if path is None else Path(path)
    bundled = resources.is_bundled() and folder.resolve() == resources.kb_dir().resolve()
    backend = LocalBackend(folder, resources.ontology_dir() / "claimkb.ttl", progress=progress)
    return KnowledgeBase(Session(backend, catalogue), folder, bundled)


def init(path: str | os.PathLike[str], *, empty: bool = False) -> Path:
    """Make a working knowledge base at `path` (a new or empty folder): a copy of the bundled one (its
    graphs, sheets and archived texts), or with `empty` the bare folders. The copy is made beside the
    target and renamed into place, so a failure leaves no half-made knowledge base."""
    import shutil
    import tempfile

    target = Path(path)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} exists and is not an empty folder",
                         hint="give a new folder (claimkb init never writes into an existing knowledge base)")
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".claimkb-init-", dir=parent))
    try:
        made = staging / "kb"
        if empty:
            for name in ("graphs", "sheets", "archive"):
                (made / name).mkdir(parents=True)
            (made / "graphs" / "agents.trig").write_bytes(_builtin_agents())
        else:
            shutil.copytree(resources.kb_dir(), made, ignore=shutil.ignore_patterns(".claimkb-*", "__pycache__"))
        if target.exists():
            target.rmdir()
        os.replace(made, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _builtin_agents() -> bytes:
    """The bundled agents graph cut down to the agents every sheet may name without declaring them: the
    curators (`curation.recorded_by`'s default) and the unattributed claimant of hearsay."""
    import pyoxigraph as ox

    from .namespaces import AGENT, GRAPH, PREFIXES

    keep = {ox.NamedNode(GRAPH.agents), ox.NamedNode(AGENT["claimkb-curators"]), ox.NamedNode(AGENT.unattributed)}
    source = resources.kb_dir() / "graphs" / "agents.trig"
    quads = [q for q in ox.parse(path=str(source), format=ox.RdfFormat.TRIG) if q.subject in keep]
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=dict(PREFIXES))  # type: ignore[return-value]


def recover(path: str | os.PathLike[str]) -> str | None:
    """Finish (or clean up after) a write that was interrupted, under the writer lock. Returns
    "rolled forward", "cleaned" or None when there was nothing to do."""
    from .kbfiles import writer_lock

    with writer_lock(Path(path), wait=True) as done:
        return done


class KnowledgeBase:
    """A knowledge base opened for reading; a local, non-bundled one can also be written."""

    def __init__(self, session: Session, folder: Path | None, read_only: bool) -> None:
        self.session = session
        self.folder = folder  # None for an endpoint
        self.read_only = read_only

    def __repr__(self) -> str:
        where = self.session.backend.name if self.folder is None else str(self.folder)
        return f"<claimkb.KnowledgeBase {where}{' (read-only)' if self.read_only else ''}>"

    # -- reading ---------------------------------------------------------------------------------

    def trace(self, value: str) -> Trace:
        """The claims carrying a number (typed however a person writes it: "701,650", "about 700,000",
        "67%") or whose words contain a phrase ("meat grinder"), each with its relay chain to the earliest
        claim in the knowledge base and its comparisons with the other figures of its measured quantity.
        `tracing.py` states how the text is read."""
        return answers.trace(self.session, value)

    def claim(self, claim_id: str) -> TracedClaim:
        """Everything recorded about one claim (`D01-c02`, `claim:D01-c02` or its IRI)."""
        return answers.claim_detail(self.session, claim_id)

    def who(self, claimant: str | None = None, *, full: bool = False) -> Records[Any]:
        """Without a name: every claimant with kind and counts (`Claimant`). With one (a label,
        case-insensitive, a unique part of one, or an IRI): that claimant's claims, as summaries
        (`ClaimSummary`) or, with `full`, whole `Claim` records."""
        if claimant is None:
            table = self.session.run("claimants")
            items = [Claimant(r["claimant"].value if "claimant" in r else None, r["label"].value,
                              r["kind"].value or None if "kind" in r else None, int(r["claims"].value),
                              int(r["documents"].value)) for r in table.rows]
            return Records(items, list(Claimant._fields), table)
        agent = self.claimant(claimant)
        found = self.session.run("claims-by-claimant", {"claimant": agent["agent"]})
        if full:

            iris = [row["claim"] for row in found.rows]
            claims_table = self.session.run("claims", {"claim": iris}) if iris else None
            claims = answers.claims(claims_table) if claims_table is not None else []
            from .records import CLAIM_COLUMNS

            return Records(claims, CLAIM_COLUMNS, None)
        rows = rows_of(found)
        summaries = [ClaimSummary(r["claim"], r["assertedStart"], r["assertedEnd"], r["text"], r["valueAsWritten"],
                                  r["document"], r["published"], r["derivation"]) for r in rows]
        return Records(summaries, list(ClaimSummary._fields), found)

    def claimant(self, name: str) -> dict[str, Any]:
        """The agent a name or IRI picks out: {"agent", "label", "kind"} (raises UsageError otherwise)."""
        return answers.find_claimant(self.session, name)

    def disagreements(self, quantity: str | None = None) -> Records[Disagreement]:
        """Where sources disagree, each with its reason: numeric conflicts, the softer findings (beyond
        an implied range, a part larger than its whole), arithmetic checks, misreported relays and
        curated contradictions. `quantity`: only this measured quantity (`qk:NAME` or an IRI)."""
        return answers.disagreements(self.session, quantity)

    def uncompared(self) -> Records[Any]:
        """Figures that no comparison can reach (no period, no quantity, another unit), with the reason."""
        return answers.uncompared(self.session)

    def timeline(self) -> Records[Any]:
        """Every claim, in order of when it was asserted (earliest bound first)."""
        from .records import CLAIM_COLUMNS

        table = self.session.run("claims")
        return Records(answers.claims(table), CLAIM_COLUMNS, table)

    def sources(self) -> Records[dict[str, Any]]:
        """Documents: kind, publisher, URL, publication date, certainty and number of claims."""
        return rows_of(self.session.run("sources"))

    def query(self, name: str, **params: str) -> Records[dict[str, Any]]:
        """Run a catalogue query (`queries/NAME.rq`) with parameters given as text."""
        self.session.catalogue.get(name)
        return rows_of(self.session.run(name, dict(params)).without_parameters())

    def sparql(self, text: str, *, timeout: float | None = None) -> Records[dict[str, Any]]:
        """Run an ad hoc read-only SELECT. It is parsed, checked (no SERVICE, LOAD, FROM or update) and
        run as the check parsed it, with a deadline; see `adhoc.py`."""
        from .adhoc import run_untrusted

        return rows_of(run_untrusted(self.session.backend, text, timeout=timeout))

    def validate(self) -> Report:
        """SHACL shapes, the check queries and quote integrity, as one report."""
        from .validate import validate

        if self.folder is None:
            raise UsageError("validate reads a local knowledge base's files", hint="drop --endpoint")
        return validate(self.session, self.folder)

    # -- writing ---------------------------------------------------------------------------------

    def writable_folder(self) -> Path:
        if self.folder is None:
            raise UsageError("this knowledge base is a SPARQL endpoint: import and export work on a folder",
                             hint="use `claimkb push` to upload a local knowledge base")
        if self.read_only:
            raise UsageError("the bundled knowledge base is read-only",
                             hint="make a working copy with `claimkb init DIR`, then pass --kb DIR")
        return self.folder

    def import_sheets(self, paths: Sequence[str | os.PathLike[str]], *,
                      recorded_on: date | None = None) -> list[tuple[Path, int, int]]:
        """Build claim sheets (YAML, CSV, ClaimReview JSON-LD) into the knowledge base, all or nothing:
        every sheet is read, resolved and checked and the result validated by the shapes before any
        file is written. Returns (graph file, claims, quads) for each."""
        from .ingest.build import build, check_shapes, write
        from .kbfiles import graph_sources, unchanged_since, writer_lock

        folder = self.writable_folder()
        sheets = [Path(p) for p in paths]

        def checked() -> list:
            built = build(sheets, folder, recorded_on)
            check_shapes(built, folder, resources.ontology_dir() / "shapes.ttl",
                         resources.ontology_dir() / "claimkb.ttl")
            return built

        # checked before the lock is taken, so that refused sheets leave no trace; what the checks read (ids
        # already used, agents known, the shapes of the whole knowledge base) is checked again under the lock
        # when another import landed in between, so two imports at once cannot both add the same id
        state = graph_sources(folder)[1]
        built = checked()
        with writer_lock(folder):
            if not unchanged_since(folder, state):
                built = checked()
            write(built, folder)
        return [(item.path, len(item.sheet.claims), item.quads) for item in built]

    def draft(self, article: str | os.PathLike[str], *, published: date, url: str | None = None,
              publisher: str | None = None, doc_id: str | None = None, recorded_on: date | None = None):
        """Draft a claim sheet from an article's text file: the text is archived in the knowledge base byte
        for byte (unless it is there already), and every candidate claim comes back marked for review. Returns
        a `claimkb.draft.Draft` (`.sheet`, `.yaml()`, `.counts`, `.archived`)."""
        from .draft import archive_article, document_id, draft, read_article

        if self.folder is None:
            raise UsageError("drafting needs a local knowledge base folder, not an endpoint",
                             hint="drop --endpoint (or CLAIMKB_ENDPOINT)")
        raw = read_article(article)
        ident = document_id(article, doc_id)
        archive, written = archive_article(self.folder, article, raw, ident, not self.read_only)
        result = draft(self, raw, published=published, doc_id=ident, archive=archive, url=url,
                       publisher=publisher, recorded_on=recorded_on)
        result.archived = archive if written else None
        return result

    def review(self, claim_id: str, *, rating: str, url: str, author: str, explanation: str | None = None,
               rating_value: Any = None, best: Any = None, worst: Any = None, published: date | None = None,
               recorded_on: date):
        """Record a fact-checker's verdict on a claim (schema:ClaimReview) in a named graph of its own,
        validated by the shapes and committed all or nothing. `rating` is the verdict in words (Google's
        alternateName); `rating_value`, `best` and `worst` an optional numeric scale; `published` the
        review's datePublished (none when not given); `recorded_on` the curation date. The author is an
        agent matched by id, sameAs or exact name, else a new fact-checker. Returns `review.Written`."""
        from decimal import Decimal, InvalidOperation

        from .ingest.review import prepare

        folder = self.writable_folder()
        numbers = []
        for name, v in (("rating value", rating_value), ("best rating", best), ("worst rating", worst)):
            try:
                numbers.append(None if v is None else Decimal(str(v).strip()))
            except InvalidOperation:
                raise UsageError(f"the {name} {v!r} is not a number", hint="write it like 1, 3 or 0.5") from None
        from .ingest.build import write
        from .kbfiles import graph_sources, unchanged_since, writer_lock

        def checked():
            return prepare(folder, claim_id, rating=rating, url=url, author=author, explanation=explanation,
                           rating_value=numbers[0], best=numbers[1], worst=numbers[2], published=published,
                           recorded_on=recorded_on, shapes=resources.ontology_dir() / "shapes.ttl",
                           ontology=resources.ontology_dir() / "claimkb.ttl")

        state = graph_sources(folder)[1]
        built, written = checked()  # a refused review leaves no trace; checked again if a write landed since
        with writer_lock(folder):
            if not unchanged_since(folder, state):
                built, written = checked()
            write(built, folder)
        return written

    def export(self, fmt: str, *, with_ontology: bool = False):
        """The knowledge base as TriG, N-Quads, Turtle, JSON-LD or ClaimReview JSON (`export.EXPORT_FORMATS`):
        an `Exported` with the bytes and how many quads (or reviews) they hold."""
        from .export import export

        return export(self.session, None if fmt == "claimreview" else self.local_store(), fmt,
                      with_ontology=with_ontology)

    def export_tables(self, output) -> int:
        """Write the entries of the comparison tables (the graph `push` writes beside the knowledge base) as
        N-Quads, for a server filled with its own bulk loader: to a binary file object, or to a path (a whole
        file or none: see `kbfiles.write_atomic_stream`). How many entries."""
        from .tables import tables_of_store
        from .tables.entries import write_nquads

        if isinstance(output, (str, os.PathLike)):
            from .kbfiles import write_atomic_stream

            return write_atomic_stream(Path(output), self.export_tables)
        backend = self._local()  # a server's entries are exported by the server's own tools
        if backend.tables is not None:  # a persistent store's own tables: the store is not opened
            return write_nquads(backend.tables, output)
        with tables_of_store(backend.store) as made:
            return write_nquads(made, output)

    def push(self, endpoint: str, *, store: str | None = None, timeout: float = 30.0, prune: bool = False):
        """Replace each named graph on a SPARQL server (Graph Store Protocol PUT), verify each by content
        and that the endpoint's default graph shows it; list (or, with `prune`, delete) the server's
        graphs under the knowledge base's namespace that it no longer has. Returns a `push.Pushed`."""
        from .backends.remote import RemoteBackend
        from .push import push

        remote = RemoteBackend(endpoint, store_endpoint=store, timeout=timeout)
        local = self.local_store()
        tables = getattr(self.session.backend, "tables", None)
        if tables is not None:
            return push(local, remote, self.session.catalogue, prune=prune, tables=tables)
        from .tables import tables_of_store

        with tables_of_store(local) as made:
            return push(local, remote, self.session.catalogue, prune=prune, tables=made)

    def local_store(self):
        """The embedded store (pyoxigraph) of a local knowledge base."""
        return self._local().store

    def _local(self):
        from .backends.local import LocalBackend

        backend = self.session.backend
        if not isinstance(backend, LocalBackend):
            raise UsageError("this needs a local knowledge base, not an endpoint",
                             hint="drop --endpoint (or CLAIMKB_ENDPOINT)")
        return backend


__all__ = ["KnowledgeBase", "KbError", "init", "locate", "open", "recover"]
