"""The report's pages, each a pure function of the gathered data: (path inside the site, HTML text).

index.html (counts), numbers/, claims/, documents/, claimants/, disagreements/ (each a paginated list and
one page per item). A claim page shows its fields, verdicts, chain picture (inline SVG), hops, the other
figures of its quantity and its disagreements; a document page its archived text with every anchored
quote highlighted where its Web Annotation selectors say (never re-anchored fuzzily: a quote that does
not match is listed as lost); a disagreement page both sides and, where their words differ, the diff.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from .. import rules, wording
from ..namespaces import AGENT, CLAIM, DOC, QK, compact
from ..pictures import svg
from ..records import Claim, Disagreement, TracedClaim, text_of
from . import markup
from .data import Names, Site
from .html import CSS, esc, external, fields, link, page, page_name, pager, table
from .texts import archive_html, diff_html

Page = tuple[str, str]
OTHERS_LISTED = 10  # figures of the same quantity that do not conflict, listed on a claim's page
NUMBER_CLAIMS_LISTED = 12  # claims linked from a row of the numbers list


class Report:
    """Builds every page of one site."""

    def __init__(self, site: Site, page_size: int = 200) -> None:
        self.site = site
        self.size = page_size
        self.claim_name = Names(CLAIM)
        self.doc_name = Names(DOC)
        self.agent_name = Names(AGENT)
        self.documents = {row["document"]: row for row in site.documents}
        self.compacts: dict[str, str] = {}
        for iri in site.claims:  # names in a stable order, so that the same data gives the same site
            self.claim_name(iri)
        for row in site.documents:
            self.doc_name(row["document"])
        for iri in sorted(site.agents):
            self.agent_name(iri)
        self.by_claim_disagreements: dict[str, list[int]] = defaultdict(list)
        for number, d in enumerate(site.disagreements, start=1):
            self.by_claim_disagreements[d.claim].append(number)
            if d.other:
                self.by_claim_disagreements[d.other].append(number)

    # -- links -----------------------------------------------------------------------------------

    def claim_href(self, iri: str, root: str) -> str | None:
        return f"{root}claims/{self.claim_name(iri)}.html" if iri in self.site.claims else None

    def compact(self, iri: str) -> str:
        shown = self.compacts.get(iri)
        if shown is None:
            shown = self.compacts[iri] = compact(iri)
        return shown

    def claim_link(self, iri: str | None, root: str, text: str | None = None) -> str:
        if not iri:
            return ""
        href = self.claim_href(iri, root)
        shown = text or self.compact(iri)
        return link(href, shown) if href else esc(shown)

    def doc_link(self, iri: str | None, root: str, text: str | None = None) -> str:
        if not iri:
            return ""
        shown = text or compact(iri)
        return link(f"{root}documents/{self.doc_name(iri)}.html", shown) if iri in self.documents else esc(shown)

    def agent_link(self, iri: str | None, label: str, root: str) -> str:
        if iri and iri in self.site.agents:
            return link(f"{root}claimants/{self.agent_name(iri)}.html", label)
        return esc(label)

    def claimants_html(self, claim: Claim, root: str) -> str:
        if not claim.claimants:
            return '<span class="note">no claimant recorded</span>'
        return "; ".join(self.agent_link(a.agent, a.label, root) + (f' <span class="kind">{esc(a.kind)}</span>'
                                                                     if a.kind else "") for a in claim.claimants)

    # -- the whole site --------------------------------------------------------------------------

    def pages(self) -> Iterator[Page]:
        yield "style.css", CSS
        yield "index.html", self.index()
        yield from self.numbers()
        yield from self.claim_list()
        for item in self.site.claims.values():
            yield f"claims/{self.claim_name(item.claim.claim)}.html", self.claim_page(item)
        yield from self.document_list()
        for row in self.site.documents:
            yield f"documents/{self.doc_name(row['document'])}.html", self.document_page(row)
        yield from self.claimant_list()
        yield from self.claimant_pages()
        yield from self.disagreement_list()
        for number, d in enumerate(self.site.disagreements, start=1):
            yield f"disagreements/{number}.html", self.disagreement_page(number, d)

    def paginated(self, folder: str, title: str, header: list[str], rows: list[tuple[str, list[str]]],
                  intro: str = "", name: Callable[[int], str] = page_name, root: str = "../") -> Iterator[Page]:
        """A list cut into pages of `page_size` rows; rows are (IRI for the markup, HTML cells)."""
        pages = max(1, -(-len(rows) // self.size))
        for number in range(1, pages + 1):
            chunk = rows[(number - 1) * self.size: number * self.size]
            nav = pager(number, pages, name)
            body = (f"<h1>{esc(title)}</h1>\n{intro}<p>{len(rows)} in all.</p>\n{nav}"
                    + (table(header, [cells for _, cells in chunk]) if chunk else "<p>None.</p>\n") + nav)
            items = [(iri, title) for iri, _ in chunk if iri]
            heading = title if number == 1 else f"{title}, page {number}"
            yield f"{folder}/{name(number)}", page(heading, body, root=root,
                                                   markup=[markup.item_list(title, len(rows), items)])

    # -- overview --------------------------------------------------------------------------------

    def numbers_table(self) -> list[tuple[tuple[Decimal, str], list[TracedClaim]]]:
        groups: dict[tuple[Decimal, str], list[TracedClaim]] = defaultdict(list)
        for item in self.site.claims.values():
            c = item.claim
            if c.value is not None:
                groups[(c.value.normalize(), c.unit or "")].append(item)
        return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0][0], kv[0][1]))

    def index(self) -> str:
        site = self.site
        kinds: dict[str, int] = defaultdict(int)
        for d in site.disagreements:
            kinds[d.kind] += 1
        verdicts = sum(len(item.reviews) for item in site.claims.values())
        counts = [("numbers/index.html", len(self.numbers_table()), "numbers"),
                  ("claims/index.html", len(site.claims), "claims"),
                  ("documents/index.html", len(site.documents), "documents"),
                  ("claimants/index.html", len(site.claimants), "claimants"),
                  ("disagreements/index.html", len(site.disagreements), "disagreements")]
        tiles = "".join(f'<a href="{href}"><strong>{n:,}</strong>{esc(what)}</a>' for href, n, what in counts)
        body = ("<h1>Claims and their sources</h1>\n<p>Every claim of the knowledge base with who asserted it, "
                "where, when and in which words; each relay traced hop by hop to the earliest claim it has, "
                "and every place where sources disagree.</p>\n"
                f'<div class="counts">{tiles}</div>\n'
                + self.verdict_list(verdicts) +
                "<h2>Disagreements by kind</h2>\n"
                + table(["kind", "count"], [[esc(k), f'<span class="num">{n:,}</span>'] for k, n in
                                            sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))]))
        most = self.numbers_table()[:10]
        if most:
            body += "<h2>Numbers carried by the most claims</h2>\n" + table(
                ["number", "claims", "first claims"],
                [[esc(self.number_text(items[0])), str(len(items)),
                  ", ".join(self.claim_link(i.claim.claim, "") for i in items[:8])] for _, items in most])
        overview = {"@context": markup.CONTEXT, "@type": "CollectionPage", "name": "claimkb report",
                    "description": f"{len(site.claims)} claims from {len(site.documents)} documents by "
                                   f"{len(site.claimants)} claimants, with {len(site.disagreements)} disagreements"}
        return page("claimkb report", body, root="", markup=[overview],
                    description="Claims, their sources and where they disagree")

    def verdict_list(self, count: int) -> str:
        if not count:
            return "<p>No fact-checker's verdict on record (<code>claimkb review</code> records one).</p>\n"
        rows = [[self.claim_link(item.claim.claim, ""), esc(v.rating), esc(v.author_label or ""),
                 esc(text_of(v.published))] for item in self.site.claims.values() for v in item.reviews]
        return (f"<h2>Fact-checkers' verdicts ({count:,})</h2>\n"
                + table(["claim", "verdict", "fact-checker", "published"], rows[:50]))

    @staticmethod
    def number_text(item: TracedClaim) -> str:
        c = item.claim
        return f"{text_of(c.value)} {c.unit or ''}".strip()

    def numbers(self) -> Iterator[Page]:
        rows = []
        for (value, unit), items in self.numbers_table():
            quantities = sorted({i.claim.quantity_label or QK.local(i.claim.quantity) or "" for i in items} - {""})
            shown = ", ".join(self.claim_link(i.claim.claim, "../") for i in items[:NUMBER_CLAIMS_LISTED])
            more = f" and {len(items) - NUMBER_CLAIMS_LISTED} more" if len(items) > NUMBER_CLAIMS_LISTED else ""
            rows.append(("", [esc(format(value, "f")), esc(unit), esc("; ".join(quantities)),
                              f'<span class="num">{len(items)}</span>', shown + more]))
        yield from self.paginated("numbers", "Numbers", ["number", "unit", "measured quantity", "claims", "claims"],
                                  rows, "<p>Each number stated in a claim, with the claims that state it "
                                  "(as <code>claimkb trace NUMBER</code> finds them).</p>\n")

    # -- claims ----------------------------------------------------------------------------------

    def claim_list(self) -> Iterator[Page]:
        rows = []
        for item in self.site.claims.values():
            c = item.claim
            rows.append((c.claim, [self.claim_link(c.claim, "../"), esc(text_of(c.asserted_start)),
                                   self.claimants_html(c, "../"), esc(c.text), esc(_figure(c)),
                                   self.doc_link(c.document, "../")]))
        yield from self.paginated("claims", "Claims", ["claim", "asserted", "claimant", "text", "figure", "document"],
                                  rows, "<p>In order of when they were asserted.</p>\n")

    def claim_page(self, item: TracedClaim) -> str:
        c, root = item.claim, "../"
        name = self.claim_name(c.claim)
        parts = [f"<h1>{esc(compact(c.claim))}</h1>\n", f'<blockquote class="claim">{esc(c.text)}</blockquote>\n']
        for v in item.reviews:
            scale = (f" ({esc(text_of(v.rating_value))} on a scale of {esc(text_of(v.worst_rating))} to "
                     f"{esc(text_of(v.best_rating))})" if v.rating_value is not None else "")
            parts.append(f'<div class="verdict"><div>Fact-checker\'s verdict</div><div class="rating">{esc(v.rating)}'
                         f"{scale}</div><div>{esc(v.explanation or '')}</div><div>"
                         f"{self.agent_link(v.author, v.author_label or 'unnamed fact-checker', root)}"
                         f"{', ' + esc(text_of(v.published)) if v.published else ''} · "
                         f"{external(v.url)}</div></div>\n")
        anchored = any(a.claim == c.claim for a in self.site.anchors.get(c.document, ()))
        quote = esc(f"\u201c{c.quote}\u201d") if c.quote else '<span class="note">no anchored quote</span>'
        if anchored:
            quote += f' ({link(f"{root}documents/{self.doc_name(c.document)}.html#q-{name}", "in the archived text")})'
        period = esc(_span(c.period_start, c.period_end)) + (f" ('{esc(c.period_phrase)}')" if c.period_phrase else "")
        if c.as_of_start or c.as_of_end:
            period = "; ".join(p for p in (period, f"as of {esc(_span(c.as_of_start, c.as_of_end))}") if p)
        carriage = esc(c.carriage or "") + (f", cue \u2018{esc(c.cue)}\u2019" if c.cue else "")
        parts.append(fields([
            ("figure", esc(_figure(c)) + (" (formulaic hedge: compared as exact)" if c.formulaic else "")),
            ("measured quantity", esc(c.quantity_label or QK.local(c.quantity) or "")),
            ("claimant", self.claimants_html(c, root)),
            ("carried", carriage),
            ("hedge", esc(c.hedge or "")),
            ("asserted", esc(_span(c.asserted_start, c.asserted_end)) + (f" ('{esc(c.asserted_phrase)}')"
                                                                         if c.asserted_phrase else "")
             + (" (inferred)" if c.asserted_inferred else "")),
            ("period", period),
            ("document", self.doc_link(c.document, root, c.headline or compact(c.document))),
            ("publisher", esc(c.publisher or "not recorded")),
            ("published", esc(text_of(c.published))),
            ("quote", quote),
        ]))
        parts.append("<h2>Chain to the earliest source</h2>\n")
        parts.append('<div class="picture">' + svg(item, link=lambda iri: self.claim_href(iri, root), ids="chain")
                     + "</div>\n")
        if item.chain:
            rows = []
            for hop in item.chain:
                changed = [f for f in rules.HOP_FIELDS if getattr(hop, f) == "changed"]
                words = ""
                if hop.wording == "changed" and hop.relay_quote and hop.source_quote:
                    words = diff_html(hop.source_quote, hop.relay_quote)
                rows.append([self.claim_link(hop.relay, root), self.claim_link(hop.source, root),
                             "quotes" if hop.quoted else "relays",
                             (f'<span class="changed">{esc(", ".join(changed))}</span>: {esc(hop.reason)}'
                              if changed else "nothing changed"), words])
            parts.append(table(["claim", "relays", "how", "what changed", "words"], rows))
            parts.append(f"<p>Earliest in the knowledge base: "
                         f"{', '.join(self.claim_link(e, root) for e in item.earliest)}.</p>\n")
        else:
            parts.append("<p>This is the earliest claim the knowledge base has for it.</p>\n")
        relays = self.site.relayed_by.get(c.claim, [])
        if relays:
            parts.append(f"<p>Relayed by: {', '.join(self.claim_link(r, root) for r in relays)}.</p>\n")
        if item.compared:
            order = {name_: i for i, name_ in enumerate(rules.RELATIONS)}
            counts = ", ".join(f"{n} {r}" for r, n in sorted(item.totals.items(), key=lambda kv: order[kv[0]]))
            flagged = [x for x in item.compared if x.relation in rules.FLAGGED]
            listed = flagged + [x for x in item.compared if x.relation not in rules.FLAGGED][:OTHERS_LISTED]
            parts.append(f"<h2>Other figures of the same quantity</h2>\n<p>{esc(counts)}.</p>\n")
            parts.append(table(["relation", "claim", "figure", "when", "detail"], [
                [f'<span class="kind{" hard" if x.relation in rules.FLAGGED else ""}">{esc(x.relation)}</span>',
                 self.claim_link(x.other, root), esc(x.other_figure), esc(x.other_window), esc(x.detail)]
                for x in listed]))
            unlisted = sum(item.totals.values()) - len(listed)
            if unlisted > 0:
                parts.append(f'<p class="note">{unlisted} more not listed (every conflicting figure is listed, '
                             f"then the first {OTHERS_LISTED} others).</p>\n")
        numbers = self.by_claim_disagreements.get(c.claim, [])
        if numbers:
            parts.append("<h2>Disagreements</h2>\n<ul>\n" + "".join(
                f'<li>{link(f"{root}disagreements/{n}.html", self.site.disagreements[n - 1].kind)}: '
                f"{esc(self.site.disagreements[n - 1].reason)}</li>\n" for n in numbers) + "</ul>\n")
        data = markup.claim_page(item, self.site.agents, self.documents.get(c.document),
                                 self.site.reviews_markup.get(c.claim, []))
        return page(f"{compact(c.claim)}: {c.text}", "".join(parts), root=root, markup=data,
                    description=c.text)

    # -- documents -------------------------------------------------------------------------------

    def document_list(self) -> Iterator[Page]:
        rows = []
        for row in self.site.documents:
            rows.append((row["document"], [self.doc_link(row["document"], "../", row["headline"]),
                                           esc(row.get("kind") or ""), esc(row.get("publisher") or ""),
                                           esc(_span(row.get("publishedStart"), row.get("publishedEnd"))),
                                           "archived" if row.get("archived") else "",
                                           f'<span class="num">{row.get("claims") or 0}</span>']))
        yield from self.paginated("documents", "Documents", ["document", "kind", "publisher", "published",
                                                             "text", "claims"], rows)

    def document_page(self, row: dict[str, Any]) -> str:
        iri, root = row["document"], "../"
        claims = self._claims_of_document(iri)
        parts = [f"<h1>{esc(row['headline'])}</h1>\n", fields([
            ("document", esc(compact(iri))), ("kind", esc(row.get("kind") or "")),
            ("publisher", esc(row.get("publisher") or "not recorded")),
            ("published", esc(_span(row.get("publishedStart"), row.get("publishedEnd")))
             + (" (inferred)" if row.get("publishedInferred") else "")),
            ("URL", external(row.get("url"))),
            ("certainty", esc((row.get("certainty") or "").removesuffix("Certainty").lower())),
            ("claims", str(len(claims))),
        ])]
        anchors = self.site.anchors.get(iri, [])
        parts.append("<h2>Archived text</h2>\n")
        parts.append(archive_html(self.site.folder, anchors, self.claim_name))
        parts.append("<h2>Claims in this document</h2>\n")
        parts.append(table(["claim", "claimant", "text", "figure", "quote"], [
            [self.claim_link(i.claim.claim, root), self.claimants_html(i.claim, root), esc(i.claim.text),
             esc(_figure(i.claim)),
             link(f"#q-{self.claim_name(i.claim.claim)}", "highlighted") if any(
                 a.claim == i.claim.claim for a in anchors) else '<span class="note">none</span>']
            for i in claims]))
        nodes = [markup.document_node(row, iri)] + [
            markup.claim_node(i.claim, self.site.agents, row, embed_document=False) for i in claims]
        return page(row["headline"], "".join(parts), root=root, markup=[markup.graph(nodes)],
                    description=f"{row['headline']}: its archived text and claims")

    def _claims_of_document(self, iri: str) -> list[TracedClaim]:
        if not hasattr(self, "_by_document"):
            grouped: dict[str, list[TracedClaim]] = defaultdict(list)
            for item in self.site.claims.values():
                grouped[item.claim.document].append(item)
            self._by_document = grouped
        return self._by_document.get(iri, [])

    # -- claimants -------------------------------------------------------------------------------

    def claimant_list(self) -> Iterator[Page]:
        rows = []
        for c in self.site.claimants:
            rows.append((c.claimant or "", [self.agent_link(c.claimant, c.label, "../"), esc(c.kind or ""),
                                            f'<span class="num">{c.claims}</span>',
                                            f'<span class="num">{c.documents}</span>']))
        yield from self.paginated("claimants", "Claimants", ["claimant", "kind", "claims", "documents"], rows)

    def claimant_pages(self) -> Iterator[Page]:
        claims_of: dict[str, list[TracedClaim]] = defaultdict(list)
        for item in self.site.claims.values():
            for agent in item.claim.claimants:
                claims_of[agent.agent].append(item)
        for iri in sorted(self.site.agents):
            info = self.site.agents[iri]
            items = claims_of.get(iri, [])
            name = self.agent_name(iri)
            pages = max(1, -(-len(items) // self.size))
            for number in range(1, pages + 1):
                root = "../" if number == 1 else "../../"
                chunk = items[(number - 1) * self.size: number * self.size]

                def file(n: int, name: str = name, number: int = number) -> str:
                    target = f"{name}.html" if n == 1 else f"{name}/page-{n}.html"
                    return target if number == 1 else ("../" + target)

                nav = pager(number, pages, file)
                same = "".join(f"<li>{external(s)}</li>" for s in info.same_as)
                body = (f"<h1>{esc(info.label)}</h1>\n" + fields([
                    ("agent", esc(compact(iri))), ("kind", esc(info.kind)), ("type", esc(info.type)),
                    ("URL", external(info.url)),
                    ("same as", f"<ul>{same}</ul>" if same else ""),
                    ("claims", str(len(items)))])
                    + (f"<h2>Claims</h2>\n{nav}" + table(["claim", "asserted", "text", "figure", "document"], [
                        [self.claim_link(i.claim.claim, root), esc(text_of(i.claim.asserted_start)),
                         esc(i.claim.text), esc(_figure(i.claim)), self.doc_link(i.claim.document, root)]
                        for i in chunk]) + nav if items else "<p>No claims asserted by this agent.</p>\n"))
                path = f"claimants/{name}.html" if number == 1 else f"claimants/{name}/page-{number}.html"
                yield path, page(info.label, body, root=root,
                                 markup=[markup.with_context(markup.agent_node(iri, self.site.agents))])

    # -- disagreements ---------------------------------------------------------------------------

    def disagreement_list(self) -> Iterator[Page]:
        rows = []
        for number, d in enumerate(self.site.disagreements, start=1):
            rows.append(("", [link(f"{number}.html", f"#{number}"), _kind(d.kind),
                              esc(QK.local(d.quantity) or d.quantity or ""), self.claim_link(d.claim, "../"),
                              esc(d.claim_value or ""), self.claim_link(d.other, "../"), esc(d.other_value or ""),
                              esc(d.reason)]))
        yield from self.paginated("disagreements", "Disagreements", ["#", "kind", "quantity", "claim", "figure",
                                                                      "other", "figure", "reason"], rows)

    def disagreement_page(self, number: int, d: Disagreement) -> str:
        root = "../"
        sides = []
        items = [self.site.claims.get(d.claim), self.site.claims.get(d.other) if d.other else None]
        for iri, item, figure in ((d.claim, items[0], d.claim_value), (d.other, items[1], d.other_value)):
            if not iri:
                continue
            c = item.claim if item else None
            sides.append("<div>" + f"<h2>{self.claim_link(iri, root)}</h2>\n" + (fields([
                ("text", esc(c.text)), ("figure", esc(figure or _figure(c))),
                ("claimant", self.claimants_html(c, root)),
                ("document", self.doc_link(c.document, root, c.headline)),
                ("published", esc(text_of(c.published))),
                ("quote", esc(f"\u201c{c.quote}\u201d") if c.quote else "")])
                if c else "<p>Not in the knowledge base.</p>")
                + "</div>")
        parts = [f"<h1>Disagreement #{number}: {esc(d.kind)}</h1>\n", fields([
            ("kind", _kind(d.kind)), ("measured quantity", esc(QK.local(d.quantity) or d.quantity or "")),
            ("reason", esc(d.reason)),
            ("claims stating each figure", f"{d.claim_count} and {d.other_count}"
             if (d.claim_count, d.other_count) != (1, 1) else "")]),
            f'<div class="pair">{"".join(sides)}</div>\n']
        a, b = (i.claim if i else None for i in items)
        hop = self.site.hops.get((d.claim, d.other)) if d.other else None
        if hop and hop.relay_quote and hop.source_quote and wording.differs(hop.source_quote, hop.relay_quote):
            parts.append("<h2>Quoted words: the source's, then the relay's</h2>\n"
                         + diff_html(hop.source_quote, hop.relay_quote))
        elif a and b and a.quote and b.quote and wording.differs(b.quote, a.quote):
            parts.append("<h2>Quotes: the other's, then this claim's</h2>\n" + diff_html(b.quote, a.quote))
        if a and b and wording.differs(b.text, a.text):
            parts.append("<h2>Claims' wording: the other's, then this claim's</h2>\n" + diff_html(b.text, a.text))
        nodes = [markup.claim_node(i.claim, self.site.agents, self.documents.get(i.claim.document))
                 for i in items if i]
        return page(f"Disagreement #{number}: {d.kind}", "".join(parts), root=root,
                    markup=[markup.graph(nodes)] if nodes else [], description=d.reason)


# -- helpers ---------------------------------------------------------------------------------------

def _span(start: Any, end: Any) -> str:
    if start and end and start != end:
        return f"{text_of(start)}..{text_of(end)}"
    if start or end:
        return text_of(start) if start else f"by {text_of(end)}"
    return ""


def _figure(c: Claim) -> str:
    if c.value_as_written is None:
        return ""
    return rules.figure_text(c.value_as_written, c.comparator, c.unit)


def _kind(kind: str) -> str:
    hard = kind in rules.HARD or kind in (rules.CONFLICT, "misreported relay")
    return f'<span class="kind{" hard" if hard else ""}">{esc(kind)}</span>'
