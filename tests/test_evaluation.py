"""The disagreement finder on the hand-labelled evaluation set (tests/data/evaluation): every hard finding
(numeric conflicts, falling running totals, the arithmetic and date checks) at precision and recall 1.0."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .helpers import ROOT

HARD = ["numeric conflict", "cumulative falls", "average x days vs total", "parts vs total", "increment vs totals",
        "asserted after publication", "period ends after assertion"]


@pytest.mark.slow
def test_every_hard_finding_of_the_evaluation_set_is_found_and_nothing_else(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "evaluate.py"), "--json", "--work",
                           str(tmp_path / "work")], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["cases"] >= 60
    for kind in HARD:
        row = result["kinds"][kind]
        assert row["labelled"] > 0 and (row["precision"], row["recall"]) == (1.0, 1.0), (kind, row)
    for kind in ("beyond implied range", "partial period (part exceeds whole)"):
        assert result["kinds"][kind]["labelled"] > 0  # the softer kinds are scored too, and printed
