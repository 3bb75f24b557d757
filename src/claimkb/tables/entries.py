"""The comparison tables as entries a SPARQL server can hold, and the tables read back from them.

A server answers claimkb's catalogue queries, but at scale the comparisons cannot run through them: an
engine visits every figure of a quantity (Oxigraph 0.5 reads about 4,000 figure rows a second through
`comparable-values`), so a trace or a `disagreements` at a million claims would take minutes. `claimkb
push` therefore also writes what `tables.sqlite` holds, as one graph of entries:

    <https://w3id.org/claimkb/id/tables/HASH> ckb:tableEntry "JSON" .    in graph  TABLES_GRAPH

HASH names one key (what is looked up: the stored answer of a query for a key, a node's links, the
figures of one month of a quantity's windows, a chunk of findings, ...), so that every read is a lookup
of a few subjects by IRI, which every engine plans alike. `EntryTables` is `Tables` with its storage
read from these entries, one query per batch of keys: the reading code (`reader.py`) is the same, so a
server answers as the embedded store does (`tests/test_tables.py`, and the contract suites on servers;
damaged or hostile entries: `tests/test_entries.py`).

The graph sits outside the knowledge base's graph namespace: `graph-sizes`, stale-graph checks and
`--prune` leave it alone, and `push` replaces it whole each time, with the graphs it was made from. Data
changed on the server by other means is not reflected in it: push again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from ..errors import KbError
from ..namespaces import CKB, TABLES
from ..records import Disagreement
from . import emulate
from .codec import packed_json
from .reader import FigureIndex, Tables, passes

FORMAT = 2  # the layout of the entries; a server holding another is read through the queries (2: lists read
#            in chunks have an entry counting them; parts of at most 256 Ki characters)
CHUNK = 500  # rows per entry for the lists read in order (findings, figures by their first claim)
CHUNKS = "chunks"  # the last part of the key of the entry that counts a list's chunks
BATCH = 200  # keys looked up in one query
TABLES_GRAPH = TABLES.graph


def key_iri(*parts: str | int) -> str:
    """The subject that holds the entry for one key."""
    text = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    # a lone surrogate (undecodable bytes of a command-line argument) hashes too: no entry has it as a key
    return TABLES + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


_DAYS = (date.max - date.min).days  # a span, length or skew beyond it is no calendar's


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


PART = 1 << 18  # characters per entry at most, a longer text is cut into parts, each an entry of its own: a
#                 server's loader reads a line of N-Quads whole (Oxigraph's stops at 16 MiB), and BATCH
#                 entries, read in one answer, stay under the cap on an answer (adhoc.MAX_BYTES, 64 MiB)
PARTS = "\u0000parts"  # the key of the entry that stands for a text cut into parts
PARTED = json.dumps({PARTS: 0}, separators=(",", ":"))[:-2]  # how such an entry's text begins


def entries(tables: Tables) -> Iterator[tuple[str, str]]:
    """Every entry of these tables: (subject IRI, JSON text), none longer than PART characters."""
    for key, text in _entries(tables):
        if len(text) <= PART:
            yield key_iri(*key), text
            continue
        pieces = [text[i:i + PART] for i in range(0, len(text), PART)]
        yield key_iri(*key), _json({PARTS: len(pieces)})
        for number, piece in enumerate(pieces):
            yield key_iri(*key, PARTS, number), piece


def _entries(tables: Tables) -> Iterator[tuple[tuple, str]]:
    db = tables.db
    findings = 0
    chunk: list[str] = []
    for (row,) in db.execute("SELECT row FROM finding ORDER BY position"):
        chunk.append(json.loads(row))
        if len(chunk) == CHUNK:
            yield ("findings", findings), _json(chunk)
            findings, chunk = findings + 1, []
    if chunk:
        yield ("findings", findings), _json(chunk)
        findings += 1
    yield ("meta",), _json({"format": FORMAT, "findings": findings})
    for query, key, blob in db.execute("SELECT query, key, rows FROM answer"):
        yield ("answer", query, key), packed_json(blob).decode()
    yield from _grouped(db.execute("SELECT q.quantity, f.row FROM finding_quantity q JOIN finding f "
                                   "ON f.position = q.position ORDER BY q.quantity, q.position"),
                        lambda r: ("findings-of", r[0]), lambda r: json.loads(r[1]), chunked=True)
    yield from _nodes(tables)
    yield from _grouped(db.execute("SELECT value, claim, property FROM value ORDER BY value, claim, property"),
                        lambda r: ("value", r[0]), lambda r: r[1:])
    for quantity, unit, *group in db.execute("SELECT quantity, unit, kind, claims, span, length, skew FROM grp"):
        yield ("group", quantity, unit), _json(group)
    yield from _grouped(db.execute("SELECT * FROM figure ORDER BY quantity, unit, wsl, id"),
                        lambda r: ("window", r[1], r[2], r[6][:7]), list)
    yield from _grouped(db.execute("SELECT s.quantity, s.unit, s.claimant, f.* FROM figure_series s JOIN figure f "
                                   "ON f.id = s.figure ORDER BY s.quantity, s.unit, s.claimant, f.id"),
                        lambda r: ("series", r[0], r[1], r[2]), lambda r: r[3:])
    yield from _grouped(db.execute("SELECT * FROM figure ORDER BY quantity, unit, first"),
                        lambda r: ("first", r[1], r[2]), list, chunked=True)


def _grouped(rows, key: Callable, value: Callable, chunked: bool = False) -> Iterator[tuple[tuple, str]]:
    """One entry per run of rows with the same key; or, `chunked`, one per CHUNK rows of it (numbered from 0)
    and one more, (*key, CHUNKS), holding how many, so that a reader misses none."""
    current: tuple = ()
    items: list = []
    number = 0
    for row in rows:
        here = key(row)
        if here != current or (chunked and len(items) == CHUNK):
            if items:
                yield (*current, *((number,) if chunked else ())), _json(items)
                if chunked and here != current:
                    yield (*current, CHUNKS), _json(number + 1)
            number = number + 1 if here == current else 0
            current, items = here, []
        items.append(value(row))
    if items:
        yield (*current, *((number,) if chunked else ())), _json(items)
        if chunked:
            yield (*current, CHUNKS), _json(number + 1)


def _nodes(tables: Tables) -> Iterator[tuple[tuple, str]]:
    """Per node: whether it is a claim, its sources, whether it is reviewed, and its figure row."""
    db = tables.db
    nodes = db.execute("SELECT s FROM typed UNION SELECT relay FROM link UNION SELECT claim FROM reviewed "
                       "UNION SELECT claim FROM claim_figure ORDER BY 1")
    for (node,) in nodes:
        yield ("node", node), _json({
            "claim": bool(tables._claims([node])),
            "sources": tables._sources([node])[node],
            "reviewed": tables._reviewed([node]),
            "figure": tables._figure_of(node)})


def write_nquads(tables: Tables, output) -> int:
    """Write every entry as N-Quads in TABLES_GRAPH to a binary file object, a batch at a time; how many."""
    import pyoxigraph as ox

    graph, entry = ox.NamedNode(TABLES_GRAPH), ox.NamedNode(CKB.tableEntry)
    batch: list = []
    count = 0
    for key, text in entries(tables):
        batch.append(ox.Quad(ox.NamedNode(key), entry, ox.Literal(text), graph))
        if len(batch) == 10_000:
            ox.serialize(batch, output, format=ox.RdfFormat.N_QUADS)
            count, batch = count + len(batch), []
    if batch:
        ox.serialize(batch, output, format=ox.RdfFormat.N_QUADS)
    return count + len(batch)


class EntryTables(Tables):
    """`Tables` whose storage is the entries of a server (`fetch` maps subject IRIs to their JSON texts;
    a key with no entry is absent). Entries read once are kept for the process."""

    def __init__(self, fetch: Callable[[list[str]], dict[str, str]], meta: dict) -> None:
        self._db = None  # no SQLite file: every read below goes to `fetch`
        self._finder = None
        self.fetch = fetch
        self.meta = meta
        self.read: dict[tuple, Any] = {}

    @staticmethod
    def available(folder) -> bool:
        return False

    @property
    def db(self):
        raise AttributeError("a server's tables have no SQLite file")

    # every read is checked: entries of another shape (an edited graph, a hostile server) are an error
    # that says what to do, never a traceback or a wrong answer taken for a right one

    def answer(self, name: str, terms: dict):
        with _damage():
            return super().answer(name, terms)

    def findings(self, quantity: str | None = None):
        with _damage():
            found = super().findings(quantity)
            for finding in found:
                _check_finding(finding)
            return found

    def _index(self) -> FigureIndex:
        return _CheckedIndex(self)

    def _get(self, keys: list[tuple]) -> dict[tuple, Any]:
        texts = self._texts([k for k in dict.fromkeys(keys) if k not in self.read])
        for k, text in texts.items():
            if text is not None and text.startswith(PARTED):  # a long text, cut into parts (see `entries`)
                texts[k] = self._joined(k, json.loads(text)[PARTS])
        for k, found in texts.items():
            self.read[k] = None if found is None else json.loads(found)
        return {k: self.read[k] for k in keys}

    def _joined(self, key: tuple, count: Any) -> str:
        """The text of an entry cut into `count` parts, each present and not empty (their length is the
        writer's PART). The parts are asked for a batch at a time: a count no entry backs fails after one."""
        count = _count(count, 1, f"the entry {key_iri(*key)}'s parts")
        pieces: list[str] = []
        for start in range(0, count, BATCH):
            got = self._texts([(*key, PARTS, n) for n in range(start, min(start + BATCH, count))])
            for n, piece in enumerate(got.values(), start):
                if not piece:
                    raise ValueError(f"part {n} of the entry {key_iri(*key)} is missing")
                pieces.append(piece)
        return "".join(pieces)

    def _texts(self, keys: list[tuple]) -> dict[tuple, str | None]:
        """The text of each key's entry (None where there is none), BATCH keys per query."""
        out: dict[tuple, str | None] = {}
        for start in range(0, len(keys), BATCH):
            wanted = {key_iri(*k): k for k in keys[start:start + BATCH]}
            found = self.fetch(list(wanted))
            for iri, k in wanted.items():
                out[k] = found.get(iri)
        return out

    def _node(self, nodes: list[str]) -> dict[str, dict]:
        got = self._get([("node", n) for n in nodes])
        return {n: got[("node", n)] or {} for n in nodes}

    def _answers(self, query: str, keys: list[str]) -> dict[str, list[emulate.Row]]:
        got = self._get([("answer", query, k) for k in keys])
        out = {k: got[("answer", query, k)] for k in keys if got[("answer", query, k)] is not None}
        for rows in out.values():
            _check_rows(query, rows)
        return out

    def _claims(self, nodes: list[str]) -> set[str]:
        return {n for n, entry in self._node(nodes).items() if entry.get("claim")}

    def _sources(self, relays: list[str]) -> dict[str, list[str]]:
        return {n: entry.get("sources", []) for n, entry in self._node(relays).items()}

    def _reviewed(self, claims: list[str]) -> bool:
        return any(entry.get("reviewed") for entry in self._node(claims).values())

    def _values(self, value: str) -> list[tuple[str, str]]:
        return [tuple(r) for r in self._get([("value", value)])[("value", value)] or []]

    def _chunks(self, *key: str) -> Iterator[list]:
        """The chunks of a list (none when it has no count entry and no first chunk), one lookup each, the
        count read with the first: every chunk it counts must be there, and none after them."""
        counted, zero = (*key, CHUNKS), (*key, 0)
        got = self._get([counted, zero])
        count, first = got[counted], got[zero]
        if count is None and first is None:
            return
        count = _count(count, 1, f"the chunks of the list {key!r}")
        for number in range(count):
            here = (*key, number)  # chunk 0 was read with the count
            if number == count - 1:  # the last chunk, and the one that must not follow it, in one lookup
                beyond = (*key, count)
                got = self._get([here, beyond])
                chunk, after = got[here], got[beyond]
            else:
                chunk, after = self._get([here])[here], None
            if not isinstance(chunk, list) or not chunk or after is not None:
                raise ValueError(f"the chunk {number} of the list {key!r} is missing, or one follows its count")
            yield chunk

    def _finding_values(self, quantity: str | None) -> list[list]:
        if quantity is None:
            count = _count(self.meta.get("findings"), 0, "the chunks of findings in the tables' meta entry")
            rows = []
            # a batch at a time, the chunk after the last included: a count no entry backs fails after one
            # batch, and one lower than the chunks held is found by the chunk it leaves out
            for start in range(0, count + 1, BATCH):
                keys = [("findings", n) for n in range(start, min(start + BATCH, count + 1))]
                got = self._get(keys)
                for k in keys:
                    chunk = got[k]
                    if (chunk is None) != (k[1] == count) or (chunk is not None and not isinstance(chunk, list)):
                        raise ValueError(f"the chunk {k[1]} of findings is {'missing' if chunk is None else 'extra'}"
                                         f" (the meta entry counts {count})")
                    rows += chunk or []
        else:
            rows = [row for chunk in self._chunks("findings-of", quantity) for row in chunk]
        return rows

    def _figures_of(self, claims: list[str]) -> dict[str, tuple | None]:
        return {claim: None if entry.get("figure") is None else tuple(entry["figure"])
                for claim, entry in self._node(claims).items()}

    def _group(self, quantity: str, unit: str) -> tuple:
        kind, claims, *days = self._get([("group", quantity, unit)])[("group", quantity, unit)]
        if not all(isinstance(n, int) and 0 <= n <= _DAYS for n in (claims, *days)) or len(days) != 3:
            raise ValueError(f"the group entry of {quantity} counts {claims!r} claims over {days!r} days")
        return (kind, claims, *days)

    def _window(self, quantity: str, unit: str, low: str, high: str) -> list[tuple]:
        keys = [("window", quantity, unit, month) for month in _months(low[:7], high[:7])]
        got = self._get(keys)
        return [tuple(row) for k in keys for row in got[k] or [] if low <= row[6] <= high]

    def _series(self, quantity: str, unit: str, claimant: str, clauses: list[tuple]) -> list[tuple]:
        rows = self._get([("series", quantity, unit, claimant)])[("series", quantity, unit, claimant)] or []
        return [tuple(row) for row in rows if passes(row, clauses)]

    def _first(self, quantity: str, unit: str, wanted: int, skip: set[int]) -> list[tuple]:
        out: list[tuple] = []
        fresh = 0
        for chunk in self._chunks("first", quantity, unit):
            for row in chunk:
                out.append(tuple(row))
                fresh += row[0] not in skip
                if fresh >= wanted:
                    return out
        return out


class _CheckedIndex(FigureIndex):
    def prefetch(self, claims: list[str]) -> None:
        with _damage():
            super().prefetch(claims)

    def figure(self, claim: str):
        with _damage():
            return super().figure(claim)

    def compare(self, claim: str, shown: int):
        with _damage():
            return super().compare(claim, shown)


@contextmanager
def _damage() -> Iterator[None]:
    """Turns a malformed entry into a KbError with the fix."""
    try:
        yield
    # ArithmeticError: a value that is not a decimal, a span beyond the dates' range; RecursionError: JSON
    # nested deeper than the parser goes
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, ArithmeticError, RecursionError) as exc:
        raise KbError(f"the comparison tables on the server are damaged ({type(exc).__name__}: {exc})",
                      hint="push the knowledge base again (`claimkb push` rewrites them)") from None


def _count(count: Any, least: int, what: str) -> int:
    """A count read from an entry: a whole number, at least `least`."""
    if not isinstance(count, int) or isinstance(count, bool) or count < least:
        raise ValueError(f"{what}: a count of {count!r}")
    return count


def _check_rows(query: str, rows: Any) -> None:
    """A stored answer is a list of rows of term codes binding at least what the query always binds."""
    required = emulate.REQUIRED.get(query, ())
    if not isinstance(rows, list):
        raise ValueError(f"a stored answer of {query} is not a list of rows")
    for row in rows:
        if not isinstance(row, dict) or not all(isinstance(v, str) for v in row.values()) \
                or not all(v in row for v in required):
            raise ValueError(f"a stored row of {query} lacks one of {', '.join(required)}, or is not term codes")


_TEXT = (str, type(None))
_FINDING_TYPES: tuple[type | tuple[type, ...], ...] = (str, _TEXT, str, _TEXT, _TEXT, _TEXT, str, int, int, _TEXT,
                                                       _TEXT, tuple)


def _check_finding(finding: Disagreement) -> None:
    """A stored finding has the fields of a `Disagreement`, each of its type."""
    if len(finding) != len(_FINDING_TYPES) or not all(
            isinstance(value, kind) and not isinstance(value, bool)
            for value, kind in zip(finding, _FINDING_TYPES, strict=True)) \
            or not all(isinstance(change, str) for change in finding.changes):
        raise ValueError("a stored finding is not a disagreement's fields")


def _months(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` (YYYY-MM), both included."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def read_from(select: Callable[[str], list[dict]]) -> EntryTables | None:
    """The tables a server holds, given a function that runs a SELECT there and returns its rows as
    {variable: Term}; None when it holds none, or entries of another layout (the queries answer then)."""

    def fetch(iris: list[str]) -> dict[str, str]:
        values = " ".join(f"<{iri}>" for iri in iris)
        rows = select(f"SELECT ?key ?text WHERE {{ VALUES ?key {{ {values} }} "
                      f"GRAPH <{TABLES_GRAPH}> {{ ?key <{CKB.tableEntry}> ?text }} }}")
        out: dict[str, str] = {}
        for row in rows:
            if "text" in row:
                key = row["key"].value
                if key in out:  # two entries for one key: two exports loaded into one graph
                    raise ValueError(f"the server holds two entries for {key}")
                out[key] = row["text"].value
        return out

    with _damage():
        meta = fetch([key_iri("meta")]).get(key_iri("meta"))
    if meta is None:
        return None
    try:
        info = json.loads(meta)
    except (ValueError, RecursionError):
        return None
    if not isinstance(info, dict) or info.get("format") != FORMAT:
        return None
    return EntryTables(fetch, info)
