"""Reading the graph files for the facts the tables need, into a staging SQLite file on disk.

One staging row per subject, one column per predicate the answers read (`COLUMNS`); values are term
codes (`codec.py`). A subject's facts are usually written together, so each is merged in memory while
the file is read and appended as one row; a subject met again later (an agent described in two graphs) is
merged after the last file, as a union default graph would show it. A predicate a subject may carry several
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
        self.rows: list[list] = []
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
            if key != subject:
                if subject is not None:
                    self._add(subject, row)
                subject, row = key, [None] * width
            code = of_ox(quad.object)
            if i in multi:
                if row[i] is None:
                    row[i] = [code]
                elif code not in row[i]:
                    row[i].append(code)
            elif row[i] is None or code < row[i]:
                row[i] = code
        if subject is not None:
            self._add(subject, row)
        self.quads += read

    def _add(self, subject: str, row: list) -> None:
        for i in _MULTI_AT:
            if row[i] is not None:
                row[i] = json.dumps(sorted(row[i]), ensure_ascii=False)
        self.rows.append([subject, *row])
        if len(self.rows) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        self.db.executemany(self.insert, self.rows)
        self.rows = []

    def finish(self) -> sqlite3.Connection:
        """Index the staged rows by subject and merge the subjects met more than once; the connection."""
        self._flush()
        self.db.execute("CREATE INDEX node_s ON node (s)")
        repeated = [s for (s,) in self.db.execute("SELECT s FROM node GROUP BY s HAVING COUNT(*) > 1")]
        for s in repeated:
            rows = self.db.execute("SELECT * FROM node WHERE s = ?", (s,)).fetchall()
            merged: list = [s]
            for i, name in enumerate(NAMES, start=1):
                values = [r[i] for r in rows if r[i] is not None]
                if not values:
                    merged.append(None)
                elif name in MULTI:
                    merged.append(json.dumps(sorted({c for v in values for c in json.loads(v)}), ensure_ascii=False))
                else:
                    merged.append(min(values))
            self.db.execute("DELETE FROM node WHERE s = ?", (s,))
            self.db.execute(self.insert, merged)
        self.db.commit()
        return self.db

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
