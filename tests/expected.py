"""Expected data counts, in one place. Derived from the sheets where they can be, so that a sheet added
to a scratch copy of the knowledge base breaks no test; the few stated here are facts of the seed."""

from __future__ import annotations

import yaml

from .helpers import KB

SHEETS = sorted((KB / "sheets").glob("*.yaml"))


def _claims() -> list[dict]:
    out = []
    for path in SHEETS:
        out.extend(yaml.safe_load(path.read_text(encoding="utf-8")).get("claims") or [])
    return out


CLAIMS = len(_claims())
DOCUMENTS = len(SHEETS)


def _claimants(claim: dict) -> list[str]:
    who = claim.get("claimant")
    return who if isinstance(who, list) else [who]


CLAIMS_BY_CLAIMANT: dict[str, int] = {}
for _claim in _claims():
    for _who in _claimants(_claim):
        CLAIMS_BY_CLAIMANT[_who] = CLAIMS_BY_CLAIMANT.get(_who, 0) + 1
ATTRIBUTIONS = sum(CLAIMS_BY_CLAIMANT.values())  # a joint claim counts once for each of its claimants
ANCHORS = sum(1 for c in _claims() if c.get("anchor"))
RELAY_LINKS_OF_THE_SEED = sum(len(c.get("relays") or []) for c in
                              yaml.safe_load((KB / "sheets" / "D01-seed.yaml").read_text(encoding="utf-8"))["claims"])
def _quads() -> int:
    import pyoxigraph as ox

    return sum(1 for path in (KB / "graphs").glob("*.trig") for _ in ox.parse(path=str(path), format=ox.RdfFormat.TRIG))


QUADS = _quads()  # in kb/graphs, without the ontology
SEED_NUMBERS = 17  # 15 numerals, "one" (year) and "two-thirds" in kb/archive/D01-seed.txt
