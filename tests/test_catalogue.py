"""The query catalogue: every query parses, documents itself, binds parameters exactly, and runs."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimkb import resources
from claimkb.catalogue import PARAM_RE, Catalogue, bind, coerce, parse_query_file
from claimkb.errors import UsageError
from claimkb.namespaces import PREFIXES
from claimkb.results import Term

CATALOGUE = Catalogue(resources.queries_dir())
QUERIES = CATALOGUE.all() + CATALOGUE.checks()
# The bundled knowledge base records what sources say and no verdicts: it holds no ClaimReview.
EMPTY_ON_BUNDLED = {"reviews", "date-problems", "uncompared"}  # the bundled data has no verdict and no such problem


def test_the_catalogue_has_the_queries_the_commands_need():
    assert set(CATALOGUE.names()) >= {"claims", "relay-hops", "comparisons", "contradictions", "claimants",
                                      "agents", "sources", "values", "quantities", "anchors"}
    assert len(CATALOGUE.check_names()) >= 10


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_query_parses_in_a_second_engine(query):
    from rdflib.plugins.sparql import prepareQuery

    prepareQuery(query.text)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_query_has_a_summary_and_declares_its_parameters(query):
    assert query.summary and query.summary.endswith(".")
    declared = set(re.findall(r"^#\+   (\w+):", query.text, flags=re.MULTILINE))
    used = {p.name for p in query.params}
    assert declared == used
    for param in query.params:
        assert re.search(rf"VALUES \?{param.variable} \{{ UNDEF \}}", query.text), param.variable


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_query_declares_the_project_prefixes(query):
    for prefix, iri in re.findall(r"^PREFIX (\w+): <([^>]+)>", query.text, flags=re.MULTILINE):
        assert PREFIXES[prefix] == iri


@pytest.mark.parametrize("query", CATALOGUE.all(), ids=lambda q: q.name)
def test_every_query_runs_on_the_bundled_data_in_a_stable_order(kb, query):
    assert "ORDER BY" in query.text
    required = {p.name for p in query.params if p.required}
    assert set(query.example) == required, "give an `#+ example:` value for each required parameter"
    first = kb.session.run(query.name, dict(query.example))
    assert bool(first.rows) != (query.name in EMPTY_ON_BUNDLED), query.name
    assert kb.session.run(query.name, dict(query.example)).rows == first.rows


@pytest.mark.parametrize("query", CATALOGUE.checks(), ids=lambda q: q.name)
def test_every_check_can_fail(kb, query):
    """A check that cannot return a row is no check: each one names what it looks for in its SELECT."""
    assert re.search(r"^SELECT (DISTINCT )?\?\w+", query.text, flags=re.MULTILINE)
    assert kb.session.backend.select(query.text).rows == []


def test_a_check_reports_a_broken_chain(tmp_path):
    from pyoxigraph import Store

    from claimkb.backends.local import LocalBackend

    backend = LocalBackend.over(Store())
    backend.store.update("""
        PREFIX prov: <http://www.w3.org/ns/prov#>
        INSERT DATA { GRAPH <urn:g> { <urn:a> prov:wasDerivedFrom <urn:b> . <urn:b> prov:wasDerivedFrom <urn:a> } }""")
    rows = backend.select(CATALOGUE.get("checks/relay-cycle").text).rows
    assert {r["claim"].value for r in rows} == {"urn:a", "urn:b"}


def echo_query(tmp_path, kind: str):
    path = tmp_path / f"echo-{kind}.rq"
    path.write_text(f"#+ summary: Echo.\nSELECT ?x WHERE {{ VALUES ?_x_{kind} {{ UNDEF }} BIND(?_x_{kind} AS ?x) }}\n")
    return parse_query_file(path)


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(value=TEXT)
def test_string_parameters_come_back_exactly(kb, tmp_path_factory, value):
    query = echo_query(tmp_path_factory.mktemp("q"), "string")
    rows = kb.session.backend.select(bind(query, {"x": Term.literal(value)})).rows
    assert rows[0]["x"].value == value


def test_tricky_strings_come_back_exactly(kb, tmp_path):
    query = echo_query(tmp_path, "string")
    for value in ["a\tb", "line\nnext", "cr\rlf", 'say "hi"', "back\\slash", "\u2028sep", "Ѩкраїна 乌克兰",
                  "\\\\", "ends with \\"]:
        assert kb.session.backend.select(bind(query, {"x": Term.literal(value)})).rows[0]["x"].value == value


def test_a_backslash_u_in_a_value_stays_as_written(kb, tmp_path):
    query = echo_query(tmp_path, "string")
    for value in ["\\u0022", "\\U00000041", "\\\\u0022", "x\\u005C"]:
        assert kb.session.backend.select(bind(query, {"x": Term.literal(value)})).rows[0]["x"].value == value


def test_iri_parameters_cannot_break_out_of_the_slot(tmp_path):
    query = echo_query(tmp_path, "iri")
    param = query.param("x")
    for bad in ["http://x/> } ; DROP ALL ; {", "http://x/ y", "<http://x/>>", "http://x/\nnext", "http://x/{y}"]:
        with pytest.raises(UsageError):
            bind(query, {"x": coerce(param, bad)})


def test_decimal_parameters_are_exact(kb, tmp_path):
    query = echo_query(tmp_path, "decimal")
    term = coerce(query.param("x"), "0.1000000000000000000000001")
    assert kb.session.backend.select(bind(query, {"x": term})).rows[0]["x"].value == "0.1000000000000000000000001"


def test_param_naming_convention():
    assert PARAM_RE.findall("?__quantity_iri ?_value_decimal ?plain") == [
        ("__", "quantity", "iri"), ("_", "value", "decimal")]


def test_claims_without_a_claimant_are_counted_not_dropped():
    from pyoxigraph import Store

    from claimkb.backends.local import LocalBackend

    backend = LocalBackend.over(Store())
    backend.store.update("""
        PREFIX schema: <http://schema.org/>
        INSERT DATA { GRAPH <urn:g> {
          <urn:c1> a schema:Claim ; schema:appearance <urn:d> .
          <urn:c2> a schema:Claim ; schema:appearance <urn:d> ; schema:author <urn:a> .
        } }""")
    rows = backend.select(CATALOGUE.get("claimants").text).rows
    assert sorted((r["label"].value, r["claims"].value) for r in rows) == [
        ("(no claimant recorded)", "1"), ("urn:a", "1")]


def test_a_bound_value_is_never_taken_for_another_parameters_slot(kb, tmp_path):
    path = tmp_path / "two.rq"
    path.write_text("#+ summary: Two.\nSELECT ?a ?b WHERE { VALUES ?_a_string { UNDEF } VALUES ?_b_string { UNDEF } "
                    "BIND(?_a_string AS ?a) BIND(?_b_string AS ?b) }\n")
    query = parse_query_file(path)
    sneaky = "VALUES ?_b_string { UNDEF }"
    row = kb.session.backend.select(bind(query, {"a": Term.literal(sneaky), "b": Term.literal("b")})).rows[0]
    assert (row["a"].value, row["b"].value) == (sneaky, "b")
