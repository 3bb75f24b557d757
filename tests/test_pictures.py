"""Pictures of a chain: SVG drawn in Python (no system binary), DOT and Mermaid text, all text escaped."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest

from claimkb import pictures, worddiff
from claimkb.records import Agent, Claim, Comparison, Hop, Trace, TracedClaim, Verdict

from .helpers import ROOT

SVG = "{http://www.w3.org/2000/svg}"
README_PICTURE = ROOT / "docs" / "trace-1146.svg"
README_COMMAND = ("trace", "1,146 sq km", "--format", "svg")


def boxes(svg_text: str) -> dict[str, str]:
    """claim IRI -> role of every box of an SVG picture (parsing it as XML on the way)."""
    root = ET.fromstring(svg_text)
    return {g.get("data-claim"): g.get("data-role") for g in root.iter(f"{SVG}g") if g.get("class") == "claim"}


def arrows(svg_text: str) -> list[tuple[str, str, str, str]]:
    """(kind, from, to, label) of every arrow."""
    root = ET.fromstring(svg_text)
    return [(g.get("data-kind"), g.get("data-from"), g.get("data-to"), g.find(f"{SVG}title").text)
            for g in root.iter(f"{SVG}g") if g.get("class") == "arrow"]


def claim(name: str) -> str:
    return f"https://w3id.org/claimkb/id/claim/{name}"


def test_trace_svg_has_a_box_per_claim_an_arrow_per_hop_and_the_conflicting_figure(cli):
    run = cli("trace", "1,146 sq km", "--format", "svg")
    assert (run.code, run.err) == (0, "")
    assert boxes(run.out) == {claim("D05-c2"): "traced", claim("D01-c08"): "traced", claim("D05-c1"): "compared"}
    (relay, conflict) = arrows(run.out)
    assert relay[:3] == ("relays", claim("D01-c08"), claim("D05-c2"))
    assert relay[3].startswith("relays · quantity ru-territory-gained-since-2024-08-06 → ru-territory-gained-week · "
                               "period 2024-08-06..2024-11-01, as of 2024-11-01 → 2024-10-25..2024-10-31 · hedge ")
    assert conflict[:3] == ("beyond implied range", claim("D01-c08"), claim("D05-c1"))
    # the boxes say who, where, when and the figure as written
    assert "Bloomberg News" in run.out and "doc:D01-seed · 2024-11-05" in run.out and "around 1,146 sq km" in run.out


def test_a_quoting_hop_is_labelled_with_the_words_that_changed(cli):
    svg = cli("claim", "D01-c05", "--format", "svg").out
    assert arrows(svg) == [("quotes", claim("D01-c05"), claim("D04-c1"),
                            "quotes · words fling → flight; grinder. → meat grinder")]


def test_a_verdict_shows_in_the_claims_box():
    item = _traced("Claim text", verdicts=("False",))
    svg = pictures.svg(item)
    assert "verdict: False" in svg
    assert "verdict: False" in pictures.dot(item) and "verdict: False" in pictures.mermaid(item)


def test_the_svg_is_drawn_without_running_any_program(cli, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"a program was started: {args}")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    run = cli("trace", "701650", "--format", "svg")
    assert run.code == 0
    assert set(boxes(run.out)) == {claim("D01-c02"), claim("D02-c1")}


def test_the_pictures_are_the_same_each_time(cli):
    for fmt in ("svg", "dot", "mermaid"):
        assert cli("trace", "701650", "--format", fmt).out == cli("trace", "701650", "--format", fmt).out


def test_dot_and_mermaid_carry_the_same_boxes_and_arrows(cli):
    dot = cli("trace", "1,146 sq km", "--format", "dot").out
    assert dot.startswith("digraph chain {\n") and dot.endswith("}\n")
    assert "rankdir=RL;" in dot
    assert re.findall(r"^  (n\d) -> (n\d) \[", dot, flags=re.MULTILINE) == [("n1", "n0"), ("n1", "n2")]
    assert 'style=dashed, dir=none, constraint=false' in dot
    mermaid = cli("trace", "1,146 sq km", "--format", "mermaid").out
    assert "flowchart RL\n" in mermaid
    assert re.findall(r"^  (n\d) (-->|-\.-)\|", mermaid, flags=re.MULTILINE) == [("n1", "-->"), ("n1", "-.-")]
    assert "class n0,n1 traced" in mermaid and "class n2 compared" in mermaid


def test_pictures_are_only_for_trace_and_claim(cli):
    assert cli("claim", "D01-c08", "--format", "mermaid").code == 0
    run = cli("disagreements", "--format", "dot")
    assert (run.code, run.out) == (2, "")
    assert run.err.startswith("Error: Invalid value for '--format' / '-f': 'dot' is not one of 'table',")


HOSTILE = 'A "quote" <script>alert(1)</script> & \x07bell\x00 \u202eevil\u202c ]]> -->|x| #35; `b` {c}'


def _traced(text: str, verdicts: tuple[str, ...] = ()) -> TracedClaim:
    who = (Agent("https://w3id.org/claimkb/id/agent/x", HOSTILE, "politician"),)
    c = Claim(claim=claim("T-1"), text=text, claimants=who, carriage="attributed", cue=None, hedge=None,
              value=Decimal("5"), comparator=None, formulaic=False, value_as_written=HOSTILE, unit="u",
              quantity=None, quantity_label=None, asserted_start=date(2024, 1, 1), asserted_end=date(2024, 1, 1),
              asserted_phrase=None, asserted_inferred=None, period_start=None, period_end=None, period_phrase=None,
              as_of_start=None, as_of_end=None, document="https://w3id.org/claimkb/id/doc/T", headline=HOSTILE,
              publisher=None, published=date(2024, 1, 2), quote=HOSTILE)
    hop = Hop(depth=0, relay=claim("T-1"), source=claim("T-0"), relay_claimants=who, source_claimants=who,
              source_document=None, source_published=None, quoted=True, relay_value=None, source_value=None,
              relay_figure=HOSTILE, source_figure="6", relay_period=None, source_period=None, relay_quantity=None,
              source_quantity=None, relay_hedge=None, source_hedge=None, relay_quote=HOSTILE,
              source_quote=HOSTILE + " more", value="changed", period="unchanged", hedge="unchanged",
              quantity="unchanged", wording="changed", reason="")
    other = Comparison("numeric conflict", claim("T-2"), HOSTILE, Decimal(1), HOSTILE, HOSTILE)
    reviews = tuple(Verdict(f"r{i}", claim("T-1"), v, None, None, None, None, "https://x.example/", None, None,
                            None, "c") for i, v in enumerate(verdicts))
    return TracedClaim(c, (hop,), (claim("T-0"),), (other,), {"numeric conflict": 1}, reviews=reviews)


def test_hostile_text_is_escaped_in_every_format():
    item = _traced(HOSTILE)
    svg = pictures.svg(item)
    ET.fromstring(svg)  # well-formed XML: nothing closed early, no raw control character
    assert "<script" not in svg and "\x07" not in svg and "\x00" not in svg and "\u202e" not in svg
    assert "&lt;script&gt;" in svg and "\\x07bell\\x00" in svg and "\\u202eevil" in svg
    trace = Trace("5", None, None, (item,))
    dot = pictures.dot(trace)
    labels = re.findall(r'label="((?:[^"\\]|\\.)*)"', dot)
    assert labels and all("\x07" not in label for label in labels)
    assert '\\"quote\\"' in dot  # quotes escaped inside DOT strings, never closing them
    mermaid = pictures.mermaid(trace)
    for line in mermaid.splitlines():
        if line.startswith("  n") and "[" in line:
            body = line.split('["', 1)[1].rsplit('"]', 1)[0]
            assert '"' not in body and "<script" not in body and "]" not in body
    assert "#quot;quote#quot;" in mermaid and "#lt;script#gt;" in mermaid


def test_word_changes_say_what_was_replaced_added_or_removed():
    assert worddiff.changes("approximately 701,650 casualties", "about 701,650 casualties") == [
        "approximately -> about"]
    assert worddiff.changes("a b c", "a c d") == ["-b", "+d"]
    assert worddiff.changes("the army's headlong fling towards the east", "army's headlong flight", part=True) == [
        "fling -> flight"]
    assert worddiff.changes("same words", "same  words") == []


def test_the_readme_picture_is_current(cli):
    run = cli(*README_COMMAND)
    assert run.code == 0
    assert README_PICTURE.read_text(encoding="utf-8") == run.out, (
        "docs/trace-1146.svg is stale: run `claimkb trace \"1,146 sq km\" --format svg > docs/trace-1146.svg`")
    assert "docs/trace-1146.svg" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["trace", "claim"])
def test_picture_commands_say_so_in_their_help(cli, name):
    out = cli(name, "--help").out
    assert "svg" in out and "mermaid" in out and "dot" in out
