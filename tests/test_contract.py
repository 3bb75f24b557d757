"""One contract, two backends: every catalogue query and main command gives the same rows on the
embedded store and on a real Oxigraph SPARQL server (started here on 127.0.0.1, stopped after)."""

from __future__ import annotations

import urllib.request

import pytest

from claimkb import resources
from claimkb.backends.remote import RemoteBackend
from claimkb.catalogue import Catalogue
from claimkb.session import Session

from .helpers import free_port, start_oxigraph

CATALOGUE = Catalogue(resources.queries_dir())


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    base, process = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def local(kb):
    return kb.session


@pytest.fixture(scope="session")
def remote(server, kb):
    kb.push(server + "/query", timeout=30)
    return Session(RemoteBackend(server + "/query", timeout=30), CATALOGUE)


@pytest.fixture(scope="session", params=["embedded", "oxigraph-server"])
def any_kb(request, local, remote):
    return local if request.param == "embedded" else remote


QUERIES = CATALOGUE.all() + CATALOGUE.checks()


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_catalogue_query_gives_identical_rows_on_both_backends(local, remote, query):
    params = dict(query.example)
    embedded = local.run(query.name, params)
    served = remote.run(query.name, params)
    assert served.variables == embedded.variables
    assert served.rows == embedded.rows


def test_the_contract_covers_an_aggregate_query():
    assert any("GROUP BY" in q.text for q in QUERIES)


def test_trace_is_the_same_on_both_backends(local, remote):
    from claimkb.answers import trace

    assert trace(local, "701,650") == trace(remote, "701,650")


def test_claims_are_found_by_number_on_any_backend(any_kb):
    rows = any_kb.run("claims-with-value", {"value": "1146"}).rows
    assert {r["claim"].value.rsplit("/", 1)[1] for r in rows} == {"D01-c08", "D05-c2"}


@pytest.mark.parametrize("args", [["who"], ["who", "UK Defence Intelligence"], ["disagreements"],
                                  ["trace", "two-thirds"], ["sources"], ["timeline"]])
def test_main_commands_print_the_same_rows_with_endpoint(cli, remote, args):
    embedded = cli(*args, "--format", "json")
    served = cli(*args, "--format", "json", "--endpoint", remote.backend.endpoint)
    assert (embedded.code, served.code) == (0, 0)
    assert served.out == embedded.out


def test_pushing_twice_changes_nothing(local, remote, cli):
    before = remote.run("graph-sizes").rows
    run = cli("push", "--endpoint", remote.backend.endpoint, "--format", "csv")
    assert run.code == 0
    graphs = len(list((resources.kb_dir() / "graphs").glob("*.trig"))) + 1  # and the ontology
    assert run.err.startswith(f"replaced {graphs} graphs (")
    assert all(line.endswith(",yes") for line in run.out.splitlines()[1:])
    assert remote.run("graph-sizes").rows == before


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


def test_credentials_in_the_url_are_refused(cli):
    run = cli("who", "--endpoint", "http://user:secret@127.0.0.1:1/query")
    assert (run.code, run.out) == (1, "")
    assert "secret" not in run.err
    assert run.err.splitlines()[0] == "Error: the endpoint URL carries credentials"


def test_exported_trig_loads_into_an_oxigraph_server_unchanged(cli, tmp_path_factory, local, kb):
    base, process = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    try:
        trig = cli("export", "--format", "trig").out.encode("utf-8")
        request = urllib.request.Request(base + "/store", data=trig, method="POST",
                                         headers={"Content-Type": "application/trig"})
        urllib.request.urlopen(request, timeout=30).read()
        served = Session(RemoteBackend(base + "/query"), CATALOGUE).run("graph-sizes").rows
        embedded = local.run("graph-sizes").rows
        ontology = "https://w3id.org/claimkb/id/graph/ontology"
        assert served == [row for row in embedded if row["graph"].value != ontology]
        dump = urllib.request.urlopen(base + "/store", timeout=30).read()
        import pyoxigraph as ox

        from claimkb.export import dataset

        assert set(ox.parse(dump, format=ox.RdfFormat.N_QUADS)) == set(dataset(kb.local_store()))
    finally:
        process.terminate()
        process.wait(timeout=10)


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
    assert [method for method, _auth in seen] == ["PUT"]  # one request, never re-sent to the new host


def test_queries_refuse_redirects_too(cli, redirecting_server):
    base, _seen = redirecting_server
    run = cli("who", "--endpoint", base + "/query")
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[0] == (f"Error: {base}/query answered with a redirect (302), "
                                       "which claimkb does not follow")
