"""What `trace` takes: numbers the way people type them, quotes and phrases, and clear refusals."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from claimkb import phrases
from claimkb.numbers import Typed, read_typed, unit_key
from claimkb.tracing import ACCEPTED, unit_matches


def claims_of(run) -> list[str]:
    assert run.code == 0, run.err
    return [r["claim"].rsplit("/", 1)[1] for r in json.loads(run.out)]


# -- the strict number reader --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "typed"),
    [("7.0165e5", Typed(Fraction(701650), "7.0165e5")),
     ("701\u00a0650", Typed(Fraction(701650), "701 650")),
     ("about 700,000", Typed(Fraction(700000), "700,000", comparator="Approximately")),
     ("more than 200", Typed(Fraction(200), "200", comparator="MoreThan")),
     (">2/3", Typed(Fraction(2, 3), "2/3", comparator="MoreThan")),
     ("nearly 700k", Typed(Fraction(700000), "700k", comparator="Almost", scaled=True)),
     ("1.2 million", Typed(Fraction(1200000), "1.2 million", scaled=True)),
     ("700k", Typed(Fraction(700000), "700k", scaled=True)),
     ("67%", Typed(Fraction(67, 100), "67%", percent=True)),
     ("67 per cent", Typed(Fraction(67, 100), "67%", percent=True)),
     ("1146 sq km", Typed(Fraction(1146), "1146", unit="sq km")),
     ("1146km2", Typed(Fraction(1146), "1146", unit="km2")),
     ("two-thirds of Ukrainians", Typed(Fraction(2, 3), "two-thirds", unit="of ukrainians")),
     ("a quarter", Typed(Fraction(1, 4), "a quarter"))],
)
def test_typed_numbers_are_read_with_their_hedge_scale_percent_and_unit(text, typed):
    assert read_typed(text) == typed


@pytest.mark.parametrize("text", ["701650xyz", "7e", "1e400", "2024-11-05", "November 5", "meat grinder", "a", "2/0"])
def test_junk_glued_to_a_number_and_text_that_is_no_figure_are_not_numbers(text):
    assert read_typed(text) is None


@pytest.mark.parametrize(
    ("typed", "units", "label", "matches"),
    [("sq km", ["km2"], "", True), ("square kilometres", ["km2"], "", True), ("km", ["km2"], "", False),
     ("persons", ["km2"], "Territory taken by Russia in Ukraine in one week", False),
     ("people", ["persons"], "", True), ("casualties", ["persons"], "Russian military casualties, cumulative", True),
     ("a day", ["persons per day"], "", True), ("of ukrainians", ["share of respondents"],
                                                 "Share of Ukrainians who favour starting peace talks", True)],
)
def test_a_typed_unit_matches_the_claims_unit_its_quantitys_or_the_quantitys_words(typed, units, label, matches):
    assert unit_matches(typed, units, label) is matches
    assert unit_key("Square Kilometres") == unit_key("km²") == "km2"


# -- numbers on the command line ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("typed", "claims"),
    [("7.0165e5", ["D01-c02", "D02-c1"]), ("701,650 casualties", ["D01-c02", "D02-c1"]),
     ("1,146 square kilometres", ["D05-c2", "D01-c08"]), ("1146km2", ["D05-c2", "D01-c08"]),
     ("67%", ["D05-c3", "D01-c10"]), ("67 per cent", ["D05-c3", "D01-c10"]),
     ("two-thirds of Ukrainians", ["D05-c3", "D01-c10"]),
     ("about 700,000", ["D04-c2", "D22-c1-total", "D02-c1b", "D03-c1", "D01-c02", "D02-c1", "D19-c2"]),
     ("700k", ["D04-c2", "D02-c1b", "D03-c1", "D01-c02", "D02-c1", "D19-c2"]),
     ("1307 a day", ["D01-c04"])],
)
def test_trace_reads_numbers_the_way_people_type_them(cli, typed, claims):
    assert claims_of(cli("trace", typed, "--format", "json")) == claims


def test_a_range_is_named_in_the_heading(cli):
    assert cli("trace", "about 700,000").out.startswith(
        "about 700,000 (600,000 to 800,000): 7 claims state a figure in this range\n")
    assert cli("trace", "67%").out.startswith("67% (0.665 to 0.675): 2 claims state a figure in this range\n")


def test_a_plain_number_is_matched_exactly_not_by_the_ranges_of_hedged_figures(cli):
    run = cli("trace", "12345")
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[0] == "Error: no claim carries the value '12345'"


REFUSED = [
    (["trace", "701650xyz"], 2, "Error: '701650xyz' is not a number", f"Hint: trace takes {ACCEPTED}"),
    (["trace", "1146 persons"], 1, "Error: no claim states 1146 in 'persons'",
     'Hint: the claims with this figure state it in km2: trace "1146 km2", or the number alone'),
    (["trace", "1146 km"], 1, "Error: no claim states 1146 in 'km'",
     'Hint: the claims with this figure state it in km2: trace "1146 km2", or the number alone'),
    (["trace", "1.2 million"], 1, "Error: no claim states a figure in 1,150,000 to 1,250,000 ('1.2 million')",
     "Hint: nearest values in the knowledge base: 701650 persons, 700390 persons, 696000 persons, "
     "615000 persons, 600000 persons"),
    (["trace", "November 5"], 2, "Error: 'November 5' reads as a date, not a number or a phrase",
     "Hint: trace follows numbers and phrases; `claimkb timeline` lists the claims in order of date"),
    (["trace", "5 Nov 2024"], 2, "Error: '5 Nov 2024' reads as a date, not a number or a phrase",
     "Hint: trace follows numbers and phrases; `claimkb timeline` lists the claims in order of date"),
    (["trace", "2022"], 1, "Error: no claim carries the value '2022'",
     "Hint: nearest values in the knowledge base: 1950 persons, 1680 persons, 1660 persons, 1630 persons, "
     "1530 persons; for a year, trace follows numbers and phrases; "
     "`claimkb timeline` lists the claims in order of date"),
    (["trace", "!!"], 2, "Error: '!!' is neither a number nor a phrase", f"Hint: trace takes {ACCEPTED}"),
]


@pytest.mark.parametrize(("args", "code", "error", "hint"), REFUSED,
                         ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_what_trace_cannot_read_is_an_error_with_the_accepted_forms(cli, args, code, error, hint):
    run = cli(*args)
    assert (run.code, run.out) == (code, "")
    assert run.err.splitlines() == [error, hint]


# -- phrases and quotes ----------------------------------------------------------------------------

def test_tracing_the_speech_finds_the_speech_and_the_relay_that_changed_it(cli):
    records = json.loads(cli("trace", "fling into the grinder", "--format", "json").out)
    assert [r["claim"].rsplit("/", 1)[1] for r in records] == ["D04-c1", "D01-c05"]
    assert records[0]["match"] == "exact, in the quotation: \u201cfling into the grinder\u201d"
    assert records[1]["match"] == ("relays claim:D04-c1, which has these words; its quoted words differ from "
                                   "claim:D04-c1's: fling -> flight; the grinder -> the meat grinder")
    assert [h["source"].rsplit("/", 1)[1] for h in records[1]["chain"]] == ["D04-c1"]
    assert records[1]["earliest"] == ["https://w3id.org/claimkb/id/claim/D04-c1"]


def test_tracing_the_printed_words_finds_the_seed_claim_with_its_chain_to_the_speech(cli):
    run = cli("trace", "meat grinder")
    assert run.out.startswith("'meat grinder': 1 claim has these words, exactly, nearly or in a relay\n\n"
                              "[1] claim:D01-c05  Keir Starmer accused Vladimir Putin of treating Russian citizens "
                              "as meat for the grinder.\n"
                              "    match      exact, in the quotation: \u201cmeat grinder\u201d; its quoted words "
                              "differ from claim:D04-c1's: fling -> flight; the grinder -> the meat grinder\n")
    assert "    earliest in the knowledge base: claim:D04-c1\n" in run.out


def test_a_near_match_is_ranked_after_exact_ones_with_its_score_and_marked_when_it_differs(cli):
    records = json.loads(cli("trace", "partly explains the increased pace", "--format", "json").out)
    assert [r["claim"].rsplit("/", 1)[1] for r in records] == ["D09-c2", "D01-c11", "D01-c12"]
    assert records[1]["match"] == ("near (score 97), in the quotation: \u201cwhich party explains the increased "
                                   "pace\u201d; its quoted words differ from claim:D09-c2's: partly -> party")
    assert records[2]["match"] == "relays claim:D09-c2, which has these words"


def test_phrases_match_however_they_are_cased_spaced_or_quoted(cli):
    assert claims_of(cli("trace", "FLING   into THE grinder", "--format", "json")) == ["D04-c1", "D01-c05"]
    assert claims_of(cli("trace", "Ukraine\u2019s defence ministry", "--format", "json")) == ["D01-c02"]
    assert claims_of(cli("trace", "Ukraine's defence ministry", "--format", "json")) == ["D01-c02"]


def test_the_threshold_is_documented_and_a_weaker_match_is_left_out():
    assert phrases.THRESHOLD == 85
    texts = {"quotation": ["bits of meat to flight into the meat grinder"]}
    assert phrases.best_match("fling into the grinder", "claim:x", texts) is None  # partial ratio 77
    found = phrases.best_match("party explains the pace", "claim:y", {"text": ["which partly explains the pace"]})
    assert found is not None and not found.exact and found.score >= phrases.THRESHOLD


def test_a_phrase_no_claim_has_is_an_error(cli):
    run = cli("trace", "xyzzy plugh")
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines() == [
        "Error: no claim's words contain 'xyzzy plugh', exactly or nearly",
        "Hint: phrases match at a partial-ratio score of 85 or more: try fewer or other words, or a number"]


def test_the_phrase_path_alone_imports_rapidfuzz():
    import subprocess
    import sys

    code = ("import sys, claimkb; kb = claimkb.open(); kb.trace('701650'); a = 'rapidfuzz' in sys.modules; "
            "kb.trace('meat grinder'); print(a, 'rapidfuzz' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "False True\n"
