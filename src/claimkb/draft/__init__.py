"""Draft a claim sheet from a new article's text: one candidate claim per statement that carries a figure,
a quotation or an attribution cue, every guess marked for review.

    from claimkb.draft import draft
    result = draft(kb, raw_bytes, published=date(2024, 11, 5), doc_id="D01-seed", archive="archive/D01-seed.txt")
    result.sheet          # the sheet as data (with `review:` markers)
    result.yaml()         # the sheet as YAML text, with a header saying how to accept it

The pieces: `archive` (reading and keeping the text), `text` (paragraphs, sentences, quotations),
`figures` (numbers as written), `attribution` (cues, claimants, agents), `when` (date phrases), `claims`
(the candidate claims), `candidates` (quantities and relays from the knowledge base), `assemble` (the sheet
as data), `sheet` (the YAML), `score` (the draft against a curated sheet). Rules and the standard library
only: nothing is downloaded, and each guess says which rule made it.
"""

from __future__ import annotations

from datetime import date

from . import claims
from . import text as article_text
from .archive import archive_article, document_id, read_article
from .assemble import Draft, assemble


def draft(kb, raw: bytes, *, published: date, doc_id: str, archive: str, url: str | None = None,
          publisher: str | None = None, recorded_on: date | None = None) -> Draft:
    """The draft sheet of one article (its bytes as archived at `archive`, a path relative to kb/)."""
    article = article_text.read(raw.decode("utf-8"))
    found, agents, author, quantities = claims.find(kb, article, doc_id, publisher)
    return assemble(kb, article, raw, found, agents, author, quantities, published=published, doc_id=doc_id,
                    archive=archive, url=url, recorded_on=recorded_on)


__all__ = ["Draft", "archive_article", "document_id", "draft", "read_article"]
