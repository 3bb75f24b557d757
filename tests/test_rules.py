"""The rules of rules.py, case by case, and the oracle that keeps the .rq files that state them equal."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pyoxigraph as ox
import pytest

from claimkb import answers, resources, rules
from claimkb.backends.local import evaluate
from claimkb.catalogue import Catalogue, bind
from claimkb.conflicts import Finder, figures_from_rows
from claimkb.ingest.to_rdf import sheet_quads
from claimkb.model import Claim, Document, Quantity, Relay, Sheet, TimeRef
from claimkb.namespaces import ONTOLOGY_GRAPH

D = Decimal
W = rules.comparison_window


@pytest.mark.parametrize(("value", "written", "step"), [
    ("701650", "701,650", Fraction(10)), ("600000", "600,000", Fraction(100000)),
    ("1354.2", "1,354.2", Fraction(1, 10)), ("0.35", "35%", Fraction(1, 100)),
    (Fraction(2, 3), "two-thirds", Fraction(1, 20)), ("0.25", "a quarter", Fraction(1, 20)),
    (Fraction(2, 3), ">2/3", Fraction(1, 20)), ("1146", "1,146 sq km", Fraction(1)), ("0", "0", Fraction(0)),
])
def test_the_rounding_step_is_one_unit_of_the_last_significant_digit(value, written, step):
    assert rules.rounding_step(Fraction(value), written) == step


@pytest.mark.parametrize(("value", "comparator", "formulaic", "low", "high"), [
    ("1307", "exactly", False, "1306.5", "1307.5"),
    ("1354.2", "exactly", False, "1354.15", "1354.25"),
    ("1300", "approximately", False, "1200", "1400"),
    ("700000", "approximately", False, "600000", "800000"),
    ("701650", "approximately", False, "701640", "701660"),
    ("701650", "approximately", True, "701645", "701655"),  # a formulaic hedge leaves the figure exact
    ("200", "more-than", False, "200", None),
    ("9", "up-to", False, "0", "9"),
])
def test_value_intervals_follow_the_rounding_of_the_figure_as_written(value, comparator, formulaic, low, high):
    interval = rules.value_interval(Fraction(value), comparator, formulaic=formulaic)
    assert interval == (Fraction(low), None if high is None else Fraction(high))


@pytest.mark.parametrize(("value", "comparator", "low", "high"), [
    ("200", "more-than", "200", "300"), ("10000", "at-least", "10000", "20000"),
    ("700000", "almost", "600000", "700000"), ("9", "up-to", "8", "9"), ("1146", "exactly", "1145.5", "1146.5"),
])
def test_open_bounds_have_an_implied_range_one_step_wide(value, comparator, low, high):
    assert rules.implied_interval(Fraction(value), comparator) == (Fraction(low), Fraction(high))


def test_a_bound_stated_to_four_significant_digits_is_a_count_with_no_implied_range():
    assert rules.implied_interval(Fraction(72899), "at-least") == (Fraction(72899), None)
    assert rules.implied_interval(Fraction(696000), "more-than") == (Fraction(696000), Fraction(697000))


@pytest.mark.parametrize(("written", "comparator", "unit", "shown"), [
    ("1,146 sq km", "Approximately", "km2", "approximately 1,146 sq km"),
    (">200 (77 sq mi)", "MoreThan", "km2", ">200 (77 sq mi)"),
    ("701,650", "approximately", "persons", "approximately 701,650 persons"),
    ("two-thirds", "MoreThan", "share", "more than two-thirds"),
    ("almost 20000", "Almost", "persons", "almost 20000 persons"),
    ("1,307", "Exactly", "persons per day", "1,307 persons per day"),
])
def test_a_figure_says_its_comparator_and_unit_once(written, comparator, unit, shown):
    assert rules.figure_text(written, comparator, unit) == shown


def fig(claim, kind, window, value, comparator="exactly", written=None, series=("s",)):
    strict = rules.value_interval(Fraction(value), comparator, as_written=written)
    implied = rules.implied_interval(Fraction(value), comparator, as_written=written)
    low, high = rules.stored_bounds(strict)
    ilow, ihigh = rules.stored_bounds(implied)
    return rules.Figure(claim, kind, window, low, high, ilow, ihigh, D(value), frozenset(series))


OCT = W(date(2024, 10, 1), date(2024, 10, 31), "month")
OCT_1_27 = W(date(2024, 10, 1), date(2024, 10, 27), "day")
WEEK_A = W(date(2024, 10, 21), date(2024, 10, 27), "day")
WEEK_B = W(date(2024, 10, 24), date(2024, 10, 30), "day")
LAST_WEEK_OCT = W(date(2024, 10, 25), date(2024, 10, 31), "week")
BLOOMBERG_WEEK = W(date(2024, 10, 26), date(2024, 11, 1), "day")
NOV_4 = W(None, None, as_of_start=date(2024, 11, 4), as_of_end=date(2024, 11, 4))
NOV_4_5 = W(None, None, as_of_start=date(2024, 11, 4), as_of_end=date(2024, 11, 5))
NOV_8 = W(None, None, as_of_start=date(2024, 11, 8), as_of_end=date(2024, 11, 8))


@pytest.mark.parametrize(("a", "b", "relation"), [
    (fig("a", "average", OCT, "1307"), fig("b", "average", OCT, "1354"), rules.CONFLICT),
    (fig("a", "average", OCT, "1354"), fig("b", "average", OCT, "1354.2"), rules.AGREE),
    (fig("a", "total", WEEK_A, "150"), fig("b", "total", WEEK_B, "300"), rules.DIFFERENT_PERIOD),
    (fig("a", "total", OCT_1_27, "40000"), fig("b", "total", OCT, "41980"), rules.PARTIAL),
    (fig("a", "total", OCT_1_27, "43000"), fig("b", "total", OCT, "41980"), rules.PART_EXCEEDS),
    (fig("a", "average", OCT_1_27, "1500"), fig("b", "average", OCT, "1307"), rules.DIFFERENT_PERIOD),
    (fig("a", "total", LAST_WEEK_OCT, "1146", "approximately"), fig("b", "total", BLOOMBERG_WEEK, "200", "more-than"),
     rules.BEYOND),
    (fig("a", "total", LAST_WEEK_OCT, "150"), fig("b", "total", BLOOMBERG_WEEK, "200", "more-than"), rules.CONFLICT),
    (fig("a", "total", LAST_WEEK_OCT, "250"), fig("b", "total", BLOOMBERG_WEEK, "200", "more-than"), rules.AGREE),
    (fig("a", "cumulative", NOV_4, "701650"), fig("b", "cumulative", NOV_4_5, "701650", "approximately"), rules.AGREE),
    (fig("a", "cumulative", NOV_4, "701650"), fig("b", "cumulative", NOV_4_5, "660000", "approximately"),
     rules.CONFLICT),
    (fig("a", "cumulative", NOV_4, "701650"), fig("b", "cumulative", NOV_8, "696000", "more-than", series=("t",)),
     rules.DIFFERENT_DATE),
    (fig("a", "cumulative", NOV_4, "701650"), fig("b", "cumulative", NOV_8, "700390"), rules.FALLS),
    (fig("a", "cumulative", NOV_4, "701650"), fig("b", "cumulative", NOV_8, "700000"), rules.DIFFERENT_DATE),
    (fig("a", "cumulative", NOV_4, "701650"), fig("b", "cumulative", NOV_8, "710000"), rules.DIFFERENT_DATE),
    (fig("a", "point", NOV_4, "10000"), fig("b", "point", NOV_8, "12000"), rules.DIFFERENT_DATE),
])
def test_the_relation_of_two_figures(a, b, relation):
    assert rules.relation(a, b) == relation
    assert rules.relation(b, a) == relation


def test_a_hop_says_not_compared_where_a_side_states_nothing():
    side = rules.HopSide(quantity="q", comparator="Exactly", low=D(1), high=D(2), window=OCT, quote="x")
    bare = rules.HopSide()
    assert rules.hop_changes(side, bare, quoted=False) == {
        "value": None, "period": None, "hedge": False, "quantity": None, "wording": None}
    assert rules.hop_changes(side, side._replace(window=WEEK_A), quoted=True) == {
        "value": False, "period": True, "hedge": False, "quantity": False, "wording": False}


def test_arithmetic_checks_show_their_working():
    average = fig("a", "average", OCT, "1307")
    total = fig("b", "total", OCT, "41980")
    check = rules.average_times_days(average, total)
    assert check is not None and not check.consistent
    assert check.working.startswith("1,307 a day x 31 days = 40,517")
    assert rules.average_times_days(fig("a", "average", OCT, "1354"), total).consistent
    parts = [fig("k", "cumulative", NOV_4, "200100"), fig("w", "cumulative", NOV_4, "400100")]
    assert not rules.parts_vs_total(fig("t", "cumulative", NOV_4, "701650"), parts, complete=True).consistent
    assert rules.parts_vs_total(fig("t", "cumulative", NOV_4, "600200"), parts, complete=True).consistent
    assert not rules.parts_vs_total(fig("t", "cumulative", NOV_4, "500000"), parts, complete=False).consistent
    before, after = fig("x", "cumulative", NOV_4, "700390"), fig("y", "cumulative", NOV_4, "701650")
    assert rules.increment_vs_totals(fig("i", "total", NOV_4, "1260"), before, after).consistent
    assert not rules.increment_vs_totals(fig("i", "total", NOV_4, "1310"), before, after).consistent
    assert not rules.asserted_after_publication(date(2024, 12, 1), date(2024, 11, 5)).consistent
    assert not rules.period_after_assertion(date(2024, 12, 31), date(2024, 11, 5)).consistent


# -- the oracle: the .rq files that state a rule give what rules.py gives -------------------------

CATALOGUE = Catalogue(resources.queries_dir())


def _relations_by_query(store: ox.Store) -> dict[tuple[str, str], str]:
    table = evaluate(store, bind(CATALOGUE.get("comparisons"), {}))
    return {(r["claim"].value, r["other"].value): r["relation"].value for r in table.rows}


def _relations_by_rules(store: ox.Store) -> dict[tuple[str, str], str]:
    figures = figures_from_rows(evaluate(store, bind(CATALOGUE.get("comparable-values"), {})).rows)
    out = {}
    for a in figures:
        for b in figures:
            if a.claim < b.claim and (a.quantity, a.unit) == (b.quantity, b.unit):
                out[(a.claim, b.claim)] = rules.relation(a, b)
    return out


def _hops_by_query_and_rules(store: ox.Store) -> tuple[dict, dict]:
    table = evaluate(store, bind(CATALOGUE.get("relay-hops"), {}))
    by_query = {(r["relay"].value, r["source"].value): tuple(r[f"{f}Change"].value for f in rules.HOP_FIELDS)
                for r in table.rows}
    by_rules = {(h.relay, h.source): tuple(getattr(h, f) for f in rules.HOP_FIELDS) for h in answers.hops(table)}
    return by_query, by_rules


def test_the_queries_state_the_rules_on_the_bundled_data(kb):
    store = kb.local_store()
    assert _relations_by_query(store) == _relations_by_rules(store)
    by_query, by_rules = _hops_by_query_and_rules(store)
    assert by_query == by_rules and len(by_query) >= 17


QUANTITIES = {"qa": "Cumulative", "qb": "PeriodTotal", "qc": "DailyAverage", "qd": "PointInTime", "qe": "Share"}


def random_sheet(seed: int, claims: int = 120) -> Sheet:
    """Figures of every kind, comparator, precision and window shape, some relaying others."""
    rng = random.Random(seed)
    start = date(2024, 10, 1)
    out: list[Claim] = []
    for i in range(claims):
        quantity = rng.choice(list(QUANTITIES))
        day = start + timedelta(days=rng.randrange(20))
        precision = rng.choice(["day", "day", "week", "month", "season"])
        if QUANTITIES[quantity] in ("Cumulative", "PointInTime"):
            as_of = TimeRef(start=day, end=day + timedelta(days=rng.choice([0, 0, 1, 3])), precision=precision)
            period = TimeRef(start=date(2022, 2, 24), end=as_of.end, cumulative=True, as_of=as_of)
        else:
            period = TimeRef(start=day, end=day + timedelta(days=rng.choice([0, 6, 13, 30])), precision=precision)
        comparator = rng.choice(["exactly", "approximately", "more-than", "at-least", "less-than", "up-to",
                                 "almost", "between"])
        value = rng.choice(["1000", "1200", "1250", "1300", "2000", "1500.5", "990", "2/3", "0.7"])
        figure = Fraction(value) if "/" in value else Fraction(Decimal(value))
        bounds = {}
        if comparator == "between":
            bounds = {"minimum": Decimal(1000), "maximum": Decimal(rng.choice([1100, 1300, 2000]))}
        q = Quantity(measures=quantity, value=figure, as_written=value, unit="u", comparator=comparator,
                     formulaic=comparator == "approximately" and rng.random() < 0.3, **bounds)
        relays = (Relay(claim=f"R-c{rng.randrange(i)}", quoted=rng.random() < 0.3),) if i and rng.random() < 0.3 else ()
        out.append(Claim(id=f"R-c{i}", text=f"claim {i}", claimants=(rng.choice(["s1", "s2"]),), carriage="own-voice",
                         asserted=TimeRef(start=day, end=day), period=period, quantity=q, relays=relays,
                         quotation=rng.choice([None, "one two", "one two three"]),
                         hedge=rng.choice([None, None, "likely", "almost certainly"])))
    document = Document(id="R", title="random", kind="dataset", published=TimeRef(start=start, end=start),
                        certainty="high")
    return Sheet(document=document, claims=tuple(out), recorded_on=start)


@pytest.mark.parametrize("seed", range(6))
def test_the_queries_state_the_rules_on_random_figures(seed, tmp_path):
    store = ox.Store()
    store.extend(sheet_quads(random_sheet(seed), tmp_path, "random", []))
    for concept, aggregation in QUANTITIES.items():
        node = ox.NamedNode(f"https://w3id.org/claimkb/id/quantity/{concept}")
        store.add(ox.Quad(node, ox.NamedNode("https://w3id.org/claimkb/ns#aggregation"),
                          ox.NamedNode(f"https://w3id.org/claimkb/ns#{aggregation}"), ox.NamedNode(ONTOLOGY_GRAPH)))
    by_query = _relations_by_query(store)
    assert by_query == _relations_by_rules(store)
    assert {rules.CONFLICT, rules.AGREE, rules.DIFFERENT_PERIOD, rules.DIFFERENT_DATE} <= set(by_query.values())
    hops_by_query, hops_by_rules = _hops_by_query_and_rules(store)
    assert hops_by_query == hops_by_rules and hops_by_query


@pytest.mark.parametrize("seed", range(6))
def test_the_sweep_finds_exactly_the_flagged_pairs(seed, tmp_path):
    """The finder, which never compares every pair, equals the pairwise rule (distinct figures)."""
    store = ox.Store()
    store.extend(sheet_quads(random_sheet(seed, 200), tmp_path, "random", []))
    for concept, aggregation in QUANTITIES.items():
        node = ox.NamedNode(f"https://w3id.org/claimkb/id/quantity/{concept}")
        store.add(ox.Quad(node, ox.NamedNode("https://w3id.org/claimkb/ns#aggregation"),
                          ox.NamedNode(f"https://w3id.org/claimkb/ns#{aggregation}"), ox.NamedNode(ONTOLOGY_GRAPH)))
    figures = figures_from_rows(evaluate(store, bind(CATALOGUE.get("comparable-values"), {})).rows)
    found = {(d.claim, d.other, d.kind) for d in Finder(figures).findings()}
    from claimkb.conflicts import deduplicate

    expected = set()
    groups: dict = {}
    for f in figures:
        groups.setdefault((f.quantity, f.unit), []).append(f)
    for group in groups.values():
        distinct, _ = deduplicate(group)
        for i, a in enumerate(distinct):
            for b in distinct[i + 1:]:
                relation = rules.relation(a.figure, b.figure)
                if relation in rules.FLAGGED:
                    x, y = sorted((a.first, b.first))
                    expected.add((x, y, relation))
    assert found == expected and found
