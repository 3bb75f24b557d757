"""The scalable conflict finder gives exactly the pairs of the straightforward definition."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from claimkb.conflicts import conflicts
from claimkb.results import Term


def pairs_by_query(kb, quantity=None):
    params = {"relation": "disagree", **({"quantity": quantity} if quantity else {})}
    return [(r["claim"].value, r["other"].value) for r in kb.run("comparisons", params).rows]


def pairs_by_sweep(kb, quantity=None):
    rows = kb.run("comparable-values", {"quantity": quantity} if quantity else {}).rows
    return [(a["claim"].value, b["claim"].value) for a, b in conflicts(rows)]


def test_the_sweep_finds_the_same_conflicts_as_the_query_on_the_bundled_data(kb):
    assert pairs_by_sweep(kb) == pairs_by_query(kb)
    assert len(pairs_by_sweep(kb)) == 2
    quantity = "qk:ru-casualties-daily-mean-month"
    assert pairs_by_sweep(kb, quantity) == pairs_by_query(kb, quantity)


def brute_force(rows):
    def overlaps(a, b):
        return a["windowStart"].value <= b["windowEnd"].value and b["windowStart"].value <= a["windowEnd"].value

    def disjoint(a, b):
        def bound(row, key):
            return Decimal(row[key].value) if key in row else None
        ah, bl, bh, al = bound(a, "high"), bound(b, "low"), bound(b, "high"), bound(a, "low")
        return (ah is not None and bl is not None and ah < bl) or (bh is not None and al is not None and bh < al)

    out = set()
    for a in rows:
        for b in rows:
            if (a["claim"].value < b["claim"].value and a["quantity"] == b["quantity"] and a["unit"] == b["unit"]
                    and overlaps(a, b) and disjoint(a, b)):
                out.add((a["quantity"].value, a["claim"].value, b["claim"].value))
    return sorted(out)


DAY = st.integers(1, 20).map(lambda d: f"2024-10-{d:02d}")
FIGURE = st.tuples(st.sampled_from(["q1", "q2"]), st.sampled_from(["persons", "km2"]), DAY, st.integers(0, 6),
                   st.none() | st.integers(0, 50), st.none() | st.integers(0, 50))


@settings(max_examples=300, deadline=None)
@given(figures=st.lists(FIGURE, max_size=40))
def test_the_sweep_equals_the_pairwise_rule_on_random_figures(figures):
    rows = []
    for i, (quantity, unit, start, length, low, high) in enumerate(figures):
        if low is not None and high is not None and low > high:
            low, high = high, low
        row = {"claim": Term.iri(f"urn:c{i:03d}"), "quantity": Term.iri(f"urn:{quantity}"),
               "unit": Term.literal(unit), "windowStart": Term.literal(start),
               "windowEnd": Term.literal(f"2024-10-{int(start[-2:]) + length:02d}")}
        if low is not None:
            row["low"] = Term.literal(str(low))
        if high is not None:
            row["high"] = Term.literal(str(high))
        rows.append(row)
    got = sorted((a["quantity"].value, a["claim"].value, b["claim"].value) for a, b in conflicts(rows))
    assert got == brute_force(rows)
