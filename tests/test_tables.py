"""The comparison tables of a persistent store give the answers the catalogue queries give: disagreements,
trace and who read from the tables (disk mode) equal the same answers from the queries (memory mode)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import claimkb

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


def test_the_tables_answer_as_the_queries_do_on_the_bundled_data(monkeypatch):
    disk, memory = both(monkeypatch, KB)
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
