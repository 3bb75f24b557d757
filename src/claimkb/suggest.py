"""Did you mean: the known names closest to an unknown one (difflib's close matches, case-insensitive)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import get_close_matches


def _loose(text: str) -> str:
    """Casefolded, without leading zeros in numbers, spaces, hyphens or underscores: D01-c2 ~ D01-c02."""
    return re.sub(r"[\s_-]+", "", re.sub(r"\d+", lambda m: str(int(m.group())), text.casefold()))


def close_names(name: str, known: Iterable[str], count: int = 3, cutoff: float = 0.6) -> list[str]:
    """Up to `count` known names like `name`, best first, as the knowledge base spells them: the names
    equal to it but for case, zero padding and hyphens first, then difflib's close matches."""
    by_folded: dict[str, str] = {}
    for item in known:
        by_folded.setdefault(item.casefold(), item)
    loose = _loose(name.strip())
    same = [original for folded, original in by_folded.items() if _loose(folded) == loose]
    found = get_close_matches(name.strip().casefold(), list(by_folded), n=count, cutoff=cutoff)
    return list(dict.fromkeys(same + [by_folded[f] for f in found]))[:count]


def hint(name: str, known: Iterable[str], then: str) -> str:
    """"did you mean 'Keir Starmer'? list claimants with `claimkb who`" (or `then` alone)."""
    found = close_names(name, known)
    if not found:
        return then
    return f"did you mean {' or '.join(repr(f) for f in found)}? {then}"
