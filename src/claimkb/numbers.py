"""Read a number however a person types it or a text writes it, and refuse what is not one.

`701650`, `701,650`, `701 650`, `7.0165e5`, `1146 sq km`, `10k`, `700k`, `1.2 million`, `67%`,
`67 per cent`, `2/3`, `two-thirds`, `six hundred thousand`, `a quarter`, each optionally after hedge words
(`about 700,000`, `more than 200`, `>2/3`: the comparators of `rules.comparator_typed`) and before unit
words (`sq km`, `persons`, `a day`). `read_typed` returns the value (an exact Fraction), the number as
typed, the unit words and the comparator; None when the text is not a figure, including a figure with
anything glued to it that is neither a scale (`k`, `m`, `bn`), a percent sign nor a unit (`701650xyz`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import NamedTuple

UNITS = {
    "zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
SUFFIXES = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "mn": 1_000_000, "million": 1_000_000,
            "bn": 1_000_000_000, "b": 1_000_000_000, "billion": 1_000_000_000}
GLUED_SCALES = {"k", "m", "mn", "bn", "b"}  # a scale written against the digits: 10k, 1.5m, 2bn
DENOMINATORS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
                "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6,
                "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9,
                "tenth": 10, "tenths": 10}
SPACES = "\u00a0\u202f\u2009 "
MAX_EXPONENT = 15  # 1e15 is read; 1e400 is refused rather than turned into a 400-digit number

# units typed against the digits ("9km", "1146km2"); any unit may follow after a space
GLUED_UNITS = ("km2", "km²", "km", "mi", "m2", "kg", "t")
# how people type the units the knowledge base writes: typed words -> the unit as written in claims
UNIT_SYNONYMS = {
    "sq km": "km2", "sq. km": "km2", "sqkm": "km2", "km²": "km2", "square km": "km2",
    "square kilometre": "km2", "square kilometres": "km2", "square kilometer": "km2",
    "square kilometers": "km2", "sq mi": "sq mi", "square mile": "sq mi", "square miles": "sq mi",
    "kilometre": "km", "kilometres": "km", "kilometer": "km", "kilometers": "km",
    "person": "persons", "people": "persons", "a day": "per day", "each day": "per day", "daily": "per day",
    "a year": "per year", "year": "years", "unit": "units", "soldier": "soldiers",
}

_NUMERIC = re.compile(
    r"(?P<sign>[+-]?)(?P<int>\d{1,3}(?:(?P<sep>[,\u00a0\u202f\u2009 '])\d{3})(?:(?P=sep)\d{3})*(?!\d)|\d+)"
    r"(?:\.(?P<frac>\d+))?(?:e(?P<exp>[+-]?\d+))?"
)
_FRACTION = re.compile(r"(\d+)\s*/\s*(\d+)")
_UNIT_WORDS = re.compile(r"[a-z\u00b2][a-z0-9\u00b2.'\- ]*")


class Typed(NamedTuple):
    """A figure as typed: its exact value, the number's own text (for its rounding), the unit words
    after it and the comparator before it (an ontology name, or None)."""

    value: Fraction
    number: str
    unit: str | None = None
    comparator: str | None = None
    percent: bool = False
    scaled: bool = False  # written with a scale ("700k", "1.2 million"): a rounded figure


def _normalise(text: str) -> str:
    return " ".join(text.strip().lower().replace("\u2013", "-").replace("\u2212", "-").split())


def read_typed(text: str) -> Typed | None:
    """The figure `text` states, or None when it is not one (see the module doc)."""
    from .rules import comparator_typed

    raw = _normalise(text)
    comparator = None
    if (hedged := comparator_typed(raw)) is not None:
        comparator, raw = hedged
    if not raw:
        return None
    found = _figure(raw)
    if found is None:
        return None
    value, number, rest = found
    scaled = bool(re.search(r"\d\s*(k|m|mn|bn|b|thousand|million|billion)$", number))
    percent = False
    rest = rest.strip()
    if m := re.match(r"(%|per ?cent\b|percent\b)\s*", rest):
        value, percent, number, rest = value / 100, True, number + "%", rest[m.end():]
    unit = rest.strip() or None
    if unit is not None and not _UNIT_WORDS.fullmatch(unit):
        return None
    return Typed(value, number, unit, comparator, percent, scaled)


def _figure(raw: str) -> tuple[Fraction, str, str] | None:
    """The value at the start of `raw`, the text of the number, and what follows it."""
    if m := _FRACTION.match(raw):
        if not int(m[2]):
            return None
        return Fraction(int(m[1]), int(m[2])), m.group(), raw[m.end():]
    if m := _NUMERIC.match(raw):
        digits = re.sub(f"[,{SPACES}']", "", m["int"])
        if m["exp"] is not None and abs(int(m["exp"])) > MAX_EXPONENT:
            return None
        try:
            value = Fraction(Decimal(f"{m['sign']}{digits}{'.' + m['frac'] if m['frac'] else ''}"
                                     f"{'e' + m['exp'] if m['exp'] else ''}"))
        except (InvalidOperation, ValueError):
            return None
        end = m.end()
        rest = raw[end:]
        glued = re.match(r"[a-z]+", rest)
        if glued and glued.group() in GLUED_SCALES and not rest[glued.end():glued.end() + 1].isalnum():
            return value * SUFFIXES[glued.group()], raw[:end + glued.end()], raw[end + glued.end():]
        if scale := re.match(r"\s+(thousand|million|billion)\b", rest):
            return value * SUFFIXES[scale[1]], raw[:end + scale.end()], raw[end + scale.end():]
        if glued and not any(rest.startswith(u) and not rest[len(u):len(u) + 1].isalnum() for u in GLUED_UNITS):
            return None  # "701650xyz": letters glued to the digits that are no scale and no unit
        return value, raw[:end], raw[end:]
    return _words_figure(raw)


def _words_figure(raw: str) -> tuple[Fraction, str, str] | None:
    """"two-thirds of respondents" -> (2/3, "two-thirds", "of respondents"): the longest run of number
    words at the start that reads as a number ("a" or "an" alone is not one)."""
    words = raw.split(" ")
    for count in range(len(words), 0, -1):
        head = " ".join(words[:count])
        if head in ("a", "an"):
            continue
        value = _words(head)
        if value is not None:
            return value, head, " ".join(words[count:])
    return None


def parse_number(text: str) -> Fraction | None:
    """The value of a typed figure (hedge and unit words allowed), or None when it is not one."""
    typed = read_typed(text)
    return None if typed is None else typed.value


def unit_key(unit: str) -> str:
    """A unit as the knowledge base writes it: "sq km", "square kilometres" and "km²" -> "km2"."""
    text = _normalise(unit)
    return UNIT_SYNONYMS.get(text, text)


def _words(raw: str) -> Fraction | None:
    words = [w for w in re.split(r"[\s-]+", raw) if w and w != "and"]
    if not words:
        return None
    if words[-1] in DENOMINATORS:
        head = words[:-1] or ["one"]
        numerator = _cardinal(head)
        if numerator is None:
            return None
        return Fraction(numerator, DENOMINATORS[words[-1]])
    value = _cardinal(words)
    return None if value is None else Fraction(value)


def _cardinal(words: list[str]) -> int | None:
    total, current, seen = 0, 0, False
    for word in words:
        if word in UNITS:
            current += UNITS[word]
            seen = True
        elif word == "hundred" and seen:
            current *= 100
        elif word in SCALES and seen:
            total += current * SCALES[word]
            current = 0
        else:
            return None
    return total + current if seen else None
