"""Reading the graph files for the facts the tables need, into a staging SQLite file on disk.

One staging row per subject, one column per predicate the answers read (`COLUMNS`); values are term
codes (`codec.py`). The rows of the last BATCH subjects are kept in memory while the file is read, so a
subject whose facts come in two runs close together (a quantity statement's interval bounds, written after
its value) becomes one row there; a subject met again later (an agent described in two graphs) is merged
after the last file, as a union default graph would show it. A predicate a subject may carry several
times is kept as a JSON list of codes; any other keeps the smallest code, which is the one answer the
catalogue queries give for data the shapes accept (one text, one date, one quantity statement per claim).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import CKB, OA, PROV, RDF, RDFS, SCHEMA, SKOS
from .codec import of_ox

# staging column, predicate, whether a subject may have several
COLUMNS = [
    ("type", RDF.type, True), ("text", SCHEMA.text, False), ("appearance", SCHEMA.appearance, False),
    ("carriage", CKB.carriage, False), ("asserted", CKB.assertedAt, False), ("quantity", CKB.quantity, False),
    ("author", SCHEMA.author, True), ("period", CKB.period, False), ("cue", CKB.cue, False),
    ("hedge", CKB.hedgeWords, False), ("anchor", CKB.anchor, False), ("quotation", CKB.quotation, False),
    ("activity", PROV.wasGeneratedBy, False), ("band", CKB.probabilityBand, False),
    ("derived", PROV.wasDerivedFrom, True), ("quoted", PROV.wasQuotedFrom, True),
    ("forward", CKB.forwardLooking, False), ("excuse", CKB.afterPublicationReason, False),
    # quantity statements
    ("measures", CKB.measures, False), ("comparator", CKB.comparator, False),
    ("formulaic", CKB.formulaicHedge, False), ("written", CKB.valueAsWritten, False),
    ("unit", SCHEMA.unitText, False), ("value", SCHEMA.value, False), ("min", SCHEMA.minValue, False),
    ("max", SCHEMA.maxValue, False), ("low", CKB.intervalLow, False), ("high", CKB.intervalHigh, False),
    ("ilow", CKB.impliedLow, False), ("ihigh", CKB.impliedHigh, False),
    # dates: assertions, periods, publications
    ("precision", CKB.precision, False), ("start", SCHEMA.startDate, False), ("end", SCHEMA.endDate, False),
    ("phrase", CKB.phrase, False), ("inferred", CKB.inferred, False), ("asof_start", CKB.asOfStart, False),
    ("asof_end", CKB.asOfEnd, False), ("ws", CKB.windowStart, False), ("we", CKB.windowEnd, False),
    ("wsl", CKB.windowStartLow, False), ("wsh", CKB.windowStartHigh, False), ("wel", CKB.windowEndLow, False),
    ("weh", CKB.windowEndHigh, False),
    # documents, anchors, derivations
    ("headline", SCHEMA.headline, False), ("publisher", SCHEMA.publisher, False),
    ("date_published", SCHEMA.datePublished, False), ("published_at", CKB.publishedAt, False),
    ("selector", OA.hasSelector, True), ("exact", OA.exact, False), ("formula", CKB.formula, False),
    # measured quantities, agents, labels
    ("pref_label", SKOS.prefLabel, False), ("aggregation", CKB.aggregation, False), ("sum_of", CKB.sumOf, True),
    ("average_of", CKB.dailyAverageOf, True), ("increment_of", CKB.incrementOf, True),
    ("label", RDFS.label, False), ("agent_kind", CKB.agentKind, False),
    # reviews (what a fact-checker's verdict is about)
    ("reviewed", SCHEMA.itemReviewed, True),
]
NAMES = [name for name, _p, _m in COLUMNS]
INDEX = {predicate: i for i, (_n, predicate, _m) in enumerate(COLUMNS)}
MULTI = frozenset(name for name, _p, multi in COLUMNS if multi)
_MULTI_AT = frozenset(i for i, (_n, _p, multi) in enumerate(COLUMNS) if multi)
BATCH = 20_000
_string = json.encoder.encode_basestring  # json.dumps(str, ensure_ascii=False)


def _json_list(codes: list[str]) -> str:
    """json.dumps(sorted(codes), ensure_ascii=False), without building an encoder for every list."""
    return "[" + ", ".join(map(_string, sorted(codes))) + "]"


def _merge(rows: list[tuple]) -> list:
    """One staging row from the rows of one subject: the union of a multi column's codes, else the smallest."""
    merged: list = [rows[0][0]]
    for i, values in enumerate(zip(*rows, strict=True)):
        if i == 0:
            continue
        present = [v for v in values if v is not None]
        if not present:
            merged.append(None)
        elif i - 1 in _MULTI_AT:
            merged.append(_json_list(list({c for v in present for c in json.loads(v)})))
        else:
            merged.append(min(present))
    return merged


class Collector:
    """Staged facts of the graph files read so far (see the module docstring)."""

    def __init__(self, folder: Path) -> None:
        self.staging = folder / "staging.sqlite"
        self.staging.unlink(missing_ok=True)
        self.db = sqlite3.connect(self.staging, check_same_thread=False)
        columns = ", ".join(f"{n} TEXT" for n in NAMES)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;"
                              f"CREATE TABLE node (s TEXT, {columns});")
        self.insert = f"INSERT INTO node VALUES (?, {', '.join('?' for _ in NAMES)})"
        self.pending: dict[str, list] = {}  # rows not inserted yet, by subject, in the order first met
        self.quads = 0  # quads read, in every file

    def read(self, path: Path, fmt: ox.RdfFormat = ox.RdfFormat.TRIG) -> None:
        index, multi, width = INDEX, _MULTI_AT, len(NAMES)
        named = ox.NamedNode
        subject: str | None = None
        row: list = []
        read = 0
        for quad in ox.parse(path=str(path), format=fmt):
            read += 1
            i = index.get(quad.predicate.value)
            if i is None:
                continue
            s = quad.subject
            key = ("<" if type(s) is named else "_") + s.value
            if key != subject:  # a subject met again soon after (in this batch) is merged here, not in finish
                subject = key
                known = self.pending.get(key)
                if known is None:
                    if len(self.pending) >= BATCH:
                        self._flush()
                    known = self.pending[key] = [None] * width
                row = known
            o = quad.object
            code = "<" + o.value if type(o) is named else of_ox(o)  # an IRI, half the objects: no call
            if i in multi:
                if row[i] is None:
                    row[i] = [code]
                elif code not in row[i]:
                    row[i].append(code)
            elif row[i] is None or code < row[i]:
                row[i] = code
        self.quads += read

    def _flush(self) -> None:
        """Insert the pending rows, those of one shape (the columns they fill) together, naming only those
        columns: binding sixty NULLs a row was two thirds of the insert's time."""
        shapes: dict[tuple[int, ...], list[list]] = {}
        for subject, row in self.pending.items():
            for i in _MULTI_AT:
                if row[i] is not None:
                    row[i] = _json_list(row[i])
            shape = tuple(i for i, v in enumerate(row) if v is not None)
            values = [row[i] for i in shape]
            values.append(subject)
            shapes.setdefault(shape, []).append(values)
        for shape, rows in shapes.items():
            names = [NAMES[i] for i in shape]
            names.append("s")
            self.db.executemany(f"INSERT INTO node ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", rows)
        self.pending.clear()

    def finish(self) -> sqlite3.Connection:
        """Index the staged rows by subject and merge the subjects met more than once; the connection."""
        self._flush()
        db = self.db
        db.executescript("CREATE INDEX node_s ON node (s);"
                         "CREATE TEMP TABLE repeated AS SELECT s FROM node GROUP BY s HAVING COUNT(*) > 1;"
                         "CREATE TEMP TABLE merged AS SELECT * FROM node WHERE 0;")
        insert = self.insert.replace("INTO node", "INTO merged")
        batch: list[list] = []
        rows: list[tuple] = []
        for row in db.execute("SELECT node.* FROM node JOIN repeated USING (s) ORDER BY node.s"):
            if rows and row[0] != rows[0][0]:
                batch.append(_merge(rows))
                rows = []
            rows.append(row)
            if len(batch) >= BATCH:
                db.executemany(insert, batch)
                batch = []
        if rows:
            batch.append(_merge(rows))
        db.executemany(insert, batch)
        db.executescript("DELETE FROM node WHERE s IN (SELECT s FROM repeated);"
                         "INSERT INTO node SELECT * FROM merged; DROP TABLE merged; DROP TABLE repeated;")
        db.commit()
        return db

    def write(self, folder: Path) -> None:
        """Write `tables.sqlite` in `folder` from what was read, and seal it (see `reader.seal`)."""
        from .assemble import assemble
        from .reader import TABLES, seal

        db = self.finish()
        path = folder / TABLES
        path.unlink(missing_ok=True)
        out = sqlite3.connect(path)
        try:
            out.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
            assemble(db, out)
            out.commit()
        finally:
            out.close()
        seal(folder)

    def close(self) -> None:
        self.db.close()
        self.staging.unlink(missing_ok=True)
