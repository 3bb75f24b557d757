"""Hostile queries and documents: each is refused cleanly, nothing reaches the network, and no file
outside the knowledge base (and the input the user named) is opened. Runs under an audit hook."""

from __future__ import annotations

import json

import pytest

from claimkb import resources

from .audit import network, opens_outside, watch
from .helpers import snapshot

COLLECTOR = "http://127.0.0.1:9/collect"

HOSTILE_QUERIES = [
    f"SELECT * WHERE {{ SERVICE <{COLLECTOR}> {{ ?s ?p ?o }} }}",
    f"select * where {{ service <{COLLECTOR}> {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ SeRvIcE <{COLLECTOR}> {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ SERVICE SILENT <{COLLECTOR}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
    f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{COLLECTOR}> {{ ?s ?p ?o }} }} }}",
    f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{COLLECTOR}> {{ ?s ?p ?o }} }} }} }}",
    f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{COLLECTOR}> {{ ?s ?p ?o }} }} }}",
    f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{COLLECTOR}> {{ ?s ?p ?o }} }} }}",
    f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{COLLECTOR}> {{ ?s ?p ?o }} }} }}",
    f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{COLLECTOR}> {{ ?s ?p ?o }} }} }}",
    "PREFIX e: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE e:x { ?s ?p ?o } }",
    f"SELECT * WHERE {{\n  SERVICE\n  <{COLLECTOR}>\n  {{ ?s ?p ?o }}\n}}",
    f"SELECT * WHERE {{ SERVICE#comment\n<{COLLECTOR}> {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ \\u0053ERVICE <{COLLECTOR}> {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ SERVIC\\u0045 <{COLLECTOR}> {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ \\U00000053ERVICE <{COLLECTOR}> {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ ?s ?p ?o }} VALUES ?x {{ 1 }} # \nSERVICE <{COLLECTOR}> {{}}",
    f"ASK {{ SERVICE <{COLLECTOR}> {{ ?s ?p ?o }} }}",
    f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{COLLECTOR}> {{ ?s ?p ?o }} }}",
    f"DESCRIBE ?s WHERE {{ SERVICE <{COLLECTOR}> {{ ?s ?p ?o }} }}",
    f"SELECT * FROM <{COLLECTOR}> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    f"SELECT * FROM NAMED <{COLLECTOR}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "SELECT * FROM NAMED <file:///etc/hosts> WHERE { GRAPH ?g { ?s ?p ?o } }",
    f"select * from <{COLLECTOR}> where {{ ?s ?p ?o }}",
    f"SELECT * WHERE {{ {{ SELECT * FROM <{COLLECTOR}> WHERE {{ ?s ?p ?o }} }} }}",
    f"ASK FROM <{COLLECTOR}> {{ ?s ?p ?o }}",
    f"CONSTRUCT {{ ?s ?p ?o }} FROM <{COLLECTOR}> WHERE {{ ?s ?p ?o }}",
    f"LOAD <{COLLECTOR}>",
    "LOAD <file:///etc/passwd>",
    f"LOAD SILENT <{COLLECTOR}>",
    f"LOAD <{COLLECTOR}> INTO GRAPH <urn:g>",
    f"load silent <{COLLECTOR}> into graph <urn:g>",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "CLEAR SILENT DEFAULT",
    "DROP ALL",
    "DROP GRAPH <https://w3id.org/claimkb/id/graph/D01-seed>",
    "CREATE GRAPH <urn:g>",
    "ADD DEFAULT TO <urn:g>",
    "MOVE <urn:a> TO <urn:b>",
    "COPY DEFAULT TO <urn:g>",
    f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{COLLECTOR}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    "SELECT " + "(" * 5000 + "1" + ")" * 5000 + " AS ?x) WHERE {}",
    "SELECT * WHERE " + "{" * 5000 + "}" * 5000,
    "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 400 + "}" * 400 + "}",
    "SELECT * WHERE { " + "?s ?p ?o . " * 30000 + "}",
    "SELECT * WHERE { ?s ?p \"" + "x" * 250_000 + "\" }",
    "SELECT * WHERE { ?s ?p ?o",
    "SELECT * WHERE { ?s ?p }",
    "",
    "   ",
    "\x00SELECT * WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } LIMIT -1",
    "PREFIX : <file:///etc/> SELECT * WHERE { :passwd ?p ?o }",  # an IRI, not a fetch: allowed, no rows
    "BASE <file:///etc/> SELECT * WHERE { <passwd> ?p ?o }",  # likewise
]

# These two only name a file IRI as data; they are not refused, and must not open anything.
HARMLESS = {HOSTILE_QUERIES[-2], HOSTILE_QUERIES[-1]}


@pytest.fixture(scope="module")
def warm(cli_module):
    """Import every module the commands use before the audit hook is armed (module loading opens the
    package's own files; the hook is about data)."""
    import claimkb.ingest.build  # noqa: F401
    import claimkb.ingest.claimreview  # noqa: F401
    import claimkb.ingest.tables  # noqa: F401
    import claimkb.validate  # noqa: F401

    b"x".decode("utf-8-sig")  # the CSV reader's codec is loaded on first use

    cli_module("sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    cli_module("trace", "701650")
    cli_module("validate")
    return True


@pytest.fixture(scope="module")
def cli_module():
    import contextlib
    import io

    from claimkb.cli import main

    def run(*args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
        return code, out.getvalue(), err.getvalue()

    return run


def allowed_roots(*extra):
    return [resources.kb_dir(), resources.ontology_dir(), resources.queries_dir(), *extra]


def test_the_corpus_is_large_enough():
    assert len(HOSTILE_QUERIES) >= 60
    assert len(HOSTILE_DOCUMENTS) >= 40


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=lambda q: q[:60])
def test_hostile_query_is_refused_cleanly_without_network_or_files(warm, cli_module, query):
    with watch() as events:
        code, out, err = cli_module("sparql", query)
    assert network(events) == []
    assert opens_outside(events, allowed_roots()) == []
    if query in HARMLESS:
        assert code == 0
        return
    assert code in (1, 2), err
    assert out == ""
    assert err.startswith("Error: ")
    assert "Traceback" not in err


HOSTILE_PARAMS = [
    ("claims", "claim", f"http://x/> }} SERVICE <{COLLECTOR}> {{ ?s ?p ?o"),
    ("claims", "claim", f"{COLLECTOR}>"),
    ("claims", "claim", "file:///etc/passwd> . } LOAD <file:///etc/passwd"),
    ("claims", "claim", "claim:D01-c02\n} SERVICE"),
    ("comparisons", "relation", f'disagree" }} SERVICE <{COLLECTOR}> {{ ?s ?p ?o }} VALUES ?x {{ "'),
    ("comparisons", "relation", "\\u0022 } SERVICE <http://127.0.0.1:9/> { }"),
    ("claims-with-value", "value", f"1 }} SERVICE <{COLLECTOR}> {{"),
    ("relay-hops", "changed", f"true }} SERVICE <{COLLECTOR}> {{"),
]


@pytest.mark.parametrize(("query", "name", "value"), HOSTILE_PARAMS, ids=lambda v: str(v)[:40])
def test_a_query_hidden_in_a_parameter_is_data_or_refused_never_run(warm, cli_module, query, name, value):
    with watch() as events:
        code, out, err = cli_module("query", "run", query, "-p", f"{name}={value}", "--format", "json")
    assert network(events) == []
    assert opens_outside(events, allowed_roots()) == []
    if code == 0:  # bound as a literal: it is only a value that matches nothing
        assert json.loads(out) == []
    else:
        assert code == 2 and out == "" and err.startswith("Error: parameter ")


GOOD_YAML = (resources.kb_dir() / "sheets" / "D31-ukdi-sep.yaml").read_text(encoding="utf-8")
GOOD_CLAIMREVIEW = json.dumps({
    "@context": "https://schema.org", "@type": "ClaimReview", "url": "https://factcheck.example.org/x",
    "claimReviewed": "A claim", "reviewRating": {"@type": "Rating", "alternateName": "False"}})

HOSTILE_DOCUMENTS = [
    ("yaml-python-object", "s.yaml", "document: !!python/object/apply:os.system ['echo pwned']\n"),
    ("yaml-python-name", "s.yaml", "document: !!python/name:os.system\n"),
    ("yaml-billion-laughs", "s.yaml", "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                                      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                                      "document: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"),
    ("yaml-deep-nesting", "s.yaml", "document: " + "[" * 20000 + "]" * 20000 + "\n"),
    ("yaml-deep-mapping", "s.yaml", "document:\n" + "".join("  " * i + "k:\n" for i in range(1, 3000))),
    ("yaml-not-a-mapping", "s.yaml", "- just\n- a list\n"),
    ("yaml-nul", "s.yaml", "document: {id: \x00}\n"),
    ("yaml-invalid-utf8", "s.yaml", b"document: {id: \xff\xfe}\n"),
    ("yaml-huge", "s.yaml", "# " + "x" * 6_000_000 + "\n"),
    ("yaml-archive-traversal", "s.yaml", GOOD_YAML.replace(
        "research_id: D31-ukdi-sep", "research_id: D31-ukdi-sep\n  archive: ../../../etc/passwd")),
    ("yaml-archive-absolute", "s.yaml", GOOD_YAML.replace("research_id: D31-ukdi-sep",
                                                          "research_id: D31-ukdi-sep\n  archive: /etc/passwd")),
    ("yaml-archive-url", "s.yaml", GOOD_YAML.replace("research_id: D31-ukdi-sep",
                                                     f"research_id: D31-ukdi-sep\n  archive: {COLLECTOR}")),
    ("yaml-url-javascript", "s.yaml", GOOD_YAML.replace("url: https://unn.ua", "url: javascript:alert(1)//")),
    ("yaml-url-file", "s.yaml", GOOD_YAML.replace("url: https://unn.ua", "url: file:///etc/passwd#")),
    ("yaml-iri-injection", "s.yaml", GOOD_YAML.replace("id: D31-c1", "id: D31-c1> <urn:x> <urn:y")),
    ("yaml-id-traversal", "s.yaml", GOOD_YAML.replace("id: D31-ukdi-sep", "id: ../../escape", 1)),
    ("yaml-duplicate-key", "s.yaml", GOOD_YAML + "claims: []\n"),
    ("yaml-merge-bomb", "s.yaml", "base: &b {x: 1}\ndocument: {<<: *b, <<: *b}\n"),
    ("yaml-bad-date", "s.yaml", GOOD_YAML.replace("start: 2024-10-07", "start: 2024-13-45")),
    ("yaml-xml-entity", "s.yaml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'),
    ("csv-formula-and-traversal", "s.csv", "document,title,claim,archive\nX1,=HYPERLINK(\"http://127.0.0.1:9\"),X1-c1,"
                                           "../../../etc/passwd\n"),
    ("csv-unknown-column", "s.csv", "document,claim,exec\nX1,X1-c1,rm -rf /\n"),
    ("csv-nul", "s.csv", "document,claim\nX1\x00,X1-c1\n"),
    ("csv-invalid-utf8", "s.csv", b"document,claim\nX1,\xff\xfe\n"),
    ("csv-huge", "s.csv", "document,claim\n" + "X1,X1-c1\n" * 700_000),
    ("csv-ragged", "s.csv", "document,claim\nX1,X1-c1,extra,cells\n"),
    ("csv-no-rows", "s.csv", "document,claim\n"),
    ("csv-two-documents", "s.csv", "document,title,claim\nX1,a,X1-c1\nX2,b,X2-c1\n"),
    ("csv-quote-bomb", "s.csv", 'document,claim\n"' + '""' * 100000 + '",X1-c1\n'),
    ("json-remote-context", "r.json", GOOD_CLAIMREVIEW.replace('"https://schema.org"', f'"{COLLECTOR}"')),
    ("json-file-context", "r.json", GOOD_CLAIMREVIEW.replace('"https://schema.org"', '"file:///etc/passwd"')),
    ("json-context-object-import", "r.json", GOOD_CLAIMREVIEW.replace('"https://schema.org"',
                                                                      f'{{"@import": "{COLLECTOR}"}}')),
    ("json-context-list", "r.json", GOOD_CLAIMREVIEW.replace('"https://schema.org"',
                                                             f'["https://schema.org", "{COLLECTOR}"]')),
    ("json-deep-nesting", "r.json", "[" * 100000 + "]" * 100000),
    ("json-deep-objects", "r.json", '{"a":' * 5000 + "1" + "}" * 5000),
    ("json-not-json", "r.json", "<html>not json</html>"),
    ("json-xml-entity", "r.json", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "http://127.0.0.1:9/">]>'),
    ("json-huge", "r.json", '{"x": "' + "y" * 6_000_000 + '"}'),
    ("json-wrong-type", "r.json", GOOD_CLAIMREVIEW.replace('"ClaimReview"', '"Person"')),
    ("json-invalid-utf8", "r.json", b'{"@type": "\xff"}'),
    ("json-claimreview-no-rating", "r.json", json.dumps({"@context": "https://schema.org", "@type": "ClaimReview",
                                                         "url": "https://x.example/", "claimReviewed": "c"})),
    ("rdfxml-with-entities", "s.rdf", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                                      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&e;</rdf:RDF>'),
    ("trig-as-sheet", "s.trig", "@prefix ex: <http://example.org/> . ex:a ex:b ex:c ."),
    ("jsonld-remote-context", "s.jsonld", '{"@context": "http://127.0.0.1:9/ctx", "@id": "urn:x"}'),
]


@pytest.mark.parametrize(("name", "filename", "content"), HOSTILE_DOCUMENTS, ids=[d[0] for d in HOSTILE_DOCUMENTS])
def test_hostile_document_is_refused_without_network_or_stray_file_opens(warm, cli_module, kb_copy, tmp_path,
                                                                          name, filename, content):
    path = tmp_path / filename
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    before = snapshot(kb_copy)
    with watch() as events:
        code, out, err = cli_module("import", str(path), "--kb", str(kb_copy))
    assert network(events) == []
    assert opens_outside(events, allowed_roots(kb_copy, path)) == []
    assert code == 1, err
    assert out == ""
    assert err.startswith("Error: ") and "Traceback" not in err
    assert snapshot(kb_copy) == before


@pytest.mark.parametrize("content", [b"@prefix", b"\xff\xfe", b"<a> <b> <c> <d> <e> .", b"{" * 10000,
                                     b"@prefix x: <http://x/> . x:a x:b \"unterminated ."])
def test_a_malformed_kb_file_is_an_input_error_naming_the_file(cli, kb_copy, content):
    broken = kb_copy / "graphs" / "broken.trig"
    broken.write_bytes(content)
    run = cli("who", "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    assert run.err.startswith(f"Error: {broken}")
