"""Findings over figures without comparing every pair, by the relation in `rules.py`.

Figures are grouped by measured quantity and unit, and the claims stating the very same figure (same
window, same value and bounds: a figure and its faithful relays) are taken as one, carrying every claim
that states it. Within a group:
- windows that are the same (rules.same_window) are paired by a scan over windows sorted by their
  earliest start; inside a pair of windows, the figures whose interval lies wholly above (or below)
  another's are found by binary search over figures sorted by bound, for the value interval (numeric
  conflicts) and the implied range (beyond an implied range);
- for totals, a window inside another is paired the same way, looking for a part larger than its whole;
- for running totals, each claimant's series is swept in date order for a later total below an earlier
  one.
Work grows with the number of figures, times the logarithm of a group's size, plus the findings.
`Finder.compare` relates one claim's figure to every other figure of its group, for `trace`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from . import rules
from .records import Disagreement
from .results import Term

AGREE_SAME = rules.AGREE  # claims stating the very same figure


def _value(term: Term | None) -> Any:
    return None if term is None else term.value


def _dec(term: Term | None) -> Decimal | None:
    return None if term is None else Decimal(term.value)


def figures_from_rows(rows: list[dict[str, Term]]) -> list[rules.Figure]:
    """`comparable-values` rows (one per figure and claimant) as Figures, in the rows' order."""
    by_claim: dict[str, list[dict[str, Term]]] = {}
    for row in rows:
        by_claim.setdefault(row["claim"].value, []).append(row)
    out = []
    for claim, group in by_claim.items():
        r = group[0]
        window = rules.Window(*(date.fromisoformat(r[k].value) for k in (
            "windowStart", "windowEnd", "startLow", "startHigh", "endLow", "endHigh")))
        low, high = _dec(r.get("low")), _dec(r.get("high"))
        implied_low = _dec(r.get("impliedLow")) if "impliedLow" in r else low
        implied_high = _dec(r.get("impliedHigh")) if "impliedHigh" in r else high
        comparator = _value(r.get("comparator"))
        written = _value(r.get("valueAsWritten"))
        unit = r["unit"].value
        out.append(rules.Figure(
            claim=claim, kind=rules.KINDS.get(_value(r.get("aggregation")) or "", ""), window=window,
            low=low, high=high, implied_low=implied_low, implied_high=implied_high, value=_dec(r.get("value")),
            series=frozenset(row["claimant"].value for row in group if "claimant" in row),
            quantity=r["quantity"].value, unit=unit,
            text=(rules.figure_text(written, comparator, unit, low, high) if written
                  else (_value(r.get("value")) or ""))))
    return out


class Distinct:
    """One distinct figure of a group and how many claims state it (`first` sorts first)."""

    __slots__ = ("figure", "first", "count")

    def __init__(self, figure: rules.Figure, first: str | None = None, count: int = 1) -> None:
        self.figure = figure
        self.first = first or figure.claim
        self.count = count


def distinct_key(f: rules.Figure) -> tuple:
    """Figures with this key are one figure: same window, bounds, value, words and series."""
    return (f.quantity, f.unit, f.window, f.low, f.high, f.implied_low, f.implied_high, f.value, f.text,
            f.kind, f.series)


def deduplicate(figures: list[rules.Figure]) -> tuple[list[Distinct], dict[str, Distinct]]:
    """The distinct figures, and the distinct figure of each claim."""
    by_key: dict[tuple, Distinct] = {}
    of_claim: dict[str, Distinct] = {}
    for figure in sorted(figures, key=lambda f: f.claim):
        key = distinct_key(figure)
        first = by_key.get(key)
        if first is None:
            first = by_key[key] = Distinct(figure)
        else:
            first.count += 1
        of_claim.setdefault(figure.claim, first)
    return list(by_key.values()), of_claim


class _Bounds:
    """Figures of one window sorted by their low and by their high bound (value interval or implied range)."""

    def __init__(self, items: list[Distinct], implied: bool) -> None:
        def low(d: Distinct) -> Decimal | None:
            return d.figure.implied_low if implied else d.figure.low

        def high(d: Distinct) -> Decimal | None:
            return d.figure.implied_high if implied else d.figure.high

        lows = sorted(((v, d) for d in items if (v := low(d)) is not None), key=lambda pair: pair[0])
        self.by_low, self.lows = [d for _, d in lows], [v for v, _ in lows]
        highs = sorted(((v, d) for d in items if (v := high(d)) is not None), key=lambda pair: pair[0])
        self.by_high, self.highs = [d for _, d in highs], [v for v, _ in highs]
        self.low, self.high = low, high

    def above(self, value: Decimal | None) -> list[Distinct]:
        """Figures whose whole range lies above `value`."""
        return [] if value is None else self.by_low[bisect_right(self.lows, value):]

    def below(self, value: Decimal | None) -> list[Distinct]:
        """Figures whose whole range lies below `value`."""
        return [] if value is None else self.by_high[:bisect_left(self.highs, value)]


class Finder:
    """Relations among distinct figures, grouped by measured quantity and unit."""

    def __init__(self, figures: list[rules.Figure]) -> None:
        self.load(*deduplicate(figures))

    @classmethod
    def of_distinct(cls, distinct: list[Distinct], of_claim: dict[str, Distinct]) -> Finder:
        """A finder over figures already deduplicated (the comparison tables of a persistent store)."""
        finder = cls.__new__(cls)
        finder.load(distinct, of_claim)
        return finder

    def load(self, distinct: list[Distinct], of_claim: dict[str, Distinct]) -> None:
        self.groups: dict[tuple[str, str], list[Distinct]] = defaultdict(list)
        for d in distinct:
            self.groups[(d.figure.quantity, d.figure.unit)].append(d)
        self.of_claim = of_claim
        self.compared: dict[tuple[int, int], tuple[list[tuple[str, Distinct, int]], dict[str, int]]] = {}
        self.shown: dict[int, tuple] = {}  # what `answers.comparisons` made of a figure's comparisons

    def prefetch(self, claims: list[str]) -> None:
        """Nothing to read ahead: every figure is in memory (`tables.FigureIndex` reads them from a file)."""

    def figure(self, claim: str) -> rules.Figure | None:
        d = self.of_claim.get(claim)
        return None if d is None else d.figure

    # -- for one claim (trace) -------------------------------------------------------------------

    def compare(self, claim: str, shown: int) -> tuple[list[tuple[str, Distinct, int]], dict[str, int]]:
        """The other figures on the claim's quantity and unit with their relation to it, findings first
        (at most `shown` distinct figures, each with how many other claims state it), and how many claims
        have each relation. Claims stating the very same figure agree with it."""
        me = self.of_claim.get(claim)
        if me is None:
            return [], {}
        known = self.compared.get((id(me), shown))  # the claims stating one figure compare alike
        if known is not None:
            return known
        related = []
        for other in self.groups[(me.figure.quantity, me.figure.unit)]:
            count = other.count - (other is me)
            if count:
                related.append((AGREE_SAME if other is me else rules.relation(me.figure, other.figure), other, count))
        order = {name: i for i, name in enumerate(rules.RELATIONS)}
        related.sort(key=lambda item: (order[item[0]], item[1].first))
        totals: dict[str, int] = {}
        for relation, _other, count in related:
            totals[relation] = totals.get(relation, 0) + count
        self.compared[(id(me), shown)] = (related[:shown], totals)
        return related[:shown], totals

    # -- everywhere (disagreements) --------------------------------------------------------------

    def findings(self) -> Iterator[Disagreement]:
        """Every flagged relation: numeric conflicts, figures beyond an implied range, parts larger than
        their whole and running totals that fall, one row per two distinct figures."""
        for (quantity, _unit), distinct in sorted(self.groups.items()):
            pairs: dict[tuple[str, str], tuple[Distinct, Distinct, str]] = {}
            by_window: dict[rules.Window, list[Distinct]] = defaultdict(list)
            for d in distinct:
                by_window[d.figure.window].append(d)
            windows = sorted(by_window, key=lambda w: (w.start_low, w.end_low, w.start, w.end))
            self._same_windows(windows, by_window, pairs)
            kind = distinct[0].figure.kind if distinct else ""
            if kind == "total":
                self._partial(windows, by_window, pairs)
            if kind == "cumulative":
                self._falls(distinct, pairs)
            for a, b, relation in (pairs[k] for k in sorted(pairs)):
                yield _disagreement(quantity, a, b, relation)

    @staticmethod
    def _record(pairs: dict, a: Distinct, b: Distinct) -> None:
        relation = rules.relation(a.figure, b.figure)
        if relation in rules.FLAGGED:
            first, second = (a, b) if a.first < b.first else (b, a)
            pairs[(first.first, second.first)] = (first, second, relation)

    def _same_windows(self, windows: list[rules.Window], by_window: dict, pairs: dict) -> None:
        for i, window in enumerate(windows):
            for other in windows[i:]:
                if other.start_low > window.start_high:
                    break
                if not rules.same_window(window, other):
                    continue
                for implied in (False, True):
                    bounds = _Bounds(by_window[other], implied)
                    for d in by_window[window]:
                        high = d.figure.implied_high if implied else d.figure.high
                        low = d.figure.implied_low if implied else d.figure.low
                        for e in bounds.above(high) + bounds.below(low):
                            self._record(pairs, d, e)

    def _partial(self, windows: list[rules.Window], by_window: dict, pairs: dict) -> None:
        for part in windows:
            for whole in windows:
                if whole is part or rules.same_window(part, whole) or not rules.within_window(part, whole):
                    continue
                bounds = _Bounds(by_window[whole], implied=False)
                for d in by_window[part]:
                    for e in bounds.below(d.figure.low):
                        self._record(pairs, d, e)

    def _falls(self, distinct: list[Distinct], pairs: dict) -> None:
        series: dict[str, list[Distinct]] = defaultdict(list)
        for d in distinct:
            for claimant in d.figure.series:
                series[claimant].append(d)
        for members in series.values():
            by_end = sorted(members, key=lambda d: d.figure.window.end)
            earlier: list[tuple[Decimal, int, Distinct]] = []  # (low, tie-breaker, figure), sorted by low
            taken = 0
            for later in sorted(members, key=lambda d: d.figure.window.start):
                while taken < len(by_end) and by_end[taken].figure.window.end < later.figure.window.start:
                    d = by_end[taken]
                    if d.figure.low is not None:
                        insort(earlier, (d.figure.low, taken, d))
                    taken += 1
                if later.figure.high is None:
                    continue
                start = bisect_right(earlier, (later.figure.high, len(by_end), later))
                for _, _, e in earlier[start:]:
                    self._record(pairs, e, later)


def _interval(low: Decimal | None, high: Decimal | None) -> str:
    return f"[{'-inf' if low is None else low}, {'inf' if high is None else high}]"


def _when(window: rules.Window) -> str:
    return str(window.start) if window.start == window.end else f"{window.start}..{window.end}"


def _stated_by(a: Distinct, b: Distinct) -> str:
    if a.count == b.count == 1:
        return ""
    return f"; stated by {a.count} and {b.count} claims"


def _disagreement(quantity: str, a: Distinct, b: Distinct, relation: str) -> Disagreement:
    x, y = a.figure, b.figure
    if relation == rules.CONFLICT:
        reason = (f"same quantity and window ({_when(x.window)} vs {_when(y.window)}), value intervals "
                  f"{_interval(x.low, x.high)} and {_interval(y.low, y.high)} do not overlap")
    elif relation == rules.BEYOND:
        factor = rules.bound_factor(x, y)
        bound, figure = (x, y) if x.implied_high != x.high or x.implied_low != x.low else (y, x)
        reason = (f"compatible only through the open bound \"{bound.text}\": {figure.text} lies beyond its "
                  f"implied range {_interval(bound.implied_low, bound.implied_high)}"
                  + (f", {float(factor):.1f} times the bound" if factor else ""))
    elif relation == rules.PART_EXCEEDS:
        part, whole = (x, y) if rules.within_window(x.window, y.window) else (y, x)
        reason = (f"the part {part.text} ({_when(part.window)}) is larger than the whole {whole.text} "
                  f"({_when(whole.window)})")
    else:
        reason = rules.falls_working(x, y)
    return Disagreement(kind=relation, quantity=quantity, claim=a.first, other=b.first,
                        claim_value=x.text, other_value=y.text, reason=reason + _stated_by(a, b),
                        claim_count=a.count, other_count=b.count)


# -- arithmetic checks across related quantities -------------------------------------------------

def arithmetic(figures: list[rules.Figure], relations: list[tuple[str, str, str]]) -> Iterator[Disagreement]:
    """The arithmetic checks of rules.py over figures of related quantities (`quantity-relations` rows:
    quantity, relation, other): a daily average times its days against a total, one source's parts
    against its total, and a one-day increment against the same source's running totals. Only the
    inconsistent ones are given."""
    by_quantity: dict[str, list[rules.Figure]] = defaultdict(list)
    for figure in sorted(figures, key=lambda f: f.claim):
        by_quantity[figure.quantity].append(figure)
    parts: dict[str, list[str]] = defaultdict(list)
    averages: dict[str, str] = {}
    increments: dict[str, str] = {}
    for quantity, relation, other in relations:
        if relation == "sumOf":
            parts[quantity].append(other)
        elif relation == "dailyAverageOf":
            averages[quantity] = other
        elif relation == "incrementOf":
            increments[quantity] = other
    found: dict[tuple[str, str, str], Disagreement] = {}

    def record(kind: str, quantity: str, a: rules.Figure, b: rules.Figure, check: rules.Check | None) -> None:
        if check is not None and not check.consistent:
            found.setdefault((kind, a.claim, b.claim), Disagreement(
                kind=kind, quantity=quantity, claim=a.claim, other=b.claim, claim_value=a.text, other_value=b.text,
                reason=check.working))

    for average_q, total_q in sorted(averages.items()):
        for average in by_quantity[average_q]:
            for total in by_quantity[total_q]:
                if rules.same_window(average.window, total.window):
                    record(rules.AVERAGE_TIMES_DAYS, average_q, average, total,
                           rules.average_times_days(average, total))
    for total_q, part_qs in sorted(parts.items()):
        for total in by_quantity[total_q]:
            for claimant in sorted(total.series):
                chosen = []
                for part_q in sorted(part_qs):
                    same = [f for f in by_quantity[part_q]
                            if claimant in f.series and rules.same_window(f.window, total.window)]
                    if same:
                        chosen.append(same[0])
                if chosen:
                    record(rules.PARTS_VS_TOTAL, total_q, total, chosen[0],
                           rules.parts_vs_total(total, chosen, complete=len(chosen) == len(part_qs)))
    for increment_q, running_q in sorted(increments.items()):
        for increment in by_quantity[increment_q]:
            day = increment.window.end
            for claimant in sorted(increment.series):
                series = [f for f in by_quantity[running_q] if claimant in f.series]
                after = [f for f in series if rules.same_window(f.window, _instant(day))]
                before = [] if day == date.min else \
                    [f for f in series if rules.same_window(f.window, _instant(day - timedelta(days=1)))]
                if after and before:
                    record(rules.INCREMENT_VS_TOTALS, increment_q, increment, after[0],
                           rules.increment_vs_totals(increment, before[0], after[0]))
    yield from (found[key] for key in sorted(found))


def _instant(day: date) -> rules.Window:
    window = rules.comparison_window(None, None, as_of_start=day, as_of_end=day)
    assert window is not None
    return window
