"""The words behind a finding: word-level changes of a relayed quote, hedges and periods as printed, and
misquotes that nobody linked."""

from __future__ import annotations

import csv
import io
import json

import pytest

from claimkb import misquotes
from claimkb.wording import Change, describe, similarity, word_changes

STARMER_SPEECH = "Not treating your own citizens as bits of meat to fling into the grinder."
STARMER_SEED = "bits of meat to flight into the meat grinder"
MOD_UPDATE = ("Russia continues to prioritise the southern Donetsk frontlines maintaining favourable force ratios "
              "in this sector, which partly explains the increased pace of Russian advances.")
MOD_SEED = MOD_UPDATE.replace("partly", "party")


def local(iri: str | None) -> str:
    return (iri or "").rsplit("/", 1)[-1]


# -- the word diff -------------------------------------------------------------------------------

def test_word_changes_name_a_changed_word_and_an_added_one_with_its_context():
    assert word_changes(STARMER_SPEECH, STARMER_SEED) == [Change("fling", "flight"),
                                                          Change("the grinder", "the meat grinder")]
    assert describe(word_changes(STARMER_SPEECH, STARMER_SEED)) == "fling -> flight; the grinder -> the meat grinder"
    assert describe(word_changes(MOD_UPDATE, MOD_SEED)) == "partly -> party"


def test_quoting_part_of_a_source_is_no_change():
    assert word_changes(STARMER_SPEECH, "bits of meat to fling into the grinder") == []
    assert word_changes(MOD_UPDATE, MOD_UPDATE) == []


def test_word_changes_keep_case_and_punctuation_as_printed():
    assert describe(word_changes("He said it, twice.", "he said it twice.")) == "He -> he; it, twice -> it twice"
    assert describe(word_changes("one two three", "one three")) == "one two three -> one three"


def test_similarity_scores_a_fragment_on_the_part_it_quotes():
    assert similarity(STARMER_SPEECH, STARMER_SEED) == pytest.approx(14 / 17)  # 7 shared of 8 and 9 words
    assert similarity(MOD_UPDATE, MOD_SEED) == pytest.approx(46 / 48)
    assert similarity("a b c", "x y z") == 0.0


# -- disagreements carry the words ----------------------------------------------------------------

def jsonl_rows(cli, *args):
    run = cli("disagreements", "--format", "jsonl", *args)
    assert run.code == 0, run.err
    return [json.loads(line) for line in run.out.splitlines()]


def test_the_two_misquotes_show_the_original_and_the_printed_words(cli):
    rows = {local(r["claim"]): r for r in jsonl_rows(cli) if r["kind"] == "misreported relay"}
    starmer, mod = rows["D01-c05"], rows["D01-c11"]
    assert (starmer["claim_words"], starmer["other_words"]) == (STARMER_SEED, STARMER_SPEECH)
    assert starmer["changes"] == ["fling -> flight", "the grinder -> the meat grinder"]
    assert starmer["reason"] == ("relays claim:D04-c1: quoted words differ from the source's: fling -> flight; "
                                 "the grinder -> the meat grinder")
    assert (mod["claim_words"], mod["other_words"], mod["changes"]) == (MOD_SEED, MOD_UPDATE, ["partly -> party"])


def test_a_changed_hedge_and_period_are_named_in_the_words_as_printed(cli):
    row = next(r for r in jsonl_rows(cli) if local(r["claim"]) == "D01-c10")
    assert row["claim_words"] == "around two-thirds; now (2024-11-05..2024-11-06)"
    assert row["other_words"] == ("more than 2/3 share of respondents; September 2024 survey, 2,016 respondents "
                                  "(2024-09-01..2024-09-30)")
    assert row["changes"] == ["more than 2/3 share of respondents -> around two-thirds",
                              "September 2024 survey, 2,016 respondents (2024-09-01..2024-09-30) -> "
                              "now (2024-11-05..2024-11-06)"]
    assert "more than" in row["other_words"] and "around" in row["claim_words"]


def test_findings_on_figures_alone_carry_no_words(cli):
    row = next(r for r in jsonl_rows(cli) if r["kind"] == "numeric conflict")
    assert (row["claim_words"], row["other_words"], row["changes"]) == (None, None, [])


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_and_tsv_carry_both_quotes_and_the_changes(cli, fmt):
    run = cli("disagreements", "--format", fmt)
    rows = list(csv.DictReader(io.StringIO(run.out), delimiter="," if fmt == "csv" else "\t"))
    starmer = next(r for r in rows if local(r["claim"]) == "D01-c05")
    assert (starmer["claim_words"], starmer["other_words"]) == (STARMER_SEED, STARMER_SPEECH)
    assert starmer["changes"] == "fling -> flight / the grinder -> the meat grinder"


def test_the_table_names_the_changed_words_in_the_reason(cli):
    run = cli("disagreements")
    line = next(line for line in run.out.splitlines() if "claim:D01-c05" in line)
    assert line.endswith("relays claim:D04-c1: quoted words differ from the source's: fling -> flight; "
                         "the grinder -> the meat grinder")
    assert "claim_words" not in run.out.splitlines()[0]  # in the machine formats; the reason says it here


def test_claim_shows_the_hop_with_both_quotes_and_the_changed_words(cli):
    run = cli("claim", "D01-c05")
    assert run.code == 0
    assert ("    -> claim:D04-c1 (Keir Starmer, published 2024-09-25): value not compared, period not compared, "
            "hedge not compared, quantity not compared, wording CHANGED\n"
            "      quoted words differ from the source's: fling -> flight; the grinder -> the meat grinder\n"
            "      printed \u201cbits of meat to flight into the meat grinder\u201d\n"
            "      source  \u201cNot treating your own citizens as bits of meat to fling into the grinder.\u201d\n"
            ) in run.out
    hop = json.loads(cli("claim", "D01-c05", "--format", "json").out)[0]["chain"][0]
    assert hop["wording_changes"] == ["fling -> flight", "the grinder -> the meat grinder"]
    assert (hop["relay_words"], hop["source_words"]) == (STARMER_SEED, STARMER_SPEECH)


# -- misquotes nobody linked -----------------------------------------------------------------------

def test_the_bundled_data_has_no_unlinked_misquote_because_the_curators_linked_it(cli):
    assert [r for r in jsonl_rows(cli) if r["kind"] == misquotes.KIND] == []


def test_removing_the_starmer_relay_link_still_surfaces_the_misquote(cli, kb_copy):
    sheet = kb_copy / "sheets" / "D01-seed.yaml"
    text = sheet.read_text(encoding="utf-8")
    link = "  relays:\n  - {claim: D04-c1, quoted: true}\n  primary_source: D04-c1\n"
    assert text.count(link) == 1
    sheet.write_text(text.replace(link, ""), encoding="utf-8")
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert run.code == 0, run.err
    rows = jsonl_rows(cli, "--kb", str(kb_copy))
    assert not any(r["kind"] == "misreported relay" and local(r["claim"]) == "D01-c05" for r in rows)
    found = [r for r in rows if r["kind"] == misquotes.KIND]
    assert [(local(r["claim"]), local(r["other"])) for r in found] == [("D01-c05", "D04-c1")]
    row = found[0]
    assert (row["claim_words"], row["other_words"]) == (STARMER_SEED, STARMER_SPEECH)
    assert row["changes"] == ["fling -> flight", "the grinder -> the meat grinder"]
    assert row["reason"] == (
        "quotes the same claimant as claim:D04-c1 with words 82% alike (at least 75% is reported), and no relay "
        "link joins them: fling -> flight; the grinder -> the meat grinder; if it relays it, record the link: add "
        "`relays: [{claim: D04-c1, quoted: true}]` to claim D01-c05 in the sheet of doc:D01-seed and run "
        "`claimkb import` on that sheet")
    kinds = [r["kind"] for r in rows]
    assert kinds.index(misquotes.KIND) > max(i for i, k in enumerate(kinds) if k == "misreported relay")
    table = cli("disagreements", "--kb", str(kb_copy)).out
    assert "possible misquote (not linked)  " in table


def quote(claim: str, text: str, claimants=("agent:x",), ancestors=(), when=("2024-01-01", "")):
    return misquotes.Quote(claim, text, frozenset(claimants), frozenset(ancestors), when, "doc:t",
                           misquotes._words(text))


FIVE = "the troops crossed the river"


@pytest.mark.parametrize(
    ("other", "reported"),
    [("the troops crossed a river", True),  # one word of five changed: 0.8
     ("the men crossed a river", False),  # two of five: 0.6
     (FIVE, False),  # the same words
     ("yesterday the troops crossed the river at dawn", False),  # one quotes the other in part
     ("troops crossed a river", False)],  # fewer than MIN_WORDS words
)
def test_a_pair_is_reported_at_the_documented_threshold_and_not_otherwise(other, reported):
    assert misquotes.THRESHOLD == 0.75 and misquotes.MIN_WORDS == 5
    found = misquotes.pairs([quote("claim:a", FIVE), quote("claim:b", other, when=("2024-02-01", ""))])
    assert [(p[0].claim, p[1].claim) for p in found] == ([("claim:b", "claim:a")] if reported else [])


def test_quotes_of_other_claimants_or_already_linked_are_not_paired():
    changed = "the troops crossed a river"
    assert misquotes.pairs([quote("claim:a", FIVE), quote("claim:b", changed, claimants=("agent:y",))]) == []
    assert misquotes.pairs([quote("claim:a", FIVE), quote("claim:b", changed, ancestors=("claim:a",))]) == []
    # a joint claim shares a claimant with each of its claimants
    assert len(misquotes.pairs([quote("claim:a", FIVE), quote("claim:b", changed, claimants=("agent:y", "agent:x"))]))
