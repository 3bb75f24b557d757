"""Cold start of `claimkb trace 701650` against `python -c "import rdflib"`, side by side.

Each run is a fresh process; the two commands alternate so that machine noise hits both alike.
Prints the medians and their ratio (below 1.0: trace starts, answers and exits faster than rdflib imports),
and the same ratio for `import typer, pyoxigraph`, the least a typer command line over the engine pays.
`run.py` calls `measure` once per run and records it with the other results.

    python benchmarks/startup.py [RUNS]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TRACE = "claimkb trace 701650"
RDFLIB = 'python -c "import rdflib"'
# the least any typer command line over pyoxigraph pays before its own code: Python, typer (with click)
# and the engine
CLI_FLOOR = 'python -c "import typer, pyoxigraph"'


def timed(command: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def compile_claimkb() -> None:
    """Write claimkb's bytecode, as `pip install` does for an installed package. An editable install
    gets it on first import, unless PYTHONDONTWRITEBYTECODE is set: then every fresh process compiles each
    module it imports, and the cold start measured is the compiler's (about 40 ms here)."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("claimkb")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)


def measure(runs: int = 30, cache: Path | None = None) -> dict:
    """Medians and minima (seconds) of each command over `runs` alternating runs, and the ratio of the
    medians trace / import rdflib. `cache`: the store cache to use (CLAIMKB_CACHE), else the user's.
    The caller compiles claimkb first (`compile_claimkb`: `main` here, `run.py` for the whole run)."""
    beside = Path(sys.executable).with_name("claimkb")  # the script of this interpreter's install
    claimkb = str(beside) if beside.exists() else shutil.which("claimkb")
    env = dict(os.environ)
    if cache is not None:
        env["CLAIMKB_CACHE"] = str(cache)
    commands = {
        TRACE: [claimkb, "trace", "701650"],
        RDFLIB: [sys.executable, "-c", "import rdflib"],
        CLI_FLOOR: [sys.executable, "-c", "import typer, pyoxigraph"],
        'python -c "pass"': [sys.executable, "-c", "pass"],
    }
    for command in commands.values():  # warm the file cache and bytecode (and build the bundled store)
        timed(command, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(timed(command, env))
    out = {name: {"median": statistics.median(v), "min": min(v), "runs": runs} for name, v in times.items()}
    out["ratio"] = out[TRACE]["median"] / out[RDFLIB]["median"]
    out["floor_ratio"] = out[CLI_FLOOR]["median"] / out[RDFLIB]["median"]
    return out


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    compile_claimkb()
    measured = measure(runs)
    for name, values in measured.items():
        if not name.endswith("ratio"):
            print(f"{name:<38} median {values['median'] * 1000:7.1f} ms   "
                  f"min {values['min'] * 1000:7.1f} ms   ({runs} runs)")
    print(f"ratio trace / import rdflib: {measured['ratio']:.2f}")
    print(f"ratio import typer, pyoxigraph / import rdflib: {measured['floor_ratio']:.2f}")


if __name__ == "__main__":
    main()
