"""An article's text as paragraphs, sentences and quotations, each with its offsets in the archived text.

Offsets count Unicode code points from the start of the archived text, as the anchors' position selectors
do, so that every span the draft writes can be checked against the archive byte for byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENING = "“"
CLOSING = "”"
STRAIGHT = '"'
# words that end with a full stop without ending the sentence
ABBREVIATIONS = {
    "dr", "mr", "mrs", "ms", "prof", "st", "gen", "col", "lt", "sgt", "capt", "maj", "rev", "sen", "rep",
    "gov", "no", "vs", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "approx", "ca", "c", "e.g", "i.e", "u.s", "u.k", "u.n", "sq",
}
# a dateline: "PORT ASTEN, Veloria, March 12, 2025 (Meridian Wire) –"
DATELINE = re.compile(r"[A-Z][A-Z .'’-]+,[^\n]*?\d{4}\s*(?:\((?P<outlet>[^)]+)\))?\s*[–—-]?\s*")


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def text(self, source: str) -> str:
        return source[self.start:self.end]


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int
    index: int  # position in the article, from 0
    headline: bool = False


@dataclass(frozen=True)
class Quote:
    """Words printed inside quotation marks. `start`..`end` are the words without the marks; an
    unclosed quotation runs to the end of its paragraph (the next paragraph reopens it)."""

    start: int
    end: int
    closed: bool


@dataclass(frozen=True)
class Article:
    text: str
    paragraphs: tuple[Span, ...]
    sentences: tuple[Sentence, ...]
    quotes: tuple[Quote, ...]
    outlet: str | None  # the outlet a dateline names
    dateline: Span | None


def paragraphs(text: str) -> list[Span]:
    spans, start = [], 0
    for m in re.finditer(r"\n\s*\n", text):
        spans.append(Span(start, m.start()))
        start = m.end()
    spans.append(Span(start, len(text)))
    out = []
    for span in spans:
        chunk = text[span.start:span.end]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk) - len(chunk.rstrip())
        if chunk.strip():
            out.append(Span(span.start + lead, span.end - trail))
    return out


def _ends_sentence(text: str, dot: int) -> bool:
    """Is the full stop (or ! ?) at `dot` the end of a sentence?"""
    if text[dot] == ".":
        before = re.search(r"([A-Za-z.]+)$", text[:dot])
        word = before[1].lower() if before else ""
        if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            return False
        if dot + 1 < len(text) and text[dot + 1].isdigit():
            return False  # a decimal point
    after = text[dot + 1:]
    m = re.match(r"[”\"’)\]]*(\s+|$)", after)
    if not m:
        return False
    rest = after[m.end():]
    return not rest or rest[0].isupper() or rest[0].isdigit() or rest[0] in "“\"‘(["


def sentences_of(text: str, paragraph: Span) -> list[tuple[int, int]]:
    chunk = text[paragraph.start:paragraph.end]
    spans, start = [], 0
    for m in re.finditer(r"[.!?]", chunk):
        if _ends_sentence(chunk, m.start()):
            closing = re.match(r"[”\"’)\]]*", chunk[m.end():])
            assert closing is not None  # a starred pattern always matches, if only the empty string
            end = m.end() + len(closing[0])
            spans.append((start, end))
            start = end
            while start < len(chunk) and chunk[start].isspace():
                start += 1
    if start < len(chunk) and chunk[start:].strip():
        spans.append((start, len(chunk.rstrip())))
    return [(paragraph.start + a, paragraph.start + b) for a, b in spans if chunk[a:b].strip()]


def quotes_of(text: str, paragraph: Span) -> list[Quote]:
    """Double-quoted words in one paragraph. A closing mark used as an opener (”[North Korean] troops")
    opens; straight quotes alternate."""
    found, open_at = [], None
    for i in range(paragraph.start, paragraph.end):
        ch = text[i]
        if ch not in (OPENING, CLOSING, STRAIGHT):
            continue
        if open_at is None:
            opens = ch == OPENING or ch == STRAIGHT or (
                ch == CLOSING and (i == paragraph.start or text[i - 1] in " \t:(") and i + 1 < paragraph.end
                and not text[i + 1].isspace())
            if opens:
                open_at = i + 1
        elif ch in (CLOSING, STRAIGHT) or (ch == OPENING and False):
            found.append(Quote(open_at, i, True))
            open_at = None
    if open_at is not None and open_at < paragraph.end:
        found.append(Quote(open_at, paragraph.end, False))
    return found


def read(text: str) -> Article:
    paras = paragraphs(text)
    sentences: list[Sentence] = []
    quotes: list[Quote] = []
    outlet, dateline = None, None
    for number, para in enumerate(paras):
        chunk = text[para.start:para.end]
        if number <= 2 and dateline is None and (m := DATELINE.fullmatch(chunk)):
            dateline, outlet = para, m["outlet"]
            continue
        quotes.extend(quotes_of(text, para))
        headline = number == 0 and "\n" not in chunk and not re.search(r"[.!?][”\"’]?$", chunk)
        for a, b in sentences_of(text, para):
            sentences.append(Sentence(a, b, text[a:b], number, len(sentences), headline))
    return Article(text, tuple(paras), tuple(sentences), tuple(quotes), outlet, dateline)


def quotes_in(article: Article, sentence: Sentence) -> list[Quote]:
    """The quotations that start inside the sentence, or that cover it (a continued quotation)."""
    out = []
    for q in article.quotes:
        if sentence.start <= q.start - 1 < sentence.end or (q.start <= sentence.start and q.end >= sentence.end):
            out.append(q)
    return out
