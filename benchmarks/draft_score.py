"""How well `claimkb draft` drafts: the seed article and three written wire-copy articles, each drafted
against the knowledge base without its own graph and scored field by field against its curated sheet.

    python benchmarks/draft_score.py            # the table
    python benchmarks/draft_score.py --misses   # and every field the draft got wrong

The articles in tests/data/draft/ were written for this purpose (invented places and people) and
labelled by hand; see their README. The seed's curated sheet is kb/sheets/D01-seed.yaml.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    from claimkb import resources
    from claimkb.draft.score import article_sheets, evaluate, table

    kb = resources.kb_dir()
    articles = [("D01-seed", kb / "archive" / "D01-seed.txt", kb / "sheets" / "D01-seed.yaml", "2024-11-05")]
    articles += article_sheets(ROOT / "tests" / "data" / "draft")
    results = evaluate(kb, articles)
    sys.stdout.write(table([s for s, _ in results]))
    if "--misses" in argv:
        for s, _ in results:
            sys.stdout.write(f"\n{s.name}: {len(s.misses)} misses\n")
            for miss in s.misses:
                sys.stdout.write(f"  {miss}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
