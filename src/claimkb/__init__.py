"""claimkb: a claim-and-source fact-checking knowledge base.

Every statement of a document becomes an RDF claim that records who asserted it, where it appears,
when, what exactly (quantity, unit, hedge) and the exact words; SPARQL queries trace numbers to their
sources and find where sources disagree.

    import claimkb
    kb = claimkb.open()                 # the bundled knowledge base; claimkb.open("path/to/kb"),
                                        # claimkb.open(endpoint="http://127.0.0.1:7878/query")
    kb.trace("701,650")                 # Trace: the claims carrying the number, chains, comparisons
    kb.who()                            # Records[Claimant]; .to_dicts(), .to_dataframe()
    kb.disagreements()                  # Records[Disagreement]
    kb.claim("D01-c02")                 # TracedClaim
    kb.sparql("SELECT ...")             # Records[dict]: an ad hoc read-only query, checked first
    kb.review("D01-c02", rating="False", url=..., author=..., recorded_on=date(...))  # a verdict (writes)

Pictures of a chain: `claimkb.pictures.PICTURES["svg"](kb.trace("701650"))` (also "dot", "mermaid");
a static HTML report: `claimkb.report.build(kb, "site/")`.

The names below are loaded on first use, so `import claimkb` stays cheap.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_PUBLIC = {
    "open": "api", "recover": "api", "locate": "api", "KnowledgeBase": "api",
    "KbError": "errors", "InputError": "errors", "UsageError": "errors", "ValidationFailed": "errors",
    "Agent": "records", "Claim": "records", "Claimant": "records", "ClaimSummary": "records",
    "Comparison": "records", "Disagreement": "records", "Finding": "records", "Hop": "records",
    "Records": "records", "Report": "records", "Trace": "records", "TracedClaim": "records",
    "Uncompared": "records", "Verdict": "records",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'claimkb' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"claimkb.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
