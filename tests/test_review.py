"""Verdicts: `claimkb review` writes a ClaimReview in its own graph, all or nothing, and it shows everywhere;
the ClaimReview round trip keeps the claim's text, appearance and agents."""

from __future__ import annotations

import json
import shutil

import pytest

import claimkb

from .helpers import KB, snapshot

URL = "https://factcheck.example.org/2024/11/russian-losses"
REVIEW = ["review", "D01-c02", "--rating", "Accurately relayed, but a Ukrainian estimate", "--rating-value", "3",
          "--best", "5", "--worst", "1", "--explanation", "The ministry's figure as the General Staff published it.",
          "--url", URL, "--author", "Example Fact Check", "--date", "2024-11-07"]
GRAPH = "review-D01-c02-6d95a815.trig"
FACT_CHECKER = "https://w3id.org/claimkb/id/agent/example-fact-check-48542377"


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """A copy of the bundled knowledge base with one verdict recorded by the command line, and what the
    command printed (read-only for the tests that use it)."""
    from .helpers import copy_kb, run_cli

    folder = copy_kb(tmp_path_factory.mktemp("reviewed") / "kb")
    return folder, run_cli(*REVIEW, "--kb", str(folder))


def test_a_review_is_written_into_its_own_graph_and_validates(cli, reviewed):
    kb_copy, run = reviewed
    assert (run.code, run.out) == (0, "")
    path = kb_copy / "graphs" / GRAPH
    assert run.err == (f"wrote {path.resolve()} (review:D01-c02-6d95a815 by new fact-checker "
                       "agent:example-fact-check-48542377)\n")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Written by `claimkb review`: a fact-checker's verdict on claim D01-c02.\n")
    for line in ('schema:datePublished "2024-11-07"^^xsd:date', 'dcterms:created "2024-11-07"^^xsd:date',
                 'rdfs:label "Example Fact Check"', "ckb:agentKind ckb:FactChecker",
                 "schema:itemReviewed claim:D01-c02",
                 'schema:claimReviewed "Russia has suffered approximately 701,650 casualties since invading…"'):
        assert line in text
    assert cli("validate", "--kb", str(kb_copy)).code == 0


def test_a_verdict_shows_in_trace_claim_and_their_json(cli, reviewed):
    kb_copy, _ = reviewed
    table = cli("claim", "D01-c02", "--kb", str(kb_copy)).out
    assert ("    verdict: Accurately relayed, but a Ukrainian estimate (3 on a scale of 1 to 5), Example Fact Check, "
            "2024-11-07\n      review       https://factcheck.example.org/2024/11/russian-losses\n") in table
    trace = json.loads(cli("trace", "701650", "--kb", str(kb_copy), "--format", "json").out)
    reviewed = {item["claim"]: item["reviews"] for item in trace}
    assert reviewed["https://w3id.org/claimkb/id/claim/D02-c1"] == []
    (verdict,) = reviewed["https://w3id.org/claimkb/id/claim/D01-c02"]
    assert verdict == {"review": "https://w3id.org/claimkb/id/review/D01-c02-6d95a815",
                       "claim": "https://w3id.org/claimkb/id/claim/D01-c02",
                       "rating": "Accurately relayed, but a Ukrainian estimate", "rating_value": "3",
                       "best_rating": "5", "worst_rating": "1",
                       "explanation": "The ministry's figure as the General Staff published it.", "url": URL,
                       "author": FACT_CHECKER, "author_label": "Example Fact Check", "published": "2024-11-07",
                       "claim_reviewed": "Russia has suffered approximately 701,650 casualties since invading…"}
    csv = cli("trace", "701650", "--kb", str(kb_copy), "--format", "csv").out
    assert csv.splitlines()[0].endswith(",verdicts")
    assert "Accurately relayed, but a Ukrainian estimate (3 on a scale of 1 to 5)" in csv


def test_the_claimreview_export_carries_googles_required_fields(cli, reviewed):
    kb_copy, _ = reviewed
    run = cli("export", "--format", "claimreview", "--kb", str(kb_copy))
    (review,) = json.loads(run.out)
    assert review["claimReviewed"] and len(review["claimReviewed"]) <= 75
    assert review["reviewRating"]["alternateName"] == "Accurately relayed, but a Ukrainian estimate"
    assert review["url"] == URL
    assert review["author"] == {"@type": "Organization", "@id": FACT_CHECKER, "name": "Example Fact Check"}
    item = review["itemReviewed"]
    assert item["text"] == ("Russia has suffered approximately 701,650 casualties since invading Ukraine in "
                            "February 2022.")
    assert item["author"]["@id"] == "https://w3id.org/claimkb/id/agent/ua-mod"
    assert item["appearance"]["url"] == "http://mypresstoday.com/gb/en/frame/2936/306813088"


def test_an_empty_claimreview_export_says_so_on_stderr(cli):
    run = cli("export", "--format", "claimreview")
    assert (run.code, run.out) == (0, "[]\n")
    assert run.err == ("No verdicts in the knowledge base: the ClaimReview export is an empty list (record one with "
                       "`claimkb review`, or import ClaimReview markup).\n")


def test_a_claimreview_round_trip_into_an_empty_kb_keeps_the_claim_and_its_agents(cli, reviewed, tmp_path):
    kb_copy, _ = reviewed
    exported = tmp_path / "reviews.json"
    exported.write_text(cli("export", "--format", "claimreview", "--kb", str(kb_copy)).out, encoding="utf-8")
    empty = tmp_path / "empty"
    (empty / "graphs").mkdir(parents=True)
    for name in ("agents.trig", "quantities.trig"):
        shutil.copy(KB / "graphs" / name, empty / "graphs" / name)
    run = cli("import", str(exported), "--kb", str(empty))
    assert run.code == 0, run.err
    # the claimant is the existing agent, so `who` still finds exactly one
    who = json.loads(cli("who", "Ministry of Defence of Ukraine", "--kb", str(empty), "--format", "json").out)
    assert [c["text"] for c in who] == [
        "Russia has suffered approximately 701,650 casualties since invading Ukraine in February 2022."]
    assert [a["agent"] for a in who[0]["claimants"]] == ["https://w3id.org/claimkb/id/agent/ua-mod"]
    (first,) = json.loads(exported.read_text(encoding="utf-8"))
    (again,) = json.loads(cli("export", "--format", "claimreview", "--kb", str(empty)).out)
    for key in ("url", "claimReviewed", "reviewRating", "datePublished", "author"):
        assert again[key] == first[key], key
    for key in ("text", "author", "datePublished"):
        assert again["itemReviewed"][key] == first["itemReviewed"][key], key
    assert again["itemReviewed"]["appearance"]["url"] == first["itemReviewed"]["appearance"]["url"]
    assert cli("validate", "--kb", str(empty)).code == 0


def test_the_same_claim_and_url_replace_the_verdict_and_another_url_adds_one(cli, kb_copy):
    cli(*REVIEW, "--kb", str(kb_copy))
    changed = [a if a != "Accurately relayed, but a Ukrainian estimate" else "Misleading" for a in REVIEW]
    assert cli(*changed, "--kb", str(kb_copy)).code == 0
    other = [a if a != URL else "https://factcheck.example.org/second" for a in REVIEW]
    run = cli(*other, "--kb", str(kb_copy))
    assert run.code == 0
    # the fact-checker declared by the first review is reused, not declared again
    assert run.err.endswith("by agent:example-fact-check-48542377)\n")
    ratings = sorted(v["rating"] for v in json.loads(cli("claim", "D01-c02", "--kb", str(kb_copy),
                                                         "--format", "json").out)[0]["reviews"])
    assert ratings == ["Accurately relayed, but a Ukrainian estimate", "Misleading"]
    assert sorted(p.name for p in (kb_copy / "graphs").glob("review-*")) == ["review-D01-c02-00f6b721.trig", GRAPH]


def test_the_author_is_an_agent_the_kb_has_when_one_matches(cli, kb_copy):
    args = [a if a != "Example Fact Check" else "UK Defence Intelligence" for a in REVIEW]
    run = cli(*args, "--kb", str(kb_copy))
    assert run.code == 0, run.err
    assert run.err.endswith("by agent:uk-di)\n")
    assert "rdfs:label" not in (kb_copy / "graphs" / GRAPH).read_text(encoding="utf-8")


@pytest.mark.parametrize(("given", "agent"), [
    ({"name": "UK Defence Intelligence"}, "uk-di"),
    ({"name": "  UK   Defence Intelligence "}, "uk-di"),
    ({"ids": ["agent:uk-di"]}, "uk-di"),
    ({"ids": ["https://w3id.org/claimkb/id/agent/uk-di"], "name": "Another name"}, "uk-di"),
    ({"same_as": ["http://www.wikidata.org/entity/Q7747"], "name": "V. Putin"}, "putin"),
    ({"name": "uk defence intelligence"}, None),  # exact: case counts
    ({"ids": ["agent:nobody"], "name": "Nobody"}, None),
])
def test_agents_are_matched_by_id_then_sameas_then_exact_name(given, agent):
    from claimkb.ingest import agents

    directory = agents.directory(agents.load_graphs(KB))
    assert agents.match(directory, **given) == agent


def test_without_a_date_the_review_has_none_and_the_curation_date_is_asked_for(cli, kb_copy):
    args = REVIEW[:-2]  # no --date
    before = snapshot(kb_copy)
    run = cli(*args, "--kb", str(kb_copy))
    assert (run.code, run.out) == (2, "")
    assert run.err == ("Error: the review needs the day it is recorded on\n"
                       "Hint: pass --date YYYY-MM-DD (when the fact-check was published) or --recorded-on YYYY-MM-DD\n")
    assert snapshot(kb_copy) == before
    assert cli(*args, "--recorded-on", "2026-12-01", "--kb", str(kb_copy)).code == 0
    text = (kb_copy / "graphs" / GRAPH).read_text(encoding="utf-8")
    assert "schema:datePublished" not in text and 'dcterms:created "2026-12-01"^^xsd:date' in text


ERRORS = [
    (["--rating-value", "9"], "Error: --rating-value 9 is not between --worst 1 and --best 5"),
    (["--best", "1"], "Error: --best and --worst are both 1: the scale is empty"),
    (["--rating-value", "high"], "Error: the rating value 'high' is not a number"),
    (["--url", "ftp://x.example/"], "Error: url 'ftp://x.example/' is not an http(s) URL"),
    (["--author", "agent:nobody"], "Error: no agent 'agent:nobody' in the knowledge base"),
    (["--date", "7 Nov"], "Error: --date '7 Nov' is not a date"),
    (["--rating", " "], "Error: the rating needs alternate_name, the verdict in words (Google requires it)"),
]


@pytest.mark.parametrize(("change", "line"), ERRORS, ids=[e[1] for e in ERRORS])
def test_a_bad_review_is_refused_and_nothing_written(cli, kb_copy, change, line):
    args = list(REVIEW)
    args[args.index(change[0]) + 1] = change[1]
    before = snapshot(kb_copy)
    run = cli(*args, "--kb", str(kb_copy))
    assert (run.code, run.out) == (2, "")
    assert run.err.splitlines()[0] == line
    assert snapshot(kb_copy) == before


def test_a_review_of_an_unknown_claim_is_refused(cli, kb_copy):
    args = ["review", "D99-c1", *REVIEW[2:]]
    run = cli(*args, "--kb", str(kb_copy))
    assert (run.code, run.out) == (2, "")
    assert run.err.splitlines()[0] == "Error: no claim 'D99-c1' in the knowledge base"


def test_a_numeric_rating_needs_its_scale(cli, kb_copy):
    args = REVIEW[:4] + REVIEW[10:]  # --rating-value without --best and --worst is cut out
    args = args[:4] + ["--rating-value", "3"] + args[4:]
    run = cli(*args, "--kb", str(kb_copy))
    assert run.code == 2
    assert run.err.splitlines()[0] == "Error: a numeric rating needs --rating-value, --best and --worst together"


def test_the_bundled_read_only_kb_refuses_a_review(monkeypatch):
    from claimkb import resources

    monkeypatch.setattr(resources, "is_bundled", lambda: True)
    kb = claimkb.open()
    with pytest.raises(claimkb.UsageError) as caught:
        kb.review("D01-c02", rating="False", url=URL, author="X", recorded_on=None)
    assert caught.value.message == "the bundled knowledge base is read-only"
    assert caught.value.hint


def test_a_file_not_written_by_review_is_never_replaced(cli, kb_copy):
    (kb_copy / "graphs" / GRAPH).write_text("# someone else's graph\n", encoding="utf-8")
    run = cli(*REVIEW, "--kb", str(kb_copy))
    assert run.code == 2
    assert run.err.splitlines()[0] == (
        f"Error: {kb_copy / 'graphs' / GRAPH} exists and was not written by `claimkb review`")
    assert (kb_copy / "graphs" / GRAPH).read_text(encoding="utf-8") == "# someone else's graph\n"
