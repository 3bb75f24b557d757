"""The questions claimkb answers, assembled from catalogue query rows into records. No printing.

Each answer is built from catalogue queries only (so the same questions run in any SPARQL web UI) and
from the rules in `rules.py`; this module turns their rows into the typed records of `records.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from . import evidence, rules
from .conflicts import Finder, arithmetic, figures_from_rows
from .errors import UsageError
from .namespaces import CKB, CLAIM, QK
from .namespaces import compact as compact_iri
from .records import (
    DISAGREEMENT_COLUMNS,
    Agent,
    Claim,
    Comparison,
    Disagreement,
    Hop,
    Records,
    Trace,
    TracedClaim,
    Uncompared,
    Verdict,
    value_of,
)
from .results import ResultTable, Term
from .session import Session
from .tracing import decimal_term, lookup, nearest_values  # noqa: F401 - decimal_term, nearest_values: once here

COMPARED_SHOWN = 50  # comparisons listed per traced claim; the totals are always complete


def claim_iri(text: str) -> str:
    """`D01-c02`, `claim:D01-c02` or a full IRI -> the claim's IRI."""
    text = text.strip()
    if text.startswith(("http://", "https://", "urn:")):
        return text
    return CLAIM[text.removeprefix("claim:")]


def _v(row: dict[str, Term], key: str) -> Any:
    return value_of(row.get(key))


def _s(row: dict[str, Term], key: str) -> str | None:
    term = row.get(key)
    return None if term is None else term.value


def _agents(rows: Iterable[dict[str, Term]], iri: str, label: str, kind: str) -> tuple[Agent, ...]:
    seen: dict[str, Agent] = {}
    for row in rows:
        who = _s(row, iri)
        if who is not None and who not in seen:
            seen[who] = Agent(who, _s(row, label) or who, _s(row, kind) or None)
    return tuple(sorted(seen.values(), key=lambda a: (a.label.casefold(), a.agent)))


def _formulaic(row: dict[str, Term], key: str) -> bool:
    return _s(row, key) in ("true", "1")


# -- claims --------------------------------------------------------------------------------------

def claims(table: ResultTable) -> list[Claim]:
    """`claims.rq` rows (one per claim and claimant) as Claim records, in the query's order."""
    grouped: dict[str, list[dict[str, Term]]] = {}
    for row in table.rows:
        grouped.setdefault(row["claim"].value, []).append(row)
    out = []
    for iri, rows in grouped.items():
        r = rows[0]
        out.append(Claim(
            claim=iri, text=_v(r, "text"), claimants=_agents(rows, "claimant", "claimantLabel", "kindLabel"),
            carriage=_v(r, "carriage"), cue=_v(r, "cue"), hedge=_v(r, "hedge"), value=_v(r, "value"),
            comparator=_v(r, "comparator"), formulaic=_formulaic(r, "formulaic"),
            value_as_written=_v(r, "valueAsWritten"), unit=_v(r, "unit"), quantity=_v(r, "quantity"),
            quantity_label=_v(r, "quantityLabel"), asserted_start=_v(r, "assertedStart"),
            asserted_end=_v(r, "assertedEnd"), asserted_phrase=_v(r, "assertedPhrase"),
            asserted_inferred=_v(r, "assertedInferred"), period_start=_v(r, "periodStart"),
            period_end=_v(r, "periodEnd"), period_phrase=_v(r, "periodPhrase"), as_of_start=_v(r, "asOfStart"),
            as_of_end=_v(r, "asOfEnd"), document=_v(r, "document"), headline=_v(r, "headline"),
            publisher=_v(r, "publisher"), published=_v(r, "published"), quote=_v(r, "quote"),
            derivation=_v(r, "derivation"), min_value=_v(r, "minValue"), max_value=_v(r, "maxValue")))
    return out


def figure_of(claim: Claim) -> str:
    """The claim's figure as a reader sees it: "approximately 701,650 persons"."""
    if claim.value_as_written is None:
        return ""
    return rules.figure_text(claim.value_as_written, claim.comparator, claim.unit, claim.min_value, claim.max_value)


# -- relay hops ----------------------------------------------------------------------------------

def _when(start: date | None, end: date | None, as_of_start: date | None, as_of_end: date | None) -> str | None:
    def span(a: date | None, b: date | None) -> str:
        if a is None:
            return f"by {b}" if b else ""
        return str(a) if b is None or a == b else f"{a}..{b}"

    if as_of_start is not None or as_of_end is not None:
        as_of = span(as_of_start, as_of_end)
        return f"{span(start, end)}, as of {as_of}" if start is not None else f"as of {as_of}"
    text = span(start, end)
    return text or None


def _window(row: dict[str, Term], side: str) -> rules.Window | None:
    keys = ("WindowStart", "WindowEnd", "StartLow", "StartHigh", "EndLow", "EndHigh")
    values = [_v(row, side + k) for k in keys]
    if any(not isinstance(v, date) for v in values):
        return None
    return rules.Window(*values)


def _side(row: dict[str, Term], side: str) -> rules.HopSide:
    comparator = _s(row, f"{side}Comparator") or None
    return rules.HopSide(
        quantity=_s(row, f"{side}Quantity"),
        comparator=rules.effective_comparator(comparator, _formulaic(row, f"{side}Formulaic")) if comparator else None,
        band=_s(row, f"{side}Band") or None,
        low=_v(row, f"{side}Low"), high=_v(row, f"{side}High"), value=_v(row, f"{side}Value"),
        window=_window(row, side), quote=_s(row, f"{side}Quote"))


STATES = {True: "changed", False: "unchanged", None: "not compared"}


def hop_changes_of(row: dict[str, Term]) -> dict[str, bool | None]:
    """What changed on the hop of one `relay-hops.rq` row, by `rules.hop_changes`."""
    return rules.hop_changes(_side(row, "relay"), _side(row, "source"), _s(row, "quoted") in ("true", "1"))


def hops(table: ResultTable) -> list[Hop]:
    """`relay-hops.rq` rows (one per hop and pair of claimants) as Hop records (depth 0), each change
    decided by `rules.hop_changes`."""
    grouped: dict[tuple[str, str], list[dict[str, Term]]] = {}
    for row in table.rows:
        grouped.setdefault((row["relay"].value, row["source"].value), []).append(row)
    out = []
    for (relay, source), rows in grouped.items():
        r = rows[0]
        quoted = _s(r, "quoted") in ("true", "1")
        changes = hop_changes_of(r)
        figures = {}
        for side in ("relay", "source"):
            written = _s(r, f"{side}AsWritten")
            figures[side] = (rules.figure_text(written, _s(r, f"{side}Comparator"), _s(r, f"{side}Unit"))
                             if written is not None else None)
        hedges = {side: _hedge_words(r, side) for side in ("relay", "source")}
        periods = {side: _when(_v(r, f"{side}PeriodStart"), _v(r, f"{side}PeriodEnd"),
                               _v(r, f"{side}AsOfStart"), _v(r, f"{side}AsOfEnd")) for side in ("relay", "source")}
        hop = Hop(
            depth=0, relay=relay, source=source,
            relay_claimants=_agents(rows, "relayClaimant", "relayClaimantLabel", "relayClaimantKind"),
            source_claimants=_agents(rows, "sourceClaimant", "sourceClaimantLabel", "sourceClaimantKind"),
            source_document=_v(r, "sourceDocument"), source_published=_v(r, "sourcePublished"), quoted=quoted,
            relay_value=_v(r, "relayValue"), source_value=_v(r, "sourceValue"),
            relay_figure=figures["relay"], source_figure=figures["source"],
            relay_period=periods["relay"], source_period=periods["source"],
            relay_quantity=_v(r, "relayQuantity"), source_quantity=_v(r, "sourceQuantity"),
            relay_hedge=hedges["relay"], source_hedge=hedges["source"],
            relay_quote=_v(r, "relayQuote"), source_quote=_v(r, "sourceQuote"),
            value=STATES[changes["value"]], period=STATES[changes["period"]], hedge=STATES[changes["hedge"]],
            quantity=STATES[changes["quantity"]], wording=STATES[changes["wording"]], reason="",
            relay_period_phrase=_v(r, "relayPeriodPhrase"), source_period_phrase=_v(r, "sourcePeriodPhrase"))
        if hop.changed:
            hop = evidence.annotate(hop, *(evidence.figure_in_words(
                _s(r, f"{side}AsWritten"), _s(r, f"{side}Comparator"), _s(r, f"{side}Unit"))
                for side in ("relay", "source")))
        out.append(hop._replace(reason=hop_reason(hop)))
    return out


def _hedge_words(row: dict[str, Term], side: str) -> str | None:
    words = rules.hedge_words(_s(row, f"{side}AsWritten"), _s(row, f"{side}Comparator"))
    if words and _formulaic(row, f"{side}Formulaic"):
        words += " (formulaic)"
    estimative = _s(row, f"{side}Hedge")
    parts = [p for p in (words, estimative) if p]
    return "; ".join(parts) or None


def hop_reason(hop: Hop) -> str:
    """What changed on a hop, in the words as printed: 'period 2024-11-01 -> 2024-10-25..2024-10-31'."""
    parts = []
    if hop.value == "changed":
        parts.append(f"value {hop.source_figure} -> {hop.relay_figure}")
    if hop.quantity == "changed":
        parts.append(f"measured quantity {QK.local(hop.source_quantity)} -> {QK.local(hop.relay_quantity)}")
    if hop.period == "changed":
        parts.append(evidence.period_reason(hop))
    if hop.hedge == "changed":
        parts.append(f"hedge \"{hop.source_hedge or 'none'}\" -> \"{hop.relay_hedge or 'none'}\"")
    if hop.wording == "changed":
        parts.append(evidence.wording_reason(hop))
    return "; ".join(parts)


def chain(by_relay: dict[str, list[Hop]], start: str) -> tuple[Hop, ...]:
    """Relay hops depth-first from `start` back to the earliest claims (a relay may cite several)."""
    out: list[Hop] = []
    seen: set[str] = set()

    def walk(iri: str, depth: int) -> None:
        if iri in seen:  # a cycle is a data error that validation reports; do not loop on it
            return
        seen.add(iri)
        for hop in by_relay.get(iri, []):
            out.append(hop._replace(depth=depth))
            walk(hop.source, depth + 1)

    walk(start, 0)
    return tuple(out)


def earliest(hops_of_chain: tuple[Hop, ...]) -> tuple[str, ...]:
    relays = {h.relay for h in hops_of_chain}
    return tuple(dict.fromkeys(h.source for h in hops_of_chain if h.source not in relays))


def by_relay(all_hops: list[Hop]) -> dict[str, list[Hop]]:
    index: dict[str, list[Hop]] = defaultdict(list)
    for hop in all_hops:
        index[hop.relay].append(hop)
    return index


# -- trace ---------------------------------------------------------------------------------------

def trace(session: Session, text: str) -> Trace:
    """The claims a number or a phrase finds (`tracing.py` says how the text is read), each with its
    chain and comparisons; for a phrase, in the order of the match, each with where it matched."""
    found = lookup(session, text)
    items = traced(session, found.claims)
    if found.matches is not None:
        from .phrases import marked

        by_iri = {item.claim.claim: item for item in items}
        items = [marked(by_iri[iri], found.matches[iri]) for iri in found.claims if iri in by_iri]
    return Trace(found.query, found.value, found.unit, tuple(items), found.low, found.high, found.found)


BATCH = 200  # claims bound in one query: a planner given thousands of values at once slows down steeply


def batched(session: Session, name: str, terms: list[Term]) -> ResultTable:
    """A catalogue query over many claims, BATCH at a time, so that its cost stays linear in the claims."""
    table: ResultTable | None = None
    for start in range(0, len(terms), BATCH):
        part = session.run(name, {"claim": terms[start:start + BATCH]})
        if table is None:
            table = part
        else:
            table.rows.extend(part.rows)
    return table if table is not None else ResultTable([])


def traced(session: Session, iris: list[str]) -> list[TracedClaim]:
    """Each claim with its chain and its comparisons, in the order `claims.rq` gives (by date)."""
    terms = [Term.iri(i) for i in iris]
    table = batched(session, "claims", terms)
    if len(terms) > BATCH:  # each batch is in date order; so is the whole
        table.rows.sort(key=lambda r: (r.get("assertedStart", r.get("assertedEnd", Term.literal(""))).value,
                                       r["claim"].value, r.get("claimantLabel", Term.literal("")).value))
    found = claims(table)
    index = by_relay(hops(batched(session, "relay-hops", terms)))
    finder = figures_near(session, terms)
    reviews = verdicts(batched(session, "reviews", terms))
    out = []
    for claim in found:
        hop_chain = chain(index, claim.claim)
        compared, totals = comparisons(finder, claim.claim)
        out.append(TracedClaim(claim, hop_chain, earliest(hop_chain), compared, totals,
                               reviews=tuple(reviews.get(claim.claim, ()))))
    return out


def verdicts(table: ResultTable) -> dict[str, list[Verdict]]:
    """`reviews.rq` rows (one per review and claimant) as Verdict records, by reviewed claim."""
    out: dict[str, list[Verdict]] = {}
    seen: set[str] = set()
    for row in table.rows:
        review = row["review"].value
        if review in seen:
            continue
        seen.add(review)
        claim = row["claim"].value
        out.setdefault(claim, []).append(Verdict(
            review=review, claim=claim, rating=_s(row, "ratingName") or "", rating_value=_v(row, "ratingValue"),
            best_rating=_v(row, "bestRating"), worst_rating=_v(row, "worstRating"),
            explanation=_v(row, "ratingExplanation"), url=_s(row, "url") or "", author=_s(row, "reviewerIri"),
            author_label=_v(row, "reviewer"), published=_v(row, "datePublished"),
            claim_reviewed=_v(row, "claimReviewed") or ""))
    return out


def tables_of(session: Session):
    """The comparison tables of a persistent embedded store, or None (the catalogue queries answer)."""
    return getattr(session.backend, "tables", None)


def figures_near(session: Session, claims_: list[Term]):
    """A finder over the figures to compare these claims with (`compare`, `figure`): every figure of their
    quantities, or the tables' index of all figures."""
    tables = tables_of(session)
    if tables is not None:
        return tables.finder()
    mine = batched(session, "comparable-values", claims_).rows if claims_ else []
    quantities = list(dict.fromkeys(row["quantity"].value for row in mine))
    if not quantities:
        return Finder([])
    rows = session.run("comparable-values", {"quantity": [Term.iri(q) for q in quantities]}).rows
    return Finder(figures_from_rows(rows))


def comparisons(finder: Finder, claim: str) -> tuple[tuple[Comparison, ...], dict[str, int]]:
    related, totals = finder.compare(claim, COMPARED_SHOWN)
    me = finder.figure(claim)
    out = []
    for relation, distinct, count in related:
        other = distinct.figure
        window = other.window
        when = str(window.start) if window.start == window.end else f"{window.start}..{window.end}"
        detail = ""
        if relation == rules.BEYOND and me is not None:
            factor = rules.bound_factor(me, other)
            detail = f"{float(factor):.1f} times the bound" if factor else ""
        if count > 1:
            detail = "; ".join(filter(None, [detail, f"stated by {count} claims"]))
        first = distinct.first if distinct.first != claim else other.claim
        out.append(Comparison(relation, first, other.text, other.value, when, detail, count))
    return tuple(out), totals


def claim_detail(session: Session, text: str) -> TracedClaim:
    found = traced(session, [claim_iri(text)])
    if not found:
        from .suggest import hint

        known = [compact_iri(row["claim"].value).removeprefix("claim:") for row in session.run("claim-texts").rows]
        raise UsageError(f"no claim {text!r} in the knowledge base",
                         hint=hint(text.strip().removeprefix("claim:"), known, "list claims with `claimkb timeline`"))
    return found[0]


# -- who -----------------------------------------------------------------------------------------

def find_claimant(session: Session, name: str) -> dict[str, Term]:
    """Match a claimant by IRI, prefixed name, or label (case-insensitive; exact, else a unique part)."""
    from .namespaces import expand

    agents = session.run("agents").rows
    wanted = name.strip()
    iri = expand(wanted)
    for row in agents:
        if row["agent"].value == iri:
            return row
    folded = wanted.casefold()
    exact = [r for r in agents if r["label"].value.casefold() == folded]
    if len(exact) == 1:
        return exact[0]
    if exact:
        names = "; ".join(compact_iri(r["agent"].value) for r in exact)
        raise UsageError(f"{name!r} is the name of several agents: {names}", hint="give the claimant's IRI instead")
    partial = [r for r in agents if folded and folded in r["label"].value.casefold()]
    if len(partial) == 1:
        return partial[0]
    if partial:
        names = "; ".join(r["label"].value for r in partial)
        raise UsageError(f"{name!r} matches several claimants: {names}",
                         hint="give more of the name, or the claimant's IRI")
    from .suggest import hint

    known = [r["label"].value for r in agents] + [compact_iri(r["agent"].value) for r in agents]
    raise UsageError(f"no claimant matches {name!r}", hint=hint(wanted, known, "list claimants with `claimkb who`"))


# -- disagreements -------------------------------------------------------------------------------

KIND_ORDER = {kind: i for i, kind in enumerate((
    rules.CONFLICT, rules.FALLS, rules.PART_EXCEEDS, rules.AVERAGE_TIMES_DAYS, rules.PARTS_VS_TOTAL,
    rules.INCREMENT_VS_TOTALS, rules.BEYOND, rules.ASSERTED_AFTER_PUBLICATION, rules.PERIOD_AFTER_ASSERTION,
    "misreported relay", "possible misquote (not linked)", "curated contradiction"))}


def disagreements(session: Session, quantity: str | None = None) -> Records[Disagreement]:
    """Numeric conflicts and the softer findings on figures, arithmetic checks, claims whose dates
    contradict their document, misreported relays and curated contradictions, each with its reason.
    With `quantity`, only the findings on that measured quantity: those of its figures, the arithmetic
    checks that read one of its figures, and the relays where either side measures it. A persistent store
    has them all in its tables, found when it was built; otherwise the catalogue queries give the rows the
    rules read. The two agree (tests/test_tables.py)."""
    from .catalogue import coerce

    q = None
    if quantity:
        q = coerce(session.catalogue.get("comparable-values").param("quantity"), quantity).value
    tables = tables_of(session)
    out = tables.findings(q) if tables is not None else derived_findings(session, q)
    if q is not None and not out:
        _known_quantity(session, quantity or q)
    if q is None:
        from .misquotes import disagreements as unlinked_misquotes

        out += unlinked_misquotes(session)
        out += curated(session)
    out.sort(key=finding_order)
    return Records(out, DISAGREEMENT_COLUMNS)


def derived_findings(session: Session, q: str | None) -> list[Disagreement]:
    """Every finding the rules derive (all but the curated contradictions), through the catalogue queries."""
    relations = relation_rows(session.run("quantity-relations").rows)
    component = related_quantities(q, relations) if q is not None else set()
    finder = _finder(session, None if q is None else [q])
    related = finder if len(component) <= 1 else _finder(session, sorted(component))
    out: list[Disagreement] = list(finder.findings())
    representatives = [d.figure for group in related.groups.values() for d in group]
    quantity_of = {f.claim: f.quantity for f in representatives}
    out += [d for d in arithmetic(representatives, relations)
            if q is None or q in finding_quantities(d, quantity_of)]
    if q is None:
        out += date_problems(session)
    hop_params: dict[str, Any] = {"changed": "true"}
    if q is not None:
        hop_params["quantity"] = Term.iri(q)
    return out + misreported(hops(session.run("relay-hops", hop_params)))


def _finder(session: Session, quantities: list[str] | None) -> Finder:
    if quantities is None:
        return Finder(figures_from_rows(session.run("comparable-values").rows))
    rows = session.run("comparable-values", {"quantity": [Term.iri(x) for x in quantities]}).rows
    return Finder(figures_from_rows(rows))


def relation_rows(rows: list[dict[str, Term]]) -> list[tuple[str, str, str]]:
    return [(r["quantity"].value, r["relation"].value, r["other"].value) for r in rows]


def related_quantities(q: str, relations: list[tuple[str, str, str]]) -> set[str]:
    """The quantities an arithmetic check on `q` can read: those connected to it through the relations (a
    total's parts are checked together, so a part's check reads its siblings)."""
    found, todo = {q}, [q]
    while todo:
        here = todo.pop()
        for a, _relation, b in relations:
            for x, y in ((a, b), (b, a)):
                if x == here and y not in found:
                    found.add(y)
                    todo.append(y)
    return found


def finding_quantities(d: Disagreement, quantity_of: dict[str, str]) -> set[str]:
    """The measured quantities a finding is about: its own and those of the figures it compares."""
    return {x for x in (d.quantity, quantity_of.get(d.claim), quantity_of.get(d.other or "")) if x}


def misreported(hops_: Iterable[Hop]) -> list[Disagreement]:
    """The relays among these hops that change what they relay (`claimkb report` passes every hop it read)."""
    return [Disagreement(
        kind="misreported relay", quantity=hop.relay_quantity or hop.source_quantity, claim=hop.relay,
        other=hop.source, claim_value=hop.relay_figure, other_value=hop.source_figure,
        reason=f"relays {compact_iri(hop.source)}: {hop.reason}", claim_words=hop.relay_words,
        other_words=hop.source_words, changes=hop.changes) for hop in hops_ if hop.changed]


def curated(session: Session) -> list[Disagreement]:
    """The contradictions curators recorded between two claims."""
    return [Disagreement(kind="curated contradiction", quantity=None, claim=row["claim"].value,
                         other=row["other"].value, claim_value=None, other_value=None,
                         reason=row["description"].value)
            for row in session.run("contradictions", {"stance": Term.iri(CKB.Contradicts)}).rows]


def finding_order(d: Disagreement) -> tuple:
    return (KIND_ORDER.get(d.kind, len(KIND_ORDER)), d.claim, d.other or "")


def _known_quantity(session: Session, quantity: str) -> None:
    """A quantity no figure measures must at least be declared; else it is a name mistyped."""
    from .namespaces import expand

    known = [row["quantity"].value for row in session.run("quantities").rows]
    if expand(quantity.strip()) not in known:
        from .suggest import hint

        raise UsageError(f"no measured quantity {quantity!r} in the knowledge base",
                         hint=hint(quantity, [compact_iri(k) for k in known],
                                   "list them with `claimkb query run quantities`"))


def date_problems(session: Session) -> list[Disagreement]:
    """Claims asserted after their document appeared, and figures about a period that ends after their
    assertion (`date-problems.rq`, the rules' `asserted_after_publication` and `period_after_assertion`)."""
    return problem_findings(session.run("date-problems").rows)


def problem_findings(rows: list[dict[str, Term]]) -> list[Disagreement]:
    out = []
    for row in rows:
        kind = row["problem"].value
        if kind == rules.ASSERTED_AFTER_PUBLICATION:
            check = rules.asserted_after_publication(_v(row, "assertedStart"), _v(row, "publishedEnd"))
        else:
            check = rules.period_after_assertion(_v(row, "periodEnd"), _v(row, "assertedEnd"))
        if check is not None and not check.consistent:
            out.append(Disagreement(kind=kind, quantity=None, claim=row["claim"].value, other=None,
                                    claim_value=None, other_value=None, reason=check.working))
    return out


UNCOMPARED_HINTS = {
    "no measured quantity": "give the figure a measured quantity",
    "unit differs from its quantity's": "write the figure in its quantity's unit",
    "no period or as-of date": "give the claim a period, or `as_of: published` when the document's date is "
                               "the honest as-of date",
}


def uncompared(session: Session) -> Records[Uncompared]:
    """Figures that no comparison can reach, each with the reason and the fix."""
    items = []
    for row in session.run("uncompared").rows:
        reason = row["reason"].value
        if reason == "unit differs from its quantity's":
            reason = f"unit {_s(row, 'unit')!r} differs from its quantity's {_s(row, 'expectedUnit')!r}"
        written = _s(row, "valueAsWritten") or ""
        items.append(Uncompared(claim=row["claim"].value, quantity=_s(row, "quantity"),
                                figure=rules.figure_text(written, _s(row, "comparator"), _s(row, "unit")),
                                reason=f"{reason}: {UNCOMPARED_HINTS[row['reason'].value]}"))
    return Records(items, list(Uncompared._fields))


def as_decimal(value: Any) -> Decimal | None:
    return value if isinstance(value, Decimal) else None
