"""Claim sheet records -> quads of the document's own named graph. The one model<->RDF mapping."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from .. import rules
from ..errors import InputError
from ..model import (
    AGENT_KINDS,
    AGENT_TYPES,
    AGGREGATIONS,
    CARRIAGES,
    CERTAINTIES,
    COMPARATORS,
    DOCUMENT_KINDS,
    PRECISIONS,
    STANCES,
    Agent,
    Claim,
    Document,
    QuantityConcept,
    Review,
    Sheet,
    Stance,
    TimeRef,
    probability_band,
)
from ..namespaces import CKB, ID, OA, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, WD, XSD

DCT = PREFIXES["dcterms"]
MP = PREFIXES["mp"]
CONTEXT_CHARS = 32  # prefix and suffix length of a TextQuoteSelector
NO_ANCHOR = "No archived copy of the document's text is held; the document's URL is the citation."
DOCUMENT_TYPES = {
    "news-article": "NewsArticle",
    "dataset": "Dataset",
    "official-daily-report": "Report",
    "intelligence-update": "Report",
}


def _n(iri: str) -> NamedNode:
    return NamedNode(iri)


def ckb(local: str) -> NamedNode:
    return NamedNode(CKB + local)


def schema(local: str) -> NamedNode:
    return NamedNode(SCHEMA + local)


def prov(local: str) -> NamedNode:
    return NamedNode(PROV + local)


def oa(local: str) -> NamedNode:
    return NamedNode(OA + local)


def claim_iri(claim_id: str, part: str = "") -> NamedNode:
    return NamedNode(f"{ID}claim/{claim_id}{'-' + part if part else ''}")


def doc_iri(doc_id: str, part: str = "") -> NamedNode:
    return NamedNode(f"{ID}doc/{doc_id}{'-' + part if part else ''}")


def agent_iri(agent_id: str) -> NamedNode:
    return NamedNode(f"{ID}agent/{agent_id}")


def quantity_iri(concept_id: str) -> NamedNode:
    return NamedNode(f"{ID}quantity/{concept_id}")


def graph_iri(doc_id: str) -> NamedNode:
    return NamedNode(f"{ID}graph/{doc_id}")


TYPE = NamedNode(RDF + "type")


def text(value: str) -> Literal:
    return Literal(value)


def xsd_date(value: date) -> Literal:
    return Literal(value.isoformat(), datatype=NamedNode(XSD + "date"))


def decimal(value: Decimal) -> Literal:
    lexical = format(value, "f")
    if "." not in lexical:
        lexical += ".0"
    return Literal(lexical, datatype=NamedNode(XSD + "decimal"))


def boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=NamedNode(XSD + "boolean"))


def integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "nonNegativeInteger"))


class _Emitter:
    def __init__(self, graph: NamedNode) -> None:
        self.graph = graph
        self.quads: list[Quad] = []

    def add(self, s: NamedNode, p: NamedNode, o) -> None:
        if o is not None:
            self.quads.append(Quad(s, p, o, self.graph))

    def text(self, s: NamedNode, p: NamedNode, value: str | None) -> None:
        if value is not None:
            self.add(s, p, text(value))


def locate(archive_text: str, words: str, occurrence: int, *, file: str, where: str) -> int:
    """0-based start of the `occurrence`-th verbatim match. Never fuzzy: a miss is an error."""
    start = -1
    for _ in range(occurrence):
        start = archive_text.find(words, start + 1)
        if start < 0:
            break
    if start < 0:
        found = archive_text.count(words)
        detail = (
            "is not in the archived text verbatim"
            if found == 0
            else f"occurs {found} time(s), fewer than anchor_occurrence {occurrence}"
        )
        raise InputError(
            f"anchor {words[:60]!r}{'...' if len(words) > 60 else ''} {detail}",
            file=file, where=where,
            hint="copy the words exactly from the archived text, quotation marks and spaces included",
        )
    return start


def sheet_quads(sheet: Sheet, kb_dir: Path, sheet_name: str, problems: list[InputError],
                source: str | None = None) -> list[Quad]:
    """All quads of the sheet's named graph. Reads the archived text, if the sheet names one.

    A claim that cannot be mapped (its anchor is not in the archive) adds to `problems`.
    """
    document = sheet.document
    out = _Emitter(graph_iri(document.id))
    archive_text = None
    if document.archive:
        raw, archive_text = read_archive(kb_dir, document, sheet_name)
        _archive(out, document, raw)
    _curation(out, sheet, source or sheet_name)
    _document(out, document)
    for claim in sheet.claims:
        try:
            _claim(out, claim, document, archive_text, sheet_name)
        except InputError as exc:
            problems.append(exc)
    for stance in sheet.stances:
        _stance(out, stance)
    for agent in sheet.agents:
        _agent(out, agent)
    for concept in sheet.quantities:
        _quantity_concept(out, concept)
    for review in sheet.reviews:
        _review(out, review)
    return out.quads


def _curation(out: _Emitter, sheet: Sheet, sheet_name: str) -> None:
    g = out.graph
    out.add(g, TYPE, ckb("ClaimGraph"))
    out.add(g, schema("about"), doc_iri(sheet.document.id))
    out.add(g, prov("wasAttributedTo"), agent_iri(sheet.recorded_by))
    out.add(g, _n(DCT + "created"), xsd_date(sheet.recorded_on))
    out.text(g, _n(DCT + "source"), sheet_name)


def read_archive(kb_dir: Path, document: Document, sheet_name: str) -> tuple[bytes, str]:
    """The archived text's bytes and its text; only files inside the knowledge base are read."""
    if not document.archive:
        raise InputError("the document names no archived text", file=sheet_name, where="document.archive")
    path = (kb_dir / document.archive).resolve()
    if kb_dir.resolve() not in path.parents:
        raise InputError(f"archive {document.archive!r} is outside the knowledge base folder",
                         file=sheet_name, where="document.archive",
                         hint="put the archived text under kb/archive/ and give its path from kb/")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the archived text {document.archive!r}: {exc.strerror}",
                         file=sheet_name, where="document.archive") from None
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"the archived text is not UTF-8 (byte {exc.start})",
                         file=sheet_name, where="document.archive") from None
    if document.archive_sha256 is not None and hashlib.sha256(raw).hexdigest() != document.archive_sha256:
        raise InputError(f"the archived text {document.archive!r} has changed since the sheet was written "
                         f"(its sha256 is {hashlib.sha256(raw).hexdigest()}, the sheet says "
                         f"{document.archive_sha256})", file=sheet_name, where="document.archive_sha256",
                         hint="restore the archived text, or check every anchor against the new text and "
                              "update archive_sha256")
    return raw, content


def _archive(out: _Emitter, document: Document, raw: bytes) -> None:
    node = doc_iri(document.id, "archive")
    out.add(node, TYPE, ckb("ArchivedText"))
    out.add(node, schema("sha256"), text(hashlib.sha256(raw).hexdigest()))
    out.text(node, ckb("archivePath"), document.archive)
    out.text(node, schema("encodingFormat"), "text/plain; charset=utf-8")
    out.add(node, schema("isBasedOn"), doc_iri(document.id))


def _time(out: _Emitter, node: NamedNode, t: TimeRef, published: NamedNode | None) -> None:
    out.add(node, TYPE, ckb("TimeReference"))
    out.text(node, ckb("phrase"), t.phrase)
    if t.start:
        out.add(node, schema("startDate"), xsd_date(t.start))
    if t.end:
        out.add(node, schema("endDate"), xsd_date(t.end))
    out.add(node, ckb("precision"), ckb(PRECISIONS[t.precision]))
    out.add(node, ckb("inferred"), boolean(t.inferred))
    evidence = t.evidence
    if t.as_of is not None:
        a = t.as_of
        out.add(node, ckb("asOfStart"), xsd_date(a.start) if a.start else None)
        as_of_end = a.end or a.start
        out.add(node, ckb("asOfEnd"), xsd_date(as_of_end) if as_of_end else None)
        as_of_words = f"As of {a.phrase!r}" if a.phrase else "As of"
        detail = f"{as_of_words}: {a.evidence}" if a.evidence else None
        if detail:
            evidence = f"{evidence} {detail}" if evidence else detail
    out.text(node, ckb("evidence"), evidence)
    if (t.resolved_against_published or (t.as_of and t.as_of.resolved_against_published)) and published:
        out.add(node, ckb("resolvedAgainst"), published)


def _document(out: _Emitter, d: Document) -> None:
    node = doc_iri(d.id)
    out.add(node, TYPE, schema("CreativeWork"))
    if d.kind in DOCUMENT_TYPES:
        out.add(node, TYPE, schema(DOCUMENT_TYPES[d.kind]))
    out.text(node, _n(DCT + "identifier"), d.research_id or d.id)
    out.text(node, schema("headline"), d.title)
    out.add(node, ckb("documentKind"), ckb(DOCUMENT_KINDS[d.kind]))
    out.add(node, schema("publisher"), agent_iri(d.publisher) if d.publisher else None)
    out.text(node, ckb("publisherNote"), d.publisher_note)
    out.add(node, schema("url"), _n(d.url) if d.url else None)
    for url in d.also_at:
        out.add(node, ckb("alsoAt"), _n(url))
    published = doc_iri(d.id, "published")
    out.add(node, ckb("publishedAt"), published)
    if d.published.start:
        out.add(node, schema("datePublished"), xsd_date(d.published.start))
    out.add(node, ckb("certainty"), ckb(CERTAINTIES[d.certainty]))
    out.text(node, ckb("certaintyNote"), d.certainty_note)
    _time(out, published, d.published, None)


def _claim(out: _Emitter, c: Claim, d: Document, archive_text: str | None, sheet_name: str) -> None:
    node = claim_iri(c.id)
    published = doc_iri(d.id, "published")
    out.add(node, TYPE, schema("Claim"))
    out.text(node, _n(DCT + "identifier"), c.id)
    out.text(node, schema("text"), c.text)
    for claimant in c.claimants:
        out.add(node, schema("author"), agent_iri(claimant))
        out.add(node, prov("wasAttributedTo"), agent_iri(claimant))
    out.add(node, schema("appearance"), doc_iri(d.id))
    out.add(node, ckb("carriage"), ckb(CARRIAGES[c.carriage]))
    out.text(node, ckb("cue"), c.cue)
    out.text(node, ckb("quotation"), c.quotation)
    if c.hedge:
        out.text(node, ckb("hedgeWords"), c.hedge)
        band = probability_band(c.hedge)
        out.add(node, ckb("probabilityBand"), ckb(band) if band else None)
    for relay in c.relays:
        out.add(node, prov("wasDerivedFrom"), claim_iri(relay.claim))
        if relay.quoted:
            out.add(node, prov("wasQuotedFrom"), claim_iri(relay.claim))
    if c.primary_source:
        out.add(node, prov("hadPrimarySource"), claim_iri(c.primary_source))
    if c.first_appearance:
        out.add(node, schema("firstAppearance"), _n(c.first_appearance))
    if c.forward_looking:
        out.add(node, ckb("forwardLooking"), boolean(True))
    if c.url:
        out.add(node, schema("url"), _n(c.url))
    out.text(node, ckb("afterPublicationReason"), c.after_publication)
    if c.derivation:
        activity = claim_iri(c.id, "derivation")
        out.add(node, prov("wasGeneratedBy"), activity)
        out.add(activity, TYPE, prov("Activity"))
        out.add(activity, TYPE, ckb("Derivation"))
        out.text(activity, ckb("formula"), c.derivation.formula)
        for claimant in c.claimants:
            out.add(activity, prov("wasAssociatedWith"), agent_iri(claimant))
        for source in c.derivation.inputs:
            out.add(activity, prov("used"), claim_iri(source))
    out.text(node, NamedNode(RDFS + "comment"), c.note)

    asserted = claim_iri(c.id, "asserted")
    out.add(node, ckb("assertedAt"), asserted)
    if c.period:
        out.add(node, ckb("period"), claim_iri(c.id, "period"))
    if c.quantity:
        out.add(node, ckb("quantity"), claim_iri(c.id, "value"))
    if archive_text is not None and c.anchor:
        out.add(node, ckb("anchor"), claim_iri(c.id, "anchor"))
    else:
        if c.anchor:
            raise InputError("the claim has an anchor but the document names no archive",
                             file=sheet_name, where=f"claim {c.id}.anchor",
                             hint="add document.archive, or drop the anchor")
        out.text(node, ckb("noAnchorReason"), NO_ANCHOR)

    _time(out, asserted, c.asserted, published)
    if c.period:
        period = claim_iri(c.id, "period")
        _time(out, period, c.period, published)
        window = figure_window(c.period)
        if window:
            for predicate, day in (("windowStart", window.start), ("windowEnd", window.end),
                                   ("windowStartLow", window.start_low), ("windowStartHigh", window.start_high),
                                   ("windowEndLow", window.end_low), ("windowEndHigh", window.end_high)):
                out.add(period, ckb(predicate), xsd_date(day))
    if c.quantity:
        _quantity(out, c)
    if archive_text is not None and c.anchor:
        _anchor(out, c, c.anchor, d, archive_text, sheet_name)
    out.add(doc_iri(d.id), _n(MP + ("asserts" if c.carriage == "own-voice" else "quotes")), node)


def figure_window(period: TimeRef | None) -> rules.Window | None:
    """The window of a claim's period (see rules.comparison_window): the as-of instant of a running total
    or a count at a date, else the period itself. None when the claim gives no date for it."""
    if period is None:
        return None
    if period.as_of is not None:
        a = period.as_of
        if a.start is None:
            return None
        return rules.comparison_window(None, None, as_of_start=a.start, as_of_end=a.end or a.start,
                                       as_of_precision=a.precision)
    if period.start is None:
        return None
    return rules.comparison_window(period.start, period.end, period.precision)


def _quantity(out: _Emitter, c: Claim) -> None:
    q = c.quantity
    assert q is not None
    node = claim_iri(c.id, "value")
    out.add(node, TYPE, ckb("QuantityStatement"))
    out.add(node, TYPE, schema("QuantitativeValue"))
    out.add(node, ckb("measures"), quantity_iri(q.measures) if q.measures else None)
    if q.value is not None:
        out.add(node, schema("value"), decimal(rules.to_decimal(q.value)))
    out.text(node, ckb("valueAsWritten"), q.as_written)
    out.text(node, schema("unitText"), q.unit)
    out.add(node, ckb("comparator"), ckb(COMPARATORS[q.comparator]))
    if q.formulaic:
        out.add(node, ckb("formulaicHedge"), boolean(True))
    if q.minimum is not None:
        out.add(node, schema("minValue"), decimal(q.minimum))
    if q.maximum is not None:
        out.add(node, schema("maxValue"), decimal(q.maximum))
    strict = rules.value_interval(q.value, q.comparator, minimum=q.minimum, maximum=q.maximum,
                                  formulaic=q.formulaic, as_written=q.as_written)
    implied = rules.implied_interval(q.value, q.comparator, minimum=q.minimum, maximum=q.maximum,
                                     formulaic=q.formulaic, as_written=q.as_written)
    low, high = rules.stored_bounds(strict)
    implied_low, implied_high = rules.stored_bounds(implied)
    for predicate, value, stated in (("intervalLow", low, None), ("intervalHigh", high, None),
                                     ("impliedLow", implied_low, low), ("impliedHigh", implied_high, high)):
        if value is not None and value != stated:
            out.add(node, ckb(predicate), decimal(value))


def _anchor(out: _Emitter, c: Claim, anchor: str, d: Document, archive_text: str, sheet_name: str) -> None:
    start = locate(archive_text, anchor, c.anchor_occurrence, file=sheet_name,
                   where=f"claim {c.id}.anchor")
    end = start + len(anchor)
    node = claim_iri(c.id, "anchor")
    quote_sel = claim_iri(c.id, "quote-sel")
    pos_sel = claim_iri(c.id, "pos-sel")
    out.add(node, TYPE, oa("SpecificResource"))
    out.add(node, oa("hasSource"), doc_iri(d.id))
    out.add(node, oa("cachedSource"), doc_iri(d.id, "archive"))
    out.add(node, oa("hasSelector"), quote_sel)
    out.add(node, oa("hasSelector"), pos_sel)
    out.add(quote_sel, TYPE, oa("TextQuoteSelector"))
    out.text(quote_sel, oa("exact"), anchor)
    out.text(quote_sel, oa("prefix"), archive_text[max(0, start - CONTEXT_CHARS):start])
    out.text(quote_sel, oa("suffix"), archive_text[end:end + CONTEXT_CHARS])
    out.add(pos_sel, TYPE, oa("TextPositionSelector"))
    out.add(pos_sel, oa("start"), integer(start))
    out.add(pos_sel, oa("end"), integer(end))
    if c.quotation is not None and c.quotation not in anchor:
        raise InputError("the quotation is not inside the anchored words",
                         file=sheet_name, where=f"claim {c.id}.quotation",
                         hint="the quotation must be copied from the anchored text verbatim")


def _stance(out: _Emitter, s: Stance) -> None:
    node = NamedNode(f"{ID}stance/{s.id}")
    out.add(node, TYPE, ckb("StanceLink"))
    out.add(node, ckb("stanceFrom"), claim_iri(s.source))
    out.add(node, ckb("stanceTo"), claim_iri(s.target))
    out.add(node, ckb("stance"), ckb(STANCES[s.stance]))
    out.text(node, schema("description"), s.description)


def _agent(out: _Emitter, a: Agent) -> None:
    node = agent_iri(a.id)
    out.add(node, TYPE, prov("Agent"))
    out.add(node, TYPE, schema(AGENT_TYPES[a.type]))
    out.add(node, NamedNode(RDFS + "label"), text(a.label))
    out.add(node, ckb("agentKind"), ckb(AGENT_KINDS[a.kind]))
    out.add(node, schema("url"), _n(a.url) if a.url else None)
    out.add(node, schema("parentOrganization"), agent_iri(a.parent) if a.parent else None)
    out.add(node, schema("sameAs"), NamedNode(WD + a.wikidata) if a.wikidata else None)
    out.text(node, NamedNode(RDFS + "comment"), a.note)


def _quantity_concept(out: _Emitter, q: QuantityConcept) -> None:
    """A measured quantity declared in a sheet, written as the hand-written ones in quantities.trig are."""
    node = quantity_iri(q.id)
    out.add(node, TYPE, ckb("MeasuredQuantity"))
    out.add(node, NamedNode(SKOS + "inScheme"), quantity_iri("scheme"))
    out.add(node, NamedNode(SKOS + "prefLabel"), Literal(q.label, language="en"))
    out.add(node, NamedNode(SKOS + "definition"), Literal(q.definition, language="en"))
    out.add(node, ckb("aggregation"), ckb(AGGREGATIONS[q.aggregation]))
    out.text(node, schema("unitText"), q.unit)
    for part in q.parts:
        out.add(node, ckb("sumOf"), quantity_iri(part))
    out.add(node, ckb("dailyAverageOf"), quantity_iri(q.daily_average_of) if q.daily_average_of else None)
    out.add(node, ckb("incrementOf"), quantity_iri(q.increment_of) if q.increment_of else None)
    out.text(node, NamedNode(RDFS + "comment"), q.note)


def review_iri(review_id: str) -> NamedNode:
    return NamedNode(f"{ID}review/{review_id}")


def _review(out: _Emitter, v: Review) -> None:
    node = review_iri(v.id)
    rating = review_iri(f"{v.id}-rating")
    out.add(node, TYPE, schema("ClaimReview"))
    out.text(node, _n(DCT + "identifier"), v.id)
    out.add(node, schema("itemReviewed"), claim_iri(v.claim))
    out.text(node, schema("claimReviewed"), v.claim_reviewed)
    for author in v.authors:
        out.add(node, schema("author"), agent_iri(author))
    out.add(node, schema("url"), _n(v.url))
    out.add(node, schema("datePublished"), xsd_date(v.date) if v.date else None)
    out.add(node, schema("reviewRating"), rating)
    out.add(rating, TYPE, schema("Rating"))
    out.text(rating, schema("alternateName"), v.rating.alternate_name)
    for key, value in (("ratingValue", v.rating.value), ("bestRating", v.rating.best),
                       ("worstRating", v.rating.worst)):
        out.add(rating, schema(key), decimal(value) if value is not None else None)
    out.text(rating, schema("ratingExplanation"), v.rating.explanation)


def review_graph_quads(graph_id: str, review: Review, agents: tuple[Agent, ...], recorded_on: date,
                       recorded_by: str = "claimkb-curators", source: str = "claimkb review") -> list[Quad]:
    """All quads of a verdict's own named graph: the graph's curation (about the reviewed claim), the
    review with its rating, and the agents it declares (a fact-checker the knowledge base did not have)."""
    out = _Emitter(graph_iri(graph_id))
    g = out.graph
    out.add(g, TYPE, ckb("ClaimGraph"))
    out.add(g, schema("about"), claim_iri(review.claim))
    out.add(g, prov("wasAttributedTo"), agent_iri(recorded_by))
    out.add(g, _n(DCT + "created"), xsd_date(recorded_on))
    out.text(g, _n(DCT + "source"), source)
    _review(out, review)
    for agent in agents:
        _agent(out, agent)
    return out.quads


def references(sheet: Sheet) -> Iterable[tuple[str, str, str]]:
    """(kind, id, where) for every id the sheet points at outside itself, to check before writing."""
    if sheet.document.publisher:
        yield "agent", sheet.document.publisher, "document.publisher"
    yield "agent", sheet.recorded_by, "curation.recorded_by"
    for a in sheet.agents:
        if a.parent:
            yield "agent", a.parent, f"agent {a.id}.parent"
    for q in sheet.quantities:
        for part in q.parts:
            yield "quantity", part, f"quantity {q.id}.parts"
        for key, other in (("daily_average_of", q.daily_average_of), ("increment_of", q.increment_of)):
            if other:
                yield "quantity", other, f"quantity {q.id}.{key}"
    for c in sheet.claims:
        for claimant in c.claimants:
            yield "agent", claimant, f"claim {c.id}.claimant"
        if c.quantity and c.quantity.measures:
            yield "quantity", c.quantity.measures, f"claim {c.id}.quantity.measures"
        for relay in c.relays:
            yield "claim", relay.claim, f"claim {c.id}.relays"
        if c.primary_source:
            yield "claim", c.primary_source, f"claim {c.id}.primary_source"
        for source in c.derivation.inputs if c.derivation else ():
            yield "claim", source, f"claim {c.id}.derived.inputs"
    for s in sheet.stances:
        yield "claim", s.source, f"stance {s.id}.from"
        yield "claim", s.target, f"stance {s.id}.to"
    for v in sheet.reviews:
        yield "claim", v.claim, f"review {v.id}.claim"
        for author in v.authors:
            yield "agent", author, f"review {v.id}.author"
