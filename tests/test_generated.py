"""On a synthetic corpus of 10,000 claims, the finder reports every planted finding of every kind and
nothing outside the planted groups and the groups a planted misreport lands in."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import claimkb
from claimkb import rules

from .helpers import ROOT

PLANTED_KINDS = [rules.BEYOND, rules.PART_EXCEEDS, rules.FALLS, rules.AVERAGE_TIMES_DAYS, rules.PARTS_VS_TOTAL,
                 rules.INCREMENT_VS_TOTALS, rules.ASSERTED_AFTER_PUBLICATION, rules.PERIOD_AFTER_ASSERTION]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus") / "kb"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--claims", "10000", "--seed", "5",
                    "--out", str(out)], check=True, capture_output=True, timeout=600)
    return out, json.loads((out / "manifest.json").read_text())


@pytest.mark.slow
def test_every_planted_finding_is_found_and_nothing_else(corpus, monkeypatch):
    folder, manifest = corpus
    monkeypatch.setenv("CLAIMKB_STORE_MODE", "memory")
    found = claimkb.open(folder).disagreements()
    by_kind: dict[str, set[tuple[str, ...]]] = {}
    for d in found:
        by_kind.setdefault(d.kind, set()).add((d.claim, d.other))
    misreported = {(relay, source) for relay, source, _change in manifest["misreported"]}
    late = set(manifest["late"])  # relays of a shifted period: about dates after their own assertion
    assert misreported <= by_kind.get("misreported relay", set())
    assert by_kind.get("misreported relay", set()) <= misreported
    planted_claims = {kind: [set(group) for group in groups] for kind, groups in manifest["planted"].items()}
    for kind in PLANTED_KINDS:
        assert len(planted_claims[kind]) >= 2, kind
        for group in planted_claims[kind]:
            assert any({c for c in pair if c} <= group for pair in by_kind.get(kind, ())), (kind, group)
    allowed_groups = {tuple(g) for g in manifest["conflicts"] + manifest["affected"]}
    rows = claimkb.open(folder).query("comparable-values")
    window_of = {r["claim"]: (r["quantity"], str(r["windowStart"])) for r in rows}
    for d in found:
        if d.kind in PLANTED_KINDS:
            assert any({c for c in (d.claim, d.other) if c} <= group for group in planted_claims[d.kind]) or (
                d.kind == rules.PERIOD_AFTER_ASSERTION and d.claim in late), d
        elif d.kind == rules.CONFLICT:
            assert window_of[d.claim] in allowed_groups and window_of[d.other] in allowed_groups, d
    assert len(manifest["conflicts"]) >= 5
    assert {tuple(g) for g in manifest["conflicts"]} <= {window_of[d.claim] for d in found if d.kind == rules.CONFLICT}
