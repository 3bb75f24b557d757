"""Read a number however a person types it or a text writes it.

`701650`, `701,650`, `701 650`, `1,146`, `1146 sq km`, `10k`, `1.5 million`, `66%`, `two-thirds`,
`six hundred thousand`, `a quarter`, `35 per cent`. Returns an exact Fraction; None when the text is not a number.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

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
DENOMINATORS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
                "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6,
                "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9,
                "tenth": 10, "tenths": 10}
SPACES = "\u00a0\u202f\u2009 "

_NUMERIC = re.compile(
    r"^[+]?(?P<int>\d{1,3}(?:(?P<sep>[,\u00a0\u202f\u2009 '])\d{3})(?:(?P=sep)\d{3})*|\d+)"
    r"(?:\.(?P<frac>\d+))?\s*(?P<suffix>[a-z%]+)?\b"
)


def parse_number(text: str) -> Fraction | None:
    raw = " ".join(text.strip().lower().replace("\u2013", "-").split())
    if not raw:
        return None
    if m := re.fullmatch(r"(\d+)\s*/\s*(\d+)", raw):
        return Fraction(int(m[1]), int(m[2])) if int(m[2]) else None
    if m := re.fullmatch(r"(.+?)\s*(?:per\s?cent|percent)", raw):  # "35 per cent" is 35%
        value = _numeric(m[1])
        return None if value is None else value / 100
    if (value := _numeric(raw)) is not None:
        return value
    return _words(raw)


def _numeric(raw: str) -> Fraction | None:
    m = _NUMERIC.match(raw)
    if not m:
        return None
    digits = re.sub(f"[,{SPACES}']", "", m["int"])
    try:
        value = Fraction(Decimal(digits + ("." + m["frac"] if m["frac"] else "")))
    except InvalidOperation:
        return None
    suffix = m["suffix"]
    if suffix == "%":
        return value / 100
    if suffix in SUFFIXES:
        return value * SUFFIXES[suffix]
    if m.end() < len(raw) and raw[m.end()] == "%":
        return value / 100
    return value


def _words(raw: str) -> Fraction | None:
    words = [w for w in re.split(r"[\s-]+", raw) if w and w != "and"]
    if not words:
        return None
    if words[-1] in DENOMINATORS and len(words) >= 1:
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
