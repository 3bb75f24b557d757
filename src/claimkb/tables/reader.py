"""Reading `tables.sqlite`: catalogue answers by key, the figures of one claim's neighbourhood, findings.

Nothing here parses the store or builds an object per figure of the corpus: a trace reads the rows of its
claims, the hops above them and the figures whose windows can relate to theirs; `disagreements` reads the
findings stored when the tables were built.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
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

_SCAN = emulate._SCAN  # json's C scanner: one JSON value from a position, and where it ends

TABLES = "tables.sqlite"
CHECKSUM = "tables.sha256"
ORDER = {name: i for i, name in enumerate(rules.RELATIONS)}
IN_BATCH = 500  # keys bound in one SQL `IN` (SQLite allows 32,766 parameters)
KEPT = 100_000  # figures a process's index keeps decoded (about 1 KiB each, with their comparisons)




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
        self._finder: FigureIndex | None = None

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

    # -- what is stored, by key (the storage `entries.EntryTables` reads from a SPARQL server instead) --

    def _each(self, sql: str, keys: list[str], *before: str):
        """The rows of `sql` (ending in `IN`) for the keys, a few hundred bound at a time."""
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), IN_BATCH):
            part = unique[start:start + IN_BATCH]
            yield from self.db.execute(f"{sql} ({', '.join('?' * len(part))})", (*before, *part))

    def _answers(self, query: str, keys: list[str]) -> dict[str, list[emulate.Row]]:
        return {key: unpack(rows) for key, rows in
                self._each("SELECT key, rows FROM answer WHERE query = ? AND key IN", keys, query)}

    def _claims(self, nodes: list[str]) -> set[str]:
        """Those of `nodes` that are claims (typed schema:Claim)."""
        return {s for (s,) in self._each("SELECT s FROM typed WHERE s IN", nodes)}

    def _sources(self, relays: list[str]) -> dict[str, list[str]]:
        """The prov:wasDerivedFrom sources of each node."""
        out: dict[str, list[str]] = {r: [] for r in relays}
        for relay, source in self._each("SELECT relay, source FROM link WHERE relay IN", relays):
            out[relay].append(source)
        return out

    def _reviewed(self, claims: list[str]) -> bool:
        """Whether any of these claims has a review."""
        return any(True for _ in self._each("SELECT 1 FROM reviewed WHERE claim IN", claims))

    def _values(self, value: str) -> list[tuple[str, str]]:
        """(claim, property) of every figure whose value or bound is this canonical decimal."""
        return list(self.db.execute("SELECT claim, property FROM value WHERE value = ?", (value,)))

    def _finding_values(self, quantity: str | None) -> list[list]:
        """The stored findings' rows, decoded: each a list of the record's fields."""
        if quantity is None:
            rows = self.db.execute("SELECT row FROM finding ORDER BY position")
        else:
            rows = self.db.execute("SELECT f.row FROM finding_quantity q JOIN finding f ON f.position = q.position "
                                   "WHERE q.quantity = ? ORDER BY q.position", (quantity,))
        values = []
        for (text,) in rows:  # the C scanner alone: a third faster than json.loads on tens of thousands
            try:
                value, end = _SCAN(text, 0)
            except (StopIteration, ValueError, TypeError):
                end = -1
            values.append(value if end != -1 and end == len(text) else json.loads(text))  # else json.loads says why
        return values

    def _figure_of(self, claim: str) -> tuple | None:
        return self._figures_of([claim])[claim]

    def _figures_of(self, claims: list[str]) -> dict[str, tuple | None]:
        """The figure row of each claim (None for a claim without one)."""
        out: dict[str, tuple | None] = dict.fromkeys(claims)
        for claim, *row in self._each("SELECT c.claim, f.* FROM claim_figure c JOIN figure f ON f.id = c.figure "
                                      "WHERE c.claim IN", claims):
            out[claim] = tuple(row)
        return out

    def _group(self, quantity: str, unit: str) -> tuple:
        """(kind, claims, span, length, skew) of a quantity and unit."""
        return self.db.execute("SELECT kind, claims, span, length, skew FROM grp WHERE quantity = ? AND unit = ?",
                               (quantity, unit)).fetchone()

    def _window(self, quantity: str, unit: str, low: str, high: str) -> list[tuple]:
        """The figures of a quantity and unit whose earliest start lies in [low, high] (ISO dates)."""
        return self.db.execute("SELECT * FROM figure WHERE quantity = ? AND unit = ? AND wsl BETWEEN ? AND ?",
                               (quantity, unit, low, high)).fetchall()

    def _series(self, quantity: str, unit: str, claimant: str, clauses: list[tuple]) -> list[tuple]:
        """Figures of one claimant's series passing any of the `series_clauses` bounds."""
        sql, params = [], [quantity, unit, claimant]
        for kind, day, bound in clauses:
            sql.append("(f.we < ? AND f.lowf >= ?)" if kind == "before" else "(f.ws > ? AND f.highf <= ?)")
            params += [day, bound]
        return self.db.execute(
            "SELECT f.* FROM figure_series s JOIN figure f ON f.id = s.figure "
            f"WHERE s.quantity = ? AND s.unit = ? AND s.claimant = ? AND ({' OR '.join(sql)})", params).fetchall()

    def _first(self, quantity: str, unit: str, wanted: int, skip: set[int]) -> list[tuple]:
        """The first figures of a quantity and unit by their first claim, at least `wanted` of them not in
        `skip` (when there are so many)."""
        return self.db.execute("SELECT * FROM figure WHERE quantity = ? AND unit = ? ORDER BY first LIMIT ?",
                               (quantity, unit, wanted + len(skip))).fetchall()

    # -- catalogue answers ------------------------------------------------------------------------

    def _stored(self, query: str, key: str) -> list[emulate.Row]:
        return self._answers(query, [key]).get(key, [])

    def answer(self, name: str, terms: dict) -> list[dict[str, Term]] | None:
        """The rows the catalogue query `name` gives with these parameters, when the tables hold them
        (None otherwise: the query runs)."""
        keys = set(terms)
        if name in ("agents", "claimants", "date-problems", "quantity-relations") and not keys:
            rows = self._stored(name, "")
        elif name == "claims" and keys == {"claim"} and isinstance(terms["claim"], list):
            codes = [codec.of_term(t) for t in terms["claim"]]
            stored = self._answers("claims", codes)
            rows = [r for code in codes for r in stored.get(code, [])]
            rows.sort(key=emulate.claims_order)
        elif name == "claims-by-claimant" and keys == {"claimant"} and isinstance(terms["claimant"], Term):
            rows = self._stored("claims-by-claimant", codec.of_term(terms["claimant"]))
        elif name == "relay-hops" and keys == {"claim"} and isinstance(terms["claim"], list):
            rows = self._chains([codec.of_term(t) for t in terms["claim"]])
        elif name == "reviews" and keys == {"claim"} and isinstance(terms["claim"], list) \
                and not self._reviewed([codec.of_term(t) for t in terms["claim"]]):
            rows = []  # none of these claims has a review (the query's plan reads every claim to say so)
        elif name == "claims-with-value" and keys == {"value"} and isinstance(terms["value"], Term) \
                and terms["value"].datatype == XSD.decimal and terms["value"].kind == "literal":
            rows = self._with_value(terms["value"].value)
        else:
            return None
        return codec.rows_to_terms(rows)

    def _chains(self, claims: list[str]) -> list[emulate.Row]:
        """`relay-hops` with `claim`: the hops on the chains above each claim (once per claim reaching them).
        The chains are walked a step at a time for all claims together."""
        known = self._claims(list(dict.fromkeys(claims)))
        starts = [c for c in claims if c in known]
        reached = [{c} for c in starts]
        frontier = [[c] for c in starts]
        while any(frontier):
            sources = self._sources(list(dict.fromkeys(n for nodes in frontier for n in nodes)))
            for i, nodes in enumerate(frontier):
                step = []
                for node in nodes:
                    for source in sources.get(node, ()):
                        if source not in reached[i]:
                            reached[i].add(source)
                            step.append(source)
                frontier[i] = step
        stored = self._answers("relay-hops", list(dict.fromkeys(n for nodes in reached for n in nodes)))
        rows = [r for nodes in reached for n in nodes for r in stored.get(n, [])]
        rows.sort(key=lambda r: emulate.order_key(r["relay"], r["source"], r.get("relayClaimantLabel"),
                                                  r.get("sourceClaimantLabel")))
        return rows

    def _with_value(self, lexical: str) -> list[emulate.Row]:
        value = codec.canonical_decimal(lexical)
        matched = codec.typed(value, XSD.decimal)
        found = sorted(set(self._values(value)), key=lambda r: emulate.order_key(r[0], r[1]))
        return [{"claim": claim, "matched": matched, "property": prop} for claim, prop in found]

    # -- figures and findings ---------------------------------------------------------------------

    def finder(self) -> FigureIndex:
        """The index of these tables' figures, kept for the process: the figures it decoded and the
        comparisons it made serve every later trace (the tables never change under it: a rebuilt store is
        read through another `Tables`). Started afresh once it holds KEPT figures, so memory stays bounded."""
        if self._finder is None or len(self._finder.cache) > KEPT:
            self._finder = self._index()
        return self._finder

    def _index(self) -> FigureIndex:
        return FigureIndex(self)

    def findings(self, quantity: str | None = None) -> list[Disagreement]:
        """The findings stored when the tables were built: all, or those about one measured quantity."""
        rows = self._finding_values(quantity)
        # a row is `list(Disagreement)` as JSON (`assemble`, in a sealed file): its one tuple, the changed
        # words, comes back a list
        for row in rows:
            if type(row[-1]) is list:
                row[-1] = tuple(row[-1])
        return list(map(Disagreement._make, rows))


class FigureIndex:
    """`conflicts.Finder.compare` over the figure table: the figures whose windows can relate to a claim's
    are read by window, the rest of its group counted (they are a different date or period)."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.cache: dict[int, Distinct] = {}
        self.mine: dict[str, tuple[int, Distinct] | None] = {}
        # the claims stating one figure compare alike (as in `Finder.compare`): a popular value's carriers
        # mostly share a few figures, so a trace costs what its distinct figures cost
        self.compared: dict[tuple[int, int], tuple[list[tuple[str, Distinct, int]], dict[str, int]]] = {}
        self.shown: dict[int, tuple] = {}  # what `answers.comparisons` made of a figure's comparisons

    def _of(self, row: tuple) -> Distinct:
        found = self.cache.get(row[0])
        if found is None:
            found = self.cache[row[0]] = distinct_of(row)
        return found

    def prefetch(self, claims: list[str]) -> None:
        """Read the figures of these claims at once (a trace compares each of them)."""
        wanted = [c for c in dict.fromkeys(claims) if c not in self.mine]
        for claim, row in self.tables._figures_of(wanted).items():
            self.mine[claim] = None if row is None else (row[0], self._of(row))

    def _mine(self, claim: str) -> tuple[int, Distinct] | None:
        if claim not in self.mine:
            row = self.tables._figure_of(claim)
            self.mine[claim] = None if row is None else (row[0], self._of(row))
        return self.mine[claim]

    def figure(self, claim: str) -> rules.Figure | None:
        mine = self._mine(claim)
        return None if mine is None else mine[1].figure

    def compare(self, claim: str, shown: int) -> tuple[list[tuple[str, Distinct, int]], dict[str, int]]:
        mine = self._mine(claim)
        if mine is None:
            return [], {}
        me_id, me = mine
        known = self.compared.get((me_id, shown))
        if known is None:
            known = self.compared[(me_id, shown)] = self._compare(me_id, me, shown)
        related, totals = known
        return list(related), dict(totals)

    def _compare(self, me_id: int, me: Distinct, shown: int) -> tuple[list[tuple[str, Distinct, int]], dict[str, int]]:
        f, w = me.figure, me.figure.window
        kind, claims, span, length, skew = self.tables._group(f.quantity, f.unit)
        low = rules.shift(w.start_low, -span)  # held within the calendar: a window may start in year 1
        high = w.start_high
        if kind == "total":
            low = min(low, rules.shift(w.end_low, -length))
            high = max(high, rules.shift(w.end_high, skew))
        evaluated: dict[int, tuple[str, Distinct]] = {}
        for row in self.tables._window(f.quantity, f.unit, low.isoformat(), high.isoformat()):
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
            # the first figures by first claim that were not evaluated: those of them that can be shown are
            # among the first `shown - ahead` (the rest sort after them), so only those are decoded
            more = [row for row in self.tables._first(f.quantity, f.unit, shown - ahead, set(evaluated))
                    if row[0] not in evaluated][:shown - ahead]
            related += [(different, other, other.count) for other in map(self._of, more)]
            related.sort(key=key)
        return related[:shown], totals

    def _series_candidates(self, f: rules.Figure) -> list[tuple]:
        """Figures of the claim's own series that could fall from it or to it (a float bound first, then the
        exact rule)."""
        clauses = series_clauses(f)
        if not clauses:
            return []
        return [row for claimant in sorted(f.series)
                for row in self.tables._series(f.quantity, f.unit, claimant, clauses)]


def series_clauses(f: rules.Figure) -> list[tuple[str, str, float]]:
    """The bounds a figure of the series must pass to fall from `f` or to it: ("before", day, lowest) for
    one ending before `f` starts at or above `f`'s high end, ("after", day, highest) for one starting after
    `f` ends at or below its low end."""
    clauses = []
    if f.high is not None:
        clauses.append(("before", f.window.start.isoformat(), _below(float(f.high))))
    if f.low is not None:
        clauses.append(("after", f.window.end.isoformat(), _above(float(f.low))))
    return clauses


def passes(row: tuple, clauses: list[tuple[str, str, float]]) -> bool:
    """`Tables._series`'s SQL condition on one figure row, for storage that holds the rows themselves."""
    ws, we, lowf, highf = row[4], row[5], row[15], row[16]
    for kind, day, bound in clauses:
        if kind == "before" and we < day and lowf is not None and lowf >= bound:
            return True
        if kind == "after" and ws > day and highf is not None and highf <= bound:
            return True
    return False


def _below(x: float) -> float:
    return x - abs(x) * 1e-9 - 1e-9


def _above(x: float) -> float:
    return x + abs(x) * 1e-9 + 1e-9

