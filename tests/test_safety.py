"""The checker for ad hoc queries (sparqlcanon), in-process: what it refuses, and that what it accepts is
rewritten into a canonical text with no way out of the store. The sandbox and the network proof are in
test_adhoc.py and test_netproof.py."""

import re
import time

import pytest

from claimkb import sparqlcanon
from claimkb.errors import InputError, KbError, UsageError

from .helpers import hostile_queries

FORBIDDEN_WORDS = {"SERVICE", "FROM", "NAMED", "LOAD", "INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD",
                   "MOVE", "COPY", "WITH", "USING", "DATA", "INTO"}


def bare_words(canonical: str) -> set[str]:
    """The keywords of a canonical text: what is left once its strings and IRIs are taken out (the writer
    writes strings only as "..." with backslash escapes, and IRIs only as <...>)."""
    without = re.sub(r'"(?:[^"\\]|\\.)*"|<[^<>"{}|^`\\\x00-\x20]*>', " ", canonical)
    return {w.upper() for w in re.findall(r"(?<![?$_\w:])[A-Za-z_]+(?![\w:])", without)}


def canonical(query: str) -> str:
    return sparqlcanon.canonicalise(query).text


REFUSED = [
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "the query uses SERVICE"),
    ("select * where { service silent <file:///etc/passwd> { ?s ?p ?o } }", "the query uses SERVICE"),
    ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", "the query uses FROM"),
    ("SELECT * FROM NAMED <file:///etc/hosts> WHERE { GRAPH ?g { ?s ?p ?o } }", "the query uses FROM"),
    ("SELECT * \\u0046ROM <http://example.org/g> WHERE { ?s ?p ?o }", "the query uses FROM"),
    ("LOAD <http://example.org/data.ttl>", "the query uses LOAD"),
    ("LOAD SILENT <file:///etc/passwd> INTO GRAPH <urn:x>", "the query uses LOAD"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "the query is an update (INSERT DATA)"),
    ("DELETE WHERE { ?s ?p ?o }", "the query is an update (DELETE WHERE)"),
    ("DROP ALL", "the query is an update (DROP)"),
    ("SELECT * WHERE { ?s ?p ?o . \\u0053ERVICE <http://x/> { ?a ?b ?c } }", "the query uses SERVICE"),
    ("SELECT * WHERE { ?s ?p ?o . SERVIC\\u0045 <http://x/> { ?a ?b ?c } }", "the query uses SERVICE"),
    ("PREFIX ex: <http://example.org/>\nSELECT * WHERE {\n  SERVICE ex:endpoint { ?s ?p ?o } }",
     "the query uses SERVICE"),
    ("PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICE:x { ?s ?p ?o } }", "the query uses SERVICE"),
    # the comment hides the closing brace: not a query (a regex lexer once took the SERVICE for a string)
    ("SELECT * WHERE { ?a ?b ?c FILTER(?a<2&&'x>'=\"x>\") SERVICE <http://127.0.0.1:9/pwned> { ?s ?p ?o } #' }",
     "the query does not parse"),
    ("SELECT * WHERE { ?a ?b ?c FILTER(?a<2&&'x>'=\"x>\") SERVICE <http://127.0.0.1:9/pwned> { ?s ?p ?o } } #'",
     "the query uses SERVICE"),
    ("SELECT ?a WHERE { VALUES ?z { <http://e/('> } SERVICE <http://127.0.0.1:18998/x> { ?a ?b ?c } "
     "VALUES ?y { <http://e/('> } }", "the query uses SERVICE"),
    ("PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:p<http://e/x>SERVICE<http://127.0.0.1:9/g>{?a ?b ?c} }",
     "the query uses SERVICE"),
    ('SELECT * WHERE { BIND("\\u0022" AS ?x) SERVICE <http://127.0.0.1:9/hidden> { ?a ?b ?c } BIND("\\u0022" AS ?y) }',
     "the query uses SERVICE"),
    ("ASK { ?s ?p ?o }", "only SELECT queries are supported here"),
    ("SELECT * WHERE { BIND(\"\\ud800\" AS ?x) }", "the query contains a lone surrogate"),
    ("SELECT * WHERE { BIND(\"\ud800\" AS ?x) }", "the query contains a lone surrogate"),
    ("SELECT * WHERE { ?s ?p }", "the query does not parse at line 1, column 18 ('?s ?p }')"),
]


@pytest.mark.parametrize(("query", "message"), REFUSED, ids=[q[:50] for q, _ in REFUSED])
def test_network_file_update_and_malformed_queries_are_refused_with_a_reason(query, message):
    with pytest.raises(KbError) as caught:
        canonical(query)
    assert caught.value.message.startswith(message)


ALLOWED = [
    ("SELECT ?service WHERE { ?service <urn:p> 'SERVICE' }", 'SELECT ?service WHERE { ?service <urn:p> "SERVICE" . }'),
    ("PREFIX ex: <urn:ex:> SELECT * WHERE { ?s ex:service ?o }", "SELECT * WHERE { ?s <urn:ex:service> ?o . }"),
    ("SELECT * WHERE { ?s ?p ?o } # SERVICE in a comment", "SELECT * WHERE { ?s ?p ?o . }"),
    ("SELECT * WHERE { ?s <urn:p> \"\"\"LOAD <http://x> FROM <y>\"\"\" }",
     'SELECT * WHERE { ?s <urn:p> "LOAD <http://x> FROM <y>" . }'),
    ("SELECT * WHERE { ?s <http://example.org/service#from> ?o }",
     "SELECT * WHERE { ?s <http://example.org/service#from> ?o . }"),
    ("PREFIX from: <urn:from:> SELECT * WHERE { ?s from:load ?o }", "SELECT * WHERE { ?s <urn:from:load> ?o . }"),
    ("SELECT ?a WHERE { VALUES ?z { <http://e/('> } { ?a ?b ?c } VALUES ?y { <http://e/('> } }",
     "SELECT ?a WHERE { VALUES ?z { <http://e/('> } { ?a ?b ?c . } VALUES ?y { <http://e/('> } }"),
    # rdflib expands \u over the whole text: this SERVICE is inside one string to it, and stays a string in
    # the canonical text (pyoxigraph, which expands \u only in strings and IRIs, never sees the original)
    ('SELECT * WHERE { BIND("\\u0022" AS ?x) \\u0053ERVICE <http://127.0.0.1:9/hidden> { ?a ?b ?c } '
     'BIND("\\u0022" AS ?y) }',
     'SELECT * WHERE { BIND(" AS ?x) SERVICE <http://127.0.0.1:9/hidden> { ?a ?b ?c } BIND(" AS ?y) }'),
    ("\ufeffSELECT * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o . }"),
    ("SELECT * WHERE { ?s ?p ?o FILTER(!(?o > 1) || ?o = 'a\\tb') }",
     'SELECT * WHERE { ?s ?p ?o . FILTER(((!((?o > "1"^^<http://www.w3.org/2001/XMLSchema#integer>))) || '
     '(?o = "a\\tb"))) }'),
]


@pytest.mark.parametrize(("query", "expected"), ALLOWED, ids=[q[:50] for q, _ in ALLOWED])
def test_accepted_queries_are_rewritten_into_one_canonical_text(query, expected):
    text = canonical(query)
    assert text == expected
    assert canonical(text) == text  # a fixpoint: the engine runs exactly what a second check would see
    assert not bare_words(text) & FORBIDDEN_WORDS


def test_the_hostile_corpus_is_large_and_varied():
    corpus = hostile_queries(18998)
    assert len(corpus) >= 150
    families = {family for _, family, _ in corpus}
    assert {"service", "lexer", "comment", "dataset", "update", "deep", "heavy", "function", "form"} <= families
    texts = "\n".join(q for _, _, q in corpus)
    for needle in ("<http://e/('>", "<http://e/'>", "<http://e/#>", "<http://e/a,b>", "<http://e/a;b>",
                   "\\u0053ERVICE", "ex:p<http://e/x>", "#} SERVICE"):
        assert needle in texts, needle


def test_every_hostile_query_is_refused_or_rewritten_without_a_way_out():
    """The fast half of the network proof: every query of the corpus through the checker alone. A query
    that passes has a canonical text with no SERVICE, FROM, LOAD or update keyword (strings and IRIs
    aside), and that text is a fixpoint."""
    outcomes = {"refused": 0, "invalid": 0, "rewritten": 0}
    for name, family, query in hostile_queries(18998):
        try:
            text = canonical(query)
        except UsageError:
            outcomes["refused"] += 1
            continue
        except InputError:
            outcomes["invalid"] += 1
            continue
        outcomes["rewritten"] += 1
        # every query that names SERVICE, FROM, LOAD or an update, however spelled, is refused or invalid
        assert family not in ("service", "lexer", "comment", "dataset", "update", "form"), name
        assert not bare_words(text) & FORBIDDEN_WORDS, name
        assert canonical(text) == text, name
    assert outcomes["rewritten"] >= 10 and outcomes["refused"] >= 150, outcomes


DEEP = {
    "10,000 !": "SELECT * WHERE { BIND(" + "!" * 10000 + "true AS ?x) }",
    "10,000 ||": "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(["?o = 1"] * 10000) + ") }",
    "10,000 +": "SELECT * WHERE { BIND(" + " + ".join(["1"] * 10000) + " AS ?x) }",
    "3,000 OPTIONALs": "SELECT * WHERE { ?s ?p ?o " + " ".join(f"OPTIONAL {{ ?s ?p ?o{i} }}" for i in range(3000))
                       + " }",
    "5,000-step path": "SELECT * WHERE { ?s " + "/".join(["<http://e/p>"] * 5000) + " ?o }",
    "5,000 nested groups": "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000,
    "50,001 characters": "SELECT * WHERE { ?s ?p \"" + "x" * 50_001 + "\" }",
}


@pytest.mark.parametrize("name", DEEP)
def test_deep_and_long_queries_are_refused_before_any_parser_runs(name):
    started = time.monotonic()
    with pytest.raises(sparqlcanon.Refused):
        sparqlcanon.prescan(DEEP[name])
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(["?o"] * 250) + ") }",
    "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 250) + " }",
    "SELECT * WHERE { ?s " + "/".join(["<http://e/p>"] * 250) + " ?o }",
    "SELECT * WHERE { " + " . ".join(f"?s ?p ?o{i}" for i in range(250)) + " }",
])
def test_chains_below_the_prescan_limit_are_measured_on_the_tree(query):
    with pytest.raises(sparqlcanon.Refused) as caught:
        canonical(query)
    assert caught.value.message.startswith("the query nests operators more than 200")


def test_rdf_relative_iris_resolve_as_rfc_3986_says():
    base = "http://a/b/c/d;p?q"
    examples = {"g": "http://a/b/c/g", "./g": "http://a/b/c/g", "g/": "http://a/b/c/g/", "/g": "http://a/g",
                "//g": "http://g", "?y": "http://a/b/c/d;p?y", "#s": "http://a/b/c/d;p?q#s", "": "http://a/b/c/d;p?q",
                "..": "http://a/b/", "../..": "http://a/", "../../../g": "http://a/g", "g;x=1/../y": "http://a/b/c/y"}
    for ref, expected in examples.items():
        assert sparqlcanon.resolve_iri(base, ref) == expected, ref


def catalogue_cases():
    from claimkb import resources
    from claimkb.catalogue import Catalogue

    catalogue = Catalogue(resources.queries_dir())
    return catalogue, [q.name for q in catalogue.all() + catalogue.checks()]


def same_answers(store, name: str) -> None:
    """A catalogue query (its example parameters bound) and its canonical text give the same table."""
    from claimkb.backends.local import evaluate
    from claimkb.catalogue import bind, coerce

    catalogue, _ = catalogue_cases()
    query = catalogue.get(name)
    text = bind(query, {k: coerce(query.param(k), v) for k, v in query.example.items()})
    rewritten = sparqlcanon.canonicalise(text)
    assert sparqlcanon.canonicalise(rewritten.text).text == rewritten.text
    assert rewritten.depth <= 60  # the deepest catalogue query (relay-hops) is 48: far below MAX_DEPTH
    original, canonical_answer = evaluate(store, text), evaluate(store, rewritten.text)
    assert original.variables == canonical_answer.variables
    if "ORDER BY" in text:
        assert original.rows == canonical_answer.rows, name
    else:
        assert sorted(map(repr, original.rows)) == sorted(map(repr, canonical_answer.rows)), name


@pytest.mark.parametrize("name", ["agents", "claims-with-value", "sources", "graph-sizes", "checks/relay-cycle"])
def test_catalogue_queries_give_the_same_answers_once_rewritten(kb, name):
    same_answers(kb.local_store(), name)


@pytest.mark.slow
def test_every_catalogue_query_gives_the_same_answers_once_rewritten_on_two_stores(kb):
    """All of queries/ on the bundled store and on one missing every seventh quad (there, five of the checks
    in queries/checks/ return rows)."""
    import pyoxigraph as ox

    store = kb.local_store()
    thinned = ox.Store()
    thinned.extend([quad for n, quad in enumerate(store) if n % 7])
    _, names = catalogue_cases()
    for name in names:
        same_answers(store, name)
        same_answers(thinned, name)
