"""A draft's candidate claims -> the claim sheet (as data): dates, quantities, relays and the review markers."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .. import rules
from ..model import YARDSTICK
from . import attribution, candidates, figures
from . import text as article_text
from . import when as dates_in
from .claims import Candidate, _nearest, _scope

KB_QUANTITY_THRESHOLD = 0.5  # a knowledge-base quantity scoring less is offered, and a new one declared
RELAY_THRESHOLD = 0.5  # a relay candidate scoring at least this goes into `relays:` (still for review)


@dataclass
class Draft:
    sheet: dict[str, Any]
    article: article_text.Article
    sha256: str
    counts: dict[str, int]
    archived: str | None = None  # the archive path when this draft wrote the archived copy

    def yaml(self) -> str:
        from .sheet import to_yaml

        return to_yaml(self)


def _fraction_text(value: Fraction) -> str:
    if rules.is_finite_decimal(value):
        return format(rules.to_decimal(value), "f")
    return f"{value.numerator}/{value.denominator}"


def _hedge(words: str) -> str | None:
    lowered = words.lower()
    for phrase in sorted(YARDSTICK, key=len, reverse=True):
        if re.search(rf"\b{re.escape(phrase)}\b", lowered):
            return phrase
    return None


def assemble(kb, article, raw, found: list[Candidate], agents, author, quantities, *, published, doc_id,
             archive, url, recorded_on) -> Draft:
    """The sheet of the candidates `claims.find` gave: one claim each, with dates, a quantity (of the knowledge
    base, or declared here) and relays, and a `review:` marker on every guess."""
    text = article.text
    attribution_cache: dict[int, list] = {}
    asserted_of: dict[int, dict] = {}
    found_before: list[Candidate] = []
    claims: list[dict] = []
    new_quantities: dict[str, dict] = {}
    new_by_key: dict[tuple, str] = {}
    for n, cand in enumerate(found, start=1):
        s = cand.sentence
        guessed = ["text"]
        claim: dict[str, Any] = {"id": f"{doc_id}-c{n:02d}", "text": _normalise(s.text)}
        claimant = cand.claimant.id if cand.claimant else "unattributed"
        claim["claimant"] = claimant
        claim["carriage"] = cand.carriage
        guessed += ["claimant", "carriage"]
        if cand.cue_words:
            claim["cue"] = cand.cue_words
        claim["anchor"] = s.text
        occurrence = text.count(s.text, 0, s.start + len(s.text) - 1) if text.count(s.text) > 1 else 1
        if occurrence > 1:
            claim["anchor_occurrence"] = occurrence
        if cand.quote is not None:
            quoted = text[cand.quote.start:cand.quote.end]
            if quoted and quoted in s.text:
                claim["quotation"] = quoted
        # dates
        whens = dates_in.find(s.text, published)
        sentence_cues = [c for c, _ in attribution_cache.setdefault(s.index, [(c, None) for c in
                                                                              attribution.find_cues(s.text)])]
        said_when = {id(w): c for c in sentence_cues for w in whens if _said_at(c, w)}
        asserted = next((w for w in whens if said_when.get(id(w)) is not None and cand.cue is not None
                         and said_when[id(w)].start == cand.cue.start), None)
        claim["asserted"] = dates_in.spec(asserted) if asserted else {"unstated": True}
        if asserted is None and cand.inherits is not None and cand.inherits is not cand:
            claim["asserted"] = asserted_of.get(id(cand.inherits), {"unstated": True})
        elif asserted is None and cand.cue is not None and cand.cue.words.lower() in ("added", "adds") and found_before:
            last = found_before[-1]
            if last.claimant is cand.claimant and last.sentence.index == s.index - 1:
                claim["asserted"] = asserted_of.get(id(last), {"unstated": True})
        asserted_of[id(cand)] = claim["asserted"]
        found_before.append(cand)
        guessed.append("asserted")
        rest = [w for w in whens if id(w) not in said_when
                and not any(c.start <= w.start < c.end for c in sentence_cues)]
        period = None
        if cand.figure is not None and rest:
            f0, f1 = cand.figure.start, cand.figure.end
            clause = _clause(s.text, f0)
            inside = [w for w in rest if clause[0] <= w.start and w.end <= clause[1]]
            inside += [w for w in rest if w not in inside and _aside(s.text, w)]  # "Veloria’s last flood, in 2019, ..."
            period = _nearest(inside, f0, f1) if inside else None
            if period is not None and period.kind in ("weekday", "relative") and period.start < f0 - 60:
                period = None
        elif cand.figure is None and rest:
            scope = cand.scope or (_scope(s.text, cand.cue) if cand.cue is not None else (0, len(s.text)))
            period = next((w for w in rest if w.kind not in ("weekday",) and scope[0] <= w.start < scope[1]), None)
        if period is not None:
            if period.since:
                spec = dates_in.spec(period)
                spec.pop("end")
                spec["cumulative"] = True
                spec["as_of"] = dates_in.spec(asserted) if asserted else "published"
                claim["period"] = spec
            else:
                claim["period"] = dates_in.spec(period)
            guessed.append("period")
        hedge = _hedge(s.text if cand.quote is None else text[cand.quote.start:cand.quote.end])
        if hedge:
            claim["hedge"] = hedge
        review: dict[str, Any] = {}
        if cand.figure is not None:
            fig = cand.figure
            local = _local(s.text, fig, period)
            hint = candidates.aggregation_hint(s.text, fig.as_written, fig.share,
                                               period.kind if period is not None else None)
            ranked = candidates.rank_quantities(quantities, local, s.text, fig.unit, hint,
                                                span_words=_span_words(period))
            q: dict[str, Any] = {}
            if ranked and ranked[0].score >= KB_QUANTITY_THRESHOLD:
                q["measures"], unit = ranked[0].id, ranked[0].unit
            else:
                qid = _new_quantity(new_quantities, new_by_key, doc_id, fig, hint, period, s.text)
                q["measures"], unit = qid, new_quantities[qid]["unit"]
            if fig.value is not None:
                q["value"] = _fraction_text(fig.value)
            q["as_written"] = fig.as_written
            q["unit"] = unit
            q["comparator"] = fig.comparator
            if fig.minimum is not None:
                q["min"] = _fraction_text(fig.minimum)
            if fig.maximum is not None:
                q["max"] = _fraction_text(fig.maximum)
            claim["quantity"] = q
            guessed += ["quantity.measures", "quantity.value", "quantity.unit", "quantity.comparator"]
            review["quantity_candidates"] = [
                {"id": c.id, "score": c.score, "unit": c.unit, "why": c.why} for c in ranked]
            relays = candidates.relay_candidates(
                kb, value=fig.value, comparator=fig.comparator, as_written=fig.as_written, minimum=fig.minimum,
                maximum=fig.maximum, quantities=ranked, claimant=claimant, before=published,
                words_of_claim=s.text, own_document=doc_id)
        else:
            scope = cand.scope or (_scope(s.text, cand.cue) if cand.cue is not None else (0, len(s.text)))
            relays = [r for r in candidates.text_relay_candidates(
                kb, claimant=claimant, quotation=claim.get("quotation"), text=s.text[scope[0]:scope[1]],
                before=published,
                own_document=doc_id)]
        if relays:
            review["relay_candidates"] = [{"claim": r.claim, "score": r.score, "why": r.why} for r in relays]
            if relays[0].score >= RELAY_THRESHOLD:
                claim["relays"] = [{"claim": relays[0].claim}]
                guessed.append("relays")
        review = {"guessed": guessed, "why": cand.how, **review}
        claim["review"] = review
        claims.append(claim)

    new_agents = []
    used_agents = {c["claimant"] for c in claims} | ({author.id} if author else set())
    for guess in agents.by_id.values():
        if guess.new and guess.id in used_agents:
            new_agents.append({"id": guess.id, "label": guess.label, "kind": guess.kind, "type": guess.type,
                               "review": {"guessed": ["label", "kind", "type"], "why": guess.how}})
    title = next((s.text for s in article.sentences if s.headline), None) or (
        article.sentences[0].text if article.sentences else doc_id)
    document: dict[str, Any] = {"id": doc_id, "title": _normalise(title)[:200], "kind": "news-article"}
    if author is not None and author.kind == "news-outlet" and (author.new or author.id != f"{doc_id.lower()}-author"):
        document["publisher"] = author.id
    if url:
        document["url"] = url
    document["published"] = {"start": published.isoformat(), "precision": "day"}
    document["certainty"] = "medium"
    document["archive"] = archive
    document["archive_sha256"] = hashlib.sha256(raw).hexdigest()
    document["review"] = {
        "guessed": ["title", "kind", "certainty"] + (["publisher"] if "publisher" in document else [])}
    sheet: dict[str, Any] = {"document": document}
    if recorded_on is not None:
        sheet["curation"] = {"recorded_on": recorded_on.isoformat()}
    if new_agents:
        sheet["agents"] = new_agents
    if new_quantities:
        sheet["quantities"] = list(new_quantities.values())
    sheet["claims"] = claims
    counts = {"claims": len(claims), "figures": sum(1 for c in claims if "quantity" in c),
              "quotations": sum(1 for c in claims if "quotation" in c), "agents": len(new_agents),
              "quantities": len(new_quantities), "relays": sum(1 for c in claims if "relays" in c)}
    return Draft(sheet, article, hashlib.sha256(raw).hexdigest(), counts)


def _said_at(cue: attribution.Cue, w) -> bool:
    """Is the date phrase `w` when the cue's claimant said it ("said on Tuesday", "published yesterday by")?"""
    if cue.date_from is None:
        return False
    if cue.kind == "according":
        return cue.date_from <= w.start < cue.date_from + 40
    return 0 <= w.start - cue.date_from <= 2


def _clause(sentence: str, at: int) -> tuple[int, int]:
    """The clause around offset `at`: between commas, semicolons and dashes."""
    bounds = [m.end() for m in re.finditer(r",\s|;\s|\s[–—]\s", sentence)]
    start = max([b for b in bounds if b <= at], default=0)
    ends = [m.start() for m in re.finditer(r",\s|;\s|\s[–—]\s", sentence) if m.start() >= at]
    return start, min(ends, default=len(sentence))


def _aside(sentence: str, w) -> bool:
    """A date phrase standing alone between commas, as an aside to the clause around it."""
    return bool(re.search(r",\s*$", sentence[:w.start])) and bool(re.match(r"\s*,", sentence[w.end:]))


def _local(sentence: str, fig: figures.Figure, period) -> str:
    """The words of a figure's own phrase: up to three words before it in its clause, its noun, and an
    "of ..." after it; plus words for the span of its period ("calendar month", "week")."""
    before = re.split(r"[,;:()]|\s(?:and|or)\s", sentence[:fig.start])[-1].split()[-3:]
    after = re.split(r"[,;:()]|\s(?:and|but|while|that|which|who|have|has|had|is|are|was|were|will|would|"
                     r"to|remain|remains)\s", sentence[fig.end:])[0].split()[:7]
    return " ".join(before + [fig.as_written] + after)


def _span_words(period) -> str:
    """Words for the span of a figure's period ("calendar month", "week"): they break ties between
    quantities that differ only in their span."""
    if period is None:
        return ""
    start, end, precision = period.resolved[0], period.resolved[1], period.resolved[2]
    if period.since:
        return "cumulative"
    if precision == "month" and start.day == 1 and (end - start).days >= 27:
        return "calendar month"
    if precision == "week":
        return "week"
    if precision == "day" and start == end:
        return "day"
    return ""


def _normalise(sentence: str) -> str:
    return " ".join(sentence.split())


def _new_quantity(new_quantities: dict, by_key: dict, doc_id: str, fig: figures.Figure, hint: str | None,
                  period, sentence: str) -> str:
    unit = fig.unit or "count"
    noun = fig.noun or unit
    aggregation = {"Cumulative": "cumulative", "DailyAverage": "daily-average", "PeriodTotal": "period-total",
                   "Share": "share", "PointInTime": "point-in-time"}.get(hint or "", None)
    if aggregation is None:
        aggregation = "period-total" if period is not None and not period.since else "point-in-time"
    key = (unit, noun.lower(), aggregation)
    if key in by_key:
        return by_key[key]
    base = attribution.slug(f"{doc_id} {noun}")[:50].strip("-")
    ident, n = base, 2
    while ident in new_quantities:
        ident, n = f"{base}-{n}", n + 1
    excerpt = " ".join(sentence.split())
    new_quantities[ident] = {
        "id": ident,
        "label": f"{noun[:1].upper()}{noun[1:]} ({unit})",
        "definition": f"What the figure {fig.as_written!r} counts in: \"{excerpt[:160]}\". Say exactly what is "
                      "counted, where and over what time before accepting.",
        "unit": unit,
        "aggregation": aggregation,
        "review": {"guessed": ["label", "definition", "unit", "aggregation"],
                   "why": "no quantity of the knowledge base fits well enough"},
    }
    by_key[key] = ident
    return ident
