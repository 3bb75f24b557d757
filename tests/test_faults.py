"""Honest remote failures: against a local server that injects faults, every command exits non-zero with
a clear error, a write that did not happen is never reported, credentials never go to another host, and
every request keeps its deadline."""

from __future__ import annotations

import http.server
import socket
import threading
import time

import pytest

FAULTS = ["reset", "500", "503", "302", "slow-body", "html", "truncated-json", "wrong-json", "slow-headers",
          "500-slow-body"]


class Recorder:
    def __init__(self):
        self.requests: list[tuple[int, str, str, str | None]] = []


def serve(handler_factory):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_factory)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture(scope="module")
def elsewhere():
    """The host a redirect points to: it must never receive a request, least of all credentials."""
    recorder = Recorder()

    class Handler(http.server.BaseHTTPRequestHandler):
        def handle_one_request(self):
            recorder.requests.append((self.server.server_address[1], "any", "", None))
            super().handle_one_request()

        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.end_headers()

        do_POST = do_PUT = do_GET

        def log_message(self, *args):
            pass

    httpd = serve(Handler)
    yield f"http://127.0.0.1:{httpd.server_address[1]}", recorder
    httpd.shutdown()


@pytest.fixture(scope="module")
def faulty(elsewhere):
    import httpx  # noqa: F401 - imported once here: the deadline is the request's, not the HTTP client's import

    target, _ = elsewhere
    recorder = Recorder()
    state = {"fault": "500"}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _fault(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            recorder.requests.append((0, self.command, self.path, self.headers.get("Authorization")))
            fault = state["fault"]
            if fault == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                self.close_connection = True
                self.rfile.close()  # the last reference: closing the socket now sends a reset
                self.connection.close()
                return
            if fault in ("500", "503"):
                body = b"server trouble"
                self.send_response(int(fault))
            elif fault == "302":
                body = b""
                self.send_response(302)
                self.send_header("Location", target + self.path)
            elif fault == "html":
                body = b"<html>login</html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
            elif fault in ("truncated-json", "wrong-json"):
                body = b'{"head": {"vars": ["x"]}, "results": {"bindi' if fault == "truncated-json" else b'{"x": 1}'
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
            elif fault in ("slow-headers", "500-slow-body", "slow-body"):
                self._trickle(fault)
                return
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _trickle(self, fault):
            """Send a status line, then headers or body one piece every quarter second."""
            try:
                if fault == "slow-headers":
                    self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                    pieces = (f"X-Wait-{n}: 1\r\n".encode() for n in range(60))
                else:
                    self.send_response(500 if fault == "500-slow-body" else 200)
                    self.send_header("Content-Type", "application/sparql-results+json")
                    self.send_header("Content-Length", "100000")
                    self.end_headers()
                    pieces = (b" " for _ in range(60))
                for piece in pieces:
                    self.wfile.write(piece)
                    self.wfile.flush()
                    time.sleep(0.25)
            except OSError:
                pass

        do_GET = do_POST = do_PUT = _fault

        def log_message(self, *args):
            pass

    httpd = serve(Handler)
    yield f"http://127.0.0.1:{httpd.server_address[1]}", state, recorder
    httpd.shutdown()


COMMANDS = [["who"], ["trace", "701650"], ["disagreements"], ["query", "run", "claims"], ["push"]]
DEADLINE = 1.0


@pytest.mark.parametrize("fault", [pytest.param(f, marks=pytest.mark.slow) if "slow" in f else f for f in FAULTS])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_fails_honestly_on_every_fault(cli, faulty, elsewhere, monkeypatch, fault, command):
    base, state, recorder = faulty
    _target, redirected = elsewhere
    recorder.requests.clear()
    redirected.requests.clear()
    state["fault"] = fault
    monkeypatch.setenv("CLAIMKB_USER", "checker")
    monkeypatch.setenv("CLAIMKB_PASSWORD", "s3cret")
    start = time.monotonic()
    run = cli(*command, "--endpoint", base + "/query", "--timeout", str(DEADLINE))
    elapsed = time.monotonic() - start
    assert run.code == 1, run.err
    assert run.out == ""
    first = run.err.splitlines()[0]
    assert first.startswith("Error: ") and "Traceback" not in run.err
    assert "s3cret" not in run.err and "replaced" not in run.err
    assert elapsed < DEADLINE + 1.5, f"{fault}: took {elapsed:.1f}s"
    assert redirected.requests == []  # nothing, and no credentials, went to the redirect target
    assert recorder.requests, "the faulty server was asked"
    # credentials are sent only when a server asks for them (it never did): none went out unprompted
    assert all(auth is None for *_rest, auth in recorder.requests)
    expected = {
        "reset": "Error: the connection to", "500": f"Error: {base}/", "503": f"Error: {base}/",
        "302": f"Error: {base}/", "slow-body": f"Error: {base}/", "html": f"Error: {base}/query answered text/html",
        "truncated-json": f"Error: {base}/query answered a body that is not SPARQL JSON results",
        "slow-headers": f"Error: {base}/", "500-slow-body": f"Error: {base}/",
        "wrong-json": f"Error: {base}/query answered a body that is not SPARQL JSON results",
    }[fault]
    if command == ["push"] and fault in ("html", "truncated-json", "wrong-json"):
        expected = f"Error: {base}/"  # the upload itself was answered 200; the read-back is what fails
    if fault == "reset":
        assert first.startswith(("Error: the connection to", "Error: cannot reach")), first
    else:
        assert first.startswith(expected), first


# -- no secret in any message ---------------------------------------------------------------------

SECRET_URLS = [
    ("ftp://alice:s3cr3t@127.0.0.1/query", "Error: the endpoint URL carries credentials"),
    ("http://alice:s3cr3t@/query", "Error: the endpoint URL carries credentials"),
    ("http://:s3cr3t@127.0.0.1:1/query", "Error: the endpoint URL carries credentials"),
    ("http://127.0.0.1:s3cr3t/query", "Error: the endpoint is not a valid URL"),
    ("ftp://127.0.0.1/query", "Error: the endpoint URL's scheme is 'ftp', not http or https"),
    ("gopher://127.0.0.1/query", "Error: the endpoint URL's scheme is 'gopher', not http or https"),
    ("http:///query", "Error: the endpoint URL has no host"),
]


@pytest.mark.parametrize(("url", "error"), SECRET_URLS)
def test_a_bad_endpoint_is_refused_by_name_and_no_password_is_ever_shown(cli, monkeypatch, url, error):
    monkeypatch.setenv("CLAIMKB_PASSWORD", "s3cr3t")
    for run in (cli("who", "--endpoint", url), cli("push", "--endpoint", url)):
        assert (run.code, run.out) == (1, "")
        assert run.err.splitlines()[0] == error
        assert "s3cr3t" not in run.err
    monkeypatch.setenv("CLAIMKB_ENDPOINT", url)
    run = cli("trace", "701650")
    assert (run.code, run.out, run.err.splitlines()[0]) == (1, "", error)
    assert "s3cr3t" not in run.err


def test_a_store_url_with_credentials_is_refused_without_showing_them(cli):
    run = cli("push", "--endpoint", "http://127.0.0.1:1/query", "--store", "https://bob:hunter2@127.0.0.1:1/store")
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[0] == "Error: the graph store endpoint URL carries credentials"
    assert "hunter2" not in run.err


# -- answers are bounded and read strictly ---------------------------------------------------------


@pytest.fixture
def answering():
    """A server that answers every request with the status, type and body set in `state`."""
    state = {"status": 200, "type": "application/sparql-results+json", "body": b"", "repeat": 1, "headers": {}}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            body, repeat = state["body"], state["repeat"]
            self.send_response(state["status"])
            self.send_header("Content-Type", state["type"])
            self.send_header("Content-Length", str(len(body) * repeat))
            for key, value in state["headers"].items():
                self.send_header(key, value)
            self.end_headers()
            try:
                for _ in range(repeat):
                    self.wfile.write(body)
            except OSError:  # the client stopped reading: what the cap is for
                pass

        do_PUT = do_POST

        def log_message(self, *args):
            pass

    httpd = serve(Handler)
    yield f"http://127.0.0.1:{httpd.server_address[1]}/query", state
    httpd.shutdown()


def test_an_answer_larger_than_the_cap_is_refused_without_reading_it_all(cli, answering, monkeypatch):
    url, state = answering
    state.update(body=b" " * 2**20, repeat=2048)  # 2 GB of whitespace, sent as fast as it is read
    monkeypatch.setenv("CLAIMKB_MAX_RESPONSE_MB", "4")
    start = time.monotonic()
    run = cli("who", "--endpoint", url, "--timeout", "20")
    assert time.monotonic() - start < 10
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines() == [f"Error: {url} answered more than 4 MB",
                                    "Hint: ask for less (a narrower query), or raise CLAIMKB_MAX_RESPONSE_MB"]


ODD_JSON = [
    b"[" * 100_000 + b"]" * 100_000,  # valid JSON nested deeper than any parser's stack
    b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": 5}}]}}',
    b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "mystery", "value": "v"}}]}}',
    b'{"head": {"vars": [1]}, "results": {"bindings": []}}',
    b'{"head": {"vars": ["x"]}, "results": {"bindings": [["x"]]}}',
    b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "v", "datatype": []}}]}}',
    b'"just a string"',
    b"NaN",
]


@pytest.mark.parametrize("body", ODD_JSON, ids=range(len(ODD_JSON)))
def test_deep_or_odd_json_is_an_error_not_a_crash(cli, answering, body):
    url, state = answering
    state.update(body=body)
    run = cli("who", "--endpoint", url)
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[0] == f"Error: {url} answered a body that is not SPARQL JSON results"


@pytest.mark.parametrize(("body", "shown"), [
    (b"boom", "boom"),
    (b"b'quoted'", "b'quoted'"),
    (b"Virtuoso 37000 Error SQ074: Line 56:\n\nSPARQL query:\nSELECT",
     "Virtuoso 37000 Error SQ074: Line 56: SPARQL query: SELECT"),
    (b"\x1b[2Jcleared \x1b]0;title\x07screen", "?[2Jcleared ?]0;title?screen"),
])
def test_an_error_body_is_shown_as_the_server_wrote_it(cli, answering, body, shown):
    url, state = answering
    state.update(status=500, type="text/plain", body=body)
    run = cli("who", "--endpoint", url)
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines() == [f"Error: {url} answered HTTP 500: {shown}",
                                    "Hint: check the URL and the server's log"]


def test_a_plain_json_answer_names_its_content_type(cli, answering):
    url, state = answering
    state.update(type="application/json", body=b'[{"claimant": "x"}]')  # Comunica's own JSON
    run = cli("who", "--endpoint", url)
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[0] == (f"Error: {url} answered application/json, not SPARQL JSON results "
                                       "(application/sparql-results+json)")


def test_the_request_asks_for_sparql_json_results_only(answering):
    from claimkb.backends.remote import RemoteBackend

    url, state = answering
    seen = []
    import httpx

    original = httpx.Client.stream

    def spy(self, method, target, **kwargs):
        seen.append(kwargs.get("headers", {}).get("Accept"))
        return original(self, method, target, **kwargs)

    state.update(body=b'{"head": {"vars": []}, "results": {"bindings": []}}')
    httpx.Client.stream = spy
    try:
        RemoteBackend(url).select("SELECT * WHERE { ?s ?p ?o }")
    finally:
        httpx.Client.stream = original
    assert seen == ["application/sparql-results+json"]


def test_a_partial_virtuoso_answer_is_refused(cli, answering):
    url, state = answering
    state.update(body=b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}', headers={
        "X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results, query interrupted"})
    run = cli("who", "--endpoint", url)
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines() == [
        f"Error: {url} answered a partial result (S1TAT: RC...: Returning incomplete results, query interrupted)",
        "Hint: the server cut the query short: raise its MaxQueryExecutionTime, or set it to 0"]


def test_the_embedded_path_never_imports_the_http_client():
    import subprocess
    import sys

    code = ("import contextlib, io, sys\n"
            "from claimkb.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    code = main(['trace', '701650', '--format', 'csv'])\n"
            "print(code, sorted(m for m in ('httpx', 'httpcore', 'SPARQLWrapper') if m in sys.modules))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.stdout == "0 []\n", run.stderr[-2000:]
