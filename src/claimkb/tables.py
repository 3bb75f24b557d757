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

# predicate -> (code, datatype of the object when it is a literal the answers read typed)
PREDICATES: dict[str, tuple[int, str | None]] = {}
for _code, (_iri, _type) in enumerate([
    (RDF.type, None), (SCHEMA.text, None), (SCHEMA.appearance, None), (SCHEMA.author, None),
    (CKB.quantity, None), (CKB.period, None), (CKB.assertedAt, None), (CKB.probabilityBand, None),
    (CKB.hedgeWords, None), (CKB.quotation, None), (CKB.forwardLooking, XSD.boolean),
    (CKB.afterPublicationReason, None), (PROV.wasDerivedFrom, None), (PROV.wasQuotedFrom, None),
    (CKB.measures, None), (SCHEMA.unitText, None), (CKB.comparator, None), (CKB.formulaicHedge, XSD.boolean),
    (SCHEMA.value, XSD.decimal), (CKB.valueAsWritten, None), (CKB.intervalLow, XSD.decimal),
    (CKB.intervalHigh, XSD.decimal), (CKB.impliedLow, XSD.decimal), (CKB.impliedHigh, XSD.decimal),
    (SCHEMA.minValue, XSD.decimal), (SCHEMA.maxValue, XSD.decimal), (SCHEMA.startDate, XSD.date),
    (SCHEMA.endDate, XSD.date), (CKB.asOfStart, XSD.date), (CKB.asOfEnd, XSD.date),
    (CKB.windowStart, XSD.date), (CKB.windowEnd, XSD.date), (CKB.windowStartLow, XSD.date),
    (CKB.windowStartHigh, XSD.date), (CKB.windowEndLow, XSD.date), (CKB.windowEndHigh, XSD.date),
    (CKB.publishedAt, None), (SCHEMA.datePublished, XSD.date), (CKB.aggregation, None), (CKB.sumOf, None),
    (CKB.dailyAverageOf, None), (CKB.incrementOf, None), (RDFS.label, None), (CKB.agentKind, None),
]):
    PREDICATES[_iri] = (_code, _type)
CODE = {iri: code for iri, (code, _t) in PREDICATES.items()}
TYPE_OF = {code: kind for _iri, (code, kind) in PREDICATES.items()}


def canonical_decimal(lexical: str) -> str:
    """The lexical form Oxigraph returns for an xsd:decimal: no trailing zeros, no sign for 0."""
    try:
        value = Decimal(lexical)
    except InvalidOperation:
        return lexical
    return "0" if value == 0 else format(value.normalize(), "f")


class Collector:
    """Reads graph files for the facts the tables need, into a staging database on disk."""

    def __init__(self, folder: Path) -> None:
        self.staging = folder / "staging.sqlite"
        self.staging.unlink(missing_ok=True)
        self.db = sqlite3.connect(self.staging)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                              "CREATE TABLE fact (s TEXT, p INTEGER, o TEXT);")

    def read(self, path: Path, fmt: ox.RdfFormat = ox.RdfFormat.TRIG) -> None:
        code = CODE
        batch: list[tuple[str, int, str]] = []
        for quad in ox.parse(path=str(path), format=fmt):
            p = code.get(quad.predicate.value)
            if p is None:
                continue
            o = quad.object
            value = o.value
            if TYPE_OF[p] == XSD.decimal:
                value = canonical_decimal(value)
            batch.append((quad.subject.value, p, value))
            if len(batch) >= 50_000:
                self.db.executemany("INSERT INTO fact VALUES (?, ?, ?)", batch)
                batch = []
        self.db.executemany("INSERT INTO fact VALUES (?, ?, ?)", batch)

    def write(self, folder: Path) -> None:
        """Assemble the tables from the staged facts, write them, record their checksum."""
        self.db.commit()
        self.db.execute("CREATE INDEX fact_s ON fact (s, p)")
        self.db.execute("CREATE INDEX fact_p ON fact (p, o)")
        out_path = folder / TABLES
        out_path.unlink(missing_ok=True)
        out = sqlite3.connect(out_path)
        out.executescript(SCHEMA_SQL)
        build(Staged(self.db), out)
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

class Staged:
    """Lookups over the staged facts (the small, often repeated ones remembered)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.cache: dict[tuple[str, str], str | None] = {}

    def one(self, subject: str, predicate: str) -> str | None:
        row = self.db.execute("SELECT MIN(o) FROM fact WHERE s = ? AND p = ?", (subject, CODE[predicate])).fetchone()
        return row[0]

    def shared(self, subject: str, predicate: str) -> str | None:
        """`one`, remembered: for the few subjects many claims share (quantities, agents, kinds, documents)."""
        key = (subject, predicate)
        if key not in self.cache:
            self.cache[key] = self.one(subject, predicate)
        return self.cache[key]

    def values(self, predicate: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for s, o in self.db.execute("SELECT s, o FROM fact WHERE p = ? ORDER BY s, o", (CODE[predicate],)):
            values = out.setdefault(s, [])
            if not values or values[-1] != o:
                values.append(o)
        return out

    def subjects(self, predicate: str, obj: str) -> Iterator[str]:
        for (s,) in self.db.execute("SELECT DISTINCT s FROM fact WHERE p = ? AND o = ? ORDER BY s",
                                    (CODE[predicate], obj)):
            yield s

    def record(self, subject: str) -> dict[str, list[str]]:
        """Every staged fact of one subject: predicate IRI -> its values (a triple in several graphs once)."""
        out: dict[str, list[str]] = {}
        for p, o in self.db.execute("SELECT p, o FROM fact WHERE s = ? ORDER BY p, o", (subject,)):
            values = out.setdefault(IRI_OF[p], [])
            if o not in values:
                values.append(o)
        return out


IRI_OF = {code: iri for iri, code in CODE.items()}


def _term(predicate: str, value: str) -> Term:
    kind = PREDICATES[predicate][1]
    if kind is None and value.startswith(("http://", "https://", "urn:")):
        return Term.iri(value)
    return Term.literal(value, kind)


def _first(record: dict[str, list[str]], predicate: str) -> str | None:
    values = record.get(predicate)
    return values[0] if values else None


def _local(iri: str | None) -> str | None:
    return iri.split("#", 1)[1] if iri and "#" in iri else None


def build(staged: Staged, out: sqlite3.Connection) -> None:
    claims = list(staged.subjects(RDF.type, SCHEMA.Claim))
    _figures(staged, claims, out)
    _hops(staged, out)
    _problems(staged, claims, out)
    _claimants(staged, claims, out)
    for relation in ("sumOf", "dailyAverageOf", "incrementOf"):
        rows = [(q, relation, o) for q, values in staged.values(CKB[relation]).items() for o in values]
        out.executemany("INSERT INTO relation VALUES (?, ?, ?)", rows)


def figure_rows(staged: Staged, claim: str, record: dict[str, list[str]]) -> list[dict[str, Term]]:
    """The `comparable-values` rows of one claim (one per claimant, none without a figure in a window)."""
    statement = _first(record, CKB.quantity)
    period = _first(record, CKB.period)
    if statement is None or period is None:
        return []
    s = staged.record(statement)
    w = staged.record(period)
    keys = (CKB.measures, SCHEMA.unitText, CKB.comparator)
    windows = (CKB.windowStart, CKB.windowEnd, CKB.windowStartLow, CKB.windowStartHigh, CKB.windowEndLow,
               CKB.windowEndHigh)
    if any(_first(s, k) is None for k in keys) or any(_first(w, k) is None for k in windows):
        return []
    quantity = _first(s, CKB.measures)
    assert quantity is not None
    aggregation = _local(staged.shared(quantity, CKB.aggregation)) or ""
    row: dict[str, Term] = {"quantity": Term.iri(quantity), "unit": Term.literal(_first(s, SCHEMA.unitText) or ""),
                            "aggregation": Term.literal(aggregation), "claim": Term.iri(claim),
                            "comparator": Term.literal(_local(_first(s, CKB.comparator)) or "")}
    for key, predicate in zip(("windowStart", "windowEnd", "startLow", "startHigh", "endLow", "endHigh"), windows):
        row[key] = _term(predicate, _first(w, predicate) or "")
    for key, predicate in (("value", SCHEMA.value), ("valueAsWritten", CKB.valueAsWritten),
                           ("formulaic", CKB.formulaicHedge), ("low", CKB.intervalLow), ("high", CKB.intervalHigh),
                           ("impliedLow", CKB.impliedLow), ("impliedHigh", CKB.impliedHigh)):
        value = _first(s, predicate)
        if value is not None:
            row[key] = _term(predicate, value)
    authors = record.get(SCHEMA.author) or []
    return [{**row, "claimant": Term.iri(a)} for a in authors] or [row]


def _figures(staged: Staged, claims: list[str], out: sqlite3.Connection) -> None:
    from .conflicts import figures_from_rows

    by_quantity: dict[tuple[str, str], list[rules.Figure]] = {}
    for claim in claims:
        rows = figure_rows(staged, claim, staged.record(claim))
        for figure in figures_from_rows(rows):
            by_quantity.setdefault((figure.quantity, figure.unit), []).append(figure)
    next_id = 0
    for key in sorted(by_quantity):
        distinct, of_claim = deduplicate(by_quantity.pop(key))
        ids = {}
        for d in distinct:
            ids[id(d)] = next_id
            out.execute("INSERT INTO figure VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _figure_row(next_id, d))
            next_id += 1
        out.executemany("INSERT INTO claim_figure VALUES (?, ?)", [(c, ids[id(d)]) for c, d in of_claim.items()])


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _figure_row(number: int, d: Distinct) -> tuple:
    f = d.figure
    window = ",".join(day.isoformat() for day in f.window)
    return (number, f.quantity, f.unit, f.kind, window, _dec(f.low), _dec(f.high), _dec(f.implied_low),
            _dec(f.implied_high), _dec(f.value), f.text, "\n".join(sorted(f.series)), d.first, d.count)


def _hop_side(staged: Staged, claim: str, side: str, record: dict[str, list[str]]) -> dict[str, Term]:
    row: dict[str, Term] = {}
    for key, predicate in (("Hedge", CKB.hedgeWords), ("Quote", CKB.quotation)):
        if (value := _first(record, predicate)) is not None:
            row[side + key] = _term(predicate, value)
    if (band := _first(record, CKB.probabilityBand)) is not None:
        row[side + "Band"] = Term.literal(_local(band) or "")
    if (period := _first(record, CKB.period)) is not None:
        w = staged.record(period)
        for key, predicate in (("PeriodStart", SCHEMA.startDate), ("PeriodEnd", SCHEMA.endDate),
                               ("AsOfStart", CKB.asOfStart), ("AsOfEnd", CKB.asOfEnd),
                               ("WindowStart", CKB.windowStart), ("WindowEnd", CKB.windowEnd),
                               ("StartLow", CKB.windowStartLow), ("StartHigh", CKB.windowStartHigh),
                               ("EndLow", CKB.windowEndLow), ("EndHigh", CKB.windowEndHigh)):
            if (value := _first(w, predicate)) is not None:
                row[side + key] = _term(predicate, value)
    if (statement := _first(record, CKB.quantity)) is not None:
        s = staged.record(statement)
        for key, predicate in (("Quantity", CKB.measures), ("Formulaic", CKB.formulaicHedge),
                               ("Value", SCHEMA.value), ("AsWritten", CKB.valueAsWritten), ("Unit", SCHEMA.unitText),
                               ("Low", CKB.intervalLow), ("High", CKB.intervalHigh)):
            if (value := _first(s, predicate)) is not None:
                row[side + key] = _term(predicate, value)
        if (comparator := _first(s, CKB.comparator)) is not None:
            row[side + "Comparator"] = Term.literal(_local(comparator) or "")
    return row


def hop_rows(staged: Staged, relay: str, source: str) -> list[dict[str, Term]]:
    """The `relay-hops` rows of one hop (one per pair of claimants), or none when either side lacks what
    the query requires (a text; the source's document)."""
    r, s = staged.record(relay), staged.record(source)
    if SCHEMA.text not in r or SCHEMA.text not in s or SCHEMA.appearance not in s:
        return []
    document = _first(s, SCHEMA.appearance)
    assert document is not None
    row: dict[str, Term] = {"relay": Term.iri(relay), "source": Term.iri(source), "sourceDocument": Term.iri(document)}
    published = staged.shared(document, SCHEMA.datePublished)
    if published is not None:
        row["sourcePublished"] = Term.literal(published, XSD.date)
    row["quoted"] = Term.literal("true" if source in (r.get(PROV.wasQuotedFrom) or []) else "false", XSD.boolean)
    row.update(_hop_side(staged, relay, "relay", r))
    row.update(_hop_side(staged, source, "source", s))
    rows = [row]
    for side, record in (("relay", r), ("source", s)):
        authors = record.get(SCHEMA.author) or []
        if authors:
            expanded = []
            for base in rows:
                for author in authors:
                    labelled = {**base, f"{side}Claimant": Term.iri(author)}
                    if (label := staged.shared(author, RDFS.label)) is not None:
                        labelled[f"{side}ClaimantLabel"] = Term.literal(label)
                    kind = staged.shared(author, CKB.agentKind)
                    if kind is not None and (kind_label := staged.shared(kind, RDFS.label)) is not None:
                        labelled[f"{side}ClaimantKind"] = Term.literal(kind_label)
                    expanded.append(labelled)
            rows = expanded
    return rows


def _hops(staged: Staged, out: sqlite3.Connection) -> None:
    from .answers import hops

    for relay, sources in staged.values(PROV.wasDerivedFrom).items():
        for source in sources:
            rows = hop_rows(staged, relay, source)
            if not rows or not hops_changed(rows, hops):
                continue
            quantities = " ".join(filter(None, (rows[0].get("relayQuantity", Term.iri("")).value,
                                                 rows[0].get("sourceQuantity", Term.iri("")).value)))
            out.execute("INSERT INTO hop VALUES (?, ?, ?, ?)", (relay, source, quantities, _dump(rows)))


def hops_changed(rows: list[dict[str, Term]], hops) -> bool:
    return any(h.changed for h in hops(_table(rows)))


def _table(rows: list[dict[str, Term]]):
    from .results import ResultTable

    return ResultTable(sorted({k for r in rows for k in r}), rows)


def _dump(rows: list[dict[str, Term]]) -> str:
    return json.dumps([{k: [t.kind, t.value, t.datatype, t.lang] for k, t in r.items()} for r in rows],
                      ensure_ascii=False, separators=(",", ":"))


def _load(text: str) -> list[dict[str, Term]]:
    return [{k: Term(*v) for k, v in r.items()} for r in json.loads(text)]


def _problems(staged: Staged, claims: list[str], out: sqlite3.Connection) -> None:
    for claim in claims:
        record = staged.record(claim)
        asserted = _first(record, CKB.assertedAt)
        document = _first(record, SCHEMA.appearance)
        if asserted is None or document is None:
            continue
        a = staged.record(asserted)
        asserted_start = _first(a, SCHEMA.startDate)
        asserted_end = _first(a, SCHEMA.endDate) or asserted_start
        published = staged.shared(document, CKB.publishedAt)
        published_end = None
        if published is not None:
            published_end = staged.shared(published, SCHEMA.endDate) or staged.shared(published, SCHEMA.startDate)
        period_end = None
        if _first(record, CKB.quantity) is not None and (period := _first(record, CKB.period)) is not None:
            period_end = staged.one(period, CKB.windowEnd)
        row: dict[str, Term] = {"claim": Term.iri(claim)}
        for key, value in (("assertedStart", asserted_start), ("assertedEnd", asserted_end),
                           ("publishedEnd", published_end), ("periodEnd", period_end)):
            if value is not None:
                row[key] = Term.literal(value, XSD.date)
        checks = (
            (rules.ASSERTED_AFTER_PUBLICATION, CKB.afterPublicationReason,
             rules.asserted_after_publication(_day(asserted_start), _day(published_end))),
            (rules.PERIOD_AFTER_ASSERTION, None,
             rules.period_after_assertion(_day(period_end), _day(asserted_end))),
        )
        for kind, excuse, check in checks:
            if check is None or check.consistent:
                continue
            if excuse is not None and _first(record, excuse) is not None:
                continue
            if kind == rules.PERIOD_AFTER_ASSERTION and (
                    _first(record, CKB.hedgeWords) is not None or _first(record, CKB.forwardLooking) is not None):
                continue
            out.execute("INSERT INTO problem VALUES (?, ?)", (claim, _dump([{**row, "problem": Term.literal(kind)}])))


def _day(text: str | None) -> date | None:
    try:
        return None if text is None else date.fromisoformat(text)
    except ValueError:
        return None


def _claimants(staged: Staged, claims: list[str], out: sqlite3.Connection) -> None:
    counts: dict[str | None, tuple[set[str], set[str]]] = {}
    for claim in claims:
        record = staged.record(claim)
        documents = record.get(SCHEMA.appearance) or []
        if not documents:
            continue
        for author in record.get(SCHEMA.author) or [None]:  # type: ignore[list-item]
            mine = counts.setdefault(author, (set(), set()))
            mine[0].add(claim)
            mine[1].update(documents)
    rows = []
    for author, (mine, documents) in counts.items():
        if author is None:
            label, kind = "(no claimant recorded)", ""
        else:
            label = staged.shared(author, RDFS.label) or author
            kind_iri = staged.shared(author, CKB.agentKind)
            kind = (staged.shared(kind_iri, RDFS.label) if kind_iri else None) or ""
        row = {"label": Term.literal(label), "kind": Term.literal(kind),
               "claims": Term.literal(str(len(mine)), XSD.integer),
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
        return list(self.db.execute("SELECT quantity, relation, other FROM relation ORDER BY quantity, relation, other"))


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
