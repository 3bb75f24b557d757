"""Writing `tables.sqlite` from the staged facts: the catalogue answers, the figures and every finding.

Runs once, when a persistent store is built. The rows come from `emulate.py`; the rules are applied by the
code every backend uses (`rules.py`, `conflicts.py`, `answers.py`), so the findings stored here are the ones
`answers.derived_findings` gives through the catalogue queries.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import date

from .. import rules
from ..conflicts import Distinct, Finder, arithmetic, deduplicate, figures_from_rows
from ..namespaces import SCHEMA, XSD
from ..records import Disagreement
from ..results import ResultTable
from ..rows import finding_order, finding_quantities, hops, misreported, problem_findings
from . import codec, emulate
from .codec import pack

SCHEMA_SQL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE answer (query TEXT, key TEXT, rows BLOB, PRIMARY KEY (query, key)) WITHOUT ROWID;
CREATE TABLE typed (s TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE link (relay TEXT, source TEXT);
CREATE TABLE value (value TEXT, property TEXT, claim TEXT);
CREATE TABLE figure (id INTEGER PRIMARY KEY, quantity TEXT, unit TEXT, kind TEXT, ws TEXT, we TEXT, wsl TEXT,
                     wsh TEXT, wel TEXT, weh TEXT, low TEXT, high TEXT, ilow TEXT, ihigh TEXT, value TEXT,
                     lowf REAL, highf REAL, text TEXT, series TEXT, first TEXT, count INTEGER);
CREATE TABLE figure_series (quantity TEXT, unit TEXT, claimant TEXT, figure INTEGER);
CREATE TABLE claim_figure (claim TEXT PRIMARY KEY, figure INTEGER) WITHOUT ROWID;
CREATE TABLE grp (quantity TEXT, unit TEXT, kind TEXT, figures INTEGER, claims INTEGER, span INTEGER,
                  length INTEGER, skew INTEGER, PRIMARY KEY (quantity, unit)) WITHOUT ROWID;
CREATE TABLE finding (position INTEGER PRIMARY KEY, row TEXT);
CREATE TABLE finding_quantity (quantity TEXT, position INTEGER);
CREATE TABLE reviewed (claim TEXT PRIMARY KEY) WITHOUT ROWID;
"""
INDEXES_SQL = """
CREATE INDEX link_relay ON link (relay);
CREATE INDEX value_value ON value (value);
CREATE INDEX figure_window ON figure (quantity, unit, wsl);
CREATE INDEX figure_first ON figure (quantity, unit, first);
CREATE INDEX figure_series_claimant ON figure_series (quantity, unit, claimant);
CREATE INDEX finding_quantity_quantity ON finding_quantity (quantity, position);
"""


class Findings:
    """Findings gathered while the tables are written, each with the quantities it is about."""

    def __init__(self) -> None:
        self.items: list[tuple[Disagreement, set[str]]] = []

    def add(self, found: Iterable[Disagreement], quantities=lambda d: {d.quantity} if d.quantity else set()):
        self.items.extend((d, quantities(d)) for d in found)


def assemble(db: sqlite3.Connection, out: sqlite3.Connection) -> None:
    """Write every table of `out` from the staging connection `db` (see `collect.Collector.finish`)."""
    out.executescript(SCHEMA_SQL)
    labels = emulate.Labels(db)
    findings = Findings()
    _claims(db, out, labels)
    out.executemany("INSERT OR IGNORE INTO reviewed VALUES (?)",
                    ((claim,) for (items,) in db.execute("SELECT reviewed FROM node WHERE reviewed IS NOT NULL")
                     for claim in emulate.many(items)))
    _by_claimant(db, out)
    _hops(db, out, labels, findings)
    problems, related = emulate.date_problems(db), emulate.quantity_relations(db)
    for name, rows in (("agents", emulate.agents(db, labels)), ("claimants", emulate.claimants(db, labels)),
                       ("date-problems", problems), ("quantity-relations", related)):
        out.execute("INSERT INTO answer VALUES (?, '', ?)", (name, pack(rows)))
    _figures(db, out, findings)
    out.executescript(INDEXES_SQL)  # before _arithmetic, which reads the figures of each related quantity
    relations = [(codec.text(r["quantity"]), codec.text(r["relation"]), codec.text(r["other"])) for r in related]
    _arithmetic(out, relations, findings)  # type: ignore[arg-type]
    findings.add(problem_findings(codec.rows_to_terms(problems)), lambda d: set())
    findings.items.sort(key=lambda item: finding_order(item[0]))
    for position, (d, quantities) in enumerate(findings.items):
        out.execute("INSERT INTO finding VALUES (?, ?)", (position, json.dumps(list(d), ensure_ascii=False)))
        out.executemany("INSERT INTO finding_quantity VALUES (?, ?)", [(q, position) for q in sorted(quantities)])


def _claims(db: sqlite3.Connection, out: sqlite3.Connection, labels: emulate.Labels) -> None:
    out.executemany("INSERT INTO typed VALUES (?)",
                    ((s,) for (s,) in db.execute(f"SELECT c.s FROM node c WHERE {emulate.IS_CLAIM}")))
    batch = []
    for claim, rows in emulate.claims(db, labels):
        batch.append(("claims", claim, pack(rows)))
        if len(batch) >= 5000:
            out.executemany("INSERT OR IGNORE INTO answer VALUES (?, ?, ?)", batch)
            batch = []
    out.executemany("INSERT OR IGNORE INTO answer VALUES (?, ?, ?)", batch)
    sql = ("SELECT c.s, st.value, st.min, st.max FROM node c JOIN node st ON st.s = c.quantity "
           "WHERE st.value IS NOT NULL OR st.min IS NOT NULL OR st.max IS NOT NULL")
    properties = [codec.iri(SCHEMA.value), codec.iri(SCHEMA.minValue),
                  codec.iri(SCHEMA.maxValue)]
    values_of = []
    for claim, *values in db.execute(sql):
        for prop, code in zip(properties, values, strict=True):
            if code is not None and codec.datatype(code) == XSD.decimal:
                values_of.append((codec.text(code), prop, claim))
    out.executemany("INSERT INTO value VALUES (?, ?, ?)", values_of)


def _by_claimant(db: sqlite3.Connection, out: sqlite3.Connection) -> None:
    db.execute("DROP TABLE IF EXISTS by_claimant")
    db.execute("CREATE TEMP TABLE by_claimant (claimant TEXT, k TEXT, row TEXT)")
    batch = []
    for claimant, key, row in emulate.by_claimant(db):
        k = "\x00".join(f"{bound}{text}" for bound, text in key)
        batch.append((claimant, k, codec.dumps(row)))
        if len(batch) >= 20_000:
            db.executemany("INSERT INTO by_claimant VALUES (?, ?, ?)", batch)
            batch = []
    db.executemany("INSERT INTO by_claimant VALUES (?, ?, ?)", batch)
    current, rows = None, []
    for claimant, row in db.execute("SELECT claimant, row FROM by_claimant ORDER BY claimant, k"):
        if claimant != current and current is not None:
            out.execute("INSERT INTO answer VALUES ('claims-by-claimant', ?, ?)", (current, pack(rows)))
            rows = []
        current = claimant
        rows.append(json.loads(row))
    if current is not None:
        out.execute("INSERT INTO answer VALUES ('claims-by-claimant', ?, ?)", (current, pack(rows)))
    db.execute("DROP TABLE by_claimant")


def _hops(db: sqlite3.Connection, out: sqlite3.Connection, labels: emulate.Labels, findings: Findings) -> None:
    db.execute("DROP TABLE IF EXISTS link")
    db.execute("CREATE TEMP TABLE link (relay TEXT, source TEXT)")
    links = list(emulate.links(db))
    db.executemany("INSERT INTO link VALUES (?, ?)", links)
    out.executemany("INSERT INTO link VALUES (?, ?)", links)
    del links
    current, rows, batch = None, [], []
    insert = "INSERT INTO answer VALUES ('relay-hops', ?, ?)"
    for relay, _source, hop_rows in emulate.hops(db, labels):
        if relay != current and current is not None:
            batch.append((current, pack(rows)))
            rows = []
            if len(batch) >= 5000:
                out.executemany(insert, batch)
                batch = []
        current = relay
        rows.extend(hop_rows)
        if hop_rows[0]["changed"] == emulate.TRUE:
            changed = hops(ResultTable([], codec.rows_to_terms(hop_rows)))
            findings.add(misreported(changed), lambda d, h=changed[0]: {
                q for q in (h.relay_quantity, h.source_quantity) if q})
    if current is not None:
        batch.append((current, pack(rows)))
    out.executemany(insert, batch)


def _figures(db: sqlite3.Connection, out: sqlite3.Connection, findings: Findings) -> None:
    group: list[rules.Figure] = []
    key: tuple | None = None
    next_id = 0
    for rows in emulate.figure_rows(db):
        here = (rows[0]["quantity"], rows[0]["unit"])
        if here != key and group:
            next_id = _write_group(out, group, next_id, findings)
            group = []
        key = here
        group.extend(figures_from_rows(codec.rows_to_terms(rows)))
    if group:
        _write_group(out, group, next_id, findings)


def _days(a: date, b: date) -> int:
    return (a - b).days


def _write_group(out: sqlite3.Connection, figures: list[rules.Figure], next_id: int, findings: Findings) -> int:
    distinct, of_claim = deduplicate(figures)
    ids: dict[int, int] = {}
    rows: list[tuple] = []
    series: list[tuple] = []
    for d in distinct:
        ids[id(d)] = next_id
        rows.append(figure_row(next_id, d))
        series.extend((d.figure.quantity, d.figure.unit, claimant, next_id) for claimant in sorted(d.figure.series))
        next_id += 1
    out.executemany(f"INSERT INTO figure VALUES ({', '.join('?' * 21)})", rows)
    out.executemany("INSERT INTO figure_series VALUES (?, ?, ?, ?)", series)
    out.executemany("INSERT INTO claim_figure VALUES (?, ?)", [(c, ids[id(d)]) for c, d in of_claim.items()])
    windows = [d.figure.window for d in distinct]
    first = distinct[0].figure
    out.execute("INSERT INTO grp VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (
        first.quantity, first.unit, first.kind, len(distinct), sum(d.count for d in distinct),
        max(_days(w.start_high, w.start_low) for w in windows),
        max(_days(w.end_high, w.start_low) for w in windows),
        max(max(_days(w.start_low, w.end_low), 0) for w in windows)))
    findings.add(Finder.of_distinct(distinct, of_claim).findings())
    return next_id


def _dec(value) -> str | None:
    return None if value is None else format(value, "f")


def figure_row(number: int, d: Distinct) -> tuple:
    f = d.figure
    w = f.window
    return (number, f.quantity, f.unit, f.kind, w.start.isoformat(), w.end.isoformat(), w.start_low.isoformat(),
            w.start_high.isoformat(), w.end_low.isoformat(), w.end_high.isoformat(), _dec(f.low), _dec(f.high),
            _dec(f.implied_low), _dec(f.implied_high), _dec(f.value),
            None if f.low is None else float(f.low), None if f.high is None else float(f.high), f.text,
            json.dumps(sorted(f.series), ensure_ascii=False), d.first, d.count)


def _arithmetic(out: sqlite3.Connection, relations: list[tuple[str, str, str]], findings: Findings) -> None:
    from .reader import distinct_of

    quantities = sorted({a for a, _r, _o in relations} | {o for _a, _r, o in relations})
    representatives = []
    for quantity in quantities:
        for row in out.execute("SELECT * FROM figure WHERE quantity = ? ORDER BY id", (quantity,)):
            representatives.append(distinct_of(row).figure)
    quantity_of = {f.claim: f.quantity for f in representatives}
    findings.add(arithmetic(representatives, relations), lambda d: finding_quantities(d, quantity_of))
