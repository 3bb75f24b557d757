"""The words behind a relay finding: what a relay printed against what its source printed.

A hop says *that* the value, hedge, period or quoted words changed (`rules.hop_changes`); this module
says *which words*: both quotes and their word-level changes (`wording.word_changes`), the figures with
their hedges in words ("more than 2/3" against "around two-thirds"), and the periods as each claim
words them ("September 2024 survey" against "now"). Plain values in, plain values out.
"""

from __future__ import annotations

from . import rules
from .records import Hop

# what a figure may start with that stands for its comparator's words (">2/3" is "more than 2/3")
_SYMBOLS = ("≥", ">=", "≤", "<=", ">", "<", "~", "≈")


def figure_in_words(as_written: str | None, comparator: str | None, unit: str | None = None) -> str | None:
    """The figure as printed, its hedge spelled in words: (">2/3", MoreThan) -> "more than 2/3";
    ("around two-thirds", Approximately) -> "around two-thirds"; None when the claim has no figure."""
    if as_written is None:
        return None
    text = rules.figure_text(as_written, comparator, unit)
    for symbol in _SYMBOLS:
        if text.startswith(symbol):
            words = rules.hedge_words(as_written, comparator)
            return f"{words} {text[len(symbol):].lstrip()}" if words else text[len(symbol):].lstrip()
    return text


def period_in_words(phrase: str | None, dates: str | None) -> str | None:
    """"now (2024-11-05..2024-11-06)"; the dates alone when the claim words no period."""
    if phrase and dates:
        return f"{phrase} ({dates})"
    return phrase or dates


def annotate(hop: Hop, relay_figure: str | None, source_figure: str | None) -> Hop:
    """The hop with the words each side printed for what changed, and each change "old -> new".
    `relay_figure` and `source_figure` are the figures with their hedges in words (`figure_in_words`)."""
    from .wording import word_changes  # difflib: only when a hop changed

    wording: tuple[str, ...] = ()
    if hop.wording == "changed" and hop.relay_quote is not None and hop.source_quote is not None:
        wording = tuple(str(c) for c in word_changes(hop.source_quote, hop.relay_quote))
    relay_parts: list[str] = []
    source_parts: list[str] = []
    changes: list[str] = list(wording)
    if hop.wording == "changed":
        relay_parts.append(hop.relay_quote or "")
        source_parts.append(hop.source_quote or "")
    if (hop.value == "changed" or hop.hedge == "changed") and (relay_figure or source_figure):
        relay_parts.append(relay_figure or "")
        source_parts.append(source_figure or "")
        changes.append(f"{source_figure or '(no figure)'} -> {relay_figure or '(no figure)'}")
    if hop.period == "changed":
        relay_period = period_in_words(hop.relay_period_phrase, hop.relay_period)
        source_period = period_in_words(hop.source_period_phrase, hop.source_period)
        relay_parts.append(relay_period or "")
        source_parts.append(source_period or "")
        changes.append(f"{source_period} -> {relay_period}")
    return hop._replace(
        wording_changes=wording, changes=tuple(changes),
        relay_words="; ".join(relay_parts) if relay_parts else None,
        source_words="; ".join(source_parts) if source_parts else None)


def wording_reason(hop: Hop) -> str:
    """"quoted words differ from the source's: fling -> flight; the grinder -> the meat grinder"."""
    text = "quoted words differ from the source's"
    return f"{text}: {'; '.join(hop.wording_changes)}" if hop.wording_changes else text


def period_reason(hop: Hop) -> str:
    """"period 2024-09-01..2024-09-30 ('September 2024 survey') -> 2024-11-05..2024-11-06 ('now')"."""
    def side(dates: str | None, phrase: str | None) -> str:
        return f"{dates} ('{phrase}')" if dates and phrase else (dates or (f"'{phrase}'" if phrase else "none"))

    return (f"period {side(hop.source_period, hop.source_period_phrase)} -> "
            f"{side(hop.relay_period, hop.relay_period_phrase)}")
