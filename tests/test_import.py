"""Importing a claim sheet: resolved, anchored and checked before anything is written."""

from __future__ import annotations

import json
import textwrap

import pytest

from .helpers import DATA, snapshot

GOOD = """\
document:
  id: T01-test
  title: Test report relaying the seed article
  kind: news-article
  publisher: bloomberg
  url: https://example.org/t01
  published: {start: 2024-11-07, precision: day}
  certainty: high
  archive: archive/D01-seed.txt
curation: {recorded_on: 2026-11-27}
claims:
- id: T01-c1
  text: Russia has suffered about 701,650 casualties.
  claimant: ua-mod
  carriage: attributed
  cue: revealed
  anchor: "approximately 701,650 casualties"
  asserted: {phrase: on Tuesday}
  period: {phrase: since February 2022, cumulative: true, as_of: {start: 2024-11-04, end: 2024-11-05}}
  quantity: {measures: ru-casualties-cumulative, value: 701650, as_written: "701,650", unit: persons,
             comparator: approximately}
  relays: [{claim: D01-c02}]
  primary_source: D02-c1
- id: T01-c2
  text: October saw an average of 1,400 casualties a day.
  claimant: ua-government
  carriage: attributed
  asserted: {unstated: true}
  period: {phrase: October}
  quantity: {measures: ru-casualties-daily-mean-month, value: 1400, unit: persons per day}
"""


def write(tmp_path, text: str):
    path = tmp_path / "sheet.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_new_sheet_imports_and_its_claims_reach_trace_who_and_disagreements(cli, kb_copy, tmp_path):
    sheet = write(tmp_path, GOOD)
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert run.code == 0, run.err
    assert run.err.startswith(f"wrote {kb_copy / 'graphs' / 'T01-test.trig'} (2 claims,")
    traced = json.loads(cli("trace", "701,650", "--kb", str(kb_copy), "--format", "json").out)
    t01 = next(r for r in traced if r["claim"].endswith("/T01-c1"))
    assert [h["source"].rsplit("/", 1)[1] for h in t01["chain"]] == ["D01-c02", "D02-c1"]
    assert t01["asserted_start"] == "2024-11-05"  # "on Tuesday" against 7 Nov 2024
    who = json.loads(cli("who", "agent:ua-government", "--kb", str(kb_copy), "--format", "json").out)
    assert any(r["claim"].endswith("/T01-c2") for r in who)
    rows = json.loads(cli("disagreements", "--kb", str(kb_copy), "--format", "json").out)
    assert {("numeric conflict", "D01-c04", "T01-c2")} <= {
        (r["kind"], r["claim"].rsplit("/", 1)[1], r["other"].rsplit("/", 1)[1]) for r in rows}
    assert cli("validate", "--kb", str(kb_copy)).code == 0


BROKEN = GOOD.replace("period: {phrase: October}", "period: {start: 2024-02-30}").replace(
    "comparator: approximately}", "comparator: roughly}").replace(
    '"approximately 701,650 casualties"', '"approximately 710,650 casualties"').replace(
    "  claimant: ua-government\n", "")


def test_a_broken_sheet_gives_one_error_per_problem_and_writes_nothing(cli, kb_copy, tmp_path):
    before = snapshot(kb_copy)
    run = cli("import", str(write(tmp_path, BROKEN)), "--kb", str(kb_copy))
    assert run.code == 1
    assert run.out == ""
    sheet = tmp_path / "sheet.yaml"
    assert run.err.splitlines() == [
        f"Error: {sheet}, line 21, claim T01-c1.quantity.comparator: unknown comparator 'roughly'; use one of: "
        "exactly, approximately, more-than, at-least, less-than, up-to, almost, between",
        f"Error: {sheet}, line 17, claim T01-c1.anchor: anchor 'approximately 710,650 casualties' is not in "
        "the archived text verbatim",
        "Hint: copy the words exactly from the archived text, quotation marks and spaces included",
        f"Error: {sheet}, line 24, claim T01-c2.claimant: is missing",
        "Hint: name the agent who asserts it (an agent id of the knowledge base or of this sheet's `agents:`), "
        "or `unattributed` for hearsay",
        f"Error: {sheet}, line 28, claim T01-c2.period.start: '2024-02-30' is not a real date "
        "(day is out of range for month)",
    ]
    assert snapshot(kb_copy) == before


def test_a_quote_that_is_not_in_the_archive_is_an_error_never_a_fuzzy_match(cli, kb_copy, tmp_path):
    before = snapshot(kb_copy)
    sheet = write(tmp_path, GOOD.replace('"approximately 701,650 casualties"', '"approximately 710,650 casualties"'))
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines() == [
        f"Error: {sheet}, line 17, claim T01-c1.anchor: anchor 'approximately 710,650 casualties' is not in the "
        "archived text verbatim",
        "Hint: copy the words exactly from the archived text, quotation marks and spaces included",
    ]
    assert snapshot(kb_copy) == before


def test_unknown_references_are_reported_with_their_field(cli, kb_copy, tmp_path):
    before = snapshot(kb_copy)
    sheet = write(tmp_path, GOOD.replace("claimant: ua-mod", "claimant: nobody").replace(
        "measures: ru-casualties-daily-mean-month", "measures: vibes"))
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert run.code == 1
    assert [line for line in run.err.splitlines() if line.startswith("Error:")] == [
        f"Error: {sheet}, claim T01-c1.claimant: unknown agent 'nobody'",
        f"Error: {sheet}, claim T01-c2.quantity.measures: unknown quantity 'vibes'",
    ]
    assert snapshot(kb_copy) == before


def test_not_yaml_is_a_located_error(cli, kb_copy, tmp_path):
    run = cli("import", str(write(tmp_path, "document: [unclosed\n")), "--kb", str(kb_copy))
    assert run.code == 1
    assert run.err.splitlines()[0].startswith(f"Error: {tmp_path / 'sheet.yaml'}, line 2: not valid YAML:")


def test_a_sheet_whose_graph_breaks_the_shapes_is_refused_before_writing(cli, kb_copy, tmp_path):
    before = snapshot(kb_copy)
    # A review's rating value that is not a number is caught by the reader; a claim graph without
    # schema:about cannot be written by a sheet. What the shapes still catch on import: a stance whose
    # two ends are the same claim.
    sheet = write(tmp_path, GOOD + "stances:\n- {id: T01-s1, from: T01-c1, to: T01-c1, stance: supports, "
                                   "description: A claim supporting itself.}\n")
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[0].startswith("Error: https://w3id.org/claimkb/id/stance/T01-s1: ")
    assert snapshot(kb_copy) == before


def test_yaml_figures_keep_the_digits_written(cli, kb_copy, tmp_path):
    sheet = write(tmp_path, GOOD.replace("value: 1400", "value: 01400").replace(
        "unit: persons per day}", "unit: persons per day, min: 1399.99999999999999999, max: .nan}"))
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert run.code == 1
    assert run.err.splitlines()[0] == (
        f"Error: {sheet}, line 30, claim T01-c2.quantity.max: '.nan' is not a decimal number")
    sheet = write(tmp_path, GOOD.replace("value: 1400", "value: 01400"))
    assert cli("import", str(sheet), "--kb", str(kb_copy)).code == 0
    text = (kb_copy / "graphs" / "T01-test.trig").read_text()
    assert "schema:value 1400.0" in text and 'ckb:valueAsWritten "01400"' in text


def test_a_long_decimal_and_words_with_spaces_come_back_exactly(cli, kb_copy, tmp_path):
    value = "1234567890123456789012345678.901"  # 31 digits: more than a default decimal context keeps
    text = "  Russia\u00a0has suffered\nabout 701,650 casualties.  "
    csv_text = (DATA / "T01-test.csv").read_text(encoding="utf-8").replace(
        '"October saw an average of 1,400 casualties a day."', '"' + text + '"').replace(",1400,", f",{value},")
    sheet = tmp_path / "long.csv"
    sheet.write_text(csv_text, encoding="utf-8")
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert run.code == 0, run.err
    record = json.loads(cli("claim", "T01-c2", "--kb", str(kb_copy), "--format", "json").out)[0]
    assert record["value"] == value
    assert record["text"] == text


def test_a_written_graph_the_parser_cannot_read_back_is_an_error_not_a_traceback():
    """A sheet's text over the parser's 16 MiB for one term makes a graph that cannot be re-parsed: the
    check after writing says so (and nothing is written) instead of a MemoryError."""
    from claimkb.errors import InputError
    from claimkb.ingest.build import _reparse

    data = ('<https://example.org/g> { <https://example.org/a> <https://example.org/b> "'
            + "x" * (17 * 1024 * 1024) + '" . }\n').encode()
    with pytest.raises(InputError, match="cannot be read back") as raised:
        _reparse(1)(data)
    assert "shorten" in (raised.value.hint or "")
