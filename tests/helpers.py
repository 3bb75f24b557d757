"""Helpers the test modules share (imported from here, never from another test module)."""

from __future__ import annotations

import contextlib
import io
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

from claimkb import resources

from .servers import Oxigraph, Unavailable, Virtuoso, free_port  # noqa: F401 - shared with the test modules

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
KB = resources.kb_dir()
DATA = Path(__file__).resolve().parent / "data"


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> Run:
    """Run `claimkb ARGS...` in this process and capture what it prints."""
    from claimkb.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return Run(code, out.getvalue(), err.getvalue())


def copy_kb(target: Path) -> Path:
    """A writable copy of the bundled knowledge base at `target`."""
    shutil.copytree(KB, target, ignore=shutil.ignore_patterns(".claimkb-*"))
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def start_oxigraph(folder: Path, *, union_default_graph: bool = True) -> tuple[str, Oxigraph]:
    """An Oxigraph server on 127.0.0.1 storing into `folder`: its base URL and the server (`.terminate()`,
    `.wait()` as a process's)."""
    try:
        server = Oxigraph(folder, union_default_graph=union_default_graph)
    except Unavailable as why:
        pytest.skip(str(why))
    return server.base, server.process


def rows(kb, query: str) -> list[dict[str, str]]:
    """An ad hoc test query's rows as text values (run as a catalogue query would be, unchecked)."""
    return [{k: v.value for k, v in r.items()} for r in kb.session.backend.select(query).rows]


def hostile_queries(port: int) -> list[tuple[str, str, str]]:
    """The hostile query corpus (tests/data/hostile-queries.json) as (id, family, text), aimed at `port`."""
    import json

    def expand(part) -> str:
        if isinstance(part, str):
            return part
        if isinstance(part, list):
            return "".join(expand(p) for p in part)
        return part["join"].join(part["repeat"].replace("{i}", str(i)) for i in range(part["times"]))

    corpus = json.loads((DATA / "hostile-queries.json").read_text(encoding="utf-8"))["queries"]
    return [(q["id"], q["family"], expand(q["query"]).replace("@PORT@", str(port))) for q in corpus]


class Listener:
    """A loopback TCP listener on 127.0.0.1 and [::1] (the same port) that records every connection it
    accepts and what arrived on it, and answers HTTP 500."""

    def __init__(self, port: int = 0) -> None:
        import threading

        self.hits: list[tuple[str, bytes]] = []
        self.sockets = []
        v4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        v4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        v4.bind(("127.0.0.1", port))
        self.port = v4.getsockname()[1]
        self.sockets.append(v4)
        try:
            v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            v6.bind(("::1", self.port))
            self.sockets.append(v6)
        except OSError:  # no IPv6 loopback here
            pass
        self.stopping = False
        self.threads = []
        for sock in self.sockets:
            sock.listen(64)
            sock.settimeout(0.1)
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _serve(self, sock) -> None:
        while not self.stopping:
            try:
                conn, addr = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(1)
            try:
                data = conn.recv(4096)
                conn.sendall(b"HTTP/1.1 500 no\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                data = b""
            self.hits.append((str(addr), data))
            conn.close()

    def close(self) -> None:
        self.stopping = True
        for thread in self.threads:
            thread.join(2)
        for sock in self.sockets:
            sock.close()

    def __enter__(self) -> Listener:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class FakeEndpoint:
    """A SPARQL endpoint on 127.0.0.1 that records each query it is sent and answers `answer`."""

    def __init__(self, answer: dict) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs

        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's API
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                received.append(parse_qs(body).get("query", [""])[0])
                payload = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/query"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# a verdict and a document of hostile text, for the report and browser tests
REVIEW = ["review", "D01-c02", "--rating", "Accurately relayed", "--explanation", "As the General Staff published it.",
          "--url", "https://factcheck.example.org/701650", "--author", "Example Fact Check", "--date", "2024-11-07"]

HOSTILE_ARCHIVE = ('Intro line.\nThe minister said "<script>alert(1)</script> & 5 < 6" today.\n'
                   "Another <b>bold</b> line with \u202e reversed text and a bell \x07 here.\n")
HOSTILE_SHEET = r'''document:
  id: T09-hostile
  title: "Hostile </title><script>alert(1)</script> & co"
  kind: news-article
  published: {start: 2024-11-07, precision: day}
  certainty: low
  archive: archive/T09-hostile.txt
curation: {recorded_on: 2026-12-01}
claims:
- id: T09-c1
  text: "The minister said </script><script>alert(2)</script> & \"quotes\" \u202e reversed."
  claimant: ua-mod
  carriage: attributed
  anchor: "\"<script>alert(1)</script> & 5 < 6\""
  asserted: {start: 2024-11-07, precision: day}
- id: T09-c2
  text: "Bold claim with a bell."
  claimant: ua-mod
  carriage: attributed
  anchor: "<b>bold</b> line with \u202e reversed text and a bell \a here"
  asserted: {start: 2024-11-07, precision: day}
'''


def reviewed_kb(folder: Path) -> Path:
    """A copy of the bundled knowledge base with a verdict and a document of hostile text."""
    kb = copy_kb(folder)
    (kb / "archive" / "T09-hostile.txt").write_text(HOSTILE_ARCHIVE, encoding="utf-8")
    sheet = folder.parent / "T09-hostile.yaml"
    sheet.write_text(HOSTILE_SHEET, encoding="utf-8")
    for args in (["import", str(sheet)], REVIEW):
        run = run_cli(*args, "--kb", str(kb))
        assert run.code == 0, run.err
    return kb
