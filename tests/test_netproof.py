"""Proof that ad hoc queries never reach the network, seen from outside Python: a loopback listener (in this
process, untraced) and `strace -f -e trace=network` over claimkb in a subprocess. An audit hook would not
do: the engine's HTTP client is native code.

The control runs the SERVICE queries straight into the engine without claimkb: the harness must see its
connections, or a zero elsewhere would prove nothing."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from claimkb import sandbox

from .helpers import ROOT, Listener, hostile_queries

pytestmark = [
    pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed (.ci/run installs it)"),
    pytest.mark.skipif(sandbox.filter_support() is not None, reason="the network filter exists on Linux only"),
]

INET_CONNECT = re.compile(r"\bconnect\(\d+, \{sa_family=AF_INET6?\b")
INET_SOCKET = re.compile(r"\bsocket\(AF_INET6?\b")


def traced(tmp_path, args: list[str], timeout: float) -> tuple[list[str], subprocess.CompletedProcess]:
    """Run `python ARGS` under strace; the network system calls it made (every process and thread)."""
    log = tmp_path / f"strace-{time.monotonic_ns()}.log"
    done = subprocess.run(["strace", "-f", "-e", "trace=network", "-o", str(log), sys.executable, *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    if "ptrace" in done.stderr and "Operation not permitted" in done.stderr:
        pytest.skip("strace cannot trace here: " + done.stderr.splitlines()[0])
    return log.read_text(encoding="utf-8", errors="replace").splitlines(), done


def inet_connects(lines: list[str]) -> list[str]:
    return [line for line in lines if INET_CONNECT.search(line)]


def inet_sockets_opened(lines: list[str]) -> list[str]:
    """socket() calls that returned a descriptor: not those refused (`= -1 E...`), nor those that never
    returned (`= ?`: the process was stopped at its deadline inside the call, between strace's stop and the
    filter's answer; seen once in five loaded runs)."""
    return [line for line in lines if INET_SOCKET.search(line) and not re.search(r"= (-1 E|\?$)", line)]


CONTROL = """
import pyoxigraph, sys
store = pyoxigraph.Store()
try:
    list(store.query(sys.argv[1]))
except OSError:
    pass
"""


def test_the_reported_bypass_makes_no_connection_under_strace(tmp_path):
    with Listener() as listener:
        query = (f"SELECT ?a WHERE {{ VALUES ?z {{ <http://e/('> }} SERVICE <http://127.0.0.1:{listener.port}/x> "
                 "{ ?a ?b ?c } VALUES ?y { <http://e/('> } }")
        lines, done = traced(tmp_path, ["-m", "claimkb", "sparql", query], timeout=120)
        control_lines, _ = traced(tmp_path, ["-c", CONTROL, query.replace("VALUES ?y { <http://e/('> }", "")],
                                  timeout=120)
        time.sleep(0.5)
        hits = list(listener.hits)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("Error: the query uses SERVICE")
    assert inet_connects(lines) == [] and inet_sockets_opened(lines) == []
    assert inet_connects(control_lines), "the harness saw no connect() from the engine itself"
    assert len(hits) == 1 and hits[0][1].startswith(b"POST /x")  # the control's, none from claimkb


@pytest.mark.slow
def test_no_hostile_query_reaches_the_network_under_strace(tmp_path):
    """All of tests/data/hostile-queries.json through `claimkb sparql`, then through the engine with the
    checker off (the network filter alone), then the control."""
    corpus = {name: family for name, family, _ in hostile_queries(0)}
    with Listener() as listener:
        runs = {}
        for mode in ("cli", "engine", "control"):
            before = len(listener.hits)
            out = tmp_path / f"{mode}.json"
            lines, done = traced(tmp_path, ["-m", "tests.hostile_run", mode, str(listener.port), str(out)],
                                 timeout=1800)
            assert done.returncode == 0, done.stderr[-2000:]
            time.sleep(0.5)
            runs[mode] = (lines, json.loads(out.read_text())["results"], len(listener.hits) - before)
    lines, results, hits = runs["cli"]
    assert set(results) == set(corpus)
    assert (inet_connects(lines), inet_sockets_opened(lines), hits) == ([], [], 0)
    for name, result in results.items():
        errors = [line for line in result["err"].splitlines() if line.startswith("Error: ")]
        if result["code"] == 0:
            assert errors == [] and "Traceback" not in result["err"], name
        else:
            assert result["code"] in (1, 2), (name, result)
            assert result["out"] == "" and len(errors) == 1 and result["err"].startswith("Error: "), (name, result)
    lines, results, hits = runs["engine"]
    assert (inet_connects(lines), inet_sockets_opened(lines), hits) == ([], [], 0)
    lines, results, hits = runs["control"]
    assert inet_connects(lines) and hits > 0  # without claimkb the same queries do connect
