"""A synthetic claim corpus with a realistic shape, deterministic from a seed.

Primary sources (official daily reports, intelligence updates) state figures about measured quantities;
news documents relay them, and relays are relayed again (chains of two to four hops). A few quantities
are popular (relayed by many outlets), most are rare (a Zipf law). Some relays misreport what they relay
(value, period or hedge changed) and some quantities get a rival figure from another source (a genuine
conflict): both are listed in `manifest.json`, the answer `disagreements` must find.

It writes what claimkb loads: `graphs/*.trig` (each document in its own named graph, with the derived
comparison intervals and windows that `claimkb import` computes, by the same rules), and a few claim
sheets in `sheets/` (CSV, as a user would import them) for a sample of the documents.

    python benchmarks/generate.py --claims 100000 --out /tmp/kb-100k [--seed 1]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import time
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

from claimkb import rules
from claimkb.namespaces import CKB, DCTERMS, ID, PROV, RDF, RDFS, SCHEMA, SKOS, XSD
from claimkb.namespaces import PREFIXES as ALL_PREFIXES

S = SCHEMA
DCT = DCTERMS
RDF_TYPE = RDF.type
START = date(2024, 1, 1)
CLAIMS_PER_FILE = 20_000
PREFIXES = {p: ALL_PREFIXES[p] for p in ("claim", "doc", "agent", "qk", "graph", "ckb", "schema", "prov", "xsd",
                                         "dcterms", "rdfs", "skos")}
HEADER = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())


def iri(value: str) -> str:
    """A prefixed name where the local part allows it (the files are a third of the size), else <IRI>."""
    if value == RDF_TYPE:
        return "a"
    for prefix, ns in PREFIXES.items():
        if value.startswith(ns):
            local = value[len(ns):]
            if local and all(ch.isalnum() or ch in "-_" for ch in local):
                return f"{prefix}:{local}"
    return f"<{value}>"


def lit(value: str, datatype: str | None = None) -> str:
    body = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{body}"' + (f"^^{iri(datatype)}" if datatype else "")


def day(offset: int) -> str:
    return (START + timedelta(days=offset)).isoformat()


class Writer:
    """Documents as TriG blocks, several thousand claims a file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.index = 0
        self.claims = 0
        self.lines: list[str] = []

    def document(self, graph: str, triples: list[tuple[str, str, str]], claims: int) -> None:
        self.lines.append(f"{iri(graph)} {{\n")
        self.lines.extend(f"{s} {p} {o} .\n" for s, p, o in triples)
        self.lines.append("}\n")
        self.claims += claims
        if self.claims >= CLAIMS_PER_FILE:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            (self.folder / f"synthetic-{self.index:04d}.trig").write_text(HEADER + "".join(self.lines),
                                                                         encoding="utf-8")
            self.index += 1
            self.lines, self.claims = [], 0


def figure_triples(claim: str, concept: str, unit: str, value: int, comparator: str, window: tuple[str, str],
                   flow: bool = False):
    """A claim's figure as `claimkb import` writes it: its quantity statement and its period (an as-of
    date, or with `flow` a period over which the figure is a total or an average), with bounds and window
    by the rules of rules.py."""
    c, node, period = iri(claim), iri(claim + "-value"), iri(claim + "-period")
    as_written = f"{value:,}"
    strict = rules.stored_bounds(rules.value_interval(Fraction(value), comparator, as_written=as_written))
    implied = rules.stored_bounds(rules.implied_interval(Fraction(value), comparator, as_written=as_written))
    first, last = date.fromisoformat(window[0]), date.fromisoformat(window[1])
    span = (rules.comparison_window(first, last, "day") if flow
            else rules.comparison_window(None, None, as_of_start=first, as_of_end=last))
    assert span is not None
    out = [(c, iri(CKB + "quantity"), node), (c, iri(CKB + "period"), period),
           (node, iri(RDF_TYPE), iri(CKB + "QuantityStatement")), (node, iri(RDF_TYPE), iri(S + "QuantitativeValue")),
           (node, iri(CKB + "measures"), iri(concept)), (node, iri(S + "value"), lit(f"{value}.0", XSD + "decimal")),
           (node, iri(CKB + "valueAsWritten"), lit(as_written)), (node, iri(S + "unitText"), lit(unit)),
           (node, iri(CKB + "comparator"), iri(CKB + rules.COMPARATORS[comparator])),
           (period, iri(RDF_TYPE), iri(CKB + "TimeReference"))]
    if flow:
        out += [(period, iri(S + "startDate"), lit(window[0], XSD + "date")),
                (period, iri(S + "endDate"), lit(window[1], XSD + "date"))]
    else:
        out += [(period, iri(CKB + "asOfStart"), lit(span.start.isoformat(), XSD + "date")),
                (period, iri(CKB + "asOfEnd"), lit(span.end.isoformat(), XSD + "date"))]
    for predicate, day_ in (("windowStart", span.start), ("windowEnd", span.end), ("windowStartLow", span.start_low),
                            ("windowStartHigh", span.start_high), ("windowEndLow", span.end_low),
                            ("windowEndHigh", span.end_high)):
        out.append((period, iri(CKB + predicate), lit(day_.isoformat(), XSD + "date")))
    for predicate, bound, stated in (("intervalLow", strict[0], None), ("intervalHigh", strict[1], None),
                                     ("impliedLow", implied[0], strict[0]), ("impliedHigh", implied[1], strict[1])):
        if bound is not None and bound != stated:
            out.append((node, iri(CKB + predicate), lit(format(bound, "f"), XSD + "decimal")))
    return out


def truth(concept_i: int, day_no: int, base: list[int]) -> int:
    """The one true figure of a quantity on a day: every primary source that reports it agrees."""
    return base[concept_i] + concept_i * 7919 % 97 + day_no * (base[concept_i] // 500 + 3) + (day_no * 31 % 17)


def generate(claims: int, seed: int, out: Path) -> dict:
    rng = random.Random(seed)
    graphs = out / "graphs"
    writer = Writer(graphs)
    n_quantities = max(20, claims // 500)
    concepts = [f"{ID}quantity/syn-q{i:05d}" for i in range(n_quantities)]
    units = ["persons", "km2", "units", "persons per day"]
    weights = [1 / (i + 1) ** 1.1 for i in range(n_quantities)]  # a few popular quantities, a long tail
    base = [int(10 ** rng.uniform(2, 6)) for _ in range(n_quantities)]
    primaries = [f"{ID}agent/syn-primary-{i}" for i in range(12)]
    outlets = [f"{ID}agent/syn-outlet-{i}" for i in range(300)]

    # shared vocabulary graph: agents and measured quantities
    shared = []
    for agent in primaries + outlets:
        kind = "BelligerentGovernment" if "primary" in agent else "NewsOutlet"
        shared += [(iri(agent), iri(RDF_TYPE), iri(PROV + "Agent")), (iri(agent), iri(RDFS + "label"),
                   lit(agent.rsplit("/", 1)[1])), (iri(agent), iri(CKB + "agentKind"), iri(CKB + kind))]
    for i, concept in enumerate(concepts):
        shared += [(iri(concept), iri(RDF_TYPE), iri(CKB + "MeasuredQuantity")),
                   (iri(concept), iri(SKOS + "prefLabel"), lit(f"Synthetic quantity {i}", None)),
                   (iri(concept), iri(S + "unitText"), lit(units[i % len(units)])),
                   (iri(concept), iri(CKB + "aggregation"), iri(CKB + "PointInTime"))]
    writer.document(f"{ID}graph/syn-shared", shared, 0)

    # The answer `disagreements` must give. Conflict groups are (quantity, day): `planted` ones hold a
    # rival primary figure; a misreported value or period may add conflicts in the group it lands in
    # (`affected`), which are right to report but not planted.
    manifest = {"claims": claims, "seed": seed, "misreported": [], "conflicts": [], "affected": [],
                "late": [], "primaries": 0}
    affected: set[tuple[str, str]] = set()
    made = 0
    doc_no = 0
    recent: list[dict] = []  # claims that can be relayed: news relays what is recent ...
    hot: list[dict] = []  # ... and a few stories that many outlets pick up; popularity does not grow with N
    carried: dict[str, int] = {}
    trace_pick: dict | None = None
    carriers: dict[int, int] = {}  # how many claims state each number
    candidates: list[int] = []  # primary figures, for a typical trace
    while made < claims:
        doc_no += 1
        doc = f"{ID}doc/syn-d{doc_no:07d}"
        graph = f"{ID}graph/syn-d{doc_no:07d}"
        published = 30 + doc_no * 300 // max(1, claims // 9)  # documents arrive in date order over ~300 days
        published = min(published, 330)
        primary = not recent or rng.random() < 0.12
        publisher = rng.choice(primaries if primary else outlets)
        triples = [(iri(doc), iri(RDF_TYPE), iri(S + "CreativeWork")), (iri(doc), iri(S + "headline"),
                    lit(f"Synthetic document {doc_no}")),
                   (iri(doc), iri(CKB + "documentKind"),
                    iri(CKB + ("OfficialDailyReport" if primary else "NewsArticleKind"))),
                   (iri(doc), iri(S + "publisher"), iri(publisher)),
                   (iri(doc), iri(S + "datePublished"), lit(day(published), XSD + "date")),
                   (iri(graph), iri(RDF_TYPE), iri(CKB + "ClaimGraph")), (iri(graph), iri(S + "about"), iri(doc))]
        asserted = f"{ID}doc/syn-d{doc_no:07d}-asserted"
        triples += [(iri(asserted), iri(RDF_TYPE), iri(CKB + "TimeReference")),
                    (iri(asserted), iri(S + "startDate"), lit(day(published), XSD + "date")),
                    (iri(asserted), iri(S + "endDate"), lit(day(published), XSD + "date")),
                    (iri(asserted), iri(CKB + "precision"), iri(CKB + "DayPrecision")),
                    (iri(asserted), iri(CKB + "inferred"), lit("false", XSD + "boolean"))]
        in_doc = rng.randint(3, 15)
        for k in range(in_doc):
            if made >= claims:
                break
            made += 1
            claim_id = f"syn-d{doc_no:07d}-c{k}"
            claim = f"{ID}claim/{claim_id}"
            c = iri(claim)
            triples += [(c, iri(RDF_TYPE), iri(S + "Claim")), (c, iri(DCT + "identifier"), lit(claim_id)),
                        (c, iri(S + "appearance"), iri(doc)), (c, iri(CKB + "assertedAt"), iri(asserted)),
                        (c, iri(CKB + "noAnchorReason"), lit("synthetic"))]
            if not primary and rng.random() < 0.3:  # an outlet's own words, no figure
                triples += [(c, iri(S + "author"), iri(publisher)), (c, iri(PROV + "wasAttributedTo"), iri(publisher)),
                            (c, iri(CKB + "carriage"), iri(CKB + "OwnVoice")),
                            (c, iri(S + "text"), lit(f"Commentary {claim_id} on the fighting."))]
                carried[publisher] = carried.get(publisher, 0) + 1
            elif primary:  # a figure of the claimant's own: the true one for its quantity and day
                concept_i = rng.choices(range(n_quantities), weights)[0]
                concept, unit = concepts[concept_i], units[concept_i % len(units)]
                day_no = max(0, published - rng.randrange(1, 4))
                window = (day(day_no), day(day_no))
                value = truth(concept_i, day_no, base)
                comparator = rng.choice(["exactly", "exactly", "exactly", "approximately", "more-than"])
                if comparator == "more-than":  # "more than" rounds down: still true
                    value = value - value % 10 ** max(0, len(str(value)) - 2)
                author = publisher
                triples += [(c, iri(S + "author"), iri(author)), (c, iri(PROV + "wasAttributedTo"), iri(author)),
                            (c, iri(CKB + "carriage"), iri(CKB + "OwnVoice")),
                            (c, iri(S + "text"), lit(f"Figure {value:,} for quantity {concept_i}."))]
                triples += figure_triples(claim, concept, unit, value, comparator, window)
                record = {"claim": claim, "concept": concept, "unit": unit, "value": value, "comparator": comparator,
                          "window": window, "root": claim, "hops": 1, "author": author, "relays": 0}
                recent.append(record)
                carried[author] = carried.get(author, 0) + 1
                carriers[value] = carriers.get(value, 0) + 1
                manifest["primaries"] += 1
                if made > claims // 10 and comparator == "exactly" and len(candidates) < 5000:
                    candidates.append(value)
                if rng.random() < 0.03:
                    hot.append(record)
                    del hot[:-40]
                    if trace_pick is None and made > claims // 10 and comparator == "exactly":
                        trace_pick = record
                if rng.random() < 0.01:  # a rival source: a genuine conflict on the same quantity and day (below any
                    # reading of the figure, so that even a "more than" bound conflicts with it)
                    rival = {**record, "claim": claim + "-rival", "value": value // 3 + 1, "comparator": "exactly"}
                    rc = iri(rival["claim"])
                    rival["author"] = rng.choice([p for p in primaries if p != publisher])
                    triples += [(rc, iri(RDF_TYPE), iri(S + "Claim")),
                                (rc, iri(DCT + "identifier"), lit(claim_id + "-rival")),
                                (rc, iri(S + "appearance"), iri(doc)), (rc, iri(CKB + "assertedAt"), iri(asserted)),
                                (rc, iri(CKB + "noAnchorReason"), lit("synthetic")),
                                (rc, iri(S + "author"), iri(rival["author"])),
                                (rc, iri(PROV + "wasAttributedTo"), iri(rival["author"])),
                                (rc, iri(CKB + "carriage"), iri(CKB + "Attributed")),
                                (rc, iri(S + "text"), lit(f"Rival figure {rival['value']:,}."))]
                    triples += figure_triples(rival["claim"], concept, unit, rival["value"], "exactly", window)
                    recent.append(rival)
                    carriers[rival["value"]] = carriers.get(rival["value"], 0) + 1
                    manifest["conflicts"].append([concept, window[0]])
                    carried[rival["author"]] = carried.get(rival["author"], 0) + 1
                    made += 1
            else:  # a relay of an earlier claim, maybe of a relay (chains of two to four hops)
                source = rng.choice(hot) if hot and rng.random() < 0.4 else rng.choice(recent[-2000:])
                if source["hops"] >= 4:
                    source = next((s for s in reversed(recent) if s["hops"] < 4), source)
                value, comparator, window = source["value"], source["comparator"], source["window"]
                if rng.random() < 0.02:  # a misreport, always one the rules can see
                    change = rng.choice(["value", "period", "hedge"])
                    if change == "value":  # a third of it, stated exactly: outside any interval of the source's
                        value, comparator = max(1, value // 3), "exactly"
                        affected.add((source["concept"], window[0]))
                    elif change == "period":
                        shifted = date.fromisoformat(window[0]) + timedelta(days=40)
                        window = (shifted.isoformat(), shifted.isoformat())
                        affected.add((source["concept"], window[0]))
                    else:
                        comparator = "approximately" if comparator != "approximately" else "exactly"
                    manifest["misreported"].append([claim, source["claim"], change])
                author = source["author"]
                triples += [(c, iri(S + "author"), iri(author)), (c, iri(PROV + "wasAttributedTo"), iri(author)),
                            (c, iri(CKB + "carriage"), iri(CKB + "Attributed")), (c, iri(CKB + "cue"), lit("said")),
                            (c, iri(S + "text"), lit(f"Relayed figure {value:,}.")),
                            (c, iri(PROV + "wasDerivedFrom"), iri(source["claim"])),
                            (c, iri(PROV + "hadPrimarySource"), iri(source["root"]))]
                triples += figure_triples(claim, source["concept"], source["unit"], value, comparator, window)
                if window[1] > day(published):  # a shifted period, or a relay of one: dated after its assertion
                    manifest["late"].append(claim)
                recent.append({**source, "claim": claim, "value": value, "comparator": comparator, "window": window,
                               "hops": source["hops"] + 1})
                carriers[value] = carriers.get(value, 0) + 1
                carried[author] = carried.get(author, 0) + 1
            if len(recent) > 4000:
                del recent[:2000]
        writer.document(graph, triples, in_doc)
    made += plant(writer, max(1, claims // 5000), manifest)
    writer.flush()
    manifest["documents"] = doc_no
    manifest["affected"] = sorted([list(group) for group in affected])
    # a typical figure to trace (relayed by a handful of outlets), and a story many outlets picked up
    typical = next((v for v in candidates if 10 <= carriers[v] <= 30),
                   candidates[0] if candidates else recent[0]["value"])
    manifest["trace_value"], manifest["trace_claims"] = typical, carriers.get(typical, 0)
    popular = (trace_pick or recent[0])["value"]
    manifest["popular_value"], manifest["popular_claims"] = popular, carriers.get(popular, 0)
    manifest["who_claimant"] = min(carried, key=lambda a: (abs(carried[a] - 200), a))  # a mid-sized claimant
    manifest["who_claims"] = carried[manifest["who_claimant"]]
    manifest["quantity"] = concepts[0]
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    _sample_sheets(out / "sheets", rng)
    return manifest


# -- planted findings of every other kind ---------------------------------------------------------

# kind -> (aggregation of each quantity, relations, figures: (quantity index, value, comparator, window, flow))
# Each plant has quantities of its own, so it can meet nothing else; windows are day offsets from START.
PLANTS = {
    rules.BEYOND: ([["PointInTime"]], [],
                   [(0, 200, "more-than", (100, 100), False), (0, 1146, "exactly", (100, 100), False)]),
    rules.PART_EXCEEDS: ([["PeriodTotal"]], [],
                         [(0, 1010, "exactly", (100, 130), True), (0, 1530, "exactly", (100, 126), True)]),
    rules.FALLS: ([["Cumulative"]], [],
                  [(0, 5010, "exactly", (100, 100), False), (0, 4020, "exactly", (103, 103), False)]),
    rules.AVERAGE_TIMES_DAYS: ([["DailyAverage"], ["PeriodTotal"]], [(0, "dailyAverageOf", 1)],
                               [(0, 107, "exactly", (100, 129), True), (1, 5010, "exactly", (100, 129), True)]),
    rules.PARTS_VS_TOTAL: ([["Cumulative"], ["Cumulative"], ["Cumulative"]], [(0, "sumOf", 1), (0, "sumOf", 2)],
                           [(0, 1010, "exactly", (100, 100), False), (1, 703, "exactly", (100, 100), False),
                            (2, 604, "exactly", (100, 100), False)]),
    rules.INCREMENT_VS_TOTALS: ([["Cumulative"], ["PeriodTotal"]], [(1, "incrementOf", 0)],
                                [(0, 1010, "exactly", (99, 99), False), (0, 1130, "exactly", (100, 100), False),
                                 (1, 307, "exactly", (100, 100), True)]),
}


def plant(writer: Writer, count: int, manifest: dict) -> int:
    """`count` planted findings of each kind above, plus claims asserted after their document and
    figures about a period that ends after their assertion. Returns the claims written."""
    agent = f"{ID}agent/syn-primary-0"
    made = 0
    planted: dict[str, list[list[str]]] = {}
    shared = []
    for n in range(count):
        for kind, (aggregations, relations, figures) in PLANTS.items():
            tag = f"syn-plant-{kind.split()[0]}-{n}"
            concepts = [f"{ID}quantity/{tag}-q{i}" for i in range(len(aggregations))]
            for concept, (aggregation,) in zip(concepts, aggregations, strict=True):
                shared += [(iri(concept), iri(RDF_TYPE), iri(CKB + "MeasuredQuantity")),
                           (iri(concept), iri(SKOS + "prefLabel"), lit(f"Planted quantity {tag}")),
                           (iri(concept), iri(S + "unitText"), lit("persons")),
                           (iri(concept), iri(CKB + "aggregation"), iri(CKB + aggregation))]
            for a, relation, b in relations:
                shared.append((iri(concepts[a]), iri(CKB + relation), iri(concepts[b])))
            doc, graph = f"{ID}doc/{tag}", f"{ID}graph/{tag}"
            triples, claims = _document(doc, graph, agent, published=140, asserted=140)
            for k, (q, value, comparator, (first, last), flow) in enumerate(figures):
                claim = f"{ID}claim/{tag}-c{k}"
                claims.append(claim)
                triples += _claim(claim, doc, agent, f"Planted figure {value:,}.")
                triples += figure_triples(claim, concepts[q], "persons", value, comparator, (day(first), day(last)),
                                          flow)
            writer.document(graph, triples, len(figures))
            made += len(figures)
            planted.setdefault(kind, []).append(claims)
        for kind, asserted, period_end in ((rules.ASSERTED_AFTER_PUBLICATION, 150, 120),
                                           (rules.PERIOD_AFTER_ASSERTION, 140, 170)):
            tag = f"syn-plant-{kind.split()[0]}-{n}"
            doc, graph = f"{ID}doc/{tag}", f"{ID}graph/{tag}"
            triples, claims = _document(doc, graph, agent, published=140, asserted=asserted)
            claim = f"{ID}claim/{tag}-c0"
            concept = f"{ID}quantity/{tag}-q0"
            shared += [(iri(concept), iri(RDF_TYPE), iri(CKB + "MeasuredQuantity")),
                       (iri(concept), iri(SKOS + "prefLabel"), lit(f"Planted quantity {tag}")),
                       (iri(concept), iri(S + "unitText"), lit("persons")),
                       (iri(concept), iri(CKB + "aggregation"), iri(CKB + "PeriodTotal"))]
            triples += _claim(claim, doc, agent, "Planted figure 501.")
            triples += figure_triples(claim, concept, "persons", 501, "exactly",
                                      (day(period_end - 5), day(period_end)), True)
            writer.document(graph, triples, 1)
            made += 1
            planted.setdefault(kind, []).append([claim])
    writer.document(f"{ID}graph/syn-plant-vocabulary", shared, 0)
    manifest["planted"] = planted
    return made


def _document(doc: str, graph: str, publisher: str, published: int, asserted: int) -> tuple[list, list]:
    stamp = f"{doc}-asserted"
    triples = [(iri(doc), iri(RDF_TYPE), iri(S + "CreativeWork")), (iri(doc), iri(S + "headline"), lit("Planted")),
               (iri(doc), iri(CKB + "documentKind"), iri(CKB + "OfficialDailyReport")),
               (iri(doc), iri(S + "publisher"), iri(publisher)),
               (iri(doc), iri(S + "datePublished"), lit(day(published), XSD + "date")),
               (iri(doc), iri(CKB + "publishedAt"), iri(doc + "-published")),
               (iri(doc + "-published"), iri(RDF_TYPE), iri(CKB + "TimeReference")),
               (iri(doc + "-published"), iri(S + "startDate"), lit(day(published), XSD + "date")),
               (iri(graph), iri(RDF_TYPE), iri(CKB + "ClaimGraph")), (iri(graph), iri(S + "about"), iri(doc)),
               (iri(stamp), iri(RDF_TYPE), iri(CKB + "TimeReference")),
               (iri(stamp), iri(S + "startDate"), lit(day(asserted), XSD + "date")),
               (iri(stamp), iri(S + "endDate"), lit(day(asserted), XSD + "date"))]
    return triples, []


def _claim(claim: str, doc: str, author: str, text: str) -> list:
    c = iri(claim)
    return [(c, iri(RDF_TYPE), iri(S + "Claim")), (c, iri(DCT + "identifier"), lit(claim.rsplit("/", 1)[1])),
            (c, iri(S + "appearance"), iri(doc)), (c, iri(CKB + "assertedAt"), iri(doc + "-asserted")),
            (c, iri(CKB + "noAnchorReason"), lit("synthetic")), (c, iri(S + "author"), iri(author)),
            (c, iri(PROV + "wasAttributedTo"), iri(author)), (c, iri(CKB + "carriage"), iri(CKB + "OwnVoice")),
            (c, iri(S + "text"), lit(text))]



def _sample_sheets(folder: Path, rng: random.Random) -> None:
    """A few documents as CSV claim sheets, the format a fact-checker imports (for the importer's timing)."""
    folder.mkdir(parents=True, exist_ok=True)
    header = ["document", "title", "kind", "published", "certainty", "claim", "text", "claimant", "carriage",
              "asserted", "period", "value", "unit", "comparator", "quantity"]
    for n in range(3):
        with (folder / f"syn-sheet-{n}.csv").open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(header)
            for k in range(10):
                value = rng.randrange(100, 10_000)
                out.writerow([f"SYN-S{n}", f"Synthetic sheet {n}", "news-article", "2024-11-05", "medium",
                              f"SYN-S{n}-c{k}", f"A synthetic figure of {value}.", "bloomberg", "attributed",
                              "on Tuesday", "October", value, "persons", "exactly", "ru-casualties-month-total"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    started = time.monotonic()
    manifest = generate(args.claims, args.seed, args.out)
    print(f"{manifest['claims']} claims in {manifest['documents']} documents, {len(manifest['misreported'])} "
          f"misreported relays, {len(manifest['conflicts'])} planted conflicts, "
          f"{time.monotonic() - started:.1f} s -> {args.out}")


if __name__ == "__main__":
    main()
