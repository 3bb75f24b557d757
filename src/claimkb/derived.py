"""Comparison tables derived once, when the persistent store is built, for disagreements at scale.

On the on-disk store every index access costs microseconds, so a query that visits each figure and
each relay hop (`comparable-values`, `relay-hops changed=true`) grows to minutes at a million claims.
While the store is built, the same graph files are read once more for the handful of predicates those
two answers need, and two tables are written beside the store:

  figures.jsonl  one line per measured quantity: the rows `comparable-values` gives for it
                 (claim, unit, window, comparator, value interval), so `--quantity` reads one line;
  hops.jsonl     one line per relay hop that changes something: the row `relay-hops changed=true`
                 gives (value, period, hedge, measured quantity or quoted wording changed, and why).

They are named by the same fingerprint as the store and rebuilt with it, so they are never staler than
the store. Values are written as Oxigraph returns them (canonical decimals), so an answer read from the
tables equals the answer of the catalogue queries on the same store, for data the shapes accept (one
text, one document and one quantity statement per claim: the queries would repeat a row for each extra
one); `tests/test_derived.py` checks it on the bundled knowledge base and on a synthetic corpus. Other
backends run the catalogue queries.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from .results import Term

CKB = "https://w3id.org/claimkb/ns#"
S = "http://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
FIGURES = "figures.jsonl"
FIGURES_INDEX = "figures-index.json"
HOPS = "hops.jsonl"

# statement fields, in the order kept per quantity statement
FIELDS = {CKB + "measures": 0, S + "unitText": 1, CKB + "comparator": 2, CKB + "windowStart": 3,
          CKB + "windowEnd": 4, CKB + "intervalLow": 5, CKB + "intervalHigh": 6, S + "value": 7}
DECIMAL_FIELDS = (5, 6, 7)
NO_FIGURE = [None] * len(FIELDS)  # a claim without a quantity statement (read only, never written)


def canonical_decimal(lexical: str) -> str:
    """The lexical form Oxigraph returns for an xsd:decimal: no sign for 0, no trailing zeros."""
    try:
        value = Decimal(lexical)
    except InvalidOperation:
        return lexical
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


class Collector:
    """Reads graph files for the predicates the comparison tables need (union of graphs: a triple stated
    in several graphs counts once, as in a union default graph)."""

    def __init__(self) -> None:
        self.statements: dict[str, list] = defaultdict(lambda: [None] * len(FIELDS))
        self.quantity_of: dict[str, list[str]] = defaultdict(list)
        self.derived_from: dict[str, list[str]] = defaultdict(list)
        self.quoted_from: set[tuple[str, str]] = set()
        self.band: dict[str, str] = {}
        self.quotation: dict[str, str] = {}
        self.texts: set[str] = set()
        self.appears: set[str] = set()

    def read(self, path: Path) -> None:
        fields = FIELDS
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TRIG):
            predicate = quad.predicate.value
            index = fields.get(predicate)
            if index is not None:
                self.statements[quad.subject.value][index] = quad.object.value
            elif predicate == CKB + "quantity":
                _add(self.quantity_of[quad.subject.value], quad.object.value)
            elif predicate == PROV + "wasDerivedFrom":
                _add(self.derived_from[quad.subject.value], quad.object.value)
            elif predicate == PROV + "wasQuotedFrom":
                self.quoted_from.add((quad.subject.value, quad.object.value))
            elif predicate == CKB + "probabilityBand":
                self.band[quad.subject.value] = quad.object.value
            elif predicate == CKB + "quotation":
                self.quotation[quad.subject.value] = quad.object.value
            elif predicate == S + "text":
                self.texts.add(quad.subject.value)
            elif predicate == S + "appearance":
                self.appears.add(quad.subject.value)

    def write(self, folder: Path) -> None:
        for fields in self.statements.values():
            for i in DECIMAL_FIELDS:
                if fields[i] is not None:
                    fields[i] = canonical_decimal(fields[i])
        by_quantity: dict[str, list] = defaultdict(list)
        for claim, nodes in self.quantity_of.items():
            for node in nodes:
                f = self.statements.get(node)
                if f is None or None in f[:5]:
                    continue
                by_quantity[f[0]].append([f[1], f[3], f[4], claim, f[7], _local(f[2]), f[5], f[6]])
        # per quantity: a directory line (unit, window, offset, length and size of each chunk), then one
        # line per (unit, window) chunk; the index says where each quantity's directory and region are
        index = {}
        with (folder / FIGURES).open("wb") as out:
            offset = 0
            for quantity in sorted(by_quantity):
                chunks: dict[tuple[str, str, str], list] = defaultdict(list)
                for row in by_quantity[quantity]:
                    chunks[(row[0], row[1], row[2])].append(row)
                lines, directory, at = [], [], 0
                for (unit, start, end) in sorted(chunks):
                    rows = sorted(chunks[(unit, start, end)], key=lambda r: r[3])
                    data = (json.dumps(rows, separators=(",", ":")) + "\n").encode("utf-8")
                    directory.append([unit, start, end, at, len(data), len(rows)])
                    lines.append(data)
                    at += len(data)
                head = (json.dumps(directory, separators=(",", ":")) + "\n").encode("utf-8")
                index[quantity] = [offset, len(head), len(head) + at]
                out.write(head)
                out.writelines(lines)
                offset += len(head) + at
        (folder / FIGURES_INDEX).write_text(json.dumps(index), encoding="utf-8")
        with (folder / HOPS).open("w", encoding="utf-8") as out:
            for relay in sorted(self.derived_from):
                if relay not in self.texts:
                    continue
                for source in sorted(self.derived_from[relay]):
                    if source not in self.texts or source not in self.appears:
                        continue
                    for hop in self._changes(relay, source):
                        out.write(json.dumps(hop, separators=(",", ":")) + "\n")

    def _figure(self, claim: str) -> list[list]:
        nodes = self.quantity_of.get(claim) or [None]
        return [self.statements.get(node) or NO_FIGURE if node else NO_FIGURE for node in nodes]

    def _changes(self, relay: str, source: str):
        """The hop's row when something changed: relay-hops' rules, evaluated the same way."""
        quoted = (relay, source) in self.quoted_from
        rb, sb = _local(self.band.get(relay)), _local(self.band.get(source))
        rquote, squote = self.quotation.get(relay), self.quotation.get(source)
        for r in self._figure(relay):
            for s in self._figure(source):
                rq, sq = r[0], s[0]
                value = _below(r[6], s[5]) or _below(s[6], r[5])
                rc, sc = _local(r[2]), _local(s[2])
                hedge = (rc is not None and sc is not None and rc != sc) or (rb or "") != (sb or "")
                quantity = rq is not None and sq is not None and rq != sq
                period = (r[3] is not None and s[3] is not None and (r[4] < s[3] or s[4] < r[3]))
                wording = quoted and rquote is not None and squote is not None and rquote not in squote
                if not (value or hedge or quantity or period or wording):
                    continue
                reason: str | None = ""
                if value:
                    # the query's STR() of an absent value is an error, which leaves its reason unbound
                    reason = None if s[7] is None or r[7] is None else f"value {s[7]} -> {r[7]}; "
                if reason is None:
                    yield [relay, source, rq, sq, r[7], s[7], None]
                    continue
                if quantity:
                    reason += f"measured quantity {_after(sq, '/quantity/')} -> {_after(rq, '/quantity/')}; "
                if period:
                    reason += f"period {s[3]}..{s[4]} -> {r[3]}..{r[4]}; "
                if hedge:
                    reason += f"hedge {sc or ''}{' ' + sb if sb else ''} -> {rc or ''}{' ' + rb if rb else ''}; "
                if wording:
                    reason += "quoted words differ from the source's; "
                yield [relay, source, rq, sq, r[7], s[7], reason[:-2] if len(reason) > 2 else ""]


def _rows(quantity: str, rows: list) -> list[dict[str, Term]]:
    """Figure rows as dicts of Terms. Rows of one chunk share their quantity, unit and window, so those
    Terms are made once; a million rows are mostly Term construction, and this halves it."""
    q = Term("uri", quantity)
    shared: dict[tuple[str, str | None], Term] = {}

    def literal(value: str, datatype: str | None) -> Term:
        term = shared.get((value, datatype))
        if term is None:
            term = shared[(value, datatype)] = Term("literal", value, datatype, None)
        return term

    date, decimal = XSD + "date", XSD + "decimal"
    out = []
    for unit, start, end, claim, value, comparator, low, high in rows:
        row = {"quantity": q, "unit": literal(unit, None), "windowStart": literal(start, date),
               "windowEnd": literal(end, date), "claim": Term("uri", claim), "comparator": literal(comparator, None)}
        if value is not None:
            row["value"] = Term("literal", value, decimal, None)
        if low is not None:
            row["low"] = Term("literal", low, decimal, None)
        if high is not None:
            row["high"] = Term("literal", high, decimal, None)
        out.append(row)
    return out


def _distance(chunk: list, window: tuple[str, str]) -> int:
    """Days between a chunk's window and another window (0 when they overlap)."""
    try:
        if chunk[2] < window[0]:
            return (date.fromisoformat(window[0]) - date.fromisoformat(chunk[2])).days
        if chunk[1] > window[1]:
            return (date.fromisoformat(chunk[1]) - date.fromisoformat(window[1])).days
    except ValueError:  # a date Python cannot read (a time zone, a year past 9999): last
        return 1 << 30
    return 0


def _add(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)


def _below(high: str | None, low: str | None) -> bool:
    return high is not None and low is not None and Decimal(high) < Decimal(low)


def _local(iri: str | None) -> str | None:
    return iri.split("#", 1)[1] if iri and "#" in iri else ("" if iri else None)


def _after(text: str, marker: str) -> str:
    return text.split(marker, 1)[1] if marker in text else ""


class Derived:
    """The tables of one built store, read on demand."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.index: dict[str, list[int]] | None = None

    @staticmethod
    def available(folder: Path) -> bool:
        return all((folder / name).is_file() for name in (FIGURES, FIGURES_INDEX, HOPS))

    def _index(self) -> dict[str, list[int]]:
        if self.index is None:
            self.index = json.loads((self.folder / FIGURES_INDEX).read_text(encoding="utf-8"))
        return self.index

    def figures(self, quantities: list[str] | None = None) -> list[dict[str, Term]]:
        """Rows as `comparable-values` gives them, for the given quantities or all."""
        index = self._index()
        wanted = sorted(index) if quantities is None else sorted(q for q in set(quantities) if q in index)
        out: list[dict[str, Term]] = []
        with (self.folder / FIGURES).open("rb") as handle:
            for quantity in wanted:
                offset, head, size = index[quantity]
                handle.seek(offset)
                region = handle.read(size)
                for line in region[head:].splitlines():
                    out.extend(_rows(quantity, json.loads(line)))
        return out

    def figures_near(self, mine: list[dict[str, Term]], wanted: int) -> tuple[list[dict[str, Term]], dict]:
        """For tracing: the figures in every window that overlaps one of `mine` (rows of comparable-values)
        on the same quantity and unit, then the figures of the nearest other windows until there are
        `wanted` more; and how many figures each (quantity, unit) has in all."""
        index = self._index()
        by_quantity: dict[str, list[dict[str, Term]]] = defaultdict(list)
        for row in mine:
            by_quantity[row["quantity"].value].append(row)
        out: list[dict[str, Term]] = []
        sizes: dict[tuple[str, str], int] = {}
        with (self.folder / FIGURES).open("rb") as handle:
            for quantity, rows in sorted(by_quantity.items()):
                if quantity not in index:
                    continue
                offset, head, _ = index[quantity]
                handle.seek(offset)
                directory = json.loads(handle.read(head))
                chosen: dict[int, None] = {}
                for unit in {row["unit"].value for row in rows}:
                    chunks = [(i, c) for i, c in enumerate(directory) if c[0] == unit]
                    sizes[(quantity, unit)] = sum(c[5] for _, c in chunks)
                    windows = [(r["windowStart"].value, r["windowEnd"].value) for r in rows if r["unit"].value == unit]
                    near = [i for i, c in chunks if any(c[1] <= end and start <= c[2] for start, end in windows)]
                    chosen.update(dict.fromkeys(near))
                    others = [(min(_distance(c, w) for w in windows), i, c[5]) for i, c in chunks if i not in chosen]
                    extra = 0
                    for _, i, count in sorted(others):
                        if extra >= wanted:
                            break
                        chosen[i] = None
                        extra += count
                for i in sorted(chosen):
                    handle.seek(offset + head + directory[i][3])
                    out.extend(_rows(quantity, json.loads(handle.read(directory[i][4]))))
        return out, sizes

    def changed_hops(self, quantity: str | None = None) -> list[dict[str, Term]]:
        """Rows as `relay-hops changed=true` gives them (the columns disagreements reads)."""
        out = []
        with (self.folder / HOPS).open("r", encoding="utf-8") as handle:
            for line in handle:
                relay, source, rq, sq, rv, sv, reason = json.loads(line)
                if quantity is not None and quantity not in (rq, sq):
                    continue
                row = {"relay": Term.iri(relay), "source": Term.iri(source)}
                if reason is not None:
                    row["reason"] = Term.literal(reason)
                if rq is not None:
                    row["relayQuantity"] = Term.iri(rq)
                if sq is not None:
                    row["sourceQuantity"] = Term.iri(sq)
                if rv is not None:
                    row["relayValue"] = Term.literal(rv, XSD + "decimal")
                if sv is not None:
                    row["sourceValue"] = Term.literal(sv, XSD + "decimal")
                out.append(row)
        return out
