"""Ad hoc SPARQL a user typed: the one path for untrusted query text.

1. `sparqlcanon.prescan` refuses, at once, a query too long or too deep to be worth parsing.
2. In a forked child (`sandbox.run`: a deadline, a memory cap, and on the embedded store no network),
   `sparqlcanon.canonicalise` parses the query with a real SPARQL parser, refuses SERVICE, FROM, FROM
   NAMED, LOAD, updates and anything it has no writer for, and writes the query back in canonical form.
3. Only that canonical text is executed: by the embedded store inside the same child, with the rows
   streamed back as JSON lines (at most MAX_ROWS rows, MAX_BYTES bytes), or sent to a remote endpoint
   (the check runs in a child, the request from claimkb, under the endpoint's own timeout).

The catalogue's own queries (`queries/*.rq`) are trusted and run in-process through `session.py`.

Settings: `--timeout` / `timeout=` (default 30 s, parse included); `CLAIMKB_QUERY_MEMORY` (default 1G: the
child may use that much address space above what claimkb had at the fork); `CLAIMKB_NETWORK_FILTER=off`
runs embedded queries without the seccomp filter where it cannot be installed (the check still refuses
SERVICE: the canonical text never contains one).
"""

from __future__ import annotations

import os
from typing import Any

from . import sandbox, sparqlcanon
from .backends.base import Backend
from .errors import InputError, KbError
from .results import ResultTable, Term

DEFAULT_TIMEOUT = 30.0
DEFAULT_HEADROOM = "1G"
MAX_ROWS = 500_000
MAX_BYTES = 64 << 20  # of JSON lines; the parent holds the rows it reads, at about four times this size


def run_untrusted(backend: Backend, text: str, *, timeout: float | None = None) -> ResultTable:
    """Check a query a user typed and run only what the check wrote; see the module docstring."""
    deadline = DEFAULT_TIMEOUT if timeout is None else float(timeout)
    sparqlcanon.prescan(text)
    sparqlcanon.load_parser()  # once per process, before any fork: each child then starts with it
    headroom, network_filter = settings()
    from .backends.local import LocalBackend

    if isinstance(backend, LocalBackend):
        return run_embedded(backend.store, text, deadline=deadline, headroom=headroom,
                            network_filter=network_filter)
    return backend.select(check(text, deadline=deadline, headroom=headroom))


def settings() -> tuple[int, bool]:
    """(memory headroom in bytes, whether the network filter is required), from the environment."""
    raw = os.environ.get("CLAIMKB_QUERY_MEMORY", DEFAULT_HEADROOM)
    try:
        headroom = sandbox.parse_size(raw)
    except ValueError:
        raise KbError(f"CLAIMKB_QUERY_MEMORY is {raw!r}", hint="set it to a size like 1G or 512M") from None
    mode = os.environ.get("CLAIMKB_NETWORK_FILTER", "on").strip().lower()
    if mode not in ("on", "off"):
        raise KbError(f"CLAIMKB_NETWORK_FILTER is {mode!r}", hint="set it to on (the default) or off")
    return headroom, mode == "on"


def check(text: str, *, deadline: float = DEFAULT_TIMEOUT, headroom: int | None = None) -> str:
    """The canonical text of a query, computed in a child under the deadline and the memory cap (the
    parser can be slow or deep on hostile input; no engine runs there, so no network filter is needed)."""
    found: list[str] = []

    def work(send) -> None:
        send({"canonical": sparqlcanon.canonicalise(text).text})

    sandbox.run(work, lambda line: found.append(line["canonical"]), deadline=deadline,
                headroom=headroom, network_filter=False, max_bytes=MAX_BYTES)
    return found[0]


def run_embedded(store: Any, text: str, *, deadline: float = DEFAULT_TIMEOUT, headroom: int | None = None,
                 network_filter: bool = True, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES) -> ResultTable:
    """Check, canonicalise and run a query on the embedded store, all in one sandboxed child."""
    table = ResultTable([])
    head: list[list[str]] = []

    def work(send) -> None:
        import pyoxigraph as ox

        from .backends.local import to_term

        canonical = sparqlcanon.canonicalise(text).text
        try:
            solutions = store.query(canonical, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise InputError(f"the query does not parse: {exc}", hint="check it against SPARQL 1.1") from None
        except (OSError, ValueError, RuntimeError) as exc:
            raise KbError(f"the query failed: {exc}", hint="check the query against SPARQL 1.1") from None
        if not isinstance(solutions, ox.QuerySolutions):
            raise InputError("only SELECT queries are supported here")
        variables = [v.value for v in solutions.variables]
        send({"vars": variables})
        count = 0
        try:  # evaluation is lazy: errors surface while the solutions are read
            for solution in solutions:
                count += 1
                if count > max_rows:
                    raise KbError(f"the answer has more than {max_rows:,} rows", hint="add a LIMIT")
                send([to_term(solution[name]) for name in variables])
        except (OSError, ValueError, RuntimeError, SyntaxError) as exc:
            raise KbError(f"the query failed: {exc}", hint="check the query against SPARQL 1.1") from None

    def take(line: Any) -> None:
        if isinstance(line, dict):
            head.append(line["vars"])
            table.variables = line["vars"]
            return
        cells = zip(table.variables, line, strict=True)
        table.rows.append({name: Term(*cell) for name, cell in cells if cell is not None})

    sandbox.run(work, take, deadline=deadline, headroom=headroom, network_filter=network_filter,
                max_bytes=max_bytes)
    if not head:
        raise KbError("the query process ended without an answer")
    return table
