"""The comparison tables a server holds (tables/entries.py), damaged or hostile: every damaged entry is a
KbError that says to push again (never a traceback, never a wrong answer), push verifies and places them
so that a server answers as the embedded store does, and their export behaves as every export."""

from __future__ import annotations

import copy
import json

import pytest

import claimkb
from claimkb.results import Term

from .helpers import KB, Oxigraph, Unavailable

CLAIM = "https://w3id.org/claimkb/id/claim/D01-c02"
QUANTITY = "https://w3id.org/claimkb/id/quantity/ru-casualties-cumulative"
DAMAGED = "the comparison tables on the server are damaged"


@pytest.fixture(scope="module")
def disk():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLAIMKB_STORE_MODE", "disk")
        opened = claimkb.open(KB)
    assert opened.session.backend.tables is not None
    return opened


@pytest.fixture(scope="module")
def memory():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLAIMKB_STORE_MODE", "memory")
        return claimkb.open(KB)


@pytest.fixture
def oxigraph(tmp_path, monkeypatch):
    """An Oxigraph server on a new store, for a knowledge base pushed from memory."""
    try:
        server = Oxigraph(tmp_path / "store")
    except Unavailable as exc:
        pytest.skip(str(exc))
    monkeypatch.setenv("CLAIMKB_STORE_MODE", "memory")
    yield server
    server.stop()


def held(disk) -> dict[str, str]:
    from claimkb.tables.entries import entries

    return dict(entries(disk.session.backend.tables))


def served(disk, entries: dict[str, str], asked: list[int] | None = None):
    """The knowledge base as a server holding these entries would answer it (as tests/test_tables.py)."""
    from claimkb.api import KnowledgeBase
    from claimkb.session import Session
    from claimkb.tables.entries import EntryTables, key_iri

    def fetch(iris: list[str]) -> dict[str, str]:
        if asked is not None:
            asked.append(len(iris))
            assert sum(asked) < 20_000, "the reader asked the server for far more keys than the tables hold"
        return {iri: entries[iri] for iri in iris if iri in entries}

    backend = copy.copy(disk.session.backend)
    backend.tables = EntryTables(fetch, json.loads(entries[key_iri("meta")]))
    return KnowledgeBase(Session(backend, disk.session.catalogue), None, True)


def damaged(disk, key: tuple, text: str) -> claimkb.KnowledgeBase:
    from claimkb.tables.entries import key_iri

    entries = held(disk)
    entries[key_iri(*key)] = text
    return served(disk, entries)


# A figure whose value is not a decimal (decimal.InvalidOperation is an ArithmeticError, not a ValueError).
def test_a_figure_value_that_is_not_a_decimal_is_damage(disk):
    entries = held(disk)
    from claimkb.tables.entries import key_iri

    node = json.loads(entries[key_iri("node", CLAIM)])
    node["figure"][14] = "abc"
    entries[key_iri("node", CLAIM)] = json.dumps(node)
    with pytest.raises(claimkb.KbError, match=DAMAGED):
        served(disk, entries).trace("701650")


# A group's span beyond timedelta's range (OverflowError).
def test_a_group_span_out_of_range_is_damage(disk):
    with pytest.raises(claimkb.KbError, match=DAMAGED):
        damaged(disk, ("group", QUANTITY, "persons"), json.dumps(["cumulative", 7, 10**9, 24, 0])).trace("701650")


# A deeply nested entry (json.loads raises RecursionError): in any entry, and in the meta entry.
def test_a_deeply_nested_entry_is_damage(disk):
    with pytest.raises(claimkb.KbError, match=DAMAGED):
        damaged(disk, ("findings", 0), "[" * 100_000).disagreements()


def test_a_deeply_nested_meta_entry_is_not_a_traceback():
    from claimkb.tables.entries import key_iri, read_from

    def select(query: str) -> list[dict]:
        return [{"key": Term.iri(key_iri("meta")), "text": Term.literal("[" * 100_000)}]

    assert read_from(select) is None  # a meta entry claimkb cannot read: the server answers through the queries


# A stored `claims` row without the variables the query always binds (?text, ?document) would be a claim
# without a document to the views.
def test_a_claims_row_without_its_required_variables_is_damage(disk):
    with pytest.raises(claimkb.KbError, match=DAMAGED):
        damaged(disk, ("answer", "claims", "<" + CLAIM), json.dumps([{"claim": "<" + CLAIM}])).claim("D01-c02")


# Finding rows of the wrong types (kind 1, claim 1, ...) would be listed as findings.
def test_finding_rows_of_the_wrong_types_are_damage(disk):
    with pytest.raises(claimkb.KbError, match=DAMAGED):
        damaged(disk, ("findings", 0), json.dumps([[1] * 12])).disagreements()


# The meta entry counts the chunks of findings: a missing chunk, or a count lower than the chunks held (0,
# or negative), would drop findings silently.
def test_a_missing_chunk_of_findings_is_damage(disk, memory):
    from claimkb.tables.entries import key_iri

    entries = held(disk)
    del entries[key_iri("findings", 0)]
    with pytest.raises(claimkb.KbError, match=DAMAGED):
        served(disk, entries).disagreements()


@pytest.mark.parametrize("count", [0, -1])
def test_a_findings_count_lower_than_the_chunks_held_is_damage(disk, count):
    with pytest.raises(claimkb.KbError, match=DAMAGED):
        damaged(disk, ("meta",), json.dumps({"format": 1, "findings": count})).disagreements()


# A huge count in a tiny entry (the meta entry's, or a parted entry's) is found out after one batch of
# keys, not by asking for all of them.
@pytest.mark.parametrize("key, text", [(("meta",), json.dumps({"format": 1, "findings": 10**6})),
                                       (("findings", 0), json.dumps({"\u0000parts": 10**6}))])
def test_a_huge_count_is_refused_without_asking_for_every_key(disk, key, text):
    from claimkb.tables.entries import key_iri

    entries = held(disk)
    entries[key_iri(*key)] = text
    asked: list[int] = []
    with pytest.raises(claimkb.KbError, match=DAMAGED):
        served(disk, entries, asked).disagreements()


# Two literals for one key (a server loaded twice with its bulk loader without clearing the tables graph)
# would make the answer depend on which row comes last.
def test_two_entries_for_one_key_are_damage(disk):
    from claimkb.tables.entries import key_iri, read_from

    entries = held(disk)
    one = key_iri("answer", "claims", "<" + CLAIM)
    rows = json.loads(entries[one])
    rows[0]["text"] = '"Russia has suffered 5 casualties.'
    second = {one: json.dumps(rows)}

    def select(query: str) -> list[dict]:
        out = []
        for iri in entries:
            if f"<{iri}>" in query:
                out.append({"key": Term.iri(iri), "text": Term.literal(entries[iri])})
                if iri in second:
                    out.append({"key": Term.iri(iri), "text": Term.literal(second[iri])})
        return out

    tables = read_from(select)
    backend = copy.copy(disk.session.backend)
    backend.tables = tables
    from claimkb.api import KnowledgeBase
    from claimkb.session import Session

    remote = KnowledgeBase(Session(backend, disk.session.catalogue), None, True)
    with pytest.raises(claimkb.KbError, match=DAMAGED):
        remote.claim("D01-c02")


# A claim id that cannot be an IRI: a server with tables says so as the store does (not "no claim").
@pytest.mark.parametrize("text", ["a>b", "D01 c02"])
def test_a_claim_id_that_is_not_an_iri_is_answered_as_the_store_does(disk, memory, text):
    with pytest.raises(claimkb.KbError) as want:
        memory.claim(text)
    with pytest.raises(claimkb.KbError) as got:
        served(disk, held(disk)).claim(text)
    assert (got.value.message, got.value.hint) == (want.value.message, want.value.hint)


# Invalid UTF-8 on the command line (a surrogate in the id) is no sign of damaged tables.
def test_a_surrogate_in_a_claim_id_is_not_reported_as_damaged_tables(disk):
    with pytest.raises(claimkb.KbError) as got:
        served(disk, held(disk)).claim("D01-c02\udcff")
    assert DAMAGED not in got.value.message


# push sends the tables graph and reads it back a batch of entries at a time: an answer is capped at
# adhoc.MAX_BYTES (64 MiB) of values, which the whole graph passes at about 25,000 claims (8.2 M
# characters of entries per 3,000 synthetic claims), and a million claims' entries are 3.6 GB. Shown with
# the cap lowered below the bundled tables' size (about 0.4 M characters) and above its largest graph, and
# with batches of 7 entries.
@pytest.mark.parametrize("cap, per_request", [(300_000, 1000), (64 << 20, 7)])
def test_push_sends_and_verifies_tables_larger_than_one_request(monkeypatch, oxigraph, cap, per_request):
    import claimkb.adhoc
    import claimkb.push

    monkeypatch.setattr(claimkb.adhoc, "MAX_BYTES", cap)
    monkeypatch.setattr(claimkb.push, "READ_BACK", per_request)
    pushed = claimkb.open(KB).push(oxigraph.endpoint)
    assert pushed.tables > 7 and all(row["verified"] == "yes" for row in pushed.records)
    remote = claimkb.open(endpoint=oxigraph.endpoint)
    assert remote.session.backend.tables is not None
    monkeypatch.setenv("CLAIMKB_STORE_MODE", "disk")
    here = claimkb.open(KB)
    assert remote.trace("701650") == here.trace("701650")
    assert remote.disagreements() == here.disagreements()


# A push that fails its default-graph check leaves no tables on the server: they are written last, so the
# commands cannot answer some questions from tables and others as if the knowledge base were empty.
def test_a_push_that_fails_leaves_no_tables_answering(monkeypatch, tmp_path):
    try:
        server = Oxigraph(tmp_path / "store", union_default_graph=False)
    except Unavailable as exc:
        pytest.skip(str(exc))
    try:
        monkeypatch.setenv("CLAIMKB_STORE_MODE", "memory")
        with pytest.raises(claimkb.KbError, match="default graph"):
            claimkb.open(KB).push(server.endpoint)
        assert claimkb.open(endpoint=server.endpoint).session.backend.tables is None
    finally:
        server.stop()


# KnowledgeBase.export_tables on an endpoint is a UsageError (a server's entries are exported with its tools).
def test_export_tables_of_an_endpoint_is_a_usage_error(oxigraph):
    import io

    claimkb.open(KB).push(oxigraph.endpoint)
    with pytest.raises(claimkb.UsageError):
        claimkb.open(endpoint=oxigraph.endpoint).export_tables(io.BytesIO())


# A graph the knowledge base no longer has, left on the server: the tables (which describe the knowledge
# base without it) are not pushed, so every command answers through the queries, which see it.
def test_a_stale_graph_left_on_the_server_is_answered_alike_by_every_command(oxigraph, kb_copy):
    server = oxigraph
    claimkb.open(kb_copy).push(server.endpoint)
    (kb_copy / "graphs" / "D31-ukdi-sep.trig").unlink()
    for sheet in (kb_copy / "sheets").glob("D31*"):
        sheet.unlink()
    pushed = claimkb.open(kb_copy).push(server.endpoint)
    assert pushed.stale == ["https://w3id.org/claimkb/id/graph/D31-ukdi-sep"]
    assert pushed.tables == 0
    remote = claimkb.open(endpoint=server.endpoint)
    listed = any(row["claim"].value.endswith("/D31-c1") for row in remote.session.run("claim-texts").rows)
    assert listed
    remote.claim("D31-c1")  # listed by the server, so found by it (or else neither)


# `claimkb export --tables` into a pipe closed early (`| head`) ends as done (0), as every export does: click
# would turn EPIPE into exit 1 inside the command (cli/output.py reader_left).
def test_export_tables_into_a_closed_pipe_exits_as_export_does(tmp_path):
    import os
    import subprocess
    import sys

    codes = {}
    for args in (["export", "--format", "nquads"], ["export", "--tables"]):
        read, write = os.pipe()
        os.close(read)
        try:
            run = subprocess.run([sys.executable, "-m", "claimkb", *args], stdout=write, stderr=subprocess.PIPE,
                                 env={**os.environ, "CLAIMKB_STORE_MODE": "memory"}, timeout=300)
        finally:
            os.close(write)
        codes[args[-1]] = run.returncode
    assert codes["--tables"] == codes["nquads"] == 0


def test_export_tables_with_the_ontology_is_refused(cli):
    run = cli("export", "--tables", "--with-ontology")
    assert run.code == 2 and run.out == ""
    assert "--with-ontology exports the knowledge base, --tables its comparison tables" in run.err


def test_an_exported_file_has_the_mode_of_the_file_it_replaces_or_the_umask(tmp_path):
    import os

    from claimkb.kbfiles import write_atomic, write_atomic_stream

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.trig", b"x")
        write_atomic_stream(tmp_path / "new.nq", lambda out: out.write(b"x"))
        kept = tmp_path / "kept.trig"
        kept.write_bytes(b"old")
        kept.chmod(0o640)
        write_atomic(kept, b"new")
    finally:
        os.umask(old)
    assert (tmp_path / "new.trig").stat().st_mode & 0o777 == 0o644  # readable by a server's loader (ld_dir)
    assert (tmp_path / "new.nq").stat().st_mode & 0o777 == 0o644
    assert kept.stat().st_mode & 0o777 == 0o640


# Every list read in chunks has an entry counting them: a missing chunk of one quantity's findings, or of
# the figures by first claim, is damage too, as is a chunk beyond the count.
@pytest.mark.parametrize("list_key", [("findings-of", "https://w3id.org/claimkb/id/quantity/ru-casualties-daily-mean-month"),
                                      ("first", QUANTITY, "persons")])
@pytest.mark.parametrize("change", ["drop the first chunk", "drop the count", "count one more", "count one less"])
def test_a_chunked_list_that_does_not_match_its_count_is_damage(disk, memory, list_key, change):
    from claimkb.tables.entries import CHUNKS, key_iri

    entries = held(disk)
    count_key = key_iri(*list_key, CHUNKS)
    count = json.loads(entries[count_key])
    if change == "drop the first chunk":
        del entries[key_iri(*list_key, 0)]
    elif change == "drop the count":
        del entries[count_key]
    elif change == "count one more":
        entries[count_key] = json.dumps(count + 1)
    else:
        entries[count_key] = json.dumps(count - 1)
        if count == 1:  # a count of 0 is refused as such; show the chunk beyond the count with one more
            entries[key_iri(*list_key, 1)] = entries[key_iri(*list_key, 0)]
            entries[count_key] = json.dumps(1)
    remote = served(disk, entries)
    with pytest.raises(claimkb.KbError, match=DAMAGED):
        if list_key[0] == "findings-of":
            remote.disagreements(list_key[1])
        else:
            remote.trace("701650")


# A push whose tables graph does not read back as sent leaves no tables answering either.
def test_a_push_whose_tables_do_not_verify_leaves_none(monkeypatch, oxigraph):
    server = oxigraph
    from claimkb.backends.remote import RemoteBackend

    posting = RemoteBackend.post_graph  # a server that loses the first triple of every batch of entries
    monkeypatch.setattr(RemoteBackend, "post_graph",
                        lambda self, graph, data: posting(self, graph, data.split(b"\n", 1)[1]))
    with pytest.raises(claimkb.KbError, match="other content than was sent in 1 graph"):
        claimkb.open(KB).push(server.endpoint)
    assert claimkb.open(endpoint=server.endpoint).session.backend.tables is None
