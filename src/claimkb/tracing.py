"""What `trace` does with the text it is given: a number, a phrase, or an error that shows what it takes.

The rule, in this order:
1. Text that reads as a figure (`numbers.read_typed`: digits such as 701,650, 7.0165e5, 1.2 million,
   700k, 67% or 2/3, or number words such as two-thirds, optionally after hedge words such as "about"
   and before unit words such as "sq km") is a number. Unit words that name a month ("5 November") make
   it a date.
2. Other text with no digit is a phrase (`phrases.py`).
3. Anything else is refused: a date gets a hint toward `claimkb timeline`, the rest the accepted forms.

A number typed plainly (no hedge words, no percent sign) is looked up as the exact decimal the claims
store (one index access): "12345" finds the claims that state 12,345, not "about 10,000". A hedged
number or a bound ("about 700,000", "more than 200"), a percentage, and a number written with a scale
("700k", "1.2 million") that no claim states exactly, are read as the range they allow
(`rules.implied_interval` of the figure as typed: "about 700,000" is 600,000 to 800,000, "67%" 0.665 to
0.675, "700k" 650,000 to 750,000), and a claim matches when the range its own figure means shares a
value with it (`claims-in-range.rq`). A percentage, or a number between 0 and 1, is a share: it
matches only figures of shares (0.67 is not a count of 1). Unit words typed with the number must
match the claim: its unit or its measured quantity's (`numbers.unit_key`: "sq km" is km2, "people"
persons), or words of that unit or of the quantity's label ("701650 casualties").
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import NamedTuple

from . import rules
from .errors import KbError, UsageError
from .namespaces import XSD
from .numbers import Typed, read_typed, unit_key
from .results import Term
from .session import Session

ACCEPTED = ("numbers: 701650, 701,650, 7.0165e5, 1.2 million, 700k, 67%, two-thirds, about 700,000, "
            "more than 200, 1146 sq km; phrases: words without digits, in quotes: \"meat grinder\"")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
          "dec")
TIMELINE_HINT = "trace follows numbers and phrases; `claimkb timeline` lists the claims in order of date"
_STOP = {"of", "the", "a", "an", "in", "per"}


class Lookup(NamedTuple):
    """What a traced text found, before each claim's chain and comparisons are added (`answers.trace`):
    the claims in order, and for a number its value, unit and the range it was read as; for a phrase
    where each claim matched (`matches`) and how many did (`found`)."""

    query: str
    value: Fraction | None
    unit: str | None
    claims: list[str]
    low: Fraction | None = None
    high: Fraction | None = None
    matches: dict[str, str] | None = None
    found: int | None = None


def decimal_term(value: Fraction) -> Term:
    lexical = format(rules.to_decimal(value), "f")
    return Term.literal(lexical if "." in lexical else lexical + ".0", XSD.decimal)


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


def reads_as_date(text: str) -> bool:
    """"November 5", "5 Nov 2024", "2024-11-05": a month named, or an ISO day."""
    lowered = text.lower()
    return bool(re.search(r"\b\d{4}-\d{2}(-\d{2})?\b", lowered)) or any(
        re.search(rf"\b{m}\b", lowered) for m in MONTHS)


def lookup(session: Session, text: str) -> Lookup:
    """The claims `text` finds, read by the rule of the module doc."""
    shown = " ".join(text.split())
    typed = read_typed(text)
    if typed is not None and not (typed.unit and reads_as_date(typed.unit)):
        return lookup_number(session, shown, typed)
    if reads_as_date(text):
        raise UsageError(f"{shown!r} reads as a date, not a number or a phrase", hint=TIMELINE_HINT)
    if any(ch.isdigit() for ch in text):
        raise UsageError(f"{shown!r} is not a number", hint=f"trace takes {ACCEPTED}")
    if any(ch.isalpha() for ch in text):
        from .phrases import lookup_phrase

        claims, matches, found = lookup_phrase(session, shown)
        return Lookup(shown, None, None, claims, matches=matches, found=found)
    raise UsageError(f"{shown!r} is neither a number nor a phrase", hint=f"trace takes {ACCEPTED}")


def lookup_number(session: Session, shown: str, typed: Typed) -> Lookup:
    plain = typed.comparator is None and not typed.percent
    iris: list[str] = []
    low = high = None
    if plain:
        found = session.run("claims-with-value", {"value": decimal_term(typed.value)})
        iris = list(dict.fromkeys(row["claim"].value for row in found.rows))
        if iris and typed.unit:
            iris, units = _with_unit(
                session.run("claims-in-range", {"claim": [Term.iri(i) for i in iris]}).rows, typed.unit)
            if not iris:
                raise _unit_error(typed, units)
        if not iris and not typed.scaled:
            raise KbError(f"no claim carries the value {shown!r}", hint=_nearest_hint(session, typed))
    if not iris:
        interval = rules.implied_interval(typed.value, typed.comparator or "Exactly", as_written=typed.number)
        low, high = interval.low, interval.high
        params: dict[str, str | Term | list[Term]] = {}
        bounds = rules.stored_bounds(interval)
        if bounds[0] is not None:
            params["low"] = decimal_term(Fraction(bounds[0]))
        if bounds[1] is not None:
            params["high"] = decimal_term(Fraction(bounds[1]))
        rows = session.run("claims-in-range", params).rows
        if typed.percent or 0 < typed.value < 1:  # a share: never a count that rounds to it ("0.67", not 1)
            rows = [r for r in rows if _is_share(r)]
        iris, units = _with_unit(rows, typed.unit) if typed.unit else (
            list(dict.fromkeys(r["claim"].value for r in rows)), [])
        if not iris and typed.unit and units:
            raise _unit_error(typed, units)
        if not iris:
            span = " to ".join(rules.number_text(b) if b is not None else "any" for b in (low, high))
            raise KbError(f"no claim states a figure in {span} ({shown!r})", hint=_nearest_hint(session, typed))
    return Lookup(shown, typed.value, typed.unit, iris, low, high)


def _unit_error(typed: Typed, units: list[str]) -> KbError:
    return KbError(f"no claim states {typed.number} in {typed.unit!r}",
                   hint=f"the claims with this figure state it in {', '.join(units)}: "
                        f"trace \"{typed.number} {units[0]}\", or the number alone")


def _nearest_hint(session: Session, typed: Typed) -> str:
    hint = f"nearest values in the knowledge base: {nearest_values(session, typed.value)}"
    if typed.unit is None and typed.value.denominator == 1 and 1900 <= typed.value <= 2100:
        hint += f"; for a year, {TIMELINE_HINT}"
    return hint


def _with_unit(rows: list[dict[str, Term]], typed_unit: str) -> tuple[list[str], list[str]]:
    """The claims whose unit matches the typed unit words, and the units of the others."""
    keep: list[str] = []
    others: list[str] = []
    for row in rows:
        units = [row[k].value for k in ("unit", "quantityUnit") if k in row]
        label = row["quantityLabel"].value if "quantityLabel" in row else ""
        if unit_matches(typed_unit, units, label):
            keep.append(row["claim"].value)
        else:
            others += [u for u in units[:1] if u not in others]
    return list(dict.fromkeys(keep)), others


def _is_share(row: dict[str, Term]) -> bool:
    units = " ".join(row[k].value.lower() for k in ("unit", "quantityUnit") if k in row)
    return ("aggregation" in row and row["aggregation"].value == "Share") or any(
        mark in units for mark in ("%", "percent", "share"))


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def unit_matches(typed: str, units: list[str], label: str = "") -> bool:
    """The typed unit words name one of `units` ("sq km" and km2), or each of them is a word of those
    units or of the quantity's label ("casualties" and "Russian military casualties, cumulative")."""
    key = unit_key(typed)
    if any(unit_key(u) == key for u in units):
        return True
    words = {_stem(w) for w in re.split(r"[^\w\u00b2]+", key) if w and w not in _STOP}
    pool = {_stem(w) for text in (*units, label) for w in re.split(r"[^\w\u00b2]+", text.lower()) if w}
    return bool(words) and words <= pool
