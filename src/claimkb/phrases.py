"""Trace a phrase: the claims whose words contain it, exactly or nearly, each with its chain.

`claimkb trace "meat grinder"` searches, for every claim, the quotation on record (the claimant's words as
the document gives them), the quote anchored in the archived text and the curated statement
(`claim-texts.rq`), each casefolded with its spaces and typographic quotes made plain. A claim matches
when one of them contains the phrase (exact), or when rapidfuzz's `fuzz.partial_ratio` of the phrase
against it (the best-matching part of the text, 0 to 100) is at least THRESHOLD (near). The claims that
relay a matching claim (through any number of prov:wasDerivedFrom links) follow, so the phrase as the
source said it also finds whoever printed it differently. Ranked: exact matches, then near ones by
score, then relays; at most LIMIT claims, each with its chain to the earliest claim in the knowledge
base. A claim whose quoted words differ from its source's says so, with the changed words.

rapidfuzz is imported here only, and this module only when `trace` is given a phrase.
"""

from __future__ import annotations

from typing import NamedTuple

from .errors import KbError, UsageError
from .namespaces import compact
from .records import TracedClaim
from .results import Term
from .session import Session

THRESHOLD = 85  # fuzz.partial_ratio, 0-100: "fling into the grinder" against "flight into the meat grinder" is 77
LIMIT = 50  # claims shown for one phrase; `Trace.found` says how many matched
MIN_LETTERS = 3
FIELDS = (("quotation", "the quotation"), ("exact", "the anchored quote"), ("text", "the statement"))
_PLAIN = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                        "\u00a0": " "})


class Match(NamedTuple):
    claim: str
    exact: bool
    score: float  # 100 for an exact match
    field: str  # where: "the quotation", "the anchored quote", "the statement"
    words: str  # the matched words as the claim has them

    def describe(self) -> str:
        how = "exact" if self.exact else f"near (score {self.score:.0f})"
        return f"{how}, in {self.field}: \u201c{self.words}\u201d"


def fold(text: str) -> tuple[str, list[int]]:
    """The text casefolded with runs of spaces made one and typographic quotes made plain, and for each
    character of it the index of the character of `text` it came from."""
    out: list[str] = []
    where: list[int] = []
    space = True
    for i, ch in enumerate(text.translate(_PLAIN)):
        if ch.isspace():
            if not space:
                out.append(" ")
                where.append(i)
            space = True
            continue
        for c in ch.casefold():
            out.append(c)
            where.append(i)
        space = False
    while out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


def _words_at(text: str, where: list[int], start: int, end: int) -> str:
    """The words of `text` that the folded span start..end covers, widened to whole words."""
    if start >= end:
        return ""
    a, b = where[start], where[end - 1] + 1
    while a > 0 and text[a - 1].isalnum():
        a -= 1
    while b < len(text) and text[b].isalnum():
        b += 1
    return " ".join(text[a:b].split())


def best_match(phrase: str, claim: str, texts: dict[str, list[str]]) -> Match | None:
    """The best place `phrase` (already folded) is found in a claim's texts, or None."""
    from rapidfuzz import fuzz

    best: Match | None = None
    for key, label in FIELDS:
        for text in texts.get(key, []):
            folded, where = fold(text)
            at = folded.find(phrase)
            if at >= 0:
                found = Match(claim, True, 100.0, label, _words_at(text, where, at, at + len(phrase)))
            else:
                aligned = fuzz.partial_ratio_alignment(phrase, folded, score_cutoff=THRESHOLD)
                if aligned is None:
                    continue
                found = Match(claim, False, aligned.score, label,
                              _words_at(text, where, aligned.dest_start, aligned.dest_end))
            if best is None or (found.exact, found.score) > (best.exact, best.score):
                best = found
    return best


def find(session: Session, phrase: str) -> list[Match]:
    """Every claim whose words contain the phrase exactly or nearly, best first."""
    folded, _ = fold(phrase)
    texts: dict[str, dict[str, list[str]]] = {}
    for row in session.run("claim-texts").rows:
        entry = texts.setdefault(row["claim"].value, {})
        for key, _label in FIELDS:
            if key in row and row[key].value not in entry.setdefault(key, []):
                entry[key].append(row[key].value)
    matches = [m for claim, found in texts.items() if (m := best_match(folded, claim, found)) is not None]
    matches.sort(key=lambda m: (not m.exact, -m.score, m.claim))
    return matches


def lookup_phrase(session: Session, phrase: str) -> tuple[list[str], dict[str, str], int]:
    """The matching claims, best first, then their relays (at most LIMIT of them); where each matched;
    and how many matched in all."""
    if sum(ch.isalpha() for ch in phrase) < MIN_LETTERS:
        raise UsageError(f"{phrase!r} is too short to search for", hint="give a word or more of the quote")
    matches = find(session, phrase)
    if not matches:
        raise KbError(f"no claim's words contain {phrase!r}, exactly or nearly",
                      hint=f"phrases match at a partial-ratio score of {THRESHOLD} or more: try fewer or other "
                           "words, or a number")
    described = {m.claim: m.describe() for m in matches}
    order = [m.claim for m in matches]
    relays = session.run("relays-of", {"claim": [Term.iri(c) for c in order]}).rows
    for row in relays:
        relay, source = row["relay"].value, row["claim"].value
        if relay not in described:
            described[relay] = f"relays {compact(source)}, which has these words"
            order.append(relay)
    return order[:LIMIT], described, len(order)


def marked(item: TracedClaim, match: str) -> TracedClaim:
    """The traced claim with its match, and a mark when its quoted words differ from its source's."""
    differs = [h for h in item.chain if h.depth == 0 and h.wording == "changed"]
    for hop in differs:
        changes = "; ".join(hop.wording_changes) or "other words"
        match += f"; its quoted words differ from {compact(hop.source)}'s: {changes}"
    return item._replace(match=match)
