"""Catalogue rows into the records of `records.py`: claims, relay hops (what changed on each and why) and
findings, by the rules of `rules.py`. Pure functions of the rows: no query, no I/O; `answers.py` runs the
queries and the comparison tables (`tables/`) build their stored answers with the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from . import evidence, rules
from .namespaces import QK
from .namespaces import compact as compact_iri
from .records import Agent, Claim, Disagreement, Hop, value_of
from .results import ResultTable, Term


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


_WINDOW_KEYS = ("WindowStart", "WindowEnd", "StartLow", "StartHigh", "EndLow", "EndHigh")


def _window(row: dict[str, Term], side: str) -> rules.Window | None:
    values = [_v(row, side + k) for k in _WINDOW_KEYS]
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


# every key `hop_changes_of` reads: the comparison tables turn only these codes into terms
HOP_CHANGE_KEYS = ("quoted",) + tuple(side + key for side in ("relay", "source") for key in (
    "Comparator", "Formulaic", "Quantity", "Band", "Low", "High", "Value", "Quote") + _WINDOW_KEYS)

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


KIND_ORDER = {kind: i for i, kind in enumerate((
    rules.CONFLICT, rules.FALLS, rules.PART_EXCEEDS, rules.AVERAGE_TIMES_DAYS, rules.PARTS_VS_TOTAL,
    rules.INCREMENT_VS_TOTALS, rules.BEYOND, rules.ASSERTED_AFTER_PUBLICATION, rules.PERIOD_AFTER_ASSERTION,
    "misreported relay", "possible misquote (not linked)", "curated contradiction"))}


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


def finding_order(d: Disagreement) -> tuple:
    return (KIND_ORDER.get(d.kind, len(KIND_ORDER)), d.claim, d.other or "")


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
