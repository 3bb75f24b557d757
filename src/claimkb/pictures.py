"""Pictures of a chain: the claims carrying a number, the claims they relay back to the earliest one the
knowledge base has, and the figures of the same quantity that conflict with them.

Each claim is a box (id, claimant, document and date, the figure as written, any verdict); each relay or
quote is an arrow from the relaying claim to the claim it relays, labelled with what changed on the way
(value, period, hedge, quantity, words); a conflicting figure of the same quantity stands in a column
beside, joined by a dashed line naming the relation. Earliest sources are on the left.

`PICTURES` is the one table of picture formats (the CLI's choices for `trace` and `claim` come from it):
`svg` is drawn here by a small layered layout in pure Python (no Graphviz or other binary needed);
`dot` (Graphviz) and `mermaid` are text for other tools. All text is escaped for its format and
control characters are shown as escapes, never written raw. Pure functions; no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any, NamedTuple

from .namespaces import QK, compact
from .render import escape_controls

if TYPE_CHECKING:
    from .records import Hop, Trace, TracedClaim

# Imported by the CLI's option table at start-up: the rules, records and difflib are imported where they
# are used, so that commands which draw nothing do not pay for them.

# -- the picture as data --------------------------------------------------------------------------


class Box(NamedTuple):
    key: str  # the claim's IRI
    title: str  # its compact id
    lines: tuple[str, ...]  # claimant, document and date, figure
    verdicts: tuple[str, ...]  # fact-checkers' ratings
    role: str  # traced | source | compared
    tip: str  # the claim's text, shown on hover


class Arrow(NamedTuple):
    tail: str
    head: str
    kind: str  # relays | quotes | a relation of rules.FLAGGED
    label: tuple[str, ...]
    changed: bool


class Picture(NamedTuple):
    title: str
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]
    notes: tuple[str, ...]


CHAIN_KINDS = ("relays", "quotes")


def _claimants(agents: tuple) -> str:
    return " / ".join(a.label for a in agents) or "no claimant recorded"


def _dated(document: str | None, day: Any) -> str:
    from .records import text_of

    parts = [compact(document) if document else "", text_of(day)]
    return " · ".join(p for p in parts if p)


def hop_label(hop: Hop) -> tuple[str, ...]:
    """What a hop changed, one short line per change: 'period 2024-11-01 → 2024-10-25..2024-10-31'."""
    lines = ["quotes" if hop.quoted else "relays"]
    if hop.value == "changed":
        lines.append(f"value {hop.source_figure} → {hop.relay_figure}")
    if hop.quantity == "changed":
        lines.append(f"quantity {QK.local(hop.source_quantity) or hop.source_quantity} → "
                     f"{QK.local(hop.relay_quantity) or hop.relay_quantity}")
    if hop.period == "changed":
        lines.append(f"period {hop.source_period} → {hop.relay_period}")
    if hop.hedge == "changed":
        lines.append(f"hedge {hop.source_hedge or 'none'} → {hop.relay_hedge or 'none'}")
    if hop.wording == "changed":
        from . import worddiff

        words = (worddiff.changes(hop.source_quote, hop.relay_quote, part=True)
                 if hop.source_quote and hop.relay_quote else [])
        lines.append("words " + ("; ".join(w.replace(" -> ", " → ") for w in words) if words else "differ"))
    if len(lines) == 1:
        lines.append("nothing changed")
    return tuple(lines)


def picture(answer: Trace | TracedClaim) -> Picture:
    """The boxes and arrows of a trace (every claim carrying the number) or of one claim."""
    from . import rules
    from .records import TracedClaim

    if isinstance(answer, TracedClaim):
        items: tuple[TracedClaim, ...] = (answer,)
        title = f"{compact(answer.claim.claim)}: its chain and conflicting figures"
    else:
        items = answer.claims
        title = f"{answer.query}: {len(items)} claim{'s' if len(items) != 1 else ''} carrying this value"
    boxes: dict[str, Box] = {}
    arrows: dict[tuple[str, str], Arrow] = {}
    notes: list[str] = []
    for item in items:
        claim = item.claim
        figure = rules.figure_text(claim.value_as_written, claim.comparator, claim.unit) \
            if claim.value_as_written else ""
        boxes[claim.claim] = Box(
            claim.claim, compact(claim.claim),
            (_claimants(claim.claimants), _dated(claim.document, claim.published or claim.asserted_start),
             figure or claim.text),
            tuple(v.rating for v in item.reviews), "traced", claim.text)
    for item in items:
        for hop in item.chain:
            if hop.source not in boxes:
                boxes[hop.source] = Box(
                    hop.source, compact(hop.source),
                    (_claimants(hop.source_claimants), _dated(hop.source_document, hop.source_published),
                     hop.source_figure or hop.source_quote or ""),
                    (), "source", hop.source_quote or "")
            arrows.setdefault((hop.relay, hop.source), Arrow(hop.relay, hop.source, "quotes" if hop.quoted
                                                             else "relays", hop_label(hop), hop.changed))
    for item in items:
        drawn: dict[str, int] = {}
        for c in item.compared:
            if c.relation not in rules.FLAGGED:
                continue
            drawn[c.relation] = drawn.get(c.relation, 0) + 1
            if c.other not in boxes:
                boxes[c.other] = Box(c.other, compact(c.other), (c.other_figure, c.other_window), (), "compared",
                                     c.other_figure)
            if (c.other, item.claim.claim) not in arrows:
                label = (c.relation,) + ((c.detail,) if c.detail else ())
                arrows.setdefault((item.claim.claim, c.other), Arrow(item.claim.claim, c.other, c.relation,
                                                                     label, True))
        undrawn = [(relation, item.totals.get(relation, 0) - drawn.get(relation, 0)) for relation in rules.RELATIONS]
        counts = [f"{n} {relation}" for relation, n in undrawn if n > 0]
        if counts:
            notes.append(f"{compact(item.claim.claim)}: same quantity, not drawn: {', '.join(counts)}")
    if len(notes) > 3:
        notes = [f"{len(notes)} of these claims have figures of the same quantity that do not conflict; they "
                 "are not drawn (see `claimkb claim ID`)"]
    return Picture(title, tuple(boxes.values()), tuple(arrows.values()), tuple(notes))


# -- text hygiene ---------------------------------------------------------------------------------

_NOT_XML = re.compile(r"[\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """One line of text that any of the formats can hold: control characters and bidirectional
    overrides shown as escapes, characters XML forbids replaced, whitespace runs made one space."""
    text = " ".join(str(text).split())
    return _NOT_XML.sub("\ufffd", escape_controls(text))


def fit(text: str, chars: int) -> str:
    text = clean(text)
    return text if len(text) <= chars else text[: max(1, chars - 1)] + "…"


def wrap(text: str, chars: int, most: int = 3) -> list[str]:
    """A label line broken at spaces into lines of at most `chars` (at most `most` lines, the last cut)."""
    words, lines = clean(text).split(" "), [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > chars:
            lines.append("")
        lines[-1] = f"{lines[-1]} {word}" if lines[-1] else word
    if len(lines) > most:
        lines = lines[: most - 1] + [" ".join(lines[most - 1:])]
    return [fit(line, chars) for line in lines]


def xml(text: str) -> str:
    return escape(clean(text), quote=True)


# -- SVG: a layered layout ------------------------------------------------------------------------

BOX_W, GAP, ROW_GAP, MARGIN, PAD = 250, 220, 26, 16, 8
TITLE_H, LINE_H, VERDICT_H = 18, 15, 18
CHARS_BOX, CHARS_LABEL = 38, 34  # what fits at 12 px (boxes) and 11 px (labels) in a sans-serif font
STYLE = {  # role -> fill, stroke, dash
    "traced": ("#fff4d6", "#9a6700", ""),
    "source": ("#eef2f8", "#4a5a78", ""),
    "compared": ("#fdecea", "#b3261e", "5 3"),
}
EDGE = {"relays": "#4a5a78", "quotes": "#1f6f43"}
CHANGED, CONFLICT = "#b3261e", "#b3261e"


def _height(box: Box) -> int:
    return PAD * 2 + TITLE_H + LINE_H * len(box.lines) + VERDICT_H * len(box.verdicts)


def layout(pic: Picture) -> dict[str, tuple[float, float]]:
    """Top-left corner of every box. Earliest claims (those relaying nothing drawn) form the left column,
    each relay one column right of what it relays; compared figures stand in a column of their own on the
    right, level with the claim they conflict with. Within a column, a box is placed level with the mean
    of the boxes pointing at it, pushed down where it would overlap the one above."""
    keys = [b.key for b in pic.boxes]
    box_of = {b.key: b for b in pic.boxes}
    heads: dict[str, list[str]] = {k: [] for k in keys}
    tails: dict[str, list[str]] = {k: [] for k in keys}
    for a in pic.arrows:
        if a.kind in CHAIN_KINDS:
            heads[a.tail].append(a.head)
            tails[a.head].append(a.tail)
    layer: dict[str, int] = {}

    def depth(key: str, visiting: frozenset[str] = frozenset()) -> int:
        if key in layer:
            return layer[key]
        below = [depth(h, visiting | {key}) for h in heads[key] if h not in visiting]
        layer[key] = 1 + max(below) if below else 0
        return layer[key]

    for key in keys:
        if box_of[key].role != "compared" or heads[key] or tails[key]:
            depth(key)
    top = max(layer.values(), default=-1)
    for key in keys:
        layer.setdefault(key, top + 1)
    columns = sorted(set(layer.values()))
    order = {c: [k for k in keys if layer[k] == c] for c in columns}
    compared_tails = {k: [a.tail for a in pic.arrows if a.head == k] for k in keys if box_of[k].role == "compared"}

    def neighbours(k: str, upward: bool) -> list[str]:
        if box_of[k].role == "compared":
            return compared_tails[k]
        return tails[k] if upward else heads[k]

    def by_mean(members: list[str], upward: bool) -> list[str]:
        rank = {k: i for c in columns for i, k in enumerate(order[c])}
        def mean(k: str) -> float:
            near = neighbours(k, upward)
            return sum(rank[n] for n in near) / len(near) if near else rank[k]
        return sorted(members, key=lambda k: (mean(k), rank[k]))

    for _ in range(2):  # barycentre sweeps: fewer crossings
        for c in reversed(columns[:-1]):
            order[c] = by_mean(order[c], upward=True)
        for c in columns[1:]:
            order[c] = by_mean(order[c], upward=False)
    pos: dict[str, tuple[float, float]] = {}
    for c in columns:  # sources stacked first, then each relay level with what it relays, pushed down
        y_next = 0.0
        for k in order[c]:
            near = [n for n in (compared_tails[k] if box_of[k].role == "compared" else heads[k]) if n in pos]
            wanted = (sum(pos[n][1] + _height(box_of[n]) / 2 for n in near) / len(near)) if near else None
            h = _height(box_of[k])
            y = y_next if wanted is None else max(y_next, wanted - h / 2)
            pos[k] = (MARGIN + c * (BOX_W + GAP), y)
            y_next = y + h + ROW_GAP
    return pos


class _Drawn(NamedTuple):
    arrow: Arrow
    path: tuple[float, float, float, float, float]  # x1, y1, x2, y2, direction
    colour: str
    label_at: tuple[float, float, float]  # centre x, top y, width
    lines: tuple[str, ...]


def _arrows(pic: Picture, pos: dict[str, tuple[float, float]]) -> list[_Drawn]:
    box_of = {b.key: b for b in pic.boxes}
    out = []
    for arrow in pic.arrows:
        (tx, ty), (hx, hy) = pos[arrow.tail], pos[arrow.head]
        tcy, hcy = ty + _height(box_of[arrow.tail]) / 2, hy + _height(box_of[arrow.head]) / 2
        chain = arrow.kind in CHAIN_KINDS
        if chain:  # from the relay's left side to the source's right side
            x1, y1, x2, y2 = tx, tcy, hx + BOX_W, hcy
        else:  # from the claim's right side to the compared figure's left side
            x1, y1, x2, y2 = tx + BOX_W, tcy, hx, hcy
        direction = -1.0 if x2 < x1 else 1.0
        colour = (CHANGED if arrow.changed else EDGE[arrow.kind]) if chain else CONFLICT
        adjacent = abs(abs(x1 - x2) - GAP) < 1
        lx = (x1 + x2) / 2 if adjacent else x1 + direction * GAP / 2
        ly = (y1 + y2) / 2 if adjacent else y1
        lines = tuple(part for line in arrow.label for part in wrap(line, CHARS_LABEL))
        w = min(GAP - 8, max(len(line) for line in lines) * 6.2 + 8)
        out.append(_Drawn(arrow, (x1, y1, x2, y2, direction), colour,
                          (lx, ly - (13 * len(lines) + 4) / 2, w), lines))
    return out


def svg(answer: Trace | TracedClaim, *, link: Callable[[str], str | None] | None = None, ids: str = "ckb") -> str:
    """The picture as a standalone SVG document (also valid inline in HTML). `link(claim IRI)` gives each
    box a hyperlink; `ids` prefixes the element ids, so that several pictures can share a page."""
    return draw(picture(answer), link=link, ids=ids)


def draw(pic: Picture, *, link: Callable[[str], str | None] | None = None, ids: str = "ckb") -> str:
    pos = layout(pic)
    drawn = _arrows(pic, pos)
    title_bottom = MARGIN + 26
    tops = [y for _, y in pos.values()] + [d.label_at[1] for d in drawn]
    shift = title_bottom - min(tops, default=title_bottom)
    pos = {k: (x, y + shift) for k, (x, y) in pos.items()}
    drawn = _arrows(pic, pos)
    columns = 1 + max((round((x - MARGIN) / (BOX_W + GAP)) for x, _ in pos.values()), default=0)
    width = MARGIN * 2 + columns * BOX_W + (columns - 1) * GAP
    bottom = max([pos[b.key][1] + _height(b) for b in pic.boxes]
                 + [d.label_at[1] + 13 * len(d.lines) + 4 for d in drawn], default=title_bottom)
    notes = ("arrows point from a claim to the claim it relays; red: something changed on the way; "
             "dashed: a conflicting figure of the same quantity", *pic.notes)
    height = int(bottom + ROW_GAP + 18 * len(notes))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chain" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{ids}-title">\n',
           f'<title id="{ids}-title">{xml(pic.title)}</title>\n<defs>\n']
    for name, colour in (("relays", EDGE["relays"]), ("quotes", EDGE["quotes"]), ("changed", CHANGED)):
        out.append(f'<marker id="{ids}-{name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
                   f'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
                   f'fill="{colour}"/></marker>\n')
    out.append('</defs>\n<rect width="100%" height="100%" fill="#ffffff"/>\n'
               '<g font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">\n')
    out.append(f'<text x="{MARGIN}" y="{MARGIN + 12}" font-size="14" font-weight="bold">'
               f'{xml(fit(pic.title, (width - 2 * MARGIN) // 8))}</text>\n')
    for d in drawn:
        x1, y1, x2, y2, direction = d.path
        bend = abs(x1 - x2) / 2
        chain = d.arrow.kind in CHAIN_KINDS
        dash = "" if chain else ' stroke-dasharray="6 4"'
        marker = (f' marker-end="url(#{ids}-{"changed" if d.arrow.changed else d.arrow.kind})"' if chain else "")
        stroke = "2.2" if d.arrow.kind == "quotes" else "1.6"
        out.append(f'<g class="arrow" data-kind="{xml(d.arrow.kind)}" data-from="{xml(d.arrow.tail)}" '
                   f'data-to="{xml(d.arrow.head)}"><title>{xml(" · ".join(d.arrow.label))}</title>'
                   f'<path d="M{x1:.0f},{y1:.0f} C{x1 + direction * bend:.0f},{y1:.0f} '
                   f'{x2 - direction * bend:.0f},{y2:.0f} {x2:.0f},{y2:.0f}" fill="none" stroke="{d.colour}" '
                   f'stroke-width="{stroke}"{dash}{marker}/></g>\n')
    for d in drawn:  # over every line, each on a white ground, centred on its line
        lx, top, w = d.label_at
        out.append(f'<g class="label"><rect x="{lx - w / 2:.0f}" y="{top:.0f}" width="{w:.0f}" '
                   f'height="{13 * len(d.lines) + 4}" rx="3" fill="#ffffff" fill-opacity="0.92"/>')
        for i, line in enumerate(d.lines):
            first = i == 0
            fill = EDGE[d.arrow.kind] if first and d.arrow.kind in CHAIN_KINDS else d.colour
            weight = ' font-weight="bold"' if first else ""
            out.append(f'<text x="{lx:.0f}" y="{top + 13 + 13 * i:.0f}" font-size="11" text-anchor="middle" '
                       f'fill="{fill}"{weight}>{xml(line)}</text>')
        out.append("</g>\n")
    for box in pic.boxes:
        x, y = pos[box.key]
        fill, stroke, dash = STYLE[box.role]
        href = link(box.key) if link else None
        out.append(f'<g class="claim" data-claim="{xml(box.key)}" data-role="{box.role}">')
        if href:
            out.append(f'<a href="{xml(href)}">')
        out.append(f'<title>{xml(box.tip or box.title)}</title>'
                   f'<rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{_height(box)}" rx="6" fill="{fill}" '
                   f'stroke="{stroke}" stroke-width="{2 if box.role == "traced" else 1.2}"'
                   + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        out.append(f'<text x="{x + PAD:.0f}" y="{y + PAD + 13:.0f}" font-weight="bold">'
                   f'{xml(fit(box.title, CHARS_BOX))}</text>')
        for i, line in enumerate(box.lines):
            out.append(f'<text x="{x + PAD:.0f}" y="{y + PAD + TITLE_H + 12 + LINE_H * i:.0f}">'
                       f'{xml(fit(line, CHARS_BOX))}</text>')
        for i, verdict in enumerate(box.verdicts):
            vy = y + PAD + TITLE_H + LINE_H * len(box.lines) + VERDICT_H * i + 2
            out.append(f'<rect x="{x + PAD:.0f}" y="{vy:.0f}" width="{BOX_W - 2 * PAD}" height="{VERDICT_H - 3}" '
                       f'rx="3" fill="#3b2a6b"/><text x="{x + PAD + 5:.0f}" y="{vy + 11:.0f}" fill="#ffffff" '
                       f'font-size="11">{xml(fit("verdict: " + verdict, CHARS_BOX))}</text>')
        out.append("</a></g>\n" if href else "</g>\n")
    y = bottom + ROW_GAP
    for line in notes:
        out.append(f'<text x="{MARGIN}" y="{y:.0f}" font-size="11" fill="#555555">{xml(fit(line, width // 6))}'
                   "</text>\n")
        y += 18
    out.append("</g>\n</svg>\n")
    return "".join(out)


# -- Graphviz DOT and Mermaid ---------------------------------------------------------------------

TEXT_LINE = 60  # characters of a box's line in DOT and Mermaid (the whole text is in the tooltip)


def _dot_text(text: str) -> str:
    return clean(text).replace("\\", "\\\\").replace('"', '\\"')


def dot(answer: Trace | TracedClaim) -> str:
    """The picture as Graphviz DOT text (`dot -Tsvg`): relays right to left, to the earliest claim."""
    pic = picture(answer)
    names = {b.key: f"n{i}" for i, b in enumerate(pic.boxes)}
    out = ["digraph chain {\n", f'  label="{_dot_text(pic.title)}";\n  labelloc=t;\n  rankdir=RL;\n',
           '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];\n',
           '  edge [fontname="Helvetica", fontsize=9];\n']
    for box in pic.boxes:
        fill, stroke, dash = STYLE[box.role]
        lines = [box.title, *box.lines, *(f"verdict: {v}" for v in box.verdicts)]
        style = ', style="rounded,filled,dashed"' if dash else ""
        text = "\\n".join(_dot_text(fit(line, TEXT_LINE)) for line in lines)
        out.append(f'  {names[box.key]} [label="{text}", '
                   f'tooltip="{_dot_text(box.tip or box.title)}", fillcolor="{fill}", color="{stroke}"{style}];\n')
    for arrow in pic.arrows:
        label = "\\n".join(_dot_text(line) for line in arrow.label)
        if arrow.kind in CHAIN_KINDS:
            colour = CHANGED if arrow.changed else EDGE[arrow.kind]
            out.append(f'  {names[arrow.tail]} -> {names[arrow.head]} [label="{label}", color="{colour}", '
                       f'fontcolor="{colour}"];\n')
        else:
            out.append(f'  {names[arrow.tail]} -> {names[arrow.head]} [label="{label}", style=dashed, dir=none, '
                       f'constraint=false, color="{CONFLICT}", fontcolor="{CONFLICT}"];\n')
    for note in pic.notes:
        out.append(f"  // {_dot_text(note)}\n")
    out.append("}\n")
    return "".join(out)


_MERMAID = {"&": "#amp;", "<": "#lt;", ">": "#gt;", '"': "#quot;", "#": "#35;", "`": "#96;",
            "|": "#124;", "[": "#91;", "]": "#93;", "{": "#123;", "}": "#125;"}


def _mermaid_text(text: str) -> str:
    return "".join(_MERMAID.get(ch, ch) for ch in clean(text))


def mermaid(answer: Trace | TracedClaim) -> str:
    """The picture as a Mermaid flowchart (for Markdown that renders Mermaid)."""
    pic = picture(answer)
    names = {b.key: f"n{i}" for i, b in enumerate(pic.boxes)}
    out = [f"%% {_mermaid_text(pic.title)}\n", "flowchart RL\n"]
    for box in pic.boxes:
        lines = [f"<b>{_mermaid_text(box.title)}</b>", *(_mermaid_text(fit(line, TEXT_LINE)) for line in box.lines),
                 *(f"verdict: {_mermaid_text(v)}" for v in box.verdicts)]
        text = "<br/>".join(lines)
        out.append(f'  {names[box.key]}["{text}"]\n')
    for arrow in pic.arrows:
        label = "<br/>".join(_mermaid_text(line) for line in arrow.label)
        link = "-->" if arrow.kind in CHAIN_KINDS else "-.-"
        out.append(f'  {names[arrow.tail]} {link}|"{label}"| {names[arrow.head]}\n')
    for role, (fill, stroke, dash) in STYLE.items():
        extra = f",stroke-dasharray:{dash}" if dash else ""
        out.append(f"  classDef {role} fill:{fill},stroke:{stroke}{extra}\n")
    for role in STYLE:
        members = [names[b.key] for b in pic.boxes if b.role == role]
        if members:
            out.append(f"  class {','.join(members)} {role}\n")
    for note in pic.notes:
        out.append(f"%% {_mermaid_text(note)}\n")
    return "".join(out)


PICTURES: dict[str, Callable[[Any], str]] = {"svg": svg, "dot": dot, "mermaid": mermaid}
