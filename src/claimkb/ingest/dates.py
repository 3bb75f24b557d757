"""Resolve date words ("on Tuesday", "last week", "October") against a document's publication date.

A publication date known only as an interval (5 or 6 Nov 2024) resolves a phrase against both ends and
keeps the hull, so every dependent date follows from the publication date and says it was inferred.

Vague wordings that sources use are read as follows, and always marked inferred:
- `early October`, `mid-October`, `late October 2024`: the first, middle or last third of the month
  (1-10, 11-20, 21 to the end), with precision `month` (the words name the month, not a day);
- `~2024-10-23` (an approximate day): one day either side, precision `day`;
- `earlier this month`: the first of the month to the day before the reference date (precision `month`).
`as of 28 Oct 2024` is the stated date itself (not inferred).
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
    text = re.sub(r"^as\s+(?:of|at)\s+", "", text)
    return re.sub(r"^(?:on|in|over|during|at|from)\s+(?:the\s+)?|^the\s+", "", text)


THIRDS = {"early": (1, 10), "mid": (11, 20), "middle of": (11, 20), "late": (21, 31), "end of": (21, 31)}
_THIRD_RE = re.compile(r"(early|mid|middle of|late|end of)[- ]([a-z]+)(?: (\d{4}))?")


def _third(part: str, year: int, month: int) -> tuple[date, date]:
    first, last = THIRDS[part]
    month_start, month_end = month_span(year, month)
    return month_start.replace(day=first), min(month_end, month_start.replace(day=min(last, month_end.day)))


def vague(text: str, ref: date | None = None) -> tuple[Span, str] | None:
    """Vague wordings (always inferred): `late October 2024`, `mid-October`, `early November`,
    `~2024-10-23`. A month without a year needs `ref` (the latest such month on or before it).
    Returns the span and the evidence; None when the words are not of this kind."""
    text = _strip(text)
    if m := re.fullmatch(r"~\s*(\d{4})-(\d{2})-(\d{2})", text):
        day = date(int(m[1]), int(m[2]), int(m[3]))
        return ((day - timedelta(days=1), day + timedelta(days=1), "day"),
                f"an approximate date, read as {day.isoformat()} give or take one day")
    if (m := _THIRD_RE.fullmatch(text)) and m[2] in MONTHS:
        month = MONTHS[m[2]]
        if m[3]:
            year = int(m[3])
        elif ref is not None:
            year = _latest_month(month, ref)
        else:
            return None
        start, end = _third(m[1], year, month)
        return (start, end, "month"), f"{m[1]!r} read as days {start.day}-{end.day} of the month"
    return None


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
    if text == "yesterday":
        day = ref - timedelta(days=1)
        return day, day, "day"
    if text in {"earlier this month", "earlier in the month", "this month"}:
        if text.startswith("earlier") and ref.day == 1:
            raise UnknownPhrase(f"{text!r} has no earlier day when the reference date is the 1st")
        end = ref - timedelta(days=1) if text.startswith("earlier") else month_span(ref.year, ref.month)[1]
        return ref.replace(day=1), end, "month"
    if text in {"last month", "previous month"}:
        last = ref.replace(day=1) - timedelta(days=1)
        return (*month_span(last.year, last.month), "month")
    if text in {"this week"}:
        monday = ref - timedelta(days=ref.weekday())
        return monday, monday + timedelta(days=6), "week"
    if text in {"next week"}:
        monday = ref - timedelta(days=ref.weekday()) + timedelta(days=7)
        return monday, monday + timedelta(days=6), "week"
    if m := re.fullmatch(r"(first|second) half of (?:the year|this year|(\d{4}))", text):
        year = int(m[2]) if m[2] else ref.year
        return ((date(year, 1, 1), date(year, 6, 30)) if m[1] == "first"
                else (date(year, 7, 1), date(year, 12, 31))) + ("month",)
    if found := vague(text, ref):
        return found[0]
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


def _range(text: str, ref: date | None) -> tuple[Span, bool] | None:
    """`between February 28 and March 1`, `between March and June`: the hull of both ends, with the year
    of the end (so a span across New Year keeps its start in the year before). Returns (span, inferred)."""
    m = re.fullmatch(r"between (.+?) and (.+)", _strip(text))
    if not m:
        return None
    spans = []
    for part in (m[1], m[2]):
        span = explicit(part)
        inferred = span is None
        if span is None:
            if ref is None:
                return None
            span = relative(part, ref)
        spans.append((span, inferred))
    (first, inf1), (last, inf2) = spans
    if first[0] > last[1] and inf1:  # "between December and February": December of the year before
        first = (first[0].replace(year=first[0].year - 1), first[1].replace(year=first[1].year - 1), first[2])
    if first[0] > last[1]:
        raise ValueError(f"{text!r} ends before it starts")
    coarse = first[2] if first[2] != "day" else last[2]
    return (first[0], last[1], coarse), inf1 or inf2


def absolute(phrase: str) -> tuple[date, date, str, bool, str] | None:
    """A phrase that needs no reference date: explicit (`2024-11-05`, `as of 28 Oct 2024`) or vague with its
    year (`late October 2024`, `~2024-10-23`). Returns start, end, precision, inferred, evidence."""
    text = re.sub(r"^\s*since\s+", "", phrase, flags=re.IGNORECASE)
    if (span := explicit(text)) is not None:
        return span[0], span[1], span[2], False, f"Stated in the text: {phrase!r}."
    if (found := vague(text)) is not None:
        (start, end, precision), how = found
        return start, end, precision, True, f"{phrase!r}: {how}."
    if (ranged := _range(text, None)) is not None:
        (start, end, precision), inferred = ranged
        return start, end, precision, inferred, f"Stated in the text: {phrase!r}."
    return None


def resolve(phrase: str, published: tuple[date, date]) -> tuple[date, date, str, bool, str]:
    """Resolve `phrase` against the publication interval.

    Returns start, end, precision, inferred, evidence. An explicit date is not inferred; a relative one is,
    and the evidence says against which date it was resolved.
    """
    text = re.sub(r"^\s*since\s+", "", phrase, flags=re.IGNORECASE)
    if (found := absolute(phrase)) is not None:
        return found
    if m := re.fullmatch(r"by the end of (.+)", _strip(text)):
        # a deadline: from the reference date to the end of the named span
        inner = resolve(m[1], published)
        start = published[0]
        deadline, precision = inner[1], inner[2]
        if deadline < start and m[1] in MONTHS:  # "by the end of October" written in September: this October
            month = MONTHS[m[1]]
            deadline, precision = month_span(start.year + (month < start.month), month)[1], "month"
        if deadline < start:
            raise ValueError(f"{phrase!r} ends before the document's date")
        return (start, deadline, precision, True,
                f"{phrase!r}: from the document's publication date to the end of {m[1]!r}.")
    ranged = _range(text, published[1])
    if ranged is not None:
        first = last = ranged[0]
    else:
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
    if (how := vague(text, published[1])) is not None:
        evidence += f"; {how[1]}"
    return start, end, first[2], True, evidence + "."
