"""Output that cannot attack its reader, end to end: a claim whose text starts with a spreadsheet formula,
holds terminal escape sequences and a bidi override, and a line break followed by what looks like another
row, imported from a sheet (and the same values answered by a SPARQL endpoint), on every output format.

- table: control characters and bidi overrides shown escaped, line breaks as \\n: one row per line;
- csv: RFC 4180 quoting (a line break stays inside its cell), formula cells prefixed with an apostrophe;
- tsv: backslash, TAB, LF and CR escaped, so every line is a row for any reader; formulas neutralised;
- json, jsonl, sparql-json: the exact value (JSON writes control characters as \\u escapes).
"""

import csv
import io
import json
import re

import pytest

from .helpers import KB, FakeEndpoint

TEXT = ('=HYPERLINK("http://127.0.0.1:9/x","click")\x1b[2J\x1b]0;owned\x07 \u202eexe.txt\r\n'
        "claim:D99-c1  forged row\n@SUM(1+1)")
ESCAPED_TEXT = ('=HYPERLINK("http://127.0.0.1:9/x","click")\\x1b[2J\\x1b]0;owned\\x07 \\u202eexe.txt\\n'
                "claim:D99-c1  forged row\\n@SUM(1+1)")
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
FORMATS = ["table", "json", "jsonl", "csv", "tsv", "sparql-json"]
QUERY = "PREFIX schema: <http://schema.org/> SELECT ?c ?t WHERE { ?c schema:text ?t FILTER(STRSTARTS(?t, '=')) }"


def yaml_text(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar with the same escapes


@pytest.fixture(scope="module")
def hostile_kb(tmp_path_factory):
    from .helpers import copy_kb, run_cli

    folder = copy_kb(tmp_path_factory.mktemp("hostile") / "kb")
    sheet = folder / "sheets" / "D31-ukdi-sep.yaml"
    original = sheet.read_text(encoding="utf-8")
    line = next(x for x in original.splitlines() if x.startswith("  text: Russian casualties in September"))
    sheet.write_text(original.replace(line, "  text: " + yaml_text(TEXT)), encoding="utf-8")
    run = run_cli("import", str(sheet), "--kb", str(folder))
    assert run.code == 0, run.err
    return folder


def check(fmt: str, out: str, text_column: str, rows: int, original: str = TEXT) -> None:
    """The output of one format holds `original` in the way that format promises, in `rows` rows."""
    if fmt == "table":
        assert not RAW_CONTROL.search(out)
        assert ESCAPED_TEXT in out if original == TEXT else True
        assert not any(line.startswith(("claim:D99-c1", "@SUM")) for line in out.splitlines())
    elif fmt == "csv":
        table = list(csv.DictReader(io.StringIO(out, newline="")))
        assert len(table) == rows
        assert "'" + original in [r[text_column] for r in table]
        assert all(not r[text_column].startswith(("=", "+", "-", "@")) for r in table)
    elif fmt == "tsv":
        lines = out.split("\n")[:-1]
        assert len(lines) == rows + 1 and len({line.count("\t") for line in lines}) == 1
        header = lines[0].split("\t")
        cells = [line.split("\t")[header.index(text_column)] for line in lines[1:]]
        unescaped = [re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n", "r": "\r"}.get(m[1], m[1]), c) for c in cells]
        assert "'" + original in unescaped
    elif fmt == "jsonl":
        records = [json.loads(line) for line in out.splitlines()]
        assert len(records) == rows and original in [r[text_column] for r in records]
        assert not RAW_CONTROL.search(out.replace("\u202e", ""))
    elif fmt == "json":
        records = json.loads(out)
        assert len(records) == rows and original in [r[text_column] for r in records]
        assert not RAW_CONTROL.search(out.replace("\u202e", ""))
    else:
        bindings = json.loads(out)["results"]["bindings"]
        assert len(bindings) == rows and original in [b[text_column]["value"] for b in bindings]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_hostile_claim_text_is_harmless_in_every_format_of_sparql(cli, hostile_kb, fmt):
    run = cli("sparql", QUERY, "--kb", str(hostile_kb), "--format", fmt)
    assert run.code == 0, run.err
    check(fmt, run.out, "t", 1)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_hostile_claim_text_is_harmless_in_every_format_of_the_read_commands(cli, hostile_kb, fmt):
    who = cli("who", "UK Defence Intelligence", "--kb", str(hostile_kb), "--format", fmt)
    assert who.code == 0, who.err
    if fmt != "sparql-json":  # who's sparql-json is the catalogue's table, checked below with query run
        check(fmt, who.out, "text", 13)
    claim = cli("claim", "D31-c1", "--kb", str(hostile_kb), "--format", fmt)
    assert claim.code == 0, claim.err
    if fmt in ("table", "csv", "tsv", "json", "jsonl"):
        check(fmt, claim.out, "text", 1)
    trace = cli("trace", "1271", "--kb", str(hostile_kb), "--format", fmt)
    assert trace.code == 0, trace.err
    if fmt == "table":
        check(fmt, trace.out, "text", 1)
        assert not any(line.startswith("claim:D99-c1") for line in trace.out.splitlines())


def test_raw_cells_leaves_formulas_as_they_are(cli, hostile_kb):
    run = cli("sparql", QUERY, "--kb", str(hostile_kb), "--format", "csv", "--raw-cells")
    assert [r["t"] for r in csv.DictReader(io.StringIO(run.out, newline=""))] == [TEXT]


REMOTE_IRI = "http://e.example/\x1b[2Jx"
REMOTE = {"head": {"vars": ["t", "=cmd"]},
          "results": {"bindings": [{"t": {"type": "literal", "value": TEXT},
                                    "=cmd": {"type": "uri", "value": REMOTE_IRI}},
                                   {"t": {"type": "literal", "value": "-2+3"},
                                    "=cmd": {"type": "literal", "value": "@x\u202e", "xml:lang": "en"}}]}}


@pytest.fixture(scope="module")
def hostile_endpoint():
    fake = FakeEndpoint(REMOTE)
    yield fake
    fake.close()


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_endpoints_hostile_answer_is_harmless_in_every_format(cli, hostile_endpoint, fmt):
    run = cli("sparql", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", hostile_endpoint.url, "--format", fmt)
    assert run.code == 0, run.err
    check(fmt, run.out, "t", 2)
    if fmt == "table":
        assert "\\x1b[2Jx" in run.out and "=cmd" in run.out.splitlines()[0]
    if fmt == "csv":
        assert run.out.splitlines()[0] == "t,'=cmd"
        assert [r["'=cmd"] for r in csv.DictReader(io.StringIO(run.out, newline=""))] == [REMOTE_IRI, "'@x\u202e"]
    if fmt == "tsv":
        assert run.out.splitlines()[0] == "t\t'=cmd"
    if fmt == "sparql-json":
        assert json.loads(run.out) == REMOTE


def test_an_error_quoting_hostile_text_shows_its_escapes(cli):
    run = cli("sparql", "SELECT * WHERE { ?s ?p \x1b[2J }")
    assert run.code == 1 and not RAW_CONTROL.search(run.err)
    assert "\\x1b[2J" in run.err


def test_the_bundled_sheet_text_used_here_exists():
    assert "  text: Russian casualties in September 2024 averaged" in (KB / "sheets" / "D31-ukdi-sep.yaml").read_text(
        encoding="utf-8")


HOSTILE_LABEL = ("\x1b[2J\x1b[31mRED\x1b[0m\rForged\u202eevil\u061c\tTAB\n"
                 "claimant,label,kind,claims,documents\nhttps://x,Fake,news outlet,99,99")
LABEL_SHEET = """document:
  id: X01-test
  title: Test document
  kind: news-article
  publisher: bloomberg
  url: https://example.org/x01
  published: {start: 2024-11-07, precision: day}
  certainty: high
curation:
  recorded_on: 2026-11-27
agents:
- {id: evil-agent, label: LABEL, kind: politician, type: person}
claims:
- id: X01-c1
  text: A test claim.
  claimant: evil-agent
  carriage: attributed
  asserted: {start: 2024-11-06, precision: day}
""".replace("LABEL", yaml_text(HOSTILE_LABEL))


def test_a_claimants_hostile_label_is_escaped_in_the_note_on_stderr(cli, kb_copy, tmp_path):
    sheet = tmp_path / "X01-test.yaml"
    sheet.write_text(LABEL_SHEET, encoding="utf-8")
    assert cli("import", str(sheet), "--kb", str(kb_copy)).code == 0
    run = cli("who", "https://w3id.org/claimkb/id/agent/evil-agent", "--kb", str(kb_copy))
    assert run.code == 0, run.err
    assert run.err.splitlines() == [
        "\\x1b[2J\\x1b[31mRED\\x1b[0m\\rForged\\u202eevil\\u061c\\tTAB\\nclaimant,label,kind,claims,documents\\n"
        "https://x,Fake,news outlet,99,99 (politician): 1 claims", "1 row"]


def test_the_arabic_letter_mark_is_escaped_in_tables_like_the_other_bidi_marks():
    from claimkb.render import shown

    assert shown("a\u061cb\u200ec\u202ed\u2066e") == "a\\u061cb\\u200ec\\u202ed\\u2066e"
