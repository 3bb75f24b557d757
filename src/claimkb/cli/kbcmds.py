"""Commands that check, change or move the knowledge base: validate, import, export, push."""


from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..errors import UsageError, ValidationFailed
from ..formats import EXPORT_FORMATS
from . import output
from .context import open_kb
from .options import EndpointOpt, Format, FormatOpt, KbOpt, TimeoutOpt

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

      claimkb init kb

      claimkb init ~/factchecks --empty

      claimkb import --kb ~/factchecks my-sheet.yaml
    """
    from ..api import init as make

    made = make(folder, empty=empty)
    graphs = len(list((made / "graphs").glob("*.trig")))
    output.note(f"made the knowledge base {made} ({graphs} graphs); use it with --kb {made} or CLAIMKB_KB={made}"
                + (" (or from its parent folder, where it is ./kb)" if made.name == "kb" else ""))


@app.command("import")
def import_sheets(
    sheets: Annotated[list[Path], typer.Argument(help="Claim sheets (YAML, CSV, ClaimReview JSON); see docs/sheet-format.md.")],
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

      claimkb push --endpoint http://127.0.0.1:8890/sparql --store http://127.0.0.1:8890/sparql-graph-crud-auth

      claimkb push --endpoint http://127.0.0.1:3030/kb/query --store http://127.0.0.1:3030/kb/data --prune
    """
    if not endpoint:
        raise UsageError("push needs --endpoint (or CLAIMKB_ENDPOINT)", hint="e.g. --endpoint http://127.0.0.1:7878/query")
    pushed = open_kb(kb).push(endpoint, store=store, timeout=timeout, prune=prune)
    output.emit(pushed.records, fmt, count=False)
    total = sum(int(row["triples"]) for row in pushed.records)
    output.note(f"replaced {len(pushed.records)} graphs ({total} triples) and verified each by content")
    for graph in pushed.pruned:
        output.note(f"deleted stale graph {graph}")
    if pushed.stale:
        output.note(f"Warning: the server holds {len(pushed.stale)} graph(s) under the knowledge base's namespace "
                    f"that it no longer has, and they still change every answer: {', '.join(pushed.stale)}")
        output.note("Hint: `claimkb push --prune` deletes them")


ExportFormat: Any = Enum("ExportFormat", {name: name for name in EXPORT_FORMATS}, type=str)


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="; ".join(
        f"{name}: {what}" for name, what in EXPORT_FORMATS.items()))] = ExportFormat.trig,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write to this file (atomically) "
                                                "instead of stdout.")] = None,
    with_ontology: Annotated[bool, typer.Option("--with-ontology", help="Include the ontology graph.")] = False,
    kb: KbOpt = None,
) -> None:
    """Export the knowledge base for triple stores, JSON-LD tools and fact-check consumers.

    Examples:

      claimkb export --format trig --out kb.trig

      claimkb export --format claimreview
    """
    exported = open_kb(kb).export(fmt.value, with_ontology=with_ontology)
    if out is None:
        output.data(exported.data.decode("utf-8"))
        return
    from ..kbfiles import write_atomic

    write_atomic(out, exported.data)
    output.note(f"wrote {out} ({exported.count} {exported.what})")
