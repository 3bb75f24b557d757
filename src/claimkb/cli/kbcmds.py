"""Commands that check, change or move the knowledge base: validate, import, review, export, report, push."""


from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..errors import UsageError, ValidationFailed
from ..formats import EXPORT_FORMATS
from . import output
from .context import open_kb
from .options import EndpointOpt, Format, FormatOpt, KbOpt, TimeoutOpt, choice_enum

app = typer.Typer()


@app.command()
def validate(
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    fmt: FormatOpt = Format.table,
    kb: KbOpt = None,
) -> None:
    """Check the knowledge base: SHACL shapes, the queries in queries/checks/, quote integrity.

    Exits 1 when anything is violated (warnings too with --strict); prints one row per finding.

    Examples:

      claimkb validate

      claimkb validate --strict --format csv
    """
    from ..records import Finding, Records

    report = open_kb(kb).validate()
    output.emit(Records(report.findings, list(Finding._fields)), fmt, count=False)
    output.note(f"{report.files} files against the shapes, {report.checks} check queries, {report.anchors} "
                f"anchored quotes: {report.violations} violations, {report.warnings} warnings")
    failing = report.violations + (report.warnings if strict else 0)
    if failing:
        raise ValidationFailed(f"the knowledge base has {failing} problem(s)",
                               hint="fix the sheets in kb/sheets/ and rebuild with `claimkb import`")


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="A new (or empty) folder for the knowledge base.")],
    empty: Annotated[bool, typer.Option("--empty", help="Start with no graphs instead of a copy of the bundled "
                                        "knowledge base.")] = False,
) -> None:
    """Make a working knowledge base you can import into: a copy of the bundled one, or empty.

    The bundled knowledge base is read-only; commands that write (import) need a working one. Commands
    find the knowledge base in this order: --kb DIR, CLAIMKB_KB, ./kb when it has a graphs/ folder, else
    the bundled one (read-only).

    Examples:

      claimkb init my-kb

      claimkb init ~/factchecks --empty

      claimkb import --kb scratch-kb my-sheet.yaml
    """
    from ..api import init as make

    made = make(folder, empty=empty)
    graphs = len(list((made / "graphs").glob("*.trig")))
    output.note(f"made the knowledge base {made} ({graphs} graphs); use it with --kb {made} or CLAIMKB_KB={made}"
                + (" (or from its parent folder, where it is ./kb)" if made.name == "kb" else ""))


@app.command("import")
def import_sheets(
    sheets: Annotated[list[Path], typer.Argument(
        help="Claim sheets (YAML, CSV, ClaimReview JSON); see docs/sheet-format.md.")],
    recorded_on: Annotated[Optional[str], typer.Option(
        "--recorded-on", metavar="YYYY-MM-DD", show_default=False,
        help="The curation date for sheets that state none (ClaimReview: default its datePublished).")] = None,
    kb: KbOpt = None,
) -> None:
    """Build each claim sheet into its document's named graph in kb/graphs/, all or nothing.

    Every sheet is read, resolved (dates against the document date, quotes anchored verbatim) and
    checked, and the knowledge base it would make is validated by the shapes, before any file is
    written; the files are then replaced as one commit.

    Examples:

      claimkb import kb/sheets/D01-seed.yaml

      claimkb import kb/sheets/*.yaml
    """
    from datetime import date

    day = None
    if recorded_on is not None:
        try:
            day = date.fromisoformat(recorded_on)
        except ValueError:
            raise UsageError(f"--recorded-on {recorded_on!r} is not a date", hint="write it as YYYY-MM-DD") from None
    for path, claims, quads in open_kb(kb).import_sheets(sheets, recorded_on=day):
        output.note(f"wrote {path} ({claims} claims, {quads} quads)")


@app.command()
def push(
    endpoint: EndpointOpt = None,
    store: Annotated[Optional[str], typer.Option(
        "--store", envvar="CLAIMKB_STORE", show_default=False,
        help="Graph Store Protocol URL to write to; default for Oxigraph: the endpoint's /store.")] = None,
    prune: Annotated[bool, typer.Option(
        "--prune", help="Also delete the server's graphs under the knowledge base's graph namespace that the "
                        "knowledge base no longer has (without it they are listed as a warning).")] = False,
    fmt: FormatOpt = Format.table,
    kb: KbOpt = None,
    timeout: TimeoutOpt = 30.0,
) -> None:
    """Upload the knowledge base to a SPARQL server, replacing each named graph whole, and verify it.

    Each graph is sent with a Graph Store Protocol PUT, so pushing twice leaves the server exactly as
    pushing once; each is then read back and compared by content (a sha256 over its triples), and the
    endpoint's default graph must show it. Graphs the server holds under the knowledge base's graph
    namespace that the knowledge base no longer has are listed (deleted with --prune). Redirects are
    refused; credentials come from CLAIMKB_USER and CLAIMKB_PASSWORD (Digest or Basic, as the server asks).

    Examples:

      claimkb push --endpoint http://127.0.0.1:7878/query

      \b
      claimkb push --endpoint http://127.0.0.1:8890/sparql --store http://127.0.0.1:8890/sparql-graph-crud-auth

      \b
      claimkb push --endpoint http://127.0.0.1:3030/kb/query --store http://127.0.0.1:3030/kb/data --prune
    """
    if not endpoint:
        raise UsageError("push needs --endpoint (or CLAIMKB_ENDPOINT)", hint="e.g. --endpoint http://127.0.0.1:7878/query")
    pushed = open_kb(kb).push(endpoint, store=store, timeout=timeout, prune=prune)
    output.emit(pushed.records, fmt, count=False)
    graphs = len(pushed.records) - (1 if pushed.tables else 0)
    total = sum(int(row["triples"]) for row in pushed.records) - pushed.tables
    tables = f" and the comparison tables ({pushed.tables} entries)" if pushed.tables else ""
    output.note(f"replaced {graphs} graphs ({total} triples){tables}, and verified each by content")
    for graph in pushed.pruned:
        output.note(f"deleted stale graph {graph}")
    if pushed.stale:
        output.note(f"Warning: the server holds {len(pushed.stale)} graph(s) under the knowledge base's namespace "
                    f"that it no longer has, and they still change every answer: {', '.join(pushed.stale)}; "
                    "the comparison tables were therefore not pushed (the server answers through the queries, "
                    "slower at scale)")
        output.note("Hint: `claimkb push --prune` deletes them and pushes the tables")


def _day(option: str, value: Optional[str]):
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date", hint="write it as YYYY-MM-DD") from None


@app.command()
def review(
    claim_id: Annotated[str, typer.Argument(metavar="CLAIM_ID",
                                            help="The claim reviewed: D01-c02, claim:D01-c02 or its IRI.")],
    rating: Annotated[str, typer.Option("--rating", help="The verdict in words, as published: False, Misleading, "
                                        "Accurately relayed... (Google's alternateName).", show_default=False)],
    explanation: Annotated[str, typer.Option("--explanation", help="Why, in a sentence or two (ratingExplanation).",
                                             show_default=False)],
    url: Annotated[str, typer.Option("--url", help="Where the fact-check is published (http or https).",
                                     show_default=False)],
    author: Annotated[str, typer.Option("--author", help="The fact-checker: an agent's id (agent:ID), a sameAs "
                                        "IRI or exact name the knowledge base has, else the name of a new one.",
                                        show_default=False)],
    rating_value: Annotated[Optional[str], typer.Option(
        "--rating-value", metavar="N", show_default=False,
        help="The rating on a numeric scale (with --best and --worst).")] = None,
    best: Annotated[Optional[str], typer.Option("--best", metavar="N", show_default=False,
                                                 help="The best value of the scale.")] = None,
    worst: Annotated[Optional[str], typer.Option("--worst", metavar="N", show_default=False,
                                                  help="The worst value of the scale.")] = None,
    published: Annotated[Optional[str], typer.Option("--date", metavar="YYYY-MM-DD", show_default=False,
                                                      help="When the fact-check was published (datePublished); "
                                                      "none by default, never today's date.")] = None,
    recorded_on: Annotated[Optional[str], typer.Option(
        "--recorded-on", metavar="YYYY-MM-DD", show_default=False,
        help="The curation date of the review's graph; default: --date.")] = None,
    kb: KbOpt = None,
) -> None:
    """Record a fact-checker's verdict on a claim (schema:ClaimReview), validated and all or nothing.

    The verdict goes into a named graph of its own (kb/graphs/review-CLAIM-HASH.trig; the same claim and
    URL again replace it). It is kept apart from the claimant's own hedge, and shows in `trace`, `claim`,
    `report` and `export --format claimreview`. The author is matched to an agent the knowledge base has
    (by id, sameAs or exact name), else declared as a new fact-checker.

    Examples:

      claimkb review D01-c02 --rating "Accurately relayed" --explanation \
"The ministry's figure, relayed as published." --url https://factcheck.example.org/701650 \
--author "Example Fact Check" --date 2024-11-07

      claimkb review D01-c04 --rating Misleading --rating-value 2 --best 5 --worst 1 --explanation "..." \
--url https://factcheck.example.org/1307 --author agent:uk-di --recorded-on 2026-12-01
    """
    day = _day("--date", published)
    recorded = _day("--recorded-on", recorded_on) or day
    if recorded is None:
        raise UsageError("the review needs the day it is recorded on",
                         hint="pass --date YYYY-MM-DD (when the fact-check was published) or --recorded-on YYYY-MM-DD")
    written = open_kb(kb).review(claim_id, rating=rating, url=url, author=author, explanation=explanation,
                                 rating_value=rating_value, best=best, worst=worst, published=day,
                                 recorded_on=recorded)
    who = f"new fact-checker agent:{written.author}" if written.new_author else f"agent:{written.author}"
    output.note(f"wrote {written.path} (review:{written.review} by {who})")


ExportFormat: Any = choice_enum("ExportFormat", {name: name for name in EXPORT_FORMATS}, __name__)


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="; ".join(
        f"{name}: {what}" for name, what in EXPORT_FORMATS.items()))] = ExportFormat.trig,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write to this file (atomically) "
                                                "instead of stdout.")] = None,
    with_ontology: Annotated[bool, typer.Option("--with-ontology", help="Include the ontology graph.")] = False,
    tables: Annotated[bool, typer.Option("--tables", help="Instead of the knowledge base, the entries of its "
                                         "comparison tables as N-Quads (the graph `push` adds), for a server "
                                         "loaded with its own bulk loader: see docs/servers.md.")] = False,
    kb: KbOpt = None,
) -> None:
    """Export the knowledge base for triple stores, JSON-LD tools and fact-check consumers.

    Examples:

      claimkb export --format trig --out kb.trig

      claimkb export --format claimreview

      claimkb export --tables --out tables.nq
    """
    if tables:
        if with_ontology:
            raise UsageError("--with-ontology exports the knowledge base, --tables its comparison tables",
                             hint="give one of them")
        _export_tables(open_kb(kb), fmt, out)
        return
    exported = open_kb(kb).export(fmt.value, with_ontology=with_ontology)
    if fmt.value == "claimreview" and not exported.count:
        output.note("No verdicts in the knowledge base: the ClaimReview export is an empty list "
                    "(record one with `claimkb review`, or import ClaimReview markup).")
    if out is None:
        output.data(exported.data.decode("utf-8"))
        return
    from ..kbfiles import write_atomic

    write_atomic(out, exported.data)
    output.note(f"wrote {out} ({exported.count} {exported.what})")


def _export_tables(kb, fmt: ExportFormat, out: Optional[Path]) -> None:
    if fmt not in (ExportFormat.trig, ExportFormat.nquads):  # trig is the default: --tables writes N-Quads
        raise UsageError(f"--tables writes N-Quads, not {fmt.value}", hint="drop --format, or give --format nquads")
    if out is None:
        output.binary(kb.export_tables)
        return
    count = kb.export_tables(out)
    output.note(f"wrote {out} ({count} table entries)")


@app.command()
def report(
    out_dir: Annotated[Path, typer.Argument(metavar="OUT_DIR", help="The folder to write the site into: new, "
                                            "empty, or a previous report (replaced whole).")],
    page_size: Annotated[int, typer.Option("--page-size", min=1, help="Rows per page of the long lists.")] = 200,
    kb: KbOpt = None,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 30.0,
) -> None:
    """Write a static HTML report of the knowledge base, to open offline or put on any web host.

    An index with counts; one page per claim (fields, verdicts, chain picture, other figures of its
    quantity, disagreements), per document (the archived text with every anchored quote highlighted),
    per claimant and per disagreement (with a word diff where the texts differ). Every page embeds its
    schema.org JSON-LD (Claim, and ClaimReview where a verdict exists). No CDN, no script, no network
    at view time. The site is built beside OUT_DIR and moved into place when it is complete.

    Examples:

      claimkb report site/

      claimkb report scratch-report --kb scratch-kb --page-size 100
    """
    import os

    from ..report import MEMORY_UP_TO, build

    chosen = False
    if not endpoint and "CLAIMKB_STORE_MODE" not in os.environ:
        # the report reads the whole knowledge base once: an in-memory store answers that about four times
        # faster than the on-disk one (10,000 claims: 13 s against 52 s for the relay hops), at a memory cost
        from ..api import locate

        folder, _ = locate(kb)
        if sum(p.stat().st_size for p in (folder / "graphs").glob("*.trig")) <= MEMORY_UP_TO:
            os.environ["CLAIMKB_STORE_MODE"] = "memory"
            chosen = True

    def progress(phase: str, done: int, total: int) -> None:
        if phase.startswith("writing"):
            output.note(f"{phase}: {done} written")

    try:
        knowledge_base = open_kb(kb, endpoint, timeout)
    finally:
        if chosen:
            del os.environ["CLAIMKB_STORE_MODE"]
    built = build(knowledge_base, out_dir, page_size=page_size, progress=progress)
    detail = ", ".join(f"{n} {folder or 'index'}" for folder, n in sorted(built.pages.items()))
    output.note(f"wrote {built.total_pages} pages to {out_dir} ({detail}); {built.bytes / 1e6:.1f} MB, "
                f"largest page {built.largest / 1e3:.0f} kB, in {built.seconds:.1f} s")
