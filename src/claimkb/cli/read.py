"""Read commands: trace, who, disagreements, claim, sources, timeline, sparql.

No `from __future__ import annotations` in the command modules: typer would have to eval every
annotation string at start-up.
"""


import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..answers import Trace, claim_iri, disagreements as find_disagreements, find_claimant, trace as run_trace
from ..errors import UsageError
from ..namespaces import compact
from ..render import delimited, key_values, shorten
from ..results import ResultTable, Term
from . import output
from .context import open_kb
from .options import EndpointOpt, Format, FormatOpt, KbOpt, TimeoutOpt

app = typer.Typer()

COMPARATOR_WORDS = {"Exactly": "", "Approximately": "approximately ", "MoreThan": "more than ",
                    "AtLeast": "at least ", "LessThan": "less than ", "UpTo": "up to ",
                    "Almost": "almost ", "Between": "between "}


def _v(row: dict[str, Term], key: str) -> str:
    term = row.get(key)
    return "" if term is None else term.value


def _dates(row: dict[str, Term], prefix: str) -> str:
    start, end = _v(row, f"{prefix}Start"), _v(row, f"{prefix}End")
    if start and end and start != end:
        text = f"{start}..{end}"
    elif start or end:
        text = start or f"by {end}"
    else:
        text = ""
    phrase = _v(row, f"{prefix}Phrase")
    extras = [f"'{phrase}'" if phrase else "", "inferred" if _v(row, f"{prefix}Inferred") == "true" else ""]
    extra = ", ".join(e for e in extras if e)
    return f"{text} ({extra})" if extra and text else (text or extra)


def _value(row: dict[str, Term]) -> str:
    if not _v(row, "valueAsWritten"):
        return ""
    words = _v(row, "comparator")
    words = "" if words in ("exactly", "Exactly") else words + " "
    return f"{words}{_v(row, 'valueAsWritten')} {_v(row, 'unit')}  [{_v(row, 'quantityLabel')}]"


def _hop_line(hop_row: dict[str, Term]) -> str:
    parts = []
    for key, label in (("valueChanged", "value"), ("periodChanged", "period"),
                       ("hedgeChanged", "hedge"), ("quantityChanged", "quantity"),
                       ("wordingChanged", "wording")):
        parts.append(f"{label} {'CHANGED' if _v(hop_row, key) == 'true' else 'unchanged'}")
    if _v(hop_row, "quoted") != "true":
        parts[-1] = "wording not quoted"
    source = compact(_v(hop_row, "source"))
    who = _v(hop_row, "sourceClaimant")
    claimant_changed = who and who != _v(hop_row, "relayClaimant")
    line = f"-> {source} ({who}{', claimant differs' if claimant_changed else ''}"
    if _v(hop_row, "sourcePublished"):
        line += f", published {_v(hop_row, 'sourcePublished')}"
    line += "): " + ", ".join(parts)
    if _v(hop_row, "reason"):
        line += f"\n      {_v(hop_row, 'reason')}"
    return line


def _trace_text(result: Trace) -> str:
    n = len(result.claims)
    lines = [f"{result.text.strip()}: {n} claim{'s carry' if n != 1 else ' carries'} this value\n\n"]
    for i, item in enumerate(result.claims, start=1):
        r = item.row
        claimant = f"{_v(r, 'claimants')} ({_v(r, 'claimantKinds')})" if _v(r, "claimantKinds") else _v(r, "claimants")
        carriage = _v(r, "carriage") + (f", cue '{_v(r, 'cue')}'" if _v(r, "cue") else "")
        period = _dates(r, "period")
        if _v(r, "asOfStart"):
            as_of = _v(r, "asOfStart") if _v(r, "asOfStart") == _v(r, "asOfEnd") else f"{_v(r, 'asOfStart')}..{_v(r, 'asOfEnd')}"
            period = f"{period}; as of {as_of}"
        document = f"{compact(_v(r, 'document'))} {shorten(_v(r, 'headline'), 70)!r}"
        published = _v(r, "published")
        lines.append(f"[{i}] {compact(_v(r, 'claim'))}  {_v(r, 'text')}\n")
        lines.append(key_values([
            ("value", _value(r)),
            ("claimant", f"{claimant}; {carriage}"),
            ("hedge", _v(r, "hedge")),
            ("asserted", _dates(r, "asserted")),
            ("period", period),
            ("document", document),
            ("publisher", _v(r, "publisher") or "not recorded"),
            ("published", published),
            ("quote", f"\u201c{_v(r, 'quote')}\u201d" if _v(r, "quote") else "no anchored quote (no archived text)"),
        ], indent="    "))
        if item.hops:
            lines.append("    chain:\n")
            for hop in item.hops:
                lines.append("    " + "  " * hop.depth + _hop_line(hop.row) + "\n")
            origins = [h.row["source"].value for h in item.hops
                       if not any(o.row["relay"].value == h.row["source"].value for o in item.hops)]
            lines.append(f"    earliest in the knowledge base: {', '.join(compact(o) for o in origins)}\n")
        else:
            lines.append("    chain: none; this is the earliest claim the knowledge base has for it\n")
        if item.compared:
            counts = ", ".join(f"{n} {relation}" for relation, n in sorted(item.totals.items()))
            lines.append(f"    same measured quantity ({counts}):\n")
            for row in item.compared:
                if _v(row, "otherComparator") == "Between":
                    value = f"between {_v(row, 'otherLow')} and {_v(row, 'otherHigh')}"
                else:
                    value = COMPARATOR_WORDS.get(_v(row, "otherComparator"), "") + _v(row, "otherValue")
                window = _v(row, "otherWindowStart")
                if window and _v(row, "otherWindowEnd") != window:
                    window += ".." + _v(row, "otherWindowEnd")
                lines.append(f"      {_v(row, 'relation'):<20} {compact(_v(row, 'other'))}  {value}"
                             f"{'  (' + window + ')' if window else ''}\n")
            if len(item.compared) < sum(item.totals.values()):
                lines.append(f"      ... {sum(item.totals.values()) - len(item.compared)} more "
                             "(see --format json for the totals)\n")
        lines.append("\n")
    return "".join(lines).rstrip("\n") + "\n"


def _trace_records(result: Trace) -> list[dict]:
    out = []
    for item in result.claims:
        record = {k: v.value for k, v in item.row.items()}
        record["chain"] = [
            {"depth": h.depth, **{k: v.value for k, v in h.row.items()}} for h in item.hops
        ]
        record["compared"] = [{k: v.value for k, v in row.items()} for row in item.compared]
        record["comparedTotals"] = item.totals
        out.append(record)
    return out


@app.command()
def trace(
    value: Annotated[str, typer.Argument(help="The number as typed or as written: 701650, 701,650, 1146 sq km, two-thirds, 10k.")],
    fmt: FormatOpt = Format.table,
    kb: KbOpt = None,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 30.0,
) -> None:
    """Trace a number to its source: the claims carrying it, their chains and who agrees.

    For each claim: statement, value with comparator and unit, claimant and kind, dates (asserted,
    published, period), document and publisher, the exact quote, the relay chain hop by hop to the
    earliest claim in the knowledge base (what changed at each hop), and the other claims about the
    same measured quantity, marked agree or disagree.

    Examples:

      claimkb trace 701650

      claimkb trace "1,146 sq km"

      claimkb trace two-thirds --format json
    """
    result = run_trace(open_kb(kb, endpoint, timeout), value)
    if fmt is Format.table:
        output.data(_trace_text(result))
    elif fmt is Format.json:
        output.data(json.dumps(_trace_records(result), ensure_ascii=False, indent=2) + "\n")
    elif fmt is Format.jsonl:
        output.data("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _trace_records(result)))
    elif fmt is Format.sparql_json:
        output.data(json.dumps(result.table.to_sparql_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        header = result.table.variables + ["chain", "earliest", "agree", "disagree"]
        rows = []
        for item in result.claims:
            base = [_v(item.row, v) for v in result.table.variables]
            hops = " ; ".join(f"{h.row['relay'].value} -> {h.row['source'].value}"
                              f"{' [' + _v(h.row, 'reason') + ']' if _v(h.row, 'reason') else ''}"
                              for h in item.hops)
            earliest = " ".join(sorted({h.row["source"].value for h in item.hops
                                        if not any(o.row["relay"].value == h.row["source"].value
                                                   for o in item.hops)}))
            agree = " ".join(_v(r, "other") for r in item.compared if _v(r, "relation") == "agree")
            disagree = " ".join(_v(r, "other") for r in item.compared if _v(r, "relation") == "disagree")
            rows.append(base + [hops, earliest, agree, disagree])
        output.data(delimited(header, rows, fmt.value))


@app.command()
def who(
    claimant: Annotated[Optional[str], typer.Argument(help="A claimant's name (case-insensitive) or IRI; omit to list all.")] = None,
    fmt: FormatOpt = Format.table,
    kb: KbOpt = None,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 30.0,
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
        output.table(session.run("claimants"), fmt, empty="No claims in the knowledge base.")
        return
    agent = find_claimant(session, claimant)
    table = who_claims(session, agent, full=fmt is not Format.table)
    if fmt is Format.table:
        output.note(f"{agent['label'].value} ({_v(agent, 'kind')}): {len(table.rows)} claims")
    output.table(table, fmt, empty=f"{agent['label'].value} asserts no claim in the knowledge base.")


def who_claims(session, agent: dict[str, Term], full: bool) -> ResultTable:
    """One claimant's claims: the columns a screen shows (one light query), or, for the machine
    formats, every column of `claims` for each of them."""
    found = session.run("claims-by-claimant", {"claimant": agent["agent"]})
    if not full:
        return found
    return session.run("claims", {"claim": [row["claim"] for row in found.rows]}) if found.rows else ResultTable([])


@app.command()
def disagreements(
    quantity: Annotated[Optional[str], typer.Option("--quantity", "-q", help="Only this measured quantity (IRI or qk:NAME).")] = None,
    fmt: FormatOpt = Format.table,
    kb: KbOpt = None,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 30.0,
) -> None:
    """Where sources disagree, each row with its reason.

    numeric conflict: same measured quantity and unit, overlapping periods, value intervals that do
    not overlap once comparators and rounding are applied ("approximately" is 5% either side).
    misreported relay: a claim differs from the claim it relays in value, period, hedge or quoted
    wording. curated contradiction: a stance link recorded by a curator.

    Examples:

      claimkb disagreements

      claimkb disagreements --quantity qk:ru-casualties-daily-mean-month --format csv
    """
    table = find_disagreements(open_kb(kb, endpoint, timeout), quantity)
    if fmt is Format.table:  # the counts are in each conflict's reason when they are not 1
        table = table.only([c for c in table.variables if c not in ("claimCount", "otherCount")])
    output.table(table, fmt, empty="No disagreements found.")


@app.command()
def claim(
    claim_id: Annotated[str, typer.Argument(metavar="ID", help="A claim id (D01-c02), prefixed name or IRI.")],
    fmt: FormatOpt = Format.table,
    kb: KbOpt = None,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 30.0,
) -> None:
    """Everything recorded about one claim: statement, claimant, dates, value, quote, chain.

    Examples:

      claimkb claim D01-c02

      claimkb claim D01-c11 --format json
    """
    session = open_kb(kb, endpoint, timeout)
    iri = claim_iri(claim_id)
    table = session.run("claims", {"claim": Term.iri(iri)})
    if not table.rows:
        raise UsageError(f"no claim {claim_id!r} in the knowledge base",
                         hint="list claims with `claimkb timeline`")
    if fmt is not Format.table:
        output.table(table, fmt)
        return
    row = table.rows[0]
    output.data(key_values([(k, compact(_v(row, k)) if k in row and row[k].kind == "uri" else _v(row, k))
                            for k in table.variables]))
    hops = session.run("relay-hops", {"claim": Term.iri(iri)})
    from ..answers import chain

    for hop in chain(hops, iri):
        output.data("  " * hop.depth + _hop_line(hop.row) + "\n")


@app.command()
def sources(fmt: FormatOpt = Format.table, kb: KbOpt = None, endpoint: EndpointOpt = None,
            timeout: TimeoutOpt = 30.0) -> None:
    """Documents: kind, publisher, URL, publication date (and whether inferred), certainty, claims.

    Examples:

      claimkb sources

      claimkb sources --format csv
    """
    output.table(open_kb(kb, endpoint, timeout).run("sources"), fmt, empty="No documents in the knowledge base.")


@app.command()
def timeline(fmt: FormatOpt = Format.table, kb: KbOpt = None, endpoint: EndpointOpt = None,
             timeout: TimeoutOpt = 30.0) -> None:
    """Every claim in order of when it was asserted (earliest bound first).

    Examples:

      claimkb timeline

      claimkb timeline --format jsonl
    """
    table = open_kb(kb, endpoint, timeout).run("claims")
    if fmt is Format.table:
        table = table.only(["assertedStart", "assertedEnd", "claim", "claimants", "text", "valueAsWritten"])
    output.table(table, fmt, empty="No claims in the knowledge base.")


@app.command()
def sparql(
    query: Annotated[str, typer.Argument(metavar="QUERY-OR-FILE", help="A SELECT query, or the path of a .rq file.")],
    fmt: FormatOpt = Format.table,
    kb: KbOpt = None,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 30.0,
) -> None:
    """Run an ad hoc read-only SELECT query (SERVICE, LOAD, FROM and updates are refused).

    The default graph is the union of all named graphs.

    Examples:

      claimkb sparql 'PREFIX schema: <http://schema.org/> SELECT ?c ?t WHERE { ?c a schema:Claim ; schema:text ?t } LIMIT 5'

      claimkb sparql my-query.rq --format csv
    """
    text = query
    if "{" not in query:
        path = Path(query)
        if not path.is_file():
            raise UsageError(f"{query!r} is neither a query nor a readable file",
                             hint="pass the query text in quotes, or the path of a .rq file")
        text = path.read_text(encoding="utf-8")
    output.table(open_kb(kb, endpoint, timeout).backend.select(text), fmt, empty="No rows.")
