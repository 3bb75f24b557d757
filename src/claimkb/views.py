"""Human layouts of the documents `trace` and `claim` answer with, registered in `render.LAYOUTS`."""

from __future__ import annotations

from datetime import date

from . import rules
from .namespaces import compact
from .records import Claim, Comparison, Hop, Trace, TracedClaim, Verdict
from .render import LAYOUTS, Options, key_values, shorten


def _span(start: date | None, end: date | None) -> str:
    if start and end and start != end:
        return f"{start}..{end}"
    if start or end:
        return str(start) if start else f"by {end}"
    return ""


def _dates(start: date | None, end: date | None, phrase: str | None, inferred: bool | None) -> str:
    text = _span(start, end)
    extras = [f"'{phrase}'" if phrase else "", "inferred" if inferred else ""]
    extra = ", ".join(e for e in extras if e)
    return f"{text} ({extra})" if extra and text else (text or extra)


def _claimants(claim: Claim) -> str:
    return "; ".join(f"{a.label} ({a.kind})" if a.kind else a.label for a in claim.claimants)


def _figure(claim: Claim) -> str:
    if claim.value_as_written is None:
        return ""
    text = rules.figure_text(claim.value_as_written, claim.comparator, claim.unit, claim.min_value, claim.max_value)
    if claim.formulaic:
        text += " (formulaic hedge: compared as exact)"
    return f"{text}  [{claim.quantity_label}]" if claim.quantity_label else text


def claim_lines(claim: Claim, indent: str = "    ") -> str:
    carriage = (claim.carriage or "") + (f", cue '{claim.cue}'" if claim.cue else "")
    period = _dates(claim.period_start, claim.period_end, claim.period_phrase, None)
    if claim.as_of_start or claim.as_of_end:
        period = f"{period}; as of {_span(claim.as_of_start, claim.as_of_end)}"
    document = f"{compact(claim.document)} {shorten(claim.headline or '', 70)!r}"
    return key_values([
        ("value", _figure(claim)),
        ("claimant", f"{_claimants(claim)}; {carriage}"),
        ("derived", f"computed, not stated: {claim.derivation}" if claim.derivation else ""),
        ("hedge", claim.hedge or ""),
        ("asserted", _dates(claim.asserted_start, claim.asserted_end, claim.asserted_phrase, claim.asserted_inferred)),
        ("period", period),
        ("document", document),
        ("publisher", claim.publisher or "not recorded"),
        ("published", str(claim.published or "")),
        ("quote", f"\u201c{claim.quote}\u201d" if claim.quote else "no anchored quote (no archived text)"),
    ], indent=indent)


def hop_line(hop: Hop) -> str:
    states = [f"{field} {getattr(hop, field).upper() if getattr(hop, field) == 'changed' else getattr(hop, field)}"
              for field in rules.HOP_FIELDS]
    who = " / ".join(a.label for a in hop.source_claimants)
    differs = {a.agent for a in hop.source_claimants} != {a.agent for a in hop.relay_claimants}
    line = f"-> {compact(hop.source)} ({who}{', claimant differs' if differs and who else ''}"
    if hop.source_published:
        line += f", published {hop.source_published}"
    line += "): " + ", ".join(states)
    if hop.reason:
        line += f"\n      {hop.reason}"
    if hop.wording == "changed" and hop.relay_quote and hop.source_quote:
        line += f"\n      printed \u201c{hop.relay_quote}\u201d\n      source  \u201c{hop.source_quote}\u201d"
    return line


def chain_lines(chain: tuple[Hop, ...], earliest: tuple[str, ...], indent: str = "    ") -> str:
    if not chain:
        return f"{indent}chain: none; this is the earliest claim the knowledge base has for it\n"
    lines = [f"{indent}chain:\n"]
    for hop in chain:
        lines.append(indent + "  " * hop.depth + hop_line(hop) + "\n")
    lines.append(f"{indent}earliest in the knowledge base: {', '.join(compact(o) for o in earliest)}\n")
    return "".join(lines)


def compared_lines(compared: tuple[Comparison, ...], totals: dict[str, int], indent: str = "    ") -> str:
    if not compared:
        return ""
    order = {name: i for i, name in enumerate(rules.RELATIONS)}
    counts = ", ".join(f"{n} {relation}" for relation, n in sorted(totals.items(), key=lambda kv: order[kv[0]]))
    lines = [f"{indent}same measured quantity ({counts}):\n"]
    for c in compared:
        detail = f"; {c.detail}" if c.detail else ""
        lines.append(f"{indent}  {c.relation:<21} {compact(c.other)}  {c.other_figure}  ({c.other_window}{detail})\n")
    if len(compared) < sum(totals.values()):
        lines.append(f"{indent}  ... {sum(totals.values()) - len(compared)} more (see --format json for the totals)\n")
    return "".join(lines)


def verdict_lines(reviews: tuple[Verdict, ...], indent: str = "    ") -> str:
    """A fact-checker's verdict, kept apart from the claimant's own hedge: rating, who, when, where, why."""
    lines = []
    for v in reviews:
        lines.append(f"{indent}verdict: {v.summary()}\n")
        lines.append(key_values([("review", v.url), ("explanation", v.explanation or "")], indent=indent + "  "))
    return "".join(lines)


def traced_text(item: TracedClaim, number: int | None, written: dict | None = None) -> str:
    """A traced claim's block. `written`: the comparisons' lines already written for this answer, by the
    comparisons and their totals (a popular value's carriers share the records of their comparisons)."""
    claim = item.claim
    head = f"[{number}] " if number is not None else ""
    match = f"    match      {item.match}\n" if item.match else ""
    written = {} if written is None else written
    key = (id(item.compared), tuple(item.totals.items()))
    hit = written.get(key)
    if hit is None:  # the tuple is held beside its lines, so that its id is not reused
        hit = written[key] = (item.compared, compared_lines(item.compared, item.totals))
    compared = hit[1]
    return (f"{head}{compact(claim.claim)}  {claim.text}\n" + match + claim_lines(claim)
            + chain_lines(item.chain, item.earliest) + compared + verdict_lines(item.reviews))


def trace_text(trace: Trace, options: Options) -> str:
    parts = [trace_heading(trace) + "\n\n"]
    written: dict = {}
    parts += [traced_text(item, i, written) + "\n" for i, item in enumerate(trace.claims, start=1)]
    return "".join(parts).rstrip("\n") + "\n"


def trace_heading(trace: Trace) -> str:
    """"701650: 2 claims carry this value"; a range, or a phrase, says what was searched."""
    n = len(trace.claims)
    if trace.value is None:
        found = trace.found if trace.found is not None else n
        more = f" (the best {n} shown)" if found > n else ""
        return (f"{trace.query!r}: {found} claim{'s have' if found != 1 else ' has'} these words, exactly, nearly "
                f"or in a relay{more}")
    if trace.low is not None or trace.high is not None:
        span = (f"{rules.number_text(trace.low)} to {rules.number_text(trace.high)}"
                if trace.low is not None and trace.high is not None
                else f"{rules.number_text(trace.low)} or more" if trace.low is not None
                else f"up to {rules.number_text(trace.high)}")
        return f"{trace.query} ({span}): {n} claim{'s state' if n != 1 else ' states'} a figure in this range"
    return f"{trace.query}: {n} claim{'s carry' if n != 1 else ' carries'} this value"


def claim_text(detail: TracedClaim, options: Options) -> str:
    return traced_text(detail, None)


LAYOUTS["Trace"] = trace_text
LAYOUTS["TracedClaim"] = claim_text
