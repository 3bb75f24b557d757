"""Reading `tables.sqlite`: catalogue answers by key, the figures of one claim's neighbourhood, findings.

Nothing here parses the store or builds an object per figure of the corpus: a trace reads the rows of its
claims, the hops above them and the figures whose windows can relate to theirs; `disagreements` reads the
findings stored when the tables were built.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from .. import rules
from ..conflicts import AGREE_SAME, Distinct
from ..errors import KbError
from ..kbfiles import file_sha256
from ..namespaces import XSD
from ..records import Disagreement
from ..results import Term
from . import codec, emulate
from .codec import unpack

TABLES = "tables.sqlite"
CHECKSUM = "tables.sha256"
ORDER = {name: i for i, name in enumerate(rules.RELATIONS)}




def stat_key(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def seal(folder: Path) -> None:
    """Record the tables' checksum, and the file's size, time and inode it was taken at."""
    path = folder / TABLES
    record = {"sha256": file_sha256(path), "stat": stat_key(path)}
    (folder / CHECKSUM).write_text(json.dumps(record), encoding="ascii")


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def distinct_of(row: tuple) -> Distinct:
    """A `figure` row as the distinct figure it stands for."""
    (_id, quantity, unit, kind, ws, we, wsl, wsh, wel, weh, low, high, ilow, ihigh, value, _lowf, _highf, text,
     series, first, count) = row
    window = rules.Window(*(date.fromisoformat(d) for d in (ws, we, wsl, wsh, wel, weh)))
    figure = rules.Figure(claim=first, kind=kind, window=window, low=_decimal(low), high=_decimal(high),
                          implied_low=_decimal(ilow), implied_high=_decimal(ihigh), value=_decimal(value),
                          series=frozenset(json.loads(series)), quantity=quantity, unit=unit, text=text)
    return Distinct(figure, first, count)


class Tables:
    """The tables of one built store, verified before they are first read."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._db: sqlite3.Connection | None = None

    @staticmethod
    def available(folder: Path) -> bool:
        return (folder / TABLES).is_file() and (folder / CHECKSUM).is_file()

    @property
    def db(self) -> sqlite3.Connection:
        """The connection, once the file is known to be the one written: its size, time and inode as
        recorded, or else its sha256 (a copy, a restored backup) as recorded."""
        if self._db is None:
            path = self.folder / TABLES
            try:
                record = json.loads((self.folder / CHECKSUM).read_text(encoding="ascii"))
                trusted = stat_key(path) == record["stat"] or file_sha256(path) == record["sha256"]
            except (OSError, ValueError, KeyError, TypeError):
                trusted = False
            if not trusted:
                raise KbError(f"the comparison tables in {self.folder} were changed or damaged since they were built",
                              hint="delete that folder (it is rebuilt from the knowledge base) and run again")
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        return self._db

    # -- catalogue answers ------------------------------------------------------------------------

    def _stored(self, query: str, key: str) -> list[emulate.Row]:
        found = self.db.execute("SELECT rows FROM answer WHERE query = ? AND key = ?", (query, key)).fetchone()
        return [] if found is None else unpack(found[0])

    def answer(self, name: str, terms: dict) -> list[dict[str, Term]] | None:
        """The rows the catalogue query `name` gives with these parameters, when the tables hold them
        (None otherwise: the query runs)."""
        keys = set(terms)
        if name in ("agents", "claimants", "date-problems", "quantity-relations") and not keys:
            rows = self._stored(name, "")
        elif name == "claims" and keys == {"claim"} and isinstance(terms["claim"], list):
            rows = [r for t in terms["claim"] for r in self._stored("claims", codec.of_term(t))]
            rows.sort(key=emulate.claims_order)
        elif name == "claims-by-claimant" and keys == {"claimant"} and isinstance(terms["claimant"], Term):
            rows = self._stored("claims-by-claimant", codec.of_term(terms["claimant"]))
        elif name == "relay-hops" and keys == {"claim"} and isinstance(terms["claim"], list):
            rows = self._chains([codec.of_term(t) for t in terms["claim"]])
        elif name == "reviews" and keys == {"claim"} and isinstance(terms["claim"], list) and not any(
                self.db.execute("SELECT 1 FROM reviewed WHERE claim = ?", (codec.of_term(t),)).fetchone()
                for t in terms["claim"]):
            rows = []  # none of these claims has a review (the query's plan reads every claim to say so)
        elif name == "claims-with-value" and keys == {"value"} and isinstance(terms["value"], Term) \
                and terms["value"].datatype == XSD.decimal and terms["value"].kind == "literal":
            rows = self._with_value(terms["value"].value)
        else:
            return None
        return codec.rows_to_terms(rows)

    def _chains(self, claims: list[str]) -> list[emulate.Row]:
        """`relay-hops` with `claim`: the hops on the chains above each claim (once per claim reaching them)."""
        rows: list[emulate.Row] = []
        for claim in claims:
            if self.db.execute("SELECT 1 FROM typed WHERE s = ?", (claim,)).fetchone() is None:
                continue
            seen, todo = {claim}, [claim]
            while todo:
                here = todo.pop()
                rows.extend(self._stored("relay-hops", here))
                for (source,) in self.db.execute("SELECT source FROM link WHERE relay = ?", (here,)):
                    if source not in seen:
                        seen.add(source)
                        todo.append(source)
        rows.sort(key=lambda r: emulate.order_key(r["relay"], r["source"], r.get("relayClaimantLabel"),
                                                  r.get("sourceClaimantLabel")))
        return rows

    def _with_value(self, lexical: str) -> list[emulate.Row]:
        value = codec.canonical_decimal(lexical)
        matched = codec.typed(value, XSD.decimal)
        found = sorted(set(self.db.execute("SELECT claim, property FROM value WHERE value = ?", (value,))),
                       key=lambda r: emulate.order_key(r[0], r[1]))
        return [{"claim": claim, "matched": matched, "property": prop} for claim, prop in found]

    # -- figures and findings ---------------------------------------------------------------------

    def finder(self) -> FigureIndex:
        return FigureIndex(self.db)

    def findings(self, quantity: str | None = None) -> list[Disagreement]:
        """The findings stored when the tables were built: all, or those about one measured quantity."""
        if quantity is None:
            rows = self.db.execute("SELECT row FROM finding ORDER BY position")
        else:
            rows = self.db.execute("SELECT f.row FROM finding_quantity q JOIN finding f ON f.position = q.position "
                                   "WHERE q.quantity = ? ORDER BY q.position", (quantity,))
        return [Disagreement._make(tuple(v) if isinstance(v, list) else v for v in json.loads(row))
                for (row,) in rows]


class FigureIndex:
    """`conflicts.Finder.compare` over the figure table: the figures whose windows can relate to a claim's
    are read by window, the rest of its group counted (they are a different date or period)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.cache: dict[int, Distinct] = {}

    def _of(self, row: tuple) -> Distinct:
        found = self.cache.get(row[0])
        if found is None:
            found = self.cache[row[0]] = distinct_of(row)
        return found

    def _mine(self, claim: str) -> tuple[int, Distinct] | None:
        row = self.db.execute("SELECT f.* FROM claim_figure c JOIN figure f ON f.id = c.figure WHERE c.claim = ?",
                              (claim,)).fetchone()
        return None if row is None else (row[0], self._of(row))

    def figure(self, claim: str) -> rules.Figure | None:
        mine = self._mine(claim)
        return None if mine is None else mine[1].figure

    def compare(self, claim: str, shown: int) -> tuple[list[tuple[str, Distinct, int]], dict[str, int]]:
        mine = self._mine(claim)
        if mine is None:
            return [], {}
        me_id, me = mine
        f, w = me.figure, me.figure.window
        kind, claims, span, length, skew = self.db.execute(
            "SELECT kind, claims, span, length, skew FROM grp WHERE quantity = ? AND unit = ?",
            (f.quantity, f.unit)).fetchone()
        low = w.start_low - timedelta(days=span)
        high = w.start_high
        if kind == "total":
            low = min(low, w.end_low - timedelta(days=length))
            high = max(high, w.end_high + timedelta(days=skew))
        evaluated: dict[int, tuple[str, Distinct]] = {}
        for row in self.db.execute("SELECT * FROM figure WHERE quantity = ? AND unit = ? AND wsl BETWEEN ? AND ?",
                                   (f.quantity, f.unit, low.isoformat(), high.isoformat())):
            other = self._of(row)
            evaluated[row[0]] = (AGREE_SAME if row[0] == me_id else rules.relation(f, other.figure), other)
        if kind == "cumulative":
            for row in self._series_candidates(f):
                if row[0] not in evaluated:
                    other = self._of(row)
                    evaluated[row[0]] = (rules.relation(f, other.figure), other)
        different = rules.DIFFERENT_DATE if kind in rules.INSTANT_KINDS else rules.DIFFERENT_PERIOD
        related = []
        for number, (relation, other) in evaluated.items():
            count = other.count - (number == me_id)
            if count:
                related.append((relation, other, count))
        totals: dict[str, int] = {}
        for relation, _other, count in related:
            totals[relation] = totals.get(relation, 0) + count
        rest = claims - sum(other.count for _relation, other in evaluated.values())
        if rest:
            totals[different] = totals.get(different, 0) + rest
        key = lambda item: (ORDER[item[0]], item[1].first)  # noqa: E731
        related.sort(key=key)
        ahead = sum(1 for item in related if ORDER[item[0]] < ORDER[different])
        if rest and ahead < shown:
            more = self.db.execute("SELECT * FROM figure WHERE quantity = ? AND unit = ? ORDER BY first LIMIT ?",
                                   (f.quantity, f.unit, shown - ahead + len(evaluated)))
            related += [(different, self._of(row), self._of(row).count) for row in more if row[0] not in evaluated]
            related.sort(key=key)
        return related[:shown], totals

    def _series_candidates(self, f: rules.Figure) -> list[tuple]:
        """Figures of the claim's own series that could fall from it or to it (a float bound first, then the
        exact rule)."""
        out = []
        for claimant in sorted(f.series):
            clauses: list[str] = []
            params: list[str | float] = [f.quantity, f.unit, claimant]
            if f.high is not None:
                clauses.append("(f.we < ? AND f.lowf >= ?)")
                params += [f.window.start.isoformat(), _below(float(f.high))]
            if f.low is not None:
                clauses.append("(f.ws > ? AND f.highf <= ?)")
                params += [f.window.end.isoformat(), _above(float(f.low))]
            if clauses:
                out += self.db.execute(
                    "SELECT f.* FROM figure_series s JOIN figure f ON f.id = s.figure "
                    f"WHERE s.quantity = ? AND s.unit = ? AND s.claimant = ? AND ({' OR '.join(clauses)})",
                    params).fetchall()
        return out


def _below(x: float) -> float:
    return x - abs(x) * 1e-9 - 1e-9


def _above(x: float) -> float:
    return x + abs(x) * 1e-9 + 1e-9

