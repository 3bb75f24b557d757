"""Load and query a synthetic corpus at several sizes on three engines, and print one table.

    python benchmarks/run.py --sizes 10000,100000,1000000 --work /tmp/claimkb-bench

For each size it generates the corpus (`generate.py`, kept in WORK between runs), then, each engine in a
worker process of its own (so that its peak memory is its own):
  rdflib    rdflib's default in-memory store, the same catalogue queries through rdflib's SPARQL engine;
  embedded  claimkb's persistent embedded store (built from the files, then reopened by each command);
  server    an Oxigraph server over HTTP (`oxigraph load`, then `serve-read-only`), via `--endpoint`;
  virtuoso  a private Virtuoso 7.2 (Debian's package; `tests/servers.py` starts it on a new database),
            loaded with its bulk loader from N-Quads, via `--endpoint`.
With --reuse-load the Oxigraph server engine keeps its loaded store in WORK and a later run answers from it,
reporting the load time measured when it was loaded (for reruns of the questions only).
and times `trace VALUE`, `who CLAIMANT`, `disagreements --quantity Q` and `disagreements`:
  cold  a fresh `claimkb` process answering once, as a user runs it (rdflib has no store to reopen:
        its cold figure is parsing every file, then answering);
  warm  the same answer again in a process that has already answered it (median of up to 3).
A step predicted (from the previous size, times the growth in claims) to take longer than its cap is
skipped (loading: --load-cap seconds; an answer: --cap seconds), one that runs over its cap is stopped,
and the table says which. Results are also written to WORK/results.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUESTIONS = ["trace", "who", "dis-q", "dis"]
ENGINES = ["rdflib", "embedded", "server", "virtuoso"]


# -- the worker: one engine, one size ------------------------------------------------------------


def answer(kb, question: str, manifest: dict) -> int:
    """Ask a KnowledgeBase (claimkb's public API) one of the questions; the number of rows it gave."""
    if question == "trace":
        return len(kb.trace(str(manifest["trace_value"])).claims)
    if question == "who":
        return len(kb.who(manifest["who_claimant"]))
    if question == "dis-q":
        return len(kb.disagreements(manifest["quantity"]))
    return len(kb.disagreements())


def cli_args(question: str, manifest: dict) -> list[str]:
    return {"trace": ["trace", str(manifest["trace_value"])],
            "who": ["who", manifest["who_claimant"]],
            "dis-q": ["disagreements", "--quantity", manifest["quantity"]],
            "dis": ["disagreements"]}[question]


class StepTimeout(Exception):
    pass


def limited(seconds: float, action):
    """Run `action`, giving up after `seconds` (checked whenever Python code runs)."""
    def expire(signum, frame):
        raise StepTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return action()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def emit(**fields) -> None:
    print(json.dumps(fields), flush=True)


def peak_rss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def timed_child(args: list[str], env: dict | None = None, timeout: float | None = None) -> tuple[float, int, int]:
    """Run a process to its end: (wall seconds, peak RSS bytes, exit code)."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = None if timeout is None else started + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if deadline and time.perf_counter() > deadline:
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            return float("inf"), usage.ru_maxrss * 1024, -9
        time.sleep(0.005)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.stderr.write(process.stderr.read().decode(errors="replace")[-2000:])
    return time.perf_counter() - started, usage.ru_maxrss * 1024, process.returncode


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def servers_module():
    """tests/servers.py (the private servers the contract suite starts), loaded from its file."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("claimkb_test_servers", HERE.parent / "tests" / "servers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_virtuoso(corpus: Path, work: Path, ontology: Path):
    """A new Virtuoso with the corpus and the ontology loaded (always afresh: see tests/servers.py):
    (server, load seconds, folder)."""
    import pyoxigraph as ox

    servers = servers_module()
    folder = work / f"virtuoso-{corpus.name}"
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    server = servers.Virtuoso(folder, buffers=int(os.environ.get("CLAIMKB_BENCH_VIRTUOSO_BUFFERS", "400000")))
    nquads = folder / "corpus.nq"
    with nquads.open("wb") as out:
        for path in sorted((corpus / "graphs").glob("*.trig")):
            out.write(ox.serialize(ox.parse(path=str(path), format=ox.RdfFormat.TRIG), format=ox.RdfFormat.N_QUADS))
        graph = ox.NamedNode("https://w3id.org/claimkb/id/graph/ontology")
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph)
                 for t in ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE)]
        out.write(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    server.bulk_load(nquads)
    nquads.unlink()
    return server, time.perf_counter() - started, folder


def worker(engine: str, corpus: Path, work: Path, skip: list[str], cap: float, reuse: bool = False) -> None:
    import claimkb as api
    from claimkb import resources
    from claimkb.catalogue import Catalogue
    from claimkb.errors import KbError
    from claimkb.session import Session

    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    files = sorted((corpus / "graphs").glob("*.trig"))
    ontology = resources.ontology_dir() / "claimkb.ttl"
    catalogue = Catalogue(resources.queries_dir())
    claimkb = [sys.executable, "-m", "claimkb"]
    options: list[str] = []
    env = dict(os.environ)
    server = None
    extra_peak = 0
    if engine == "rdflib":
        from rdflib_store import RdflibBackend  # beside this script, on its path

        started = time.perf_counter()
        backend = RdflibBackend(files + [ontology])
        load = time.perf_counter() - started
        quads = len(backend)
        emit(load=load, quads=quads)
        kb = api.KnowledgeBase(Session(backend, catalogue), None, True)
    elif engine == "embedded":
        cache = work / f"cache-{corpus.name}"
        shutil.rmtree(cache, ignore_errors=True)
        env.update(CLAIMKB_CACHE=str(cache), CLAIMKB_STORE_MODE="disk")
        os.environ.update(CLAIMKB_CACHE=str(cache), CLAIMKB_STORE_MODE="disk")
        started = time.perf_counter()
        kb = api.open(corpus)  # builds the persistent store
        load = time.perf_counter() - started
        quads = len(kb.local_store())
        emit(load=load, quads=quads, store=folder_size(cache / "stores"))
        options = ["--kb", str(corpus)]
    elif engine == "virtuoso":
        virtuoso, load, location = load_virtuoso(corpus, work, ontology)
        server = virtuoso.process
        endpoint = virtuoso.endpoint
        kb = api.open(endpoint=endpoint, timeout=cap)
        quads = int(kb.sparql("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                              "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/claimkb/')) }")[0]["n"])
        emit(load=load, quads=quads, store=folder_size(location))
        options = ["--endpoint", endpoint, "--timeout", str(cap)]
    else:
        location = work / f"oxigraph-{corpus.name}"
        binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        stamp = work / f"oxigraph-{corpus.name}.json"
        if reuse and stamp.is_file() and location.is_dir():
            load, loader_peak = json.loads(stamp.read_text())
        else:
            shutil.rmtree(location, ignore_errors=True)
            load, loader_peak, code = timed_child(
                [binary, "load", "--location", str(location), "--file", *map(str, files)])
            if code != 0:
                raise SystemExit(f"oxigraph load failed ({code})")
            started = time.perf_counter()
            code = subprocess.run([binary, "load", "--location", str(location), "--file", str(ontology), "--graph",
                                   "https://w3id.org/claimkb/id/graph/ontology"],
                                  stdout=subprocess.DEVNULL).returncode
            load += time.perf_counter() - started
            stamp.write_text(json.dumps([load, loader_peak]))
        extra_peak = loader_peak
        port = free_port()
        server = subprocess.Popen([binary, "serve-read-only", "--location", str(location), "--bind",
                                   f"127.0.0.1:{port}", "--union-default-graph"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        endpoint = f"http://127.0.0.1:{port}/query"
        for _ in range(600):
            try:
                urllib.request.urlopen(endpoint + "?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        kb = api.open(endpoint=endpoint, timeout=cap)
        quads = int(kb.sparql("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"])
        emit(load=load, quads=quads, store=folder_size(location))
        options = ["--endpoint", endpoint, "--timeout", str(cap)]
    try:
        for question in QUESTIONS:
            if question in skip:
                continue
            # cold: a fresh process (rdflib: parse everything, then answer)
            if engine == "rdflib":
                started = time.perf_counter()
                try:
                    count = limited(cap, partial(answer, kb, question, manifest))
                except StepTimeout:
                    emit(question=question, timeout=cap)
                    continue
                cold = load + time.perf_counter() - started
            else:
                runs = []
                for _ in range(3):
                    seconds, rss, code = timed_child(claimkb + cli_args(question, manifest) + options,
                                                     env=env, timeout=cap)
                    if code != 0:  # -9: stopped at the cap; 1: the remote deadline (the cap) ended it
                        break
                    extra_peak = max(extra_peak, rss)
                    runs.append(seconds)
                    if seconds > 5:
                        break
                if code != 0:
                    emit(question=question, timeout=cap)
                    continue
                cold = statistics.median(runs)
                try:  # the first in-process answer warms this process
                    count = limited(cap, partial(answer, kb, question, manifest))
                except (StepTimeout, KbError):
                    emit(question=question, timeout=cap)
                    continue
            warm = []
            try:
                for _ in range(3):
                    started = time.perf_counter()
                    again = limited(cap, partial(answer, kb, question, manifest))
                    warm.append(time.perf_counter() - started)
                    assert again == count
                    if warm[-1] > 5:
                        break
            except (StepTimeout, KbError):  # over the cap (the remote backend's deadline is the cap)
                emit(question=question, timeout=cap)
                continue
            emit(question=question, cold=cold, warm=statistics.median(warm), rows=count)
    finally:
        if server is not None:
            extra_peak = max(extra_peak, _vm_hwm(server.pid))
            if engine == "virtuoso":
                virtuoso.stop()
                shutil.rmtree(location, ignore_errors=True)
            else:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
        emit(peak=max(peak_rss(), extra_peak))


def _vm_hwm(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


# -- the runner ----------------------------------------------------------------------------------


def run_engine(engine: str, corpus: Path, work: Path, skip: list[str], cap: float, load_cap: float,
               reuse: bool = False) -> dict:
    """Run one worker; keep whatever it measured even if it fails or runs past the time allowed."""
    args = [sys.executable, str(Path(__file__).resolve()), "worker", engine, str(corpus), str(work),
            "--cap", str(cap), "--skip", ",".join(skip)] + (["--reuse-load"] if reuse else [])
    result: dict = {"questions": {}}
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + load_cap * 2 + cap * len(QUESTIONS) * 8
    try:
        for line in process.stdout:
            fields = json.loads(line)
            if "question" in fields:
                result["questions"][fields.pop("question")] = fields
            else:
                result.update(fields)
            if time.monotonic() > deadline:
                process.kill()
                result["error"] = "stopped at the time cap"
                break
    finally:
        process.wait()
    if process.returncode not in (0, -9) and "error" not in result:
        result["error"] = f"worker exited {process.returncode}"
    return result


def predict(previous: dict | None, growth: float, question: str | None = None) -> float:
    """Seconds a step should take at this size: loading, or answering `question`."""
    if not previous:
        return 0.0
    if "load" not in previous:  # skipped or failed at the smaller size: it will not fit at a larger one
        return float("inf")
    if question is None:
        return previous["load"] * growth
    entry = previous.get("questions", {}).get(question)
    if entry is None or "cold" not in entry:  # skipped, failed or over the cap at the smaller size
        return float("inf")
    return max(entry["cold"], entry["warm"]) * growth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    w = sub.add_parser("worker")
    w.add_argument("engine", choices=ENGINES)
    w.add_argument("corpus", type=Path)
    w.add_argument("work", type=Path)
    w.add_argument("--cap", type=float, default=900)
    w.add_argument("--skip", default="")
    w.add_argument("--reuse-load", action="store_true")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--work", type=Path, default=Path("/tmp/claimkb-bench"))
    parser.add_argument("--cap", type=float, default=180, help="seconds one answer may take (default 180)")
    parser.add_argument("--load-cap", type=float, default=900, help="seconds loading may take (default 900)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse-load", action="store_true",
                        help="answer from an Oxigraph store loaded by an earlier run (its load time is reported)")
    args = parser.parse_args()
    if args.command == "worker":
        worker(args.engine, args.corpus, args.work, [s for s in args.skip.split(",") if s], args.cap,
               args.reuse_load)
        return
    from generate import generate  # beside this script, on its path

    args.work.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    engines = args.engines.split(",")
    results: dict = {"machine": machine(), "cap": args.cap, "load_cap": args.load_cap, "runs": {}}
    previous: dict[str, dict] = {}
    previous_size = None
    for size in sizes:
        corpus = args.work / f"corpus-{size}"
        manifest_path = corpus / "manifest.json"
        made_by = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:16]
        stamp = corpus / "generator.txt"
        if not (manifest_path.is_file() and json.loads(manifest_path.read_text())["seed"] == args.seed
                and stamp.is_file() and stamp.read_text() == f"{made_by} {args.seed}"):
            shutil.rmtree(corpus, ignore_errors=True)
            started = time.perf_counter()
            generate(size, args.seed, corpus)
            stamp.write_text(f"{made_by} {args.seed}")
            print(f"generated {size} claims in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        growth = size / previous_size if previous_size else 1.0
        for engine in engines:
            before = previous.get(engine)
            if predict(before, growth) > args.load_cap:
                predicted = predict(before, growth)
                result = {"skipped": "not loaded at the smaller size" if predicted == float("inf")
                          else f"loading predicted at {predicted:.0f} s (cap {args.load_cap:.0f} s)"}
            else:
                skip = [q for q in QUESTIONS if predict(before, growth, q) > args.cap]
                print(f"{size} claims, {engine}...", file=sys.stderr)
                result = run_engine(engine, corpus, args.work, skip, args.cap, args.load_cap, args.reuse_load)
                for q in skip:
                    result["questions"][q] = {"skipped": f"predicted over {args.cap:.0f} s"}
            results["runs"][f"{size} {engine}"] = result
            previous[engine] = result
            (args.work / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
            print(table(results), file=sys.stderr)
        previous_size = size
    print(table(results))


def machine() -> dict:
    import platform

    import pyoxigraph
    import rdflib

    memory = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = int(line.split()[1]) * 1024
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory / 2**30, 1),
            "python": platform.python_version(), "pyoxigraph": pyoxigraph.__version__, "rdflib": rdflib.__version__,
            "os": platform.platform()}


def _seconds(value: float) -> str:
    if value == float("inf"):
        return "timeout"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


def table(results: dict) -> str:
    head = ["claims", "engine", "quads", "load", "quads/s", "peak mem", "on disk"]
    for q in QUESTIONS:
        head += [f"{q} cold", f"{q} warm"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, run in results["runs"].items():
        size, engine = key.split()
        if "skipped" in run:
            lines.append(f"| {int(size):,} | {engine} | skipped: {run['skipped']} |")
            continue
        cells = [f"{int(size):,}", engine, f"{run.get('quads', 0):,}", _seconds(run["load"]) if "load" in run else "-",
                 f"{run['quads'] / run['load']:,.0f}" if run.get("load") else "-",
                 f"{run['peak'] / 2**30:.2f} GiB" if "peak" in run else "-",
                 f"{run['store'] / 2**20:,.0f} MiB" if "store" in run else "-"]
        for q in QUESTIONS:
            entry = run["questions"].get(q)
            if entry is None:
                cells += [run.get("error", "-"), ""]
            elif "skipped" in entry:
                cells += ["skipped", ""]
            elif "timeout" in entry:
                cells += [f"over {entry['timeout']:.0f} s", ""]
            else:
                cells += [_seconds(entry["cold"]), _seconds(entry["warm"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
