"""Comparison tables, derived once beside a persistent store, so that answers at scale read a few rows
instead of visiting every figure and hop through the store.

While the store is bulk-loaded, the same graph files are read once more for the predicates the answers
need (`Collector`); the facts go to a staging SQLite file on disk (so that a million claims need little
memory), and SQL assembles them into `tables.sqlite`:

  figure        the distinct figures of each measured quantity and unit (a figure and its faithful relays are
                one row, with the first claim and how many claims state it): what `comparable-values` gives,
                deduplicated as `conflicts.deduplicate` does;
  claim_figure  the distinct figure of each claim (for `trace`);
  hop           every relay hop that changes something, as the row `relay-hops changed=true` gives;
  problem       the rows of `date-problems`;
  claimant      the rows of `claimants` (who asserted how much), so `who` is instant at any size;
  relation      the rows of `quantity-relations`.

The rows equal the catalogue queries' answers on the same data (`tests/test_tables.py` checks it on the
bundled knowledge base and on a synthetic corpus); the rules are applied by the same code either way
(`rules.py`, `conflicts.py`, `answers.hops`). The file's sha256 is recorded when it is written and checked
before it is first read in a process: a damaged or edited table is refused, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from . import rules
from .conflicts import Distinct, deduplicate
from .errors import KbError
from .namespaces import CKB, PROV, RDF, RDFS, SCHEMA, XSD
from .results import Term

TABLES = "tables.sqlite"
CHECKSUM = "tables.sha256"

# the facts the tables need: column of the staging table, predicate, datatype of a literal object, and
# whether a subject may have several (those are IRIs, kept one per line)
COLUMNS = [
    ("type", RDF.type, None, True), ("text", SCHEMA.text, None, False), ("appearance", SCHEMA.appearance, None, False),
    ("author", SCHEMA.author, None, True), ("quantity", CKB.quantity, None, False), ("period", CKB.period, None, False),
    ("asserted", CKB.assertedAt, None, False), ("band", CKB.probabilityBand, None, False),
    ("hedge", CKB.hedgeWords, None, False), ("quotation", CKB.quotation, None, False),
    ("forward", CKB.forwardLooking, XSD.boolean, False), ("excuse", CKB.afterPublicationReason, None, False),
    ("derived", PROV.wasDerivedFrom, None, True), ("quoted", PROV.wasQuotedFrom, None, True),
    ("measures", CKB.measures, None, False), ("unit", SCHEMA.unitText, None, False),
    ("comparator", CKB.comparator, None, False), ("formulaic", CKB.formulaicHedge, XSD.boolean, False),
    ("value", SCHEMA.value, XSD.decimal, False), ("written", CKB.valueAsWritten, None, False),
    ("low", CKB.intervalLow, XSD.decimal, False), ("high", CKB.intervalHigh, XSD.decimal, False),
    ("ilow", CKB.impliedLow, XSD.decimal, False), ("ihigh", CKB.impliedHigh, XSD.decimal, False),
    ("start", SCHEMA.startDate, XSD.date, False), ("end", SCHEMA.endDate, XSD.date, False),
    ("asof_start", CKB.asOfStart, XSD.date, False), ("asof_end", CKB.asOfEnd, XSD.date, False),
    ("ws", CKB.windowStart, XSD.date, False), ("we", CKB.windowEnd, XSD.date, False),
    ("wsl", CKB.windowStartLow, XSD.date, False), ("wsh", CKB.windowStartHigh, XSD.date, False),
    ("wel", CKB.windowEndLow, XSD.date, False), ("weh", CKB.windowEndHigh, XSD.date, False),
    ("published_at", CKB.publishedAt, None, False), ("date_published", SCHEMA.datePublished, XSD.date, False),
    ("aggregation", CKB.aggregation, None, False), ("sum_of", CKB.sumOf, None, True),
    ("average_of", CKB.dailyAverageOf, None, False), ("increment_of", CKB.incrementOf, None, False),
    ("label", RDFS.label, None, False), ("agent_kind", CKB.agentKind, None, False),
]
NAMES = [c[0] for c in COLUMNS]
INDEX = {iri: i for i, (_n, iri, _t, _m) in enumerate(COLUMNS)}
DATATYPE = {name: kind for name, _iri, kind, _m in COLUMNS}
MULTI = {name for name, _iri, _t, multi in COLUMNS if multi}


def canonical_decimal(lexical: str) -> str:
    """The lexical form Oxigraph returns for an xsd:decimal: no trailing zeros, no sign for 0."""
    try:
        value = Decimal(lexical)
    except InvalidOperation:
        return lexical
    return "0" if value == 0 else format(value.normalize(), "f")


class Collector:
    """Reads graph files for the facts the tables need into a staging table on disk, one row per subject
    (a subject's facts are usually written together; a subject met again is merged into its row)."""

    def __init__(self, folder: Path) -> None:
        self.staging = folder / "staging.sqlite"
        self.staging.unlink(missing_ok=True)
        self.db = sqlite3.connect(self.staging)
        columns = ", ".join(f"{n} TEXT" for n in NAMES)
        self.db.executescript(f"PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                              f"CREATE TABLE node (s TEXT PRIMARY KEY, {columns}) WITHOUT ROWID;")
        merge = ", ".join(
            f"{n} = CASE WHEN node.{n} IS NULL THEN excluded.{n} WHEN excluded.{n} IS NULL THEN node.{n} "
            + (f"ELSE node.{n} || char(10) || excluded.{n} END" if n in MULTI
               else f"ELSE MIN(node.{n}, excluded.{n}) END")
            for n in NAMES)
        self.insert = (f"INSERT INTO node VALUES (?, {', '.join('?' for _ in NAMES)}) "
                       f"ON CONFLICT(s) DO UPDATE SET {merge}")
        self.rows: list[list] = []

    def read(self, path: Path, fmt: ox.RdfFormat = ox.RdfFormat.TRIG) -> None:
        index = INDEX
        decimal = {INDEX[iri] for _n, iri, kind, _m in COLUMNS if kind == XSD.decimal}
        multi = {INDEX[iri] for _n, iri, _k, m in COLUMNS if m}
        subject: str | None = None
        row: list = []
        for quad in ox.parse(path=str(path), format=fmt):
            i = index.get(quad.predicate.value)
            if i is None:
                continue
            s = quad.subject.value
            if s != subject:
                if subject is not None:
                    self._add(subject, row)
                subject, row = s, [None] * len(NAMES)
            value = quad.object.value
            if i in decimal:
                value = canonical_decimal(value)
            if i in multi and row[i] is not None:
                if value not in row[i].split("\n"):
                    row[i] += "\n" + value
            elif row[i] is None or value < row[i]:
                row[i] = value
        if subject is not None:
            self._add(subject, row)
        self._flush()

    def _add(self, subject: str, row: list) -> None:
        self.rows.append([subject, *row])
        if len(self.rows) >= 20_000:
            self._flush()

    def _flush(self) -> None:
        self.db.executemany(self.insert, self.rows)
        self.rows = []

    def write(self, folder: Path) -> None:
        """Assemble the tables from the staged facts, write them, record their checksum."""
        self._flush()
        self.db.commit()
        out_path = folder / TABLES
        out_path.unlink(missing_ok=True)
        out = sqlite3.connect(out_path)
        out.executescript(SCHEMA_SQL)
        build(self.db, out)
        out.commit()
        out.execute("VACUUM")
        out.close()
        self.db.close()
        self.staging.unlink(missing_ok=True)
        (folder / CHECKSUM).write_text(_sha256(out_path), encoding="ascii")


SCHEMA_SQL = """
CREATE TABLE figure (id INTEGER PRIMARY KEY, quantity TEXT, unit TEXT, kind TEXT, window TEXT, low TEXT,
                     high TEXT, ilow TEXT, ihigh TEXT, value TEXT, text TEXT, series TEXT, first TEXT, count INT);
CREATE INDEX figure_quantity ON figure (quantity);
CREATE TABLE claim_figure (claim TEXT PRIMARY KEY, figure INTEGER) WITHOUT ROWID;
CREATE TABLE hop (relay TEXT, source TEXT, quantities TEXT, row TEXT);
CREATE TABLE problem (claim TEXT, row TEXT);
CREATE TABLE claimant (position INTEGER PRIMARY KEY, row TEXT);
CREATE TABLE relation (quantity TEXT, relation TEXT, other TEXT);
"""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- assembling the tables from the staged facts --------------------------------------------------

def _select(db: sqlite3.Connection, sql: str, aliases: dict[str, list[str]]) -> Iterator[dict[str, dict]]:
    """Rows of a join over `node`, each as {alias: {column: value}} for the aliases and columns named."""
    picks = [(a, c) for a, columns in aliases.items() for c in columns]
    query = sql.replace("{columns}", ", ".join(f"{a}.{c}" for a, c in picks))
    for values in db.execute(query):
        row: dict[str, dict] = {a: {} for a in aliases}
        for (a, c), value in zip(picks, values, strict=True):
            row[a][c] = value
        yield row


def _term(column: str, value: str) -> Term:
    kind = DATATYPE[column]
    if kind is None and value.startswith(("http://", "https://", "urn:")):
        return Term.iri(value)
    return Term.literal(value, kind)


def _local(iri: str | None) -> str | None:
    return iri.split("#", 1)[1] if iri and "#" in iri else None


def _many(value: str | None) -> list[str]:
    return sorted(set(value.split("\n"))) if value else []


STATEMENT = ["measures", "unit", "comparator", "formulaic", "value", "written", "low", "high", "ilow", "ihigh"]
WINDOW = ["ws", "we", "wsl", "wsh", "wel", "weh"]
PERIOD = ["start", "end", "asof_start", "asof_end", *WINDOW]


def build(db: sqlite3.Connection, out: sqlite3.Connection) -> None:
    labels = {s: (label, kind) for s, label, kind in db.execute(
        "SELECT s, label, agent_kind FROM node WHERE label IS NOT NULL OR agent_kind IS NOT NULL")}
    _figures(db, out)
    _hops(db, out, labels)
    _problems(db, out)
    _claimants(db, out, labels)
    for quantity, sums, average, increment in db.execute(
            "SELECT s, sum_of, average_of, increment_of FROM node "
            "WHERE sum_of IS NOT NULL OR average_of IS NOT NULL OR increment_of IS NOT NULL"):
        rows = [(quantity, "sumOf", o) for o in _many(sums)]
        rows += [(quantity, "dailyAverageOf", o) for o in _many(average)]
        rows += [(quantity, "incrementOf", o) for o in _many(increment)]
        out.executemany("INSERT INTO relation VALUES (?, ?, ?)", rows)


CLAIM = "instr(c.type, 'http://schema.org/Claim') > 0"


def figure_rows(row: dict[str, dict]) -> list[dict[str, Term]]:
    """The `comparable-values` rows of one claim (one per claimant)."""
    c, st, pe, q = row["c"], row["st"], row["pe"], row["q"]
    out: dict[str, Term] = {
        "quantity": Term.iri(st["measures"]), "unit": Term.literal(st["unit"]),
        "aggregation": Term.literal(_local(q["aggregation"]) or ""), "claim": Term.iri(c["s"]),
        "comparator": Term.literal(_local(st["comparator"]) or "")}
    keys = ("windowStart", "windowEnd", "startLow", "startHigh", "endLow", "endHigh")
    for key, column in zip(keys, WINDOW, strict=True):
        out[key] = _term(column, pe[column])
    for key, column in (("value", "value"), ("valueAsWritten", "written"), ("formulaic", "formulaic"),
                        ("low", "low"), ("high", "high"), ("impliedLow", "ilow"), ("impliedHigh", "ihigh")):
        if st[column] is not None:
            out[key] = _term(column, st[column])
    authors = _many(c["author"])
    return [{**out, "claimant": Term.iri(a)} for a in authors] or [out]


def _figures(db: sqlite3.Connection, out: sqlite3.Connection) -> None:
    from .conflicts import figures_from_rows

    sql = ("SELECT {columns} FROM node c JOIN node st ON st.s = c.quantity JOIN node pe ON pe.s = c.period "
           "LEFT JOIN node q ON q.s = st.measures "
           f"WHERE {CLAIM} AND st.measures IS NOT NULL AND st.unit IS NOT NULL AND st.comparator IS NOT NULL "
           "AND " + " AND ".join(f"pe.{w} IS NOT NULL" for w in WINDOW) + " ORDER BY st.measures, st.unit, c.s")
    group: list[rules.Figure] = []
    key: tuple | None = None
    next_id = 0
    for row in _select(db, sql, {"c": ["s", "author"], "st": STATEMENT, "pe": WINDOW, "q": ["aggregation"]}):
        here = (row["st"]["measures"], row["st"]["unit"])
        if here != key and group:
            next_id = _write_group(out, group, next_id)
            group = []
        key = here
        group.extend(figures_from_rows(figure_rows(row)))
    if group:
        _write_group(out, group, next_id)


def _write_group(out: sqlite3.Connection, figures: list[rules.Figure], next_id: int) -> int:
    distinct, of_claim = deduplicate(figures)
    ids = {}
    rows = []
    for d in distinct:
        ids[id(d)] = next_id
        rows.append(_figure_row(next_id, d))
        next_id += 1
    out.executemany("INSERT INTO figure VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    out.executemany("INSERT INTO claim_figure VALUES (?, ?)", [(c, ids[id(d)]) for c, d in of_claim.items()])
    return next_id


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _figure_row(number: int, d: Distinct) -> tuple:
    f = d.figure
    window = ",".join(day.isoformat() for day in f.window)
    return (number, f.quantity, f.unit, f.kind, window, _dec(f.low), _dec(f.high), _dec(f.implied_low),
            _dec(f.implied_high), _dec(f.value), f.text, "\n".join(sorted(f.series)), d.first, d.count)


SIDE = {"Quantity": "measures", "Formulaic": "formulaic", "Value": "value", "AsWritten": "written", "Unit": "unit",
        "Low": "low", "High": "high"}
SIDE_PERIOD = {"PeriodStart": "start", "PeriodEnd": "end", "AsOfStart": "asof_start", "AsOfEnd": "asof_end",
               "WindowStart": "ws", "WindowEnd": "we", "StartLow": "wsl", "StartHigh": "wsh", "EndLow": "wel",
               "EndHigh": "weh"}


def hop_rows(row: dict[str, dict], labels: dict[str, tuple]) -> list[dict[str, Term]]:
    """The `relay-hops` rows of one hop (one per pair of claimants)."""
    r, s = row["r"], row["s"]
    out: dict[str, Term] = {"relay": Term.iri(r["s"]), "source": Term.iri(s["s"]),
                            "sourceDocument": Term.iri(s["appearance"])}
    if row["d"]["date_published"] is not None:
        out["sourcePublished"] = Term.literal(row["d"]["date_published"], XSD.date)
    out["quoted"] = Term.literal("true" if s["s"] in _many(r["quoted"]) else "false", XSD.boolean)
    for side, claim, statement, period in (("relay", r, row["rst"], row["rpe"]), ("source", s, row["sst"], row["spe"])):
        for key, column in (("Hedge", "hedge"), ("Quote", "quotation")):
            if claim[column] is not None:
                out[side + key] = _term(column, claim[column])
        if claim["band"] is not None:
            out[side + "Band"] = Term.literal(_local(claim["band"]) or "")
        if claim["period"] is not None:
            for key, column in SIDE_PERIOD.items():
                if period[column] is not None:
                    out[side + key] = _term(column, period[column])
        if claim["quantity"] is not None:
            for key, column in SIDE.items():
                if statement[column] is not None:
                    out[side + key] = _term(column, statement[column])
            if statement["comparator"] is not None:
                out[side + "Comparator"] = Term.literal(_local(statement["comparator"]) or "")
    rows = [out]
    for side, claim in (("relay", r), ("source", s)):
        authors = _many(claim["author"])
        if authors:
            expanded = []
            for base in rows:
                for author in authors:
                    labelled = {**base, f"{side}Claimant": Term.iri(author)}
                    label, kind = labels.get(author, (None, None))
                    if label is not None:
                        labelled[f"{side}ClaimantLabel"] = Term.literal(label)
                    if kind is not None and labels.get(kind, (None,))[0] is not None:
                        labelled[f"{side}ClaimantKind"] = Term.literal(labels[kind][0])
                    expanded.append(labelled)
            rows = expanded
    return rows


def _hops(db: sqlite3.Connection, out: sqlite3.Connection, labels: dict[str, tuple]) -> None:
    from .answers import hops
    from .results import ResultTable

    db.execute("CREATE TEMP TABLE link (relay TEXT, source TEXT)")
    links = []
    for relay, derived in db.execute("SELECT s, derived FROM node WHERE derived IS NOT NULL"):
        links.extend((relay, source) for source in _many(derived))
    db.executemany("INSERT INTO link VALUES (?, ?)", links)
    claim_columns = ["s", "text", "appearance", "author", "quantity", "period", "band", "hedge", "quotation", "quoted"]
    sql = ("SELECT {columns} FROM link l JOIN node r ON r.s = l.relay JOIN node s ON s.s = l.source "
           "LEFT JOIN node rst ON rst.s = r.quantity LEFT JOIN node sst ON sst.s = s.quantity "
           "LEFT JOIN node rpe ON rpe.s = r.period LEFT JOIN node spe ON spe.s = s.period "
           "LEFT JOIN node d ON d.s = s.appearance "
           "WHERE r.text IS NOT NULL AND s.text IS NOT NULL AND s.appearance IS NOT NULL ORDER BY l.relay, l.source")
    aliases = {"r": claim_columns, "s": claim_columns, "rst": STATEMENT, "sst": STATEMENT,
               "rpe": PERIOD, "spe": PERIOD, "d": ["date_published"]}
    for row in _select(db, sql, aliases):
        rows = hop_rows(row, labels)
        if not any(h.changed for h in hops(ResultTable(sorted({k for x in rows for k in x}), rows))):
            continue
        quantities = " ".join(filter(None, (row["rst"]["measures"], row["sst"]["measures"])))
        out.execute("INSERT INTO hop VALUES (?, ?, ?, ?)", (row["r"]["s"], row["s"]["s"], quantities, _dump(rows)))


def _dump(rows: list[dict[str, Term]]) -> str:
    return json.dumps([{k: [t.kind, t.value, t.datatype, t.lang] for k, t in r.items()} for r in rows],
                      ensure_ascii=False, separators=(",", ":"))


def _load(text: str) -> list[dict[str, Term]]:
    return [{k: Term(*v) for k, v in r.items()} for r in json.loads(text)]


def _problems(db: sqlite3.Connection, out: sqlite3.Connection) -> None:
    sql = ("SELECT {columns} FROM node c LEFT JOIN node a ON a.s = c.asserted "
           "LEFT JOIN node doc ON doc.s = c.appearance LEFT JOIN node pub ON pub.s = doc.published_at "
           f"LEFT JOIN node pe ON pe.s = c.period WHERE {CLAIM} AND c.asserted IS NOT NULL "
           "AND c.appearance IS NOT NULL ORDER BY c.s")
    aliases = {"c": ["s", "quantity", "hedge", "forward", "excuse"], "a": ["start", "end"], "pub": ["start", "end"],
               "pe": ["we"]}
    for row in _select(db, sql, aliases):
        c = row["c"]
        asserted_start = row["a"]["start"]
        asserted_end = row["a"]["end"] or asserted_start
        published_end = row["pub"]["end"] or row["pub"]["start"]
        period_end = row["pe"]["we"] if c["quantity"] is not None else None
        terms: dict[str, Term] = {"claim": Term.iri(c["s"])}
        for key, value in (("assertedStart", asserted_start), ("assertedEnd", asserted_end),
                           ("publishedEnd", published_end), ("periodEnd", period_end)):
            if value is not None:
                terms[key] = Term.literal(value, XSD.date)
        late = rules.asserted_after_publication(_day(asserted_start), _day(published_end))
        if late is not None and not late.consistent and c["excuse"] is None:
            out.execute("INSERT INTO problem VALUES (?, ?)",
                        (c["s"], _dump([{**terms, "problem": Term.literal(rules.ASSERTED_AFTER_PUBLICATION)}])))
        ahead = rules.period_after_assertion(_day(period_end), _day(asserted_end))
        if ahead is not None and not ahead.consistent and c["hedge"] is None and c["forward"] is None:
            out.execute("INSERT INTO problem VALUES (?, ?)",
                        (c["s"], _dump([{**terms, "problem": Term.literal(rules.PERIOD_AFTER_ASSERTION)}])))


def _day(text: str | None) -> date | None:
    try:
        return None if text is None else date.fromisoformat(text)
    except ValueError:
        return None


def _claimants(db: sqlite3.Connection, out: sqlite3.Connection, labels: dict[str, tuple]) -> None:
    counts: dict[str | None, list] = {}
    sql = f"SELECT c.author, c.appearance FROM node c WHERE {CLAIM} AND c.appearance IS NOT NULL"
    for authors, document in db.execute(sql):
        for author in _many(authors) or [None]:
            mine = counts.setdefault(author, [0, set()])
            mine[0] += 1
            mine[1].add(document)
    rows = []
    for author, (claims, documents) in counts.items():
        if author is None:
            label, kind = "(no claimant recorded)", ""
        else:
            label, kind_iri = labels.get(author, (None, None))
            label = label or author
            kind = (labels.get(kind_iri, (None,))[0] if kind_iri else None) or ""
        row = {"label": Term.literal(label), "kind": Term.literal(kind),
               "claims": Term.literal(str(claims), XSD.integer),
               "documents": Term.literal(str(len(documents)), XSD.integer)}
        if author is not None:
            row["claimant"] = Term.iri(author)
        rows.append(row)
    rows.sort(key=lambda r: (-int(r["claims"].value), r["label"].value))
    out.executemany("INSERT INTO claimant VALUES (?, ?)", [(i, _dump([r])) for i, r in enumerate(rows)])


# -- reading the tables ---------------------------------------------------------------------------

class Tables:
    """The comparison tables of one built store, verified before they are first read."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._db: sqlite3.Connection | None = None

    @staticmethod
    def available(folder: Path) -> bool:
        return (folder / TABLES).is_file() and (folder / CHECKSUM).is_file()

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            path = self.folder / TABLES
            recorded = (self.folder / CHECKSUM).read_text(encoding="ascii").strip()
            if _sha256(path) != recorded:
                raise KbError(f"the comparison tables in {self.folder} were changed or damaged since they were built",
                              hint="delete that folder (it is rebuilt from the knowledge base) and run again")
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        return self._db

    def distinct(self, quantities: Iterable[str] | None = None) -> tuple[list[Distinct], dict[str, Distinct]]:
        """Distinct figures (all, or of these quantities), and for each claim stating one of them its figure
        (only when `quantities` is given: a trace needs it, a full sweep does not)."""
        if quantities is None:
            rows = self.db.execute("SELECT * FROM figure ORDER BY id").fetchall()
            return [_distinct(r) for r in rows], {}
        wanted = sorted(set(quantities))
        out: list[Distinct] = []
        by_id: dict[int, Distinct] = {}
        for quantity in wanted:
            for r in self.db.execute("SELECT * FROM figure WHERE quantity = ? ORDER BY id", (quantity,)):
                d = by_id[r[0]] = _distinct(r)
                out.append(d)
        return out, by_id  # type: ignore[return-value]

    def figure_of(self, claims: Iterable[str], by_id: dict) -> dict[str, Distinct]:
        out = {}
        for claim in claims:
            row = self.db.execute("SELECT figure FROM claim_figure WHERE claim = ?", (claim,)).fetchone()
            if row is not None and row[0] in by_id:
                out[claim] = by_id[row[0]]
        return out

    def quantities_of(self, claims: Iterable[str]) -> list[str]:
        out = []
        for claim in claims:
            row = self.db.execute("SELECT f.quantity FROM claim_figure c JOIN figure f ON f.id = c.figure "
                                  "WHERE c.claim = ?", (claim,)).fetchone()
            if row is not None and row[0] not in out:
                out.append(row[0])
        return out

    def changed_hops(self, quantity: str | None = None) -> list[dict[str, Term]]:
        rows: list[dict[str, Term]] = []
        for quantities, text in self.db.execute("SELECT quantities, row FROM hop ORDER BY relay, source"):
            if quantity is None or quantity in quantities.split():
                rows.extend(_load(text))
        return rows

    def problems(self) -> list[dict[str, Term]]:
        return [r for (text,) in self.db.execute("SELECT row FROM problem ORDER BY claim, row") for r in _load(text)]

    def claimants(self) -> list[dict[str, Term]]:
        return [r for (text,) in self.db.execute("SELECT row FROM claimant ORDER BY position") for r in _load(text)]

    def relations(self) -> list[tuple[str, str, str]]:
        sql = "SELECT quantity, relation, other FROM relation ORDER BY quantity, relation, other"
        return list(self.db.execute(sql))


def _distinct(row: tuple) -> Distinct:
    (_id, quantity, unit, kind, window, low, high, ilow, ihigh, value, text, series, first, count) = row
    figure = rules.Figure(
        claim=first, kind=kind, window=rules.Window(*(date.fromisoformat(d) for d in window.split(","))),
        low=_decimal(low), high=_decimal(high), implied_low=_decimal(ilow), implied_high=_decimal(ihigh),
        value=_decimal(value), series=frozenset(series.split("\n")) if series else frozenset(),
        quantity=quantity, unit=unit, text=text)
    return Distinct(figure, first, count)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
