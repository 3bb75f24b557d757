"""Exports: TriG and N-Quads are lossless, JSON-LD needs no fetch, ClaimReview carries Google's fields."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from claimkb import resources
from claimkb.export import dataset
from claimkb.namespaces import PREFIXES

from .expected import QUADS
from .helpers import snapshot

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def store(kb):
    return kb.local_store()


@pytest.mark.parametrize(("fmt", "rdf_format"), [("trig", ox.RdfFormat.TRIG), ("nquads", ox.RdfFormat.N_QUADS),
                                                  ("jsonld", ox.RdfFormat.JSON_LD)])
def test_export_then_reimport_gives_the_same_dataset(cli, store, fmt, rdf_format):
    run = cli("export", "--format", fmt)
    assert run.code == 0
    back = set(ox.parse(run.out.encode("utf-8"), format=rdf_format))
    assert back == set(dataset(store))
    assert len(back) == QUADS


def test_export_is_byte_identical_each_time(cli):
    assert cli("export", "--format", "trig").out == cli("export", "--format", "trig").out


def test_turtle_export_is_the_union_of_the_graphs(cli, store):
    triples = {ox.Triple(q.subject, q.predicate, q.object)
               for q in ox.parse(cli("export", "--format", "turtle").out.encode(), format=ox.RdfFormat.TURTLE)}
    assert triples == {ox.Triple(q.subject, q.predicate, q.object) for q in dataset(store)}


def test_the_bundled_jsonld_context_is_the_prefix_map(cli):
    bundled = json.loads((resources.ontology_dir() / "context.jsonld").read_text(encoding="utf-8"))
    assert bundled == {"@context": dict(sorted(PREFIXES.items()))}
    assert json.loads(cli("export", "--format", "jsonld").out)["@context"] == bundled["@context"]


def test_export_to_a_file_is_atomic_and_reported(cli, tmp_path):
    out = tmp_path / "kb.nq"
    run = cli("export", "--format", "nquads", "--out", str(out))
    assert (run.code, run.out) == (0, "")
    assert run.err == f"wrote {out} ({QUADS} quads)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kb.nq"]


def test_the_bundled_kb_has_no_verdicts(cli):
    assert json.loads(cli("export", "--format", "claimreview").out) == []


def test_claimreview_round_trip_carries_googles_required_fields(cli, kb_copy):
    run = cli("import", str(DATA / "claimreview.json"), "--kb", str(kb_copy))
    assert run.code == 0, run.err
    reviews = json.loads(cli("export", "--format", "claimreview", "--kb", str(kb_copy)).out)
    assert len(reviews) == 1
    review = reviews[0]
    assert review["@type"] == "ClaimReview"
    assert review["url"] == "https://factcheck.example.org/2024/11/russian-losses"
    assert 0 < len(review["claimReviewed"]) <= 75
    assert review["reviewRating"]["alternateName"] == "Accurately relayed, but a Ukrainian estimate"
    assert review["reviewRating"]["ratingValue"] == 3
    assert review["author"] == {"@type": "Organization", "name": "Example Fact Check",
                                "@id": "https://w3id.org/claimkb/id/agent/example-fact-check-48542377",
                                "url": "https://factcheck.example.org"}
    item = review["itemReviewed"]
    # the claimant is the knowledge base's own agent, found by its exact name
    assert item["author"] == {"@type": "Organization", "@id": "https://w3id.org/claimkb/id/agent/ua-mod",
                              "name": "Ministry of Defence of Ukraine"}
    assert item["text"] == "Russia has suffered approximately 701,650 casualties since February 2022"
    assert item["datePublished"] == "2024-11-05"
    assert item["firstAppearance"]["url"] == "https://example.org/article"
    assert cli("validate", "--kb", str(kb_copy)).code == 0


def test_a_reviewed_claim_keeps_the_verdict_apart_from_hedges(cli, kb_copy):
    cli("import", str(DATA / "claimreview.json"), "--kb", str(kb_copy))
    rows = json.loads(cli("sparql", "PREFIX ckb: <https://w3id.org/claimkb/ns#> PREFIX schema: <http://schema.org/> "
                          "SELECT ?claim ?hedge WHERE { ?r schema:itemReviewed ?claim . "
                          "OPTIONAL { ?claim ckb:hedgeWords ?hedge } }", "--kb", str(kb_copy),
                          "--format", "json").out)
    assert len(rows) == 1 and rows[0]["hedge"] is None


def test_importing_the_same_claimreview_twice_changes_nothing(cli, kb_copy):
    cli("import", str(DATA / "claimreview.json"), "--kb", str(kb_copy))
    first = snapshot(kb_copy)
    assert cli("import", str(DATA / "claimreview.json"), "--kb", str(kb_copy)).code == 0
    assert snapshot(kb_copy) == first


@pytest.mark.parametrize(("change", "error"), [
    ({"@context": "https://evil.example/context.jsonld"},
     "review 1.@context: the @context 'https://evil.example/context.jsonld' is not schema.org's"),
    ({"reviewRating": None}, "review 1.reviewRating: reviewRating is missing"),
    ({"url": None}, "review 1.url: url is missing"),
    ({"@type": "Article"}, "review 1.@type: @type is 'Article', not ClaimReview"),
    ({"datePublished": "yesterday"}, "review 1.datePublished: 'yesterday' is not a date"),
])
def test_broken_claimreview_markup_is_refused_and_nothing_written(cli, kb_copy, tmp_path, change, error):
    data = json.loads((DATA / "claimreview.json").read_text())
    for key, value in change.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    path = tmp_path / "review.json"
    path.write_text(json.dumps(data))
    before = snapshot(kb_copy)
    run = cli("import", str(path), "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[0] == f"Error: {path}, {error}"
    assert snapshot(kb_copy) == before


def test_a_csv_sheet_builds_the_same_graph_as_its_yaml_twin(cli, kb_copy, tmp_path):
    from .test_import import GOOD

    yaml_sheet = tmp_path / "T01.yaml"
    yaml_sheet.write_text(GOOD)
    assert cli("import", str(yaml_sheet), "--kb", str(kb_copy)).code == 0
    from_yaml = (kb_copy / "graphs" / "T01-test.trig").read_text()
    run = cli("import", str(DATA / "T01-test.csv"), "--kb", str(kb_copy))
    assert run.code == 0, run.err
    from_csv = (kb_copy / "graphs" / "T01-test.trig").read_text()
    def body(text: str) -> list[str]:  # all but where the graph says it came from
        return [line for line in text.splitlines() if "dcterms:source" not in line and "Generated by" not in line]

    assert body(from_csv) == body(from_yaml)


def test_csv_errors_name_the_row_and_field(cli, kb_copy, tmp_path):
    text = (DATA / "T01-test.csv").read_text().replace(",approximately,", ",roughly,").replace(
        ",ua-government,", ",,")
    path = tmp_path / "broken.csv"
    path.write_text(text)
    before = snapshot(kb_copy)
    run = cli("import", str(path), "--kb", str(kb_copy))
    assert run.code == 1
    assert [line for line in run.err.splitlines() if line.startswith("Error:")] == [
        f"Error: {path}, line 2, claim T01-c1.quantity.comparator: unknown comparator 'roughly'; use one of: "
        "exactly, approximately, more-than, at-least, less-than, up-to, almost, between",
        f"Error: {path}, line 3, claim T01-c2.claimant: is missing",
    ]
    assert snapshot(kb_copy) == before


def test_claimreview_parties_in_any_script_stay_apart(cli, kb_copy, tmp_path):
    for n, name in enumerate(["Мария Захарова", "Дмитрий Песков"]):
        data = json.loads((DATA / "claimreview.json").read_text())
        data["url"] = f"https://factcheck.example.org/{n}"
        data["itemReviewed"]["author"] = {"@type": "Person", "name": name}
        path = tmp_path / f"r{n}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        assert cli("import", str(path), "--kb", str(kb_copy)).code == 0
    for name in ("Мария Захарова", "Дмитрий Песков"):
        rows = json.loads(cli("who", name, "--kb", str(kb_copy), "--format", "json").out)
        assert len(rows) == 1 and [a["label"] for a in rows[0]["claimants"]] == [name]


def test_a_claimreview_party_named_like_a_known_agent_is_that_agent(cli, kb_copy, tmp_path):
    data = json.loads((DATA / "claimreview.json").read_text())
    data["itemReviewed"]["author"] = {"@type": "Organization", "name": "Bloomberg News"}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    assert cli("import", str(path), "--kb", str(kb_copy)).code == 0
    rows = json.loads(cli("who", "Bloomberg News", "--kb", str(kb_copy), "--format", "json").out)
    assert "https://w3id.org/claimkb/id/claim/FC-6d95a8158f6f-c1" in [r["claim"] for r in rows]
    assert {a["agent"] for r in rows for a in r["claimants"]} == {"https://w3id.org/claimkb/id/agent/bloomberg"}
    assert "Bloomberg News" not in (kb_copy / "graphs" / "FC-6d95a8158f6f.trig").read_text()


def test_a_claimreview_party_is_found_by_its_id_or_sameas_before_its_name(cli, kb_copy, tmp_path):
    data = json.loads((DATA / "claimreview.json").read_text())
    data["itemReviewed"]["author"] = {"@type": "Person", "name": "V. V. Putin",
                                      "sameAs": ["http://www.wikidata.org/entity/Q7747"]}
    data["author"] = {"@type": "Organization", "name": "Anything",
                      "@id": "https://w3id.org/claimkb/id/agent/bloomberg"}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    assert cli("import", str(path), "--kb", str(kb_copy)).code == 0
    graph = (kb_copy / "graphs" / "FC-6d95a8158f6f.trig").read_text()
    assert "schema:author agent:putin" in graph and "schema:author agent:bloomberg" in graph
    assert "V. V. Putin" not in graph and "Anything" not in graph


def test_a_claimreview_name_shared_by_two_agents_is_refused(cli, kb_copy, tmp_path):
    sheet = tmp_path / "T02.yaml"
    sheet.write_text(GOOD_WITH_TWIN_AGENT, encoding="utf-8")
    assert cli("import", str(sheet), "--kb", str(kb_copy)).code == 0
    data = json.loads((DATA / "claimreview.json").read_text())
    data["itemReviewed"]["author"] = {"@type": "Organization", "name": "Bloomberg News"}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    before = snapshot(kb_copy)
    run = cli("import", str(path), "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[0] == (f"Error: {path}, agents: 'Bloomberg News' is the name of several agents: "
                                       "agent:bloomberg, agent:bloomberg-twin")
    assert snapshot(kb_copy) == before


def test_two_agents_with_one_name_make_who_ask_for_the_iri(cli, kb_copy, tmp_path):
    sheet = tmp_path / "T02.yaml"
    sheet.write_text(GOOD_WITH_TWIN_AGENT, encoding="utf-8")
    assert cli("import", str(sheet), "--kb", str(kb_copy)).code == 0
    run = cli("who", "Bloomberg News", "--kb", str(kb_copy))
    assert (run.code, run.out) == (2, "")
    assert run.err.startswith("Error: 'Bloomberg News' is the name of several agents: agent:bloomberg")


GOOD_WITH_TWIN_AGENT = """\
document:
  id: T02-twin
  title: A sheet that declares a second agent named like an existing one
  kind: news-article
  published: {start: 2024-11-07, precision: day}
  certainty: high
curation: {recorded_on: 2026-11-27}
agents:
- {id: bloomberg-twin, label: Bloomberg News, kind: news-outlet}
claims:
- id: T02-c1
  text: A claim of the second agent.
  claimant: bloomberg-twin
  carriage: own-voice
  asserted: {start: 2024-11-07, precision: day}
"""


def test_the_tables_export_is_n_quads_in_their_own_graph_and_never_half_written(cli, tmp_path, monkeypatch):
    from claimkb.tables import entries as module

    out = tmp_path / "tables.nq"
    run = cli("export", "--tables", "--out", str(out))
    assert run.code == 0
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    assert run.err == f"wrote {out} ({len(quads)} table entries)\n" and len(quads) > 100
    assert {q.graph_name.value for q in quads} == {module.TABLES_GRAPH}
    assert {q.predicate.value for q in quads} == {PREFIXES["ckb"] + "tableEntry"}
    assert cli("export", "--tables").out.encode() == out.read_bytes()  # stdout gives the same bytes
    folder = tmp_path / "a-folder"
    folder.mkdir()
    run = cli("export", "--tables", "--out", str(folder))
    assert (run.code, run.err.splitlines()[0]) == (1, f"Error: {folder} is a folder")

    real = module.entries

    def failing(tables):  # the writer fails half-way: the old file stands, no temporary file is left
        yield next(iter(real(tables)))
        raise OSError(28, "No space left on device")

    before = out.read_bytes()
    monkeypatch.setattr(module, "entries", failing)
    run = cli("export", "--tables", "--out", str(out))
    assert (run.code, run.err.splitlines()[0]) == (1, f"Error: cannot write {out}: No space left on device")
    assert out.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["a-folder", "tables.nq"]
