"""Every rule that decides how two figures compare, in one place: plain values in, plain values out, no I/O.

What lives here, and nowhere else in Python (the `.rq` files that state part of a rule say so in their
header, and `tests/test_rules.py` keeps them equal to this module):

1. Comparator words: how a hedge or bound is printed ("approximately", "more than").
2. Value intervals: what a figure as written allows. An exact figure is rounded to its last significant
   digit (1,307 is 1,306.5 to 1,307.5). A hedged one ("approximately", "about", "around") allows one
   rounding step of that digit either side (about 1,300 is 1,200 to 1,400) -- unless the hedge is the
   source's habitual formula, which leaves the figure exact. An open bound is open on one side ("more
   than 200" is 200 and up) and, when it is a round figure, an implied range one rounding step wide ("more
   than 200": up to 300); a bound stated to four or more significant digits is a measured count.
   A share written in words ("two-thirds") is read as rounded to 5 percentage points.
3. Comparison windows: the dates a figure is about, with the slack its stated precision allows. Flows
   (totals and averages over a period) have a period; point-in-time counts and cumulative totals an
   as-of instant. Two windows are the same when their starts and their ends each agree within the sum
   of their slacks.
4. The relation of two figures of one measured quantity and unit (`relation`).
5. What counts as a changed relay hop (`hop_changes`).
6. Arithmetic checks: a daily average times the days against a total, parts against their total, a
   stated increment against two consecutive cumulative totals, and the dates of a claim against its
   document.

Numbers are `Fraction` or `Decimal` (never float); dates are `datetime.date`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from fractions import Fraction
from typing import NamedTuple, Union

Number = Union[Fraction, Decimal, int]

# -- 1. Comparators ------------------------------------------------------------------------------

# sheet spelling -> ontology local name (ckb:Comparator individuals)
COMPARATORS = {
    "exactly": "Exactly",
    "approximately": "Approximately",
    "more-than": "MoreThan",
    "at-least": "AtLeast",
    "less-than": "LessThan",
    "up-to": "UpTo",
    "almost": "Almost",
    "between": "Between",
}
# ontology local name -> the words printed before the figure
COMPARATOR_WORDS = {
    "Exactly": "",
    "Approximately": "approximately",
    "MoreThan": "more than",
    "AtLeast": "at least",
    "LessThan": "less than",
    "UpTo": "up to",
    "Almost": "almost",
    "Between": "between",
}
OPEN_ABOVE = frozenset({"MoreThan", "AtLeast"})
OPEN_BELOW = frozenset({"LessThan", "UpTo", "Almost"})
# what a figure as written may start with that already says its comparator
_COMPARATOR_MARKS = {
    "Approximately": ("~", "≈", "c.", "ca.", "approximately", "approx", "about", "around", "some", "roughly",
                      "nearly", "circa"),
    "MoreThan": (">", "more than", "over", "above", "in excess of"),
    "AtLeast": ("≥", ">=", "at least", "no fewer than", "no less than", "minimum"),
    "LessThan": ("<", "less than", "fewer than", "under", "below"),
    "UpTo": ("≤", "<=", "up to", "as many as", "maximum"),
    "Almost": ("almost", "nearly", "just under", "close to"),
    "Between": ("between",),
}


def comparator_name(comparator: str) -> str:
    """The ontology name for a comparator given as a sheet word (`more-than`) or an ontology name."""
    return COMPARATORS.get(comparator, comparator)


def comparator_words(comparator: str | None) -> str:
    """`more than` for MoreThan or more-than; '' for exactly or none."""
    if not comparator:
        return ""
    return COMPARATOR_WORDS.get(comparator_name(comparator), comparator)


def effective_comparator(comparator: str, formulaic: bool = False) -> str:
    """The comparator the rules apply: a formulaic "approximately" leaves the figure exact."""
    name = comparator_name(comparator)
    return "Exactly" if formulaic and name == "Approximately" else name


def hedge_words(as_written: str | None, comparator: str | None) -> str:
    """The comparator's words as the figure prints them ("around" for "around 1,146 sq km"), else its
    usual words ("more than" for ">2/3"); '' for an exact figure."""
    name = comparator_name(comparator) if comparator else "Exactly"
    if name == "Exactly":
        return ""
    lowered = " ".join((as_written or "").split()).lower()
    for mark in _COMPARATOR_MARKS.get(name, ()):
        if lowered.startswith(mark) and mark[0].isalpha() and (
                len(lowered) == len(mark) or not lowered[len(mark)].isalpha()):
            return mark
    return comparator_words(name)


def comparator_typed(text: str) -> tuple[str, str] | None:
    """The comparator that a typed figure starts with, and the rest of the text: "about 700,000" ->
    ("Approximately", "700,000"), ">2/3" -> ("MoreThan", "2/3"); None when it starts with none. The
    longest mark wins; a mark two comparators share ("nearly") reads as the bound, not as "about"."""
    lowered = " ".join(text.split()).lower()
    found = []
    for name, marks in _COMPARATOR_MARKS.items():
        for mark in marks:
            if lowered.startswith(mark) and (not mark[-1].isalpha() or len(lowered) == len(mark)
                                             or not lowered[len(mark)].isalpha()):
                found.append((len(mark), name != "Approximately", name, mark))
    if not found:
        return None
    _, _, name, mark = max(found)
    return name, lowered[len(mark):].strip()


def figure_text(as_written: str, comparator: str | None = None, unit: str | None = None,
                minimum: Number | None = None, maximum: Number | None = None) -> str:
    """The figure as a reader should see it, saying its comparator and unit once:
    ("1,146 sq km", Approximately, "km2") -> "approximately 1,146 sq km"; (">200", MoreThan) -> ">200";
    a range written as one number shows both its bounds: "between 600,000 and 615,000"."""
    text = " ".join(as_written.split())
    name = comparator_name(comparator) if comparator else "Exactly"
    lowered = text.lower()
    marks = [m for m in _COMPARATOR_MARKS.get(name, ()) if lowered.startswith(m)]
    if name == "Between" and minimum is not None and maximum is not None and len(re.findall(r"\d+", text)) < 2:
        text = f"between {_grouped(minimum)} and {_grouped(maximum)}"
        marks = ["between"]
        lowered = text.lower()
    elif name != "Exactly" and not marks:
        text = f"{comparator_words(name)} {text}"
    rest = lowered[len(marks[0]):] if marks else lowered
    if unit and not any(ch.isalpha() for ch in rest.replace("and", "")) and not rest.rstrip().endswith("%"):
        text = f"{text} {unit}"
    return text


def _grouped(value: Number) -> str:
    text = format(to_decimal(Fraction(value)).normalize(), "f")
    whole, _, frac = text.partition(".")
    return f"{int(whole):,}" + (f".{frac}" if frac else "")


# -- 2. Value intervals ---------------------------------------------------------------------------

WORD_SHARE_STEP = Fraction(5, 100)  # a share written in words is read as rounded to 5 percentage points


def is_finite_decimal(value: Fraction) -> bool:
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    return den == 1


PLACES = 6  # a value that is not a finite decimal (2/3) is stored to this many places


def to_decimal(value: Number, rounding: str | None = None) -> Decimal:
    """Exact where the value is a finite decimal; else to PLACES places (nearest, floor or ceiling)."""
    if isinstance(value, Decimal):
        return value
    value = Fraction(value)
    if is_finite_decimal(value):  # exactly, at any length: scale to a power of ten, no division
        places = 0
        while (10 ** places) % value.denominator:
            places += 1
        return Decimal(f"{value.numerator * (10 ** places // value.denominator)}E-{places}")  # exact, no context
    quantum = Decimal(1).scaleb(-PLACES)
    raw = Decimal(value.numerator) / Decimal(value.denominator)
    return raw.quantize(quantum, rounding=rounding) if rounding else raw.quantize(quantum)


def written_in_words(as_written: str | None) -> bool:
    """True for "two-thirds" or "a quarter": a figure with letters and no digit."""
    if not as_written:
        return False
    return not any(ch.isdigit() for ch in as_written) and any(ch.isalpha() for ch in as_written)


def rounding_step(value: Number, as_written: str | None = None) -> Fraction:
    """One unit of the figure's last significant digit: 701650 -> 10, 600000 -> 100000, 1354.2 -> 0.1,
    0.35 -> 0.01. A share written in words or as a fraction ("two-thirds", "2/3"): WORD_SHARE_STEP. Zero,
    and a value that is no finite decimal above one, have no step (0)."""
    value = Fraction(value)
    if 0 < value < 1 and (written_in_words(as_written) or not is_finite_decimal(value)):
        return WORD_SHARE_STEP  # "two-thirds", "2/3", "a quarter"
    if value == 0 or not is_finite_decimal(value):
        return Fraction(0)
    exponent = to_decimal(value).normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return Fraction(10) ** exponent


class Interval(NamedTuple):
    """Bounds as exact fractions; None marks an open side."""

    low: Fraction | None
    high: Fraction | None


def value_interval(value: Number | None, comparator: str, *, minimum: Number | None = None,
                   maximum: Number | None = None, formulaic: bool = False,
                   as_written: str | None = None) -> Interval:
    """What the figure as written allows, in the strictest reading (a bound is open on its side)."""
    name = effective_comparator(comparator, formulaic)
    low = None if minimum is None else Fraction(minimum)
    high = None if maximum is None else Fraction(maximum)
    if name == "Between" or value is None:
        return Interval(low, high)
    v = Fraction(value)
    step = rounding_step(v, as_written)
    if name == "Exactly":
        return Interval(v - step / 2, v + step / 2)
    if name == "Approximately":
        return Interval(v - step, v + step)
    if name in OPEN_ABOVE:
        return Interval(v, high)
    return Interval(low if low is not None else Fraction(0), v)  # less than, up to, almost


PRECISE_DIGITS = 4  # a bound with this many significant digits is a measured count, not a round figure


def significant_digits(value: Number) -> int:
    value = Fraction(value)
    if value == 0 or not is_finite_decimal(value):
        return 1
    return len(to_decimal(value).normalize().as_tuple().digits)


def implied_interval(value: Number | None, comparator: str, *, minimum: Number | None = None,
                     maximum: Number | None = None, formulaic: bool = False,
                     as_written: str | None = None) -> Interval:
    """What a reader takes the figure to mean: a round open bound reaches one rounding step beyond its
    figure ("more than 200" up to 300, "almost 700,000" from 600,000). A bound stated to four or more
    significant digits ("at least 72,899" named) is a measured count with no implied range, and any
    other figure means its value interval."""
    name = effective_comparator(comparator, formulaic)
    strict = value_interval(value, comparator, minimum=minimum, maximum=maximum, formulaic=formulaic,
                            as_written=as_written)
    if (value is None or name not in OPEN_ABOVE | OPEN_BELOW
            or (significant_digits(value) >= PRECISE_DIGITS and not written_in_words(as_written))):
        return strict
    v = Fraction(value)
    step = rounding_step(v, as_written) or abs(v) / 10 or Fraction(1)
    if name in OPEN_ABOVE:
        return Interval(v, v + step if strict.high is None else min(v + step, strict.high))
    return Interval(max(v - step, strict.low if strict.low is not None else v - step), v)


def stored_bounds(interval: Interval) -> tuple[Decimal | None, Decimal | None]:
    """Bounds as stored decimals, rounded outward where a bound is not a finite decimal."""
    low = None if interval.low is None else to_decimal(interval.low, ROUND_FLOOR)
    high = None if interval.high is None else to_decimal(interval.high, ROUND_CEILING)
    return low, high


def disjoint(a_low: Number | None, a_high: Number | None, b_low: Number | None, b_high: Number | None) -> bool:
    """True when [a_low, a_high] and [b_low, b_high] share no value (None: open on that side)."""
    return ((a_high is not None and b_low is not None and a_high < b_low)
            or (b_high is not None and a_low is not None and b_high < a_low))


# -- 3. Comparison windows ------------------------------------------------------------------------

# days a bound may move, by the precision of the phrase it was stated in ("the last week of October"
# may be 25-31 or 26 October-1 November; "October" is exactly the month)
SLACK_DAYS = {"day": 0, "week": 1, "month": 1, "season": 7, "year": 0, "unstated": 0}


class Window(NamedTuple):
    """What a figure is about. `start`..`end` as stated (a period, or the as-of interval of an instant);
    the four match bounds widen them by the slack of their precision."""

    start: date
    end: date
    start_low: date
    start_high: date
    end_low: date
    end_high: date


def comparison_window(start: date | None, end: date | None, precision: str = "day", *,
                      as_of_start: date | None = None, as_of_end: date | None = None,
                      as_of_precision: str | None = None) -> Window | None:
    """The window of a figure: its as-of instant when it has one (running totals, counts at a date),
    else its period. None when neither has a start (the figure cannot be compared)."""
    if as_of_start is not None or as_of_end is not None:
        a = as_of_start or as_of_end
        b = as_of_end or as_of_start
        assert a is not None and b is not None
        slack = SLACK_DAYS.get(as_of_precision or "day", 0)
        return Window(a, b, shift(a, -slack), shift(b, slack), shift(a, -slack), shift(b, slack))
    if start is None:
        return None
    end = end or start
    slack = SLACK_DAYS.get(precision, 0)
    return Window(start, end, shift(start, -slack), shift(start, slack), shift(end, -slack), shift(end, slack))


def shift(day: date, days: int) -> date:
    """`day` moved by `days`, held within the calendar Python can write (year 1 to 9999)."""
    if days < 0:
        return day - timedelta(days=min(-days, (day - date.min).days))
    return day + timedelta(days=min(days, (date.max - day).days))


def same_window(a: Window, b: Window) -> bool:
    """Starts agree and ends agree, each within the slack of both."""
    return (a.start_low <= b.start_high and b.start_low <= a.start_high
            and a.end_low <= b.end_high and b.end_low <= a.end_high)


def within_window(part: Window, whole: Window) -> bool:
    """`part` lies inside `whole` (within slack): it starts no earlier and ends no later."""
    return part.start_high >= whole.start_low and part.end_low <= whole.end_high


def days_in(window: Window) -> int:
    return (window.end - window.start).days + 1


# -- 4. The relation of two figures --------------------------------------------------------------

# measured-quantity aggregations (ckb:Aggregation) -> how their figures compare
KINDS = {"Cumulative": "cumulative", "PeriodTotal": "total", "DailyAverage": "average",
         "PointInTime": "point", "Share": "share"}
INSTANT_KINDS = frozenset({"cumulative", "point"})  # figures as of a date; the others are over a period

CONFLICT = "numeric conflict"
BEYOND = "beyond implied range"
PART_EXCEEDS = "partial period (part exceeds whole)"
FALLS = "cumulative falls"
AGREE = "agree"
PARTIAL = "partial period"
DIFFERENT_PERIOD = "different period"
DIFFERENT_DATE = "different date"
# what a fact-checker is shown first: hard conflicts, then softer findings, then consistent figures
RELATIONS = (CONFLICT, FALLS, PART_EXCEEDS, BEYOND, AGREE, PARTIAL, DIFFERENT_DATE, DIFFERENT_PERIOD)
FLAGGED = frozenset({CONFLICT, FALLS, PART_EXCEEDS, BEYOND})
HARD = frozenset({CONFLICT, FALLS})


class Figure(NamedTuple):
    """One figure as the rules see it: its claim, what it measures, when, and its stored bounds."""

    claim: str
    kind: str  # cumulative | total | average | point | share ('' when the quantity says nothing)
    window: Window
    low: Decimal | None  # value interval (None: open)
    high: Decimal | None
    implied_low: Decimal | None  # implied range (equal to the value interval for a closed figure)
    implied_high: Decimal | None
    value: Decimal | None = None
    series: frozenset[str] = frozenset()  # who states it: figures sharing a claimant are one series
    quantity: str = ""
    unit: str = ""
    text: str = ""  # the figure as a reader sees it ("approximately 701,650 persons")


def relation(a: Figure, b: Figure) -> str:
    """How two figures of one measured quantity and unit relate (one of RELATIONS).

    Same window: a numeric conflict when their value intervals share nothing; beyond the implied range
    when only an open bound's strict reading keeps them together; else agree. Different windows are
    never a numeric conflict: a part of a total's period against the whole is a partial period (flagged
    when the part is larger than the whole); a cumulative series of one claimant that falls between two
    dates is flagged; anything else is a different date (figures as of a date) or a different period
    (flows). Both figures measure one quantity, so they share its kind."""
    if same_window(a.window, b.window):
        if disjoint(a.low, a.high, b.low, b.high):
            return CONFLICT
        if disjoint(a.implied_low, a.implied_high, b.implied_low, b.implied_high):
            return BEYOND
        return AGREE
    if a.kind in INSTANT_KINDS:
        if a.kind == b.kind == "cumulative" and a.series & b.series:
            earlier, later = (a, b) if (a.window.start, a.window.end) <= (b.window.start, b.window.end) else (b, a)
            if (later.window.start > earlier.window.end and later.high is not None
                    and earlier.low is not None and later.high < earlier.low):
                return FALLS
        return DIFFERENT_DATE
    if a.kind == b.kind == "total":
        for part, whole in ((a, b), (b, a)):
            if within_window(part.window, whole.window):
                if part.low is not None and whole.high is not None and part.low > whole.high:
                    return PART_EXCEEDS
                return PARTIAL
    return DIFFERENT_PERIOD


def bound_factor(a: Figure, b: Figure) -> Fraction | None:
    """For figures beyond an implied range: how many times the bound the other figure is (>= 1)."""
    pairs = [(x.value, y.value) for x, y in ((a, b), (b, a)) if x.value is not None and y.value is not None]
    factors = [Fraction(y) / Fraction(x) for x, y in pairs if x]
    factors = [f if f >= 1 else 1 / f for f in factors if f]
    return max(factors) if factors else None


# -- 5. Relay hops --------------------------------------------------------------------------------

HOP_FIELDS = ("value", "period", "hedge", "quantity", "wording")


class HopSide(NamedTuple):
    """One side of a relay hop, as stored (None where the claim states nothing)."""

    quantity: str | None = None
    comparator: str | None = None  # effective comparator (formulaic hedges already taken as exact)
    band: str | None = None  # probability band of the estimative words
    low: Decimal | None = None
    high: Decimal | None = None
    value: Decimal | None = None
    window: Window | None = None
    quote: str | None = None


def hop_changes(relay: HopSide, source: HopSide, quoted: bool) -> dict[str, bool | None]:
    """For each of HOP_FIELDS: True (changed), False (unchanged) or None (not compared: a side states
    nothing for it, or the hop does not quote)."""
    has_figure = relay.quantity is not None and source.quantity is not None
    value = (disjoint(relay.low, relay.high, source.low, source.high)
             if has_figure and (relay.low, relay.high) != (None, None)
             and (source.low, source.high) != (None, None) else None)
    if relay.window is not None and source.window is not None:
        period: bool | None = not same_window(relay.window, source.window)
    else:
        period = None
    if relay.comparator is None and source.comparator is None and relay.band is None and source.band is None:
        hedge: bool | None = None
    else:
        comparators = (relay.comparator is not None and source.comparator is not None
                       and relay.comparator != source.comparator)
        hedge = comparators or (relay.band or "") != (source.band or "")
    quantity = relay.quantity != source.quantity if has_figure else None
    if quoted and relay.quote is not None and source.quote is not None:
        wording: bool | None = relay.quote not in source.quote
    else:
        wording = None
    return {"value": value, "period": period, "hedge": hedge, "quantity": quantity, "wording": wording}


def hop_changed(changes: dict[str, bool | None]) -> bool:
    return any(changes.values())


# -- 6. Arithmetic checks -------------------------------------------------------------------------

class Check(NamedTuple):
    kind: str
    consistent: bool
    working: str


AVERAGE_TIMES_DAYS = "average x days vs total"
PARTS_VS_TOTAL = "parts vs total"
INCREMENT_VS_TOTALS = "increment vs totals"
ASSERTED_AFTER_PUBLICATION = "asserted after publication"
PERIOD_AFTER_ASSERTION = "period ends after assertion"
ARITHMETIC = (AVERAGE_TIMES_DAYS, PARTS_VS_TOTAL, INCREMENT_VS_TOTALS, FALLS, ASSERTED_AFTER_PUBLICATION,
              PERIOD_AFTER_ASSERTION)


def _num(value: Number | None) -> str:
    if value is None:
        return "?"
    d = to_decimal(Fraction(value)).normalize()
    text = format(d, "f")
    if "." in text:
        whole, frac = text.split(".")
        return f"{int(whole):,}.{frac}" if whole.lstrip("-").isdigit() else text
    return f"{int(text):,}"


def number_text(value: Number | None) -> str:
    """A number as the checks print it: 40,517; 1,354.2; 0.666667."""
    return _num(value)


def _range(low: Number | None, high: Number | None) -> str:
    return _num(low) if low == high else f"{_num(low)}-{_num(high)}"


def average_times_days(average: Figure, total: Figure) -> Check | None:
    """A daily average over a period times its days against a total for the same period."""
    with localcontext() as exact:
        exact.prec = 200  # figures of any length multiply exactly
        return _average_times_days(average, total)


def _average_times_days(average: Figure, total: Figure) -> Check | None:
    if not same_window(average.window, total.window) or None in (average.low, average.high):
        return None
    days = days_in(average.window)
    assert average.low is not None and average.high is not None
    low, high = average.low * days, average.high * days
    consistent = not disjoint(low, high, total.low, total.high)
    working = (f"{_num(average.value)} a day x {days} days = {_num((average.value or 0) * days)} "
               f"({_range(low, high)} within rounding) against the total {_num(total.value)} "
               f"({_range(total.low, total.high)})")
    return Check(AVERAGE_TIMES_DAYS, consistent, working)


def parts_vs_total(total: Figure, parts: list[Figure], complete: bool) -> Check | None:
    """Figures for parts at the total's window against the total: the parts' sum may not exceed the
    total, and when every part is given it must reach it."""
    with localcontext() as exact:
        exact.prec = 200
        return _parts_vs_total(total, parts, complete)


def _parts_vs_total(total: Figure, parts: list[Figure], complete: bool) -> Check | None:
    if not parts or any(not same_window(p.window, total.window) for p in parts):
        return None
    low = sum((p.low for p in parts if p.low is not None), Decimal(0))
    highs = [p.high for p in parts]
    high = None if any(h is None for h in highs) else sum((h for h in highs if h is not None), Decimal(0))
    too_large = total.high is not None and low > total.high
    too_small = complete and high is not None and total.low is not None and high < total.low
    shown = " + ".join(_num(p.value) for p in parts)
    working = (f"{shown} = {_num(sum((p.value or Decimal(0) for p in parts), Decimal(0)))} "
               f"({_range(low, high)} within rounding) against the total {_num(total.value)} "
               f"({_range(total.low, total.high)}){'' if complete else '; not every part is given'}")
    return Check(PARTS_VS_TOTAL, not (too_large or too_small), working)


def increment_vs_totals(increment: Figure, before: Figure, after: Figure) -> Check | None:
    """A stated one-day increment against the difference of two consecutive cumulative totals of one
    series (as of the day before and the day itself)."""
    with localcontext() as exact:
        exact.prec = 200
        return _increment_vs_totals(increment, before, after)


def _increment_vs_totals(increment: Figure, before: Figure, after: Figure) -> Check | None:
    if None in (before.low, before.high, after.low, after.high, increment.low, increment.high):
        return None
    assert before.low is not None and before.high is not None and after.low is not None
    assert after.high is not None
    low, high = after.low - before.high, after.high - before.low
    consistent = not disjoint(low, high, increment.low, increment.high)
    working = (f"{_num(after.value)} - {_num(before.value)} = {_num((after.value or 0) - (before.value or 0))} "
               f"({_range(low, high)} within rounding) against the stated increment {_num(increment.value)}")
    return Check(INCREMENT_VS_TOTALS, consistent, working)


def falls_working(a: Figure, b: Figure) -> str:
    """The working shown for a cumulative series that falls (see `relation`)."""
    earlier, later = (a, b) if (a.window.start, a.window.end) <= (b.window.start, b.window.end) else (b, a)
    return (f"{_num(earlier.value)} as of {_when(earlier.window)}, then {_num(later.value)} as of "
            f"{_when(later.window)}: a running total cannot fall")


def _when(window: Window) -> str:
    return str(window.start) if window.start == window.end else f"{window.start}..{window.end}"


def asserted_after_publication(asserted_start: date | None, published_end: date | None) -> Check | None:
    """A claim cannot be asserted in a document after the document appeared."""
    if asserted_start is None or published_end is None:
        return None
    return Check(ASSERTED_AFTER_PUBLICATION, asserted_start <= published_end,
                 f"asserted from {asserted_start}, the document was published by {published_end}")


def period_after_assertion(period_end: date | None, asserted_end: date | None) -> Check | None:
    """A figure about a period that ends after it was asserted states a forecast as a fact."""
    if period_end is None or asserted_end is None:
        return None
    return Check(PERIOD_AFTER_ASSERTION, period_end <= asserted_end,
                 f"the period ends {period_end}, the claim was asserted by {asserted_end}")
