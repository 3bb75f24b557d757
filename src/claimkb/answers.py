"""The questions the CLI answers, as functions over a backend and the query catalogue. No printing.

Each answer is built only from catalogue queries, so the same questions run in any SPARQL web UI.
"""

from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple

from .backends.base import Backend
from .catalogue import Catalogue, bind, coerce, expand_iri, sort_sets
from .errors import KbError, UsageError
from .ingest.intervals import to_decimal
from .namespaces import ID
from .namespaces import compact as compact_iri
from .numbers import parse_number
from .results import ResultTable, Term


class Kb:
    """A backend plus the catalogue: run a named query with parameters given as text or terms."""

    def __init__(self, backend: Backend, catalogue: Catalogue) -> None:
        self.backend = backend
        self.catalogue = catalogue

    def run(self, name: str, params: dict[str, str | Term | list[Term]] | None = None) -> ResultTable:
        query = self.catalogue.get(name)
        terms = {
            key: value if isinstance(value, (Term, list)) else coerce(query.param(key), value)
            for key, value in (params or {}).items()
        }
        return sort_sets(query, self.backend.select(bind(query, terms), trusted=True))

    def figures(self, quantities: list[Term] | None = None) -> list[dict[str, Term]]:
        """The rows of `comparable-values` (all, or for these quantities): from the tables derived when
        the persistent store was built when there are some, else by running the query."""
        derived = getattr(self.backend, "derived", None)
        if derived is not None:
            return derived.figures(None if quantities is None else [q.value for q in quantities])
        if quantities is None:
            return self.run("comparable-values").rows
        return self.run("comparable-values", {"quantity": quantities}).rows if quantities else []

    def figures_to_compare(self, claims: list[Term]) -> tuple[list[dict[str, Term]], dict | None]:
        """Figure rows to compare these claims with, and the number of figures per (quantity, unit) when
        the rows are only those near the claims' periods (from the derived tables); else every figure of
        their quantities (by query) and None."""
        from .conflicts import COMPARED_SHOWN

        mine = self.run("comparable-values", {"claim": claims}).rows if claims else []
        derived = getattr(self.backend, "derived", None)
        if derived is not None:
            return derived.figures_near(mine, COMPARED_SHOWN)
        quantities = list({row["quantity"]: None for row in mine})
        return (self.run("comparable-values", {"quantity": quantities}).rows if quantities else []), None

    def changed_hops(self, quantity: Term | None = None) -> list[dict[str, Term]]:
        """The rows of `relay-hops changed=true` (all, or where either side measures the quantity)."""
        derived = getattr(self.backend, "derived", None)
        if derived is not None:
            return derived.changed_hops(None if quantity is None else quantity.value)
        params: dict[str, str | Term] = {"changed": "true"}
        if quantity is not None:
            params["quantity"] = quantity
        return self.run("relay-hops", params).rows


def claim_iri(text: str) -> str:
    """`D01-c02`, `claim:D01-c02` or a full IRI -> the claim's IRI."""
    text = text.strip()
    if text.startswith(("http://", "https://", "urn:")):
        return text
    if text.startswith("claim:"):
        text = text[len("claim:"):]
    return f"{ID}claim/{text}"


# -- trace --------------------------------------------------------------------------------------


class Hop(NamedTuple):
    depth: int
    row: dict[str, Term]


class TracedClaim(NamedTuple):
    row: dict[str, Term]
    hops: list[Hop]
    compared: list[dict[str, Term]]
    totals: dict[str, int]


class Trace(NamedTuple):
    text: str
    value: Fraction
    claims: list[TracedClaim]
    table: ResultTable


def decimal_term(value: Fraction) -> Term:
    lexical = format(to_decimal(value), "f")
    return Term.literal(lexical if "." in lexical else lexical + ".0",
                        "http://www.w3.org/2001/XMLSchema#decimal")


def parse_traced_value(text: str) -> Fraction:
    value = parse_number(text)
    if value is None:
        raise UsageError(f"{text!r} is not a number",
                         hint="write it as 701650, 701,650, 1146 sq km, 10k or two-thirds")
    return value


def trace(kb: Kb, text: str) -> Trace:
    value = parse_traced_value(text)
    found = kb.run("claims-with-value", {"value": decimal_term(value)})
    if not found.rows:
        raise KbError(f"no claim carries the value {text.strip()!r}",
                      hint=f"nearest values in the knowledge base: {nearest_values(kb, value)}")
    table = kb.run("claims", {"claim": list({row["claim"]: None for row in found.rows})})
    claims = [row["claim"] for row in table.rows]
    hops = kb.run("relay-hops", {"claim": claims})
    from .conflicts import Comparer

    comparer = Comparer(*kb.figures_to_compare(claims))
    by_relay = hop_index(hops)
    traced = []
    for row in table.rows:
        compared, totals = comparer.compare(row["claim"].value)
        traced.append(TracedClaim(row, chain(by_relay, row["claim"].value), compared, totals))
    return Trace(text, value, traced, table)


def hop_index(hops: ResultTable) -> dict[str, list[dict[str, Term]]]:
    by_relay: dict[str, list[dict[str, Term]]] = {}
    for row in hops.rows:
        by_relay.setdefault(row["relay"].value, []).append(row)
    return by_relay


def chain(hops: ResultTable | dict[str, list[dict[str, Term]]], start: str) -> list[Hop]:
    """Order relay hops depth-first from `start` back to the earliest claims (a relay may cite several).
    `hops` is the relay-hops table, or its `hop_index` when several chains are drawn from one table."""
    by_relay = hops if isinstance(hops, dict) else hop_index(hops)
    out: list[Hop] = []
    seen: set[str] = set()

    def walk(iri: str, depth: int) -> None:
        if iri in seen:  # a cycle is a data error that validation reports; do not loop on it
            return
        seen.add(iri)
        for row in by_relay.get(iri, []):
            out.append(Hop(depth, row))
            walk(row["source"].value, depth + 1)

    walk(start, 0)
    return out


def nearest_values(kb: Kb, value: Fraction, count: int = 5) -> str:
    rows = kb.run("values").rows
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
        number = format(to_decimal(candidate), "f")
        shown.append(f"{number} {unit.value}" if unit else number)
    return ", ".join(shown) if shown else "none (the knowledge base states no numbers)"


# -- who ----------------------------------------------------------------------------------------


def find_claimant(kb: Kb, name: str) -> dict[str, Term]:
    """Match a claimant by IRI, prefixed name, or label (case-insensitive; exact, else a unique part)."""
    agents = kb.run("agents").rows
    wanted = name.strip()
    iri = expand_iri(wanted)
    for row in agents:
        if row["agent"].value == iri:
            return row
    folded = wanted.casefold()
    exact = [r for r in agents if r["label"].value.casefold() == folded]
    if len(exact) == 1:
        return exact[0]
    if exact:
        names = "; ".join(compact_iri(r["agent"].value) for r in exact)
        raise UsageError(f"{name!r} is the name of several agents: {names}",
                         hint="give the claimant's IRI instead")
    partial = [r for r in agents if folded and folded in r["label"].value.casefold()]
    if len(partial) == 1:
        return partial[0]
    if partial:
        names = "; ".join(r["label"].value for r in partial)
        raise UsageError(f"{name!r} matches several claimants: {names}",
                         hint="give more of the name, or the claimant's IRI")
    raise UsageError(f"no claimant matches {name!r}",
                     hint="list claimants with `claimkb who`")


# -- disagreements ------------------------------------------------------------------------------

DISAGREEMENT_COLUMNS = ["kind", "quantity", "claim", "other", "claimValue", "otherValue", "reason",
                        "claimCount", "otherCount"]
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def disagreements(kb: Kb, quantity: str | None = None) -> ResultTable:
    """Numeric conflicts, misreported relays and curated contradictions, each row with its reason.

    A numeric conflict is one row per two distinct figures that conflict: `claim` and `other` are the
    first of the claims stating each figure, `claimCount` and `otherCount` how many claims state it
    (a figure and its faithful relays), so a figure relayed forty times is not forty rows."""
    from .conflicts import conflict_groups

    quantity_term = coerce(kb.catalogue.get("comparable-values").param("quantity"), quantity) if quantity else None
    rows: list[dict[str, Term]] = []
    for firsts, seconds in conflict_groups(kb.figures(None if quantity_term is None else [quantity_term])):
        first, second = firsts[0], seconds[0]
        row = {"quantity": first["quantity"], "claim": first["claim"], "other": second["claim"]}
        for side, figure in (("claim", first), ("other", second)):
            for key, name in (("value", "Value"), ("comparator", "Comparator"), ("low", "Low"), ("high", "High"),
                              ("windowStart", "WindowStart"), ("windowEnd", "WindowEnd")):
                if key in figure:
                    row[f"{side}{name}"] = figure[key]
        rows.append({
            "kind": Term.literal("numeric conflict"),
            "quantity": row["quantity"],
            "claim": row["claim"],
            "other": row["other"],
            "claimValue": _value_text(row, "claim"),
            "otherValue": _value_text(row, "other"),
            "reason": Term.literal(
                f"same quantity and overlapping periods ({_window(row, 'claim')} vs "
                f"{_window(row, 'other')}), value intervals {_interval(row, 'claim')} and "
                f"{_interval(row, 'other')} do not overlap" + _stated_by(len(firsts), len(seconds))),
            "claimCount": Term.literal(str(len(firsts)), XSD_INTEGER),
            "otherCount": Term.literal(str(len(seconds)), XSD_INTEGER),
        })
    for row in kb.changed_hops(quantity_term):
        rows.append({
            "kind": Term.literal("misreported relay"),
            "quantity": row.get("relayQuantity") or row.get("sourceQuantity"),
            "claim": row["relay"],
            "other": row["source"],
            "claimValue": row.get("relayValue"),
            "otherValue": row.get("sourceValue"),
            "reason": Term.literal(f"relays {_local(row['source'].value)}: "
                                   f"{row['reason'].value if 'reason' in row else 'see relay-hops'}"),
        })
    if not quantity:
        for row in kb.run("contradictions", {"stance": Term.iri("https://w3id.org/claimkb/ns#Contradicts")}).rows:
            rows.append({
                "kind": Term.literal("curated contradiction"),
                "claim": row["claim"],
                "other": row["other"],
                "reason": row["description"],
            })
    return ResultTable(DISAGREEMENT_COLUMNS, [{k: v for k, v in r.items() if v is not None} for r in rows])


def _stated_by(claims: int, others: int) -> str:
    if claims == others == 1:
        return ""
    return f"; stated by {claims} and {others} claims"


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _value_text(row: dict[str, Term], side: str) -> Term | None:
    value = row.get(f"{side}Value")
    comparator = row.get(f"{side}Comparator")
    if value is None:
        return None
    prefix = {"Approximately": "~", "MoreThan": ">", "AtLeast": ">=", "LessThan": "<", "UpTo": "<=",
              "Almost": "almost ", "Between": ""}.get(comparator.value if comparator else "", "")
    return Term.literal(f"{prefix}{value.value}")


def _interval(row: dict[str, Term], side: str) -> str:
    low = row.get(f"{side}Low")
    high = row.get(f"{side}High")
    return f"[{low.value if low else '-inf'}, {high.value if high else 'inf'}]"


def _window(row: dict[str, Term], side: str) -> str:
    start, end = row.get(f"{side}WindowStart"), row.get(f"{side}WindowEnd")
    if not start:
        return "no period"
    return start.value if start.value == end.value else f"{start.value}..{end.value}"
