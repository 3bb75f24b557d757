"""schema.org ClaimReview JSON-LD, as fact-checkers publish it, read without any network access.

The JSON is read as JSON, never handed to a JSON-LD processor: a `@context` other than schema.org's own
(which is a name here, not something to fetch) is refused. Each review becomes a fact-check document with
the reviewed claim (as the fact-check quotes it) and the review with its rating. Ids are derived from the
review's URL, so importing the same markup twice gives the same graph.

The claim's text is the itemReviewed's `text` where the markup gives one (claimkb's export does), else
`claimReviewed`; the review keeps a `claimReviewed` of at most 75 characters, as Google asks. A party's
`@id` and `sameAs` links travel with it (`Agent.aliases`), so that the import can reuse an agent the
knowledge base already has instead of declaring a second one with the same name.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal, overload

from ..errors import InputError, collect
from ..limits import MAX_EXPONENT, decimal_in_range, huge_exponent, json_depth
from ..model import Agent, Claim, Document, Rating, Review, Sheet, TimeRef
from ..namespaces import SCHEMA_CONTEXT_NAMES
from . import read_input

SCHEMA_CONTEXTS = SCHEMA_CONTEXT_NAMES
MAX_DEPTH = 32


def _agent_id(name: str) -> str:
    """A readable part (Latin letters and digits of the name) and a hash of the whole name, so that two
    names, in any script, never share an id and the same name always gets the same one."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "agent"
    return f"{slug}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:8]}"


def claim_reviewed(text: str, limit: int = 75) -> str:
    """A claim's text as ClaimReview's `claimReviewed`: whole when it fits in `limit` characters, else cut
    at a word and ended with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut + "…"


def _aliases(obj: dict) -> tuple[str, ...]:
    """The IRIs a party is given by: its @id and its sameAs links (http or https only)."""
    found = [obj.get("@id")]
    same = obj.get("sameAs")
    found += same if isinstance(same, list) else [same]
    found = [_url(v) if isinstance(v, dict) else v for v in found]
    return tuple(dict.fromkeys(v.strip() for v in found
                               if isinstance(v, str) and v.strip().startswith(("http://", "https://"))))


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max([_depth(v, level + 1) for v in value.values()] or [level])
    if isinstance(value, list):
        return max([_depth(v, level + 1) for v in value] or [level])
    return level


def load(path: Path, recorded_on: date | None = None) -> list[Sheet]:
    file = str(path)
    text = read_input(path)
    if json_depth(text, MAX_DEPTH) > MAX_DEPTH:  # counted before the parser recurses into it
        raise InputError(f"the JSON is nested deeper than {MAX_DEPTH} levels", file=file)
    try:
        data = json.loads(text, parse_float=_json_number, parse_constant=_json_constant)
    except ValueError as exc:
        raise InputError(f"not valid JSON: {exc}", file=file) from None
    except RecursionError:
        raise InputError("the JSON is nested too deeply", file=file) from None
    if _depth(data) > MAX_DEPTH:
        raise InputError(f"the JSON is nested deeper than {MAX_DEPTH} levels", file=file)
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("the JSON holds a lone surrogate (an escape from \\ud800 to \\udfff), which is not "
                         "a character", file=file,
                         hint="write the character itself, or both halves of its escape") from None
    items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise InputError("expected a ClaimReview object, a list of them, or an @graph", file=file)
    outer_context = data.get("@context") if isinstance(data, dict) else None
    sheets: dict[str, Sheet] = {}
    problems: list[InputError] = []
    for index, item in enumerate(items, start=1):
        try:
            sheet = _review(item, index, file, outer_context, recorded_on)
        except InputError as exc:
            problems.append(exc)
            continue
        if sheet.document.id in sheets:
            previous = sheets[sheet.document.id]
            sheet = Sheet(document=previous.document, claims=previous.claims + sheet.claims,
                          agents=tuple({a.id: a for a in previous.agents + sheet.agents}.values()),
                          reviews=previous.reviews + sheet.reviews, recorded_on=previous.recorded_on)
        sheets[sheet.document.id] = sheet
    collect(problems)
    return list(sheets.values())


def _json_number(token: str) -> float:
    if huge_exponent(token):
        raise ValueError(f"the number {token[:40]} has an exponent beyond {MAX_EXPONENT}")
    return float(token)


def _json_constant(token: str) -> float:
    raise ValueError(f"{token} is not a JSON number")


@overload
def _text(obj: dict, key: str, where: str, file: str, *, required: Literal[True]) -> str: ...


@overload
def _text(obj: dict, key: str, where: str, file: str, *, required: bool = False) -> str | None: ...


def _text(obj: dict, key: str, where: str, file: str, *, required: bool = False) -> str | None:
    value = obj.get(key)
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("@value", value.get("name"))
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError(f"{key} is missing", file=file, where=f"{where}.{key}")
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise InputError(f"{key} must be text", file=file, where=f"{where}.{key}")
    text = str(value)
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise InputError(f"{key} holds a lone surrogate (\\ud800-\\udfff), which is no character",
                         file=file, where=f"{where}.{key}", hint="write the character itself, in UTF-8")
    return text  # kept as written: spaces and line breaks are part of the words


def _day(value: str | None, where: str, file: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise InputError(f"{value!r} is not a date", file=file, where=where,
                         hint="ClaimReview dates are ISO 8601, e.g. 2024-11-06") from None


def _url(obj: Any) -> str | None:
    if isinstance(obj, list):
        obj = obj[0] if obj else None
    if isinstance(obj, str):
        return obj
    if isinstance(obj, dict):
        return obj.get("url") or obj.get("@id")
    return None


def _party(obj: Any, where: str, file: str, kind: str) -> Agent | None:
    if isinstance(obj, list):
        obj = obj[0] if obj else None
    if obj is None:
        return None
    if isinstance(obj, str):
        obj = {"name": obj}
    if not isinstance(obj, dict):
        raise InputError("must be an object with a name", file=file, where=where)
    name = _text(obj, "name", where, file, required=True)
    types = obj.get("@type", "Organization")
    person = "Person" in (types if isinstance(types, list) else [types])
    try:
        return Agent(id=_agent_id(name), label=name, kind=kind, type="person" if person else "organization",
                     url=obj.get("url") if isinstance(obj.get("url"), str) else None, aliases=_aliases(obj))
    except ValueError as exc:
        raise InputError(str(exc), file=file, where=where) from None


def _review(item: Any, index: int, file: str, outer_context: Any, recorded_on: date | None) -> Sheet:
    where = f"review {index}"
    if not isinstance(item, dict):
        raise InputError("expected a JSON object", file=file, where=where)
    context = item.get("@context", outer_context)
    if context is not None and not (isinstance(context, str) and context in SCHEMA_CONTEXTS):
        raise InputError(f"the @context {context!r} is not schema.org's", file=file, where=f"{where}.@context",
                         hint="claimkb reads schema.org ClaimReview markup without fetching any context; "
                              'use "@context": "https://schema.org"')
    types = item.get("@type")
    if "ClaimReview" not in (types if isinstance(types, list) else [types]):
        raise InputError(f"@type is {types!r}, not ClaimReview", file=file, where=f"{where}.@type")
    url = _text(item, "url", where, file, required=True)
    claim_reviewed_text = _text(item, "claimReviewed", where, file, required=True)
    rating_obj = item.get("reviewRating")
    if not isinstance(rating_obj, dict):
        raise InputError("reviewRating is missing", file=file, where=f"{where}.reviewRating",
                         hint="a ClaimReview needs reviewRating with alternateName (the verdict in words)")
    numbers = {}
    for key in ("ratingValue", "bestRating", "worstRating"):
        raw = _text(rating_obj, key, f"{where}.reviewRating", file)
        try:
            number = numbers[key] = Decimal(raw) if raw is not None else None
            if number is not None and not decimal_in_range(number):
                raise InvalidOperation
        except InvalidOperation:
            raise InputError(f"{raw!r} is not a number in plain digits", file=file,
                             where=f"{where}.reviewRating.{key}", hint="write it like 4 or 2.5") from None
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]
    doc_id = f"FC-{digest}"
    reviewer = _party(item.get("author"), f"{where}.author", file, "fact-checker")
    item_reviewed = item.get("itemReviewed") or {}
    if not isinstance(item_reviewed, dict):
        raise InputError("itemReviewed must be an object", file=file, where=f"{where}.itemReviewed")
    given = item_reviewed.get("author")
    claimants = [party for n, one in enumerate(given if isinstance(given, list) else [given])
                 if (party := _party(one, f"{where}.itemReviewed.author" + (f"[{n}]" if isinstance(given, list)
                                                                            else ""), file, "unclassified"))]
    claimants = list({a.id: a for a in claimants}.values())
    asserted_day = _day(_text(item_reviewed, "datePublished", where, file), f"{where}.itemReviewed.datePublished", file)
    published_day = _day(_text(item, "datePublished", where, file), f"{where}.datePublished", file)
    first = _url(item_reviewed.get("firstAppearance")) or _url(item_reviewed.get("appearance"))
    full_text = _text(item_reviewed, "text", f"{where}.itemReviewed", file) or claim_reviewed_text
    short = claim_reviewed(claim_reviewed_text)
    try:
        published = (TimeRef(start=published_day, end=published_day, precision="day") if published_day
                     else TimeRef(precision="unstated", inferred=True,
                                  evidence="The ClaimReview markup gives no datePublished."))
        document = Document(
            id=doc_id, title=_text(item, "headline", where, file) or _text(item, "name", where, file)
            or f"Fact-check: {short}", kind="fact-check", published=published, certainty="medium",
            certainty_note="imported from ClaimReview markup; the page itself was not read",
            publisher=reviewer.id if reviewer else None, url=url)
        claim = Claim(
            id=f"{doc_id}-c{index}", text=full_text,
            claimants=tuple(a.id for a in claimants) or ("unattributed",),
            carriage="attributed" if claimants else "hearsay", cue="reviewed",
            asserted=TimeRef(start=asserted_day, end=asserted_day, precision="day") if asserted_day else TimeRef(
                end=published_day, precision="unstated", inferred=True,
                evidence="The ClaimReview markup gives no date for the claim; at the latest the review's date."),
            first_appearance=first if first and first.startswith(("http://", "https://")) else None,
            note=None if short == full_text else "The review's claimReviewed is a shortened form (at most 75 "
                 "characters); the claim carries the full text.")
        review = Review(
            id=f"{doc_id}-r{index}", claim=claim.id, claim_reviewed=short,
            authors=(reviewer.id,) if reviewer else (), url=url, date=published_day,
            rating=Rating(alternate_name=_text(rating_obj, "alternateName", f"{where}.reviewRating", file,
                                               required=True),
                          value=numbers["ratingValue"], best=numbers["bestRating"], worst=numbers["worstRating"],
                          explanation=_text(rating_obj, "ratingExplanation", f"{where}.reviewRating", file)))
    except ValueError as exc:
        raise InputError(str(exc), file=file, where=where) from None
    agents = tuple(a for a in (reviewer, *claimants) if a is not None)
    recorded_on = recorded_on or published_day  # never the clock: the graph must not depend on the day
    if recorded_on is None:
        raise InputError("the review has no datePublished, so the day it is recorded on is unknown",
                         file=file, where=f"{where}.datePublished",
                         hint="pass --recorded-on YYYY-MM-DD to `claimkb import`")
    return Sheet(document=document, claims=(claim,), agents=agents, reviews=(review,),
                 recorded_on=recorded_on)
