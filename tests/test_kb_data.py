"""The knowledge base itself: it parses, conforms, anchors every quote, covers every number."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

import pyoxigraph as ox
import pytest
import yaml

import claimkb
from claimkb import resources
from claimkb.ingest.build import build
from claimkb.validate import checks, quote_integrity, shapes

from .expected import ANCHORS, RELAY_LINKS_OF_THE_SEED, SEED_NUMBERS, SHEETS
from .helpers import ROOT, SHARED

KB = resources.kb_dir()
GRAPHS = sorted((KB / "graphs").glob("*.trig"))
SEED = KB / "archive" / "D01-seed.txt"
CKB = "https://w3id.org/claimkb/ns#"


def rows(kb, query: str) -> list[dict[str, str]]:
    return [{k: v.value for k, v in r.items()} for r in kb.session.backend.select(query).rows]


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.name)
def test_every_kb_file_parses_with_two_parsers(path):
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))
    import rdflib

    dataset = rdflib.Dataset()
    dataset.parse(data=path.read_text(encoding="utf-8"), format="trig")
    assert len(quads) > 0
    assert len(list(dataset.quads((None, None, None, None)))) == len(quads)


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.name)
def test_no_blank_nodes_in_the_knowledge_base(path):
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.TRIG):
        assert not any(isinstance(t, ox.BlankNode) for t in (quad.subject, quad.object, quad.graph_name)), quad


def test_graph_files_are_exactly_what_their_sheets_build():
    built = build(SHEETS, KB)
    assert len(built) == len(SHEETS)
    for item in built:
        assert item.path.read_bytes() == item.data, f"{item.path.name} is stale: run claimkb import"


def test_shapes_validate_every_file_with_no_violation_and_no_warning():
    findings, files = shapes(KB, resources.ontology_dir() / "shapes.ttl",
                             resources.ontology_dir() / "claimkb.ttl")
    assert files == len(GRAPHS)
    assert findings == []


def test_check_queries_find_nothing(kb):
    findings, count = checks(kb.session)
    assert count >= 10
    assert findings == []


def test_every_anchored_quote_matches_the_archive_and_its_hash(kb):
    findings, anchors = quote_integrity(kb.session, KB)
    assert findings == []
    assert anchors == ANCHORS


def test_archive_is_the_seed_article_byte_for_byte(kb):
    recorded = rows(kb, "PREFIX schema: <http://schema.org/> SELECT ?h WHERE { "
                        "<https://w3id.org/claimkb/id/doc/D01-seed-archive> schema:sha256 ?h }")
    assert recorded == [{"h": hashlib.sha256(SEED.read_bytes()).hexdigest()}]
    if (SHARED / "seed" / "article.txt").is_file():
        assert SEED.read_bytes() == (SHARED / "seed" / "article.txt").read_bytes()


def test_a_changed_archive_is_reported_as_lost_quotes(kb, tmp_path):
    import shutil

    copy = tmp_path / "kb"
    shutil.copytree(KB, copy)
    text = (copy / "archive" / "D01-seed.txt").read_text(encoding="utf-8")
    (copy / "archive" / "D01-seed.txt").write_text(text.replace("701,650", "701,560"), encoding="utf-8")
    findings, _ = quote_integrity(kb.session, copy)
    assert len(findings) == 1
    assert findings[0].focus == "archive/D01-seed.txt"
    assert findings[0].message.startswith("the archived text's sha256 is ")


NUMBER_WORDS = r"\b(?:one|two-thirds)\b"


def test_every_number_in_the_article_belongs_to_a_claim(kb):
    text = SEED.read_text(encoding="utf-8")
    spans = rows(kb, """
        PREFIX ckb: <https://w3id.org/claimkb/ns#>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?claim ?start ?end ?words WHERE {
          ?claim ckb:anchor/oa:hasSelector ?sel . ?sel oa:start ?start ; oa:end ?end .
          { ?claim ckb:quantity/ckb:valueAsWritten ?words }
          UNION { ?claim (ckb:assertedAt|ckb:period)/ckb:phrase ?words }
        }""")
    tokens = [(m.start(), m.group()) for m in re.finditer(r"\d[\d,]*\d|\d", text)]
    tokens += [(m.start(), m.group()) for m in re.finditer(NUMBER_WORDS, text)]
    uncovered = [
        (pos, token) for pos, token in tokens
        if not any(int(s["start"]) <= pos < int(s["end"]) and token in s["words"] for s in spans)
    ]
    assert len(tokens) == SEED_NUMBERS
    assert uncovered == []


def test_every_paragraph_after_the_caption_is_anchored_by_a_claim(kb):
    text = SEED.read_text(encoding="utf-8")
    anchors = [(int(r["s"]), int(r["e"])) for r in rows(kb, """
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?s ?e WHERE { ?sel a oa:TextPositionSelector ; oa:start ?s ; oa:end ?e }""")]
    offset = 0
    paragraphs = []
    for line in text.split("\n"):
        if line.strip():
            paragraphs.append((offset, offset + len(line), line))
        offset += len(line) + 1
    caption, *body = paragraphs
    assert not any(s < caption[1] and caption[0] < e for s, e in anchors), "the caption is not a claim"
    missing = [p[2][:50] for p in body if not any(s < p[1] and p[0] < e for s, e in anchors)]
    assert missing == []


def test_publication_date_of_the_seed_is_inferred_with_evidence(kb):
    got = rows(kb, """
        PREFIX ckb: <https://w3id.org/claimkb/ns#>
        PREFIX schema: <http://schema.org/>
        SELECT ?start ?end ?inferred ?evidence WHERE {
          <https://w3id.org/claimkb/id/doc/D01-seed> ckb:publishedAt ?t .
          ?t schema:startDate ?start ; schema:endDate ?end ; ckb:inferred ?inferred ; ckb:evidence ?evidence }""")
    assert got[0]["start"] == "2024-11-05" and got[0]["end"] == "2024-11-06"
    assert got[0]["inferred"] == "true" and "on Tuesday" in got[0]["evidence"]


@pytest.mark.parametrize(
    ("claim", "phrase", "start", "end"),
    [("D01-c11", "on Tuesday", "2024-11-05", "2024-11-05"),
     ("D01-c24", "last week", "2024-10-28", "2024-11-03"),
     ("D01-c16", "in March 2022", "2022-03-01", "2022-03-31")],
)
def test_relative_assertion_dates_follow_the_publication_date(kb, claim, phrase, start, end):
    got = rows(kb, f"""
        PREFIX ckb: <https://w3id.org/claimkb/ns#>
        PREFIX schema: <http://schema.org/>
        SELECT ?phrase ?start ?end ?against WHERE {{
          <https://w3id.org/claimkb/id/claim/{claim}> ckb:assertedAt ?t .
          ?t ckb:phrase ?phrase ; schema:startDate ?start ; schema:endDate ?end .
          OPTIONAL {{ ?t ckb:resolvedAgainst ?against }} }}""")
    assert got[0]["phrase"] == phrase and (got[0]["start"], got[0]["end"]) == (start, end)
    if phrase != "in March 2022":
        assert got[0]["against"].endswith("/doc/D01-seed-published")


def test_according_to_bloomberg_makes_bloomberg_the_claimant_not_the_article(kb):
    got = rows(kb, """
        PREFIX schema: <http://schema.org/>
        PREFIX ckb: <https://w3id.org/claimkb/ns#>
        SELECT ?author ?doc ?carriage ?cue WHERE {
          <https://w3id.org/claimkb/id/claim/D01-c07> schema:author ?author ; schema:appearance ?doc ;
             ckb:carriage ?carriage ; ckb:cue ?cue }""")
    assert got == [{"author": "https://w3id.org/claimkb/id/agent/bloomberg",
                    "doc": "https://w3id.org/claimkb/id/doc/D01-seed",
                    "carriage": CKB + "Attributed", "cue": "according to"}]


def test_hearsay_is_marked_and_unattributed(kb):
    got = rows(kb, """
        PREFIX schema: <http://schema.org/>
        PREFIX ckb: <https://w3id.org/claimkb/ns#>
        SELECT ?claim ?cue WHERE { ?claim ckb:carriage ckb:Hearsay ; ckb:cue ?cue ;
          schema:author <https://w3id.org/claimkb/id/agent/unattributed> } ORDER BY ?claim""")
    assert [(r["claim"].rsplit("/", 1)[1], r["cue"]) for r in got] == [
        ("D01-c22", "is thought"), ("D01-c23", "believed to")]


def test_almost_certainly_maps_to_the_95_to_100_band(kb):
    got = rows(kb, """
        PREFIX ckb: <https://w3id.org/claimkb/ns#>
        SELECT ?low ?high WHERE { <https://w3id.org/claimkb/id/claim/D01-c24> ckb:hedgeWords "almost certainly" ;
          ckb:probabilityBand ?b . ?b ckb:probabilityLow ?low ; ckb:probabilityHigh ?high }""")
    assert [(Decimal(r["low"]), Decimal(r["high"])) for r in got] == [(Decimal("0.95"), Decimal("1"))]


def test_a_researcher_with_only_schema_and_prov_can_list_claims(kb):
    got = rows(kb, """
        PREFIX schema: <http://schema.org/>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?claim ?author ?doc ?published ?value WHERE {
          ?claim a schema:Claim ; schema:author ?author ; prov:wasAttributedTo ?author ;
                 schema:appearance ?doc .
          ?doc schema:datePublished ?published .
          ?claim ?hasQuantity ?q . ?q schema:value ?value .
        }""")
    assert {"claim": "https://w3id.org/claimkb/id/claim/D01-c02",
            "author": "https://w3id.org/claimkb/id/agent/ua-mod",
            "doc": "https://w3id.org/claimkb/id/doc/D01-seed",
            "published": "2024-11-05", "value": "701650"} in got


def test_the_seed_claims_relay_their_research_sources(kb):
    got = rows(kb, """
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?relay ?source WHERE { ?relay prov:wasDerivedFrom ?source
          FILTER(STRSTARTS(STR(?relay), "https://w3id.org/claimkb/id/claim/D01-")) }""")
    pairs = {(r["relay"].rsplit("/", 1)[1], r["source"].rsplit("/", 1)[1]) for r in got}
    assert ("D01-c02", "D02-c1") in pairs and ("D01-c05", "D04-c1") in pairs
    assert ("D01-c11", "D09-c2") in pairs and ("D01-c26", "D02-c2-tanks") in pairs
    assert len(pairs) == RELAY_LINKS_OF_THE_SEED


def research():
    path = SHARED / "research" / "sources.yaml"
    if not path.is_file():
        pytest.skip("the research notes are not beside this checkout")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_every_research_document_and_claim_is_in_the_knowledge_base(kb):
    notes = research()
    claims = {r["id"] for r in rows(kb, "PREFIX dcterms: <http://purl.org/dc/terms/> "
              "PREFIX schema: <http://schema.org/> SELECT ?id WHERE { ?c a schema:Claim ; dcterms:identifier ?id }")}
    docs = {r["id"] for r in rows(kb, "PREFIX dcterms: <http://purl.org/dc/terms/> "
            "PREFIX schema: <http://schema.org/> "
            "SELECT ?id WHERE { ?d a schema:CreativeWork ; dcterms:identifier ?id }")}
    for document in notes["documents"]:
        assert document["id"] in docs
        for claim in document.get("claims", []):
            assert any(c == claim["id"] or c.startswith(claim["id"] + "-") for c in claims), claim["id"]


def test_wikidata_links_are_only_verified_identifiers(kb):
    verified = {f"http://www.wikidata.org/entity/{q['qid']}" for q in research()["wikidata_qids"]
                if q["qid"] and q["status"] == "verified"}
    used = {r["o"] for r in rows(kb, "SELECT DISTINCT ?o WHERE { GRAPH ?g { ?s ?p ?o } "
                                     "FILTER(?g != <https://w3id.org/claimkb/id/graph/ontology>) "
                                     "FILTER(STRSTARTS(STR(?o), 'http://www.wikidata.org/entity/Q')) }")}
    assert used and used <= verified


def _declared_terms() -> dict[str, dict[str, int]]:
    import rdflib

    graph = rdflib.Graph().parse(resources.ontology_dir() / "claimkb.ttl")
    RDFS, SKOS = rdflib.RDFS, rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    terms: dict[str, dict[str, int]] = {}
    for subject in set(graph.subjects()):
        if isinstance(subject, rdflib.URIRef) and str(subject).startswith(CKB):
            terms[str(subject)[len(CKB):]] = {
                "label": len(list(graph.objects(subject, RDFS.label))),
                "definition": len(list(graph.objects(subject, SKOS.definition))),
                "defined_by": len(list(graph.objects(subject, RDFS.isDefinedBy))),
            }
    return terms


def _used_terms() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    files = list((KB / "graphs").glob("*.trig")) + [resources.ontology_dir() / "shapes.ttl"]
    files += list(resources.queries_dir().rglob("*.rq")) + list((ROOT / "src").rglob("*.py"))
    files += list((ROOT / "docs").glob("*.md"))
    patterns = [r"\bckb:([A-Za-z][A-Za-z0-9]*)", re.escape(CKB) + r"([A-Za-z][A-Za-z0-9]*)",
                r"\bckb\(\"([A-Za-z][A-Za-z0-9]*)\"\)"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for pattern in patterns:
            for name in re.findall(pattern, text):
                used.setdefault(name, set()).add(path.name)
    from claimkb import model

    for table in (model.CARRIAGES, model.COMPARATORS, model.PRECISIONS, model.DOCUMENT_KINDS,
                  model.CERTAINTIES, model.STANCES, model.YARDSTICK):
        for name in table.values():
            used.setdefault(name, set()).add("model.py")
    return used


def test_every_term_of_our_namespace_is_declared_once_with_label_and_definition():
    declared = _declared_terms()
    undeclared = {name: sorted(where) for name, where in _used_terms().items() if name not in declared}
    assert undeclared == {}
    for name, counts in declared.items():
        assert counts == {"label": 1, "definition": 1, "defined_by": 1}, name


def test_ontology_version_is_the_package_version():
    text = (resources.ontology_dir() / "claimkb.ttl").read_text(encoding="utf-8")
    assert re.search(r'owl:versionInfo\s+"([^"]+)"', text)[1] == claimkb.__version__
    assert f"<https://w3id.org/claimkb/ns/{claimkb.__version__}>" in text


def test_ontology_examples_parse():
    import rdflib

    graph = rdflib.Graph().parse(resources.ontology_dir() / "claimkb.ttl")
    examples = list(graph.objects(None, rdflib.URIRef("http://purl.org/vocab/vann/example")))
    assert len(examples) >= 5
    for example in examples:
        assert len(rdflib.Graph().parse(data=str(example), format="turtle")) > 0


def test_schema_org_is_used_in_its_http_form_only():
    for path in GRAPHS + [resources.ontology_dir() / "claimkb.ttl", resources.ontology_dir() / "shapes.ttl"]:
        assert not re.search(r"<https://schema\.org/", path.read_text(encoding="utf-8")), path.name
