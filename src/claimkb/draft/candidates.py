"""Candidates from the knowledge base for a drafted figure: the measured quantities it may measure, ranked by
the words of their label and definition and by unit, and the claims it may relay (same quantity or same
value, a compatible value interval, an earlier date), each with a score the reviewer sees.

Every lookup is a catalogue query bound to one quantity, value or claimant, so a draft reads a few rows
however large the knowledge base is. The value rules are `rules.value_interval` and `rules.disjoint`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from .. import rules

STOP = {"the", "of", "a", "an", "and", "or", "in", "on", "at", "to", "for", "by", "from", "with", "as", "is",
        "are", "was", "were", "has", "have", "had", "be", "been", "that", "this", "its", "their", "it",
        "than", "one", "per", "up", "which", "who", "not", "into", "over", "since", "after", "before", "would",
        "will", "could", "should"}
# words a sentence uses for a quantity's aggregation
AGGREGATION_WORDS = {
    "Cumulative": {"since", "total", "cumulative", "so far", "to date", "running", "accumulated", "overall"},
    "DailyAverage": {"average", "per day", "a day", "daily", "each day"},
    "PeriodTotal": {"in october", "over the last week", "last week", "in one", "during", "in the first half",
                    "month", "week", "year"},
    "Share": {"%", "per cent", "percent", "share", "proportion", "of ukrainians", "of respondents"},
    "PointInTime": {"now", "currently", "at present", "remain", "are", "is"},
}


def stem(word: str) -> str:
    word = word.lower().strip("’'")
    for suffix, repl in (("ies", "y"), ("ves", "f"), ("ses", "s"), ("s", "")):
        if len(word) > 4 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)] + repl
    return word


def words(text: str) -> set[str]:
    return {stem(w) for w in re.findall(r"[A-Za-z][A-Za-z’'-]*", text.replace("’s", "").replace("'s", ""))
            if w.lower() not in STOP and len(w) > 1}


@dataclass(frozen=True)
class QuantityCandidate:
    id: str
    label: str
    unit: str
    aggregation: str
    score: float
    why: str


def compatible_units(a: str | None, b: str | None) -> bool:
    """Units that may name the same thing: equal, or both a share of something."""
    if not a or not b:
        return True
    a, b = a.lower(), b.lower()
    return a == b or (a.startswith("share") and b.startswith("share"))


def rank_quantities(quantities: list[dict], local: str, sentence: str, unit: str | None,
                    aggregation_hint: str | None, limit: int = 3, span_words: str = "") -> list[QuantityCandidate]:
    """The knowledge base's measured quantities that best fit a figure: words of the figure's own phrase
    (weighted three times) and of its sentence found in the label (and, less, the definition), the unit, and the
    aggregation the sentence suggests. `span_words` ("calendar month") only break ties: a quantity must share
    a word of the text itself."""
    near, far, span = words(local), words(sentence), words(span_words)
    ranked = []
    for q in quantities:
        label, definition = words(q["label"]), words(q.get("definition") or "")
        if not label:
            continue
        hit_near = label & near
        hit_far = (label & far) - hit_near
        if not hit_near and not hit_far:
            continue
        score = (3 * len(hit_near) + len(hit_far)) / (3 * len(label))
        score += 0.05 * len((label & span) - hit_near - hit_far)
        score += 0.1 * len((definition - label) & near) / max(len(definition), 1) * 5
        reasons = []
        if hit_near or hit_far:
            reasons.append("label words " + ", ".join(sorted(hit_near | hit_far)))
        if unit and q.get("unit") == unit:
            score += 0.25
            reasons.append(f"unit {unit}")
        elif unit and not compatible_units(unit, q.get("unit")):
            score -= 0.3
            reasons.append(f"unit {q.get('unit')}, not {unit}")
        agg = q.get("aggregation") or ""
        if aggregation_hint and agg == aggregation_hint:
            score += 0.2
            reasons.append(f"{agg} (the sentence says so)")
        elif aggregation_hint and agg and agg != aggregation_hint:
            score -= 0.1
        score += 0.01 * min(int(q.get("claims") or 0), 5)  # a quantity in use: a slight preference
        ranked.append(QuantityCandidate(q["id"], q["label"], q.get("unit") or "", agg, round(min(score, 1.0), 3),
                                        "; ".join(reasons) or "no shared words"))
    ranked.sort(key=lambda c: (-c.score, c.id))
    return ranked[:limit]


def aggregation_hint(sentence: str, figure_text: str, share: bool, period_kind: str | None) -> str | None:
    """The aggregation a sentence suggests for one of its figures."""
    lowered = sentence.lower()
    if share:
        return "Share"
    if re.search(r"\b(?:average|per day|a day|daily)\b", lowered):
        return "DailyAverage"
    if period_kind == "since" or re.search(r"\b(?:since|so far|to date|in total|cumulative)\b", lowered):
        return "Cumulative"
    if period_kind in ("week of", "half", "month", "between", "year"):
        return "PeriodTotal"
    if re.search(r"\b(?:have lost|has lost|have been|has been|lost)\b", lowered):
        return "Cumulative"
    return None


@dataclass(frozen=True)
class RelayCandidate:
    claim: str
    score: float
    why: str


def _decimal(value) -> Fraction | None:
    if value is None:
        return None
    try:
        return Fraction(Decimal(str(value)))
    except (ValueError, ArithmeticError):
        return None


def relay_candidates(kb, *, value: Fraction | None, comparator: str, as_written: str, minimum=None,
                     maximum=None, quantities: list[QuantityCandidate], claimant: str | None, before: date,
                     words_of_claim: str, own_document: str, limit: int = 3) -> list[RelayCandidate]:
    """Claims already in the knowledge base that this figure may relay: the same value (`claims-with-value`)
    or a compatible figure of a candidate quantity (`comparable-values`), asserted by `before`."""
    from ..results import Term

    interval = rules.value_interval(value, comparator, minimum=minimum, maximum=maximum, as_written=as_written)
    found: dict[str, dict] = {}
    if value is not None:
        decimal = rules.to_decimal(value)
        for row in kb.query("claims-with-value", value=format(decimal, "f")):
            found.setdefault(row["claim"], {"same_value": True})
    top = {q.id: rank for rank, q in enumerate(quantities[:2])}
    for qid, rank in top.items():
        rows = kb.session.run("comparable-values", {"quantity": Term.iri(_qk(qid))}).rows
        for row in rows:
            low = _decimal(row["low"].value) if "low" in row else None
            high = _decimal(row["high"].value) if "high" in row else None
            if rules.disjoint(interval.low, interval.high, low, high):
                continue
            entry = found.setdefault(row["claim"].value, {})
            entry["quantity"] = (qid, rank)
    if not found:
        return []
    details = kb.session.run("claims", {"claim": [Term.iri(c) for c in found]}).rows
    info: dict[str, dict] = {}
    for row in details:
        claim = row["claim"].value
        item = info.setdefault(claim, {"claimants": set(), "text": row["text"].value,
                                       "document": row["document"].value.rsplit("/", 1)[-1]})
        if "claimant" in row:
            item["claimants"].add(row["claimant"].value.rsplit("/", 1)[-1])
        if "assertedStart" in row:
            item["asserted"] = date.fromisoformat(row["assertedStart"].value)
        if "quantity" in row:
            item["quantity"] = row["quantity"].value.rsplit("/", 1)[-1]
        if "value" in row:
            item["value"] = _decimal(row["value"].value)
    mine = words(words_of_claim)
    out = []
    for claim, entry in found.items():
        known = info.get(claim)
        if known is None or known["document"] == own_document:
            continue  # the document's own claims are what the draft replaces
        asserted = known.get("asserted")
        if asserted is not None and asserted > before:
            continue  # a relay cannot repeat what was said later
        score, why = 0.0, []
        if entry.get("same_value"):
            score += 0.45
            why.append("same value")
        if "quantity" in entry:
            qid, rank = entry["quantity"]
            score += 0.3 if rank == 0 else 0.15
            why.append(f"quantity {qid}" + ("" if rank == 0 else " (second candidate)"))
            if not entry.get("same_value"):
                why.append("compatible value")
        if claimant and claimant in known["claimants"]:
            score += 0.1
            why.append("same claimant")
        overlap = len(mine & words(known["text"])) / max(len(mine), 1)
        score += 0.15 * overlap
        if asserted is not None:
            why.append(f"asserted {asserted}")
        out.append(RelayCandidate(claim.rsplit("/", 1)[-1], round(min(score, 1.0), 3), "; ".join(why)))
    out.sort(key=lambda c: (-c.score, c.claim))
    return out[:limit]


def text_relay_candidates(kb, *, claimant: str | None, quotation: str | None, text: str, before: date,
                          own_document: str, limit: int = 3) -> list[RelayCandidate]:
    """Claims by the same claimant (or quoting the same words) that a statement without a figure may relay:
    ranked by the words they share, asserted by `before`."""
    from ..results import Term

    if not claimant or claimant == "unattributed":
        return []
    agents = [(claimant, "same claimant")]
    for row in kb.session.run("related-agents", {"agent": Term.iri(_agent(claimant))}).rows:
        other = row["related"].value.rsplit("/", 1)[-1]
        kin = "parent organisation" if row["relation"].value == "parent" else "sub-organisation"
        agents.append((other, f"claimant's {kin} {other}"))
    rows = []
    for agent, relation in agents:
        rows += [(row, relation)
                 for row in kb.session.run("claims-by-claimant", {"claimant": Term.iri(_agent(agent))}).rows]
    mine = words(quotation or text)
    out = []
    for row, relation in rows:
        claim = row["claim"].value.rsplit("/", 1)[-1]
        if row["document"].value.rsplit("/", 1)[-1] == own_document:
            continue
        if "assertedStart" in row and date.fromisoformat(row["assertedStart"].value) > before:
            continue
        theirs = words(row["text"].value)
        if not mine or not theirs:
            continue
        overlap = len(mine & theirs) / len(mine | theirs)
        if overlap < 0.05:
            continue
        score = (0.2 if relation == "same claimant" else 0.15) + 0.6 * overlap
        out.append(RelayCandidate(claim, round(min(score, 1.0), 3),
                                  f"{relation}; {len(mine & theirs)} shared words"))
    out.sort(key=lambda c: (-c.score, c.claim))
    return out[:limit]


def _qk(qid: str) -> str:
    from ..namespaces import QK

    return f"{QK}{qid}"


def _agent(agent_id: str) -> str:
    from ..namespaces import AGENT

    return f"{AGENT}{agent_id}"
