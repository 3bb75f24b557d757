"""Records people hand us (documents, claims, quantities, dates), validated on creation. No I/O.

An invalid record cannot exist in memory: each `__post_init__` raises `ValueError` with a sentence that
the sheet reader turns into an `InputError` naming the file, the claim and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from .rules import COMPARATORS

ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")

CARRIAGES = {"own-voice": "OwnVoice", "attributed": "Attributed", "hearsay": "Hearsay"}
PRECISIONS = {
    "day": "DayPrecision",
    "week": "WeekPrecision",
    "month": "MonthPrecision",
    "season": "SeasonPrecision",
    "year": "YearPrecision",
    "unstated": "Unstated",
}
DOCUMENT_KINDS = {
    "news-article": "NewsArticleKind",
    "fact-check": "FactCheckKind",
    "official-daily-report": "OfficialDailyReport",
    "intelligence-update": "IntelligenceUpdate",
    "speech": "SpeechKind",
    "poll": "PollKind",
    "dataset": "DatasetKind",
    "official-statement": "OfficialStatement",
}
AGENT_KINDS = {
    "belligerent-government": "BelligerentGovernment",
    "third-party-government": "ThirdPartyGovernment",
    "intelligence-agency": "IntelligenceAgency",
    "news-outlet": "NewsOutlet",
    "politician": "Politician",
    "anonymous-officials": "AnonymousOfficials",
    "research-group": "ResearchGroup",
    "pollster": "Pollster",
    "fact-checker": "FactChecker",
    "unclassified": "UnclassifiedAgent",
}
AGENT_TYPES = {"person": "Person", "organization": "Organization",
               "government-organization": "GovernmentOrganization"}
CERTAINTIES = {"high": "HighCertainty", "medium": "MediumCertainty", "low": "LowCertainty"}
STANCES = {"contradicts": "Contradicts", "supports": "Supports"}
# sheet spelling -> ckb:Aggregation individual (how a measured quantity aggregates over time)
AGGREGATIONS = {"cumulative": "Cumulative", "period-total": "PeriodTotal", "daily-average": "DailyAverage",
                "point-in-time": "PointInTime", "share": "Share"}
WIKIDATA_RE = re.compile(r"Q[1-9][0-9]*")

# The UK Professional Head of Intelligence Assessment probability yardstick (2019 edition):
# estimative words -> band. Longest phrases are matched first.
YARDSTICK = {
    "remote chance": "RemoteChance",
    "highly unlikely": "HighlyUnlikely",
    "unlikely": "Unlikely",
    "realistic possibility": "RealisticPossibility",
    "likely": "Likely",
    "probably": "Likely",
    "highly likely": "HighlyLikely",
    "almost certain": "AlmostCertain",
    "almost certainly": "AlmostCertain",
}


def probability_band(words: str) -> str | None:
    """The yardstick band for a hedge as printed, or None when the words are not on the yardstick."""
    text = " ".join(words.lower().split())
    for phrase in sorted(YARDSTICK, key=len, reverse=True):
        if re.search(rf"\b{re.escape(phrase)}\b", text):
            return YARDSTICK[phrase]
    return None


def _check_id(value: str, what: str) -> None:
    if not isinstance(value, str) or not ID_RE.fullmatch(value):
        raise ValueError(f"{what} {value!r} must be letters, digits and '-' (no spaces)")


def _one_of(value: str, allowed: dict[str, str], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; use one of: {', '.join(allowed)}")


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeRef:
    """A resolved time: raw phrase, inclusive outer bounds, precision, and whether it was inferred."""

    phrase: str | None = None
    start: date | None = None
    end: date | None = None
    precision: str = "day"
    inferred: bool = False
    evidence: str | None = None
    resolved_against_published: bool = False
    cumulative: bool = False
    as_of: TimeRef | None = None

    def __post_init__(self) -> None:
        _one_of(self.precision, PRECISIONS, "precision")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.cumulative and self.as_of is None:
            raise ValueError("a cumulative period needs `as_of` (the date the running total is as of)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Quantity:
    measures: str | None  # None: the figure is kept, but no comparison can reach it (listed as uncompared)
    value: Fraction | None
    as_written: str
    unit: str
    comparator: str
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    formulaic: bool = False  # the hedge is the source's habitual formula: the figure is compared as exact

    def __post_init__(self) -> None:
        if self.measures is not None:
            _check_id(self.measures, "measured quantity")
        if self.formulaic and self.comparator != "approximately":
            raise ValueError("only an 'approximately' can be formulaic (formulaic: true)")
        _one_of(self.comparator, COMPARATORS, "comparator")
        if not self.unit.strip():
            raise ValueError("unit is empty")
        if not self.as_written.strip():
            raise ValueError("as_written is empty: give the figure as the source writes it")
        if self.value is None and self.minimum is None and self.maximum is None:
            raise ValueError("give a value, or min/max bounds")
        if self.comparator == "between" and (self.minimum is None or self.maximum is None):
            raise ValueError("comparator 'between' needs both min and max")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"min {self.minimum} is greater than max {self.maximum}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Relay:
    claim: str
    quoted: bool = False

    def __post_init__(self) -> None:
        _check_id(self.claim, "relayed claim id")


@dataclass(frozen=True, slots=True, kw_only=True)
class Derivation:
    """How a figure was computed (by the curators, from other figures), rather than stated by a source."""

    formula: str
    inputs: tuple[str, ...] = ()  # the claims it was computed from, where the knowledge base has them

    def __post_init__(self) -> None:
        if not self.formula.strip():
            raise ValueError("derived.formula is empty: say how the figure was computed")
        for claim in self.inputs:
            _check_id(claim, "derived.inputs claim id")


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    id: str
    text: str
    claimants: tuple[str, ...]
    carriage: str
    asserted: TimeRef
    cue: str | None = None
    anchor: str | None = None
    anchor_occurrence: int = 1
    quotation: str | None = None
    period: TimeRef | None = None
    quantity: Quantity | None = None
    hedge: str | None = None
    relays: tuple[Relay, ...] = ()
    primary_source: str | None = None
    first_appearance: str | None = None
    note: str | None = None
    derivation: Derivation | None = None
    forward_looking: bool = False  # about a period to come (a plan, a quota, a forecast), by its own account
    url: str | None = None  # where this claim itself appears, when not at the document's URL
    after_publication: str | None = None  # why the claim is dated after its document appeared

    def __post_init__(self) -> None:
        _check_id(self.id, "claim id")
        for url in (self.first_appearance, self.url):
            if url is not None:
                _check_url(url)
        if self.after_publication is not None and not self.after_publication.strip():
            raise ValueError("after_publication is empty: say why the claim is dated after its document")
        if not self.text.strip():
            raise ValueError("text is empty: give the claim as one normalised sentence")
        if not self.claimants:
            raise ValueError("claimant is missing: name who asserts it, or `unattributed` for hearsay")
        for claimant in self.claimants:
            _check_id(claimant, "claimant")
        _one_of(self.carriage, CARRIAGES, "carriage")
        if self.carriage == "hearsay" and self.claimants != ("unattributed",):
            raise ValueError("a hearsay claim's claimant must be `unattributed`")
        if self.anchor is not None and not self.anchor:
            raise ValueError("anchor is empty")
        if self.anchor_occurrence < 1:
            raise ValueError("anchor_occurrence counts from 1")
        if self.primary_source is not None:
            _check_id(self.primary_source, "primary_source")
        if self.primary_source and not self.relays:
            raise ValueError("primary_source is given but the claim relays nothing")


def _check_url(url: str) -> None:
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", url):
        raise ValueError(f"url {url!r} is not an http(s) URL")


@dataclass(frozen=True, slots=True, kw_only=True)
class Agent:
    """An agent a sheet introduces (a new claimant or fact-checker); shared ones live in agents.trig."""

    id: str
    label: str
    kind: str
    type: str = "organization"
    url: str | None = None
    parent: str | None = None  # the agent id of its parent organisation
    wikidata: str | None = None  # a Wikidata item id, Q123; only a verified one (see ingest/sheet.py)
    wikidata_verified: bool = False  # the sheet vouches for `wikidata` itself (then `note` says how)
    note: str | None = None
    # IRIs the source gave for it (an @id, sameAs links): used to find it among the agents the knowledge
    # base has, never written
    aliases: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        _check_id(self.id, "agent id")
        if not self.label.strip():
            raise ValueError("label is empty")
        _one_of(self.kind, AGENT_KINDS, "agent kind")
        _one_of(self.type, AGENT_TYPES, "agent type")
        if self.url is not None:
            _check_url(self.url)
        if self.parent is not None:
            _check_id(self.parent, "parent")
            if self.parent == self.id:
                raise ValueError("an agent cannot be its own parent organisation")
        if self.wikidata is not None and not WIKIDATA_RE.fullmatch(self.wikidata):
            raise ValueError(f"wikidata {self.wikidata!r} is not a Wikidata item id like Q7747")
        if self.wikidata_verified and (self.wikidata is None or not (self.note or "").strip()):
            raise ValueError("wikidata_verified: true needs the wikidata id and a note saying how it was verified")


@dataclass(frozen=True, slots=True, kw_only=True)
class QuantityConcept:
    """A measured quantity a sheet declares: what exactly a figure counts (ckb:MeasuredQuantity)."""

    id: str
    label: str
    definition: str
    unit: str
    aggregation: str
    parts: tuple[str, ...] = ()  # ckb:sumOf: the quantity is the sum of these
    daily_average_of: str | None = None  # ckb:dailyAverageOf: the period total this averages per day
    increment_of: str | None = None  # ckb:incrementOf: the cumulative total this is one day's increase of
    note: str | None = None

    def __post_init__(self) -> None:
        _check_id(self.id, "quantity id")
        for value, what in ((self.label, "label"), (self.definition, "definition"), (self.unit, "unit")):
            if not value.strip():
                raise ValueError(f"{what} is empty")
        _one_of(self.aggregation, AGGREGATIONS, "aggregation")
        for other in (*self.parts, self.daily_average_of, self.increment_of):
            if other is not None:
                _check_id(other, "related quantity id")
                if other == self.id:
                    raise ValueError(f"quantity {self.id!r} cannot be related to itself")
        if self.daily_average_of is not None and self.aggregation != "daily-average":
            raise ValueError("daily_average_of is for a daily-average quantity (aggregation: daily-average)")
        if self.increment_of is not None and self.aggregation != "period-total":
            raise ValueError("increment_of is for a one-day total (aggregation: period-total)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Rating:
    alternate_name: str
    value: Decimal | None = None
    best: Decimal | None = None
    worst: Decimal | None = None
    explanation: str | None = None

    def __post_init__(self) -> None:
        if not self.alternate_name.strip():
            raise ValueError("the rating needs alternate_name, the verdict in words (Google requires it)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Review:
    """A fact-checker's verdict on a claim (schema:ClaimReview), kept apart from the claimant's hedge."""

    id: str
    claim: str
    claim_reviewed: str
    authors: tuple[str, ...]
    url: str
    rating: Rating
    date: date | None = None

    def __post_init__(self) -> None:
        _check_id(self.id, "review id")
        _check_id(self.claim, "reviewed claim")
        if not self.claim_reviewed.strip() or len(self.claim_reviewed) > 75:
            raise ValueError("claim_reviewed must be 1 to 75 characters, with no verdict in it")
        _check_url(self.url)
        for author in self.authors:
            _check_id(author, "review author")


@dataclass(frozen=True, slots=True, kw_only=True)
class Stance:
    id: str
    source: str
    target: str
    stance: str
    description: str

    def __post_init__(self) -> None:
        for value, what in ((self.id, "stance id"), (self.source, "from"), (self.target, "to")):
            _check_id(value, what)
        _one_of(self.stance, STANCES, "stance")
        if not self.description.strip():
            raise ValueError("description is empty: say why the claims conflict or agree")


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    id: str
    title: str
    kind: str
    published: TimeRef
    certainty: str
    publisher: str | None = None
    publisher_note: str | None = None
    url: str | None = None
    also_at: tuple[str, ...] = ()
    certainty_note: str | None = None
    archive: str | None = None
    archive_sha256: str | None = None  # when given, the archived text must still have this hash
    research_id: str | None = None

    def __post_init__(self) -> None:
        _check_id(self.id, "document id")
        if self.archive_sha256 is not None and not re.fullmatch(r"[0-9a-f]{64}", self.archive_sha256):
            raise ValueError("archive_sha256 must be 64 lower-case hex digits")
        if self.archive_sha256 is not None and self.archive is None:
            raise ValueError("archive_sha256 is given but the document names no archive")
        if not self.title.strip():
            raise ValueError("title is empty")
        _one_of(self.kind, DOCUMENT_KINDS, "document kind")
        _one_of(self.certainty, CERTAINTIES, "certainty")
        for url in (self.url, *self.also_at):
            if url is not None:
                _check_url(url)
        if self.publisher is not None:
            _check_id(self.publisher, "publisher")
        if self.archive is not None and (
            not re.fullmatch(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*", self.archive)
            or any(part in (".", "..") for part in self.archive.split("/"))
        ):
            raise ValueError(f"archive {self.archive!r} must be a plain relative path inside kb/, "
                             "like archive/D01-seed.txt")


@dataclass(frozen=True, slots=True, kw_only=True)
class Sheet:
    document: Document
    claims: tuple[Claim, ...]
    stances: tuple[Stance, ...] = field(default=())
    agents: tuple[Agent, ...] = field(default=())
    reviews: tuple[Review, ...] = field(default=())
    quantities: tuple[QuantityConcept, ...] = field(default=())
    recorded_on: date  # the curation date: from the sheet or `import --recorded-on`, never the clock
    recorded_by: str = "claimkb-curators"

    def __post_init__(self) -> None:
        _check_id(self.recorded_by, "curation.recorded_by")
        seen: set[str] = set()
        for claim in self.claims:
            if claim.id in seen:
                raise ValueError(f"claim id {claim.id!r} appears twice")
            seen.add(claim.id)
        for items, what in ((self.agents, "agent"), (self.quantities, "quantity")):
            ids = [item.id for item in items]
            dup = next((i for i in ids if ids.count(i) > 1), None)
            if dup is not None:
                raise ValueError(f"{what} {dup!r} is declared twice in this sheet")
