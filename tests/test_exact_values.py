"""Exact values: generated strings (TAB, CR, LF, quotes, backslashes, literal backslash-u sequences, U+2028,
non-Latin scripts) come back unchanged as bound query parameters, as imported quotes, through export and
re-import, and through a push to a real Oxigraph server and back.

    CLAIMKB_EXACT_EXAMPLES=200 python -m pytest tests/test_exact_values.py   # 200 x 50 = 10,000 strings
"""

from __future__ import annotations

import os

import pyoxigraph as ox
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimkb.backends.remote import RemoteBackend
from claimkb.catalogue import bind, parse_query_file
from claimkb.ingest.build import build
from claimkb.results import Term

from .helpers import start_oxigraph

EXAMPLES = int(os.environ.get("CLAIMKB_EXACT_EXAMPLES", "200"))  # 200 x 50 = 10,000 strings
PER_EXAMPLE = 50
TRICKY = ["\t", "\r", "\n", "\r\n", '"', "'", "\\", "\\u0022", "\\U0001F600", "\\n", "\u2028", "\u2029", "\u0085",
          "\x00", "\x7f", "\ufeff", "Україна", "Россия", "北朝鮮", "العربية", "עברית", "👍🏽", "e\u0301", " ", "  ",
          '"""', "'''", "#", "<", ">", "{", "}", "?x", "$x", "\\\\", "\\t", "&amp;", "%20"]
STRING = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30),
    st.lists(st.sampled_from(TRICKY) | st.text(max_size=3), min_size=1, max_size=8).map("".join),
).filter(lambda s: s != "")


@pytest.fixture(scope="module")
def echo(tmp_path_factory):
    path = tmp_path_factory.mktemp("q") / "echo.rq"
    path.write_text("#+ summary: Echo.\nSELECT ?x WHERE { VALUES ?_x_string { UNDEF } BIND(?_x_string AS ?x) }\n")
    return parse_query_file(path)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base, process = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    yield RemoteBackend(base + "/query", timeout=30)
    process.terminate()
    process.wait(timeout=10)


def sheet_for(values: list[str]) -> tuple[bytes, str]:
    archive = "\n\u241e\n".join(values)  # a separator no generated value contains
    claims = [{"id": f"X01-c{i}", "text": "A generated quote.", "claimant": "d01-seed-author", "carriage": "own-voice",
               "anchor": value, "quotation": value, "asserted": {"unstated": True}}
              for i, value in enumerate(values)]
    sheet = {"document": {"id": "X01-exact", "title": "Generated", "kind": "news-article", "certainty": "low",
                          "published": {"start": "2024-11-05"}, "archive": "archive/X01-exact.txt"},
             "curation": {"recorded_on": "2026-11-27"}, "claims": claims}
    # escapes, not raw characters: PyYAML dumps a raw U+0085 in a form it then reads back as a line break
    return yaml.safe_dump(sheet, allow_unicode=False).encode("utf-8"), archive


def literals(quads, predicate: str) -> dict[str, str]:
    return {q.subject.value: q.object.value for q in quads if q.predicate.value == predicate}


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(values=st.lists(STRING, min_size=PER_EXAMPLE, max_size=PER_EXAMPLE)
       .filter(lambda vs: all("\u241e" not in v for v in vs)))
def test_strings_come_back_exactly_everywhere(kb, echo, server, kb_copy, values):
    # 1. bound as a catalogue parameter in the embedded store
    for value in values:
        assert kb.session.backend.select(bind(echo, {"x": Term.literal(value)})).rows[0]["x"].value == value

    # 2. imported as quotes anchored in an archived text
    sheet_bytes, archive = sheet_for(values)
    (kb_copy / "archive" / "X01-exact.txt").write_bytes(archive.encode("utf-8"))
    sheet = kb_copy / "X01.yaml"
    sheet.write_bytes(sheet_bytes)
    built = build([sheet], kb_copy)[0]
    quads = list(ox.parse(built.data, format=ox.RdfFormat.TRIG))
    quotations = literals(quads, "https://w3id.org/claimkb/ns#quotation")
    exacts = literals(quads, "http://www.w3.org/ns/oa#exact")
    for i, value in enumerate(values):
        assert quotations[f"https://w3id.org/claimkb/id/claim/X01-c{i}"] == value
        assert exacts[f"https://w3id.org/claimkb/id/claim/X01-c{i}-quote-sel"] == value

    # 3. exported as N-Quads and TriG and read back
    for fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        assert set(ox.parse(ox.serialize(quads, format=fmt), format=fmt)) == set(quads)

    # 4. pushed to an Oxigraph server and read back
    graph = "https://w3id.org/claimkb/id/graph/X01-exact"
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    server.put_graph(graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    rows = server.select(f"SELECT ?c ?q WHERE {{ GRAPH <{graph}> {{ ?c <https://w3id.org/claimkb/ns#quotation> ?q }} }}"
                         ).rows
    assert {r["c"].value: r["q"].value for r in rows} == quotations
