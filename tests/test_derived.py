"""The comparison tables derived when the persistent store is built give exactly the rows of the catalogue
queries they stand in for (`comparable-values`, `relay-hops changed=true`), on the bundled knowledge base
and on a synthetic corpus with planted misreports and conflicts."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from claimkb import resources
from claimkb.answers import Kb, disagreements
from claimkb.backends.local import LocalBackend
from claimkb.catalogue import Catalogue
from claimkb.derived import canonical_decimal

ROOT = Path(__file__).resolve().parents[1]
HOP_COLUMNS = ["relay", "source", "relayQuantity", "sourceQuantity", "relayValue", "sourceValue", "reason"]


def on_disk(kb_dir: Path, monkeypatch, tmp_path) -> Kb:
    monkeypatch.setenv("CLAIMKB_STORE_MODE", "disk")
    monkeypatch.setenv("CLAIMKB_CACHE", str(tmp_path / "cache"))
    backend = LocalBackend(kb_dir, resources.ontology_dir() / "claimkb.ttl")
    assert backend.derived is not None
    return Kb(backend, Catalogue(resources.queries_dir()))


def by_query(kb: Kb, quantity: str | None = None):
    params = {"quantity": quantity} if quantity else {}
    figures = kb.run("comparable-values", params).rows
    hops = kb.run("relay-hops", {"changed": "true", **params}).rows
    return figures, [{k: r[k] for k in HOP_COLUMNS if k in r} for r in hops]


def by_tables(kb: Kb, quantity: str | None = None):
    derived = kb.backend.derived
    return derived.figures(None if quantity is None else [quantity]), derived.changed_hops(quantity)


def assert_same(kb: Kb, quantity: str | None = None):
    query_figures, query_hops = by_query(kb, quantity)
    table_figures, table_hops = by_tables(kb, quantity)
    assert table_figures == query_figures
    assert table_hops == query_hops
    return query_figures, query_hops


def test_the_tables_equal_the_queries_on_the_bundled_data(monkeypatch, tmp_path):
    kb = on_disk(resources.kb_dir(), monkeypatch, tmp_path)
    figures, hops = assert_same(kb)
    assert len(hops) == 8 and len(figures) > 20
    reasons = " ".join(row["reason"].value for row in hops)
    for change in ("measured quantity", "period", "hedge", "quoted words differ"):
        assert change in reasons
    quantity = "https://w3id.org/claimkb/id/quantity/ru-casualties-daily-mean-month"
    figures, _ = assert_same(kb, quantity)
    assert figures and {row["quantity"].value for row in figures} == {quantity}


def test_disagreements_from_the_tables_equal_those_from_the_queries(monkeypatch, tmp_path):
    kb = on_disk(resources.kb_dir(), monkeypatch, tmp_path)
    from_tables = disagreements(kb)
    kb.backend.derived = None
    assert disagreements(kb) == from_tables
    assert len(from_tables.rows) == 12


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    out = tmp_path_factory.mktemp("synthetic")
    generate(3000, 7, out)
    return out


def test_the_tables_equal_the_queries_on_a_synthetic_corpus(synthetic, monkeypatch, tmp_path):
    kb = on_disk(synthetic, monkeypatch, tmp_path)
    manifest = json.loads((synthetic / "manifest.json").read_text())
    figures, hops = assert_same(kb)
    assert len(hops) == len(manifest["misreported"]) > 20
    assert_same(kb, manifest["quantity"])


def test_every_planted_misreport_and_conflict_is_found_and_nothing_else(synthetic, monkeypatch, tmp_path):
    kb = on_disk(synthetic, monkeypatch, tmp_path)
    manifest = json.loads((synthetic / "manifest.json").read_text())
    rows = disagreements(kb).rows
    relays = sorted([r["claim"].value, r["other"].value] for r in rows if r["kind"].value == "misreported relay")
    assert relays == sorted([relay, source] for relay, source, _ in manifest["misreported"])
    figures = {r["claim"].value: r for r in kb.backend.derived.figures()}
    groups = {(r["quantity"].value, figures[r["claim"].value]["windowStart"].value)
              for r in rows if r["kind"].value == "numeric conflict"}
    planted = {tuple(group) for group in manifest["conflicts"]}
    assert planted and planted <= groups
    assert groups <= planted | {tuple(group) for group in manifest["affected"]}


@pytest.mark.parametrize("lexical, oxigraph", [("701650.0", "701650"), ("0.6666670", "0.666667"),
                                               ("1354.20", "1354.2"), ("-0.0", "0"), ("007.50", "7.5"),
                                               ("+5", "5")])
def test_decimals_are_written_as_oxigraph_returns_them(lexical, oxigraph):
    assert canonical_decimal(lexical) == oxigraph


def test_a_store_without_tables_falls_back_to_the_queries(monkeypatch, tmp_path):
    kb = on_disk(resources.kb_dir(), monkeypatch, tmp_path)
    folder = kb.backend.derived.folder
    (folder / "hops.jsonl").unlink()
    backend = LocalBackend(resources.kb_dir(), resources.ontology_dir() / "claimkb.ttl")
    assert backend.derived is None
    assert len(disagreements(Kb(backend, kb.catalogue)).rows) == 12


def test_a_trace_compares_with_the_same_figures_from_the_tables(synthetic, monkeypatch, tmp_path):
    """From the tables a trace reads only the periods near the traced claims; the counts of agreeing,
    disagreeing and other-period figures, and the agreeing and disagreeing figures shown, are the same."""
    from claimkb.answers import trace

    kb = on_disk(synthetic, monkeypatch, tmp_path)
    manifest = json.loads((synthetic / "manifest.json").read_text())
    for value in (manifest["trace_value"], manifest["popular_value"]):
        from_tables = trace(kb, str(value))
        derived, kb.backend.derived = kb.backend.derived, None
        by_query = trace(kb, str(value))
        kb.backend.derived = derived
        assert [c.totals for c in from_tables.claims] == [c.totals for c in by_query.claims]
        assert sum(sum(c.totals.values()) for c in by_query.claims) > 100

        def near(result):
            return [[r for r in c.compared if r["relation"].value != "different period"] for c in result.claims]
        assert near(from_tables) == near(by_query)
