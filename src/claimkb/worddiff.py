"""Word-by-word differences between two texts (a relayed quote and its source, two claims' wordings).

`diff(a, b)` gives the runs of words that are equal, removed, added or replaced, in order; `changes`
says the replaced, removed and added words in short ("fling -> flight", "-about", "+nearly"), as a hop
label or a table cell shows them. Words are compared as they are written (case and punctuation count,
runs of whitespace do not). Pure functions of the standard library.
"""

from __future__ import annotations

import difflib
import re
from typing import NamedTuple

_WORD = re.compile(r"\S+")


class Run(NamedTuple):
    """One run of a diff: `op` is equal, delete, insert or replace; `old` and `new` the words of each side."""

    op: str
    old: str
    new: str


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def diff(old: str, new: str) -> list[Run]:
    """The runs of words that turn `old` into `new`, in order."""
    a, b = words(old), words(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return [Run(op, " ".join(a[i1:i2]), " ".join(b[j1:j2])) for op, i1, i2, j1, j2 in matcher.get_opcodes()]


def quoted_span(old: str, new: str) -> str:
    """The words of `old` that `new` quotes (with its changes): from the first matching word, less the
    words `new` has before it, to the last, plus the words `new` has after it."""
    a, b = words(old), words(new)
    blocks = [m for m in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks() if m.size]
    if not blocks:
        return old
    first, last = blocks[0], blocks[-1]
    start = max(0, first.a - first.b)
    end = min(len(a), last.a + last.size + (len(b) - last.b - last.size))
    return " ".join(a[start:end])


def changes(old: str, new: str, *, part: bool = False) -> list[str]:
    """What changed from `old` to `new`, one item per run: "fling -> flight", "-about", "+nearly".
    With `part`, `new` quotes a part of `old`: the words of `old` before and after it are not changes."""
    runs = diff(quoted_span(old, new) if part else old, new)
    out = []
    for run in runs:
        if run.op == "replace":
            out.append(f"{run.old} -> {run.new}")
        elif run.op == "delete":
            out.append(f"-{run.old}")
        elif run.op == "insert":
            out.append(f"+{run.new}")
    return out


def differs(old: str | None, new: str | None) -> bool:
    """True when both texts are given and their words differ."""
    return old is not None and new is not None and words(old) != words(new)
