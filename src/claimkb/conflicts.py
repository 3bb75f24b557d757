"""Numeric conflicts without comparing every pair.

The rule (the same as `queries/comparisons.rq`): two figures conflict when they measure the same quantity
in the same unit, their comparison windows overlap, and their value intervals do not. Figures are grouped
by quantity, unit and exact window; within a pair of overlapping windows, the figures whose interval lies
wholly above a figure's upper bound (or below its lower bound) are found by binary search over the
group sorted by bound. Work grows with the number of figures, times the logarithm of a group's size, plus
the number of conflicts reported.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from decimal import Decimal

from .results import Term


class Figure:
    __slots__ = ("row", "claim", "low", "high")

    def __init__(self, row: dict[str, Term]) -> None:
        self.row = row
        self.claim = row["claim"].value
        self.low = Decimal(row["low"].value) if "low" in row else None  # None: open below
        self.high = Decimal(row["high"].value) if "high" in row else None  # None: open above


class Window:
    """The figures of one quantity, unit and window, indexed by their bounds."""

    def __init__(self, start: str, end: str, figures: list[Figure]) -> None:
        self.start, self.end = start, end
        bounded_low = sorted((f for f in figures if f.low is not None), key=lambda f: f.low)
        self.by_low = bounded_low
        self.lows = [f.low for f in bounded_low]
        bounded_high = sorted((f for f in figures if f.high is not None), key=lambda f: f.high)
        self.by_high = bounded_high
        self.highs = [f.high for f in bounded_high]

    def disjoint_from(self, figure: Figure) -> list[Figure]:
        """Figures here whose interval lies wholly above or wholly below `figure`'s."""
        out = []
        if figure.high is not None:
            out.extend(self.by_low[bisect_right(self.lows, figure.high):])
        if figure.low is not None:
            out.extend(self.by_high[:bisect_left(self.highs, figure.low)])
        return out


def conflicts(rows: list[dict[str, Term]]) -> list[tuple[dict[str, Term], dict[str, Term]]]:
    """Conflicting pairs (claim, other) with claim < other, ordered like `comparisons.rq`."""
    groups: dict[tuple[str, str], dict[tuple[str, str], list[Figure]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        key = (row["quantity"].value, row["unit"].value)
        groups[key][(row["windowStart"].value, row["windowEnd"].value)].append(Figure(row))
    pairs: dict[tuple[str, str, str], tuple[dict, dict]] = {}
    for (quantity, _unit), by_window in groups.items():
        windows = [(Window(start, end, figures), figures) for (start, end), figures in sorted(by_window.items())]
        for i, (window, figures) in enumerate(windows):
            # windows sorted by start: later ones overlap this one while they start before it ends
            for other_window, _ in windows[i:]:
                if other_window.start > window.end:
                    break
                for figure in figures:
                    for other in other_window.disjoint_from(figure):
                        if figure.claim == other.claim:
                            continue
                        a, b = (figure, other) if figure.claim < other.claim else (other, figure)
                        pairs[(quantity, a.claim, b.claim)] = (a.row, b.row)
    return [pairs[key] for key in sorted(pairs)]


COMPARED_SHOWN = 50  # per traced claim; the totals are always complete


def _relation(a: Figure, b: Figure) -> str:
    if a.row["windowEnd"].value < b.row["windowStart"].value or b.row["windowEnd"].value < a.row["windowStart"].value:
        return "different period"
    if (a.high is not None and b.low is not None and a.high < b.low) or (
            b.high is not None and a.low is not None and b.high < a.low):
        return "disagree"
    return "agree"


def compared_with(claim: str, rows: list[dict[str, Term]]) -> tuple[list[dict[str, Term]], dict[str, int]]:
    """The other figures on the claim's quantity and unit, marked agree / disagree / different period, in the
    row shape of `comparisons.rq` (disagreements first, then agreements, then other periods, at most
    COMPARED_SHOWN of them), and the count of each relation."""
    mine = [Figure(r) for r in rows if r["claim"].value == claim]
    if not mine:
        return [], {}
    me = mine[0]
    key = (me.row["quantity"].value, me.row["unit"].value)
    out: list[tuple[int, str, dict[str, Term]]] = []
    totals: dict[str, int] = {}
    order = {"disagree": 0, "agree": 1, "different period": 2}
    for row in rows:
        if row["claim"].value == claim or (row["quantity"].value, row["unit"].value) != key:
            continue
        relation = _relation(me, Figure(row))
        totals[relation] = totals.get(relation, 0) + 1
        shown = {"quantity": row["quantity"], "relation": Term.literal(relation), "claim": me.row["claim"],
                 "other": row["claim"], "unit": row["unit"]}
        for field, name in (("value", "Value"), ("comparator", "Comparator"), ("low", "Low"), ("high", "High"),
                            ("windowStart", "WindowStart"), ("windowEnd", "WindowEnd")):
            if field in row:
                shown[f"other{name}"] = row[field]
            if field in me.row:
                shown[f"claim{name}"] = me.row[field]
        out.append((order[relation], row["claim"].value, shown))
    out.sort(key=lambda item: (item[0], item[1]))
    return [shown for _, _, shown in out[:COMPARED_SHOWN]], totals
