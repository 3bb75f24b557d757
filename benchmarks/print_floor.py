"""The printing floor of `claimkb disagreements --quantity Q`: the same table, from the same stored findings
in `tables.sqlite`, by the least Python that can print it. One SQL read, json's C scanner, each distinct cell
shortened and padded once; no claimkb import, no records, no checks, and only the prefixes the synthetic
corpus uses. `run.py` times it in fresh processes beside claimkb and compares the bytes the two print.

    python benchmarks/print_floor.py CACHE/stores/NAME/tables.sqlite QUANTITY_IRI
"""

import json
import sqlite3
import sys

COLUMNS = ["kind", "quantity", "claim", "other", "claim_value", "other_value", "reason"]
PREFIXES = (("https://w3id.org/claimkb/id/claim/", "claim:"), ("https://w3id.org/claimkb/id/quantity/", "qk:"))


def cell(value) -> str:
    if value is None:
        return ""
    for long, short in PREFIXES:
        if value.startswith(long):
            return short + value[len(long):]
    return str(value)


def main(tables: str, quantity: str) -> None:
    db = sqlite3.connect(f"file:{tables}?mode=ro", uri=True)
    rows = db.execute("SELECT f.row FROM finding_quantity q JOIN finding f ON f.position = q.position "
                      "WHERE q.quantity = ? ORDER BY q.position", (quantity,)).fetchall()
    scan = json.JSONDecoder().scan_once
    columns = [list(column) for column in zip(*(scan(text, 0)[0] for (text,) in rows), strict=False)][:len(COLUMNS)]
    shown = []
    for column in columns:
        once = {v: cell(v) for v in set(column)}
        shown.append(list(map(once.__getitem__, column)))
    widths = [max(len(h), *map(len, column)) for h, column in zip(COLUMNS, shown, strict=True)]
    padded = []
    for column, width in zip(shown[:-1], widths, strict=False):
        once = {v: v.ljust(width) for v in set(column)}
        padded.append(list(map(once.__getitem__, column)))
    padded.append(shown[-1])
    lines = ["  ".join(h.ljust(w) for h, w in zip(COLUMNS, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(cells).rstrip() for cells in zip(*padded, strict=True)]
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
