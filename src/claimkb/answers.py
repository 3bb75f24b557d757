"""The questions claimkb answers, assembled from catalogue query rows into records. No printing.

Each answer is built from catalogue queries only (so the same questions run in any SPARQL web UI) and
from the rules in `rules.py`; this module turns their rows into the typed records of `records.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from . import rules
from .conflicts import Finder, figures_from_rows
from .errors import KbError, UsageError
from .namespaces import CLAIM, CKB, QK
from .namespaces import compact as compact_iri
from .numbers import parse_number
from .records import (
    Agent,
    Claim,
    Comparison,
    Disagreement,
    Hop,
    Records,
    Trace,
    TracedClaim,
    Verdict,
    DISAGREEMENT_COLUMNS,
    value_of,
)
from .results import ResultTable, Term
from .session import Session

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
            publisher=_v(r, "publisher"), published=_v(r, "published"), quote=_v(r, "quote")))
    return out


def figure_of(claim: Claim) -> str:
    """The claim's figure as a reader sees it: "approximately 701,650 persons"."""
    if claim.value_as_written is None:
        return ""
    return rules.figure_text(claim.value_as_written, claim.comparator, claim.unit)


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
        changes = rules.hop_changes(_side(r, "relay"), _side(r, "source"), quoted)
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
            quantity=STATES[changes["quantity"]], wording=STATES[changes["wording"]], reason="")
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
        parts.append(f"period {hop.source_period} -> {hop.relay_period}")
    if hop.hedge == "changed":
        parts.append(f"hedge \"{hop.source_hedge or 'none'}\" -> \"{hop.relay_hedge or 'none'}\"")
    if hop.wording == "changed":
        parts.append("quoted words differ from the source's")
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

def parse_traced_value(text: str) -> Fraction:
    value = parse_number(text)
    if value is None:
        raise UsageError(f"{text!r} is not a number",
                         hint="write it as 701650, 701,650, 1146 sq km, 10k or two-thirds")
    return value


def decimal_term(value: Fraction) -> Term:
    lexical = format(rules.to_decimal(value), "f")
    return Term.literal(lexical if "." in lexical else lexical + ".0", "http://www.w3.org/2001/XMLSchema#decimal")


def trace(session: Session, text: str) -> Trace:
    value = parse_traced_value(text)
    found = session.run("claims-with-value", {"value": decimal_term(value)})
    if not found.rows:
        raise KbError(f"no claim carries the value {text.strip()!r}",
                      hint=f"nearest values in the knowledge base: {nearest_values(session, value)}")
    iris = list(dict.fromkeys(row["claim"].value for row in found.rows))
    return Trace(text.strip(), value, None, tuple(traced(session, iris)))


def traced(session: Session, iris: list[str]) -> list[TracedClaim]:
    """Each claim with its chain and its comparisons, in the order `claims.rq` gives (by date)."""
    terms = [Term.iri(i) for i in iris]
    found = claims(session.run("claims", {"claim": terms}))
    index = by_relay(hops(session.run("relay-hops", {"claim": terms})))
    finder = Finder(*figures_near(session, terms))
    reviews = verdicts(session.run("reviews", {"claim": terms}))
    out = []
    for claim in found:
        hop_chain = chain(index, claim.claim)
        compared, totals = comparisons(finder, claim.claim)
        out.append(TracedClaim(claim, hop_chain, earliest(hop_chain), compared, totals,
                               tuple(reviews.get(claim.claim, ()))))
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


def figures_near(session: Session, claims_: list[Term]) -> tuple[list[rules.Figure], dict | None]:
    """The figures to compare these claims with: every figure of their quantities."""
    mine = session.run("comparable-values", {"claim": claims_}).rows if claims_ else []
    quantities = list(dict.fromkeys(row["quantity"].value for row in mine))
    if not quantities:
        return [], None
    rows = session.run("comparable-values", {"quantity": [Term.iri(q) for q in quantities]}).rows
    return figures_from_rows(rows), None


def comparisons(finder: Finder, claim: str) -> tuple[tuple[Comparison, ...], dict[str, int]]:
    related, totals = finder.compare(claim, COMPARED_SHOWN)
    out = []
    for other, relation in related:
        window = other.window
        when = str(window.start) if window.start == window.end else f"{window.start}..{window.end}"
        detail = ""
        if relation == rules.BEYOND:
            me = finder.figure(claim)
            factor = rules.bound_factor(me, other) if me is not None else None
            detail = f"{float(factor):.1f} times the bound" if factor else ""
        out.append(Comparison(relation, other.claim, other.text, other.value, when, detail))
    return tuple(out), totals


def nearest_values(session: Session, value: Fraction, count: int = 5) -> str:
    rows = session.run("values").rows
    candidates = []
    for row in rows:
        try:
            candidate = Fraction(row["value"].value)
        except (ValueError, KeyError):
            continue
        candidates.append((abs(candidate - value), candidate, row.get("unit")))
    candidates.sort(key=lambda item: (item[0], item[1]))
    shown = []
    for _, candidate, unit in candidates[:count]:
        number = format(rules.to_decimal(candidate), "f")
        shown.append(f"{number} {unit.value}" if unit else number)
    return ", ".join(shown) if shown else "none (the knowledge base states no numbers)"


def claim_detail(session: Session, text: str) -> TracedClaim:
    found = traced(session, [claim_iri(text)])
    if not found:
        raise UsageError(f"no claim {text!r} in the knowledge base", hint="list claims with `claimkb timeline`")
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
    raise UsageError(f"no claimant matches {name!r}", hint="list claimants with `claimkb who`")


# -- disagreements -------------------------------------------------------------------------------

def disagreements(session: Session, quantity: str | None = None) -> Records[Disagreement]:
    """Numeric conflicts and the softer findings on figures, arithmetic checks, misreported relays and
    curated contradictions, each with its reason."""
    quantity_term = None
    if quantity:
        quantity_term = session.catalogue.get("comparable-values").param("quantity")
        from .catalogue import coerce

        quantity_term = coerce(quantity_term, quantity)
    params: dict[str, Any] = {"quantity": quantity_term} if quantity_term is not None else {}
    rows = session.run("comparable-values", params).rows
    finder = Finder(figures_from_rows(rows))
    out: list[Disagreement] = list(finder.findings())
    hop_params: dict[str, Any] = {"changed": "true"}
    if quantity_term is not None:
        hop_params["quantity"] = quantity_term
    out += misreported(hops(session.run("relay-hops", hop_params)))
    if quantity_term is None:
        out += curated(session)
    return Records(out, DISAGREEMENT_COLUMNS)


def misreported(all_hops: Iterable[Hop]) -> list[Disagreement]:
    """The hops where something changed, as disagreements (`claimkb report` passes every hop it read)."""
    return [Disagreement(
        kind="misreported relay", quantity=hop.relay_quantity or hop.source_quantity, claim=hop.relay,
        other=hop.source, claim_value=hop.relay_figure, other_value=hop.source_figure,
        reason=f"relays {compact_iri(hop.source)}: {hop.reason}") for hop in all_hops if hop.changed]


def curated(session: Session) -> list[Disagreement]:
    """The contradictions curators recorded between two claims."""
    return [Disagreement(kind="curated contradiction", quantity=None, claim=row["claim"].value,
                         other=row["other"].value, claim_value=None, other_value=None,
                         reason=row["description"].value)
            for row in session.run("contradictions", {"stance": Term.iri(CKB.Contradicts)}).rows]


def as_decimal(value: Any) -> Decimal | None:
    return value if isinstance(value, Decimal) else None
