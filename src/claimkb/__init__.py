"""claimkb: a claim-and-source fact-checking knowledge base.

Every statement of a document becomes an RDF claim that records who asserted it, where it appears,
when, what exactly (quantity, unit, hedge) and the exact words; SPARQL queries trace numbers to their
sources and find where sources disagree.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
