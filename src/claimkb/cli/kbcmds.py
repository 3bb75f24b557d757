"""Commands that check or change the knowledge base: validate, import."""


from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .. import resources
from ..errors import UsageError, ValidationFailed
from ..results import ResultTable, Term
from . import output
from .context import kb_dir, open_kb
from typing import Optional

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
    from ..validate import checks, quote_integrity, shapes

    folder = kb_dir(kb)
    session = open_kb(kb)
    ontology = resources.ontology_dir()
    shape_findings, files = shapes(folder, ontology / "shapes.ttl", ontology / "claimkb.ttl")
    check_findings, check_count = checks(session)
    quote_findings, anchors = quote_integrity(session, folder)
    findings = shape_findings + check_findings + quote_findings
    table = ResultTable(["source", "severity", "focus", "message"], [
        {"source": Term.literal(f.source), "severity": Term.literal(f.severity),
         "focus": Term.literal(f.focus), "message": Term.literal(f.message)} for f in findings])
    output.table(table, fmt)
    failing = [f for f in findings if f.severity == "Violation" or strict]
    output.note(f"{files} files against the shapes, {check_count} check queries, {anchors} anchored quotes: "
                f"{sum(f.severity == 'Violation' for f in findings)} violations, "
                f"{sum(f.severity != 'Violation' for f in findings)} warnings")
    if failing:
        raise ValidationFailed(f"the knowledge base has {len(failing)} problem(s)",
                               hint="fix the sheets in kb/sheets/ and rebuild with `claimkb import`")


@app.command("import")
def import_sheets(
    sheets: Annotated[list[Path], typer.Argument(help="Claim sheets (YAML); see docs/sheet-format.md.")],
    recorded_on: Annotated[Optional[str], typer.Option(
        "--recorded-on", metavar="YYYY-MM-DD", show_default=False,
        help="The curation date for sheets that state none (ClaimReview: default its datePublished).")] = None,
    kb: KbOpt = None,
) -> None:
    """Build each claim sheet into its document's named graph in kb/graphs/, all or nothing.

    Every sheet is read, resolved (dates against the document date, quotes anchored verbatim) and
    checked, and the knowledge base it would make is validated by the shapes, before any file is
    written; each graph file is then replaced atomically.

    Examples:

      claimkb import kb/sheets/D01-seed.yaml

      claimkb import kb/sheets/*.yaml
    """
    from ..ingest.build import build, check_shapes, write

    from datetime import date

    day = None
    if recorded_on is not None:
        try:
            day = date.fromisoformat(recorded_on)
        except ValueError:
            raise UsageError(f"--recorded-on {recorded_on!r} is not a date", hint="write it as YYYY-MM-DD") from None
    folder = kb_dir(kb)
    built = build(list(sheets), folder, day)
    ontology = resources.ontology_dir()
    check_shapes(built, folder, ontology / "shapes.ttl", ontology / "claimkb.ttl")
    write(built, folder)
    for item in built:
        output.note(f"wrote {item.path} ({len(item.sheet.claims)} claims, {item.quads} quads)")


@app.command()
def push(
    endpoint: EndpointOpt = None,
    store: Annotated[Optional[str], typer.Option(
        "--store", envvar="CLAIMKB_STORE", show_default=False,
        help="Graph Store Protocol URL to write to; default for Oxigraph: the endpoint's /store.")] = None,
    fmt: FormatOpt = Format.table,
    kb: KbOpt = None,
    timeout: TimeoutOpt = 30.0,
) -> None:
    """Upload the knowledge base to a SPARQL server, replacing each named graph whole, and verify it.

    Each graph is sent with a Graph Store Protocol PUT, so pushing twice leaves the server exactly as
    pushing once; the triple count of every graph is then read back and compared. Redirects are
    refused; credentials come from CLAIMKB_USER and CLAIMKB_PASSWORD.

    Examples:

      claimkb push --endpoint http://127.0.0.1:7878/query

      claimkb push --endpoint http://127.0.0.1:3030/kb/query --store http://127.0.0.1:3030/kb/data
    """
    from ..backends.local import LocalBackend
    from ..backends.remote import RemoteBackend
    from ..push import push as push_graphs
    from .context import catalogue

    if not endpoint:
        raise UsageError("push needs --endpoint (or CLAIMKB_ENDPOINT)",
                         hint="e.g. --endpoint http://127.0.0.1:7878/query")
    local = LocalBackend(kb_dir(kb), resources.ontology_dir() / "claimkb.ttl")
    remote = RemoteBackend(endpoint, store_endpoint=store, timeout=timeout)
    table = push_graphs(local, remote, catalogue())
    output.table(table, fmt)
    total = sum(int(row["sent"].value) for row in table.rows)
    output.note(f"replaced {len(table.rows)} graphs ({total} triples) and verified every count")


class ExportFormat(str, Enum):
    trig = "trig"
    nquads = "nquads"
    turtle = "turtle"
    jsonld = "jsonld"
    claimreview = "claimreview"


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="trig and nquads keep every named graph "
                                              "(lossless); turtle merges them; jsonld uses the bundled context; "
                                              "claimreview is schema.org ClaimReview markup.")] = ExportFormat.trig,
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
    import json

    from ..backends.local import LocalBackend
    from ..export import claimreviews, dataset, rdf
    from ..kbfiles import write_atomic
    from .context import catalogue

    local = LocalBackend(kb_dir(kb), resources.ontology_dir() / "claimkb.ttl")
    if fmt is ExportFormat.claimreview:
        from ..answers import Kb

        reviews = claimreviews(Kb(local, catalogue()))
        data = (json.dumps(reviews, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        summary = f"{len(reviews)} ClaimReview(s)"
    else:
        quads = dataset(local.store, with_ontology=with_ontology)
        data = rdf(quads, fmt.value)
        summary = f"{len(quads)} quads"
    if out is None:
        output.data(data.decode("utf-8"))
    else:
        write_atomic(out, data)
        output.note(f"wrote {out} ({summary})")
