"""Read a YAML claim sheet into validated records, with errors that name the file, claim and field."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, NoReturn, overload

import yaml

from .. import rules
from ..errors import InputError, collect
from ..limits import MAX_EXPONENT, decimal_in_range, huge_exponent
from ..model import (
    AGENT_KINDS,
    AGENT_TYPES,
    AGGREGATIONS,
    CARRIAGES,
    COMPARATORS,
    Agent,
    Claim,
    Derivation,
    Document,
    Quantity,
    QuantityConcept,
    Rating,
    Relay,
    Review,
    Sheet,
    Stance,
    TimeRef,
)
from . import Located, dates, read_input

# a document's publication interval (first and last day), or (None, None) when it is not known
Published = tuple[date, date] | tuple[None, None]

R, O, C = "required", "optional", "conditional"  # noqa: E741 - one letter each keeps the tables below legible
# Every field a YAML sheet may carry, by section, and whether it is required ("conditional": required in
# some cases, which docs/sheet-format.md states). The reader refuses any other field, and a test keeps the
# field tables of docs/sheet-format.md equal to this one.
FIELDS: dict[str, dict[str, str]] = {
    "sheet": {"document": R, "curation": C, "claims": O, "stances": O, "agents": O, "quantities": O,
              "reviews": O},
    "document": {"id": R, "title": R, "kind": R, "published": R, "certainty": R, "certainty_note": O,
                 "publisher": O, "publisher_note": O, "url": O, "also_at": O, "archive": O,
                 "archive_sha256": O, "research_id": O, "review": O},
    "curation": {"recorded_on": C, "recorded_by": O},
    "claim": {"id": R, "text": R, "claimant": R, "carriage": R, "asserted": R, "cue": O, "anchor": O,
              "anchor_occurrence": O, "quotation": O, "period": O, "quantity": O, "hedge": O, "relays": O,
              "primary_source": O, "derived": O, "forward_looking": O, "url": O, "first_appearance": O,
              "after_publication": C,
              "note": O, "review": O},
    "claim quantity": {"measures": R, "unit": R, "value": C, "as_written": C, "comparator": O, "min": C,
                       "max": C, "formulaic": O},
    "relay": {"claim": R, "quoted": O},
    "derived": {"formula": R, "inputs": O},
    "date spec": {"phrase": C, "start": C, "end": O, "precision": O, "inferred": O, "evidence": O,
                  "cumulative": O, "as_of": C, "unstated": C},
    "agent": {"id": R, "label": R, "kind": R, "type": O, "url": O, "parent": O, "wikidata": O,
              "wikidata_verified": O, "note": C, "review": O},
    "quantity": {"id": R, "label": R, "definition": R, "unit": R, "aggregation": R, "parts": O,
                 "daily_average_of": O, "increment_of": O, "note": O, "review": O},
    "stance": {"id": R, "from": R, "to": R, "stance": R, "description": R},
    "review": {"id": R, "claim": R, "claim_reviewed": R, "author": O, "url": R, "date": O, "rating": R},
    "rating": {"alternate_name": R, "value": O, "best": O, "worst": O, "explanation": O},
}


class _Loader(yaml.SafeLoader):
    """Safe YAML that keeps dates and numbers as the text written: a bad date is our located error, and
    a figure is never altered on the way (YAML 1.1 would read 0700 as octal 448, 1:30 as 90, and round
    12345678901234567.25 to a float).

    Bounded: anchors and aliases are refused (an alias copies its value wherever it is used, so a 1 kB
    file can expand to gigabytes), nesting stops at MAX_DEPTH, and a number with an exponent beyond
    `limits.MAX_EXPONENT` is refused where it is written."""

    MAX_DEPTH = 64

    def compose_node(self, parent, index):
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise InputError("YAML anchors and aliases (&name, *name) are not accepted in claim sheets",
                             line=line, hint="write each value out in full")
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > self.MAX_DEPTH:
                raise InputError(f"the YAML is nested deeper than {self.MAX_DEPTH} levels", line=line)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_scalar(self, node):
        value = super().construct_scalar(node)
        if isinstance(value, str) and huge_exponent(value):
            raise InputError(f"the number {value.strip()[:40]!r} has an exponent beyond {MAX_EXPONENT}",
                             line=node.start_mark.line + 1, hint="write the figure in plain digits")
        if isinstance(value, str) and _SURROGATE.search(value):
            raise InputError("the text holds a lone surrogate (an escape from \\ud800 to \\udfff), which is "
                             "not a character", line=node.start_mark.line + 1,
                             hint="write the character itself, or the escape of a whole character")
        return value


_SURROGATE = re.compile("[\ud800-\udfff]")
_TEXT_TAGS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _TEXT_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Located:
    loader.flatten_mapping(node)
    result = Located()
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise InputError(
                f"key {key!r} appears twice in one mapping", line=key_node.start_mark.line + 1
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Reader:
    """Pulls typed fields out of located mappings; every error names file, line and field."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, data: Any, key: str | None, where: str, message: str, hint: str | None = None) -> NoReturn:
        lines = getattr(data, "lines", {})
        line = lines.get(key) if key is not None else (min(lines.values()) if lines else None)
        field = f"{where}.{key}" if key else where
        raise InputError(message, file=self.file, line=line, where=field, hint=hint)

    def mapping(self, data: Any, where: str, allowed: set[str]) -> dict:
        if not isinstance(data, dict):
            self.fail(None, None, where, "expected a mapping (key: value lines)")
        unknown = sorted(set(data) - allowed)
        if unknown:
            self.fail(
                data, unknown[0], where, f"unknown field {unknown[0]!r}",
                hint=f"allowed fields: {', '.join(sorted(allowed))} (see docs/sheet-format.md)",
            )
        return data

    def reviewed(self, data: Any, where: str) -> None:
        """Refuse a mapping that still carries a `review:` marker (a guess `claimkb draft` made)."""
        if not isinstance(data, dict) or "review" not in data:
            return
        marker = data["review"]
        guessed = marker.get("guessed") if isinstance(marker, dict) else marker
        fields = ", ".join(str(g) for g in guessed) if isinstance(guessed, list) and guessed else None
        self.fail(data, "review", where,
                  f"is still marked for review{f' (guessed: {fields})' if fields else ''}",
                  hint="check the guessed fields against the text, correct them, then delete this `review:` "
                       "key to accept them")

    @overload
    def text(self, data: dict, key: str, where: str, *, required: Literal[True]) -> str: ...

    @overload
    def text(self, data: dict, key: str, where: str, *, required: bool = False) -> str | None: ...

    def text(self, data: dict, key: str, where: str, *, required: bool = False) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(data, None, f"{where}.{key}", "is missing")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float, date)):
            self.fail(data, key, where, "must be text")
        text = value.isoformat() if isinstance(value, date) else str(value)
        if any("\ud800" <= ch <= "\udfff" for ch in text):
            self.fail(data, key, where, "holds a lone surrogate (\\ud800-\\udfff), which is no character",
                      hint="write the character itself, in UTF-8")
        return text


def load_any(path: Path, kb_dir: Path | None = None,
             recorded_on: date | None = None) -> list[tuple[Sheet, list[InputError]]]:
    """A claim sheet in any accepted form: YAML, CSV, or schema.org ClaimReview JSON-LD.

    `recorded_on` is the curation date for sheets that do not state one (`import --recorded-on`)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from . import tables

        data, problems = tables.load(path)
        sheet, more = parse(data, str(path), kb_dir, recorded_on)
        return [(sheet, problems + more)]
    if suffix in (".json", ".jsonld"):
        from . import claimreview

        return [(sheet, []) for sheet in claimreview.load(path, recorded_on)]
    if suffix in (".yaml", ".yml"):
        return [load(path, kb_dir, recorded_on)]
    raise InputError(f"unknown sheet format {suffix or '(no extension)'!r}", file=str(path),
                     hint="import .yaml, .csv, or ClaimReview .json / .jsonld files")


def load(path: Path, kb_dir: Path | None = None,
         recorded_on: date | None = None) -> tuple[Sheet, list[InputError]]:
    """Parse and validate one claim sheet: the claims that are sound, and the problems of the others.

    A problem in the document header (without which nothing resolves) is raised at once.
    """
    file = str(path)
    text = read_input(path)
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except InputError as exc:  # raised with its line only: name the file too (the line once)
        message = exc.message.removeprefix(f"line {exc.line}: ") if exc.line else exc.message
        raise InputError(message, file=file, line=exc.line, hint=exc.hint) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            f"not valid YAML: {problem}", file=file, line=mark.line + 1 if mark else None
        ) from None
    except RecursionError:
        raise InputError("the YAML is nested too deeply", file=file) from None
    except ValueError as exc:  # a constructor refused a value (e.g. a malformed number)
        raise InputError(f"not valid YAML: {exc}", file=file) from None
    return parse(data, file, kb_dir, recorded_on)


def parse(data: Any, file: str, kb_dir: Path | None = None,
          recorded_on: date | None = None) -> tuple[Sheet, list[InputError]]:
    r = _Reader(file)
    top = r.mapping(data, "sheet", set(FIELDS["sheet"]))
    if "document" not in top:
        r.fail(None, None, "document", "is missing")
    document = _document(r, top["document"])
    marked: list[InputError] = []
    try:
        r.reviewed(top["document"], "document")
    except InputError as exc:
        marked.append(exc)
    first_day = document.published.start
    published: Published = (first_day, document.published.end or first_day) if first_day is not None else (None, None)
    archive = None
    if document.archive and kb_dir is not None:
        from .to_rdf import read_archive

        archive = read_archive(kb_dir, document, file)[1]
    claims_raw = top.get("claims") or []
    if not isinstance(claims_raw, list):
        r.fail(top, "claims", "sheet", "must be a list of claims")
    claims = []
    problems: list[InputError] = marked
    for i, item in enumerate(claims_raw, start=1):
        try:
            claims.append(_claim(r, item, i, published, archive))
        except InputError as exc:
            problems.append(exc)
    stances_raw = top.get("stances") or []
    if not isinstance(stances_raw, list):
        r.fail(top, "stances", "sheet", "must be a list")
    stances = tuple(_stance(r, item, i) for i, item in enumerate(stances_raw, start=1))
    agents = []
    for i, item in enumerate(_list(r, top, "agents"), start=1):
        try:
            agents.append(_agent(r, item, i))
        except InputError as exc:
            problems.append(exc)
    reviews = []
    for i, item in enumerate(_list(r, top, "reviews"), start=1):
        try:
            reviews.append(_review(r, item, i))
        except InputError as exc:
            problems.append(exc)
    quantities = []
    for i, item in enumerate(_list(r, top, "quantities"), start=1):
        try:
            quantities.append(_quantity_concept(r, item, i))
        except InputError as exc:
            problems.append(exc)
    curation = r.mapping(top.get("curation") or {}, "curation", set(FIELDS["curation"]))
    stated = _iso(r, curation, "recorded_on", "curation")
    curated_on = stated[0] if stated else recorded_on
    if curated_on is None:
        r.fail(None, None, "curation.recorded_on", "is missing: the sheet does not say when it was curated",
               hint="add `curation: {recorded_on: YYYY-MM-DD}` to the sheet, or pass --recorded-on YYYY-MM-DD")
    try:
        sheet = Sheet(
            document=document, claims=tuple(claims), stances=stances, agents=tuple(agents),
            reviews=tuple(reviews), quantities=tuple(quantities),
            recorded_by=r.text(curation, "recorded_by", "curation") or "claimkb-curators",
            recorded_on=curated_on,
        )
    except ValueError as exc:
        raise InputError(str(exc), file=file, where="claims") from None
    return sheet, problems


def _document(r: _Reader, data: Any) -> Document:
    where = "document"
    d = r.mapping(data, where, set(FIELDS["document"]))
    if "published" not in d:
        r.fail(None, None, "document.published", "is missing",
               hint="give {start: YYYY-MM-DD} or {unstated: true}")
    published = _date_spec(r, d, "published", where, None)
    if published.start is None:
        published = TimeRef(
            phrase=published.phrase, start=None, end=None, precision="unstated", inferred=True,
            evidence=published.evidence or "The publication date is not known.",
        )
    also_at = d.get("also_at") or []
    if not isinstance(also_at, list):
        r.fail(d, "also_at", where, "must be a list of URLs")
    try:
        return Document(
            id=r.text(d, "id", where, required=True),
            title=r.text(d, "title", where, required=True),
            kind=r.text(d, "kind", where, required=True),
            published=published,
            certainty=r.text(d, "certainty", where, required=True),
            publisher=r.text(d, "publisher", where),
            publisher_note=r.text(d, "publisher_note", where),
            url=r.text(d, "url", where),
            also_at=tuple(str(u) for u in also_at),
            certainty_note=r.text(d, "certainty_note", where),
            archive=r.text(d, "archive", where),
            archive_sha256=r.text(d, "archive_sha256", where),
            research_id=r.text(d, "research_id", where),
        )
    except ValueError as exc:
        r.fail(None, None, where, str(exc))


DATE_KEYS = set(FIELDS["date spec"])


def _date_spec(r: _Reader, parent: dict, key: str, where: str, published: Published | None) -> TimeRef:
    here = f"{where}.{key}"
    raw = parent[key]
    if isinstance(raw, str):  # `asserted: on Tuesday` is short for `asserted: {phrase: on Tuesday}`
        located = Located(phrase=raw)
        located.lines = {"phrase": getattr(parent, "lines", {}).get(key)}
        raw = located
    spec = r.mapping(raw, here, DATE_KEYS)
    phrase = r.text(spec, "phrase", here)
    evidence = r.text(spec, "evidence", here)
    as_of = _as_of(r, spec, here, published) if spec.get("as_of") is not None else None
    cumulative = spec.get("cumulative", False)
    if not isinstance(cumulative, bool):
        r.fail(spec, "cumulative", here, "must be true or false")
    if spec.get("unstated"):
        if published is None:
            return TimeRef(phrase=phrase, precision="unstated", inferred=True, evidence=evidence)
        return TimeRef(
            phrase=phrase, start=None, end=published[1], precision="unstated", inferred=True,
            evidence=evidence or "Not stated in the document; at the latest its publication date.",
            resolved_against_published=True, cumulative=cumulative, as_of=as_of,
        )
    start_span = _iso(r, spec, "start", here)
    end_span = _iso(r, spec, "end", here)
    start: date | None
    end: date | None
    precision = r.text(spec, "precision", here)
    inferred = spec.get("inferred")
    if inferred is not None and not isinstance(inferred, bool):
        r.fail(spec, "inferred", here, "must be true or false")
    against = False
    if start_span is None and phrase is None and as_of is not None:
        # a count at a date: the period is its as-of date alone
        return TimeRef(precision=as_of.precision, inferred=as_of.inferred, evidence=evidence, as_of=as_of,
                       cumulative=cumulative)
    if start_span is None:
        if phrase is None:
            r.fail(spec, None, here, "needs a phrase, a start date, an `as_of`, or `unstated: true`")
        try:
            found = dates.absolute(phrase)
        except ValueError as exc:
            r.fail(spec, "phrase", here, str(exc))
        if found is None:
            if published is None or published[0] is None:
                r.fail(spec, "phrase", here,
                       f"the phrase {phrase!r} needs the document's publication date to resolve",
                       hint="give start/end as ISO dates instead")
            try:
                found = dates.resolve(phrase, published)
            except (dates.UnknownPhrase, ValueError) as exc:
                r.fail(spec, "phrase", here, str(exc))
        s, e, p, inf, ev = found
        start, end, against = s, e, published is not None and published[0] is not None
        if (phrase.strip().lower().startswith("since") and spec.get("end") is None and "as_of" not in spec
                and published is not None and published[1] is not None):
            end = published[1]  # "since X" runs from X to the document's date
            evidence = (evidence or "") + " It runs to the document's publication date."
        precision = precision or p
        inferred = inf if inferred is None else inferred
        evidence = evidence or ev
    else:
        start, default_end, granularity = start_span
        end = end_span[1] if end_span is not None else default_end
        precision = precision or granularity
    if cumulative and as_of is not None and spec.get("end") is None:
        end = as_of.end or as_of.start  # a running total runs up to its as-of date
    try:
        return TimeRef(
            phrase=phrase, start=start, end=end, precision=precision,
            inferred=bool(inferred), evidence=evidence, resolved_against_published=against,
            cumulative=cumulative, as_of=as_of,
        )
    except ValueError as exc:
        r.fail(spec, None, here, str(exc))


def _as_of(r: _Reader, spec: dict, where: str, published: Published | None) -> TimeRef:
    """A nested date spec, or `published`: the document's publication date is the honest as-of date."""
    if spec["as_of"] != "published":
        return _date_spec(r, spec, "as_of", where, published)
    if published is None or published[0] is None:
        r.fail(spec, "as_of", where, "`as_of: published` needs the document's publication date",
               hint="give the document a published date, or the as-of date itself")
    assert published is not None
    return TimeRef(phrase="at publication", start=published[0], end=published[1], precision="day", inferred=True,
                   evidence="The figure is as of the document's publication date (the sheet says so).",
                   resolved_against_published=True)


def _iso(r: _Reader, spec: dict, key: str, where: str) -> tuple[date, date, str] | None:
    value = spec.get(key)
    if value is None:
        return None
    if isinstance(value, date):
        return value, value, "day"
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        r.fail(spec, key, where, "must be a date: YYYY-MM-DD, YYYY-MM or YYYY")
    try:
        span = dates.explicit(value)
    except ValueError as exc:  # e.g. 2024-02-30
        r.fail(spec, key, where, f"{value!r} is not a real date ({exc})")
    if span is None:
        r.fail(spec, key, where, f"{value!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY")
    return span


def _claim(r: _Reader, data: Any, index: int, published: Published, archive: str | None) -> Claim:
    """One claim; every field is checked even after another fails, so all problems show at once."""
    where = f"claims[{index}]"
    c = r.mapping(data, where, set(FIELDS["claim"]))
    claim_id = r.text(c, "id", where, required=True)
    where = f"claim {claim_id}"
    problems: list[InputError] = []
    try:
        r.reviewed(c, where)
    except InputError as exc:
        problems.append(exc)

    def field(read):
        try:
            return read()
        except InputError as exc:
            problems.append(exc)
            return None

    claimants = field(lambda: _claimants(r, c, where))
    carriage = field(lambda: _choice(r, c, "carriage", where, CARRIAGES))
    asserted = field(lambda: _date_spec(r, c, "asserted", where, published) if "asserted" in c else r.fail(
        None, None, f"{where}.asserted", "is missing",
        hint="give a date spec, or {unstated: true} when the document does not say"))
    period = field(lambda: _date_spec(r, c, "period", where, published) if c.get("period") else None)
    quantity = field(lambda: _quantity(r, c, where) if c.get("quantity") else None)
    relays = field(lambda: _relays(r, c, where))
    derivation = field(lambda: _derivation(r, c, where) if c.get("derived") is not None else None)
    forward_looking = c.get("forward_looking", False)
    if not isinstance(forward_looking, bool):
        field(lambda: r.fail(c, "forward_looking", where, "must be true or false"))
        forward_looking = False
    text = field(lambda: r.text(c, "text", where, required=True))
    anchor = field(lambda: r.text(c, "anchor", where))
    if anchor and archive is not None and anchor not in archive:
        field(lambda: r.fail(
            c, "anchor", where,
            f"anchor {anchor[:60]!r}{'...' if len(anchor) > 60 else ''} is not in the archived text verbatim",
            hint="copy the words exactly from the archived text, quotation marks and spaces included"))
    occurrence = c.get("anchor_occurrence", "1")
    if not (isinstance(occurrence, str) and occurrence.isdigit()):
        field(lambda: r.fail(c, "anchor_occurrence", where, "must be a whole number"))
        occurrence = "1"
    occurrence = int(occurrence)
    after_publication = field(lambda: r.text(c, "after_publication", where))
    if asserted is not None and published[0] is not None and not after_publication:
        check = rules.asserted_after_publication(asserted.start, published[1])
        if check is not None and not check.consistent:
            field(lambda: r.fail(
                c, "asserted", where,
                f"asserted on {asserted.start} ({asserted.phrase or 'as given'}), after the document's "
                f"publication ({_span(published)})",
                hint="correct the date, or keep it and say why with `after_publication: <reason>` "
                     "(for example: the page was updated after it first appeared)"))
    collect(problems)
    try:
        return Claim(
            id=claim_id,
            text=text,
            claimants=claimants,
            carriage=carriage,
            asserted=asserted,
            cue=r.text(c, "cue", where),
            anchor=r.text(c, "anchor", where),
            anchor_occurrence=occurrence,
            quotation=r.text(c, "quotation", where),
            period=period,
            quantity=quantity,
            hedge=r.text(c, "hedge", where),
            relays=relays,
            primary_source=r.text(c, "primary_source", where),
            first_appearance=r.text(c, "first_appearance", where),
            note=r.text(c, "note", where),
            derivation=derivation,
            forward_looking=forward_looking,
            url=r.text(c, "url", where),
            after_publication=after_publication,
        )
    except ValueError as exc:
        r.fail(None, None, where, str(exc))


def _span(published: tuple[date, date]) -> str:
    start, end = published
    return str(start) if start == end else f"{start}..{end}"


def _claimants(r: _Reader, c: dict, where: str) -> tuple[str, ...]:
    claimant = c.get("claimant")
    if claimant is None:
        r.fail(c, None, f"{where}.claimant", "is missing",
               hint="name the agent who asserts it (an agent id of the knowledge base or of this sheet's "
                    "`agents:`), or `unattributed` for hearsay")
    claimants = tuple(claimant) if isinstance(claimant, list) else (claimant,)
    if not claimants or not all(isinstance(x, str) for x in claimants):
        r.fail(c, "claimant", where, "must be an agent id or a list of agent ids")
    return claimants


def _choice(r: _Reader, data: dict, key: str, where: str, allowed: dict[str, str],
            default: str | None = None) -> str:
    value = r.text(data, key, where, required=default is None) or default
    if value not in allowed:
        r.fail(data, key, where, f"unknown {key} {value!r}; use one of: {', '.join(allowed)}")
    return value


def _derivation(r: _Reader, c: dict, where: str) -> Derivation:
    here = f"{where}.derived"
    d = r.mapping(c["derived"], here, set(FIELDS["derived"]))
    inputs = d.get("inputs") or []
    if not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs):
        r.fail(d, "inputs", here, "must be a list of claim ids")
    try:
        return Derivation(formula=r.text(d, "formula", here, required=True) or "", inputs=tuple(inputs))
    except ValueError as exc:
        r.fail(d, None, here, str(exc))


def _relays(r: _Reader, c: dict, where: str) -> tuple[Relay, ...]:
    relays_raw = c.get("relays") or []
    if not isinstance(relays_raw, list):
        r.fail(c, "relays", where, "must be a list of {claim: ID, quoted: true|false}")
    relays = []
    for item in relays_raw:
        m = r.mapping(item, f"{where}.relays", set(FIELDS["relay"]))
        quoted = m.get("quoted", False)
        if not isinstance(quoted, bool):
            r.fail(m, "quoted", f"{where}.relays", "must be true or false")
        try:
            relays.append(Relay(claim=r.text(m, "claim", f"{where}.relays", required=True), quoted=quoted))
        except ValueError as exc:
            r.fail(m, "claim", f"{where}.relays", str(exc))
    return tuple(relays)


def _finite(text: str) -> Decimal:
    value = Decimal(text.strip())
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a finite number")
    return value


_PERCENT = re.compile(r"(?P<number>.+?)\s*(?:%|per\s*cent|percent)", re.IGNORECASE)


class OutOfRange(ValueError):
    """A value beyond limits.MAX_EXPONENT (`1e999999999`, 100,001 digits), refused with a hint."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def parse_value(text: str) -> Fraction:
    """An exact value: `701650`, `1354.2`, `2/3`, or a percentage `35%`, `35 per cent` (= 0.35).
    Thousands separators are not accepted here."""
    text = text.strip()
    if huge_exponent(text) or (m := _PERCENT.fullmatch(text)) and huge_exponent(m["number"]):
        # 1e999999999% too: the exact value would be a billion digits long
        raise OutOfRange(f"the number {text[:40]!r} has an exponent beyond {MAX_EXPONENT}",
                         hint="write the figure in plain digits")
    if m := _PERCENT.fullmatch(text):
        try:
            return parse_value(m["number"]) / 100
        except OutOfRange:
            raise
        except ValueError:
            raise ValueError(f"{text!r} is not a percentage like 35% or 35 per cent") from None
    if "/" in text:
        num, _, den = text.partition("/")
        try:
            value = Fraction(int(num), int(den))
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{text!r} is not a fraction like 2/3") from None
        return value
    try:
        decimal = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number (write 701650, 1354.2, 2/3 or 35%)") from None
    if not decimal.is_finite():
        raise ValueError(f"{text!r} is not a finite number")
    if not decimal_in_range(decimal):  # a 100,001-digit value: no document reports one, and it cannot be looked up
        raise OutOfRange(f"the number {text[:40]!r}... has more than {MAX_EXPONENT} digits before or after the point",
                         hint="write the figure as the document gives it, rounded as it is there")
    return Fraction(decimal)


def _quantity(r: _Reader, c: dict, where: str) -> Quantity:
    here = f"{where}.quantity"
    q = r.mapping(c["quantity"], here, set(FIELDS["claim quantity"]))
    formulaic = q.get("formulaic", False)
    if not isinstance(formulaic, bool):
        r.fail(q, "formulaic", here, "must be true or false")
    raw_value = r.text(q, "value", here)
    value = None
    if raw_value is not None:
        try:
            value = parse_value(raw_value)
        except OutOfRange as exc:
            r.fail(q, "value", here, str(exc), hint=exc.hint)
        except ValueError as exc:
            r.fail(q, "value", here, str(exc))
    bounds: dict[str, Decimal | None] = {}
    for key in ("min", "max"):
        raw = r.text(q, key, here)
        try:
            bounds[key] = None if raw is None else _finite(raw)
        except (InvalidOperation, ValueError):
            r.fail(q, key, here, f"{raw!r} is not a decimal number")
    try:
        return Quantity(
            measures=r.text(q, "measures", here),
            value=value,
            as_written=r.text(q, "as_written", here) or r.text(q, "value", here) or "",
            unit=r.text(q, "unit", here, required=True),
            comparator=_choice(r, q, "comparator", here, COMPARATORS, default="exactly"),
            minimum=bounds["min"],
            maximum=bounds["max"],
            formulaic=formulaic,
        )
    except ValueError as exc:
        r.fail(q, None, here, str(exc))


def _stance(r: _Reader, data: Any, index: int) -> Stance:
    where = f"stances[{index}]"
    s = r.mapping(data, where, set(FIELDS["stance"]))
    try:
        return Stance(
            id=r.text(s, "id", where, required=True),
            source=r.text(s, "from", where, required=True),
            target=r.text(s, "to", where, required=True),
            stance=r.text(s, "stance", where, required=True),
            description=r.text(s, "description", where, required=True),
        )
    except ValueError as exc:
        r.fail(None, None, where, str(exc))


def _list(r: _Reader, top: dict, key: str) -> list:
    items = top.get(key) or []
    if not isinstance(items, list):
        r.fail(top, key, "sheet", "must be a list")
    return items


def _agent(r: _Reader, data: Any, index: int) -> Agent:
    where = f"agents[{index}]"
    a = r.mapping(data, where, set(FIELDS["agent"]))
    if isinstance(a.get("id"), str):
        where = f"agent {a['id']}"
    r.reviewed(a, where)
    verified = a.get("wikidata_verified", False)
    if not isinstance(verified, bool):
        r.fail(a, "wikidata_verified", where, "must be true or false")
    try:
        return Agent(
            id=r.text(a, "id", where, required=True),
            label=r.text(a, "label", where, required=True),
            kind=_choice(r, a, "kind", where, AGENT_KINDS),
            type=_choice(r, a, "type", where, AGENT_TYPES, default="organization"),
            url=r.text(a, "url", where),
            parent=r.text(a, "parent", where),
            wikidata=r.text(a, "wikidata", where),
            wikidata_verified=verified,
            note=r.text(a, "note", where),
        )
    except ValueError as exc:
        r.fail(a, None, where, str(exc))


def _quantity_concept(r: _Reader, data: Any, index: int) -> QuantityConcept:
    where = f"quantities[{index}]"
    q = r.mapping(data, where, set(FIELDS["quantity"]))
    if isinstance(q.get("id"), str):
        where = f"quantity {q['id']}"
    r.reviewed(q, where)
    parts = q.get("parts") or []
    if not isinstance(parts, list) or not all(isinstance(x, str) for x in parts):
        r.fail(q, "parts", where, "must be a list of quantity ids (the parts this quantity is the sum of)")
    try:
        return QuantityConcept(
            id=r.text(q, "id", where, required=True),
            label=r.text(q, "label", where, required=True),
            definition=r.text(q, "definition", where, required=True),
            unit=r.text(q, "unit", where, required=True),
            aggregation=_choice(r, q, "aggregation", where, AGGREGATIONS),
            parts=tuple(parts),
            daily_average_of=r.text(q, "daily_average_of", where),
            increment_of=r.text(q, "increment_of", where),
            note=r.text(q, "note", where),
        )
    except ValueError as exc:
        r.fail(q, None, where, str(exc))


def _review(r: _Reader, data: Any, index: int) -> Review:
    where = f"reviews[{index}]"
    v = r.mapping(data, where, set(FIELDS["review"]))
    rating = r.mapping(v.get("rating"), f"{where}.rating", set(FIELDS["rating"]))
    numbers = {}
    for key in ("value", "best", "worst"):
        raw = r.text(rating, key, f"{where}.rating")
        try:
            numbers[key] = None if raw is None else _finite(raw)
        except (InvalidOperation, ValueError):
            r.fail(rating, key, f"{where}.rating", f"{raw!r} is not a number")
    author = v.get("author")
    authors = tuple(author) if isinstance(author, list) else ((author,) if author else ())
    day = _iso(r, v, "date", where)
    try:
        return Review(
            id=r.text(v, "id", where, required=True),
            claim=r.text(v, "claim", where, required=True),
            claim_reviewed=r.text(v, "claim_reviewed", where, required=True),
            authors=authors,
            url=r.text(v, "url", where, required=True),
            date=day[0] if day else None,
            rating=Rating(alternate_name=r.text(rating, "alternate_name", f"{where}.rating", required=True),
                          value=numbers["value"], best=numbers["best"], worst=numbers["worst"],
                          explanation=r.text(rating, "explanation", f"{where}.rating")),
        )
    except ValueError as exc:
        r.fail(v, None, where, str(exc))
