"""The questions claimkb answers, assembled from catalogue query rows into records. No printing.

Each answer is built from catalogue queries only (so the same questions run in any SPARQL web UI) and
from the rules in `rules.py`; this module turns their rows into the typed records of `records.py`.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from . import rules
from .conflicts import Finder, arithmetic, figures_from_rows
from .errors import UsageError
from .namespaces import CKB, CLAIM
from .namespaces import compact as compact_iri
from .records import (
    DISAGREEMENT_COLUMNS,
    Comparison,
    Disagreement,
    Hop,
    Records,
    Trace,
    TracedClaim,
    Uncompared,
    Verdict,
)
from .results import ResultTable, Term
from .rows import (  # noqa: F401 - the conversions, answered here under their usual names too
    KIND_ORDER,
    STATES,
    _agents,
    _s,
    _v,
    claims,
    figure_of,
    finding_order,
    finding_quantities,
    hop_changes_of,
    hop_reason,
    hops,
    misreported,
    problem_findings,
    related_quantities,
    relation_rows,
)
from .session import Session
from .tracing import decimal_term, lookup, nearest_values  # noqa: F401 - decimal_term, nearest_values: once here

COMPARED_SHOWN = 50  # comparisons listed per traced claim; the totals are always complete


def claim_iri(text: str) -> str:
    """`D01-c02`, `claim:D01-c02` or a full IRI -> the claim's IRI."""
    text = text.strip()
    if text.startswith(("http://", "https://", "urn:")):
        return text
    return CLAIM[text.removeprefix("claim:")]


# -- claims --------------------------------------------------------------------------------------


# -- relay hops ----------------------------------------------------------------------------------


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
    finder.prefetch([claim.claim for claim in found])
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
    """The comparisons shown for one claim, and the totals. The claims stating one figure are shown the
    same list (the finder compares them alike), so it is formatted once per figure, unless the claim is
    itself the first of a figure listed (then the list names that figure's own claim)."""
    related, counts = finder.compare(claim, COMPARED_SHOWN)
    me = finder.figure(claim)
    if any(distinct.first == claim for _relation, distinct, _count in related):
        return _comparisons(related, counts, me, claim)
    shown = finder.shown
    known = shown.get(id(me))
    if known is None:
        known = shown[id(me)] = _comparisons(related, counts, me, claim)
    return known[0], dict(known[1])


def _comparisons(related, counts, me, claim: str) -> tuple[tuple[Comparison, ...], dict[str, int]]:
    totals = {relation: counts[relation] for relation in rules.RELATIONS if relation in counts}  # findings first
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


def curated(session: Session) -> list[Disagreement]:
    """The contradictions curators recorded between two claims."""
    return [Disagreement(kind="curated contradiction", quantity=None, claim=row["claim"].value,
                         other=row["other"].value, claim_value=None, other_value=None,
                         reason=row["description"].value)
            for row in session.run("contradictions", {"stance": Term.iri(CKB.Contradicts)}).rows]


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
