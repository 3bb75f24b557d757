"""Date phrases in a sentence ("on Tuesday", "last week", "in October", "since February 2022"), resolved
against the publication date by the same resolver that imports sheets (`ingest/dates.py`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..ingest import dates

# "may" is a month only when written May (the modal verb is far more common in news copy)
_MONTH = "|".join(sorted((m for m in dates.MONTHS if len(m) > 3), key=len, reverse=True)) + "|(?-i:May)"
_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MDATE = (rf"(?:(?:early|mid|late)[- ])?(?:{_MONTH})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+\d{{4}})?"
          rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH})(?:\s+\d{{4}})?")
_PATTERNS = [
    ("since", rf"\bsince\s+(?:[\w’',-]+\s+){{0,6}}?(?:in\s+)?(?P<since>{_MDATE}|\d{{4}})\b"),
    ("between", rf"\bbetween\s+(?:{_MDATE})\s+and\s+(?:{_MDATE})\b"),
    ("week of", rf"\b(?:over|during|in)\s+the\s+(?:last|first|second|third|final)\s+week\s+of\s+(?:{_MONTH})\b"),
    ("half", r"\b(?:in\s+)?the\s+(?:first|second)\s+half\s+of\s+(?:the\s+year|this\s+year|\d{4})\b"),
    ("end of", rf"\bby\s+the\s+end\s+of\s+(?:the\s+year|\d{{4}}|(?:{_MONTH})(?:\s+\d{{4}})?)\b"),
    ("weekday", rf"\b(?:on|last|this)\s+{_DAY}\b"),
    ("relative", r"\b(?:yesterday|today|last\s+week|this\s+week|next\s+week|earlier\s+this\s+month|"
                 r"this\s+month|last\s+month|this\s+year)\b"),
    ("month", rf"\b(?:(?:in|on|by|during|from|until|over)\s+)?(?:{_MDATE})\b"),
    ("year", r"\b(?:in|during|by|until)\s+(?:(?:early|mid|late)[- ])?(?:19|20)\d{2}\b(?![,.]\d)"),
    ("summer", r"\bin\s+the\s+(?:summer|spring|autumn|winter)\b"),
    ("now", r"\b(?:now|currently)\b"),
]


@dataclass
class When:
    start: int  # offsets in the sentence
    end: int
    printed: str
    phrase: str  # what the resolver is given
    kind: str
    resolved: tuple[date, date, str, bool, str]
    since: bool = False


def find(sentence: str, published: date) -> list[When]:
    found: list[When] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in re.finditer(pattern, sentence, re.IGNORECASE):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            printed = m[0]
            phrase = f"since {m['since']}" if kind == "since" else printed
            phrase = re.sub(r"^(?:over|during)\s+", "", phrase, flags=re.IGNORECASE)
            if kind == "summer":
                phrase = "in the summer" if "summer" in printed.lower() else printed
            try:
                resolved = dates.resolve(phrase, (published, published))
            except (dates.UnknownPhrase, ValueError):
                continue
            found.append(When(m.start(), m.end(), printed, phrase, kind, resolved, since=kind == "since"))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda w: w.start)
    return found


def spec(when: When, *, note: str | None = None) -> dict:
    """A sheet date spec with the phrase as printed and its resolved bounds."""
    start, end, precision, inferred, evidence = when.resolved
    out = {"phrase": when.printed, "start": start.isoformat(), "end": end.isoformat(), "precision": precision,
           "inferred": inferred, "evidence": evidence if note is None else f"{evidence} {note}"}
    return out
