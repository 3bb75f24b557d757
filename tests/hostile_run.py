"""Run the hostile query corpus in one process, to be traced with `strace -f -e trace=network`
(test_netproof.py). Not a test module: pytest does not collect it.

    python -m tests.hostile_run MODE PORT OUT.json [ID ...]

MODE:
  cli      each query through `claimkb sparql QUERY --timeout 5` (in-process, the CLI's own code path)
  engine   each query given unchecked to the embedded engine inside the sandbox (the network filter alone)
  control  the SERVICE queries given unchecked to the engine, no sandbox (the harness must see connects)
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time


def main(argv: list[str]) -> int:
    mode, port, out = argv[0], int(argv[1]), argv[2]
    only = set(argv[3:])
    import claimkb
    from claimkb import sandbox
    from claimkb.cli import main as cli

    from .helpers import hostile_queries

    corpus = [(i, f, q) for i, f, q in hostile_queries(port) if not only or i in only]
    store = claimkb.open().local_store()
    results = {}
    for name, family, query in corpus:
        if mode == "control" and family != "service":
            continue
        started = time.monotonic()
        if mode == "cli":
            stdout, stderr = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                code = cli(["sparql", query, "--timeout", "5", "--format", "jsonl"])
            result = {"code": code, "out": stdout.getvalue()[:300], "err": stderr.getvalue()[:600]}
        elif mode == "engine":
            def work(send, query=query):
                try:
                    send({"rows": count(store.query(query, use_default_graph_as_union=True))})
                except (OSError, SyntaxError, ValueError, RuntimeError) as exc:
                    send({"failed": f"{type(exc).__name__}: {str(exc)[:200]}"})

            seen: list = []
            try:
                sandbox.run(work, seen.append, deadline=3, headroom=1 << 30)
                result = seen[0] if seen else {"failed": "no answer"}
            except claimkb.KbError as exc:
                result = {"stopped": getattr(exc, "kind", "error"), "message": exc.message}
        else:
            try:
                result = {"rows": count(store.query(query))}
            except (OSError, SyntaxError, ValueError, RuntimeError) as exc:
                result = {"failed": f"{type(exc).__name__}: {str(exc)[:200]}"}
        result["family"] = family
        result["seconds"] = round(time.monotonic() - started, 3)
        results[name] = result
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"mode": mode, "results": results}, handle, indent=1)
    return 0


def count(answer) -> int:
    """Rows or triples of an engine's answer (an ASK answers one boolean)."""
    import pyoxigraph

    return int(bool(answer)) if isinstance(answer, pyoxigraph.QueryBoolean) else sum(1 for _ in answer)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
