"""Sheets that need no RDF: declared agents and quantities, percentages, source date wordings, a claim's own
URL, and the errors a new user meets (an id already used, a unit that is not the quantity's, a claim dated
after its document, a guess still marked for review)."""

from __future__ import annotations

import re
import textwrap
from datetime import date
from pathlib import Path

import pytest

import claimkb
from claimkb.errors import InputError

from .helpers import ROOT, rows, snapshot

DECLARING = """\
document:
  id: T02-decl
  title: Test report declaring its own agents and quantity
  kind: news-article
  published: {start: 2024-11-07, precision: day}
  certainty: high
curation: {recorded_on: 2026-11-27}
agents:
- {id: t02-ministry, label: Test Ministry of Water, kind: third-party-government, type: government-organization}
- {id: t02-minister, label: Test Water Minister, kind: politician, type: person, parent: t02-ministry}
quantities:
- id: t02-homes-damaged
  label: Homes damaged by the test flood, running total
  definition: Homes damaged by the test flood, counted from 1 November 2024 up to an as-of date.
  unit: homes
  aggregation: cumulative
claims:
- id: T02-c1
  text: The floods have damaged 4,216 homes.
  claimant: t02-ministry
  carriage: attributed
  cue: said
  asserted: on Tuesday
  period: {start: 2024-11-01, cumulative: true, as_of: {phrase: on Tuesday}}
  quantity: {measures: t02-homes-damaged, value: 4216, as_written: "4,216", unit: homes}
"""

USING = """\
document:
  id: T03-uses
  title: Test report using another sheet's declarations
  kind: news-article
  published: {start: 2024-11-08, precision: day}
  certainty: high
curation: {recorded_on: 2026-11-27}
claims:
- id: T03-c1
  text: The minister said 4,300 homes were damaged.
  claimant: t02-minister
  carriage: attributed
  asserted: {unstated: true}
  period: {start: 2024-11-01, cumulative: true, as_of: {start: 2024-11-08}}
  quantity: {measures: t02-homes-damaged, value: 4300, as_written: "4,300", unit: homes}
"""


def write(folder: Path, text: str, name: str = "sheet.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors(run) -> list[str]:
    return run.err.splitlines()


def test_a_sheet_declaring_a_new_quantity_and_agent_imports_with_no_hand_written_trig(cli, kb_copy, tmp_path):
    hand_written = {name: (kb_copy / "graphs" / name).read_bytes() for name in ("agents.trig", "quantities.trig")}
    run = cli("import", str(write(tmp_path, DECLARING)), "--kb", str(kb_copy))
    assert run.code == 0, run.err
    assert {name: (kb_copy / "graphs" / name).read_bytes() for name in hand_written} == hand_written
    kb = claimkb.open(kb_copy)
    got = rows(kb, """PREFIX ckb: <https://w3id.org/claimkb/ns#> PREFIX schema: <http://schema.org/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?g ?unit ?agg WHERE { GRAPH ?g { <https://w3id.org/claimkb/id/quantity/t02-homes-damaged>
          a ckb:MeasuredQuantity ; skos:inScheme <https://w3id.org/claimkb/id/quantity/scheme> ;
          schema:unitText ?unit ; ckb:aggregation ?agg } }""")
    assert got == [{"g": "https://w3id.org/claimkb/id/graph/T02-decl", "unit": "homes",
                    "agg": "https://w3id.org/claimkb/ns#Cumulative"}]
    parent = rows(kb, """PREFIX schema: <http://schema.org/> SELECT ?p WHERE {
        <https://w3id.org/claimkb/id/agent/t02-minister> schema:parentOrganization ?p }""")
    assert parent == [{"p": "https://w3id.org/claimkb/id/agent/t02-ministry"}]
    assert kb.claimant("Test Ministry of Water")["agent"].value.endswith("/agent/t02-ministry")
    report = kb.validate()
    assert (report.violations, report.warnings) == (0, 0), report.findings


def test_declarations_resolve_across_the_sheets_of_one_import_in_any_order(cli, kb_copy, tmp_path):
    using = write(tmp_path, USING, "using.yaml")
    declaring = write(tmp_path, DECLARING, "declaring.yaml")
    run = cli("import", str(using), str(declaring), "--kb", str(kb_copy))
    assert run.code == 0, run.err
    assert (kb_copy / "graphs" / "T03-uses.trig").is_file()


def test_a_declaration_used_by_a_later_import_resolves_against_the_knowledge_base(cli, kb_copy, tmp_path):
    assert cli("import", str(write(tmp_path, DECLARING, "declaring.yaml")), "--kb", str(kb_copy)).code == 0
    run = cli("import", str(write(tmp_path, USING, "using.yaml")), "--kb", str(kb_copy))
    assert run.code == 0, run.err


def test_a_claim_id_already_in_the_knowledge_base_names_the_document_that_uses_it(cli, kb_copy, tmp_path):
    before = snapshot(kb_copy)
    sheet = write(tmp_path, DECLARING.replace("id: T02-c1", "id: D01-c02"))
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    assert errors(run) == [
        f"Error: {sheet}, claim D01-c02.id: claim id 'D01-c02' is already used by document 'D01-seed'",
        "Hint: claim ids are unique in the knowledge base: choose another, such as T02-decl-c2",
    ]
    assert snapshot(kb_copy) == before


def test_two_sheets_of_one_import_using_one_claim_id_name_the_first_document(cli, kb_copy, tmp_path):
    using = write(tmp_path, USING.replace("id: T03-c1", "id: T02-c1"), "using.yaml")
    declaring = write(tmp_path, DECLARING, "declaring.yaml")
    run = cli("import", str(declaring), str(using), "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    assert errors(run)[0] == (
        f"Error: {using}, claim T02-c1.id: claim id 'T02-c1' is already used by document 'T02-decl'")


def test_two_imports_racing_cannot_both_add_one_claim_id(kb_copy, tmp_path, monkeypatch):
    """Both sheets pass their checks on their own; the first lands while the second waits for the writer
    lock, and the check the second repeats under the lock refuses it."""
    from contextlib import contextmanager

    from claimkb import kbfiles

    kb = claimkb.open(kb_copy)
    first = write(tmp_path, DECLARING, "a.yaml")
    second = write(tmp_path, USING.replace("T03-c1", "T02-c1").replace(
        "claimant: t02-minister", "claimant: ua-mod").replace(
        "quantity: {measures: t02-homes-damaged, value: 4300, as_written: \"4,300\", unit: homes}", ""), "b.yaml")
    real = kbfiles.writer_lock
    raced = []

    @contextmanager
    def racing(folder, **options):
        if not raced:  # the second import reached the lock: the first one lands just before it
            raced.append(True)
            kb.import_sheets([first])
        with real(folder, **options) as recovered:
            yield recovered

    monkeypatch.setattr(kbfiles, "writer_lock", racing)
    with pytest.raises(InputError) as caught:
        kb.import_sheets([second])
    assert raced
    assert caught.value.message == (f"{second}, claim T02-c1.id: claim id 'T02-c1' is already used by "
                                    "document 'T02-decl'")
    assert (kb_copy / "graphs" / "T02-decl.trig").exists()
    assert not (kb_copy / "graphs" / "T03-uses.trig").exists()


def test_a_unit_that_differs_from_its_quantity_is_refused_at_import_with_the_fix(cli, kb_copy, tmp_path):
    before = snapshot(kb_copy)
    sheet = write(tmp_path, DECLARING.replace("as_written: \"4,216\", unit: homes}",
                                             "as_written: \"4,216\", unit: houses}"))
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    assert errors(run) == [
        f"Error: {sheet}, claim T02-c1.quantity.unit: unit 'houses' differs from the unit of quantity "
        "'t02-homes-damaged', 'homes': the figure would never be compared",
        "Hint: write `unit: homes` (converting the value if it is in another unit; as_written keeps the text), "
        "or measure a quantity whose unit this is",
    ]
    assert snapshot(kb_copy) == before


def test_a_unit_that_differs_from_a_knowledge_base_quantity_is_refused(cli, kb_copy, tmp_path):
    sheet = write(tmp_path, DECLARING.replace(
        "measures: t02-homes-damaged, value: 4216, as_written: \"4,216\", unit: homes",
        "measures: ru-casualties-cumulative, value: 701650, unit: people"))
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert run.code == 1
    assert errors(run)[0] == (f"Error: {sheet}, claim T02-c1.quantity.unit: unit 'people' differs from the unit of "
                              "quantity 'ru-casualties-cumulative', 'persons': the figure would never be compared")


def test_a_claim_asserted_after_its_document_is_refused_unless_the_sheet_says_why(cli, kb_copy, tmp_path):
    late = DECLARING.replace("  asserted: on Tuesday\n", "  asserted: {start: 2024-11-09}\n")
    sheet = write(tmp_path, late)
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    assert errors(run) == [
        f"Error: {sheet}, line 23, claim T02-c1.asserted: asserted on 2024-11-09 (as given), after the "
        "document's publication (2024-11-07)",
        "Hint: correct the date, or keep it and say why with `after_publication: <reason>` (for example: the "
        "page was updated after it first appeared)",
    ]
    reason = "The live page was updated on 9 November with the ministry's new count."
    sheet = write(tmp_path, late.replace("  asserted: {start: 2024-11-09}\n",
                                         f"  asserted: {{start: 2024-11-09}}\n  after_publication: \"{reason}\"\n"))
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert run.code == 0, run.err
    got = rows(claimkb.open(kb_copy), """PREFIX ckb: <https://w3id.org/claimkb/ns#> SELECT ?why WHERE {
        <https://w3id.org/claimkb/id/claim/T02-c1> ckb:afterPublicationReason ?why }""")
    assert got == [{"why": reason}]


def test_unknown_agent_and_quantity_hints_point_at_the_sheets_own_sections(cli, kb_copy, tmp_path):
    sheet = write(tmp_path, DECLARING.replace("claimant: t02-ministry", "claimant: t02-nobody").replace(
        "measures: t02-homes-damaged", "measures: t02-vibes"))
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    assert errors(run) == [
        f"Error: {sheet}, claim T02-c1.claimant: unknown agent 't02-nobody'",
        "Hint: declare it in this sheet's `agents:` section (see docs/sheet-format.md), or use an agent id the "
        "knowledge base has (`claimkb who`)",
        f"Error: {sheet}, claim T02-c1.quantity.measures: unknown quantity 't02-vibes'",
        "Hint: declare it in this sheet's `quantities:` section (see docs/sheet-format.md), or use a quantity id "
        "the knowledge base has (`claimkb query run quantities`)",
    ]


def test_an_agent_or_quantity_declared_twice_names_the_first_declaration(cli, kb_copy, tmp_path):
    again = USING.replace("claims:", "agents:\n- {id: t02-ministry, label: Again, kind: unclassified}\nclaims:")
    first, second = write(tmp_path, DECLARING, "a.yaml"), write(tmp_path, again, "b.yaml")
    run = cli("import", str(first), str(second), "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    assert errors(run) == [
        f"Error: {second}, agent t02-ministry: agent 't02-ministry' is already declared by document 'T02-decl'",
        "Hint: declare each agent once; elsewhere refer to it by its id",
    ]
    sheet = write(tmp_path, DECLARING.replace("- id: t02-homes-damaged", "- id: ru-casualties-cumulative").replace(
        "measures: t02-homes-damaged", "measures: ru-casualties-cumulative").replace("unit: homes", "unit: persons"))
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert errors(run)[0] == (f"Error: {sheet}, quantity ru-casualties-cumulative: quantity 'ru-casualties-cumulative' "
                              "is already declared by kb/graphs/quantities.trig")


def test_a_wikidata_id_is_accepted_only_when_verified(cli, kb_copy, tmp_path):
    unverified = DECLARING.replace("type: government-organization}", "type: government-organization, wikidata: Q42}")
    sheet = write(tmp_path, unverified)
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    assert errors(run) == [
        f"Error: {sheet}, agent t02-ministry.wikidata: Wikidata id 'Q42' is not among the verified identifiers",
        "Hint: use an id listed in kb/wikidata-verified.yaml, or verify it yourself and add `wikidata_verified: "
        "true` with a `note` saying how; never guess one",
    ]
    no_note = unverified.replace("wikidata: Q42}", "wikidata: Q42, wikidata_verified: true}")
    run = cli("import", str(write(tmp_path, no_note)), "--kb", str(kb_copy))
    assert errors(run)[0].endswith(
        "wikidata_verified: true needs the wikidata id and a note saying how it was verified")
    vouched = unverified.replace("wikidata: Q42}", "wikidata: Q42, wikidata_verified: true, "
                                                   "note: checked against the item's official website statement}")
    assert cli("import", str(write(tmp_path, vouched)), "--kb", str(kb_copy)).code == 0
    listed = DECLARING.replace("type: government-organization}", "type: government-organization, wikidata: Q1899}")
    run = cli("import", str(write(tmp_path, listed)), "--kb", str(kb_copy))
    assert run.code == 0, run.err
    got = rows(claimkb.open(kb_copy), """PREFIX schema: <http://schema.org/> SELECT ?q WHERE {
        <https://w3id.org/claimkb/id/agent/t02-ministry> schema:sameAs ?q }""")
    assert got == [{"q": "http://www.wikidata.org/entity/Q1899"}]


def test_the_verified_wikidata_list_is_the_research_notes_verified_list():
    import yaml

    from .helpers import KB, SHARED

    notes = SHARED / "research" / "sources.yaml"
    if not notes.is_file():
        pytest.skip("the research notes are not beside this checkout")
    research = {q["qid"] for q in yaml.safe_load(notes.read_text(encoding="utf-8"))["wikidata_qids"]
                if q["qid"] and q["status"] == "verified"}
    kept = {q["qid"] for q in yaml.safe_load((KB / "wikidata-verified.yaml").read_text(encoding="utf-8"))["verified"]}
    assert kept == research


def test_percentages_are_read_as_shares_and_keep_their_words(cli, kb_copy, tmp_path):
    share = DECLARING.replace("unit: homes\n  aggregation: cumulative",
                              "unit: share of homes\n  aggregation: share").replace(
        "quantity: {measures: t02-homes-damaged, value: 4216, as_written: \"4,216\", unit: homes}",
        "quantity: {measures: t02-homes-damaged, value: 35%, unit: share of homes}").replace(
        "  period: {start: 2024-11-01, cumulative: true, as_of: {phrase: on Tuesday}}\n", "")
    words = share.replace("value: 35%", "value: 35 per cent").replace("T02-decl", "T04-words").replace(
        "T02-c1", "T04-c1").replace("- {id: t02", "- {id: t04").replace(
        "id: t02-homes-damaged", "id: t04-share").replace("measures: t02-homes-damaged", "measures: t04-share").replace(
        "claimant: t02-ministry", "claimant: t04-ministry").replace("parent: t02-ministry", "parent: t04-ministry")
    run = cli("import", str(write(tmp_path, share, "a.yaml")), str(write(tmp_path, words, "b.yaml")),
              "--kb", str(kb_copy))
    assert run.code == 0, run.err
    got = rows(claimkb.open(kb_copy), """PREFIX ckb: <https://w3id.org/claimkb/ns#> PREFIX schema: <http://schema.org/>
        SELECT ?c ?v ?w WHERE { ?c ckb:quantity ?s . ?s schema:value ?v ; ckb:valueAsWritten ?w
        FILTER(STRSTARTS(STR(?c), "https://w3id.org/claimkb/id/claim/T0")) } ORDER BY ?c""")
    assert [(r["v"], r["w"]) for r in got] == [("0.35", "35%"), ("0.35", "35 per cent")]


@pytest.mark.parametrize(("phrase", "start", "end", "precision", "inferred"), [
    ("late October 2024", "2024-10-21", "2024-10-31", "MonthPrecision", "true"),
    ("as of 28 Oct 2024", "2024-10-28", "2024-10-28", "DayPrecision", "false"),
    ("~2024-10-23", "2024-10-22", "2024-10-24", "DayPrecision", "true"),
    ("early November", "2024-11-01", "2024-11-10", "MonthPrecision", "true"),
    ("mid-October", "2024-10-11", "2024-10-20", "MonthPrecision", "true"),
    ("earlier this month", "2024-11-01", "2024-11-06", "MonthPrecision", "true"),
    ("yesterday", "2024-11-06", "2024-11-06", "DayPrecision", "true"),
])
def test_date_wordings_that_sources_use_import_with_their_precision(cli, kb_copy, tmp_path, phrase, start, end,
                                                                    precision, inferred):
    sheet = write(tmp_path, DECLARING.replace("  asserted: on Tuesday\n", f"  asserted: {phrase}\n").replace(
        "as_of: {phrase: on Tuesday}", f"as_of: {{phrase: {phrase}}}").replace(
        "start: 2024-11-01", "start: 2024-10-01"))
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert run.code == 0, run.err
    got = rows(claimkb.open(kb_copy), """PREFIX ckb: <https://w3id.org/claimkb/ns#> PREFIX schema: <http://schema.org/>
        SELECT ?s ?e ?p ?i WHERE { <https://w3id.org/claimkb/id/claim/T02-c1> ckb:assertedAt ?t .
        ?t schema:startDate ?s ; schema:endDate ?e ; ckb:precision ?p ; ckb:inferred ?i }""")
    assert got == [{"s": start, "e": end, "p": f"https://w3id.org/claimkb/ns#{precision}", "i": inferred}]


def test_a_publication_date_in_source_wording_needs_no_reference(cli, kb_copy, tmp_path):
    sheet = write(tmp_path, DECLARING.replace("published: {start: 2024-11-07, precision: day}",
                                              "published: as of 7 Nov 2024"))
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert run.code == 0, run.err


def test_a_claim_can_give_its_own_url(cli, kb_copy, tmp_path):
    sheet = write(tmp_path, DECLARING.replace("  cue: said\n", "  cue: said\n  url: https://example.org/live#entry-12\n"))
    assert cli("import", str(sheet), "--kb", str(kb_copy)).code == 0
    got = rows(claimkb.open(kb_copy), """PREFIX schema: <http://schema.org/> SELECT ?u WHERE {
        <https://w3id.org/claimkb/id/claim/T02-c1> schema:url ?u }""")
    assert got == [{"u": "https://example.org/live#entry-12"}]


def test_a_guess_still_marked_for_review_is_refused_until_the_marker_is_deleted(cli, kb_copy, tmp_path):
    marked = DECLARING.replace("  cue: said\n", "  cue: said\n  review:\n    guessed: [claimant, quantity.measures]\n")
    sheet = write(tmp_path, marked)
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    assert errors(run) == [
        f"Error: {sheet}, line 23, claim T02-c1.review: is still marked for review (guessed: claimant, "
        "quantity.measures)",
        "Hint: check the guessed fields against the text, correct them, then delete this `review:` key to accept them",
    ]


def test_the_graph_records_the_sheet_path_relative_to_the_knowledge_base(cli, kb_copy):
    sheet = write(kb_copy / "sheets", DECLARING, "T02-decl.yaml")
    assert cli("import", str(sheet), "--kb", str(kb_copy)).code == 0
    data = (kb_copy / "graphs" / "T02-decl.trig").read_text(encoding="utf-8")
    assert 'dcterms:source "sheets/T02-decl.yaml"' in data
    assert str(kb_copy) not in data


def test_the_three_labelled_articles_import_together_in_any_order_with_no_rdf_written(cli, kb_copy):
    from .helpers import DATA

    folder = DATA / "draft"
    for text in folder.glob("A0*.txt"):
        (kb_copy / "archive" / text.name).write_bytes(text.read_bytes())
    sheets = sorted(folder.glob("A0*.yaml"), reverse=True)  # A03 and A02 use an agent that A01 declares
    run = cli("import", *map(str, sheets), "--kb", str(kb_copy))
    assert run.code == 0, run.err
    assert cli("validate", "--kb", str(kb_copy)).code == 0


def test_the_docs_say_for_every_sheet_field_whether_it_is_required():
    from claimkb.ingest.sheet import FIELDS

    text = (ROOT / "docs" / "sheet-format.md").read_text(encoding="utf-8")
    reference = text.split("## Every field", 1)[1]
    documented: dict[str, dict[str, str]] = {}
    for section in re.split(r"^### ", reference, flags=re.M)[1:]:
        name, _, body = section.partition("\n")
        documented[name.strip()] = dict(
            re.findall(r"^\| `([a-z0-9_]+)` \| (required|optional|conditional) \|", body, re.M))
    assert documented == FIELDS


def test_date_wordings_resolve_without_a_document_date_when_they_name_their_year():
    from claimkb.ingest import dates

    assert dates.absolute("late October 2024")[:4] == (date(2024, 10, 21), date(2024, 10, 31), "month", True)
    assert dates.absolute("as of 28 Oct 2024")[:4] == (date(2024, 10, 28), date(2024, 10, 28), "day", False)
    assert dates.absolute("~2024-10-23")[:4] == (date(2024, 10, 22), date(2024, 10, 24), "day", True)
    assert dates.absolute("mid-October") is None  # no year: needs the document's date


@pytest.mark.parametrize(("phrase", "start", "end", "precision"), [
    ("between March and June", date(2025, 3, 1), date(2025, 6, 30), "month"),
    ("between February 28 and March 1", date(2025, 2, 28), date(2025, 3, 1), "day"),
    ("in the first half of the year", date(2025, 1, 1), date(2025, 6, 30), "month"),
    ("by the end of 2026", date(2025, 11, 6), date(2026, 12, 31), "year"),
    ("next week", date(2025, 11, 10), date(2025, 11, 16), "week"),
    ("last month", date(2025, 10, 1), date(2025, 10, 31), "month"),
])
def test_more_date_phrases_resolve_against_the_document_date(phrase, start, end, precision):
    from claimkb.ingest import dates

    assert dates.resolve(phrase, (date(2025, 11, 6), date(2025, 11, 6)))[:3] == (start, end, precision)
