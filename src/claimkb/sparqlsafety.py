"""Refuse queries that would reach the network or local files, before any engine sees them.

A small lexer removes comments, strings and IRIs, then looks for the keywords SERVICE, LOAD, FROM (which
also covers FROM NAMED) and any update keyword. Variables that merely contain those words are not
keywords. The lexer errs on the side of refusing: a prefix spelled like one of those keywords is refused
(`SERVICE:x` is the keyword to some parsers), and `<...>` counts as an IRI only with a scheme and no
quote in it, so that a less-than sign cannot hide the rest of a line from the check.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .errors import UsageError

_TOKEN_PATTERN = (
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[A-Za-z][A-Za-z0-9+.-]*:[^<>"'{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-.]*(?::[^\s(){}\[\],;]*)?|:[^\s(){}\[\],;]*)
  | (?P<other>.)
    """
)


@lru_cache(maxsize=1)
def _tokens() -> re.Pattern[str]:
    return re.compile(_TOKEN_PATTERN, re.VERBOSE | re.DOTALL)

FORBIDDEN = {
    "SERVICE": "SERVICE would make the engine fetch data from another endpoint or a file",
    "LOAD": "LOAD would read a URL or a local file into the store",
    "FROM": "FROM / FROM NAMED would read another graph, a URL or a local file",
}
UPDATES = {"INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
MAX_QUERY_CHARS = 200_000
MAX_NESTING = 64  # brackets deep; a few thousand crash the query engine's recursive parser


def keywords(query: str) -> list[str]:
    """Upper-cased bare words outside comments, strings and IRIs (prefixed names excluded)."""
    return _scan(query)[0]


def _scan(query: str) -> tuple[list[str], int]:
    """The bare words, and the deepest nesting of (), {} and [] outside comments, strings and IRIs."""
    words = []
    depth = deepest = 0
    for match in _tokens().finditer(query):
        kind, text = match.lastgroup, match.group()
        if kind == "word":
            words.append(text.split(":", 1)[0].upper())  # a prefixed name's prefix counts as a word
        elif kind == "other":
            if text in "({[":
                depth += 1
                deepest = max(deepest, depth)
            elif text in ")}]":
                depth -= 1
    return words, deepest


def check_read_only(query: str) -> None:
    """Raise UsageError for a query that is too large, reaches outside the store, or updates it."""
    if len(query) > MAX_QUERY_CHARS:
        raise UsageError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    if re.search(r"\\[uU]", query):
        # SPARQL expands \u escapes before parsing: they could spell a forbidden keyword.
        raise UsageError(
            "the query contains a \\u or \\U escape, which claimkb does not accept",
            hint="write the character itself instead of its escape",
        )
    found_words, deepest = _scan(query)
    if deepest > MAX_NESTING:
        raise UsageError(f"the query nests brackets {deepest} deep, more than the {MAX_NESTING} claimkb accepts",
                         hint="flatten the query")
    words = set(found_words)
    for word, why in FORBIDDEN.items():
        if word in words:
            raise UsageError(f"the query uses {word}, which claimkb refuses: {why}",
                             hint="query only the knowledge base; load other data with `claimkb import`")
    found = sorted(words & UPDATES)
    if found:
        raise UsageError(f"the query uses {found[0]}: claimkb runs read-only queries only",
                         hint="change the knowledge base with `claimkb import`")
