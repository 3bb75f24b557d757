"""Two layouts for the comparison tables, measured on the same figures: why the tables are an indexed SQLite file.

    python benchmarks/layouts.py TABLES [--sample 2000]

TABLES is a built store's `tables.sqlite` (or the store's folder, or a benchmark WORK folder with a
`cache-corpus-N` in it). For a sample of claims (every k-th claim with a figure, so the same claims every
run), it times the window lookup at the heart of `compare` (`src/claimkb/tables/reader.py`,
`FigureIndex.compare`): the claim's own figure, then every figure of the same quantity and unit whose
window start lies in the claim's range of candidate starts:

  sqlite   the code's own queries: `claim_figure` joined to `figure` by the claim, then the range query on
           the index `figure (quantity, unit, wsl)`, on a fresh read-only connection;
  numpy    the same figures as NumPy arrays sorted by (quantity and unit, window start): the claim's figure
           by binary search in the sorted claims (`searchsorted`), the window by two `searchsorted` calls
           on one int64 key (group number << 32 | start day); the text columns (figure text, series,
           first claim) as object arrays, since compare needs them as well;
  numpy-mmap  the numeric arrays saved as .npy and memory-mapped (what a process would do instead of
           loading them), the text columns still loaded as objects.

For each it prints the time to make the layout usable in a fresh process (open the file, or load the
arrays), the time per lookup (best of three passes over the sample), and the memory it holds (Python
allocations through tracemalloc, which counts NumPy's arrays, and the resident set's growth). Both return
the same figure ids for every claim (checked). NumPy is not a claimkb dependency: without it the script
says so and measures SQLite only.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

EPOCH = date(1970, 1, 1)


def rss() -> int:
    import resource

    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize()


def find_tables(path: Path) -> Path:
    if path.is_file():
        return path
    found = sorted(path.glob("tables.sqlite")) or sorted(path.glob("stores/*/tables.sqlite")) or \
        sorted(path.glob("cache-corpus-*/stores/*/tables.sqlite"), key=lambda p: p.stat().st_size)
    if not found:
        raise SystemExit(f"no tables.sqlite in {path}")
    return found[-1]


def ranges(db: sqlite3.Connection, claims: list[str]) -> list[tuple[str, str, str, str]]:
    """Each claim's (quantity, unit, lowest, highest window start) as FigureIndex.compare computes them."""
    out = []
    groups = {(q, u): (kind, span, length, skew) for q, u, kind, span, length, skew in
              db.execute("SELECT quantity, unit, kind, span, length, skew FROM grp")}
    for claim in claims:
        quantity, unit, wsl, wsh, wel, weh = db.execute(
            "SELECT f.quantity, f.unit, f.wsl, f.wsh, f.wel, f.weh FROM claim_figure c JOIN figure f "
            "ON f.id = c.figure WHERE c.claim = ?", (claim,)).fetchone()
        kind, span, length, skew = groups[(quantity, unit)]
        low = date.fromisoformat(wsl) - timedelta(days=span)
        high = date.fromisoformat(wsh)
        if kind == "total":
            low = min(low, date.fromisoformat(wel) - timedelta(days=length))
            high = max(high, date.fromisoformat(weh) + timedelta(days=skew))
        out.append((quantity, unit, low.isoformat(), high.isoformat()))
    return out


def by_sqlite(path: Path, claims: list[str], bounds: list[tuple]) -> tuple[float, list[float], list[list[int]]]:
    started = time.perf_counter()
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.execute("SELECT 1 FROM figure LIMIT 1").fetchone()
    opened = time.perf_counter() - started
    passes, found = [], []
    for _ in range(3):
        found = []
        started = time.perf_counter()
        for claim, (quantity, unit, low, high) in zip(claims, bounds, strict=True):
            db.execute("SELECT f.* FROM claim_figure c JOIN figure f ON f.id = c.figure WHERE c.claim = ?",
                       (claim,)).fetchone()
            rows = db.execute("SELECT * FROM figure WHERE quantity = ? AND unit = ? AND wsl BETWEEN ? AND ?",
                              (quantity, unit, low, high)).fetchall()
            found.append(sorted(r[0] for r in rows))
        passes.append((time.perf_counter() - started) / len(claims))
    db.close()
    return opened, passes, found


def day(text: str) -> int:
    return (date.fromisoformat(text) - EPOCH).days


def load_arrays(path: Path):
    """Every figure as arrays sorted by (group, window start), and the claims sorted with their figure's
    position in them."""
    import numpy as np

    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = db.execute("SELECT id, quantity, unit, ws, we, wsl, wsh, wel, weh, lowf, highf, count, kind, text, "
                      "series, first FROM figure").fetchall()
    groups: dict[tuple[str, str], int] = {}
    group = np.fromiter((groups.setdefault((r[1], r[2]), len(groups)) for r in rows), np.int64, len(rows))
    wsl = np.fromiter((day(r[5]) for r in rows), np.int64, len(rows))
    key = (group << 32) | (wsl + (1 << 31))
    order = np.argsort(key, kind="stable")
    arrays = {"key": key[order], "id": np.fromiter((r[0] for r in rows), np.int64, len(rows))[order]}
    for name, column in (("ws", 3), ("we", 4), ("wsl", 5), ("wsh", 6), ("wel", 7), ("weh", 8)):
        arrays[name] = np.fromiter((day(r[column]) for r in rows), np.int32, len(rows))[order]
    for name, column in (("lowf", 9), ("highf", 10)):
        arrays[name] = np.array([np.nan if r[column] is None else r[column] for r in rows], np.float64)[order]
    arrays["count"] = np.fromiter((r[11] for r in rows), np.int64, len(rows))[order]
    texts = {name: np.array([r[column] for r in rows], dtype=object)[order]
             for name, column in (("kind", 12), ("text", 13), ("series", 14), ("first", 15))}
    position = np.empty(len(rows), np.int64)
    position[order] = np.arange(len(rows))
    at = {figure: i for i, figure in enumerate(r[0] for r in rows)}
    pairs = sorted(db.execute("SELECT claim, figure FROM claim_figure"))
    claims = np.array([c for c, _ in pairs])  # fixed-width unicode, sorted, for searchsorted
    claim_row = np.fromiter((position[at[f]] for _, f in pairs), np.int64, len(pairs))
    db.close()
    return groups, arrays, texts, claims, claim_row


def by_numpy(groups, arrays, texts, claims_sorted, claim_row, claims: list[str], bounds: list[tuple]):
    import numpy as np

    key, ids = arrays["key"], arrays["id"]
    passes, found = [], []
    for _ in range(3):
        found = []
        started = time.perf_counter()
        for claim, (quantity, unit, low, high) in zip(claims, bounds, strict=True):
            mine = claim_row[np.searchsorted(claims_sorted, claim)]
            _own = (ids[mine], arrays["wsl"][mine], texts["text"][mine])
            base = groups[(quantity, unit)] << 32
            lo = np.searchsorted(key, base | (day(low) + (1 << 31)), side="left")
            hi = np.searchsorted(key, base | (day(high) + (1 << 31)), side="right")
            _rows = [arrays[n][lo:hi] for n in ("ws", "we", "wsl", "wsh", "wel", "weh", "lowf", "highf", "count")]
            _text = [texts[n][lo:hi] for n in texts]
            found.append(sorted(ids[lo:hi].tolist()))
        passes.append((time.perf_counter() - started) / len(claims))
    return passes, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tables", type=Path)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    args = parser.parse_args()
    path = find_tables(args.tables)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    figures = db.execute("SELECT COUNT(*) FROM figure").fetchone()[0]
    total = db.execute("SELECT COUNT(*) FROM claim_figure").fetchone()[0]
    step = max(1, total // args.sample)
    claims = [c for (c,) in db.execute("SELECT claim FROM claim_figure ORDER BY claim")][::step][:args.sample]
    bounds = ranges(db, claims)
    db.close()
    out: dict = {"tables": str(path), "tables_mib": path.stat().st_size / 2**20, "figures": figures,
                 "claims_with_figure": total, "sample": len(claims)}
    print(f"{path} ({out['tables_mib']:.0f} MiB): {figures:,} figures, {total:,} claims with a figure; "
          f"{len(claims):,} claims sampled")

    before = rss()
    opened, passes, reference = by_sqlite(path, claims, bounds)
    out["sqlite"] = {"open_s": opened, "lookup_s": min(passes), "rss_growth_mib": (rss() - before) / 2**20}
    out["figures_per_lookup"] = sum(map(len, reference)) / len(reference)
    print(f"{out['figures_per_lookup']:.1f} figures in a claim's window on average")
    print(f"sqlite      open {opened * 1000:8.1f} ms   lookup {min(passes) * 1e6:8.1f} us   "
          f"resident growth {out['sqlite']['rss_growth_mib']:6.1f} MiB (the file stays on disk, "
          f"{out['tables_mib']:.0f} MiB, read through the page cache)")
    try:
        import numpy as np
    except ImportError:
        out["numpy"] = "not installed: NumPy is not a claimkb dependency; only SQLite measured"
        print(out["numpy"])
    else:
        out["numpy_version"] = np.__version__
        before = rss()
        started = time.perf_counter()
        groups, arrays, texts, claims_sorted, claim_row = load_arrays(path)
        loaded = time.perf_counter() - started
        grown = rss() - before
        del groups, arrays, texts, claims_sorted, claim_row
        tracemalloc.start()  # a second load, to count what the arrays hold (tracemalloc slows the load)
        groups, arrays, texts, claims_sorted, claim_row = load_arrays(path)
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        numeric = sum(a.nbytes for a in arrays.values()) + claims_sorted.nbytes + claim_row.nbytes
        passes, found = by_numpy(groups, arrays, texts, claims_sorted, claim_row, claims, bounds)
        assert found == reference, "NumPy and SQLite found different figures"
        out["numpy"] = {"load_s": loaded, "lookup_s": min(passes), "held_mib": held / 2**20,
                        "arrays_mib": numeric / 2**20, "rss_growth_mib": grown / 2**20}
        print(f"numpy       load {loaded * 1000:8.1f} ms   lookup {min(passes) * 1e6:8.1f} us   "
              f"held {held / 2**20:6.1f} MiB (arrays {numeric / 2**20:.1f} MiB, the rest the text columns; "
              f"resident growth {grown / 2**20:.1f} MiB)")
        with tempfile.TemporaryDirectory() as folder:
            for name, array in {**arrays, "claims": claims_sorted, "claim_row": claim_row}.items():
                np.save(Path(folder) / f"{name}.npy", array)
            started = time.perf_counter()
            mapped = {name: np.load(Path(folder) / f"{name}.npy", mmap_mode="r") for name in arrays}
            mclaims = np.load(Path(folder) / "claims.npy", mmap_mode="r")
            mrow = np.load(Path(folder) / "claim_row.npy", mmap_mode="r")
            mapped_open = time.perf_counter() - started
            passes, found = by_numpy(groups, mapped, texts, mclaims, mrow, claims, bounds)
            assert found == reference
        out["numpy_mmap"] = {"open_s": mapped_open, "lookup_s": min(passes)}
        print(f"numpy-mmap  open {mapped_open * 1000:8.1f} ms   lookup {min(passes) * 1e6:8.1f} us   "
              "(numeric columns mapped; the text columns still loaded as above)")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
