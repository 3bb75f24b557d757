"""The comparison rules, applied once at ingest and stored with each quantity (ckb:intervalLow/High,
ckb:windowStart/End), so that the disagreement queries are plain comparisons that run on any SPARQL
server and scale with the number of claims.

Value interval of a stated value v (bounds inclusive):
  r = half a unit of the last non-zero digit of v (701650 -> 5, 600000 -> 50000, 1354.2 -> 0.05);
      0 for a fraction written in words ("two-thirds" is exactly 2/3).
  exactly        [v - r, v + r]
  approximately  [v - t, v + t], t = max(r, APPROXIMATELY * v)
  more-than, at-least          [v, open)
  less-than, up-to, almost     [0, v]
  between        [min, max] as stated
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the model is only needed for type hints; keep `claimkb trace` start-up light
    from ..model import Quantity, TimeRef

APPROXIMATELY = Fraction(5, 100)  # "approximately", "around": 5% either side
PLACES = 6  # a value that is not a finite decimal (2/3) is stored to this many places


def is_finite_decimal(value: Fraction) -> bool:
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    return den == 1


def to_decimal(value: Fraction, rounding: str | None = None) -> Decimal:
    """Exact where the fraction is a finite decimal; else to PLACES places (nearest, floor or ceiling)."""
    if is_finite_decimal(value):
        text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
        return Decimal(text)
    quantum = Decimal(1).scaleb(-PLACES)
    raw = Decimal(value.numerator) / Decimal(value.denominator)
    return raw.quantize(quantum, rounding=rounding) if rounding else raw.quantize(quantum)


def rounding_half_unit(value: Fraction) -> Fraction:
    if value == 0 or not is_finite_decimal(value):
        return Fraction(0)
    exponent = to_decimal(value).normalize().as_tuple().exponent
    return Fraction(1, 2) * Fraction(10) ** exponent


def value_interval(q: Quantity) -> tuple[Decimal | None, Decimal | None]:
    """(low, high) for comparison; None marks an open side."""
    if q.comparator == "between":
        return q.minimum, q.maximum
    if q.value is None:
        return q.minimum, q.maximum
    v = q.value
    r = rounding_half_unit(v)
    if q.comparator == "exactly":
        low, high = v - r, v + r
    elif q.comparator == "approximately":
        t = max(r, APPROXIMATELY * abs(v))
        low, high = v - t, v + t
    elif q.comparator in ("more-than", "at-least"):
        return to_decimal(v, ROUND_FLOOR), q.maximum
    else:  # less-than, up-to, almost
        return q.minimum if q.minimum is not None else Decimal(0), to_decimal(v, ROUND_CEILING)
    return to_decimal(low, ROUND_FLOOR), to_decimal(high, ROUND_CEILING)


def comparison_window(period: TimeRef | None):
    """The dates a figure is compared over: the as-of interval of a running total or a count at a date,
    else the period itself. None when the claim states no period (such figures are never compared)."""
    if period is None:
        return None
    ref = period.as_of if period.as_of is not None else period
    start = ref.start
    end = ref.end or ref.start
    if start is None or end is None:
        return None
    return start, end
