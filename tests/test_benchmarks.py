"""The benchmark script runs end to end at a tiny size, so it does not rot between the runs recorded in
docs/benchmarks.md (its timings are never asserted: they are measured and printed)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from .helpers import ROOT


@pytest.mark.slow
def test_the_benchmark_prints_one_row_per_engine_with_every_question(tmp_path):
    engines = ["embedded", "floor"] + (["server"] if shutil.which("oxigraph") else [])
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "400",
                          "--engines", ",".join(engines), "--work", str(tmp_path), "--cap", "120",
                          "--startup-runs", "1"],
                         capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stderr[-2000:]
    main_table = run.stdout.split("\n\n")[0]  # then the rows each engine gave, then the targets
    rows = [line for line in main_table.splitlines() if line.startswith("| 400 |")]
    assert [row.split("|")[2].strip() for row in rows] == engines
    results = json.loads((tmp_path / "results.json").read_text())
    for engine in engines:
        measured = results["runs"][f"400 {engine}"]
        assert measured["quads"] > 400 * 10 and measured["peak"] > 0
        assert set(measured["questions"]) == {"trace", "trace-popular", "who", "who-all", "dis-q", "dis"}
        assert all(q["rows"] > 0 and q["warm"] > 0 for q in measured["questions"].values())
    for question in ("trace", "trace-popular", "who", "who-all"):  # the floor read the claims claimkb gave
        assert results["runs"]["400 floor"]["questions"][question]["rows"] == \
            results["runs"]["400 embedded"]["questions"][question]["rows"]
    assert results["runs"]["400 embedded"]["build_peak"] > 0 and results["runs"]["400 floor"]["build_peak"] > 0
    assert results["startup"]["ratio"] > 0 and results["startup"]["floor_ratio"] > 0
    assert "| store build <= 1.05x Store.bulk_load |" in run.stdout
    # the printing floor printed claimkb's table of `disagreements --quantity`, byte for byte
    printed = results["runs"]["400 embedded"]["print_floor"]
    assert printed["same"] is True and printed["bytes"] > 0 and printed["cold"] > 0


@pytest.mark.slow
def test_the_corpus_is_the_same_for_the_same_seed(tmp_path):
    for name in ("a", "b"):
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--claims", "400", "--seed", "3",
                        "--out", str(tmp_path / name)], check=True, capture_output=True, timeout=300)
    first, second = (json.loads((tmp_path / n / "manifest.json").read_text()) for n in ("a", "b"))
    assert first == second
    files = sorted((tmp_path / "a" / "graphs").glob("*.trig"))
    assert files and all(f.read_bytes() == (tmp_path / "b" / "graphs" / f.name).read_bytes() for f in files)
