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
