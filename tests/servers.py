"""Private SPARQL servers on 127.0.0.1 for the contract suite and the benchmarks: Oxigraph (the `oxigraph`
binary from PyPI) and Virtuoso 7.2 (Debian's `virtuoso-opensource`). Every file a server writes stays in
the folder it is given; nothing system-wide is read, changed or started.

Virtuoso's settings that decide parity (see docs/servers.md):
- `ResultSetMaxRows`: the package's 10,000 silently cuts larger answers; raised far above any answer here;
- `MaxQueryExecutionTime = 0`: a positive value turns a slow query into a partial ("anytime") answer,
  so none is set, and every client request carries its own deadline instead (a query that outlives it
  fails the run, and `stop()` ends the server whatever it is doing);
- a new database each run: Virtuoso 7.2 can stop accepting inserts for good ("out of seg data",
  upstream issue 571), so a run never reuses one.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

VIRTUOSO = "/usr/bin/virtuoso-t"
ISQL = "/usr/bin/isql-vt"


class Unavailable(Exception):
    """The server cannot be had on this machine (the reason says why)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, process: subprocess.Popen, seconds: float, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    body = urllib.parse.urlencode({"query": "ASK {}"}).encode()
    while True:
        try:
            request = urllib.request.Request(url, data=body, headers={"Accept": "application/sparql-results+json"})
            urllib.request.urlopen(request, timeout=2).read()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                tail = log.read_text(errors="replace")[-2000:] if log and log.is_file() else ""
                raise RuntimeError(f"the server at {url} did not start: {tail}") from None
            time.sleep(0.2)


class Oxigraph:
    """`oxigraph serve` on a folder; `union_default_graph=False` reproduces a server set up without it."""

    def __init__(self, folder: Path, *, union_default_graph: bool = True, read_only: bool = False) -> None:
        binary = shutil.which("oxigraph")
        if binary is None:
            raise Unavailable("the oxigraph server is not installed (pip install '.[test]')")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        args = [binary, "serve-read-only" if read_only else "serve", "--location", str(folder),
                "--bind", f"127.0.0.1:{self.port}"]
        if union_default_graph:
            args.append("--union-default-graph")
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait(self.base + "/query", self.process, 60)
        self.endpoint = self.base + "/query"
        self.store = self.base + "/store"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql}
LiteMode = 0
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
CheckpointAuditTrail = 0
AllowOSCalls = 0
SchedulerInterval = 10
DirsAllowed = ., {d}
ThreadCleanupInterval = 0
ThreadThreshold = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize = 100000
SingleCPU = 0
PrefixResultNames = 0
RdfFreeTextRulesSize = 100
IndexTreeMaps = 64
MaxMemPoolSize = 200000000
MaxQueryMem = 2G
VectorSize = 1000
MaxVectorSize = 1000000
AdjustVectorSize = 0
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 10
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
MaxClientConnections = 10
DavRoot = DAV
EnabledDavVSP = 0
HTTPProxyEnabled = 0
TempASPXDir = 0
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
HTTPThreadSize = 280000
HttpPrintWarningsInOutput = 0
Charset = UTF-8
EnabledGzipContent = 0

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[URIQA]
DynamicLocal = 0
DefaultHost = 127.0.0.1:{http}

[SPARQL]
ResultSetMaxRows = 100000000
MaxQueryExecutionTime = 0
DeferInferenceRulesInit = 0
"""


class Virtuoso:
    """A private Virtuoso 7.2 with a new database in `folder`, both listeners on 127.0.0.1, a dba
    password of its own and a user that may write through the Graph Store endpoint (Digest)."""

    USER = "claimkb"

    def __init__(self, folder: Path, *, buffers: int = 20000, start_timeout: float = 120) -> None:
        if not (Path(VIRTUOSO).is_file() and Path(ISQL).is_file()):
            raise Unavailable("Virtuoso is not installed (apt-get install -y --no-install-recommends "
                              "virtuoso-opensource; .ci/run does this)")
        self.folder = Path(folder).resolve()
        if (self.folder / "virtuoso.db").exists():
            raise RuntimeError(f"{self.folder} already holds a Virtuoso database: give a new folder")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.http, self.isql = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.http}"
        self.endpoint = self.base + "/sparql"
        self.store = self.base + "/sparql-graph-crud-auth"
        self.dba_password = "d" + os.urandom(9).hex()
        self.password = "p" + os.urandom(9).hex()
        (self.folder / "virtuoso.ini").write_text(INI.format(
            d=self.folder, isql=self.isql, http=self.http, buffers=buffers, dirty=buffers * 3 // 4))
        log = self.folder / "stdout.log"
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [VIRTUOSO, "+foreground", "+configfile", str(self.folder / "virtuoso.ini")], cwd=self.folder,
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait(self.endpoint, self.process, start_timeout, self.folder / "virtuoso.log")
            self.sql(f'SET PASSWORD dba "{self.dba_password}";', password="dba")
            self.sql(f"DB.DBA.USER_CREATE('{self.USER}', '{self.password}');")
            self.sql(f'GRANT SPARQL_UPDATE TO "{self.USER}";')
        except BaseException:
            self.stop()
            raise

    def sql(self, statement: str, *, password: str | None = None, timeout: float = 3600) -> str:
        """Run SQL through isql (the dba password travels on its command line, inside this machine)."""
        run = subprocess.run([ISQL, f"127.0.0.1:{self.isql}", "dba", password or self.dba_password,
                              f"EXEC={statement}"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=timeout)
        if run.returncode != 0 or "*** Error" in run.stdout + run.stderr:
            raise RuntimeError(f"isql failed on {statement.split('(')[0]!r}: {(run.stdout + run.stderr)[-500:]}")
        return run.stdout

    def bulk_load(self, nquads: Path) -> None:
        """Load one N-Quads file with Virtuoso's bulk loader (it must lie inside the server's folder)."""
        folder = nquads.resolve().parent
        self.sql(f"ld_dir('{folder}', '{nquads.name}', 'https://w3id.org/claimkb/id/graph/default');")
        self.sql("rdf_loader_run();")
        self.sql("checkpoint;")
        state = self.sql("SELECT ll_state, ll_error FROM DB.DBA.load_list;")
        if "NULL" not in state.split("ll_error", 1)[-1]:
            raise RuntimeError(f"the bulk loader reported an error: {state[-500:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
