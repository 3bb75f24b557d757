"""Output that does not mislead: each problem seen by a new user, checked on the bundled data."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import subprocess
import sys

import pytest

import claimkb
from claimkb import rules
from claimkb.errors import UsageError

from .helpers import DATA, ROOT, Run


def local(iri: str | None) -> str:
    return (iri or "").rsplit("/", 1)[-1]


# -- a figure says its comparator and unit once ------------------------------------------------------

@pytest.mark.parametrize(
    ("written", "comparator", "unit", "shown"),
    [("1,146 sq km", "Approximately", "km2", "approximately 1,146 sq km"),
     ("around 1,146 sq km", "Approximately", "km2", "around 1,146 sq km"),
     (">2/3", "MoreThan", "share of respondents", ">2/3 share of respondents"),
     ("more than 200", "MoreThan", "km2", "more than 200 km2"),
     ("1307", "Exactly", "persons per day", "1307 persons per day")],
)
def test_a_figure_says_its_comparator_and_unit_once(written, comparator, unit, shown):
    assert rules.figure_text(written, comparator, unit) == shown


HEDGE_THEN_SYMBOL = re.compile(r"\b(more than|approximately|about|around|up to|at least|almost|less than) [<>~≈≥≤]")


def test_no_figure_in_any_answer_repeats_its_comparator_or_unit(cli):
    shown = cli("disagreements").out + cli("trace", "1,146 sq km").out + cli("trace", "two-thirds").out
    shown += cli("timeline", "--format", "csv").out
    assert "sq km km2" not in shown and "km2 km2" not in shown
    assert not HEDGE_THEN_SYMBOL.search(shown)
    for claim in claimkb.open().timeline():
        if claim.value_as_written and claim.unit:
            text = rules.figure_text(claim.value_as_written, claim.comparator, claim.unit, claim.min_value,
                                     claim.max_value)
            assert not HEDGE_THEN_SYMBOL.search(text), (claim.claim, text)
            if re.search(r"\d\s*(sq km|km2|km|sq mi|%)", claim.value_as_written):  # the figure names its unit
                assert not text.endswith(f" {claim.unit}"), (claim.claim, text)


# -- joint claimants keep each label with its own kind ------------------------------------------------

def test_joint_claimants_are_listed_with_their_own_kinds_in_the_same_order(cli, kb):
    out = cli("claim", "D19-c1-daily-mean").out
    line = next(text for text in out.splitlines() if text.strip().startswith("claimant"))
    assert line == ("    claimant   John Healey (politician); UK Defence Intelligence (intelligence agency); "
                    "attributed")
    rows = {local(r["claim"]): r for r in csv.DictReader(io.StringIO(cli("timeline", "--format", "csv").out))}
    assert (rows["D19-c1-daily-mean"]["claimants"], rows["D19-c1-daily-mean"]["claimant_kinds"]) == (
        "John Healey / UK Defence Intelligence", "politician / intelligence agency")
    kinds = {r["label"]: r["kind"] for r in kb.who().to_dicts()}
    for claim in kb.timeline():
        for agent in claim.claimants:
            assert agent.kind == kinds[agent.label], (claim.claim, agent)


# -- ids are never cut, piped output never, terminal cells only without --wide ------------------------

class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def on_terminal(*args: str, columns: int = 100) -> Run:
    from claimkb.cli import main

    out, err = Terminal(), io.StringIO()
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(columns)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous
    return Run(code, out.getvalue(), err.getvalue())


def test_piped_output_is_never_cut(cli, kb):
    out = cli("sources").out
    assert "…" not in out
    for row in kb.sources().to_dicts():
        assert row["headline"] in out  # every headline whole, however long


def test_on_a_narrow_terminal_text_is_cut_but_ids_never_are(kb):
    run = on_terminal("sources", columns=100)
    assert "…" in run.out
    for row in kb.sources().to_dicts():
        assert re.search(rf"(^|\s)doc:{re.escape(local(row['document']))}(\s|$)", run.out, re.M)
    table = on_terminal("disagreements", columns=100).out
    assert "…" in table
    ids = {f"claim:{local(i)}" for d in kb.disagreements() for i in (d.claim, d.other) if i}
    assert "claim:D02-c3-monthly-total" in ids
    for claim in ids:
        assert re.search(rf"(^|\s){re.escape(claim)}(\s|$)", table, re.M), claim


def test_wide_shows_every_cell_whole_on_a_terminal(kb):
    run = on_terminal("sources", "--wide", columns=100)
    assert "…" not in run.out
    for row in kb.sources().to_dicts():
        assert row["headline"] in run.out


# -- machine formats -----------------------------------------------------------------------------

def test_tsv_keeps_a_cell_that_starts_with_a_quotation_mark(cli):
    run = cli("sparql", 'SELECT ?x ?y WHERE { BIND("\\"fling\\" into the grinder" AS ?x) BIND("plain" AS ?y) }',
              "--format", "tsv")
    assert run.code == 0, run.err
    # TSV is tab-separated lines with no quoting (tabs, newlines and backslashes escaped): cut and awk read it
    assert [line.split("\t") for line in run.out.splitlines()] == [["x", "y"], ['"fling" into the grinder', "plain"]]


@pytest.mark.parametrize("typed", ["701650", "meat grinder"])
def test_trace_json_always_emits_every_key_null_when_absent(cli, typed):
    from claimkb.records import Hop

    records = json.loads(cli("trace", typed, "--format", "json").out)
    reference = json.loads(cli("trace", "701650", "--format", "json").out)[0]
    for record in records:
        assert set(record) == set(reference)
        for hop in record["chain"]:
            assert set(hop) == set(Hop._fields)
    no_quote = json.loads(cli("trace", "701650", "--format", "json").out)[1]
    assert local(no_quote["claim"]) == "D02-c1" and no_quote["quote"] is None and no_quote["match"] is None


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
def test_claims_machine_formats_carry_its_hops(cli, fmt):
    run = cli("claim", "D01-c05", "--format", fmt)
    assert run.code == 0
    if fmt in ("json", "jsonl"):
        record = json.loads(run.out)[0] if fmt == "json" else json.loads(run.out.splitlines()[0])
        assert [local(h["source"]) for h in record["chain"]] == ["D04-c1"]
        assert record["chain"][0]["wording"] == "changed"
        assert record["chain"][0]["wording_changes"] == ["fling -> flight", "the grinder -> the meat grinder"]
    else:
        row = next(csv.DictReader(io.StringIO(run.out), delimiter="," if fmt == "csv" else "\t"))
        assert row["chain"] == ("https://w3id.org/claimkb/id/claim/D01-c05 -> https://w3id.org/claimkb/id/claim/D04-c1 "
                                "[quoted words differ from the source's: fling -> flight; the grinder -> the meat "
                                "grinder]")


# -- unknown names are errors with a suggestion ------------------------------------------------------

UNKNOWN = [
    (["disagreements", "--quantity", "qk:nosuch"], "Error: no measured quantity 'qk:nosuch' in the knowledge base",
     "Hint: list them with `claimkb query run quantities`"),
    (["disagreements", "-q", "qk:ru-casualties-cumulativ"],
     "Error: no measured quantity 'qk:ru-casualties-cumulativ' in the knowledge base",
     "Hint: did you mean 'qk:ru-casualties-cumulative' or 'qk:ua-civilian-casualties-cumulative' or "
     "'qk:ru-submarines-lost-cumulative'? list them with `claimkb query run quantities`"),
    (["who", "Starmr"], "Error: no claimant matches 'Starmr'",
     "Hint: did you mean 'Keir Starmer' or 'agent:starmer'? list claimants with `claimkb who`"),
    (["claim", "D01-c2"], "Error: no claim 'D01-c2' in the knowledge base",
     "Hint: did you mean 'D01-c02' or 'D01-c29' or 'D01-c28'? list claims with `claimkb timeline`"),
    (["query", "run", "claim"], "Error: no query named 'claim'",
     "Hint: did you mean 'claims' or 'claimants' or 'claim-texts'? see `claimkb query list`"),
    (["query", "show", "checks/relay-cycles"], "Error: no query named 'checks/relay-cycles'",
     "Hint: did you mean 'checks/relay-cycle'? see `claimkb query list`"),
]


@pytest.mark.parametrize(("args", "error", "hint"), UNKNOWN, ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_an_unknown_name_is_a_usage_error_with_a_did_you_mean(cli, args, error, hint):
    run = cli(*args)
    assert (run.code, run.out) == (2, "")
    assert run.err.splitlines() == [error, hint]


# -- one rule for the query forms a table cannot show ------------------------------------------------

@pytest.mark.parametrize(
    ("query", "form"),
    [("ASK { ?s ?p ?o }", "ASK"), ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
     ("DESCRIBE <https://w3id.org/claimkb/id/claim/D01-c02>", "DESCRIBE"),
     ("PREFIX claim: <https://w3id.org/claimkb/id/claim/> describe claim:D01-c02", "DESCRIBE")],
)
def test_ask_construct_and_describe_are_refused_alike(cli, kb, query, form):
    run = cli("sparql", query)
    assert (run.code, run.out) == (2, "")
    assert run.err.splitlines() == [
        f"Error: only SELECT queries are supported here, not {form}",
        "Hint: rewrite it as SELECT; ASK, CONSTRUCT and DESCRIBE are not shown as tables"]
    with pytest.raises(UsageError):
        kb.sparql(query)


def test_a_prefix_named_like_a_query_form_is_no_query_form(cli):
    run = cli("sparql", "PREFIX ask: <http://schema.org/> SELECT ?c WHERE { ?c a ask:Claim } LIMIT 1")
    assert run.code == 0 and run.out.startswith("c\n")


# -- the process itself ----------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["trace", "701650"], ["trace", "meat grinder"], ["claim", "D01-c11"]])
def test_an_output_encoding_without_the_characters_replaces_them_instead_of_a_traceback(args):
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run([sys.executable, "-m", "claimkb", *args], capture_output=True, text=True, env=env,
                          encoding="ascii", errors="strict", timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "?" in done.stdout  # the quotes and ellipses the data has, replaced


def test_version_and_short_help(cli):
    run = cli("--version")
    assert (run.code, run.out) == (0, f"claimkb {claimkb.__version__}\n")
    short, long = cli("-h"), cli("--help")
    assert short.code == 0 and short.out == long.out and "-h, --help" in short.out
    assert cli("trace", "-h").out == cli("trace", "--help").out


# -- the README's import example says what the tool says ---------------------------------------------

def test_the_readme_import_example_conflicts_with_kyiv_and_agrees_with_the_uk(cli, kb_copy):
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert ("T01-c2's 1,400 a day (1,350 to 1,450 as written) conflicts with Kyiv's 1,307 and agrees with the "
            "UK's 1,354") in readme
    assert cli("import", str(DATA / "T01-test.csv"), "--kb", str(kb_copy)).code == 0
    rows = json.loads(cli("disagreements", "--kb", str(kb_copy), "--format", "json").out)
    with_t01 = {(r["kind"], local(r["claim"]), local(r["other"]))
                for r in rows if "T01-c2" in (r["claim"] + r["other"])}
    assert with_t01 == {("numeric conflict", "D01-c04", "T01-c2")}
    traced = json.loads(cli("trace", "1400", "--kb", str(kb_copy), "--format", "json").out)
    relations = {local(c["other"]): c["relation"] for c in traced[0]["compared"]}
    assert relations["D01-c04"] == "numeric conflict"
    assert relations["D19-c1-daily-mean"] == relations["D02-c3-daily-mean"] == "agree"
