"""Ad hoc queries end to end: the reported bypass, the sandbox's network filter, deadline, memory cap and
crash containment, and the remote path (only the canonical text is ever sent)."""

import json
import resource
import socket
import time

import pytest

import claimkb
from claimkb import adhoc, sandbox, sparqlcanon
from claimkb.errors import KbError
from claimkb.sandbox import SandboxError

from .helpers import FakeEndpoint, Listener

pytestmark = pytest.mark.skipif(sandbox.filter_support() is not None, reason="the sandbox's filter needs Linux")

REPRODUCER = ("SELECT ?a WHERE {{ VALUES ?z {{ <http://e/('> }} SERVICE <http://127.0.0.1:{port}/x> {{ ?a ?b ?c }} "
              "VALUES ?y {{ <http://e/('> }} }}")
CONCAT40 = ('SELECT ?x WHERE { BIND("aaaaaaaaaa" AS ?a0) '
            + " ".join(f"BIND(CONCAT(?a{i - 1},?a{i - 1}) AS ?a{i})" for i in range(1, 41))
            + " BIND(STRLEN(?a40) AS ?x) }")
CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"


@pytest.fixture
def listener():
    try:
        found = Listener(18998)  # the port of the report, when it is free
    except OSError:
        found = Listener()
    yield found
    found.close()


def test_the_reported_service_bypass_is_refused_and_nothing_connects(cli, listener):
    run = cli("sparql", REPRODUCER.format(port=listener.port))
    time.sleep(0.2)
    assert (run.code, run.out) == (2, "")
    assert run.err.splitlines()[0] == ("Error: the query uses SERVICE, which claimkb refuses: SERVICE would make the "
                                       "engine fetch data from another endpoint or a file")
    assert listener.hits == []


def test_a_service_spelled_with_escapes_stays_a_string_and_nothing_connects(cli, listener):
    query = (f'SELECT ?y WHERE {{ BIND("\\u0022" AS ?x) \\u0053ERVICE <http://127.0.0.1:{listener.port}/x> '
             '{ ?a ?b ?c } BIND("\\u0022" AS ?y) }')
    run = cli("sparql", query, "--format", "json")
    assert run.code == 0, run.err
    assert json.loads(run.out) == [{"y": f" AS ?x) SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?a ?b ?c }} BIND("}]
    assert listener.hits == []


def test_the_network_filter_stops_every_socket_but_unix_ones_in_the_child(listener):
    def work(send):
        outcomes = {}
        for name, family, kind, address in (("tcp4", socket.AF_INET, socket.SOCK_STREAM, ("127.0.0.1", listener.port)),
                                             ("tcp6", socket.AF_INET6, socket.SOCK_STREAM, ("::1", listener.port)),
                                             ("udp4", socket.AF_INET, socket.SOCK_DGRAM, ("127.0.0.1", listener.port))):
            try:
                with socket.socket(family, kind) as sock:
                    sock.settimeout(2)
                    sock.connect(address)
                    sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
                outcomes[name] = "connected"
            except OSError as exc:
                outcomes[name] = exc.errno
        left, right = socket.socketpair()  # AF_UNIX: the child's own pipes and sockets keep working
        left.sendall(b"x")
        outcomes["unix"] = right.recv(1).decode()
        send(outcomes)

    seen = []
    sandbox.run(work, seen.append, deadline=20, headroom=None)
    assert seen == [{"tcp4": 13, "tcp6": 13, "udp4": 13, "unix": "x"}]  # 13: EACCES
    assert listener.hits == []
    seen.clear()
    sandbox.run(work, seen.append, deadline=20, headroom=None, network_filter=False)  # the control
    assert seen[0]["tcp4"] == "connected"
    time.sleep(0.3)
    assert len(listener.hits) >= 1


def test_the_engine_itself_cannot_reach_the_network_in_the_child(kb, listener):
    """Defence in depth: the unchecked SERVICE query given straight to the engine inside the sandbox."""
    store = kb.local_store()
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?a ?b ?c }} }}"

    def work(send):
        try:
            send({"rows": len(list(store.query(query)))})
        except OSError as exc:
            send({"failed": str(exc)})

    seen = []
    sandbox.run(work, seen.append, deadline=20, headroom=1 << 30)
    assert "Permission denied" in seen[0]["failed"]
    time.sleep(0.3)
    assert listener.hits == []


def test_a_stack_overflow_in_the_engine_kills_only_the_child(kb):
    store = kb.local_store()
    deep = "SELECT * WHERE { BIND(" + "!" * 30000 + "true AS ?x) }"  # pyoxigraph accepts it and overflows

    with pytest.raises(SandboxError) as caught:
        sandbox.run(lambda send: send(len(list(store.query(deep)))), lambda line: None, deadline=20,
                    headroom=1 << 30)
    assert caught.value.kind == "crash"
    assert caught.value.message.startswith("the query crashed the engine (SIGSEGV")
    assert len(kb.sparql("SELECT * WHERE { ?s ?p ?o } LIMIT 3")) == 3  # and claimkb goes on


def test_a_query_past_the_deadline_ends_with_an_error_in_time(cli):
    started = time.monotonic()
    run = cli("sparql", CARTESIAN, "--timeout", "2")
    elapsed = time.monotonic() - started
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[0] == "Error: the query ran longer than 2 s and was stopped"
    assert elapsed < 2 + 8, elapsed


def test_a_query_over_the_memory_cap_ends_with_an_error_and_claimkb_is_unharmed(cli, monkeypatch):
    monkeypatch.setenv("CLAIMKB_QUERY_MEMORY", "256M")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    run = cli("sparql", CONCAT40, "--timeout", "30")
    elapsed = time.monotonic() - started
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[0].startswith(
        "Error: the query needed more memory than the cap (256 MiB above what claimkb had loaded) and was stopped")
    assert elapsed < 30
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 100_000  # the gigabytes were the child's
    assert cli("sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1").code == 0


def test_the_timeout_is_honoured_through_the_library_too(kb):
    with pytest.raises(KbError) as caught:
        kb.sparql(CARTESIAN, timeout=1)
    assert caught.value.message == "the query ran longer than 1 s and was stopped"


def test_rows_and_bytes_are_capped(kb):
    store = kb.local_store()
    with pytest.raises(KbError) as caught:
        adhoc.run_embedded(store, "SELECT * WHERE { ?s ?p ?o }", headroom=1 << 30, max_rows=10)
    assert caught.value.message == "the answer has more than 10 rows"
    with pytest.raises(SandboxError) as caught:
        adhoc.run_embedded(store, "SELECT * WHERE { ?s ?p ?o }", headroom=1 << 30, max_bytes=10_000)
    assert caught.value.kind == "output"


def test_answers_through_the_sandbox_equal_the_engines_own(kb):
    from claimkb.backends.local import evaluate

    query = ("PREFIX schema: <http://schema.org/> SELECT ?c ?t (LANG(?t) AS ?l) WHERE { ?c a schema:Claim ; "
             "schema:text ?t } ORDER BY ?c LIMIT 50")
    through = adhoc.run_embedded(kb.local_store(), query, headroom=1 << 30)
    assert through == evaluate(kb.local_store(), sparqlcanon.canonicalise(query).text)
    assert len(through.rows) == 50


def test_without_the_filter_ad_hoc_queries_are_refused_unless_the_user_opts_out(cli, monkeypatch):
    monkeypatch.setattr(sandbox, "filter_support", lambda: "seccomp exists on Linux only, not on testos")
    run = cli("sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines() == [
        "Error: the network filter for ad hoc queries cannot be installed here: seccomp exists on Linux only, "
        "not on testos",
        "Hint: set CLAIMKB_NETWORK_FILTER=off to run ad hoc queries without it (they are still checked, and "
        "limited in time and memory)"]
    monkeypatch.setenv("CLAIMKB_NETWORK_FILTER", "off")
    assert cli("sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1").code == 0


def test_a_filter_the_kernel_refuses_stops_the_query(cli, monkeypatch):
    def refused():
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(sandbox, "deny_network", refused)  # the forked child inherits the patch
    run = cli("sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[0] == ("Error: the network filter for ad hoc queries could not be installed: "
                                       "Operation not permitted")


@pytest.mark.parametrize(("name", "value", "line"), [
    ("CLAIMKB_QUERY_MEMORY", "lots", "Error: CLAIMKB_QUERY_MEMORY is 'lots'"),
    ("CLAIMKB_NETWORK_FILTER", "maybe", "Error: CLAIMKB_NETWORK_FILTER is 'maybe'"),
])
def test_bad_sandbox_settings_are_errors(cli, monkeypatch, name, value, line):
    monkeypatch.setenv(name, value)
    run = cli("sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert (run.code, run.out, run.err.splitlines()[0]) == (1, "", line)


# -- the remote path: only the canonical text is sent --------------------------------------------------


@pytest.fixture
def endpoint():
    fake = FakeEndpoint({"head": {"vars": ["y"]}, "results": {"bindings": []}})
    yield fake
    fake.close()


def test_the_reported_bypass_is_never_forwarded_to_an_endpoint(cli, endpoint, listener):
    run = cli("sparql", REPRODUCER.format(port=listener.port), "--endpoint", endpoint.url)
    assert (run.code, run.out) == (2, "")
    assert run.err.startswith("Error: the query uses SERVICE")
    assert endpoint.received == []


@pytest.mark.parametrize("query", [
    "SELECT ?a WHERE { VALUES ?z { <http://e/('> } { ?a ?b ?c } VALUES ?y { <http://e/('> } } LIMIT 1",
    'SELECT ?y WHERE { BIND("\\u0022" AS ?x) \\u0053ERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } BIND("\\u0022" AS ?y) }',
    "PREFIX ex: <http://e/> # a comment } SERVICE <http://127.0.0.1:9/> {\nSELECT * WHERE { ?s ex:p<http://e/x> }",
])
def test_an_endpoint_receives_only_the_canonical_text(cli, endpoint, query):
    run = cli("sparql", query, "--endpoint", endpoint.url, "--format", "json")
    assert run.code == 0, run.err
    assert endpoint.received == [sparqlcanon.canonicalise(query).text]


def test_the_remote_check_runs_under_the_deadline_too(endpoint):
    kb = claimkb.open(endpoint=endpoint.url)
    assert len(kb.sparql("SELECT * WHERE { ?s ?p ?o } LIMIT 1")) == 0
    assert endpoint.received == ["SELECT * WHERE { ?s ?p ?o . } LIMIT 1"]


@pytest.mark.slow  # builds a RocksDB store
def test_ad_hoc_queries_run_in_the_sandbox_on_the_read_only_disk_store_too(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMKB_STORE_MODE", "disk")
    monkeypatch.setenv("CLAIMKB_CACHE", str(tmp_path / "cache"))
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    on_disk = cli("sparql", query, "--format", "json")
    assert on_disk.code == 0, on_disk.err
    monkeypatch.setenv("CLAIMKB_STORE_MODE", "memory")
    assert cli("sparql", query, "--format", "json").out == on_disk.out
    monkeypatch.setenv("CLAIMKB_STORE_MODE", "disk")
    run = cli("sparql", CARTESIAN, "--timeout", "1")  # a child stopped at the deadline leaves the store usable
    assert run.err.startswith("Error: the query ran longer than 1 s")
    assert cli("sparql", query, "--format", "json").out == on_disk.out


def test_the_child_closes_the_sockets_it_inherited(listener):
    import os
    import stat

    with socket.create_connection(("127.0.0.1", listener.port)) as connection:
        seen = []
        sandbox.run(lambda send: send(sorted(fd for fd in map(int, os.listdir("/proc/self/fd"))
                                             if _is_socket(fd, stat))), seen.append, deadline=20, headroom=None)
        assert connection.fileno() >= 0
    assert seen == [[]]


def _is_socket(fd: int, stat) -> bool:
    import os

    try:
        return stat.S_ISSOCK(os.fstat(fd).st_mode)
    except OSError:
        return False


def test_a_remote_decimal_with_a_huge_exponent_is_refused_not_expanded(cli):
    fake = FakeEndpoint({"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {
        "type": "typed-literal", "value": "1e999999999", "datatype": "http://www.w3.org/2001/XMLSchema#decimal"}}]}})
    try:
        for fmt in ("table", "json"):  # a billion digits: a MemoryError in the table, 1 GB of JSON
            run = cli("sparql", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "--endpoint", fake.url, "--format", fmt)
            assert (run.code, run.out) == (1, "")
            assert run.err.splitlines() == [
                f"Error: {fake.url} answered the decimal '1e999999999', with an exponent beyond 100",
                "Hint: check the data on the server: no figure is that large"]
    finally:
        fake.close()


def test_a_remote_answer_has_the_embedded_row_cap():
    from claimkb.backends.remote import parse_results

    row = b'{"x": {"type": "uri", "value": "http://e/a"}}'
    body = b'{"head": {"vars": ["x"]}, "results": {"bindings": [' + b", ".join([row] * (adhoc.MAX_ROWS + 1)) + b"]}}"
    with pytest.raises(KbError) as caught:
        parse_results(body, "http://e/query")
    assert (caught.value.message, caught.value.hint) == ("http://e/query answered more than 500,000 rows",
                                                         "add a LIMIT")
    capped = body[: body.index(b", " + row + b"]}}")] + b"]}}"  # one row fewer: exactly the cap
    assert len(parse_results(capped, "http://e/query").rows) == adhoc.MAX_ROWS


def test_decoding_a_remote_answer_counts_against_the_deadline():
    from claimkb.backends.remote import parse_results

    body = b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": "http://e/a"}}]}}'
    with pytest.raises(KbError) as caught:
        parse_results(body, "http://e/query", deadline=time.monotonic() - 1)  # the read used up all the time
    assert caught.value.message == ("http://e/query did not answer in time (the answer was still being read at the "
                                    "deadline)")
    assert len(parse_results(body, "http://e/query", deadline=time.monotonic() + 3600).rows) == 1
