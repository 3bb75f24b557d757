"""Read commands: trace, who, disagreements, claim, sources, timeline, sparql. Each opens the knowledge
base, asks the library one question and renders the answer.

No `from __future__ import annotations` in the command modules: typer would have to eval every
annotation string at start-up.
"""


from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import UsageError
from . import output
from .context import open_kb
from .options import (
    EndpointOpt,
    Format,
    FormatOpt,
    KbOpt,
    PictureFormat,
    PictureFormatOpt,
    RawCellsOpt,
    TimeoutOpt,
    WideOpt,
)

app = typer.Typer()


@app.command()
def trace(
    value: Annotated[str, typer.Argument(
        help="A number as typed or as written (701650, 701,650, 7.0165e5, 1.2 million, 700k, 67%, two-thirds, "
             "about 700,000, 1146 sq km), or a phrase: words without digits (\"meat grinder\").")],
    fmt: PictureFormatOpt = PictureFormat.table,
    kb: KbOpt = None,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 30.0,
    raw_cells: RawCellsOpt = False,
) -> None:
    """Trace a number or a quote to its source: the claims carrying it, their chains and who agrees.

    For each claim: statement, value with comparator and unit, claimant and kind, dates (asserted,
    published, period), document and publisher, the exact quote, the relay chain hop by hop to the
    earliest claim in the knowledge base (what changed at each hop, the changed words of a quote), and
    the other claims about the same measured quantity with their relation (agree, numeric conflict,
    beyond an implied range, ...), and any fact-checker's verdict. `--format svg|dot|mermaid` draws the
    chain instead.

    Text that reads as a figure is a number: digits or number words, optionally after hedge words
    ("about", "more than") and before a unit, which must match the claim's. A plain number is matched
    exactly; a hedged one, a percentage or "700k" by the range it allows. Other text without digits is
    a phrase: the claims whose quotation, anchored quote or statement contains it exactly or nearly
    (a rapidfuzz partial ratio of 85 or more), then the claims that relay them. Dates are refused
    with a pointer to `timeline`.

    Examples:

      claimkb trace 701650

      claimkb trace "1,146 sq km"

      claimkb trace "about 700,000"

      claimkb trace two-thirds --format json

      claimkb trace "fling into the grinder"
      claimkb trace 701650 --format svg > trace.svg
    """
    from .. import views  # noqa: F401 - registers the trace layout

    output.emit(open_kb(kb, endpoint, timeout).trace(value), fmt, raw_cells=raw_cells)


@app.command()
def who(
    claimant: Annotated[Optional[str], typer.Argument(
        help="A claimant's name (case-insensitive) or IRI; omit to list all.")] = None,
    fmt: FormatOpt = Format.table,
    kb: KbOpt = None,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 30.0,
    wide: WideOpt = False,
    raw_cells: RawCellsOpt = False,
) -> None:
    """Who asserted what: claimants with kinds and counts, or one claimant's claims.

    Claims with no named claimant are listed as such (hearsay under `Unattributed`), never dropped.

    Examples:

      claimkb who

      claimkb who "uk defence intelligence"

      claimkb who agent:bloomberg --format csv
    """
    session = open_kb(kb, endpoint, timeout)
    if claimant is None:
        output.emit(session.who(), fmt, empty="No claims in the knowledge base.", wide=wide, raw_cells=raw_cells)
        return
    agent = session.claimant(claimant)
    claims = session.who(claimant, full=fmt is not Format.table)
    from ..render import shown

    label = shown(agent["label"].value)  # escaped as a table cell: a label's ESC, CR or newline stays off stderr
    if fmt is Format.table:
        kind = shown(agent["kind"].value) if "kind" in agent else ""
        output.note(f"{label} ({kind}): {len(claims)} claims")
    output.emit(claims, fmt, empty=f"{label} asserts no claim in the knowledge base.", wide=wide,
                raw_cells=raw_cells)


@app.command()
def disagreements(
    quantity: Annotated[Optional[str], typer.Option("--quantity", "-q",
                                                    help="Only this measured quantity (IRI or qk:NAME).")] = None,
    uncompared: Annotated[bool, typer.Option(
        "--uncompared", help="Instead, list the figures no comparison can reach, and why.")] = False,
    fmt: FormatOpt = Format.table,
    kb: KbOpt = None,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 30.0,
    wide: WideOpt = False,
    raw_cells: RawCellsOpt = False,
) -> None:
    """Where sources disagree, each row with its reason.

    numeric conflict: same measured quantity, unit and window, value intervals that share nothing
    once comparators and rounding apply. beyond implied range: compatible only through an open bound
    ("more than 200" against 1,146). partial period (part exceeds whole), cumulative falls, and the
    arithmetic checks. misreported relay: a claim differs from the claim it relays in value, period,
    hedge or quoted wording (the changed words are named, "fling -> flight"). possible misquote (not
    linked): two quotations of one claimant nearly but not exactly the same, with no relay link
    between them. curated contradiction: a stance link recorded by a curator. JSON, CSV and TSV add
    both sides' words as printed (claim_words, other_words) and each changed span (changes).

    Examples:

      claimkb disagreements

      claimkb disagreements --quantity qk:ru-casualties-daily-mean-month --format csv

      claimkb disagreements --uncompared
    """
    session = open_kb(kb, endpoint, timeout)
    if uncompared:
        output.emit(session.uncompared(), fmt, empty="Every figure can be compared.", wide=wide, raw_cells=raw_cells)
        return
    found = session.disagreements(quantity)
    if fmt is Format.table:  # the counts, words and changes are in each finding's reason
        from ..records import Records

        hidden = ("claim_count", "other_count", "claim_words", "other_words", "changes")
        found = Records(found.items, [c for c in found.columns if c not in hidden])
    output.emit(found, fmt, empty="No disagreements found.", wide=wide, raw_cells=raw_cells)


@app.command()
def claim(
    claim_id: Annotated[str, typer.Argument(metavar="ID", help="A claim id (D01-c02), prefixed name or IRI.")],
    fmt: PictureFormatOpt = PictureFormat.table,
    kb: KbOpt = None,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 30.0,
    raw_cells: RawCellsOpt = False,
) -> None:
    """Everything recorded about one claim: statement, claimant, dates, value, quote, chain, verdicts.

    `--format svg|dot|mermaid` draws its chain and the conflicting figures of its quantity.

    Examples:

      claimkb claim D01-c02

      claimkb claim D01-c11 --format json

      claimkb claim D01-c08 --format mermaid
    """
    from .. import views  # noqa: F401 - registers the claim layout

    output.emit(open_kb(kb, endpoint, timeout).claim(claim_id), fmt, raw_cells=raw_cells)


@app.command()
def sources(fmt: FormatOpt = Format.table, kb: KbOpt = None, endpoint: EndpointOpt = None,
            timeout: TimeoutOpt = 30.0, wide: WideOpt = False, raw_cells: RawCellsOpt = False) -> None:
    """Documents: kind, publisher, URL, publication date (and whether inferred), certainty, claims.

    Examples:

      claimkb sources

      claimkb sources --format csv
    """
    output.emit(open_kb(kb, endpoint, timeout).sources(), fmt, empty="No documents in the knowledge base.",
                wide=wide, raw_cells=raw_cells)


TIMELINE_COLUMNS = ["asserted_start", "asserted_end", "claim", "claimants", "text", "value_as_written"]


@app.command()
def timeline(fmt: FormatOpt = Format.table, kb: KbOpt = None, endpoint: EndpointOpt = None,
             timeout: TimeoutOpt = 30.0, wide: WideOpt = False, raw_cells: RawCellsOpt = False) -> None:
    """Every claim in order of when it was asserted (earliest bound first).

    Examples:

      claimkb timeline

      claimkb timeline --format jsonl
    """
    found = open_kb(kb, endpoint, timeout).timeline()
    if fmt is Format.table:
        from ..records import Records

        found = Records(found.items, TIMELINE_COLUMNS)
    output.emit(found, fmt, empty="No claims in the knowledge base.", wide=wide, raw_cells=raw_cells)


@app.command()
def sparql(
    query: Annotated[str, typer.Argument(metavar="QUERY-OR-FILE", help="A SELECT query, or the path of a .rq file.")],
    fmt: FormatOpt = Format.table,
    kb: KbOpt = None,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 30.0,
    wide: WideOpt = False,
    raw_cells: RawCellsOpt = False,
) -> None:
    """Run an ad hoc read-only SELECT query (SERVICE, LOAD, FROM and updates are refused).

    The default graph is the union of all named graphs.

    Examples:

      \b
      claimkb sparql 'PREFIX schema: <http://schema.org/> SELECT ?c ?t WHERE \
{ ?c a schema:Claim ; schema:text ?t } LIMIT 5'

      claimkb sparql my-query.rq --format csv
    """
    text = query
    first = query.split(None, 1)[0].upper() if query.strip() else ""
    if "{" not in query and first not in ("PREFIX", "BASE", "SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
        path = Path(query)
        if not path.is_file():
            raise UsageError(f"{query!r} is neither a query nor a readable file",
                             hint="pass the query text in quotes, or the path of a .rq file")
        from ..ingest import read_input

        text = read_input(path)
    output.emit(open_kb(kb, endpoint, timeout).sparql(text, timeout=timeout), fmt, empty="No rows.", wide=wide,
                raw_cells=raw_cells)
