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
ANCHORS = sum(1 for c in _claims() if c.get("anchor"))
RELAY_LINKS_OF_THE_SEED = sum(len(c.get("relays") or []) for c in
                              yaml.safe_load((KB / "sheets" / "D01-seed.yaml").read_text(encoding="utf-8"))["claims"])
SEED_NUMBERS = 17  # 15 numerals, "one" (year) and "two-thirds" in kb/archive/D01-seed.txt
