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
QUESTIONS = ["trace", "trace-popular", "who", "who-all", "dis-q", "dis"]
ENGINES = ["rdflib", "embedded", "floor", "server", "virtuoso"]


# -- the worker: one engine, one size ------------------------------------------------------------


def answer(kb, question: str, manifest: dict) -> int:
    """Ask a KnowledgeBase (claimkb's public API) one of the questions; the number of rows it gave."""
    if question == "trace":
        return len(kb.trace(str(manifest["trace_value"])).claims)
    if question == "trace-popular":
        return len(kb.trace(str(manifest["popular_value"])).claims)
    if question == "who":
        return len(kb.who(manifest["who_claimant"]))
    if question == "who-all":
        return len(kb.who())
    if question == "dis-q":
        return len(kb.disagreements(manifest["quantity"]))
    return len(kb.disagreements())


def cli_args(question: str, manifest: dict) -> list[str]:
    return {"trace": ["trace", str(manifest["trace_value"])],
            "trace-popular": ["trace", str(manifest["popular_value"])],
            "who": ["who", manifest["who_claimant"]],
            "who-all": ["who"],
            "dis-q": ["disagreements", "--quantity", manifest["quantity"]],
            "dis": ["disagreements"]}[question]


# -- the floor: pyoxigraph used directly, for the same question on the same store --------------------

SCHEMA_NS, CKB_NS, PROV_NS = "http://schema.org/", "https://w3id.org/claimkb/ns#", "http://www.w3.org/ns/prov#"
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
ONTOLOGY_GRAPH = "https://w3id.org/claimkb/id/graph/ontology"
# what any comparison of figures must read: each figure's quantity, value, unit, hedge, interval, window,
# the claim that states it and the relay links
FIGURE_PREDICATES = [CKB_NS + p for p in ("measures", "comparator", "intervalLow", "intervalHigh", "quantity",
                                          "period", "windowStart", "windowEnd", "windowStartLow", "windowStartHigh",
                                          "windowEndLow", "windowEndHigh")] + [
    SCHEMA_NS + "value", SCHEMA_NS + "unitText", PROV_NS + "wasDerivedFrom"]


def floor_answer(store, question: str, manifest: dict) -> int:
    """The least pyoxigraph itself must do for each question, with no SPARQL and no claimkb: reading the
    quads that answer it through the store's indexes (the number of claims or figures it found)."""
    import pyoxigraph as ox

    def node(iri: str):
        return ox.NamedNode(iri)

    def whole(subject) -> list:
        return list(store.quads_for_pattern(subject, None, None))

    if question in ("trace", "trace-popular"):
        # the claims that carry the value (through their quantity statement), with all their quads
        value = manifest["trace_value" if question == "trace" else "popular_value"]
        lexical = f"{value}.0" if isinstance(value, int) else str(value)  # as generate.py writes it
        literal = ox.Literal(lexical, datatype=node(XSD_DECIMAL))
        claims = []
        for stated in store.quads_for_pattern(None, node(SCHEMA_NS + "value"), literal):
            whole(stated.subject)
            for carrier in store.quads_for_pattern(None, node(CKB_NS + "quantity"), stated.subject):
                whole(carrier.subject)
                claims.append(carrier.subject)
        return len(set(claims))
    if question == "who":  # the claimant's claims, with all their quads
        claims = {q.subject for q in store.quads_for_pattern(None, node(SCHEMA_NS + "author"),
                                                               node(manifest["who_claimant"]))}
        for claim in claims:
            whole(claim)
        return len(claims)
    if question == "who-all":  # every claimant with the number of its claims and documents
        documents = {q.subject: q.object for q in store.quads_for_pattern(None, node(SCHEMA_NS + "appearance"), None)}
        claims: dict = {}
        seen: dict = {}
        for q in store.quads_for_pattern(None, node(SCHEMA_NS + "author"), None):
            claims[q.object] = claims.get(q.object, 0) + 1
            seen.setdefault(q.object, set()).add(documents.get(q.subject))
        return len(claims)
    if question == "dis-q":  # every figure of the quantity: its statement, its claim and the claim's period
        figures = 0
        for measured in store.quads_for_pattern(None, node(CKB_NS + "measures"), node(manifest["quantity"])):
            figures += 1
            whole(measured.subject)
            for carrier in store.quads_for_pattern(None, node(CKB_NS + "quantity"), measured.subject):
                for period in store.quads_for_pattern(carrier.subject, node(CKB_NS + "period"), None):
                    whole(period.object)
                list(store.quads_for_pattern(carrier.subject, node(PROV_NS + "wasDerivedFrom"), None))
        return figures
    # dis: every figure's facts and every relay link, one pass over each predicate
    figures = 0
    for predicate in FIGURE_PREDICATES:
        for _quad in store.quads_for_pattern(None, node(predicate), None):
            if predicate == CKB_NS + "measures":
                figures += 1
    return figures


def floor_store(work: Path, corpus: Path) -> Path | None:
    """The embedded engine's store of this corpus (the same store the floor reads), if it was built."""
    stores = work / f"cache-{corpus.name}" / "stores"
    built = sorted(p for p in stores.glob("*") if (p / "claimkb-store.json").is_file()) if stores.is_dir() else []
    return built[-1] if built else None


def floor_build(folder: Path, files: list[Path], ontology: Path) -> None:
    """The build floor: Store.bulk_load of the same files into a fresh store, one file after another."""
    import pyoxigraph as ox

    store = ox.Store(str(folder))
    for path in files:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
    store.bulk_load(path=str(ontology), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    store.flush()


def floor_ask(folder: Path, corpus: Path, question: str) -> None:
    """A fresh process: import pyoxigraph, open the store read-only, answer once."""
    import pyoxigraph as ox

    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    print(floor_answer(ox.Store.read_only(str(folder)), question, manifest))


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
    try:
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if deadline and time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                return float("inf"), usage.ru_maxrss * 1024, -9
            time.sleep(0.005)
    except BaseException:  # this worker is being stopped: stop the child too
        process.kill()
        process.wait()
        raise
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


def tables_file(corpus: Path, work: Path, load_cap: float) -> tuple[Path, float]:
    """The entries of the corpus's comparison tables as N-Quads (`claimkb export --tables`), which `push`
    would write beside the graphs; a server loaded with its own bulk loader loads them too. They are read
    from the embedded engine's store when it was built in this run (its cache), else built: (file, seconds)."""
    out = work / f"tables-{corpus.name}.nq"
    env = dict(os.environ, CLAIMKB_CACHE=str(work / f"cache-{corpus.name}"), CLAIMKB_STORE_MODE="disk")
    seconds, _peak, code = timed_child([sys.executable, "-m", "claimkb", "export", "--tables", "--kb", str(corpus),
                                        "--out", str(out)], env=env, timeout=load_cap)
    if code != 0:
        raise SystemExit(f"claimkb export --tables failed ({code})")
    return out, seconds


def server_quads(endpoint: str, seconds: float) -> int:
    """The quads a server holds in the knowledge base's graphs (the tables' entries apart), counted with the
    load's time cap, not an answer's: the count is the harness's check of the load, not a question
    (Oxigraph needs over 120 s for it at a million claims). 0 when it does not answer within the cap."""
    from claimkb import api
    from claimkb.errors import KbError

    try:
        return int(api.open(endpoint=endpoint, timeout=seconds).sparql(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/claimkb/id/graph/')) }", timeout=seconds)[0]["n"])
    except KbError as exc:
        print(f"counting the server's quads: {exc}", file=sys.stderr)
        return 0


def load_virtuoso(corpus: Path, work: Path, ontology: Path, tables: Path):
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
        with tables.open("rb") as entries:
            shutil.copyfileobj(entries, out)
    try:
        server.bulk_load(nquads)
    except BaseException:  # over the cap, or failed: stop the server before giving up
        server.stop()
        raise
    nquads.unlink()
    return server, time.perf_counter() - started, folder


def worker(engine: str, corpus: Path, work: Path, skip: list[str], cap: float, reuse: bool = False,
           load_cap: float = 900) -> None:
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
        # the build in a process of its own, so that its peak memory is the build's alone
        load, build_peak, code = timed_child(
            [sys.executable, "-c", "import sys, claimkb; claimkb.open(sys.argv[1])", str(corpus)],
            env=env, timeout=load_cap)
        if code != 0:
            emit(error=f"build over the {load_cap:.0f} s cap" if code == -9 else f"build failed ({code})")
            return
        kb = api.open(corpus)  # the persistent store just built
        quads = len(kb.local_store())
        emit(load=load, build_peak=build_peak, quads=quads, store=folder_size(cache / "stores"))
        extra_peak = build_peak
        options = ["--kb", str(corpus)]
    elif engine == "floor":
        built = work / f"floor-{corpus.name}"
        shutil.rmtree(built, ignore_errors=True)
        load, build_peak, code = timed_child(
            [sys.executable, str(Path(__file__).resolve()), "floor-build", str(built), str(ontology), *map(str, files)],
            timeout=load_cap)
        size = folder_size(built) if built.is_dir() else 0
        shutil.rmtree(built, ignore_errors=True)  # the questions read the embedded engine's store
        if code != 0:
            emit(error=f"bulk_load over the {load_cap:.0f} s cap" if code == -9 else f"bulk_load failed ({code})")
            return
        import pyoxigraph as ox

        location = floor_store(work, corpus)
        if location is None:
            emit(load=load, build_peak=build_peak, store=size, error="no embedded store to read (run embedded first)")
            return
        kb = ox.Store.read_only(str(location))
        quads = len(kb)
        emit(load=load, build_peak=build_peak, quads=quads, store=size, read=str(location.name))
        extra_peak = build_peak
    elif engine == "virtuoso":
        tables, export = tables_file(corpus, work, load_cap)
        virtuoso, load, location = load_virtuoso(corpus, work, ontology, tables)
        server = virtuoso.process
        endpoint = virtuoso.endpoint
        quads = server_quads(endpoint, load_cap)
        kb = api.open(endpoint=endpoint, timeout=cap)
        emit(load=load, tables=export, quads=quads, store=folder_size(location))
        options = ["--endpoint", endpoint, "--timeout", str(cap)]
    else:
        location = work / f"oxigraph-{corpus.name}"
        binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        stamp = work / f"oxigraph-{corpus.name}.json"
        if reuse and stamp.is_file() and location.is_dir():
            load, loader_peak, export = json.loads(stamp.read_text())
        else:
            shutil.rmtree(location, ignore_errors=True)
            tables, export = tables_file(corpus, work, load_cap)
            load, loader_peak, code = timed_child(
                [binary, "load", "--location", str(location), "--file", *map(str, files), str(tables)])
            if code != 0:
                raise SystemExit(f"oxigraph load failed ({code})")
            started = time.perf_counter()
            code = subprocess.run([binary, "load", "--location", str(location), "--file", str(ontology), "--graph",
                                   "https://w3id.org/claimkb/id/graph/ontology"],
                                  stdout=subprocess.DEVNULL).returncode
            load += time.perf_counter() - started
            stamp.write_text(json.dumps([load, loader_peak, export]))
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
        quads = server_quads(endpoint, load_cap)
        kb = api.open(endpoint=endpoint, timeout=cap)
        emit(load=load, tables=export, quads=quads, store=folder_size(location))
        options = ["--endpoint", endpoint, "--timeout", str(cap)]
    if engine == "floor":
        def ask(question: str) -> int:
            return floor_answer(kb, question, manifest)

        def cold_command(question: str) -> list[str]:
            return [sys.executable, str(Path(__file__).resolve()), "floor-ask", str(location), str(corpus), question]
    else:
        def ask(question: str) -> int:
            return answer(kb, question, manifest)

        def cold_command(question: str) -> list[str]:
            return claimkb + cli_args(question, manifest) + options
    try:
        for question in QUESTIONS:
            if question in skip:
                continue
            # cold: a fresh process (rdflib: parse everything, then answer)
            if engine == "rdflib":
                started = time.perf_counter()
                try:
                    count = limited(cap, partial(ask, question))
                except StepTimeout:
                    emit(question=question, timeout=cap)
                    continue
                cold = load + time.perf_counter() - started
            else:
                runs = []
                for _ in range(3):
                    seconds, rss, code = timed_child(cold_command(question), env=env, timeout=cap)
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
                    count = limited(cap, partial(ask, question))
                except (StepTimeout, KbError):
                    emit(question=question, timeout=cap)
                    continue
            warm = []
            try:
                for _ in range(3):
                    started = time.perf_counter()
                    again = limited(cap, partial(ask, question))
                    warm.append(time.perf_counter() - started)
                    assert again == count
                    if warm[-1] > 5:
                        break
            except (StepTimeout, KbError):  # over the cap (the remote backend's deadline is the cap)
                emit(question=question, timeout=cap)
                continue
            emit(question=question, cold=cold, warm=statistics.median(warm), rows=count)
        if engine == "embedded" and "dis-q" not in skip:
            emit(print_floor=measure_print_floor(claimkb, corpus, work / f"cache-{corpus.name}", manifest, env, cap))
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


def _stop(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")


def _vm_hwm(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


# -- the printing floor: the least Python that prints `disagreements --quantity`'s table ------------


def measure_print_floor(claimkb: list[str], corpus: Path, cache: Path, manifest: dict, env: dict,
                        cap: float) -> dict | None:
    """The printing floor's cold time (median of three fresh processes) and whether it printed claimkb's
    bytes; None when the store has no tables."""
    found = sorted((cache / "stores").glob("*/tables.sqlite"))
    if not found:
        return None
    floor_args = [sys.executable, str(HERE / "print_floor.py"), str(found[0]), manifest["quantity"]]
    mine = subprocess.run(claimkb + cli_args("dis-q", manifest) + ["--kb", str(corpus)], env=env,
                          capture_output=True, timeout=cap).stdout
    theirs = subprocess.run(floor_args, capture_output=True, timeout=cap).stdout
    runs = [timed_child(floor_args, timeout=cap)[0] for _ in range(3)]
    return {"cold": statistics.median(runs), "same": mine == theirs, "bytes": len(mine)}


# -- the runner ----------------------------------------------------------------------------------


def run_engine(engine: str, corpus: Path, work: Path, skip: list[str], cap: float, load_cap: float,
               reuse: bool = False) -> dict:
    """Run one worker; keep whatever it measured even if it fails or runs past the time allowed (then it
    is stopped: SIGTERM, so that it stops the servers it started, and SIGKILL a minute later)."""
    import threading

    args = [sys.executable, str(Path(__file__).resolve()), "worker", engine, str(corpus), str(work),
            "--cap", str(cap), "--load-cap", str(load_cap), "--skip", ",".join(skip)] + \
        (["--reuse-load"] if reuse else [])
    result: dict = {"questions": {}}
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    allowed = load_cap * 2 + cap * (len(QUESTIONS) - len(skip)) * 6
    stopped = threading.Event()

    def watchdog() -> None:
        if process.poll() is None:
            stopped.set()
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()

    timer = threading.Timer(allowed, watchdog)
    timer.daemon = True
    timer.start()
    try:
        for line in process.stdout:
            fields = json.loads(line)
            if "question" in fields:
                result["questions"][fields.pop("question")] = fields
            else:
                result.update(fields)
    finally:
        process.wait()
        timer.cancel()
    if stopped.is_set():
        result["error"] = f"stopped at the time cap ({allowed:.0f} s for the engine)"
    elif process.returncode != 0 and "error" not in result:
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
    w.add_argument("--load-cap", type=float, default=900)
    fb = sub.add_parser("floor-build")
    fb.add_argument("folder", type=Path)
    fb.add_argument("ontology", type=Path)
    fb.add_argument("files", type=Path, nargs="+")
    fa = sub.add_parser("floor-ask")
    fa.add_argument("folder", type=Path)
    fa.add_argument("corpus", type=Path)
    fa.add_argument("question", choices=QUESTIONS)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--work", type=Path, default=Path("/tmp/claimkb-bench"))
    parser.add_argument("--cap", type=float, default=180, help="seconds one answer may take (default 180)")
    parser.add_argument("--load-cap", type=float, default=900, help="seconds loading may take (default 900)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-claims", default="",
                        help="largest size for some engines, e.g. rdflib=10000 (default: every size)")
    parser.add_argument("--last", default="",
                        help="engines run after all the others, e.g. rdflib (default: none)")
    parser.add_argument("--startup-runs", type=int, default=20,
                        help="runs of the cold-start comparison on the bundled knowledge base (0: none)")
    parser.add_argument("--reuse-load", action="store_true",
                        help="answer from an Oxigraph store loaded by an earlier run (its load time is reported)")
    args = parser.parse_args()
    if args.command == "worker":
        signal.signal(signal.SIGTERM, _stop)  # the runner's time cap: unwind, stopping any server started
        worker(args.engine, args.corpus, args.work, [s for s in args.skip.split(",") if s], args.cap,
               args.reuse_load, args.load_cap)
        return
    if args.command == "floor-build":
        floor_build(args.folder, args.files, args.ontology)
        return
    if args.command == "floor-ask":
        floor_ask(args.folder, args.corpus, args.question)
        return
    args.work.mkdir(parents=True, exist_ok=True)
    from startup import compile_claimkb  # beside this script, on its path

    compile_claimkb()  # every cold answer below starts from bytecode, as after `pip install`
    sizes = [int(s) for s in args.sizes.split(",")]
    engines = args.engines.split(",")
    results: dict = {"machine": machine(), "cap": args.cap, "load_cap": args.load_cap, "command": sys.argv,
                     "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "load_before": _load(),
                     "runs": {}}
    if args.startup_runs:
        from startup import measure  # beside this script, on its path

        print(f"cold start, {args.startup_runs} runs...", file=sys.stderr)
        results["startup"] = measure(args.startup_runs, cache=args.work / "cache-bundled")
    previous: dict[str, tuple[int, dict]] = {}  # engine: (size, result) of its last step
    limits = {e: int(n) for e, n in (item.split("=") for item in args.max_claims.split(",") if item)}
    last = [e for e in args.last.split(",") if e in engines]
    # every engine at each size in turn; the engines of --last after all the others (at each of their sizes)
    steps = [(size, e) for size in sizes for e in engines if e not in last] + \
        [(size, e) for e in last for size in sizes]
    for size, engine in steps:
        if size > limits.get(engine, size):
            continue
        corpus = corpus_of(args.work, size, args.seed)
        before_size, before = previous.get(engine, (None, None))
        growth = size / before_size if before_size else 1.0
        if predict(before, growth) > args.load_cap:
            predicted = predict(before, growth)
            result = {"skipped": "not loaded at the smaller size" if predicted == float("inf")
                      else f"loading predicted at {predicted:.0f} s (cap {args.load_cap:.0f} s)"}
        elif before and all(predict(before, growth, q) > args.cap for q in QUESTIONS):
            result = {"skipped": f"every answer predicted over {args.cap:.0f} s"}
        else:
            skip = [q for q in QUESTIONS if predict(before, growth, q) > args.cap]
            print(f"{time.strftime('%H:%M:%S')} {size} claims, {engine}...", file=sys.stderr)
            result = run_engine(engine, corpus, args.work, skip, args.cap, args.load_cap, args.reuse_load)
            for q in skip:
                result["questions"][q] = {"skipped": f"predicted over {args.cap:.0f} s"}
        result["load_average"] = _load()
        results["runs"][f"{size} {engine}"] = result
        previous[engine] = (size, result)
        (args.work / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
        print(table(results), file=sys.stderr)
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    results["load_after"] = _load()
    (args.work / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(table(results))
    print()
    print(rows_table(results))
    print()
    print(targets(results))


def corpus_of(work: Path, size: int, seed: int) -> Path:
    """The corpus of this size and seed in WORK, generated unless the same generator made it before."""
    from generate import generate  # beside this script, on its path

    corpus = work / f"corpus-{size}"
    manifest_path = corpus / "manifest.json"
    made_by = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:16]
    stamp = corpus / "generator.txt"
    if not (manifest_path.is_file() and json.loads(manifest_path.read_text())["seed"] == seed
            and stamp.is_file() and stamp.read_text() == f"{made_by} {seed}"):
        shutil.rmtree(corpus, ignore_errors=True)
        started = time.perf_counter()
        generate(size, seed, corpus)
        stamp.write_text(f"{made_by} {seed}")
        print(f"generated {size} claims in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return corpus


def _load() -> list[float]:
    """The load averages (1, 5, 15 minutes): other work on the machine while this ran."""
    return [round(x, 2) for x in os.getloadavg()]


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


def _cell(entry: dict | None, run: dict) -> list[str]:
    if entry is None:
        return [run.get("error", "-"), ""]
    if "skipped" in entry:
        return ["skipped", ""]
    if "timeout" in entry:
        return [f"over {entry['timeout']:.0f} s", ""]
    return [_seconds(entry["cold"]), _seconds(entry["warm"])]


def table(results: dict) -> str:
    head = ["claims", "engine", "quads", "load", "quads/s", "build peak", "peak mem", "on disk"]
    for q in QUESTIONS:
        head += [f"{q} cold", f"{q} warm"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, run in results["runs"].items():
        size, engine = key.split()
        if "skipped" in run:
            lines.append(f"| {int(size):,} | {engine} | skipped: {run['skipped']} |")
            continue
        load = _seconds(run["load"]) if "load" in run else "-"
        if "tables" in run:  # a server: its load, and the export of the tables' entries it loaded with the graphs
            load += f" (+ {_seconds(run['tables'])} export --tables)"
        cells = [f"{int(size):,}", engine, f"{run.get('quads', 0):,}", load,
                 f"{run['quads'] / run['load']:,.0f}" if run.get("load") and run.get("quads") else "-",
                 f"{run['build_peak'] / 2**30:.2f} GiB" if "build_peak" in run else "-",
                 f"{run['peak'] / 2**30:.2f} GiB" if "peak" in run else "-",
                 f"{run['store'] / 2**20:,.0f} MiB" if "store" in run else "-"]
        for q in QUESTIONS:
            cells += _cell(run["questions"].get(q), run)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def rows_table(results: dict) -> str:
    """The rows (claims, claimants, findings; the floor: claims or figures read) each engine answered."""
    lines = ["| claims | engine | " + " | ".join(QUESTIONS) + " |", "|" + "---|" * (len(QUESTIONS) + 2)]
    for key, run in results["runs"].items():
        size, engine = key.split()
        if "skipped" not in run:
            lines.append(f"| {int(size):,} | {engine} | " + " | ".join(
                f"{run['questions'][q]['rows']:,}" if "rows" in run["questions"].get(q, {}) else "-"
                for q in QUESTIONS) + " |")
    return "\n".join(lines)


def _verdict(value: float | None, target: float, strict: bool = True) -> str:
    if value is None:
        return "not measured"
    if value == float("inf"):
        return "missed (over the cap)"
    if (value < target) if strict else (value <= target):
        return "met"
    return f"missed ({value / target:.1f}x the target)"


def _time(run: dict | None, question: str, kind: str) -> float | None:
    """A measured time, inf when stopped at the cap, None when not measured."""
    entry = (run or {}).get("questions", {}).get(question)
    if not entry or "skipped" in entry:
        return None
    if "timeout" in entry:
        return float("inf")
    return entry.get(kind)


def _ratio(value: float | None, floor: float | None) -> str:
    if value is None or floor is None or value == float("inf") or floor == float("inf") or floor <= 0:
        return "-"
    ratio = value / floor
    return f"{ratio:,.1f}x" if ratio >= 0.1 else f"{ratio:.3f}x"


def targets(results: dict) -> str:
    """The embedded store's targets and the servers' (from a fresh process), at the largest size measured
    for each engine, beside the floor: pyoxigraph directly on the same store."""
    def largest(engine: str) -> tuple[int | None, dict | None]:
        found = [(int(k.split()[0]), r) for k, r in results["runs"].items()
                 if k.split()[1] == engine and "skipped" not in r and "load" in r]
        return max(found, key=lambda x: x[0]) if found else (None, None)

    size, embedded = largest("embedded")
    floor = results["runs"].get(f"{size} floor") if size else None
    lines = [f"Embedded store at {size:,} claims, beside the floor on the same store:" if size else
             "Embedded store: not measured.", "",
             "| target | measured | floor | x floor | verdict |", "|---|---|---|---|---|"]

    def row(label: str, question: str, kind: str, target: float) -> None:
        value, base = _time(embedded, question, kind), _time(floor, question, kind)
        shown = "-" if value is None else _seconds(value)
        lines.append(f"| {label} ({kind}) | {shown} | {'-' if base is None else _seconds(base)} | "
                     f"{_ratio(value, base)} | {_verdict(value, target)} |")

    row("trace, typical value, < 10 ms", "trace", "warm", 0.010)
    for kind in ("warm", "cold"):
        row("trace, popular value, < 1 s", "trace-popular", kind, 1.0)
    for kind in ("warm", "cold"):
        row("who with no name, < 1 s", "who-all", kind, 1.0)
    row("who CLAIMANT, < 30 ms", "who", "warm", 0.030)
    for kind in ("warm", "cold"):
        row("disagreements --quantity Q, < 300 ms", "dis-q", kind, 0.300)
    printed = (embedded or {}).get("print_floor")
    if printed:
        lines.append(f"| the same table printed from the same stored findings by the least Python "
                     f"(`print_floor.py`{'' if printed['same'] else ', NOT the same bytes'}) | "
                     f"{_seconds(printed['cold'])} | | | the least a Python command pays |")
    for kind in ("warm", "cold"):
        row("full disagreements, < 3 s", "dis", kind, 3.0)
    build, base = (embedded or {}).get("load"), (floor or {}).get("load")
    ratio = build / base if build and base else None
    lines.append(f"| store build <= 1.05x Store.bulk_load | {_seconds(build) if build else '-'} | "
                 f"{_seconds(base) if base else '-'} | {ratio:.2f}x |" if ratio else
                 f"| store build <= 1.05x Store.bulk_load | {_seconds(build) if build else '-'} | "
                 f"{_seconds(base) if base else '-'} | - |")
    lines[-1] += f" {_verdict(ratio, 1.05, strict=False)} |"
    peak, base_peak = (embedded or {}).get("build_peak"), (floor or {}).get("build_peak")
    lines.append(f"| store build peak memory < 1 GiB | {peak / 2**30:.2f} GiB | " if peak else
                 "| store build peak memory < 1 GiB | - | ")
    lines[-1] += (f"{base_peak / 2**30:.2f} GiB | " if base_peak else "- | ") + \
        (f"{peak / base_peak:.2f}x | " if peak and base_peak else "- | ") + \
        (_verdict(peak / 2**30, 1.0) if peak else "not measured") + " |"
    start = results.get("startup")
    if start:
        from startup import CLI_FLOOR, RDFLIB, TRACE  # beside this script, on its path

        lines.append(f"| cold `claimkb trace 701650` (bundled KB) < 0.7x `import rdflib` | "
                     f"{_seconds(start[TRACE]['median'])} | "
                     f"{_seconds(start[RDFLIB]['median'])} (import rdflib) | "
                     f"{start['ratio']:.2f}x | {_verdict(start['ratio'], 0.7)} |")
        if CLI_FLOOR in start:  # results of runs before it was measured lack it
            lines.append(f"| `import typer, pyoxigraph` alone, against the same `import rdflib` | "
                         f"{_seconds(start[CLI_FLOOR]['median'])} | {_seconds(start[RDFLIB]['median'])} | "
                         f"{start['floor_ratio']:.2f}x | the least a typer CLI pays |")
    for engine in ("server", "virtuoso"):
        size_s, run = largest(engine)
        floor_s = results["runs"].get(f"{size_s} floor") if size_s else None
        name = {"server": "Oxigraph server", "virtuoso": "Virtuoso"}[engine]
        lines += ["", f"{name} at {size_s:,} claims, from a fresh process, beside the floor's fresh "
                  "process on the embedded store:" if size_s else f"{name}: not measured.", "",
                  "| target | measured | floor | x floor | verdict |", "|---|---|---|---|---|"]
        for label, question, target in (("trace < 1 s", "trace", 1.0), ("who < 1 s", "who", 1.0),
                                        ("disagreements --quantity < 10 s", "dis-q", 10.0),
                                        ("full disagreements < 120 s", "dis", 120.0)):
            value, base = _time(run, question, "cold"), _time(floor_s, question, "cold")
            if run and value is None and "error" in run:
                shown = run["error"]
            else:
                shown = "-" if value is None else _seconds(value)
            lines.append(f"| {label} | {shown} | {'-' if base is None else _seconds(base)} | {_ratio(value, base)} | "
                         f"{_verdict(value, target)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
