"""Numeric conflicts without comparing every pair.

The rule (the same as `queries/comparisons.rq`): two figures conflict when they measure the same quantity
in the same unit, their comparison windows overlap, and their value intervals do not. Figures are grouped
by quantity, unit and exact window, and the claims stating the very same figure in a window (a figure and
its faithful relays) are taken as one; within a pair of overlapping windows, the figures whose interval
lies wholly above a figure's upper bound (or below its lower bound) are found by binary search over the
group sorted by bound. Work grows with the number of figures, times the logarithm of a group's size, plus
the number of conflicts reported. `Comparer` compares single claims the same way, for `trace`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from decimal import Decimal

from .results import Term


_UNREAD = object()


class Figure:
    """One figure row; its bounds are read as decimals only when compared (most rows of a big quantity
    repeat a figure already read, see `_distinct`)."""

    __slots__ = ("row", "claim", "_low", "_high", "members")

    def __init__(self, row: dict[str, Term]) -> None:
        self.row = row
        self.claim = row["claim"].value
        self._low = self._high = _UNREAD
        self.members: list[Figure] = [self]  # the claims that state this very figure (same window too)

    @property
    def low(self) -> Decimal | None:  # None: open below
        if self._low is _UNREAD:
            self._low = Decimal(self.row["low"].value) if "low" in self.row else None
        return self._low

    @property
    def high(self) -> Decimal | None:  # None: open above
        if self._high is _UNREAD:
            self._high = Decimal(self.row["high"].value) if "high" in self.row else None
        return self._high

    def key(self) -> tuple:
        row = self.row
        return (row["value"].value if "value" in row else None,
                row["comparator"].value if "comparator" in row else None,
                row["low"].value if "low" in row else None, row["high"].value if "high" in row else None)


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


def _distinct(figures: list[Figure]) -> list[Figure]:
    """One figure per distinct (value, comparator, interval), carrying every claim that states it; the
    representative is the claim that sorts first."""
    by_key: dict[tuple, Figure] = {}
    for figure in sorted(figures, key=lambda f: f.claim):
        first = by_key.setdefault(figure.key(), figure)
        if first is not figure:
            first.members.append(figure)
    return list(by_key.values())


def conflict_groups(rows: list[dict[str, Term]]) -> list[tuple[list[dict[str, Term]], list[dict[str, Term]]]]:
    """Conflicting figures, one pair per two distinct figures that conflict, each side with every claim
    that states it (the first sorts first), ordered by quantity and first claims. A figure relayed by
    forty outlets against a rival figure is one pair, not forty."""
    groups: dict[tuple[str, str], dict[tuple[str, str], list[Figure]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        key = (row["quantity"].value, row["unit"].value)
        groups[key][(row["windowStart"].value, row["windowEnd"].value)].append(Figure(row))
    pairs: dict[tuple[str, str, str], tuple[Figure, Figure]] = {}
    for (quantity, _unit), by_window in groups.items():
        windows = [(Window(start, end, distinct), distinct)
                   for (start, end), figures in sorted(by_window.items())
                   for distinct in [_distinct(figures)]]
        for i, (window, figures) in enumerate(windows):
            # windows sorted by start: later ones overlap this one while they start before it ends
            for other_window, _ in windows[i:]:
                if other_window.start > window.end:
                    break
                for figure in figures:
                    for other in other_window.disjoint_from(figure):
                        a, b = (figure, other) if figure.claim < other.claim else (other, figure)
                        pairs[(quantity, a.claim, b.claim)] = (a, b)
    return [([m.row for m in pairs[key][0].members], [m.row for m in pairs[key][1].members])
            for key in sorted(pairs)]


def conflicts(rows: list[dict[str, Term]]) -> list[tuple[dict[str, Term], dict[str, Term]]]:
    """Every conflicting pair of claims (claim, other) with claim < other, ordered like `comparisons.rq`."""
    pairs: dict[tuple[str, str, str], tuple[dict, dict]] = {}
    for firsts, seconds in conflict_groups(rows):
        for a in firsts:
            for b in seconds:
                x, y = (a, b) if a["claim"].value < b["claim"].value else (b, a)
                if x["claim"].value != y["claim"].value:
                    pairs[(x["quantity"].value, x["claim"].value, y["claim"].value)] = (x, y)
    return [pairs[key] for key in sorted(pairs)]


COMPARED_SHOWN = 50  # per traced claim; the totals are always complete


def _relation(a: Figure, b: Figure) -> str:
    if a.row["windowEnd"].value < b.row["windowStart"].value or b.row["windowEnd"].value < a.row["windowStart"].value:
        return "different period"
    if (a.high is not None and b.low is not None and a.high < b.low) or (
            b.high is not None and a.low is not None and b.high < a.low):
        return "disagree"
    return "agree"


ORDER = {"disagree": 0, "agree": 1, "different period": 2}


class Comparer:
    """Compares claims with the other figures on their quantity and unit. Built once from the figure rows;
    each comparison visits only the windows that overlap the claim's, so tracing a figure of a quantity
    with a hundred thousand figures costs the figures of its own period, not all of them."""

    def __init__(self, rows: list[dict[str, Term]], sizes: dict[tuple[str, str], int] | None = None) -> None:
        """`rows` are figure rows (comparable-values); `sizes` the number of figures each (quantity, unit)
        has in all, when `rows` hold only some of them."""
        self.sizes = sizes or {}
        self.mine: dict[str, Figure] = {}
        groups: dict[tuple[str, str], list[Figure]] = defaultdict(list)
        for row in rows:
            figure = Figure(row)
            self.mine.setdefault(figure.claim, figure)
            groups[(row["quantity"].value, row["unit"].value)].append(figure)
        self.groups = {}
        for key, figures in groups.items():
            by_window: dict[tuple[str, str], list[Figure]] = defaultdict(list)
            for figure in figures:
                by_window[(figure.row["windowStart"].value, figure.row["windowEnd"].value)].append(figure)
            windows = sorted(by_window.items())
            self.groups[key] = (windows, sorted(figures, key=lambda f: f.claim), self.sizes.get(key, len(figures)))

    def compare(self, claim: str) -> tuple[list[dict[str, Term]], dict[str, int]]:
        """The other figures on the claim's quantity and unit, marked agree / disagree / different period, in
        the row shape of `comparisons.rq` (disagreements first, then agreements, then other periods, at most
        COMPARED_SHOWN of them), and the count of each relation."""
        me = self.mine.get(claim)
        if me is None:
            return [], {}
        windows, by_claim, size = self.groups[(me.row["quantity"].value, me.row["unit"].value)]
        start, end = me.row["windowStart"].value, me.row["windowEnd"].value
        near: list[tuple[int, str, Figure, str]] = []
        overlapping: set[int] = set()
        own = 0
        for (w_start, w_end), figures in windows:
            if w_start > end:
                break
            if w_end < start:
                continue
            for other in figures:
                if other.claim == claim:
                    own += 1
                    continue
                relation = _relation(me, other)
                overlapping.add(id(other))
                near.append((ORDER[relation], other.claim, other, relation))
        counts = {"disagree": 0, "agree": 0, "different period": 0}
        for _, _, _, relation in near:
            counts[relation] += 1
        counts["different period"] = size - own - len(near)
        totals = {relation: n for relation, n in counts.items() if n}
        near.sort(key=lambda item: (item[0], item[1]))
        chosen = [(other, relation) for _, _, other, relation in near[:COMPARED_SHOWN]]
        for other in by_claim:
            if len(chosen) >= COMPARED_SHOWN:
                break
            if other.claim != claim and id(other) not in overlapping:
                chosen.append((other, "different period"))
        return [_shown(me, other, relation) for other, relation in chosen], totals


def _shown(me: Figure, other: Figure, relation: str) -> dict[str, Term]:
    row = other.row
    shown = {"quantity": row["quantity"], "relation": Term.literal(relation), "claim": me.row["claim"],
             "other": row["claim"], "unit": row["unit"]}
    for field, name in (("value", "Value"), ("comparator", "Comparator"), ("low", "Low"), ("high", "High"),
                        ("windowStart", "WindowStart"), ("windowEnd", "WindowEnd")):
        if field in row:
            shown[f"other{name}"] = row[field]
        if field in me.row:
            shown[f"claim{name}"] = me.row[field]
    return shown
