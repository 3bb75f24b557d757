"""How good a draft is: the draft against a curated sheet of the same article, field by field.

Each curated claim is matched to at most one drafted claim: first by figure (the same value inside
overlapping anchors), then by the position of the figure, then statements without a figure by the overlap
of their anchors. A field is right when the matched draft gives the curated value:

- statement found: a drafted claim matches it (over every curated claim);
- value, comparator, unit: over the curated claims with a figure;
- claimant, carriage, asserted date, period: over every curated claim (a missing period or an unstated
  date is right when the curated sheet has none either);
- quote anchor: the drafted anchor is verbatim in the archive and covers the curated anchor;
- quotation exact: over the curated claims with a quotation, the same words character for character;
- relay ranked first: over the curated claims that relay a claim of another document, the drafted claim's
  first relay candidate is that claim.

Agents that a draft declares get ids of its own; they are aligned with the curated agents by their labels
(the words of one label contained in the other, one to one), and the agent of the article's own voice with
the curated sheet's own-voice agent. Both sheets are read by the same sheet reader as `claimkb import`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..ingest import sheet as sheet_reader
from .attribution import _tokens
from .sheet import accept

if TYPE_CHECKING:
    from .assemble import Draft

FIELDS = ("statement found", "value", "comparator", "unit", "claimant", "carriage", "asserted date", "period",
          "quote anchor", "quotation exact", "relay ranked first")


@dataclass
class Score:
    name: str
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # field -> (right, of)
    figures_found: tuple[int, int] = (0, 0)
    unmatched_drafts: int = 0
    drafted: int = 0
    misses: list[str] = field(default_factory=list)

    def share(self, name: str) -> float | None:
        right, of = self.counts[name]
        return right / of if of else None


def _positions(text: str, anchor: str | None, occurrence: int) -> tuple[int, int] | None:
    if not anchor:
        return None
    start = -1
    for _ in range(occurrence):
        start = text.find(anchor, start + 1)
        if start < 0:
            return None
    return start, start + len(anchor)


def _span_in(text: str, anchor_span, words: str | None) -> tuple[int, int] | None:
    if anchor_span is None or not words:
        return None
    inside = text[anchor_span[0]:anchor_span[1]].find(words)
    if inside < 0:
        return None
    return anchor_span[0] + inside, anchor_span[0] + inside + len(words)


def _overlap(a, b) -> int:
    if a is None or b is None:
        return 0
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _unit_text(unit: str) -> str:
    """A unit compared without case, spacing or the typographic apostrophe."""
    return " ".join(unit.replace("’", "'").lower().split())


def _bounds(t) -> tuple | None:
    if t is None:
        return None
    if t.start is None:
        return ("unstated",)
    return (t.start, t.end or t.start)


def _period(t) -> tuple | None:
    """A period's bounds; an unstated period (the sheet says the text gives none) is no period."""
    bounds = _bounds(t)
    return None if bounds == ("unstated",) else bounds


def _figure_words(q) -> str:
    """The figure as printed, without the comparator words some curated sheets keep."""
    text = q.as_written
    for words in ("approximately ", "around ", "about ", "more than ", "at least ", "up to ", "almost ",
                  "nearly ", "some ", "under ", "fewer than ", "less than "):
        if text.lower().startswith(words):
            return text[len(words):].split(" sq km")[0]
    return text


def align_agents(draft: dict, curated: dict, draft_claims, curated_claims, kb_labels: dict[str, str]) -> dict[str, str]:
    """Draft agent id -> curated agent id, for agents the draft declared (see the module docstring)."""
    mapping: dict[str, str] = {}
    own_draft = {c.claimants[0] for c in draft_claims if c.carriage == "own-voice"}
    own_curated = {c.claimants[0] for c in curated_claims if c.carriage == "own-voice"}
    if len(own_draft) == 1 and len(own_curated) == 1:
        mapping[own_draft.pop()] = own_curated.pop()
    draft_agents = {a["id"]: a["label"] for a in draft.get("agents") or []}
    curated_agents = {a["id"]: a["label"] for a in curated.get("agents") or []}
    curated_agents.update({k: v for k, v in kb_labels.items() if k not in curated_agents})
    pairs = []
    for did, dlabel in draft_agents.items():
        if did in mapping:
            continue
        dt = set(_tokens(dlabel)) - {"author"}
        for cid, clabel in curated_agents.items():
            ct = set(_tokens(clabel))
            if not dt or not ct:
                continue
            common = dt & ct
            if dt <= ct or ct <= dt:
                score = 1.0 + len(common) / 100
            else:
                score = len(common) / len(dt | ct)
            if score >= 0.5:
                pairs.append((score, did, cid))
    used = set(mapping.values())
    for _score, did, cid in sorted(pairs, reverse=True):
        if did in mapping or cid in used:
            continue
        mapping[did] = cid
        used.add(cid)
    return mapping


def score(name: str, draft: dict, curated_path: Path, article: str, kb_labels: dict[str, str]) -> Score:
    """Score one drafted sheet (as data, with its `review:` markers) against a curated sheet file."""
    curated_raw = yaml.load(curated_path.read_text(encoding="utf-8"), Loader=sheet_reader._Loader)  # noqa: S506
    curated, problems = sheet_reader.parse(curated_raw, str(curated_path))
    if problems:
        raise ValueError(f"the curated sheet {curated_path} does not read: {problems[0]}")
    accepted = accept(draft)
    drafted, problems = sheet_reader.parse(_as_text(accepted), f"draft of {name}", None, curated.recorded_on)
    if problems:
        raise ValueError(f"the draft of {name} does not read: {problems[0]}")
    raw_claims = {c["id"]: c for c in draft["claims"]}
    agents = align_agents(accepted, curated_raw, drafted.claims, curated.claims, kb_labels)
    own_ids = {c.id for c in curated.claims}

    def spans(claim):
        anchor = _positions(article, claim.anchor, claim.anchor_occurrence)
        fig = _span_in(article, anchor, _figure_words(claim.quantity)) if claim.quantity else None
        return anchor, fig

    d_info = [(c, *spans(c)) for c in drafted.claims]
    c_info = [(c, *spans(c)) for c in curated.claims]
    matched: dict[str, tuple] = {}  # curated claim id -> (drafted claim, its anchor, its figure)
    taken: set[str] = set()

    def value_of(q):
        return (q.value, q.minimum, q.maximum)

    def best(cur, pool, key):
        options = [(key(cur, d), d) for d in pool if d[0].id not in taken]
        options = [(k, d) for k, d in options if k > 0]
        if not options:
            return None
        return max(options, key=lambda kd: kd[0])[1]

    figures = [x for x in c_info if x[0].quantity]
    statements = [x for x in c_info if not x[0].quantity]
    # 1. the same value in overlapping anchors; 2. the figure's position; 3. statements by their anchors
    for cur in figures:
        pick = best(cur, [d for d in d_info if d[0].quantity], lambda c, d: _overlap(c[1], d[1]) if (
            value_of(c[0].quantity) == value_of(d[0].quantity) and _overlap(c[2], d[2]) > 0) else 0)
        if pick:
            matched[cur[0].id] = pick
            taken.add(pick[0].id)
    for cur in figures:
        if cur[0].id in matched:
            continue
        pick = best(cur, [d for d in d_info if d[0].quantity], lambda c, d: _overlap(c[2], d[2]))
        if pick:
            matched[cur[0].id] = pick
            taken.add(pick[0].id)
    for cur in statements:
        pick = best(cur, [d for d in d_info if not d[0].quantity], lambda c, d: _overlap(c[1], d[1]))
        if pick:
            matched[cur[0].id] = pick
            taken.add(pick[0].id)

    counts = {f: [0, 0] for f in FIELDS}
    found_figures = 0
    result = Score(name, drafted=len(drafted.claims))

    def tally(field_name: str, ok: bool, cid: str, detail: str = "") -> None:
        counts[field_name][1] += 1
        if ok:
            counts[field_name][0] += 1
        else:
            result.misses.append(f"{cid}: {field_name}{(' - ' + detail) if detail else ''}")

    published_end = curated.document.published.end or curated.document.published.start
    for cur, anchor, fig in c_info:
        pick = matched.get(cur.id)
        d = pick[0] if pick else None
        tally("statement found", d is not None, cur.id)
        if cur.quantity:
            if pick and d is not None and d.quantity and _overlap(fig, pick[2]) > 0:
                found_figures += 1
            q, dq = cur.quantity, (d.quantity if d is not None else None)
            tally("value", dq is not None and value_of(q) == value_of(dq), cur.id,
                  f"{dq.value if dq else None} for {q.value}")
            tally("comparator", dq is not None and q.comparator == dq.comparator, cur.id,
                  f"{dq.comparator if dq else None} for {q.comparator}")
            tally("unit", dq is not None and _unit_text(q.unit) == _unit_text(dq.unit),
                  cur.id, f"{dq.unit if dq else None!r} for {q.unit!r}")
        claimant = None if d is None else agents.get(d.claimants[0], d.claimants[0])
        tally("claimant", claimant == cur.claimants[0], cur.id, f"{claimant} for {cur.claimants[0]}")
        tally("carriage", d is not None and d.carriage == cur.carriage, cur.id,
              f"{d.carriage if d else None} for {cur.carriage}")
        tally("asserted date", d is not None and _bounds(d.asserted) == _bounds(cur.asserted), cur.id,
              f"{_bounds(d.asserted) if d else None} for {_bounds(cur.asserted)}")
        tally("period", d is not None and _period(d.period) == _period(cur.period), cur.id,
              f"{_period(d.period) if d else None} for {_period(cur.period)}")
        d_anchor = pick[1] if pick else None
        verbatim = d is not None and d_anchor is not None and article[d_anchor[0]:d_anchor[1]] == d.anchor
        covers = anchor is not None and d_anchor is not None and d_anchor[0] <= anchor[0] and anchor[1] <= d_anchor[1]
        tally("quote anchor", verbatim and covers, cur.id)
        if cur.quotation is not None:
            tally("quotation exact", d is not None and d.quotation == cur.quotation, cur.id,
                  f"{(d.quotation if d else None)!r}")
        outside = [r.claim for r in cur.relays if r.claim not in own_ids]
        if outside:
            first = None
            if d is not None:
                listed = raw_claims[d.id].get("review", {}).get("relay_candidates") or []
                first = listed[0]["claim"] if listed else None
            tally("relay ranked first", first == outside[0], cur.id, f"{first} for {outside[0]}")
    result.counts = {k: (v[0], v[1]) for k, v in counts.items()}
    result.figures_found = (found_figures, len(figures))
    result.unmatched_drafts = len(drafted.claims) - len(taken)
    del published_end
    return result


def _as_text(data):
    """Sheet data as the sheet reader sees a YAML file: every scalar as text (dates, numbers)."""
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return yaml.load(text, Loader=sheet_reader._Loader)  # noqa: S506


def table(scores: list[Score]) -> str:
    """One column per article: right/of and the share for each field."""
    names = [s.name for s in scores]
    width = max(len(f) for f in FIELDS + ("figures found", "drafted claims (unmatched)"))
    cols = [max(len(n), 16) for n in names]
    lines = [" " * width + "  " + "  ".join(n.rjust(w) for n, w in zip(names, cols, strict=True))]
    for f in FIELDS:
        cells = []
        for s, w in zip(scores, cols, strict=True):
            right, of = s.counts[f]
            cells.append((f"{right}/{of} {100 * right / of:5.1f}%" if of else "n/a").rjust(w))
        lines.append(f.ljust(width) + "  " + "  ".join(cells))
    cells = [f"{s.figures_found[0]}/{s.figures_found[1]}".rjust(w) for s, w in zip(scores, cols, strict=True)]
    lines.append("figures found".ljust(width) + "  " + "  ".join(cells))
    cells = [f"{s.drafted} ({s.unmatched_drafts})".rjust(w) for s, w in zip(scores, cols, strict=True)]
    lines.append("drafted claims (unmatched)".ljust(width) + "  " + "  ".join(cells))
    return "\n".join(lines) + "\n"


def article_sheets(folder: Path) -> list[tuple[str, Path, Path, str]]:
    """(name, text, labels, published) for each hand-labelled article in a folder (A01-*.txt + .yaml)."""
    out = []
    for labels in sorted(folder.glob("A0*.yaml")):
        data = yaml.load(labels.read_text(encoding="utf-8"), Loader=sheet_reader._Loader)  # noqa: S506
        published = str(data["document"]["published"]["start"])
        out.append((labels.stem, labels.with_suffix(".txt"), labels, published))
    return out


def evaluate(kb_dir: Path, articles: list[tuple[str, Path, Path, str]],
             open_kb: Callable[[Path], Any]) -> list[tuple[Score, Draft]]:
    """Draft each article against a scratch copy of the knowledge base at `kb_dir` without the article's
    own graph (so that the draft cannot copy its curated claims), and score it. `articles` lists
    (name, text file, curated sheet, publication date); `open_kb` opens a knowledge base folder
    (`claimkb.open`)."""
    import shutil
    import tempfile
    from datetime import date

    from . import draft

    results = []
    with tempfile.TemporaryDirectory(prefix="claimkb-draft-score-") as tmp:
        for name, text_path, labels, published in articles:
            curated = yaml.load(labels.read_text(encoding="utf-8"), Loader=sheet_reader._Loader)  # noqa: S506
            doc_id = curated["document"]["id"]
            scratch = Path(tmp) / doc_id
            shutil.copytree(kb_dir, scratch, ignore=shutil.ignore_patterns(".claimkb-*"))
            (scratch / "graphs" / f"{doc_id}.trig").unlink(missing_ok=True)
            kb = open_kb(scratch)
            raw = text_path.read_bytes()
            drafted = draft(kb, raw, published=date.fromisoformat(published), doc_id=doc_id,
                            archive=f"archive/{text_path.name}")
            labels_of = {r["agent"].rsplit("/", 1)[-1]: r["label"] for r in kb.query("agents")}
            results.append((score(name, drafted.sheet, labels, raw.decode("utf-8"), labels_of), drafted))
    return results
