"""Score the disagreement finder on the hand-labelled evaluation set: precision and recall per kind.

    python benchmarks/evaluate.py [--cases tests/data/evaluation/pairs.yaml] [--work DIR] [--json]

Every case of the set (two figures, or a few for an arithmetic or date check, each with the verdict a
fact-checker would give and a one-line reason) becomes claim sheets in a scratch knowledge base: one
document per figure, the case's own measured quantities and any claimant the bundled agents lack. They
are imported with `claimkb import` (so the sheets go through the same reader, rules and shapes as any
sheet) and the public API is asked what it finds. For each kind that the finder reports (numeric
conflicts, the softer kinds, the arithmetic and date checks), a case counts as a true positive when the
finder reports that kind for the case's figures and the label expects it, a false positive when it
reports it and the label does not, a false negative the other way round. Verdicts that are not reported
(agree, different period or date, a consistent partial period, uncompared) are scored as agreement with
the label. Nothing here is tuned to the set: it only runs the finder.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

import yaml

import claimkb
from claimkb import resources, rules
from claimkb.errors import InputError
from claimkb.namespaces import AGENT, CKB, GRAPH, QK, RDFS, SCHEMA, SKOS

HERE = Path(__file__).resolve().parent
CASES = HERE.parent / "tests" / "data" / "evaluation" / "pairs.yaml"
RECORDED_ON = date(2026, 12, 2)  # when the set was first scored; no clock is read
AGGREGATIONS = {"cumulative": "Cumulative", "period-total": "PeriodTotal", "daily-average": "DailyAverage",
                "point-in-time": "PointInTime", "share": "Share"}
RELATIONS = {"parts": "sumOf", "daily_average_of": "dailyAverageOf", "increment_of": "incrementOf"}
LABELS = {"partial period (consistent)": rules.PARTIAL}  # the set's name -> the finder's
PAIR_KINDS = (rules.CONFLICT, rules.BEYOND, rules.PART_EXCEEDS, rules.FALLS)
CHECK_KINDS = (rules.AVERAGE_TIMES_DAYS, rules.PARTS_VS_TOTAL, rules.INCREMENT_VS_TOTALS,
               rules.ASSERTED_AFTER_PUBLICATION, rules.PERIOD_AFTER_ASSERTION)
HARD = (rules.CONFLICT, rules.FALLS, *CHECK_KINDS)


def claim_id(case: str, figure: str) -> str:
    return f"{case}-{figure}"


def _turtle_literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def vocabulary(cases: list[dict], known_agents: set[str]) -> str:
    """The cases' measured quantities and the claimants the bundled knowledge base lacks, as TriG."""
    lines = [f"<{GRAPH['evaluation-vocabulary']}> {{"]
    for case in cases:
        for q in case["quantities"]:
            node = f"<{QK[q['id']]}>"
            lines += [f"  {node} a <{CKB.MeasuredQuantity}> ; <{SKOS.inScheme}> <{QK.scheme}> ;",
                      f"    <{SKOS.prefLabel}> {_turtle_literal('Evaluation quantity ' + q['id'])}@en ;",
                      f"    <{SKOS.definition}> {_turtle_literal('A quantity of evaluation case ' + case['id'])}@en ;",
                      f"    <{CKB.aggregation}> <{CKB[AGGREGATIONS[q['aggregation']]]}> ;"]
            for key, predicate in RELATIONS.items():
                targets = q.get(key) or []
                for target in [targets] if isinstance(targets, str) else targets:
                    lines.append(f"    <{CKB[predicate]}> <{QK[target]}> ;")
            lines.append(f"    <{SCHEMA.unitText}> {_turtle_literal(q['unit'])} .")
    agents = sorted({f["claimant"] for case in cases for f in case["figures"]} - known_agents)
    for agent in agents:
        lines += [f"  <{AGENT[agent]}> a <http://www.w3.org/ns/prov#Agent> , <{SCHEMA.Organization}> ;",
                  f"    <{RDFS.label}> {_turtle_literal(agent)} ; <{CKB.agentKind}> <{CKB.UnclassifiedAgent}> ."]
    return "\n".join(lines) + "\n}\n"


def sheet(case: dict, figure: dict) -> dict:
    """One figure of a case as a claim sheet: its own document, dated as the case says."""
    published = figure["published"]
    claim: dict = {"id": claim_id(case["id"], figure["id"]),
                   "text": f"Evaluation figure {figure['id']} of {case['id']}.",
                   "claimant": figure["claimant"], "carriage": "own-voice", "asserted": figure["asserted"]}
    if figure.get("period"):
        claim["period"] = figure["period"]
    for key in ("hedge", "forward_looking"):
        if key in figure:
            claim[key] = figure[key]
    quantity = {k: figure[k] for k in ("value", "as_written", "unit", "comparator", "min", "max") if k in figure}
    quantity["formulaic"] = bool(figure.get("formulaic"))
    if figure.get("quantity"):
        quantity["measures"] = figure["quantity"]
    claim["quantity"] = quantity
    return {"document": {"id": f"E-{case['id']}-{figure['id']}", "title": f"Evaluation case {case['id']}",
                         "kind": "news-article", "certainty": "medium",
                         "published": published if isinstance(published, dict) else {"start": published}},
            "curation": {"recorded_on": RECORDED_ON.isoformat()}, "claims": [claim]}


# what `claimkb import` refuses that a check would otherwise report, by the words of its error: a claim
# asserted after its document appeared (rule 7e, unless the sheet says why), and a figure in another unit
# than its quantity's (rule 6: it could never be compared)
AT_IMPORT = {"after the document's publication": rules.ASSERTED_AFTER_PUBLICATION,
             "the figure would never be compared": "uncompared"}


def build(cases: list[dict], work: Path) -> tuple[claimkb.KnowledgeBase, dict[str, str]]:
    """The cases' figures imported into a scratch knowledge base, and what its import refused a case for
    (a kind it would report, or "uncompared"); the other sheets are imported without them."""
    kb_dir = work / "kb"
    (kb_dir / "graphs").mkdir(parents=True)
    for name in ("agents.trig", "quantities.trig"):
        shutil.copy(resources.kb_dir() / "graphs" / name, kb_dir / "graphs" / name)
    known = {line.split()[0].removeprefix("agent:") for line in
             (kb_dir / "graphs" / "agents.trig").read_text(encoding="utf-8").splitlines()
             if line.strip().startswith("agent:") and " a prov:Agent" in line}
    (kb_dir / "graphs" / "evaluation-vocabulary.trig").write_text(vocabulary(cases, known), encoding="utf-8")
    sheets = []
    for case in cases:
        for figure in case["figures"]:
            path = work / "sheets" / f"E-{case['id']}-{figure['id']}.yaml"
            path.parent.mkdir(exist_ok=True)
            path.write_text(yaml.safe_dump(sheet(case, figure), allow_unicode=True, sort_keys=False), encoding="utf-8")
            sheets.append(path)
    kb = claimkb.open(kb_dir)
    refused: dict[str, str] = {}
    try:
        kb.import_sheets(sheets)
    except InputError as exc:  # the import refuses what a check would flag: the case is caught there
        for error in getattr(exc, "errors", [exc]):
            verdict = next((v for words, v in AT_IMPORT.items() if words in error.message), None)
            if verdict is None or error.file is None:
                raise
            refused[case_of(Path(error.file))] = verdict
        kb.import_sheets([p for p in sheets if case_of(p) not in refused])
    return claimkb.open(kb_dir), refused


def case_of(sheet: Path) -> str:
    return sheet.stem.removeprefix("E-").rsplit("-", 1)[0]


def verdicts(kb: claimkb.KnowledgeBase, cases: list[dict], refused: dict[str, str]) -> dict[str, dict]:
    """What the finder says of each case: the kinds it reports for the case's claims (or its import
    refused them for), and for a pair the relation of its two figures."""
    base = "https://w3id.org/claimkb/id/claim/"
    reported: dict[str, set[str]] = {case: {why} for case, why in refused.items() if why != "uncompared"}
    for d in kb.disagreements():
        for iri in (d.claim, d.other):
            if iri and iri.startswith(base + "P"):
                reported.setdefault(iri[len(base):].rsplit("-", 1)[0], set()).add(d.kind)
    uncompared = {u.claim[len(base):].rsplit("-", 1)[0] for u in kb.uncompared()}
    out = {}
    for case in cases:
        kinds = reported.get(case["id"], set())
        relation = None
        if len(case["figures"]) == 2 and case["expect"] not in CHECK_KINDS:
            a, b = (claim_id(case["id"], f["id"]) for f in case["figures"])
            if case["id"] in uncompared or refused.get(case["id"]) == "uncompared":
                relation = "uncompared"
            else:
                compared = {c.other[len(base):]: c.relation for c in kb.claim(a).compared}
                relation = compared.get(b, "no flag")
        out[case["id"]] = {"kinds": sorted(kinds), "relation": relation}
    return out


RULE_KINDS = {"7a": rules.AVERAGE_TIMES_DAYS, "7b": rules.PARTS_VS_TOTAL, "7c": rules.INCREMENT_VS_TOTALS,
              "7e": rules.ASSERTED_AFTER_PUBLICATION, "7f": rules.PERIOD_AFTER_ASSERTION}


def scored_kinds(case: dict) -> set[str]:
    """The kinds a case is scored on: a check case on its checks, a pair case on the pair's relation (a
    figure of a pair that a single-claim check would act on is scored in that check's own cases)."""
    checks = {RULE_KINDS[r] for r in case.get("rules", []) if r in RULE_KINDS}
    if case["expect"] in CHECK_KINDS or (case["expect"] == "no flag" and checks):
        return checks | ({case["expect"]} if case["expect"] in CHECK_KINDS else set())
    return set(PAIR_KINDS)


def score(cases: list[dict], found: dict[str, dict]) -> dict:
    """Per kind: cases labelled with it, true and false positives, false negatives, precision, recall;
    and the share of unreported verdicts that match their label."""
    table: dict[str, dict] = {}
    misses = []
    for kind in PAIR_KINDS + CHECK_KINDS:
        tp = fp = fn = labelled = 0
        for case in cases:
            if kind not in scored_kinds(case):
                continue
            expected = LABELS.get(case["expect"], case["expect"]) == kind
            got = kind in found[case["id"]]["kinds"]
            labelled += expected
            tp += expected and got
            fp += got and not expected
            fn += expected and not got
            if got != expected:
                misses.append((case["id"], kind, "missed" if expected else "reported", case["reason"]))
        table[kind] = {"labelled": labelled, "tp": tp, "fp": fp, "fn": fn,
                       "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0}
    unflagged = [c for c in cases if not c["flag"] and c["expect"] not in ("no flag",) and found[c["id"]]["relation"]]
    agreeing = [c for c in unflagged if LABELS.get(c["expect"], c["expect"]) == found[c["id"]]["relation"]]
    return {"kinds": table, "unreported": {"cases": len(unflagged), "agreeing": len(agreeing),
                                           "differing": [(c["id"], c["expect"], found[c["id"]]["relation"])
                                                         for c in unflagged if c not in agreeing]},
            "misses": misses, "cases": len(cases)}


def evaluate(cases_path: Path = CASES, work: Path | None = None) -> dict:
    cases = yaml.safe_load(cases_path.read_text(encoding="utf-8"))["cases"]
    with tempfile.TemporaryDirectory() as scratch:
        kb, refused = build(cases, work or Path(scratch))
        return score(cases, verdicts(kb, cases, refused))


def table(result: dict) -> str:
    lines = ["| kind | labelled | reported right | reported wrongly | missed | precision | recall |",
             "|---|---|---|---|---|---|---|"]
    for kind, row in result["kinds"].items():
        hard = " (hard)" if kind in HARD else ""
        lines.append(f"| {kind}{hard} | {row['labelled']} | {row['tp']} | {row['fp']} | {row['fn']} | "
                     f"{row['precision']:.2f} | {row['recall']:.2f} |")
    u = result["unreported"]
    lines.append(f"\n{result['cases']} cases. Unreported verdicts (agree, different period or date, partial period, "
                 f"uncompared): {u['agreeing']} of {u['cases']} as labelled.")
    for case, expected, got in u["differing"]:
        lines.append(f"- {case}: labelled {expected}, found {got}")
    for case, kind, what, reason in result["misses"]:
        lines.append(f"- {case}: {kind} {what} ({reason})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--work", type=Path, help="keep the scratch knowledge base here (a new folder)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    result = evaluate(args.cases, args.work)
    print(json.dumps(result, indent=1) if args.json else table(result))
    sys.exit(0)


if __name__ == "__main__":
    main()
