"""Resolve date words ("on Tuesday", "last week", "October") against a document's publication date.

A publication date known only as an interval (5 or 6 Nov 2024) resolves a phrase against both ends and
keeps the hull, so every dependent date follows from the publication date and says it was inferred.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}

Span = tuple[date, date, str]  # start, end (inclusive), precision


class UnknownPhrase(ValueError):
    pass


def month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _latest_month(month: int, ref: date) -> int:
    """The year of the latest month `month` that starts on or before `ref`."""
    return ref.year if month <= ref.month else ref.year - 1


def _strip(phrase: str) -> str:
    text = " ".join(phrase.lower().replace(",", " ").split())
    return re.sub(r"^(?:on|in|over|during|at|from)\s+(?:the\s+)?|^the\s+", "", text)


def explicit(text: str) -> Span | None:
    """Dates that need no reference: `2024-11-05`, `2024-11`, `2024`, `March 2022`, `5 November 2024`."""
    text = _strip(text)
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        day = date(int(m[1]), int(m[2]), int(m[3]))
        return day, day, "day"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        return (*month_span(int(m[1]), int(m[2])), "month")
    if m := re.fullmatch(r"(\d{4})", text):
        return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31), "year"
    if m := re.fullmatch(r"([a-z]+) (\d{4})", text):
        if m[1] in MONTHS:
            return (*month_span(int(m[2]), MONTHS[m[1]]), "month")
    if m := re.fullmatch(r"(\d{1,2}) ([a-z]+) (\d{4})|([a-z]+) (\d{1,2}) (\d{4})", text):
        day_s, month_s, year_s = (m[1], m[2], m[3]) if m[1] else (m[5], m[4], m[6])
        if month_s in MONTHS:
            day = date(int(year_s), MONTHS[month_s], int(day_s))
            return day, day, "day"
    return None


def relative(text: str, ref: date) -> Span:
    """Resolve a phrase that needs the document date `ref`. Raises UnknownPhrase when it cannot."""
    text = _strip(text)
    if text in {"now", "today", "currently"}:
        return ref, ref, "day"
    if text in WEEKDAYS:
        day = ref - timedelta(days=(ref.weekday() - WEEKDAYS[text]) % 7)
        return day, day, "day"
    if text in {"last week", "past week", "previous week"}:
        monday = ref - timedelta(days=ref.weekday() + 7)
        return monday, monday + timedelta(days=6), "week"
    if m := re.fullmatch(r"last week of ([a-z]+)", text):
        if m[1] in MONTHS:
            start, end = month_span(_latest_month(MONTHS[m[1]], ref), MONTHS[m[1]])
            return end - timedelta(days=6), end, "week"
    if text in MONTHS:
        return (*month_span(_latest_month(MONTHS[text], ref), MONTHS[text]), "month")
    if m := re.fullmatch(r"([a-z]+) (\d{1,2})|(\d{1,2}) ([a-z]+)", text):
        month_s, day_s = (m[1], m[2]) if m[1] else (m[4], m[3])
        if month_s in MONTHS:
            day = date(ref.year, MONTHS[month_s], int(day_s))
            if day > ref:
                day = day.replace(year=ref.year - 1)
            return day, day, "day"
    if text in {"summer", "the summer"}:
        year = ref.year if ref >= date(ref.year, 6, 1) else ref.year - 1
        return date(year, 6, 1), date(year, 8, 31), "season"
    if text in {"this year"}:
        return date(ref.year, 1, 1), date(ref.year, 12, 31), "year"
    raise UnknownPhrase(
        f"cannot resolve the date phrase {text!r}; give start/end (ISO dates) and precision instead"
    )


def _names_a_date(text: str) -> bool:
    words = _strip(text).replace("-", " ").split()
    return any(word in MONTHS for word in words)


def resolve(phrase: str, published: tuple[date, date]) -> tuple[date, date, str, bool, str]:
    """Resolve `phrase` against the publication interval.

    Returns start, end, precision, inferred, evidence. An explicit date is not inferred; a relative one is,
    and the evidence says against which date it was resolved.
    """
    text = re.sub(r"^\s*since\s+", "", phrase, flags=re.IGNORECASE)
    if (span := explicit(text)) is not None:
        return span[0], span[1], span[2], False, f"Stated in the text: {phrase!r}."
    first = relative(text, published[0])
    last = relative(text, published[1])
    if _names_a_date(text):
        # A phrase naming a month or a day of the year ("October", "November 6") means the latest such
        # date on or before publication: read against the latest publication date, not the hull of both
        # readings (which would span a year for "November 6" published on 5 or 6 November).
        first = last
    start, end = min(first[0], last[0]), max(first[1], last[1])
    when = (
        published[0].isoformat()
        if published[0] == published[1]
        else f"{published[0].isoformat()}..{published[1].isoformat()}"
    )
    evidence = f"{phrase!r} resolved against the document's publication date ({when})"
    if first[:2] != last[:2]:
        evidence += ", keeping both readings"
    return start, end, first[2], True, evidence + "."
