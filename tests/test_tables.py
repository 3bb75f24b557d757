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

from .helpers import KB, ROOT


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


def stored_answers_equal_queries(disk, memory) -> int:
    """Every answer the tables hold, against the catalogue query run on the store; how many were compared."""
    db = disk.session.backend.tables.db
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
        assert disk.session.backend.tables.answer(name, params) is not None, (name, params)
        assert disk.session.run(name, params) == memory.session.run(name, params), (name, params)
    return len(asked)


def index_equals_finder(disk, memory) -> int:
    """The tables' figure index against the finder over every comparable figure the store answers with."""
    index = disk.session.backend.tables.finder()
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
