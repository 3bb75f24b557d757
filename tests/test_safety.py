"""Queries that would reach the network or files are refused before any engine sees them."""

import pytest

from claimkb.errors import UsageError
from claimkb.sparqlsafety import check_read_only

REFUSED = [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { service silent <file:///etc/passwd> { ?s ?p ?o } }",
    "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <file:///etc/hosts> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "LOAD <http://example.org/data.ttl>",
    "LOAD SILENT <file:///etc/passwd> INTO GRAPH <urn:x>",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
    "SELECT * WHERE { ?s ?p ?o . \\u0053ERVICE <http://x/> { ?a ?b ?c } }",
    "PREFIX ex: <http://example.org/>\nSELECT * WHERE {\n  SERVICE ex:endpoint { ?s ?p ?o } }",
    "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICE:x { ?s ?p ?o } }",
    "SELECT * WHERE { ?a ?b ?c FILTER(?a<2&&'x>'=\"x>\") SERVICE <http://127.0.0.1:9/pwned> { ?s ?p ?o } #' }",
    "SELECT * WHERE { ?a ?b ?c FILTER(?a<a:b&&'x>'=\"x>\") SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } #' }",
    "PREFIX from: <urn:from:> SELECT * WHERE { ?s from:load ?o }",  # a prefix spelled like a keyword
]
ALLOWED = [
    "SELECT ?service WHERE { ?service <urn:p> 'SERVICE' }",
    "PREFIX ex: <urn:ex:> SELECT * WHERE { ?s ex:service ?o }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE in a comment",
    "SELECT * WHERE { ?s <urn:p> \"\"\"LOAD <http://x> FROM <y>\"\"\" }",
    "SELECT * WHERE { ?s <http://example.org/service#from> ?o }",
]


@pytest.mark.parametrize("query", REFUSED)
def test_network_file_and_update_queries_are_refused(query):
    with pytest.raises(UsageError):
        check_read_only(query)


@pytest.mark.parametrize("query", ALLOWED)
def test_words_inside_names_strings_and_comments_are_not_keywords(query):
    check_read_only(query)
