"""Misquotes nobody linked: two quotations of one claimant that are nearly, but not exactly, the same.

A misquote is found as a misreported relay only when a curator recorded the relay link. This finder
needs no link: it compares the quotations (ckb:quotation) of each claimant word by word
(`wording.similarity`: casefolded, punctuation ignored, a quote of part of another scored on that part)
and reports a pair as a "possible misquote (not linked)" when

- they share a claimant (a joint claim counts for each of its claimants),
- neither derives from the other through any number of prov:wasDerivedFrom links,
- the shorter quotation has at least MIN_WORDS words,
- their similarity is at least THRESHOLD, and they are not the same words (nor one a part of the other,
  which is a fair quote of part).

The later claim (by its document's publication date, then its assertion date) is taken for the relay
and the earlier one for its source; the reason gives the changed words and how to record the link.
Pairs are only formed between quotations that share a pair of consecutive words (a misquote keeps most
of its source's word pairs), and a word pair that more than MAX_SHARING quotations of one claimant
share is too common to pair on: the work grows with the number of near quotations, not with its square.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import NamedTuple

from .namespaces import compact
from .records import Disagreement
from .session import Session
from .wording import describe, similarity, tokens, word_changes

KIND = "possible misquote (not linked)"
THRESHOLD = 0.75  # the Starmer relay ("flight into the meat grinder") scores 0.82, the MoD's "party" 0.96
MIN_WORDS = 5
MAX_SHARING = 200


class Quote(NamedTuple):
    claim: str
    quotation: str
    claimants: frozenset[str]
    ancestors: frozenset[str]  # quoted claims it derives from, through any number of links
    when: tuple[str, str]  # (published, asserted start) as ISO text, '' when unknown
    document: str
    words: tuple[str, ...]  # casefolded words, punctuation left out


def _words(text: str) -> tuple[str, ...]:
    return tuple(t.casefold().replace("\u2019", "'") for t in tokens(text) if t[0].isalnum())


def quotes(session: Session) -> list[Quote]:
    """Every claim with a quotation, from `quotations.rq`."""
    rows: dict[str, dict] = {}
    for row in session.run("quotations").rows:
        entry = rows.setdefault(row["claim"].value, {
            "quotation": row["quotation"].value, "claimants": set(), "ancestors": set(),
            "when": (row["published"].value if "published" in row else "",
                     row["assertedStart"].value if "assertedStart" in row else ""),
            "document": row["document"].value})
        entry["claimants"].add(row["claimant"].value)
        if "ancestor" in row:
            entry["ancestors"].add(row["ancestor"].value)
    return [Quote(claim, e["quotation"], frozenset(e["claimants"]), frozenset(e["ancestors"]), e["when"],
                  e["document"], _words(e["quotation"])) for claim, e in rows.items()]


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


def pairs(found: list[Quote]) -> list[tuple[Quote, Quote, float]]:
    """The near pairs: (later, earlier, similarity), by claim."""
    by_claimant: dict[str, list[Quote]] = defaultdict(list)
    for quote in found:
        if len(quote.words) >= MIN_WORDS:
            for claimant in quote.claimants:
                by_claimant[claimant].append(quote)
    candidates: set[tuple[str, str]] = set()
    index = {q.claim: q for q in found}
    for group in by_claimant.values():
        sharing: dict[tuple[str, str], list[str]] = defaultdict(list)
        for quote in group:
            for bigram in set(zip(quote.words, quote.words[1:], strict=False)):
                sharing[bigram].append(quote.claim)
        for claims in sharing.values():
            if 1 < len(claims) <= MAX_SHARING:
                candidates.update(combinations(sorted(claims), 2))
    out = []
    for a_iri, b_iri in sorted(candidates):
        a, b = index[a_iri], index[b_iri]
        if a.claim in b.ancestors or b.claim in a.ancestors:
            continue
        short, long_ = (a.words, b.words) if len(a.words) <= len(b.words) else (b.words, a.words)
        if _contains(long_, short):
            continue
        score = similarity(a.quotation, b.quotation)
        if score >= THRESHOLD:
            later, earlier = (a, b) if (a.when, a.claim) > (b.when, b.claim) else (b, a)
            out.append((later, earlier, score))
    return sorted(out, key=lambda p: (p[0].claim, p[1].claim))


def _local(iri: str) -> str:
    return compact(iri).split(":", 1)[-1]


def disagreements(session: Session) -> list[Disagreement]:
    """Each near pair as a finding, with the changed words and how to record the link."""
    out = []
    for later, earlier, score in pairs(quotes(session)):
        changes = word_changes(earlier.quotation, later.quotation)
        reason = (f"quotes the same claimant as {compact(earlier.claim)} with words {score:.0%} alike "
                  f"(at least {THRESHOLD:.0%} is reported), and no relay link joins them: {describe(changes)}; "
                  f"if it relays it, record the link: add `relays: [{{claim: {_local(earlier.claim)}, quoted: true}}]` "
                  f"to claim {_local(later.claim)} in the sheet of {compact(later.document)} and run "
                  f"`claimkb import` on that sheet")
        out.append(Disagreement(kind=KIND, quantity=None, claim=later.claim, other=earlier.claim, claim_value=None,
                                other_value=None, reason=reason, claim_words=later.quotation,
                                other_words=earlier.quotation, changes=tuple(str(c) for c in changes)))
    return out
