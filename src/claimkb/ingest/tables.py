"""Claim sheets as CSV: one row per claim, turned into the same structure as a YAML sheet.

Columns (a header row names them; any order; empty cells are absent):
  document, title, kind, publisher, url, published, certainty, archive   the document (same on each row)
  recorded_on, recorded_by                                                the curation (same on each row)
  claim, text, claimant, carriage, cue, quote, quotation, hedge, note     the claim
  value, as_written, unit, comparator, quantity, min, max                 its figure
  asserted, period, as_of                                                 its dates
  relays                                                                  claim ids, space-separated;
                                                                          `quoted:ID` for a quoting relay
  primary_source, first_appearance                                        the chain's origin; a URL
  claim_url, after_publication                                            where the claim itself appears;
                                                                          why it is dated after the document
Dates: `2024-11-05`, `2024-11-05..2024-11-06`, a phrase (`on Tuesday`, `October`) or `unstated`.
A period with `as_of` is cumulative: it runs from the period's start to the as-of date.
Several claimants: separated by ` / `.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..errors import InputError, collect
from ..limits import MAX_EXPONENT, huge_exponent
from . import Located, read_input

DOCUMENT = ("document", "title", "kind", "publisher", "url", "published", "certainty", "archive",
            "recorded_on", "recorded_by")
CLAIM = ("claim", "text", "claimant", "carriage", "cue", "quote", "quotation", "hedge", "note", "value",
         "as_written", "unit", "comparator", "quantity", "min", "max", "asserted", "period", "as_of", "relays",
         "primary_source", "first_appearance", "claim_url", "after_publication")


WORDS = {"title", "text", "quote", "quotation", "hedge", "note", "cue", "as_written"}


def _located(pairs: dict, line: int) -> Located:
    out = Located(pairs)
    out.lines = {key: line for key in pairs}
    return out


def _date(cell: str, line: int) -> Located:
    cell = cell.strip()
    if cell.lower() == "unstated":
        return _located({"unstated": True}, line)
    if m := re.fullmatch(r"(\d{4}(?:-\d{2}){0,2})\.\.(\d{4}(?:-\d{2}){0,2})", cell):
        return _located({"start": m[1], "end": m[2]}, line)
    if re.fullmatch(r"\d{4}(?:-\d{2}){0,2}", cell):
        return _located({"start": cell}, line)
    return _located({"phrase": cell}, line)


def load(path: Path) -> tuple[dict, list[InputError]]:
    """The CSV file as a sheet structure (for `sheet.parse`), with each field's line number."""
    file = str(path)
    text = read_input(path, "utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    unknown = [h for h in header if h not in DOCUMENT + CLAIM]
    if unknown:
        raise InputError(f"unknown column {unknown[0]!r}", file=file, line=1,
                         hint=f"columns: {', '.join(DOCUMENT + CLAIM)} (see docs/sheet-format.md)")
    for needed in ("document", "claim"):
        if needed not in header:
            raise InputError(f"the column {needed!r} is missing", file=file, line=1)
    document: dict | None = None
    claims = []
    problems: list[InputError] = []
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise InputError(f"not valid CSV: {exc}", file=file, line=reader.line_num) from None
    for number, row in enumerate(rows, start=2):
        if None in row:
            problems.append(InputError("the row has more cells than the header", file=file, line=number))
            continue
        # words are kept as written (spaces, non-breaking spaces, line breaks); codes and numbers are trimmed
        cells = {k: (v if k in WORDS else v.strip()) for k, v in row.items() if v is not None and v.strip()}
        if huge := next((k for k, v in cells.items() if huge_exponent(v)), None):  # 1e999999999: a billion digits
            problems.append(InputError(f"the number {cells[huge][:40]!r} has an exponent beyond {MAX_EXPONENT}",
                                       file=file, line=number, where=huge, hint="write the figure in plain digits"))
            continue
        doc_cells = {k: cells[k] for k in DOCUMENT if k in cells}
        if document is None:
            document = {"cells": doc_cells, "line": number}
        elif doc_cells.get("document") != document["cells"].get("document") or any(
                document["cells"].get(k) != v for k, v in doc_cells.items()):
            problems.append(InputError("every row must describe the same document as the first one "
                                       f"(line {document['line']})", file=file, line=number,
                                       where="document columns",
                                       hint="one CSV sheet is one document: split the file per document"))
            continue
        claims.append(_claim(cells, number))
    if document is None:
        collect(problems)  # every row was refused (a huge exponent, too many cells): say why, not "no rows"
        raise InputError("the sheet has no rows", file=file)
    d = document["cells"]
    head = {"id": d.get("document"), "title": d.get("title"), "kind": d.get("kind", "news-article"),
            "certainty": d.get("certainty", "medium")}
    for key in ("publisher", "url", "archive"):
        if key in d:
            head[key] = d[key]
    head["published"] = _date(d["published"], document["line"]) if "published" in d else _located(
        {"unstated": True}, document["line"])
    top = {"document": _located(head, document["line"]), "claims": claims}
    curation = {key: d[key] for key in ("recorded_on", "recorded_by") if key in d}
    if curation:
        top["curation"] = _located(curation, document["line"])
    data = _located(top, 1)
    return data, problems


def _claim(cells: dict[str, str], line: int) -> Located:
    claim: dict = {"id": cells.get("claim"), "text": cells.get("text")}
    if "claimant" in cells:
        parts = [p.strip() for p in cells["claimant"].split(" / ") if p.strip()]
        claim["claimant"] = parts if len(parts) > 1 else parts[0]
    claim["carriage"] = cells.get("carriage", "attributed")
    for source, target in (("cue", "cue"), ("quote", "anchor"), ("quotation", "quotation"), ("hedge", "hedge"),
                           ("note", "note"), ("primary_source", "primary_source"),
                           ("first_appearance", "first_appearance"), ("claim_url", "url"),
                           ("after_publication", "after_publication")):
        if source in cells:
            claim[target] = cells[source]
    claim["asserted"] = _date(cells.get("asserted", "unstated"), line)
    if "period" in cells:
        period = _date(cells["period"], line)
        if "as_of" in cells:
            period["cumulative"] = True
            period["as_of"] = _date(cells["as_of"], line)
            period.lines.update({"cumulative": line, "as_of": line})
        claim["period"] = period
    if "value" in cells or "min" in cells or "max" in cells:
        quantity: dict[str, str] = {key: cells[key] for key in ("value", "as_written", "unit", "comparator", "min",
                                                                "max") if key in cells}
        if "quantity" in cells:
            quantity["measures"] = cells["quantity"]
        claim["quantity"] = _located(quantity, line)
    if "relays" in cells:
        relays = []
        for item in cells["relays"].split():
            quoted = item.startswith("quoted:")
            relays.append(_located({"claim": item.removeprefix("quoted:"), "quoted": quoted}, line))
        claim["relays"] = relays
    return _located({k: v for k, v in claim.items() if v is not None}, line)
