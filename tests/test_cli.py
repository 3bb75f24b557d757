"""The command line: answers on the bundled knowledge base, every output format, every error path."""

from __future__ import annotations

import csv
import io
import json

import pytest

from claimkb.cli import app

from .expected import ATTRIBUTIONS, CLAIMS, CLAIMS_BY_CLAIMANT, DOCUMENTS


def test_trace_shows_the_article_claim_its_claimant_date_and_the_general_staff_figure_it_relays(cli):
    run = cli("trace", "701650")
    assert run.code == 0
    assert run.out.startswith("701650: 2 claims carry this value\n")
    assert "[1] claim:D01-c02  Russia has suffered approximately 701,650 casualties" in run.out
    assert "claimant   Ministry of Defence of Ukraine (belligerent government); attributed, cue 'revealed'" in run.out
    assert "asserted   2024-11-05 ('on November 5', inferred)" in run.out
    assert ("-> claim:D02-c1 (General Staff of the Armed Forces of Ukraine, claimant differs, published "
            "2024-11-05): value unchanged, period unchanged, hedge unchanged, quantity unchanged, "
            "wording not compared") in run.out
    assert "earliest in the knowledge base: claim:D02-c1" in run.out
    assert "agree                 claim:D02-c1" in run.out
    assert "different date        claim:D04-c2  600000 persons" in run.out


@pytest.mark.parametrize("typed", ["701650", "701,650", "701 650", "701650.0", "701 650 casualties"])
def test_trace_finds_number_written_with_thousands_separator(cli, typed):
    run = cli("trace", typed, "--format", "json")
    assert run.code == 0
    assert [r["claim"].rsplit("/", 1)[1] for r in json.loads(run.out)] == ["D01-c02", "D02-c1"]


@pytest.mark.parametrize(
    ("typed", "claims"),
    [("1,146", ["D05-c2", "D01-c08"]), ("1146 sq km", ["D05-c2", "D01-c08"]),
     ("two-thirds", ["D05-c3", "D01-c10"]), ("10k", ["D10-c1", "D01-c23"]),
     ("615,000", ["D22-c1-total"]), ("600000", ["D04-c2", "D22-c1-total"])],
)
def test_trace_reads_numbers_in_words_units_and_bounds(cli, typed, claims):
    run = cli("trace", typed, "--format", "json")
    assert run.code == 0
    assert [r["claim"].rsplit("/", 1)[1] for r in json.loads(run.out)] == claims


def test_trace_marks_what_changed_at_each_hop(cli):
    record = json.loads(cli("trace", "1146", "--format", "json").out)[1]
    assert record["claim"].endswith("/D01-c08")
    hop = record["chain"][0]
    assert hop["source"].endswith("/D05-c2")
    assert (hop["value"], hop["period"], hop["quantity"], hop["wording"]) == (
        "unchanged", "changed", "changed", "not compared")


def test_trace_json_carries_the_chain_and_the_compared_claims(cli):
    records = json.loads(cli("trace", "1307", "--format", "json").out)
    assert len(records) == 1
    relations = {r["other"].rsplit("/", 1)[1]: r["relation"] for r in records[0]["compared"]}
    assert relations == {"D02-c3-daily-mean": "numeric conflict", "D19-c1-daily-mean": "numeric conflict",
                         "D31-c1": "different period"}
    assert records[0]["totals"] == {"numeric conflict": 2, "different period": 1}


def test_trace_csv_is_pure_csv_with_one_row_per_claim(cli):
    run = cli("trace", "701650", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(run.out)))
    assert [r["claim"].rsplit("/", 1)[1] for r in rows] == ["D01-c02", "D02-c1"]
    assert rows[0]["earliest"] == "https://w3id.org/claimkb/id/claim/D02-c1"
    assert rows[0]["agree"] == "https://w3id.org/claimkb/id/claim/D02-c1"
    assert rows[0]["claimants"] == "Ministry of Defence of Ukraine"
    assert run.err == ""


def test_trace_with_no_match_says_so_and_suggests_the_nearest_values(cli):
    run = cli("trace", "12345")
    assert run.code == 1
    assert run.out == ""
    assert run.err == ("Error: no claim carries the value '12345'\n"
                       "Hint: nearest values in the knowledge base: 12000 persons, 10000 soldiers, "
                       "9208 units, 18309 units, 18581 units\n")


def test_who_lists_claimants_with_kinds_and_counts(cli):
    run = cli("who", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(run.out)))
    by_label = {r["label"]: r for r in rows}
    assert (by_label["General Staff of the Armed Forces of Ukraine"]["claims"]
            == str(CLAIMS_BY_CLAIMANT["ua-general-staff"]))
    assert by_label["Unattributed"]["kind"] == "unattributed"
    assert by_label["Unattributed"]["claims"] == "2"
    total = sum(int(r["claims"]) for r in rows)
    assert total == ATTRIBUTIONS > CLAIMS  # joint statements count once per claimant


def test_who_with_a_name_lists_that_claimants_claims(cli):
    run = cli("who", "uk defence INTELLIGENCE", "--format", "jsonl")
    claims = [json.loads(line)["claim"].rsplit("/", 1)[1] for line in run.out.splitlines()]
    assert run.code == 0
    assert "D01-c24" in claims and "D21-c1" in claims and len(claims) == CLAIMS_BY_CLAIMANT["uk-di"]


def test_who_matches_by_iri_too(cli):
    by_iri = cli("who", "agent:bloomberg", "--format", "json").out
    by_name = cli("who", "Bloomberg News", "--format", "json").out
    assert by_iri == by_name and len(json.loads(by_iri)) == CLAIMS_BY_CLAIMANT["bloomberg"]


EXPECTED_DISAGREEMENTS = {
    ("numeric conflict", "D01-c04", "D02-c3-daily-mean"),
    ("numeric conflict", "D01-c04", "D19-c1-daily-mean"),
    ("average x days vs total", "D01-c04", "D02-c3-monthly-total"),
    ("average x days vs total", "D01-c04", "D19-c1-monthly-total"),
    ("beyond implied range", "D01-c08", "D05-c1"),
    ("misreported relay", "D01-c05", "D04-c1"),
    ("misreported relay", "D01-c08", "D05-c2"),
    ("misreported relay", "D01-c09", "D05-c1"),
    ("misreported relay", "D01-c10", "D05-c3"),
    ("misreported relay", "D01-c11", "D09-c2"),
    ("misreported relay", "D01-c17", "D17-c1"),
    ("curated contradiction", "D01-c17", "D01-c16"),
    ("curated contradiction", "D17-c1", "D16-c1"),
}


def test_disagreements_lists_every_conflict_the_sources_imply(cli):
    rows = json.loads(cli("disagreements", "--format", "json").out)
    got = {(r["kind"], r["claim"].rsplit("/", 1)[1], (r["other"] or "").rsplit("/", 1)[1]) for r in rows}
    assert got == EXPECTED_DISAGREEMENTS
    assert all(r["reason"] for r in rows)


def test_disagreements_never_compare_different_quantities_or_a_rising_series(cli, kb):
    pairs = kb.session.run("comparisons", {"relation": "disagree"}).rows
    for row in pairs:
        assert row["claimWindowStart"] and row["otherWindowStart"]
    # killed-only (D22-c1-killed) never meets killed-and-wounded; the cumulative series
    # 600,000 (Sep) < 615,000 (Oct) < 700,390 (3 Nov) < 701,650 (4 Nov) is never a conflict.
    rows = json.loads(cli("disagreements", "--quantity", "qk:ru-casualties-cumulative", "--format", "json").out)
    assert rows == []


def test_disagreement_reasons_explain_the_misreport(cli):
    rows = json.loads(cli("disagreements", "--format", "json").out)
    reasons = {r["claim"].rsplit("/", 1)[1]: r["reason"] for r in rows if r["kind"] == "misreported relay"}
    assert reasons["D01-c10"] == ("relays claim:D05-c3: period 2024-09-01..2024-09-30 ('September 2024 survey, "
                                  "2,016 respondents') -> 2024-11-05..2024-11-06 ('now'); "
                                  'hedge "more than" -> "around"')
    assert reasons["D01-c11"] == "relays claim:D09-c2: quoted words differ from the source's: partly -> party"


def test_disagreements_by_quantity(cli):
    rows = json.loads(cli("disagreements", "-q", "qk:ru-casualties-daily-mean-month", "--format", "json").out)
    assert {(r["kind"], r["other"].rsplit("/", 1)[1]) for r in rows} == {
        ("numeric conflict", "D02-c3-daily-mean"), ("numeric conflict", "D19-c1-daily-mean"),
        # the arithmetic check reads the related monthly totals too
        ("average x days vs total", "D02-c3-monthly-total"), ("average x days vs total", "D19-c1-monthly-total")}


def test_claim_shows_one_claim(cli):
    run = cli("claim", "D01-c11")
    assert run.code == 0
    assert "Russia continues to prioritise the southern Donetsk frontlines" in run.out
    assert "-> claim:D09-c2" in run.out


def test_sources_and_timeline(cli):
    sources = list(csv.DictReader(io.StringIO(cli("sources", "--format", "csv").out)))
    assert len(sources) == DOCUMENTS
    seed = next(r for r in sources if r["document"].endswith("/D01-seed"))
    assert (seed["publishedStart"], seed["publishedEnd"], seed["publishedInferred"], seed["archived"]) == (
        "2024-11-05", "2024-11-06", "true", "true")
    timeline = json.loads(cli("timeline", "--format", "json").out)
    assert len(timeline) == CLAIMS
    # earliest bound first: the article's "in March 2022" (from 1 March) precedes AFP's 7 March
    assert [r["claim"].rsplit("/", 1)[1] for r in timeline[:2]] == ["D01-c16", "D16-c1"]


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv", "tsv", "sparql-json"])
def test_every_read_command_takes_every_format(cli, fmt):
    for args in (["trace", "701650"], ["who"], ["who", "putin"], ["disagreements"], ["claim", "D01-c02"],
                 ["sources"], ["timeline"], ["query", "run", "quantities"], ["query", "list"],
                 ["sparql", "SELECT ?s WHERE { ?s a <http://schema.org/Claim> } LIMIT 2"]):
        run = cli(*args, "--format", fmt)
        assert run.code == 0, (args, run.err)
        assert run.out
        if fmt == "sparql-json":
            assert "head" in json.loads(run.out)


def test_sparql_json_is_lossless(cli):
    data = json.loads(cli("query", "run", "claims", "-p", "claim=claim:D01-c02", "--format", "sparql-json").out)
    value = data["results"]["bindings"][0]["value"]
    assert value == {"type": "literal", "value": "701650",
                     "datatype": "http://www.w3.org/2001/XMLSchema#decimal"}


def test_query_list_show_run(cli):
    listing = json.loads(cli("query", "list", "--format", "json").out)
    names = {r["name"] for r in listing}
    assert {"claims", "relay-hops", "comparisons", "contradictions", "claimants", "checks/relay-cycle"} <= names
    assert cli("query", "show", "claims").out.startswith("#+ summary:")
    run = cli("query", "run", "claims-with-value", "-p", "value=1307", "--format", "json")
    assert [r["claim"].rsplit("/", 1)[1] for r in json.loads(run.out)] == ["D01-c04"]


ERRORS = [
    (["query", "run", "nope"], 2, "Error: no query named 'nope'"),
    (["query", "show", "../secrets"], 2, "Error: no query named '../secrets'"),
    (["query", "run", "claims", "-p", "nope=1"], 2, "Error: query 'claims' has no parameter 'nope'"),
    (["query", "run", "claims-with-value", "-p", "value=abc"], 2,
     "Error: parameter value (decimal): 'abc' is not a decimal number"),
    (["query", "run", "claims", "-p", "value"], 2, "Error: parameter 'value' is not key=value"),
    (["query", "run", "claims-with-value", "-p", "value=1", "-p", "value=2"], 2,
     "Error: parameter 'value' is given twice"),
    (["query", "run", "relay-hops", "-p", "claim=not an iri"], 2,
     "Error: parameter claim (iri): 'not an iri' is not an IRI"),
    (["query", "run", "relay-hops", "-p", "changed=maybe"], 2,
     "Error: parameter changed (boolean): 'maybe' is not true or false"),
    (["who", "nobody"], 2, "Error: no claimant matches 'nobody'"),
    (["claim", "D99-c1"], 2, "Error: no claim 'D99-c1' in the knowledge base"),
    (["trace", "701650xyz"], 2, "Error: '701650xyz' is not a number"),
    (["trace", "zq"], 2, "Error: 'zq' is too short to search for"),
    (["trace", "701650", "--format", "xml"], 2,
     "Error: Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'json', 'jsonl', 'csv', "
     "'tsv', 'sparql-json', 'svg', 'dot', 'mermaid'."),
    (["who", "--format", "svg"], 2,
     "Error: Invalid value for '--format' / '-f': 'svg' is not one of 'table', 'json', 'jsonl', 'csv', "
     "'tsv', 'sparql-json'."),
    (["trace"], 2, "Error: Missing argument 'VALUE'."),
    (["sparql", "SELECT * WHERE { ?s ?p }"], 1,
     "Error: the query does not parse at line 1, column 18 ('?s ?p }'): expected SelectQuery"),
    (["sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"], 2,
     "Error: the query uses SERVICE, which claimkb refuses: SERVICE would make the engine fetch data "
     "from another endpoint or a file"),
    (["sparql", "no-such-file.rq"], 2, "Error: 'no-such-file.rq' is neither a query nor a readable file"),
    (["sparql", "ASK { ?s ?p ?o }"], 2, "Error: only SELECT queries are supported here, not ASK"),
    (["nosuchcommand"], 2, "Error: No such command 'nosuchcommand'."),
]


@pytest.mark.parametrize(("args", "code", "line"), ERRORS, ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_error_paths_exit_with_one_error_line_and_no_data(cli, args, code, line):
    run = cli(*args)
    assert run.code == code
    assert run.out == ""
    assert run.err.splitlines()[0] == line
    assert all(hint.startswith("Hint: ") for hint in run.err.splitlines()[1:])


def test_a_missing_kb_folder_is_a_clear_error(cli, tmp_path):
    run = cli("who", "--kb", str(tmp_path))
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[0] == f"Error: no knowledge base files in {tmp_path / 'graphs'}"


def _commands():
    import typer

    root = typer.main.get_command(app)
    for name, command in root.commands.items():
        if hasattr(command, "commands"):
            for sub_name in command.commands:
                yield [name, sub_name]
        else:
            yield [name]


@pytest.mark.parametrize("path", list(_commands()), ids=" ".join)
def test_every_command_has_help_with_examples(cli, path):
    run = cli(*path, "--help")
    assert run.code == 0
    assert "Examples:" in run.out
    assert run.out.count("claimkb ") >= 2


def test_each_axis_of_formats_is_one_table_the_code_and_the_cli_follow():
    from claimkb import formats, render
    from claimkb.cli.kbcmds import ExportFormat
    from claimkb.cli.options import Format

    assert tuple(render.RENDERERS) == tuple(formats.OUTPUT_FORMATS)
    assert [f.value for f in Format] == list(formats.OUTPUT_FORMATS)
    from claimkb.pictures import PICTURES

    assert tuple(PICTURES) == tuple(formats.PICTURE_FORMATS)
    assert [f.value for f in ExportFormat] == list(formats.EXPORT_FORMATS)
