"""Values come back exact through every import format (YAML, CSV, ClaimReview JSON) and every output format,
for any text (strings with surrogates are refused with an error, never stored half) and decimals of any
length."""

from __future__ import annotations

import csv
import io
import json
import os
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimkb.errors import KbError
from claimkb.ingest.build import build
from claimkb.namespaces import CKB, SCHEMA
from claimkb.records import Agent, Claim, Records
from claimkb.render import Options, render

EXAMPLES = int(os.environ.get("CLAIMKB_EXACT_EXAMPLES", "40"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(
    lambda s: s.strip() != "")
SURROGATE = st.builds(lambda a, b: a + "\ud800" + b, st.text(max_size=5), st.text(max_size=5))
DECIMAL = st.builds(lambda whole, frac: Decimal(f"{whole}.{frac}"), st.integers(0, 10**40),
                    st.integers(0, 10**12)).filter(lambda d: d > 0)


def claim_record(text: str, value: Decimal) -> Claim:
    return Claim(claim="https://w3id.org/claimkb/id/claim/X-c1", text=text, claimants=(Agent("a", text, None),),
                 carriage="own voice", cue=None, hedge=None, value=value, comparator="Exactly", formulaic=False,
                 value_as_written=text, unit="u", quantity=None, quantity_label=None, asserted_start=None,
                 asserted_end=None, asserted_phrase=None, asserted_inferred=None, period_start=None, period_end=None,
                 period_phrase=None, as_of_start=None, as_of_end=None, document="d", headline=None, publisher=None,
                 published=None, quote=text)


@SETTINGS
@given(text=TEXT, value=DECIMAL)
def test_every_output_format_gives_back_the_text_and_the_decimal(text, value):
    records = Records([claim_record(text, value)], ["claim", "text", "value", "quote"])
    assert json.loads(render(records, "json"))[0]["text"] == text
    assert json.loads(render(records, "jsonl").splitlines()[0])["value"] == format(value, "f")
    raw = Options(raw_cells=True)
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        rows = list(csv.DictReader(io.StringIO(render(records, fmt, raw)), delimiter=delimiter))
        assert rows[0]["text"] == text and Decimal(rows[0]["value"]) == value
        neutral = list(csv.DictReader(io.StringIO(render(records, fmt)), delimiter=delimiter))[0]["text"]
        assert neutral == ("'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text)
    sparql = json.loads(render(records, "sparql-json"))
    assert sparql["results"]["bindings"][0]["text"]["value"] == text
    table = render(records, "table")
    assert "\x1b" not in table and "\r" not in table


def sheet_yaml(text: str, value: Decimal) -> str:
    return yaml.safe_dump({
        "document": {"id": "X01-exact", "title": "Generated", "kind": "news-article", "certainty": "low",
                     "published": {"start": "2024-11-05"}},
        "curation": {"recorded_on": "2026-11-27"},
        "claims": [{"id": "X01-c1", "text": text, "claimant": "bloomberg", "carriage": "own-voice",
                    "quotation": text, "asserted": {"unstated": True},
                    "quantity": {"measures": "ru-casualties-cumulative", "value": format(value, "f"),
                                 "as_written": text, "unit": "persons"}}]}, allow_unicode=False)


def sheet_csv(text: str, value: Decimal) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["document", "title", "kind", "published", "certainty", "recorded_on", "claim", "text",
                     "claimant", "carriage", "asserted", "value", "as_written", "unit", "quantity"])
    writer.writerow(["X01-exact", "Generated", "news-article", "2024-11-05", "low", "2026-11-27", "X01-c1", text,
                     "bloomberg", "own-voice", "unstated", format(value, "f"), text, "persons",
                     "ru-casualties-cumulative"])
    return out.getvalue()


def built(kb_copy: Path, name: str, data: str) -> list[ox.Quad]:
    path = kb_copy / name
    path.write_text(data, encoding="utf-8", errors="surrogatepass")
    return list(ox.parse(build([path], kb_copy)[0].data, format=ox.RdfFormat.TRIG))


def literal(quads: list[ox.Quad], predicate: str) -> str:
    return next(q.object.value for q in quads if q.predicate.value == predicate)


@SETTINGS
@given(text=TEXT, value=DECIMAL)
def test_yaml_and_csv_sheets_keep_the_text_and_the_decimal_exactly(kb_copy, text, value):
    for name, data in (("s.yaml", sheet_yaml(text, value)), ("s.csv", sheet_csv(text, value))):
        if name.endswith(".csv") and ("\r" in text or text != text.strip("\n")):
            continue  # a CSV cell keeps any text, but this writer/reader pair normalises bare line ends
        quads = built(kb_copy, name, data)
        assert literal(quads, SCHEMA.text) == text, name
        assert Decimal(literal(quads, SCHEMA.value)) == value, name


@SETTINGS
@given(text=TEXT, rating=DECIMAL)
def test_claimreview_json_keeps_the_text_and_the_rating_exactly(kb_copy, text, rating):
    review = {"@context": "https://schema.org", "@type": "ClaimReview", "url": "https://factcheck.example.org/x",
              "claimReviewed": text, "datePublished": "2024-11-08",
              "author": {"@type": "Organization", "name": "Example Check"},
              "reviewRating": {"@type": "Rating", "alternateName": "Accurate", "ratingValue": format(rating, "f")},
              "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Someone"}}}
    quads = built(kb_copy, "r.json", json.dumps(review, ensure_ascii=False))
    assert literal(quads, SCHEMA.text) == text
    assert Decimal(literal(quads, SCHEMA.ratingValue)) == rating


@pytest.mark.parametrize("name", ["s.yaml", "s.csv", "r.json"])
@SETTINGS
@given(text=SURROGATE)
def test_a_lone_surrogate_in_any_input_is_an_error_not_a_stored_value(kb_copy, name, text):
    data = {"s.yaml": lambda: sheet_yaml(text, Decimal(1)), "s.csv": lambda: sheet_csv(text, Decimal(1)),
            "r.json": lambda: json.dumps({"@context": "https://schema.org", "@type": "ClaimReview",
                                          "url": "https://e.org/x", "claimReviewed": text})}[name]()
    with pytest.raises(KbError):
        built(kb_copy, name, data)
    assert CKB  # the namespace is the one the checks above read
