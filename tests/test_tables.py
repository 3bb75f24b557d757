"""The comparison tables of a persistent store give the answers the catalogue queries give: disagreements,
trace and who read from the tables (disk mode) equal the same answers from the queries (memory mode);
every answer the tables store equals the catalogue query's rows (the query is the reference); and the
figure index the tables hold compares every claim as the finder over the queried figures does, on the
bundled data, a synthetic corpus and a second one from another seed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import claimkb
from claimkb.conflicts import Finder, figures_from_rows
from claimkb.namespaces import XSD
from claimkb.results import Term

from .helpers import KB, ROOT, copy_kb


def both(monkeypatch, folder):
    monkeypatch.setenv("CLAIMKB_STORE_MODE", "disk")
    disk = claimkb.open(folder)
    monkeypatch.setenv("CLAIMKB_STORE_MODE", "memory")
    memory = claimkb.open(folder)
    assert disk.session.backend.tables is not None and memory.session.backend.tables is None
    return disk, memory


def same_answers(disk, memory, values, quantities):
    assert disk.disagreements() == memory.disagreements()
    assert disk.who() == memory.who()
    for quantity in quantities:
        assert disk.disagreements(quantity) == memory.disagreements(quantity), quantity
    for value in values:
        assert disk.trace(value) == memory.trace(value), value


def served(disk, fetched: list[int] | None = None, damage=None):
    """The knowledge base as a server holding the entries `push` writes would answer it: `disk`'s store for
    the queries, and its tables read back from their entries (tables/entries.py) instead of the SQLite file."""
    import copy

    from claimkb.api import KnowledgeBase
    from claimkb.session import Session
    from claimkb.tables import entries as module
    from claimkb.tables.entries import EntryTables, entries, key_iri

    held = dict(entries(disk.session.backend.tables))
    assert max(len(text) for text in held.values()) <= module.PART
    if damage is not None:
        damage(held)

    def fetch(iris: list[str]) -> dict[str, str]:
        if fetched is not None:
            fetched.append(len(iris))
        return {iri: held[iri] for iri in iris if iri in held}

    backend = copy.copy(disk.session.backend)
    backend.tables = EntryTables(fetch, json.loads(held[key_iri("meta")]))
    return KnowledgeBase(Session(backend, disk.session.catalogue), None, True)


def stored_answers_equal_queries(disk, memory, reader=None) -> int:
    """Every answer the tables hold, against the catalogue query run on the store; how many were compared.
    With `reader` (a knowledge base reading the same tables another way), its answers are compared."""
    db = disk.session.backend.tables.db
    reader = reader or disk
    asked: list[tuple[str, dict]] = []
    for query, key in db.execute("SELECT query, key FROM answer ORDER BY query, key"):
        if not key:
            asked.append((query, {}))
        elif query == "claims-by-claimant":
            asked.append((query, {"claimant": Term.iri(key[1:])}))
        else:
            asked.append((query, {"claim": [Term.iri(key[1:])]}))
    claims = [Term.iri(key[1:]) for (key,) in db.execute("SELECT key FROM answer WHERE query = 'claims'")]
    asked.append(("claims", {"claim": claims}))  # many claims at once, in the query's order
    for (value,) in db.execute("SELECT DISTINCT value FROM value"):
        asked.append(("claims-with-value", {"value": Term.literal(value, XSD.decimal)}))
    assert {name for name, _ in asked} >= {"agents", "claimants", "claims", "claims-by-claimant", "relay-hops",
                                           "claims-with-value", "date-problems", "quantity-relations"}
    for name, params in asked:
        assert reader.session.backend.tables.answer(name, params) is not None, (name, params)
        assert reader.session.run(name, params) == memory.session.run(name, params), (name, params)
    return len(asked)


def index_equals_finder(disk, memory) -> int:
    """The tables' figure index against the finder over every comparable figure the store answers with."""
    index = disk.session.backend.tables.finder()
    assert index.tables is disk.session.backend.tables
    finder = Finder(figures_from_rows(memory.session.run("comparable-values").rows))
    for claim in finder.of_claim:
        for shown in (50, 3):
            (got, got_totals), (want, want_totals) = index.compare(claim, shown), finder.compare(claim, shown)
            assert [(r, d.first, n, d.figure) for r, d, n in got] == [(r, d.first, n, d.figure) for r, d, n in want]
            assert got_totals == want_totals, claim
        assert index.figure(claim) == finder.figure(claim)
    return len(finder.of_claim)


def test_the_tables_answer_as_the_queries_do_on_the_bundled_data(monkeypatch):
    disk, memory = both(monkeypatch, KB)
    assert stored_answers_equal_queries(disk, memory) > 88
    assert index_equals_finder(disk, memory) > 50
    same_answers(disk, memory, ["701650", "1307", "1,146", "two-thirds", "9208", "41980"],
                 ["qk:ru-casualties-daily-mean-month", "qk:ru-casualties-cumulative", "qk:ru-territory-gained-week"])
    assert len(disk.disagreements()) > 10


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus") / "kb"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--claims", "3000", "--seed", "7",
                    "--out", str(out)], check=True, capture_output=True, timeout=300)
    return out, json.loads((out / "manifest.json").read_text())


def test_the_tables_answer_as_the_queries_do_on_a_synthetic_corpus(monkeypatch, corpus):
    folder, manifest = corpus
    disk, memory = both(monkeypatch, folder)
    planted = sorted({c for groups in manifest["planted"].values() for group in groups for c in group})
    values = [str(manifest["trace_value"]), str(manifest["popular_value"]), "1146", "5010"]
    same_answers(disk, memory, values, [manifest["quantity"], manifest["conflicts"][0][0]])
    for claim in planted[:6]:
        assert disk.claim(claim) == memory.claim(claim)
    assert index_equals_finder(disk, memory) > 2000


@pytest.mark.slow
def test_every_stored_answer_is_the_query_answer_on_a_synthetic_corpus(monkeypatch, corpus):
    disk, memory = both(monkeypatch, corpus[0])
    assert stored_answers_equal_queries(disk, memory) > 3000


def test_the_figure_index_compares_as_the_finder_does_on_another_seed(monkeypatch, tmp_path):
    out = tmp_path / "kb"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--claims", "1500", "--seed", "20261202",
                    "--out", str(out)], check=True, capture_output=True, timeout=300)
    monkeypatch.setenv("CLAIMKB_CACHE", str(tmp_path / "cache"))
    disk, memory = both(monkeypatch, out)
    assert index_equals_finder(disk, memory) > 1000


def test_a_server_reading_the_pushed_entries_answers_as_the_queries_do(monkeypatch, corpus):
    """The entries `push` writes, read back as a server would (EntryTables), give every answer the SQLite
    tables give: stored answers, the figure index, findings, traces, `who`, on the bundled data and a corpus."""
    for folder, values, quantities in (
            (KB, ["701650", "1307", "two-thirds", "41980"], ["qk:ru-casualties-cumulative"]),
            (corpus[0], [str(corpus[1]["trace_value"]), str(corpus[1]["popular_value"]), "1146"],
             [corpus[1]["quantity"], corpus[1]["conflicts"][0][0]])):
        disk, memory = both(monkeypatch, folder)
        fetched: list[int] = []
        remote = served(disk, fetched)
        assert stored_answers_equal_queries(disk, memory, reader=remote) > 88
        assert index_equals_finder(remote, memory) > 50
        same_answers(remote, memory, values, quantities)
        assert remote.disagreements() == disk.disagreements() and len(remote.disagreements()) > 10
        assert fetched and max(fetched) <= 200  # looked up in batches, never all at once


def test_a_long_entry_is_cut_into_parts_and_read_back_whole(monkeypatch):
    """No entry is longer than PART characters (a server's loader reads a line whole: Oxigraph's stops at
    16 MiB); a longer text is cut into parts and read back whole."""
    from claimkb.tables import entries as module

    disk, memory = both(monkeypatch, KB)
    monkeypatch.setattr(module, "PART", 300)
    fetched: list[int] = []
    remote = served(disk, fetched)
    monkeypatch.setattr(module, "PART", 1 << 20)
    assert stored_answers_equal_queries(disk, memory, reader=remote) > 88
    same_answers(remote, memory, ["701650", "1307"], ["qk:ru-casualties-cumulative"])


def test_damaged_entries_on_a_server_are_an_error_with_the_fix(monkeypatch):
    from claimkb.tables.entries import key_iri

    disk, _memory = both(monkeypatch, KB)
    claim = "https://w3id.org/claimkb/id/claim/D01-c02"  # figures are keyed by the plain IRI

    def figure_as_text(held):
        held[key_iri("node", claim)] = json.dumps({"claim": True, "sources": [], "reviewed": False, "figure": "x"})

    def findings_as_numbers(held):
        held[key_iri("findings", 0)] = "[1, 2]"

    with pytest.raises(claimkb.KbError, match="the comparison tables on the server are damaged") as caught:
        served(disk, damage=figure_as_text).trace("701650")
    assert "push the knowledge base again" in caught.value.hint
    with pytest.raises(claimkb.KbError, match="the comparison tables on the server are damaged"):
        served(disk, damage=findings_as_numbers).disagreements()


def test_a_server_without_entries_or_with_another_layout_is_read_through_the_queries():
    from claimkb.tables.entries import FORMAT, key_iri, read_from

    def select_with(text: str | None):
        def select(query: str) -> list[dict]:  # a server holding this meta entry and nothing else
            if text is None or key_iri("meta") not in query:
                return []
            return [{"key": Term.iri(key_iri("meta")), "text": Term.literal(text)}]
        return select

    assert read_from(select_with(None)) is None
    assert read_from(select_with(json.dumps({"format": FORMAT + 1, "findings": 0}))) is None
    assert read_from(select_with("not json")) is None
    found = read_from(select_with(json.dumps({"format": FORMAT, "findings": 0})))
    assert found is not None and found.findings() == []


def test_a_changed_table_is_refused_not_trusted(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMKB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CLAIMKB_STORE_MODE", "disk")
    kb = claimkb.open(KB)
    tables = kb.session.backend.tables
    path = tables.folder / "tables.sqlite"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(claimkb.KbError, match="changed or damaged since they were built"):
        claimkb.open(KB).disagreements()


def test_a_reviewed_claim_is_traced_with_its_verdict_from_the_tables(monkeypatch, tmp_path, kb_copy):
    from datetime import date

    monkeypatch.setenv("CLAIMKB_CACHE", str(tmp_path / "cache"))
    claimkb.open(kb_copy).review("D01-c02", rating="Accurately relayed", url="https://factcheck.example.org/701650",
                                 author="Example Fact Check", recorded_on=date(2026, 12, 1))
    disk, memory = both(monkeypatch, kb_copy)
    claims = [Term.iri(c.claim.claim) for c in memory.trace("701650").claims]
    assert disk.session.backend.tables.answer("reviews", {"claim": claims}) is None  # a reviewed claim: the query
    assert disk.session.backend.tables.answer("reviews", {"claim": claims[1:]}) == []  # none reviewed: no query
    traced = disk.trace("701650")
    assert traced == memory.trace("701650")
    assert [v.rating for c in traced.claims for v in c.reviews] == ["Accurately relayed"]


@pytest.mark.parametrize("days", [("0001-01-01", "0001-01-02"), ("9999-12-30", "9999-12-31")])
def test_figures_at_the_ends_of_the_calendar_compare_alike_everywhere(monkeypatch, tmp_path, days):
    """A window widened past year 1 or 9999 is held within the calendar: the store, its tables and a
    server's entries answer alike (no date out of range, no "damaged tables" for valid data)."""
    folder = copy_kb(tmp_path / "kb")
    graph = folder / "graphs" / "D01-seed.trig"
    text = graph.read_text(encoding="utf-8")
    start = text.index("claim:D01-c02-period a ckb:TimeReference")
    end = text.index("\n\tclaim:", start + 1)
    block = text[start:end]
    for old in ("2022-02-01", "2024-11-04"):
        block = block.replace(f'"{old}"', f'"{days[0]}"')
    block = block.replace('"2024-11-05"', f'"{days[1]}"')
    graph.write_text(text[:start] + block + text[end:], encoding="utf-8")
    disk, memory = both(monkeypatch, folder)
    same_answers(disk, memory, ["701650"], ["qk:ru-casualties-cumulative"])
    same_answers(served(disk), memory, ["701650"], ["qk:ru-casualties-cumulative"])
    assert disk.claim("D01-c02") == memory.claim("D01-c02")


def test_a_batch_of_entries_stays_under_the_cap_on_an_answer():
    """BATCH entries (or parts) of at most PART characters are read in one answer, which a server's answer
    may not pass (adhoc.MAX_BYTES of values): with room for the IRIs and the JSON around them."""
    from claimkb import adhoc
    from claimkb.tables import entries

    assert entries.BATCH * entries.PART <= adhoc.MAX_BYTES * 0.8


def test_the_figure_index_is_kept_for_the_process_and_answers_alike(monkeypatch):
    """What a trace decoded and compared serves the next (warm traces), with the same answers; the index
    starts afresh once it holds KEPT figures."""
    from claimkb.tables import reader

    disk, memory = both(monkeypatch, KB)
    tables = disk.session.backend.tables
    first = disk.trace("701650")
    kept = tables.finder()
    assert kept is tables.finder() and kept.cache
    assert disk.trace("1307") == memory.trace("1307")
    assert disk.trace("701650") == first == memory.trace("701650")
    assert disk.claim("D01-c02") == memory.claim("D01-c02")
    monkeypatch.setattr(reader, "KEPT", len(kept.cache) - 1)
    assert tables.finder() is not kept
    assert disk.trace("701650") == first


def test_stored_findings_decode_as_json_loads_does_and_a_damaged_row_fails_alike(tmp_path):
    """Findings are decoded with json's C scanner; a row that is not exactly one JSON value goes to
    json.loads, so it fails with json's own error, never as a shorter or different row."""
    import sqlite3

    from claimkb.tables.reader import Tables

    good = [json.dumps(["numeric conflict", "q", "c1", "c2", "1", "2", "why \u2028", 1, 2, None, None, ["a -> b"]]),
            json.dumps([]), " [1, 2] ", "[1e400, -0.0]"]
    tables = Tables(tmp_path)
    tables._db = sqlite3.connect(":memory:")
    tables._db.execute("CREATE TABLE finding (position INTEGER PRIMARY KEY, row TEXT)")
    tables._db.executemany("INSERT INTO finding VALUES (?, ?)", enumerate(good))
    assert tables._finding_values(None) == [json.loads(t) for t in good]
    for damaged in ("[1] [2]", "[1,[2]", "[1],[2]", "", None):
        tables._db.execute("DELETE FROM finding")
        tables._db.executemany("INSERT INTO finding VALUES (?, ?)", enumerate([good[0], damaged]))
        with pytest.raises((ValueError, TypeError)) as raised:
            tables._finding_values(None)
        with pytest.raises(type(raised.value)) as plain:
            json.loads(damaged)
        assert str(raised.value) == str(plain.value)


def test_the_tables_hand_the_hop_rules_every_key_they_read():
    """The tables turn only `HOP_CHANGE_KEYS` into terms before `hop_changes_of`: a key the rules read but
    the list lacks would be compared as unbound there and bound in the queries' answer."""
    from claimkb.rows import HOP_CHANGE_KEYS, hop_changes_of

    class Watched(dict):
        read: set[str] = set()

        def get(self, key, default=None):
            self.read.add(key)
            return super().get(key, default)

        def __getitem__(self, key):
            self.read.add(key)
            return super().__getitem__(key)

    row = Watched(quoted=Term("literal", "true", XSD.boolean),
                  **{f"{side}{key}": Term("literal", value, XSD.decimal if key != "Quote" else None)
                     for side in ("relay", "source") for key, value in (("Value", "5"), ("Quote", "five"))},
                  relayComparator=Term("uri", "https://w3id.org/claimkb/vocab#approximately"))
    hop_changes_of(row)
    assert "relayValue" in Watched.read and "quoted" in Watched.read
    assert Watched.read <= set(HOP_CHANGE_KEYS), Watched.read - set(HOP_CHANGE_KEYS)
