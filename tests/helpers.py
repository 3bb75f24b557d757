"""Helpers the test modules share (imported from here, never from another test module)."""

from __future__ import annotations

import contextlib
import io
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from claimkb import resources

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_oxigraph(folder: Path, *, union_default_graph: bool = True) -> tuple[str, subprocess.Popen]:
    """An Oxigraph server on 127.0.0.1 storing into `folder`: its base URL and process."""
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.skip("the oxigraph server is not installed (pip install '.[test]')")
    port = free_port()
    args = [binary, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        args.append("--union-default-graph")
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1).read()
            return base, process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("the oxigraph server did not start: " + process.stderr.read().decode())
            time.sleep(0.1)


def rows(kb, query: str) -> list[dict[str, str]]:
    """An ad hoc test query's rows as text values (run as a catalogue query would be, unchecked)."""
    return [{k: v.value for k, v in r.items()} for r in kb.session.backend.select(query).rows]


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
