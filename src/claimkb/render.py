"""Answers -> text, for every output format: one registry of renderers, pure functions, no I/O.

An answer is a `Records` (a list of records with its columns), or a document whose records are its
claims (`Trace`, `ClaimDetail`: their `records()`). `table` is for people (compact IRIs; long text cut
to the terminal's width, never an id; control characters shown escaped); the machine formats keep
full IRIs and exact values: `json` and `jsonl` the nested records, `csv` and `tsv` one flat row per
record, `sparql-json` the SPARQL 1.1 JSON results the answer was read from. Spreadsheet formulas in
CSV/TSV cells are neutralised unless the caller asks for raw cells.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from .namespaces import compact
from .records import Records, text_of
from .results import ResultTable, Term

MAX_CELL = 60


class Options(NamedTuple):
    width: int | None = None  # the terminal's width; None: never cut (piped output, --wide)
    raw_cells: bool = False  # CSV/TSV: leave cells starting with = + - @ as they are


def records_of(answer: Any) -> Records[Any]:
    return answer.records() if hasattr(answer, "records") else answer


def _json(answer: Any, options: Options) -> str:
    return json.dumps(records_of(answer).to_dicts(), ensure_ascii=False, indent=2) + "\n"


def _jsonl(answer: Any, options: Options) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records_of(answer).to_dicts())


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula, prefixed with an apostrophe (shown, not run)."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def _csv(answer: Any, options: Options) -> str:
    """RFC 4180: a cell holding a comma, quote or line break is quoted, so it cannot start another row."""
    records = records_of(answer)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    fix = (lambda c: c) if options.raw_cells else neutralise
    writer.writerow([fix(c) for c in records.columns])  # column names can come from an endpoint too
    for row in records.flat_rows():
        writer.writerow([fix(row.get(c, "")) for c in records.columns])
    return out.getvalue()


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def tsv_cell(cell: str) -> str:
    """One TSV cell: backslash, TAB, LF and CR written as \\\\, \\t, \\n, \\r (no quoting), so that every
    line is one row and every TAB a column break for any reader, `cut` and `awk` included."""
    return cell.translate(_TSV_ESCAPES)


def _tsv(answer: Any, options: Options) -> str:
    records = records_of(answer)
    fix = (lambda c: c) if options.raw_cells else neutralise
    lines = ["\t".join(tsv_cell(fix(c)) for c in records.columns)]
    for row in records.flat_rows():
        lines.append("\t".join(tsv_cell(fix(row.get(c, ""))) for c in records.columns))
    return "\n".join(lines) + "\n"


def _sparql_json(answer: Any, options: Options) -> str:
    records = records_of(answer)
    table = records.terms
    if table is None:
        table = ResultTable(records.columns, [{c: Term.literal(v) for c, v in row.items() if v != ""}
                                              for row in records.flat_rows()])
    return json.dumps(table.to_sparql_json(), ensure_ascii=False, indent=2) + "\n"


def _table(answer: Any, options: Options) -> str:
    layout = LAYOUTS.get(type(answer).__name__)
    if layout is not None:
        return layout(for_people(answer), options)
    records = records_of(answer)
    by_column = records.flat_columns()
    columns = [c for c in records.columns if any(by_column[c])]  # no empty column for people
    cells = []
    for column in columns:  # a column repeats its quantities, claimants and relations: each shown once
        values = by_column[column]
        once = {value: shown(value) for value in set(values)}
        cells.append(list(map(once.__getitem__, values)))
    return text_columns([shown(c) for c in columns], cells, len(records), options.width)


RENDERERS: dict[str, Callable[[Any, Options], str]] = {
    "table": _table,
    "json": _json,
    "jsonl": _jsonl,
    "csv": _csv,
    "tsv": _tsv,
    "sparql-json": _sparql_json,
}
FORMATS = tuple(RENDERERS)  # equal to formats.OUTPUT_FORMATS (tested)
# human layouts of documents, by type name (registered by `views.py`)
LAYOUTS: dict[str, Callable[[Any, Options], str]] = {}


def render(answer: Any, fmt: str, options: Options = Options()) -> str:
    return RENDERERS[fmt](answer, options)


# -- text for people ------------------------------------------------------------------------------

# C0/C1 controls, DEL, line/paragraph separators and every Bidi_Control character (U+061C, U+200E/F,
# U+202A-E, U+2066-9): none of them may reach a terminal raw
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """Control characters and bidirectional overrides shown as escapes, never sent to the terminal."""
    if text.isprintable():  # every character `_CONTROL` matches is unprintable (tested over all code points)
        return text
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


_SPACE = re.compile(r"\s")  # str.isspace's characters (both are Unicode's White_Space)


def _people_text(value: str) -> str:
    """A text with newlines and tabs written as escapes, then control characters escaped."""
    return escape_controls(value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\t", "\\t"))


def shown(value: str) -> str:
    """One cell for people: a compact IRI, or the text with newlines and control characters escaped."""
    if value.startswith(("http://", "https://")) and not _SPACE.search(value):
        return escape_controls(compact(value))  # an endpoint's "IRI" can hold anything
    return value if value.isprintable() else _people_text(value)  # CR, LF and TAB are unprintable too


# values that hold no text: left as they are, without a call each (a popular trace holds a million)
_NO_TEXT = frozenset({int, float, bool, type(None), Decimal, date, datetime})


def for_people(value: Any) -> Any:
    """A record (nested NamedTuples) with every text escaped as `shown` escapes a cell, for the human
    layouts: a newline in a claim's text cannot start a line that looks like one of the layout's own.
    A tuple met again (a popular trace's carriers share their comparisons' records) is walked once."""
    done: dict[int, tuple[Any, Any]] = {}  # id of a tuple -> (the tuple, held so its id stays its own; its copy)

    def of(value: Any) -> Any:
        cls = type(value)
        if cls is str:
            return value if value.isprintable() else _people_text(value)
        if cls in _NO_TEXT:
            return value
        if isinstance(value, str):  # a subclass of str: the same escapes, as a plain str
            return _people_text(value)
        if isinstance(value, tuple):
            seen = done.get(id(value))
            if seen is not None:
                return seen[1]
            for v in value:
                kind = type(v)
                if kind not in _NO_TEXT and (kind is not str or not v.isprintable()):
                    break
            else:
                return value  # nothing in it to escape: the record itself (most of a trace's comparisons)
            items = [v if type(v) in _NO_TEXT or (type(v) is str and v.isprintable()) else of(v) for v in value]
            out = cls._make(items) if hasattr(value, "_fields") else tuple(items)  # a record: its own type
            done[id(value)] = (value, out)
            return out
        if isinstance(value, list):
            return [v if type(v) in _NO_TEXT or (type(v) is str and v.isprintable()) else of(v) for v in value]
        if isinstance(value, dict):
            return {k: of(v) for k, v in value.items()}
        return value

    return of(value)


_ID = re.compile(r"[a-z]+:[A-Za-z0-9_.-]+|https?://\S+")


def _is_id(values: list[str]) -> bool:
    return bool(values) and all(_ID.fullmatch(v) for v in set(values) if v)


def shorten(value: str, width: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[: max(1, width - 1)] + "…"


def text_table(header: list[str], rows: list[list[str]], width: int | None = None, max_cell: int = MAX_CELL) -> str:
    """Aligned columns. With a `width`, long cells are cut to fit it (ids and the last column never
    are); without, nothing is cut."""
    columns = [list(column) for column in zip(*rows, strict=True)] if header else []
    return text_columns(header, columns, len(rows), width, max_cell)


def text_columns(header: list[str], columns: list[list[str]], count: int, width: int | None = None,
                 max_cell: int = MAX_CELL) -> str:
    """`text_table` from its columns (`count` cells each), worked a column at a time: a table of findings
    has tens of thousands of rows and few distinct values per column."""
    if not count:
        return ""
    if not header:
        return "\n" * (count + 2)
    last = len(header) - 1
    ids = [_is_id(column) for column in columns]
    cutting = width is not None
    if cutting:
        columns = [column if (i == last or ids[i]) else [shorten(c, max_cell) for c in column]
                   for i, column in enumerate(columns)]
    widths = [max(len(h), max(map(len, column))) for h, column in zip(header, columns, strict=True)]
    if cutting:
        assert width is not None
        fixed = widths[:last]
        while sum(fixed) + 2 * last + 20 > width:
            cuttable = [i for i, w in enumerate(fixed) if not ids[i] and w > 12]
            if not cuttable:
                break
            widest = max(cuttable, key=lambda i: fixed[i])
            fixed[widest] -= 1
        widths[:last] = fixed
    padded = []
    for i, column in enumerate(columns):
        if i == last:
            padded.append(column)
            continue
        w = widths[i]
        once = {c: (shorten(c, w) if cutting and not ids[i] else c).ljust(w) for c in set(column)}
        padded.append(list(map(once.__getitem__, column)))
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines.extend(["  ".join(cells).rstrip() for cells in zip(*padded, strict=True)])
    return "\n".join(lines) + "\n"


def key_values(pairs: list[tuple[str, str]], indent: str = "") -> str:
    """A vertical record: `label  value` lines, labels aligned, empty values left out."""
    shown_pairs = [(k, escape_controls(v)) for k, v in pairs if v]
    if not shown_pairs:
        return ""
    width = max(len(k) for k, _ in shown_pairs)
    return "".join(f"{indent}{k.ljust(width)}  {v}\n" for k, v in shown_pairs)


def cell(value: Any) -> str:
    return text_of(value)
