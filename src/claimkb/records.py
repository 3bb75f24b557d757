"""What the public API returns: typed, immutable records that convert to plain dicts and DataFrames.

Values are Python values: IRIs and text as `str`, numbers as `Decimal` (never float: figures stay exact),
days as `datetime.date`, counts as `int`, absent fields as None. `to_dict()` gives nested plain dicts;
`flat()` one string per column, as CSV and tables show them. A list of records is a `Records`, which adds
`to_dicts()` and `to_dataframe()` (pandas, when it is installed).

NamedTuples rather than dataclasses: they are on every command's start-up path, where a dataclass costs
about a millisecond to create.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from operator import itemgetter
from typing import Any, Generic, NamedTuple, TypeVar

from .namespaces import XSD
from .results import ResultTable, Term

SEPARATOR = " / "


# -- values ---------------------------------------------------------------------------------------

def value_of(term: Term | None) -> Any:
    """An RDF term as a Python value: decimal -> Decimal, integer -> int, date -> date, boolean -> bool,
    anything else (IRIs, strings, values a type cannot read) -> its text."""
    if term is None:
        return None
    if term.kind != "literal" or term.datatype is None:
        return term.value
    return _typed_value(term)


@lru_cache(maxsize=1 << 16)  # the same dates and amounts recur across the rows of a trace; values are immutable
def _typed_value(term: Term) -> Any:
    datatype = term.datatype
    try:
        if datatype == XSD.decimal:
            return Decimal(term.value)
        if datatype in (XSD.integer, XSD.nonNegativeInteger, XSD.int, XSD.long):
            return int(term.value)
        if datatype == XSD.date:
            return date.fromisoformat(term.value)
        if datatype == XSD.boolean:
            return term.value in ("true", "1")
    except (ValueError, InvalidOperation):
        return term.value
    return term.value


def text_of(value: Any) -> str:
    """A value as one cell: exact decimals, ISO days, `true`/`false`, lists joined by " / "."""
    kind = type(value)
    if kind is str:  # most cells, first (a table of findings asks this some ten times a row)
        return value
    if kind is int:
        return str(value)
    if value is None or (kind is tuple and not value):  # () : the changes of most findings
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return SEPARATOR.join(text_of(v) for v in value)
    if hasattr(value, "_fields"):
        return text_of(getattr(value, "label", None) or value[0])
    return str(value)


_ONCE = frozenset({str, int, type(None)})  # values equal only when their text is: each written once


def _cells(values: list[Any]) -> list[str]:
    """`text_of` of each value. A column of texts, whole numbers and blanks (most columns of a table of
    findings, with a few hundred distinct counts in tens of thousands of rows) is written once per distinct
    value; other kinds one by one (Decimal("1.0") equals Decimal("1"), True equals 1)."""
    kinds = set(map(type, values))
    if kinds == {str}:
        return values
    if kinds <= _ONCE:
        once = {v: text_of(v) for v in set(values)}
        return list(map(once.__getitem__, values))
    return [v if type(v) is str else text_of(v) for v in values]


def plain(value: Any) -> Any:
    """A value made of dicts, lists, str, int, bool and None only (JSON as it is)."""
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, (Decimal, Fraction, date)):
        return text_of(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return str(value)


def _to_dict(self: Any) -> dict[str, Any]:
    """Every field, nested records as dicts, values exact and JSON-ready (decimals and days as text)."""
    return {name: plain(getattr(self, name)) for name in self._fields}


def _flat(self: Any) -> dict[str, str]:
    """One text cell per field (lists joined by " / ")."""
    return dict(zip(self._fields, map(text_of, self), strict=True))


T = TypeVar("T")


def record(cls: T) -> T:
    """Give a record NamedTuple `to_dict()` and `flat()` (unless it defines its own)."""
    for name, method in (("to_dict", _to_dict), ("flat", _flat)):
        if name not in vars(cls):
            setattr(cls, name, method)
    return cls


R = TypeVar("R")


class Records(Sequence[R], Generic[R]):
    """A list of records of one type, with its columns."""

    __slots__ = ("items", "columns", "terms")

    def __init__(self, items: Iterable[R], columns: Sequence[str], terms: ResultTable | None = None) -> None:
        self.items = list(items)
        self.columns = list(columns)
        self.terms = terms  # the SPARQL results the records were read from, when there is one table

    def __getitem__(self, index):
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[R]:
        return iter(self.items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Records) and self.items == other.items

    def __repr__(self) -> str:
        return f"Records({len(self.items)} x {', '.join(self.columns)})"

    def to_dicts(self) -> list[dict[str, Any]]:
        return [_as_dict(item) for item in self.items]

    def flat_rows(self) -> list[dict[str, str]]:
        return [_as_flat(item, self.columns) for item in self.items]

    def flat_columns(self) -> dict[str, list[str]]:
        """`flat_rows` a column at a time: each column's cells in the records' order ("" where a row has
        none). Records of one type that flatten field by field are read by position, without a dict
        per row (a table of findings has tens of thousands)."""
        items: list[Any] = self.items
        kinds = {type(item) for item in items}
        kind: Any = kinds.pop() if len(kinds) == 1 else None
        if kind is None or getattr(kind, "flat", None) is not _flat:
            rows = self.flat_rows()
            return {c: [row.get(c, "") for row in rows] for c in self.columns}
        position = {name: i for i, name in enumerate(kind._fields)}
        columns = {}
        for c in self.columns:
            i = position.get(c)
            columns[c] = [""] * len(items) if i is None else _cells(list(map(itemgetter(i), items)))
        return columns

    def to_dataframe(self):
        """A pandas DataFrame with one column per field (needs pandas; claimkb does not depend on it)."""
        try:
            import pandas as pd
        except ImportError:
            from .errors import KbError

            raise KbError("to_dataframe needs pandas", hint="pip install pandas") from None
        return pd.DataFrame([_as_flat_values(item, self.columns) for item in self.items], columns=self.columns)


def _as_dict(item: Any) -> dict[str, Any]:
    return item.to_dict() if hasattr(item, "to_dict") else plain(item)


def _as_flat(item: Any, columns: list[str]) -> dict[str, str]:
    if hasattr(item, "flat"):
        return item.flat()
    return {c: text_of(item.get(c)) for c in columns}


def _as_flat_values(item: Any, columns: list[str]) -> dict[str, Any]:
    if isinstance(item, dict):
        return {c: item.get(c) for c in columns}
    return {c: (text_of(v) if isinstance(v, tuple) else v) for c in columns for v in [getattr(item, c, None)]}


def rows_of(table: ResultTable) -> Records[dict[str, Any]]:
    """Any SELECT's rows as dicts of Python values, keyed by the query's variable names."""
    items = [{name: value_of(row.get(name)) for name in table.variables} for row in table.rows]
    return Records(items, table.variables, table)


# -- claims and claimants --------------------------------------------------------------------------

@record
class Agent(NamedTuple):
    """A claimant, publisher or fact-checker."""

    agent: str
    label: str
    kind: str | None = None


@record
class Claimant(NamedTuple):
    """`who` with no name: a claimant with its kind and how many claims and documents it has."""

    claimant: str | None
    label: str
    kind: str | None
    claims: int
    documents: int


@record
class ClaimSummary(NamedTuple):
    """One claim of a claimant, as `who NAME` lists it."""

    claim: str
    asserted_start: date | None
    asserted_end: date | None
    text: str
    value_as_written: str | None
    document: str
    published: date | None
    derivation: str | None = None  # how the curators computed the figure, when they did


@record
class Claim(NamedTuple):
    """Everything recorded about one claim."""

    claim: str
    text: str
    claimants: tuple[Agent, ...]
    carriage: str | None
    cue: str | None
    hedge: str | None
    value: Decimal | None
    comparator: str | None
    formulaic: bool
    value_as_written: str | None
    unit: str | None
    quantity: str | None
    quantity_label: str | None
    asserted_start: date | None
    asserted_end: date | None
    asserted_phrase: str | None
    asserted_inferred: bool | None
    period_start: date | None
    period_end: date | None
    period_phrase: str | None
    as_of_start: date | None
    as_of_end: date | None
    document: str
    headline: str | None
    publisher: str | None
    published: date | None
    quote: str | None
    derivation: str | None = None  # how the curators computed the figure, when it was computed, not stated
    min_value: Decimal | None = None  # bounds as stated (a range, or a bound beside a value)
    max_value: Decimal | None = None

    def flat(self) -> dict[str, str]:
        out = _flat(self)
        out["claimants"] = SEPARATOR.join(a.label for a in self.claimants)
        out["claimant_kinds"] = SEPARATOR.join(a.kind or "" for a in self.claimants)
        return out


CLAIM_COLUMNS = list(Claim._fields[:3]) + ["claimant_kinds"] + list(Claim._fields[3:])


@record
class Hop(NamedTuple):
    """One relay hop: a claim (`relay`) and the claim it relays (`source`), what each states and what
    changed on the way. Each of `value`, `period`, `hedge`, `quantity`, `wording` is "changed",
    "unchanged" or "not compared" (a side states nothing for it, or the hop does not quote)."""

    depth: int
    relay: str
    source: str
    relay_claimants: tuple[Agent, ...]
    source_claimants: tuple[Agent, ...]
    source_document: str | None
    source_published: date | None
    quoted: bool
    relay_value: Decimal | None
    source_value: Decimal | None
    relay_figure: str | None  # the figure as a reader sees it ("approximately 701,650 persons")
    source_figure: str | None
    relay_period: str | None  # the dates the figure is about, as stated (a period, or "as of" a date)
    source_period: str | None
    relay_quantity: str | None
    source_quantity: str | None
    relay_hedge: str | None  # comparator and estimative words as printed
    source_hedge: str | None
    relay_quote: str | None
    source_quote: str | None
    value: str
    period: str
    hedge: str
    quantity: str
    wording: str
    reason: str
    # the words as printed, where something changed: the relay's and the source's (both quotes when the
    # wording changed, else the figure with its hedge in words and the period's phrase), and each
    # changed span "old -> new" ("fling -> flight", "more than 2/3 -> around two-thirds")
    wording_changes: tuple[str, ...] = ()  # the quoted words' changes alone
    relay_words: str | None = None
    source_words: str | None = None
    changes: tuple[str, ...] = ()
    relay_period_phrase: str | None = None  # the period as the claim words it ("now", "October")
    source_period_phrase: str | None = None

    @property
    def changed(self) -> bool:
        return "changed" in (self.value, self.period, self.hedge, self.quantity, self.wording)


@record
class Comparison(NamedTuple):
    """Another figure of the same measured quantity and unit, and how it relates to a traced claim."""

    relation: str
    other: str
    other_figure: str
    other_value: Decimal | None
    other_window: str
    detail: str
    count: int = 1  # type: ignore[assignment]  # shadows tuple.count; how many claims state that figure (a figure and its faithful relays)


@record
class Verdict(NamedTuple):
    """A fact-checker's verdict on a claim (schema:ClaimReview): the rating in words (`rating`, Google's
    alternateName) and, where given, on a scale; who wrote it, where and when it was published."""

    review: str
    claim: str
    rating: str
    rating_value: Decimal | None
    best_rating: Decimal | None
    worst_rating: Decimal | None
    explanation: str | None
    url: str
    author: str | None  # the fact-checker's IRI
    author_label: str | None
    published: date | None
    claim_reviewed: str

    def summary(self) -> str:
        """The verdict in one line: 'False (1 on a scale of 1 to 5), Example Fact Check, 2024-11-07'."""
        scale = ""
        if self.rating_value is not None:
            bounds = ""
            if self.worst_rating is not None and self.best_rating is not None:
                bounds = f" on a scale of {text_of(self.worst_rating)} to {text_of(self.best_rating)}"
            scale = f" ({text_of(self.rating_value)}{bounds})"
        parts = [f"{self.rating}{scale}"] + [p for p in (self.author_label, text_of(self.published)) if p]
        return ", ".join(parts)


@record
class TracedClaim(NamedTuple):
    claim: Claim
    chain: tuple[Hop, ...]
    earliest: tuple[str, ...]  # the claims the chain ends at: the earliest the knowledge base has
    compared: tuple[Comparison, ...]
    totals: dict[str, int]  # relation -> how many figures of the quantity have it
    match: str | None = None  # for a phrase: where and how the words were found (see phrases.py)
    reviews: tuple[Verdict, ...] = ()  # fact-checkers' verdicts on the claim

    def flat(self) -> dict[str, str]:
        out = self.claim.flat()
        out["match"] = self.match or ""
        out["chain"] = " ; ".join(f"{h.relay} -> {h.source}" + (f" [{h.reason}]" if h.reason else "")
                                  for h in self.chain)
        out["earliest"] = " ".join(self.earliest)
        for relation in ("agree", "numeric conflict", "beyond implied range"):
            out[relation.replace(" ", "_")] = " ".join(c.other for c in self.compared if c.relation == relation)
        out["verdicts"] = " ; ".join(v.summary() for v in self.reviews)
        return out

    def records(self) -> Records[TracedClaim]:
        return Records([self], TRACE_COLUMNS)

    def to_dict(self) -> dict[str, Any]:
        """The claim's fields, then its chain, the claims the chain ends at, and its comparisons."""
        return {**_to_dict(self.claim), "chain": plain(self.chain), "earliest": list(self.earliest),
                "compared": plain(self.compared), "totals": dict(self.totals), "match": self.match,
                "reviews": plain(self.reviews)}


TRACE_COLUMNS = CLAIM_COLUMNS + ["chain", "earliest", "agree", "numeric_conflict", "beyond_implied_range", "match",
                                 "verdicts"]


@record
class Trace(NamedTuple):
    """The claims carrying a number (or a phrase), each with its chain and its comparisons. For a
    number typed as a range ("about 700,000", "67%"), `low` and `high` are what it allows; for a phrase
    `value` is None."""

    query: str
    value: Fraction | None
    unit: str | None
    claims: tuple[TracedClaim, ...]
    low: Fraction | None = None
    high: Fraction | None = None
    found: int | None = None  # for a phrase: how many claims matched (at most phrases.LIMIT are traced)

    def records(self) -> Records[TracedClaim]:
        return Records(self.claims, TRACE_COLUMNS)


@record
class Disagreement(NamedTuple):
    """One place where sources disagree, with its reason. `kind` is a numeric conflict, a softer finding
    (beyond implied range, partial period), an arithmetic check, a misreported relay or a curated
    contradiction. For figures, `claim_count` and `other_count` say how many claims state each."""

    kind: str
    quantity: str | None
    claim: str
    other: str | None
    claim_value: str | None  # the figure as a reader sees it
    other_value: str | None
    reason: str
    claim_count: int = 1
    other_count: int = 1
    # the words as printed on each side (both quotes, or both figures and periods) and each changed span
    # "old -> new", for relays and quotes; None and () for findings on figures alone
    claim_words: str | None = None
    other_words: str | None = None
    changes: tuple[str, ...] = ()


DISAGREEMENT_COLUMNS = list(Disagreement._fields)


@record
class Uncompared(NamedTuple):
    """A figure that cannot be compared with any other, and why."""

    claim: str
    quantity: str | None
    figure: str
    reason: str


@record
class Finding(NamedTuple):
    """One result of `validate`."""

    source: str  # shapes | check | quotes
    severity: str  # Violation | Warning
    focus: str
    message: str


@record
class Report(NamedTuple):
    """What `validate` found, and what it looked at."""

    findings: tuple[Finding, ...]
    files: int
    checks: int
    anchors: int

    @property
    def violations(self) -> int:
        return sum(f.severity == "Violation" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity != "Violation" for f in self.findings)
