"""The rows the catalogue queries give, computed from the staged facts (`collect.py`) with SQL joins.

Each function here states one `.rq` file over the staging table: the same variables, bound and unbound
in the same cases, as term codes (`codec.py`), in the query's order. `tests/test_tables.py` holds every
one equal to its query, on the bundled knowledge base and on a synthetic corpus. Where the data has two
values for a property the shapes allow once (two texts for one claim), a query gives a row for each and
these give the row of the smallest; the shapes report such data.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, overload

from .. import rules
from ..namespaces import PROV, SCHEMA, XSD
from ..rows import HOP_CHANGE_KEYS, hop_changes_of
from . import codec

Row = dict[str, str]  # variable -> term code; an unbound variable is absent
CLAIM_TYPE = codec.iri(SCHEMA.Claim)
AGENT_TYPE = codec.iri(PROV.Agent)
IS_CLAIM = f"instr(c.type, '{json.dumps(CLAIM_TYPE)}') > 0"
TRUE, FALSE = codec.typed("true", XSD.boolean), codec.typed("false", XSD.boolean)


# the variables each stored query binds in every row (a stored row without them is damaged)
REQUIRED = {"claims": ("claim", "text", "document"), "claims-by-claimant": ("claim", "text", "document"),
            "relay-hops": ("relay", "source", "sourceDocument", "quoted", "changed"),
            "agents": ("agent", "label", "kind"), "claimants": ("label", "kind", "claims", "documents"),
            "date-problems": ("claim", "problem"), "quantity-relations": ("quantity", "relation", "other")}


_SCAN = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner, without json.loads' checks around it


@lru_cache(maxsize=1 << 16)  # the same claimant lists recur on most claims
def many(value: str | None) -> tuple[str, ...]:
    """The codes of a staged list (collect.py writes them as JSON lists)."""
    return tuple(_SCAN(value, 0)[0]) if value else ()


def select(db: sqlite3.Connection, sql: str, aliases: dict[str, list[str]],
           expressions: dict[tuple[str, str], str] | None = None) -> Iterator[dict[str, Any]]:
    """Rows of a join over `node`, each as one dict {"alias.column": code} for the aliases and columns
    named (a column in `expressions` is computed by its SQL expression; a code, or None when unbound, which
    a column the join's WHERE requires never is). One flat dict a row: a dict per alias was a sixth of the
    tables' build."""
    picks = [(a, c) for a, columns in aliases.items() for c in columns]
    given = expressions or {}
    query = sql.replace("{columns}", ", ".join(given.get((a, c), f"{a}.{c}") for a, c in picks))
    keys = [f"{a}.{c}" for a, c in picks]
    for values in db.execute(query):
        yield dict(zip(keys, values, strict=True))


@overload
def local(code: str) -> str: ...


@overload
def local(code: None) -> None: ...


def local(code: str | None) -> str | None:
    """STRAFTER(STR(?x), "#") as a code (the empty string when there is no '#')."""
    if code is None:
        return None
    text = codec.text(code) or ""
    return codec.plain(text.split("#", 1)[1] if "#" in text else "")


def put(row: Row, key: str, code: str | None) -> None:
    if code is not None:
        row[key] = code


def order_key(*codes: str | None) -> tuple:
    """A SPARQL ORDER BY key over codes: unbound first, then by the terms' text."""
    return tuple((0, "") if c is None else (1, codec.text(c)) for c in codes)


class Labels:
    """rdfs:label and ckb:agentKind of every node that has one (agents, the ontology's terms)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.of: dict[str, tuple[str | None, str | None]] = {
            s: (label, kind) for s, label, kind in db.execute(
                "SELECT s, label, agent_kind FROM node WHERE label IS NOT NULL OR agent_kind IS NOT NULL")}

    def label(self, node: str | None) -> str | None:
        return None if node is None else self.of.get(node, (None, None))[0]

    def kind_label(self, agent: str | None) -> str | None:
        """The label of the agent's kind (`?agent ckb:agentKind/rdfs:label ?x`)."""
        kind = None if agent is None else self.of.get(agent, (None, None))[1]
        return self.label(kind)


@overload
def str_of(code: str) -> str: ...


@overload
def str_of(code: None) -> None: ...


def str_of(code: str | None) -> str | None:
    """STR(?x) as a code."""
    return None if code is None else codec.plain(codec.text(code) or "")


# -- claims.rq ------------------------------------------------------------------------------------

CLAIM_COLUMNS = ["s", "text", "appearance", "carriage", "asserted", "quantity", "author", "period", "cue", "hedge",
                 "quotation"]
CLAIMS_SQL = (
    "SELECT {columns} FROM node c LEFT JOIN node q ON q.s = c.quantity LEFT JOIN node qk ON qk.s = q.measures "
    "LEFT JOIN node car ON car.s = c.carriage LEFT JOIN node a ON a.s = c.asserted "
    "LEFT JOIN node pe ON pe.s = c.period LEFT JOIN node d ON d.s = c.appearance "
    "LEFT JOIN node pub ON pub.s = d.publisher LEFT JOIN node an ON an.s = c.anchor "
    "LEFT JOIN node act ON act.s = c.activity "
    f"WHERE {IS_CLAIM} AND c.text IS NOT NULL AND c.appearance IS NOT NULL AND c.carriage IS NOT NULL "
    "AND c.asserted IS NOT NULL")
CLAIMS_ALIASES = {
    "c": CLAIM_COLUMNS, "q": ["measures", "comparator", "formulaic", "written", "unit", "value", "min", "max"],
    "qk": ["pref_label"], "car": ["label"], "a": ["precision", "start", "end", "phrase", "inferred"],
    "pe": ["start", "end", "phrase", "asof_start", "asof_end"], "d": ["headline", "publisher", "date_published"],
    "pub": ["label"], "sel": ["exact"], "act": ["formula"]}
# ckb:anchor/oa:hasSelector/oa:exact: an anchor has several selectors (quote, position), one with the words
CLAIMS_EXPRESSIONS = {("sel", "exact"): "(SELECT MIN(x.exact) FROM json_each(an.selector) j "
                                        "JOIN node x ON x.s = j.value)"}


def claims(db: sqlite3.Connection, labels: Labels) -> Iterator[tuple[str, list[Row]]]:
    """Each claim's `claims.rq` rows (one per claimant)."""
    for j in select(db, CLAIMS_SQL, CLAIMS_ALIASES, CLAIMS_EXPRESSIONS):
        row: Row = {"claim": j["c.s"], "text": j["c.text"], "document": j["c.appearance"]}
        if j["c.quantity"] is not None:
            put(row, "quantity", j["q.measures"])
            put(row, "comparator", local(j["q.comparator"]))
            for key, column in (("formulaic", "q.formulaic"), ("valueAsWritten", "q.written"), ("unit", "q.unit"),
                                ("value", "q.value"), ("minValue", "q.min"), ("maxValue", "q.max")):
                put(row, key, j[column])
            if j["q.measures"] is not None:
                put(row, "quantityLabel", j["qk.pref_label"])
        label = j["car.label"]
        put(row, "carriage", str_of(label) if label is not None else local(j["c.carriage"]))
        if j["a.precision"] is not None:
            for key, column in (("assertedStart", "a.start"), ("assertedEnd", "a.end"),
                                ("assertedPhrase", "a.phrase"), ("assertedInferred", "a.inferred")):
                put(row, key, j[column])
        if j["c.period"] is not None:
            for key, column in (("periodStart", "pe.start"), ("periodEnd", "pe.end"), ("periodPhrase", "pe.phrase"),
                                ("asOfStart", "pe.asof_start"), ("asOfEnd", "pe.asof_end")):
                put(row, key, j[column])
        put(row, "headline", j["d.headline"])
        put(row, "published", j["d.date_published"])
        if j["d.publisher"] is not None:
            put(row, "publisher", j["pub.label"])
        put(row, "cue", j["c.cue"])
        put(row, "hedge", j["c.hedge"])
        put(row, "quote", j["sel.exact"] if j["sel.exact"] is not None else j["c.quotation"])
        put(row, "derivation", j["act.formula"])
        rows = []
        for author in many(j["c.author"]):
            mine = dict(row, claimant=author)
            put(mine, "claimantLabel", str_of(labels.label(author) or author))
            put(mine, "kindLabel", str_of(labels.kind_label(author)))
            rows.append(mine)
        rows.sort(key=lambda r: order_key(r.get("claimantLabel")))
        yield j["c.s"], rows or [row]


def claims_order(row: Row) -> tuple:
    """ORDER BY (COALESCE(?assertedStart, ?assertedEnd)) ?claim ?claimantLabel"""
    when = row.get("assertedStart", row.get("assertedEnd"))
    return order_key(when, row["claim"], row.get("claimantLabel"))


# -- claims-by-claimant.rq ------------------------------------------------------------------------

BY_CLAIMANT_SQL = (
    "SELECT {columns} FROM node c LEFT JOIN node a ON a.s = c.asserted LEFT JOIN node q ON q.s = c.quantity "
    "LEFT JOIN node d ON d.s = c.appearance LEFT JOIN node act ON act.s = c.activity "
    "WHERE c.author IS NOT NULL AND c.text IS NOT NULL AND c.appearance IS NOT NULL AND c.asserted IS NOT NULL")


def by_claimant(db: sqlite3.Connection) -> Iterator[tuple[str, tuple, Row]]:
    """(claimant, order key, row) for each claim of each claimant (`claims-by-claimant.rq`)."""
    aliases = {"c": ["s", "author", "text", "appearance", "quantity"], "a": ["start", "end"], "q": ["written"],
               "d": ["date_published"], "act": ["formula"]}
    for j in select(db, BY_CLAIMANT_SQL, aliases):
        row: Row = {"claim": j["c.s"], "text": j["c.text"], "document": j["c.appearance"]}
        put(row, "assertedStart", j["a.start"])
        put(row, "assertedEnd", j["a.end"])
        if j["c.quantity"] is not None:
            put(row, "valueAsWritten", j["q.written"])
        put(row, "published", j["d.date_published"])
        put(row, "derivation", j["act.formula"])
        key = order_key(row.get("assertedStart", row.get("assertedEnd")), row["claim"])
        for author in many(j["c.author"]):
            yield author, key, row


# -- relay-hops.rq --------------------------------------------------------------------------------

SIDE = {"Quantity": "measures", "Formulaic": "formulaic", "Value": "value", "AsWritten": "written", "Unit": "unit",
        "Low": "low", "High": "high"}
SIDE_PERIOD = {"PeriodStart": "start", "PeriodEnd": "end", "PeriodPhrase": "phrase", "AsOfStart": "asof_start",
               "AsOfEnd": "asof_end",
               "WindowStart": "ws", "WindowEnd": "we", "StartLow": "wsl", "StartHigh": "wsh", "EndLow": "wel",
               "EndHigh": "weh"}
HOP_CLAIM = ["s", "text", "appearance", "author", "quantity", "period", "band", "hedge", "quotation", "quoted"]
HOPS_SQL = (
    "SELECT {columns} FROM link l JOIN node r ON r.s = l.relay JOIN node s ON s.s = l.source "
    "LEFT JOIN node rst ON rst.s = r.quantity LEFT JOIN node sst ON sst.s = s.quantity "
    "LEFT JOIN node rpe ON rpe.s = r.period LEFT JOIN node spe ON spe.s = s.period "
    "LEFT JOIN node d ON d.s = s.appearance "
    "WHERE r.text IS NOT NULL AND s.text IS NOT NULL AND s.appearance IS NOT NULL ORDER BY l.relay, l.source")
STATEMENT = list(SIDE.values()) + ["comparator"]
# each side of a hop: its claim's alias in HOPS_SQL, then the keys of its period's and its statement's columns
_SIDES = [(side, claim, [(side + key, f"{period}.{column}") for key, column in SIDE_PERIOD.items()],
           [(side + key, f"{statement}.{column}") for key, column in SIDE.items()], f"{statement}.comparator")
          for side, claim, period, statement in (("relay", "r", "rpe", "rst"), ("source", "s", "spe", "sst"))]
_STATES = {True: codec.plain("changed"), False: codec.plain("unchanged"), None: codec.plain("not compared")}
PERIOD = list(SIDE_PERIOD.values())


def links(db: sqlite3.Connection) -> Iterator[tuple[str, str]]:
    """Every prov:wasDerivedFrom link (relay, source)."""
    for relay, derived in db.execute("SELECT s, derived FROM node WHERE derived IS NOT NULL"):
        for source in many(derived):
            yield relay, source


def hops(db: sqlite3.Connection, labels: Labels) -> Iterator[tuple[str, str, list[Row]]]:
    """Each hop's `relay-hops.rq` rows (one per pair of claimants), by relay and source. Needs the
    temporary table `link` (relay, source)."""
    aliases = {"r": HOP_CLAIM, "s": HOP_CLAIM, "rst": STATEMENT, "sst": STATEMENT, "rpe": PERIOD, "spe": PERIOD,
               "d": ["date_published"]}
    for j in select(db, HOPS_SQL, aliases):
        relay, source = j["r.s"], j["s.s"]
        row: Row = {"relay": relay, "source": source, "sourceDocument": j["s.appearance"]}
        put(row, "sourcePublished", j["d.date_published"])
        row["quoted"] = TRUE if source in many(j["r.quoted"]) else FALSE
        for side, claim, period_keys, statement_keys, comparator in _SIDES:
            put(row, side + "Hedge", j[claim + ".hedge"])
            put(row, side + "Quote", j[claim + ".quotation"])
            put(row, side + "Band", local(j[claim + ".band"]))
            if j[claim + ".period"] is not None:
                row.update({key: v for key, column in period_keys if (v := j[column]) is not None})
            if j[claim + ".quantity"] is not None:
                row.update({key: v for key, column in statement_keys if (v := j[column]) is not None})
                put(row, side + "Comparator", local(j[comparator]))
        changes = hop_changes_of({k: codec.term(v) for k in HOP_CHANGE_KEYS if (v := row.get(k)) is not None})
        for field, change in changes.items():
            row[field + "Change"] = _STATES[change]
        row["changed"] = TRUE if any(changes.values()) else FALSE
        rows = [row]
        for side, claim in (("relay", "r"), ("source", "s")):
            authors = many(j[claim + ".author"])
            if authors:
                rows = [_with_claimant(base, side, author, labels) for base in rows for author in authors]
        rows.sort(key=lambda x: order_key(x.get("relayClaimantLabel"), x.get("sourceClaimantLabel")))
        yield relay, source, rows


def _with_claimant(base: Row, side: str, author: str, labels: Labels) -> Row:
    row = dict(base)
    row[side + "Claimant"] = author
    put(row, side + "ClaimantLabel", labels.label(author))
    put(row, side + "ClaimantKind", str_of(labels.kind_label(author)))
    return row


# -- agents.rq, claimants.rq, date-problems.rq, quantity-relations.rq ------------------------------

def agents(db: sqlite3.Connection, labels: Labels) -> list[Row]:
    rows = []
    sql = f"SELECT s FROM node WHERE instr(type, '{json.dumps(AGENT_TYPE)}') > 0"
    for (agent,) in db.execute(sql):
        rows.append({"agent": agent, "label": str_of(labels.label(agent) or agent),
                     "kind": codec.plain(codec.text(labels.kind_label(agent)) or "")})
    unique = {tuple(sorted(r.items())): r for r in rows}
    return sorted(unique.values(), key=lambda r: (order_key(r["label"]), r["agent"]))


def claimants(db: sqlite3.Connection, labels: Labels) -> list[Row]:
    counts: dict[str | None, list] = {}
    sql = f"SELECT c.author, c.appearance FROM node c WHERE {IS_CLAIM} AND c.appearance IS NOT NULL"
    for authors, document in db.execute(sql):
        owners: list[str | None] = [*many(authors)]
        for author in owners or [None]:
            mine = counts.setdefault(author, [0, set()])
            mine[0] += 1
            mine[1].add(document)
    rows = []
    for author, (number, documents) in counts.items():
        row: Row = {}
        if author is None:
            row["label"], row["kind"] = codec.plain("(no claimant recorded)"), codec.plain("")
        else:
            row["claimant"] = author
            row["label"] = str_of(labels.label(author) or author)
            row["kind"] = codec.plain(codec.text(labels.kind_label(author)) or "")
        row["claims"] = codec.typed(str(number), XSD.integer)
        row["documents"] = codec.typed(str(len(documents)), XSD.integer)
        rows.append(row)
    rows.sort(key=lambda r: (-int(codec.text(r["claims"]) or 0), codec.text(r["label"]), r.get("claimant", "")))
    return rows


PROBLEMS_SQL = (
    "SELECT {columns} FROM node c LEFT JOIN node a ON a.s = c.asserted LEFT JOIN node doc ON doc.s = c.appearance "
    "LEFT JOIN node pub ON pub.s = doc.published_at LEFT JOIN node pe ON pe.s = c.period "
    f"WHERE {IS_CLAIM} AND c.asserted IS NOT NULL AND c.appearance IS NOT NULL")


def date_problems(db: sqlite3.Connection) -> list[Row]:
    rows = []
    aliases = {"c": ["s", "quantity", "period", "hedge", "forward", "excuse"], "a": ["start", "end"],
               "doc": ["published_at"], "pub": ["start", "end"], "pe": ["we"]}
    for j in select(db, PROBLEMS_SQL, aliases):
        asserted_start = j["a.start"]
        asserted_end = j["a.end"] or asserted_start
        published = j["doc.published_at"] is not None
        published_end = (j["pub.end"] or j["pub.start"]) if published else None
        period_end = j["pe.we"] if j["c.quantity"] is not None and j["c.period"] is not None else None
        base: Row = {"claim": j["c.s"]}
        for key, code in (("assertedStart", asserted_start), ("assertedEnd", asserted_end),
                          ("publishedEnd", published_end), ("periodEnd", period_end)):
            put(base, key, code)
        if (asserted_start is not None and published_end is not None and j["c.excuse"] is None
                and _later(asserted_start, published_end)):
            rows.append({**base, "problem": codec.plain(rules.ASSERTED_AFTER_PUBLICATION)})
        if (period_end is not None and asserted_end is not None and j["c.hedge"] is None and j["c.forward"] is None
                and _later(period_end, asserted_end)):
            rows.append({**base, "problem": codec.plain(rules.PERIOD_AFTER_ASSERTION)})
    rows.sort(key=lambda r: (r["claim"], r["problem"]))
    return rows


def _later(a: str, b: str) -> bool:
    """?a > ?b for two dates (as codes; False when either is not a date, as SPARQL's comparison errs)."""
    if codec.datatype(a) != XSD.date or codec.datatype(b) != XSD.date:
        return False
    return (codec.text(a) or "") > (codec.text(b) or "")


def quantity_relations(db: sqlite3.Connection) -> list[Row]:
    rows: list[Row] = []
    for quantity, sums, average, increment in db.execute(
            "SELECT s, sum_of, average_of, increment_of FROM node "
            "WHERE sum_of IS NOT NULL OR average_of IS NOT NULL OR increment_of IS NOT NULL"):
        for name, values in (("sumOf", sums), ("dailyAverageOf", average), ("incrementOf", increment)):
            rows.extend({"quantity": quantity, "relation": codec.plain(name), "other": o} for o in many(values))
    rows.sort(key=lambda r: order_key(r["quantity"], r["relation"], r["other"]))
    return rows


# -- comparable-values.rq (the figures) -----------------------------------------------------------

WINDOW = ["ws", "we", "wsl", "wsh", "wel", "weh"]
FIGURE_STATEMENT = ["measures", "unit", "comparator", "formulaic", "value", "written", "low", "high", "ilow", "ihigh"]
FIGURES_SQL = (
    "SELECT {columns} FROM node c JOIN node st ON st.s = c.quantity JOIN node pe ON pe.s = c.period "
    "LEFT JOIN node q ON q.s = st.measures "
    "WHERE st.measures IS NOT NULL AND st.unit IS NOT NULL AND st.comparator IS NOT NULL "
    "AND " + " AND ".join(f"pe.{w} IS NOT NULL" for w in WINDOW) + " ORDER BY st.measures, st.unit, c.s")


def figure_rows(db: sqlite3.Connection) -> Iterator[list[Row]]:
    """`comparable-values.rq` rows, one list per claim (one row per claimant), by quantity and unit."""
    keys = ("windowStart", "windowEnd", "startLow", "startHigh", "endLow", "endHigh")
    aliases = {"c": ["s", "author"], "st": FIGURE_STATEMENT, "pe": WINDOW, "q": ["aggregation"]}
    for j in select(db, FIGURES_SQL, aliases):
        row: Row = {"quantity": j["st.measures"], "unit": j["st.unit"], "claim": j["c.s"],
                    "aggregation": local(j["q.aggregation"]) or codec.plain(""),
                    "comparator": local(j["st.comparator"])}
        for key, column in zip(keys, WINDOW, strict=True):
            row[key] = j["pe." + column]  # bound: FIGURES_SQL asks for every bound of the window
        for key, column in (("value", "value"), ("valueAsWritten", "written"), ("formulaic", "formulaic"),
                            ("low", "low"), ("high", "high"), ("impliedLow", "ilow"), ("impliedHigh", "ihigh")):
            put(row, key, j["st." + column])
        authors = many(j["c.author"])
        yield [dict(row, claimant=a) for a in authors] or [row]
