"""One contract, three engines: every read command, in every output format, prints the same rows, the
same messages and the same exit code on the embedded store, on an Oxigraph server and on Virtuoso 7.2.

Each server is started here on 127.0.0.1 with a new store (tests/servers.py), filled with `claimkb push`
exactly as a user would, and stopped after. Virtuoso comes from Debian's package (`.ci/run` installs it);
where a server cannot be had, its cases are skipped with the reason.

Every distinct query text is sent to a server once per session and its answer reused by the other
formats of the same command (`select` is memoised below): the formats are rendered from the same rows
by the same code on every engine, and Virtuoso needs seconds per query on a loaded machine.
"""

from __future__ import annotations

import os
import urllib.request

import pytest

from claimkb import resources
from claimkb.backends.remote import RemoteBackend
from claimkb.catalogue import Catalogue
from claimkb.formats import OUTPUT_FORMATS
from claimkb.session import Session

from .helpers import Oxigraph, Unavailable, Virtuoso, free_port, run_cli

CATALOGUE = Catalogue(resources.queries_dir())
QUERIES = CATALOGUE.all() + CATALOGUE.checks()
TIMEOUT = "300"  # the harness's own deadline per request: a runaway query fails the run, never hangs it


def _query_args(query) -> list[str]:
    args = ["query", "run", query.name]
    for key, value in query.example.items():
        args += ["-p", f"{key}={value}"]
    return args


# The read commands: the 9 questions, and every catalogue query through `query run`.
COMMANDS = [
    ["trace", "701650"], ["who"], ["who", "UK Defence Intelligence"], ["disagreements"],
    ["disagreements", "--quantity", "qk:ru-territory-gained-week"], ["disagreements", "--uncompared"],
    ["claim", "D01-c02"], ["sources"], ["timeline"],
] + [_query_args(q) for q in CATALOGUE.all()]
FORMATS = list(OUTPUT_FORMATS)
ENGINES = ["oxigraph", "virtuoso"]


_ANSWERS: dict[tuple[str, str], object] = {}


@pytest.fixture
def memoised_selects():
    """Each distinct (endpoint, query) is answered by the server once per session (see the docstring), in
    the parity tests only: elsewhere a server's answer must be read afresh (it changes after a push)."""
    original = RemoteBackend.select
    answers = _ANSWERS

    def select(self, query_text):
        key = (self.endpoint, query_text)
        if key not in answers:
            answers[key] = original(self, query_text)
        return answers[key]

    RemoteBackend.select = select
    yield
    RemoteBackend.select = original


def _push(endpoint: str, store: str, env: dict[str, str] | None = None) -> None:
    saved = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        run = run_cli("push", "--endpoint", endpoint, "--store", store, "--format", "csv", "--timeout", TIMEOUT)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    assert run.code == 0, run.err
    assert all(line.endswith(",yes") for line in run.out.splitlines()[1:]), run.out


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory):
    try:
        server = Oxigraph(tmp_path_factory.mktemp("oxigraph"))
    except Unavailable as why:
        pytest.skip(str(why))
    _push(server.endpoint, server.store)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    try:
        server = Virtuoso(tmp_path_factory.mktemp("virtuoso"))
    except Unavailable as why:
        pytest.skip(str(why))
    try:
        _push(server.endpoint, server.store, {"CLAIMKB_USER": server.USER, "CLAIMKB_PASSWORD": server.password})
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def endpoints(request):
    return {name: request.getfixturevalue(name) for name in ENGINES}


_embedded: dict[tuple[str, ...], object] = {}


def embedded(args: list[str]):
    key = tuple(args)
    if key not in _embedded:
        _embedded[key] = run_cli(*args)
    return _embedded[key]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("engine", ENGINES)
def test_every_read_command_prints_the_same_on_every_engine(request, memoised_selects, engine, args, fmt):
    server = request.getfixturevalue(engine)
    here = embedded([*args, "--format", fmt])
    there = run_cli(*args, "--format", fmt, "--endpoint", server.endpoint, "--timeout", TIMEOUT)
    assert (there.code, there.err) == (here.code, here.err)
    assert there.out == here.out
    # an answer, or the message that there is none (JSON lines of no records is no line at all)
    assert here.code == 0 and (here.out or here.err or fmt == "jsonl")


def test_the_contract_covers_every_read_command_and_an_aggregate_query():
    assert len(COMMANDS) == 9 + len(CATALOGUE.all()) == len({" ".join(c) for c in COMMANDS})
    assert any("GROUP BY" in q.text for q in QUERIES)


@pytest.fixture(scope="session")
def server(oxigraph):
    return oxigraph.base


@pytest.fixture(scope="session")
def local(kb):
    return kb.session


@pytest.fixture(scope="session")
def remote(oxigraph):
    return Session(RemoteBackend(oxigraph.endpoint, timeout=30), CATALOGUE)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_catalogue_query_gives_identical_rows_on_the_oxigraph_server(local, remote, query):
    params = dict(query.example)
    embedded_rows = local.run(query.name, params)
    served = remote.run(query.name, params)
    assert served.variables == embedded_rows.variables
    assert served.rows == embedded_rows.rows


@pytest.mark.slow
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_catalogue_query_gives_identical_rows_on_virtuoso(local, virtuoso, query):
    params = dict(query.example)
    served = Session(RemoteBackend(virtuoso.endpoint, timeout=300), CATALOGUE).run(query.name, params)
    embedded_rows = local.run(query.name, params)
    assert served.variables == embedded_rows.variables
    assert served.rows == embedded_rows.rows


def test_trace_is_the_same_on_both_backends(local, remote):
    from claimkb.answers import trace

    assert trace(local, "701,650") == trace(remote, "701,650")


def test_pushing_twice_changes_nothing(local, remote, cli):
    before = remote.run("graph-sizes").rows
    run = cli("push", "--endpoint", remote.backend.endpoint, "--format", "csv")
    assert run.code == 0
    graphs = len(list((resources.kb_dir() / "graphs").glob("*.trig"))) + 1  # and the ontology
    assert run.err.startswith(f"replaced {graphs} graphs (")
    assert run.err.splitlines()[0].endswith(" entries), and verified each by content")
    assert "triples) and the comparison tables (" in run.err.splitlines()[0]
    assert run.out.splitlines()[0] == "graph,triples,sha256,verified"
    assert all(line.endswith(",yes") for line in run.out.splitlines()[1:])
    assert remote.run("graph-sizes").rows == before


def test_a_push_empties_the_tables_first_and_writes_them_last(remote, cli, monkeypatch):
    """A push cut short between the two leaves no tables describing other data (the queries answer)."""
    from claimkb.tables.entries import TABLES_GRAPH

    sent: list[tuple[str, str, int]] = []
    put, post = RemoteBackend.put_graph, RemoteBackend.post_graph
    monkeypatch.setattr(RemoteBackend, "put_graph",
                        lambda self, graph, data: sent.append(("PUT", graph, len(data))) or put(self, graph, data))
    monkeypatch.setattr(RemoteBackend, "post_graph",
                        lambda self, graph, data: sent.append(("POST", graph, len(data))) or post(self, graph, data))
    assert cli("push", "--endpoint", remote.backend.endpoint).code == 0
    assert sent[0] == ("PUT", TABLES_GRAPH, 0)
    graphs = sorted(row["graph"].value for row in remote.run("graph-sizes").rows)
    assert [(method, graph) for method, graph, _ in sent[1:len(graphs) + 1]] == [("PUT", g) for g in graphs]
    entries = sent[len(graphs) + 1:]  # then the entries, added a batch at a time
    assert entries and all(method == "POST" and graph == TABLES_GRAPH and size > 0 for method, graph, size in entries)


# -- the traps of a real server ------------------------------------------------------------------


def test_push_to_a_server_without_a_union_default_graph_fails_with_the_fix(cli, tmp_path):
    server = Oxigraph(tmp_path / "store", union_default_graph=False)
    try:
        run = cli("push", "--endpoint", server.endpoint)
        assert (run.code, run.out) == (1, "")
        lines = run.err.splitlines()
        graphs = len(list((resources.kb_dir() / "graphs").glob("*.trig"))) + 1  # and the ontology
        assert lines[0] == (f"Error: the graphs were stored, but the default graph of {server.endpoint} does not "
                            f"show them (0 of {graphs} looked-up triples found): every claimkb query would answer "
                            "as if the knowledge base were empty")
        assert lines[1].startswith("Hint: make the server's default graph the union of its named graphs: "
                                   "Oxigraph `oxigraph serve --union-default-graph`")
    finally:
        server.stop()


def _put(store: str, graph: str, ntriples: bytes) -> None:
    request = urllib.request.Request(f"{store}?graph={graph}", data=ntriples, method="PUT",
                                     headers={"Content-Type": "application/n-triples"})
    urllib.request.urlopen(request, timeout=30).read()


def test_a_graph_the_kb_no_longer_has_is_listed_and_pruned(cli, tmp_path):
    server = Oxigraph(tmp_path / "store")
    try:
        stale = "https://w3id.org/claimkb/id/graph/D99-gone"
        other = "https://example.org/not-ours"
        claim = (b"<https://w3id.org/claimkb/id/claim/D99-c1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                 b"<http://schema.org/Claim> .\n<https://w3id.org/claimkb/id/claim/D99-c1> "
                 b"<http://schema.org/author> <https://w3id.org/claimkb/id/agent/ghost> .\n")
        _put(server.store, stale, claim)
        _put(server.store, other, claim)
        run = cli("push", "--endpoint", server.endpoint, "--format", "csv")
        assert run.code == 0
        assert run.err.splitlines()[1:] == [
            "Warning: the server holds 1 graph(s) under the knowledge base's namespace that it no longer has, "
            f"and they still change every answer: {stale}; the comparison tables were therefore not pushed (the "
            "server answers through the queries, slower at scale)",
            "Hint: `claimkb push --prune` deletes them and pushes the tables"]
        assert "comparison tables" not in run.err.splitlines()[0]
        served = cli("query", "run", "graph-sizes", "--endpoint", server.endpoint, "--format", "csv").out
        assert stale in served and served != cli("query", "run", "graph-sizes", "--format", "csv").out
        run = cli("push", "--endpoint", server.endpoint, "--format", "csv", "--prune")
        assert run.code == 0
        assert run.err.splitlines()[1:] == [f"deleted stale graph {stale}"]
        assert "and the comparison tables" in run.err.splitlines()[0]
        served = cli("query", "run", "graph-sizes", "--endpoint", server.endpoint, "--format", "csv").out
        assert served == cli("query", "run", "graph-sizes", "--format", "csv").out
        again = cli("push", "--endpoint", server.endpoint, "--format", "csv")
        assert again.err.splitlines()[1:] == []  # a graph outside the namespace is not ours to judge
    finally:
        server.stop()


@pytest.mark.slow
def test_push_to_virtuoso_needs_the_right_password_and_never_shows_it(cli, virtuoso, monkeypatch):
    monkeypatch.setenv("CLAIMKB_USER", virtuoso.USER)
    monkeypatch.setenv("CLAIMKB_PASSWORD", "wrong-" + virtuoso.password)
    run = cli("push", "--endpoint", virtuoso.endpoint, "--store", virtuoso.store, "--timeout", TIMEOUT)
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[0].startswith(f"Error: {virtuoso.store} answered HTTP 401")
    assert virtuoso.password not in run.err


@pytest.mark.slow
def test_virtuosos_system_graphs_are_not_part_of_the_kb(local, virtuoso):
    served = Session(RemoteBackend(virtuoso.endpoint, timeout=300), CATALOGUE).run("graph-sizes")
    assert served.rows == local.run("graph-sizes").rows


# -- what a wrong server answers ------------------------------------------------------------------


@pytest.fixture
def html_server():
    """A local web server that answers every POST with an HTML page, as a misconfigured proxy would."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server API
            body = b"<html><body>Sign in</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/query"
    httpd.shutdown()


def test_an_html_page_instead_of_results_is_a_clear_error(cli, html_server):
    run = cli("who", "--endpoint", html_server)
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines() == [
        f"Error: {html_server} answered text/html; charset=utf-8, not SPARQL JSON results "
        "(application/sparql-results+json)",
        "Hint: is this the SPARQL query endpoint (for Oxigraph: /query)?"]


def test_a_wrong_path_on_a_real_server_is_a_clear_error(cli, server):
    run = cli("who", "--endpoint", server + "/nothing-here")
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[0].startswith(f"Error: {server}/nothing-here answered HTTP 404")


def test_an_unreachable_endpoint_is_a_clear_error(cli):
    port = free_port()
    run = cli("who", "--endpoint", f"http://127.0.0.1:{port}/query", "--timeout", "2")
    assert (run.code, run.out) == (1, "")
    assert run.err.startswith(f"Error: cannot reach http://127.0.0.1:{port}/query:")


def test_exported_trig_loads_into_an_oxigraph_server_unchanged(cli, tmp_path, local, kb):
    server = Oxigraph(tmp_path / "store")
    try:
        trig = cli("export", "--format", "trig").out.encode("utf-8")
        request = urllib.request.Request(server.store, data=trig, method="POST",
                                         headers={"Content-Type": "application/trig"})
        urllib.request.urlopen(request, timeout=30).read()
        served = Session(RemoteBackend(server.endpoint), CATALOGUE).run("graph-sizes").rows
        embedded_rows = local.run("graph-sizes").rows
        ontology = "https://w3id.org/claimkb/id/graph/ontology"
        assert served == [row for row in embedded_rows if row["graph"].value != ontology]
        dump = urllib.request.urlopen(server.store, timeout=30).read()
        import pyoxigraph as ox

        from claimkb.export import dataset

        assert set(ox.parse(dump, format=ox.RdfFormat.N_QUADS)) == set(dataset(kb.local_store()))
    finally:
        server.stop()


def test_a_server_bulk_loaded_with_the_exported_files_answers_from_the_tables(cli, tmp_path, monkeypatch):
    """The way to fill a large server (docs/servers.md): `export --format nquads --with-ontology` and
    `export --tables` loaded with the server's own loader. Every question then reads the table entries and
    prints what the embedded store prints."""
    import shutil
    import subprocess

    from claimkb.tables.entries import EntryTables

    if shutil.which("oxigraph") is None:
        pytest.skip("the oxigraph server is not installed (pip install '.[test]')")
    kb_file, tables_file = tmp_path / "kb.nq", tmp_path / "tables.nq"
    assert cli("export", "--format", "nquads", "--with-ontology", "--out", str(kb_file)).code == 0
    run = cli("export", "--tables", "--out", str(tables_file))
    assert run.code == 0 and run.err.startswith(f"wrote {tables_file} (") and run.err.endswith(" table entries)\n")
    store = tmp_path / "store"
    subprocess.run(["oxigraph", "load", "--location", str(store), "--file", str(kb_file), str(tables_file)],
                   check=True, capture_output=True, timeout=300)
    server = Oxigraph(store, read_only=True)
    read: list[int] = []
    original = EntryTables._get
    monkeypatch.setattr(EntryTables, "_get", lambda self, keys: read.append(len(keys)) or original(self, keys))
    try:
        for args in (["trace", "701650"], ["who"], ["who", "UK Defence Intelligence"], ["disagreements"],
                     ["disagreements", "--quantity", "qk:ru-casualties-cumulative"], ["claim", "D01-c02"]):
            before = len(read)
            assert cli(*args, "--endpoint", server.endpoint) == embedded(args), args
            assert len(read) > before, f"{args} did not read the tables"
    finally:
        server.stop()
    assert cli("export", "--tables", "--format", "turtle").err.startswith("Error: --tables writes N-Quads, not turtle")


@pytest.fixture
def redirecting_server():
    """Answers every request with a 302 to another port, as a misconfigured proxy would."""
    import http.server
    import threading

    seen: list[tuple[str, str | None]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _redirect(self):
            seen.append((self.command, self.headers.get("Authorization")))
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_PUT = _redirect  # noqa: N815 - http.server API

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()


def test_push_refuses_a_redirect_and_never_reports_success(cli, redirecting_server, monkeypatch):
    base, seen = redirecting_server
    monkeypatch.setenv("CLAIMKB_USER", "checker")
    monkeypatch.setenv("CLAIMKB_PASSWORD", "s3cret")
    run = cli("push", "--endpoint", base + "/query")
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[0] == (f"Error: {base}/store answered with a redirect (302), "
                                       "which claimkb does not follow")
    assert "s3cret" not in run.err
    assert seen == [("PUT", None)]  # one request, no credentials unasked, never re-sent to the new host


def test_queries_refuse_redirects_too(cli, redirecting_server):
    base, _seen = redirecting_server
    run = cli("who", "--endpoint", base + "/query")
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[0] == (f"Error: {base}/query answered with a redirect (302), "
                                       "which claimkb does not follow")
