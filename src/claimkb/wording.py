"""Which words changed between a source's text and a relay of it: a word-level diff, and how alike two
quotes are.

    >>> [str(c) for c in word_changes("as bits of meat to fling into the grinder.",
    ...                               "bits of meat to flight into the meat grinder")]
    ['fling -> flight', 'the grinder -> the meat grinder']

A relay that quotes part of its source has not changed the words it left out: the source's words before
the first and after the last word the relay shares with it are not changes. Words are compared as
printed (case, punctuation and typographic quotes included), as the hop rule (`rules.hop_changes`)
compares the quoted words; `similarity` reads them casefolded, for finding quotes that are nearly the
same. Standard library only (difflib).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import NamedTuple

_TOKEN = re.compile(r"\w+(?:['\u2019\-]\w+)*|[^\w\s]")
_SPACE_BEFORE_NOT = re.compile(r" ([,.;:!?)\]}\u201d\u2019])")
_SPACE_AFTER_NOT = re.compile(r"([(\[{\u201c\u2018]) ")


class Change(NamedTuple):
    """One changed span: the source's words (`old`) and the relay's (`new`); '' for none."""

    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.old or '(nothing)'} -> {self.new or '(nothing)'}"


def tokens(text: str) -> list[str]:
    """Words (with inner apostrophes and hyphens) and punctuation marks, in order."""
    return _TOKEN.findall(text or "")


def join(words: list[str]) -> str:
    """Tokens back into text, without spaces before closing punctuation or after opening marks."""
    return _SPACE_AFTER_NOT.sub(r"\1", _SPACE_BEFORE_NOT.sub(r"\1", " ".join(words)))


class Run(NamedTuple):
    """One run of a diff: `op` is equal, delete, insert or replace; `old` and `new` the words of each side."""

    op: str
    old: str
    new: str


def _opcodes(old: list[str], new: list[str]) -> list[tuple[str, int, int, int, int]]:
    """The diff of two token lists; when they share words, the relay quotes a part of the source, and the
    source's words before the first and after the last shared one are no change."""
    ops: list[tuple[str, int, int, int, int]] = list(SequenceMatcher(None, old, new, autojunk=False).get_opcodes())
    if any(tag == "equal" for tag, *_ in ops):
        while ops and ops[0][0] == "delete":
            ops = ops[1:]
        while ops and ops[-1][0] == "delete":
            ops = ops[:-1]
        # a changed word at either end of the quote stands for as many source words as the relay prints
        # there; the source's words beyond them are outside the quote
        tag, i1, i2, j1, j2 = ops[-1]
        if tag == "replace" and j2 == len(new) and i2 - i1 > j2 - j1:
            ops[-1] = (tag, i1, i1 + (j2 - j1), j1, j2)
        tag, i1, i2, j1, j2 = ops[0]
        if tag == "replace" and j1 == 0 and i2 - i1 > j2 - j1:
            ops[0] = (tag, i2 - (j2 - j1), i2, j1, j2)
    return ops


def runs(source: str, relay: str) -> list[Run]:
    """The relay's words against the part of the source it quotes, run by run (to show the two as one)."""
    old, new = tokens(source), tokens(relay)
    return [Run(tag, join(old[i1:i2]), join(new[j1:j2])) for tag, i1, i2, j1, j2 in _opcodes(old, new)]


def differs(source: str | None, relay: str | None) -> bool:
    """True when both texts are given and the relay prints other words than the part it quotes."""
    return source is not None and relay is not None and bool(word_changes(source, relay))


def word_changes(source: str, relay: str) -> list[Change]:
    """The spans where `relay` prints other words than `source`, in the relay's order. A word added or
    left out is shown with a word of context on each side ("the grinder -> the meat grinder")."""
    old, new = tokens(source), tokens(relay)
    ops = _opcodes(old, new)
    out = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        if tag in ("insert", "delete"):  # widen by one word either side, so the change can be read
            before = 1 if i1 > 0 and j1 > 0 else 0
            after = 1 if i2 < len(old) and j2 < len(new) else 0
            i1, j1, i2, j2 = i1 - before, j1 - before, i2 + after, j2 + after
        out.append(Change(join(old[i1:i2]), join(new[j1:j2])))
    return out


def describe(changes: list[Change]) -> str:
    """"fling -> flight; the grinder -> the meat grinder"."""
    return "; ".join(str(c) for c in changes)


def _folded(text: str) -> list[str]:
    return [t.casefold().replace("\u2019", "'") for t in tokens(text) if t[0].isalnum()]


def similarity(a: str, b: str) -> float:
    """How alike two quotes are, 0 to 1, word by word (casefolded, punctuation ignored): 2 x the words
    they share in order / (the shorter quote's words + the words of the part of the longer one it lines
    up with). A quote of part of another scores on that part alone, so a fragment that prints one word
    differently scores high however long its source is."""
    x, y = _folded(a), _folded(b)
    if len(x) > len(y):
        x, y = y, x
    if not x:
        return 0.0
    blocks = [b for b in SequenceMatcher(None, x, y, autojunk=False).get_matching_blocks() if b.size]
    if not blocks:
        return 0.0
    shared = sum(b.size for b in blocks)
    span = blocks[-1].b + blocks[-1].size - blocks[0].b
    return 2 * shared / (len(x) + span)


def shared_words(a: str, b: str) -> int:
    """How many words two quotes share, in order (casefolded, punctuation ignored)."""
    x, y = _folded(a), _folded(b)
    return sum(b.size for b in SequenceMatcher(None, x, y, autojunk=False).get_matching_blocks())
