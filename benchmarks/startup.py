"""Cold start of `claimkb trace 701650` against `python -c "import rdflib"`, side by side.

Each run is a fresh process; the two commands alternate so that machine noise hits both alike.
Prints the medians and their ratio (below 1.0: trace starts, answers and exits faster than rdflib imports).

    python benchmarks/startup.py [RUNS]
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    beside = Path(sys.executable).with_name("claimkb")  # the script of this interpreter's install
    claimkb = str(beside) if beside.exists() else shutil.which("claimkb")
    commands = {
        "claimkb trace 701650": [claimkb, "trace", "701650"],
        'python -c "import rdflib"': [sys.executable, "-c", "import rdflib"],
        'python -c "pass"': [sys.executable, "-c", "pass"],
    }
    for command in commands.values():  # warm the file cache and bytecode
        timed(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(timed(command))
    for name, values in times.items():
        print(f"{name:<28} median {statistics.median(values) * 1000:7.1f} ms   "
              f"min {min(values) * 1000:7.1f} ms   ({runs} runs)")
    ratio = statistics.median(times["claimkb trace 701650"]) / statistics.median(times['python -c "import rdflib"'])
    print(f"ratio trace / import rdflib: {ratio:.2f}")


if __name__ == "__main__":
    main()
