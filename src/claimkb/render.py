"""Result table -> table | json | jsonl | csv | tsv | sparql-json. Pure functions returning text.

`table` is for people: compact IRIs, long text truncated. The machine formats keep full IRIs and exact
values, one key per variable; `sparql-json` is the lossless SPARQL 1.1 JSON results document.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterable

from .namespaces import compact
from .results import ResultTable, Term

FORMATS = ("table", "json", "jsonl", "csv", "tsv", "sparql-json")
MAX_CELL = 60


def plain(term: Term | None) -> str:
    return "" if term is None else term.value


def human(term: Term | None) -> str:
    if term is None:
        return ""
    if term.kind == "uri":
        return compact(term.value)
    return term.value


def records(table: ResultTable) -> list[dict[str, str | None]]:
    return [{v: (row[v].value if v in row else None) for v in table.variables} for row in table.rows]


def render(table: ResultTable, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(records(table), ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records(table))
    if fmt in ("csv", "tsv"):
        return delimited(table.variables, ([plain(row.get(v)) for v in table.variables]
                                           for row in table.rows), fmt)
    if fmt == "sparql-json":
        return json.dumps(table.to_sparql_json(), ensure_ascii=False, indent=2) + "\n"
    return text_table(table.variables, [[human(row.get(v)) for v in table.variables]
                                        for row in table.rows])


def delimited(header: list[str], rows: Iterable[list[str]], fmt: str) -> str:
    out = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue()
    # TSV as in SPARQL's text/tab-separated-values convention for plain text: escape what breaks a cell.
    def cell(value: str) -> str:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    out.write("\t".join(header) + "\n")
    for row in rows:
        out.write("\t".join(cell(v) for v in row) + "\n")
    return out.getvalue()


def shorten(value: str, width: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[: max(1, width - 1)] + "…"


def text_table(header: list[str], rows: list[list[str]], max_cell: int = MAX_CELL) -> str:
    if not rows:
        return ""
    last = len(header) - 1  # the last column (often a sentence) is never cut
    cells = [[c if i == last else shorten(c, max_cell) for i, c in enumerate(row)] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
    term_width = shutil.get_terminal_size((160, 24)).columns
    fixed = widths[:last]
    while sum(fixed) + 2 * last + 20 > term_width and fixed and max(fixed) > 12:
        fixed[fixed.index(max(fixed))] -= 1
    widths[:last] = fixed
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row in cells:
        shown = [c if i == last else shorten(c, widths[i]).ljust(widths[i]) for i, c in enumerate(row)]
        lines.append("  ".join(shown).rstrip())
    return "\n".join(lines) + "\n"


def key_values(pairs: list[tuple[str, str]], indent: str = "") -> str:
    """A vertical record: `label: value` lines, labels aligned."""
    shown = [(k, v) for k, v in pairs if v]
    if not shown:
        return ""
    width = max(len(k) for k, _ in shown)
    return "".join(f"{indent}{k.ljust(width)}  {v}\n" for k, v in shown)
