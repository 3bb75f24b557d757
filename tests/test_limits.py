"""Limits on every file and value a user hands claimkb: devices, pipes and folders, YAML aliases, deep
nesting, numbers with huge exponents and lone surrogates are each one `Error:` line, at once."""

import json
import os
import threading
import time

import pytest

from claimkb.catalogue import Catalogue
from claimkb.errors import InputError

from .helpers import KB, snapshot

GOOD_YAML = (KB / "sheets" / "D31-ukdi-sep.yaml").read_text(encoding="utf-8")
GOOD_REVIEW = {"@context": "https://schema.org", "@type": "ClaimReview", "url": "https://factcheck.example.org/x",
               "datePublished": "2024-11-06", "claimReviewed": "A claim",
               "reviewRating": {"@type": "Rating", "alternateName": "False"}}


def refused_at_once(cli, *args) -> tuple[int, str, str, float]:
    started = time.monotonic()
    run = cli(*args)
    return run.code, run.out, run.err, time.monotonic() - started


def test_a_symlink_to_dev_zero_is_refused_before_reading(cli, kb_copy, tmp_path):
    sheet = tmp_path / "zero.yaml"
    sheet.symlink_to("/dev/zero")
    code, out, err, seconds = refused_at_once(cli, "import", str(sheet), "--kb", str(kb_copy))
    assert (code, out) == (1, "")
    assert err.splitlines() == [f"Error: {sheet}: not a regular file (a device, pipe or socket)",
                                "Hint: give the path of a file"]
    assert seconds < 10


def test_a_fifo_is_refused_without_waiting_for_a_writer(cli, kb_copy, tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)

    def unblock() -> None:  # should the reader ever wait for a writer, this one ends the wait after 20 s
        time.sleep(20)
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass

    threading.Thread(target=unblock, daemon=True).start()
    code, out, err, seconds = refused_at_once(cli, "import", str(fifo), "--kb", str(kb_copy))
    assert (code, out, err.splitlines()[0]) == (1, "", f"Error: {fifo}: not a regular file (a device, pipe or socket)")
    assert seconds < 10


def test_a_folder_is_not_a_sheet(cli, kb_copy, tmp_path):
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    run = cli("import", str(folder), "--kb", str(kb_copy))
    assert (run.code, run.out, run.err.splitlines()[0]) == (1, "", f"Error: {folder}: not a regular file (a folder)")


LAUGHS = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))
YAML_BOMBS = {
    "billion laughs under an unknown key": "l0: &l0 [lol]\n" + LAUGHS + "document: {title: x}\n",
    "billion laughs under the title": ("l0: &l0 [lol]\n" + LAUGHS.replace("l9: &l9", "l9: &l9")
                                       + "document:\n  title: [*l9, *l9]\n"),
    "a 1 MB string aliased 3,000 times": ("big: &big " + "x" * 1_000_000 + "\ndocument:\n  title: ["
                                          + ", ".join(["*big"] * 3000) + "]\n"),
    "a merge of an anchored mapping": "base: &b {title: x}\ndocument:\n  <<: *b\n",
}


@pytest.mark.parametrize("name", YAML_BOMBS)
def test_yaml_anchors_and_aliases_are_refused_at_once(cli, kb_copy, tmp_path, name):
    sheet = tmp_path / "bomb.yaml"
    sheet.write_text(YAML_BOMBS[name], encoding="utf-8")
    code, out, err, seconds = refused_at_once(cli, "import", str(sheet), "--kb", str(kb_copy))
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == (f"Error: {sheet}, line 1: YAML anchors and aliases (&name, *name) are not accepted "
                                   "in claim sheets")
    assert seconds < 10


HUGE = {
    "a YAML value": ("bomb.yaml", GOOD_YAML.replace('value: "1271"', "value: 1e999999999"),
                     "line 30: the number '1e999999999' has an exponent beyond 100"),
    "a quoted YAML value": ("bomb.yaml", GOOD_YAML.replace('value: "1271"', 'value: "1.5E+999999999"'),
                            "line 30: the number '1.5E+999999999' has an exponent beyond 100"),
    "a JSON rating number": ("r.json", json.dumps(GOOD_REVIEW).replace('"alternateName"', '"ratingValue": 1e999999999, '
                                                                         '"alternateName"'),
                             "not valid JSON: the number 1e999999999 has an exponent beyond 100"),
    "a JSON rating string": ("r.json", json.dumps({**GOOD_REVIEW, "reviewRating": {
        "@type": "Rating", "alternateName": "False", "ratingValue": "1e999999999"}}),
        "review 1.reviewRating.ratingValue: '1e999999999' is not a number in plain digits"),
    "a CSV value": ("T01-test.csv", None, "line 2, value: the number '1e999999999' has an exponent beyond 100"),
    "a YAML percentage": ("bomb.yaml", GOOD_YAML.replace('value: "1271"', 'value: "1e999999999%"'),
                          "line 30, claim D31-c1.quantity.value: the number '1e999999999%' has an exponent beyond 100"),
    "a YAML value in per cent": ("bomb.yaml", GOOD_YAML.replace('value: "1271"', 'value: "1e999999999 per cent"'),
                                 "line 30, claim D31-c1.quantity.value: the number '1e999999999 per cent' has an "
                                 "exponent beyond 100"),
    "a YAML value of 100,001 digits": ("bomb.yaml", GOOD_YAML.replace('value: "1271"', f'value: "{"9" * 100_001}"'),
                                       "line 30, claim D31-c1.quantity.value: the number "
                                       f"'{'9' * 40}'... has more than 100 digits before or after the point"),
    "a YAML lone surrogate": ("s.yaml", GOOD_YAML.replace("text: Russian casualties in September 2024 averaged",
                                                         'text: "\\ud800 casualties"\n  old_text: x'),
                              "line 19: the text holds a lone surrogate (an escape from \\ud800 to \\udfff), which "
                              "is not a character"),
    "a JSON lone surrogate": ("r.json", json.dumps(GOOD_REVIEW).replace('"A claim"', '"A \\ud800 claim"'),
                              "the JSON holds a lone surrogate (an escape from \\ud800 to \\udfff), which is not a "
                              "character"),
    "YAML nested 65 deep": ("deep.yaml", "document: " + "[" * 65 + "]" * 65 + "\n",
                            "line 1: the YAML is nested deeper than 64 levels"),
    "JSON nested 33 deep": ("deep.json", "[" * 33 + "]" * 33, "the JSON is nested deeper than 32 levels"),
}


@pytest.mark.parametrize("name", HUGE)
def test_huge_exponents_lone_surrogates_and_deep_nesting_are_refused_in_every_reader(cli, kb_copy, tmp_path, name):
    filename, content, message = HUGE[name]
    if content is None:
        from .helpers import DATA

        content = (DATA / "T01-test.csv").read_text(encoding="utf-8").replace(',701650,"701,650"',
                                                                             ',1e999999999,"701,650"', 1)
    sheet = tmp_path / filename
    sheet.write_text(content, encoding="utf-8")
    before = snapshot(kb_copy)
    code, out, err, seconds = refused_at_once(cli, "import", str(sheet), "--kb", str(kb_copy))
    assert (code, out) == (1, "")
    assert err.splitlines()[0].replace(f"{sheet}, ", f"{sheet}: ") == f"Error: {sheet}: {message}"
    assert seconds < 20
    assert snapshot(kb_copy) == before


@pytest.mark.parametrize(("value", "line"), [
    ("1e999999999", "Error: parameter value (decimal): '1e999999999' has more than 100 digits before or after the "
                    "point"),
    ("0e-999999999", "Error: parameter value (decimal): '0e-999999999' has more than 100 digits before or after the "
                     "point"),
])
def test_a_parameter_with_a_huge_exponent_is_refused_at_parse(cli, value, line):
    code, out, err, seconds = refused_at_once(cli, "query", "run", "claims-with-value", "-p", f"value={value}")
    assert (code, out, err.splitlines()[0]) == (2, "", line)
    assert seconds < 10


def test_query_files_that_are_not_utf8_or_hold_a_lone_surrogate_are_errors(cli, tmp_path):
    latin = tmp_path / "latin.rq"
    latin.write_bytes(b'SELECT * WHERE { ?s ?p "caf\xe9" }')
    run = cli("sparql", str(latin))
    assert (run.code, run.out, run.err.splitlines()[0]) == (1, "", f"Error: {latin}: not UTF-8 text (byte 27)")
    escaped = tmp_path / "surrogate.rq"
    escaped.write_text('SELECT * WHERE { BIND("\\ud800" AS ?x) }', encoding="utf-8")
    run = cli("sparql", str(escaped))
    assert (run.code, run.out, run.err.splitlines()[0]) == (
        2, "", "Error: the query contains a lone surrogate (\\uD800 to \\uDFFF), which is not text")
    run = cli("sparql", "SELECT * WHERE { BIND(\"\udcff\" AS ?x) }")  # a non-UTF-8 argument byte, as Python reads it
    assert (run.code, run.out, run.err.splitlines()[0]) == (
        2, "", "Error: the query contains a lone surrogate (U+D800 to U+DFFF), which is not text")


def test_a_catalogue_file_that_is_not_utf8_is_an_input_error(tmp_path):
    (tmp_path / "bad.rq").write_bytes(b"#+ summary: caf\xe9\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(InputError) as caught:
        Catalogue(tmp_path).get("bad")
    assert caught.value.message == f"{tmp_path / 'bad.rq'}: not UTF-8 text (byte 15)"


def test_a_catalogue_file_is_read_only_when_it_is_a_regular_file(tmp_path):
    from claimkb.catalogue import parse_query_file

    (tmp_path / "zero.rq").symlink_to("/dev/zero")
    with pytest.raises(InputError) as caught:
        parse_query_file(tmp_path / "zero.rq")
    assert caught.value.message == f"{tmp_path / 'zero.rq'}: not a regular file (a device, pipe or socket)"


def test_the_json_depth_count_reads_an_unterminated_string_in_one_pass():
    from claimkb.limits import json_depth

    # 100,000 escaped quotes and no closing one: each quote once retried the string to the end (a 200 KB file hung)
    assert json_depth('"' + '\\"' * 100_000, 32) == 0
    assert json_depth('[{"a": "[[{"}, ["\\"]", [1]]]', 32) == 3  # brackets inside strings do not count
    assert json_depth('["a", "[[[' + "[" * 40, 32) == 1  # nor inside a string that never ends


@pytest.mark.parametrize(("text", "huge"), [
    ("1" * 60_000 + "x", False),  # long digit runs were split and retried at every position (they hung)
    ("9" * 100_001, False),
    ("1" * 60_000 + "." + "1" * 60_000 + "e1x", False),
    ("1" * 60_000 + "e999999999", True),
    ("1e999999999", True), (" 1.5E+999999999 ", True), (".5e101", True), ("1.e200", True), ("1_0e1_01", True),
    ("1e100", False), ("1e-100", False), ("1e5x", False), ("701650", False),
])
def test_the_huge_exponent_check_is_linear_and_keeps_its_verdicts(text, huge):
    from claimkb.limits import huge_exponent

    assert huge_exponent(text) is huge


GRAPH_FILES = {
    "a FIFO": (lambda path: os.mkfifo(path), "not a regular file (a device, pipe or socket)"),
    "a link to /dev/zero": (lambda path: path.symlink_to("/dev/zero"),
                            "a symbolic link to /dev/zero, outside the knowledge base"),
    "a link to a file outside the KB": (lambda path: path.symlink_to("/etc/hostname"),
                                        "a symbolic link to /etc/hostname, outside the knowledge base"),
}


@pytest.mark.parametrize("name", GRAPH_FILES)
@pytest.mark.parametrize("command", [("who",), ("validate",), ("import", str(KB / "sheets" / "D31-ukdi-sep.yaml"))])
def test_a_graph_file_that_is_not_a_regular_file_in_the_kb_is_refused_without_reading_it(cli, kb_copy, name, command):
    make, message = GRAPH_FILES[name]
    graph = kb_copy / "graphs" / "odd.trig"
    make(graph)  # a FIFO hung every read; /dev/zero filled the memory; /etc/hostname was read as a graph
    before = snapshot(kb_copy)
    run = cli(*command, "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines() == [
        f"Error: {graph}: {message}",
        "Hint: remove it from graphs/ or replace it with the graph file itself (`claimkb import` rebuilds it)"]
    assert snapshot(kb_copy) == before


def test_a_csv_whose_only_row_has_a_huge_exponent_says_so_not_that_it_has_no_rows(cli, kb_copy, tmp_path):
    from .helpers import DATA

    header, first = (DATA / "T01-test.csv").read_text(encoding="utf-8").splitlines()[:2]
    sheet = tmp_path / "T01-test.csv"
    sheet.write_text(header + "\n" + first.replace(',701650,"701,650"', ',1e999999999,"701,650"', 1) + "\n",
                     encoding="utf-8")
    before = snapshot(kb_copy)
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines() == [
        f"Error: {sheet}, line 2, value: the number '1e999999999' has an exponent beyond 100",
        "Hint: write the figure in plain digits"]
    assert snapshot(kb_copy) == before
