"""Draft a claim sheet from a new article's text: one candidate claim per statement that carries a figure,
a quotation or an attribution cue, every guess marked for review.

    from claimkb.draft import draft
    result = draft(kb, raw_bytes, published=date(2024, 11, 5), doc_id="D01-seed", archive="archive/D01-seed.txt")
    result.sheet          # the sheet as data (with `review:` markers)
    result.yaml()         # the sheet as YAML text, with a header saying how to accept it

The pieces: `text` (paragraphs, sentences, quotations), `figures` (numbers as written), `attribution` (cues,
claimants, agents), `when` (date phrases), `candidates` (quantities and relays from the knowledge base),
`sheet` (the YAML), `score` (the draft against a curated sheet). Rules and the standard library only:
nothing is downloaded, and each guess says which rule made it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from .. import rules
from ..model import YARDSTICK
from . import attribution, candidates, figures, text as article_text, when as dates_in

MAX_ARTICLE_BYTES = 1_000_000
KB_QUANTITY_THRESHOLD = 0.5  # a knowledge-base quantity scoring less is offered, and a new one declared
RELAY_THRESHOLD = 0.5  # a relay candidate scoring at least this goes into `relays:` (still for review)


@dataclass
class Candidate:
    sentence: article_text.Sentence
    figure: figures.Figure | None
    cue: attribution.Cue | None
    claimant: attribution.AgentGuess | None
    carriage: str
    cue_words: str | None
    how: list[str] = field(default_factory=list)
    quote: article_text.Quote | None = None
    scope: tuple[int, int] | None = None  # the words of a statement without a figure, in the sentence
    inherits: Candidate | None = None  # the candidate whose date a continuation shares


@dataclass
class Draft:
    sheet: dict[str, Any]
    article: article_text.Article
    sha256: str
    counts: dict[str, int]
    archived: str | None = None  # the archive path when this draft wrote the archived copy

    def yaml(self) -> str:
        from .sheet import to_yaml

        return to_yaml(self)


def read_article(path) -> bytes:
    """An article's bytes, checked: a regular file under the size limit, UTF-8 text."""
    from pathlib import Path

    from ..errors import InputError

    path = Path(path)
    try:
        if not path.is_file():
            raise InputError("is not a readable file", file=str(path), hint="give the article as a UTF-8 text file")
        if path.stat().st_size > MAX_ARTICLE_BYTES:
            raise InputError(f"the article is larger than {MAX_ARTICLE_BYTES} bytes", file=str(path),
                             hint="draft one article at a time")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the article: {exc.strerror}", file=str(path)) from None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"the article is not UTF-8 text (byte {exc.start})", file=str(path),
                         hint="convert it to UTF-8 first (quotes are anchored in the text byte for byte)") from None
    if not raw.strip():
        raise InputError("the article is empty", file=str(path))
    return raw


def document_id(path, given: str | None) -> str:
    """The document id: `--id`, else the file name without its extension (letters, digits and '-')."""
    from pathlib import Path

    from ..errors import UsageError
    from ..model import ID_RE

    ident = given if given is not None else re.sub(r"[^A-Za-z0-9-]+", "-", Path(path).stem).strip("-")
    if not ID_RE.fullmatch(ident or ""):
        raise UsageError(f"{ident!r} cannot be a document id",
                         hint="give one with --id: letters, digits and '-', starting with a letter or digit")
    return ident


def archive_article(kb_dir, path, raw: bytes, doc_id: str, writable: bool) -> tuple[str, bool]:
    """Keep the article's bytes in the knowledge base's archive: (its path relative to kb/, whether it was
    written now). An article already inside kb/archive/ stays where it is; another one is copied to
    archive/<document id>.txt byte for byte, checked by its sha256, under the writer lock."""
    from pathlib import Path

    from ..errors import InputError, UsageError
    from ..kbfiles import commit, writer_lock

    kb_dir, path = Path(kb_dir), Path(path)
    archive = (kb_dir / "archive").resolve()
    if archive in path.resolve().parents:
        return path.resolve().relative_to(kb_dir.resolve()).as_posix(), False
    target = kb_dir / "archive" / f"{doc_id}.txt"
    relative = f"archive/{doc_id}.txt"
    if target.is_file():
        if target.read_bytes() == raw:
            return relative, False
        raise InputError(f"{relative} already holds another text", file=str(path),
                         hint="give this document another id with --id")
    if not writable:
        raise UsageError("the article is not archived in this knowledge base, and it is read-only",
                         hint="make a working copy of the knowledge base and pass --kb DIR")
    digest = hashlib.sha256(raw).hexdigest()

    def same(data: bytes) -> None:
        if hashlib.sha256(data).hexdigest() != digest:
            raise InputError(f"the archived copy of {path} does not have the article's sha256")

    with writer_lock(kb_dir):
        if target.is_file():  # another draft archived it meanwhile
            if target.read_bytes() != raw:
                raise InputError(f"{relative} already holds another text", file=str(path),
                                 hint="give this document another id with --id")
            return relative, False
        commit(kb_dir, [(target, raw, same)])
    return relative, True


def _fraction_text(value: Fraction) -> str:
    if rules.is_finite_decimal(value):
        return format(rules.to_decimal(value), "f")
    return f"{value.numerator}/{value.denominator}"


def _nearest(items, start: int, end: int):
    best, distance = None, None
    for item in items:
        d = 0 if item.start < end and start < item.end else min(abs(item.start - end), abs(start - item.end))
        if distance is None or d < distance:
            best, distance = item, d
    return best


def draft(kb, raw: bytes, *, published: date, doc_id: str, archive: str, url: str | None = None,
          publisher: str | None = None, recorded_on: date | None = None) -> Draft:
    """The draft sheet of one article (its bytes as archived at `archive`, a path relative to kb/)."""
    text = raw.decode("utf-8")
    article = article_text.read(text)
    known_agents = [{"agent": r["agent"].rsplit("/", 1)[-1], "label": r["label"], "kind": r["kind"]}
                    for r in kb.query("agents")]
    quantities = [{"id": r["quantity"].rsplit("/", 1)[-1], "label": r["label"], "definition": r["definition"],
                   "unit": r["unit"], "aggregation": r["aggregation"], "claims": r["claims"]}
                  for r in kb.query("quantities")]
    agents = attribution.Agents(known_agents, {a["agent"] for a in known_agents}, attribution.acronyms(text))
    author = _author(agents, doc_id, article.outlet, publisher)

    # claimants: the body first (so that names are known), the headline last
    order = [s for s in article.sentences if not s.headline] + [s for s in article.sentences if s.headline]
    cues: dict[int, list[tuple[attribution.Cue, attribution.AgentGuess | None]]] = {}
    for s in order:
        resolved = []
        for cue in attribution.find_cues(s.text):
            guess = None
            if cue.kind != "hearsay" and cue.phrase:
                guess = agents.resolve(cue.phrase, cue.role)
            resolved.append((cue, guess))
        cues[s.index] = resolved

    found: list[Candidate] = []
    previous_quoted: Candidate | None = None
    for s in article.sentences:
        sentence_cues = cues[s.index]
        quotes = article_text.quotes_in(article, s)
        figs = figures.find(s.text)
        used: set[int] = set()
        made: list[Candidate] = []
        for fig in figs:
            cand = _attribute(s, fig.start, fig.end, sentence_cues, used, author, article, cues, previous_quoted,
                              fig.noun)
            cand.figure = fig
            if _is_conversion(s.text, fig, figs):
                cand.claimant, cand.carriage, cand.cue_words, cand.cue = author, "own-voice", None, None
                cand.how = ["a figure in brackets restating the one before in another unit: the article's own "
                            "conversion"]
            made.append(cand)
        for i, (cue, guess) in enumerate(sentence_cues):
            if i in used:
                continue
            claimant_id = guess.id if guess else None
            if cue.kind != "hearsay" and any(c.claimant is not None and c.claimant.id == claimant_id for c in made):
                continue  # one more cue of a claimant this sentence already has a claim of
            if cue.kind != "hearsay" and guess is None:
                continue
            cand = _from_cue(s, cue, guess)
            made.append(cand)
        if figs:
            for clause in _statement_clauses(s.text, figs, sentence_cues):
                covering = [(c, g) for c, g in sentence_cues if c.kind != "hearsay" and g is not None
                            and _scope(s.text, c)[0] <= clause[0] and clause[1] <= _scope(s.text, c)[1]]
                if not covering:
                    continue
                cue, guess = covering[0]
                if any(c.figure is None and c.claimant is not None and c.claimant.id == guess.id for c in made):
                    continue
                cand = _from_cue(s, cue, guess)
                cand.scope = clause
                cand.how.append("a clause of its own without a figure")
                made.append(cand)
        if not made and quotes:
            cand = _attribute(s, quotes[0].start - s.start, quotes[0].end - s.start, [], used, author, article,
                              cues, previous_quoted)
            made.append(cand)
        for q in quotes:
            if made:
                owner = _nearest_candidate(made, q)
                if owner.quote is None:
                    owner.quote = q
        found.extend(made)
        if quotes and made:
            previous_quoted = made[-1]
        elif not quotes:
            previous_quoted = None if s.paragraph != (previous_quoted.sentence.paragraph if previous_quoted else -1) else previous_quoted

    return _assemble(kb, article, raw, found, agents, author, quantities, published=published, doc_id=doc_id,
                     archive=archive, url=url, recorded_on=recorded_on)


VERB = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|could|can|may|might|must|does|did|comes|came|went|rose|"
    r"fell|took|made|gave|began|became|said|told|found|saw|left|kept|held|brought|grew|lost|won|paid|ran|sent|"
    r"spent|stood|followed|[a-z]+ed)\b")


def _statement_clauses(sentence: str, figs, sentence_cues) -> list[tuple[int, int]]:
    """Clauses of a sentence with figures that state something else: their own subject and verb, no
    figure, not the attribution itself ("according to Kyiv", "the ministry said on Tuesday") and not a
    relative or temporal adjunct ("when the rival port opened ...")."""
    out = []
    bounds = [0] + [m.end() for m in re.finditer(r",\s+(?:and\s+|as\s+)?|;\s+|\s+and\s+(?=that\b)", sentence)]
    bounds.append(len(sentence) + 2)
    for a, b in zip(bounds, bounds[1:]):
        b = min(b, len(sentence))
        chunk = sentence[a:b].strip(" ,;.")
        if len(chunk.split()) < 5 or any(a <= f.start < b for f in figs):
            continue
        if re.match(r"(?:when|where|which|who|whom|whose|while|with|citing|had|has|have|is|was|were|are|"
                    r"according)\b", chunk, re.IGNORECASE):
            continue
        if not VERB.search(chunk):
            continue
        own_cue = [c for c, _ in sentence_cues if a <= c.start < b]
        if own_cue and len(sentence[own_cue[0].end:b].split()) < 4:
            continue  # the attribution itself
        out.append((a, b))
    return out


def _nearest_candidate(made: list[Candidate], quote: article_text.Quote) -> Candidate:
    def distance(c: Candidate) -> int:
        if c.figure is None:
            if c.scope is not None and c.scope[0] <= quote.start - c.sentence.start < c.scope[1]:
                return 0
            anchor = c.cue.start if c.cue else 0
            return abs(c.sentence.start + anchor - quote.start)
        start = c.sentence.start + c.figure.start
        return 0 if start < quote.end and quote.start < start + len(c.figure.as_written) else min(
            abs(start - quote.end), abs(quote.start - start))
    return min(made, key=distance)


def _author(agents: attribution.Agents, doc_id: str, outlet: str | None, publisher: str | None):
    """The agent of the article's own voice: --publisher, the outlet its dateline names, or an author agent."""
    name = publisher or outlet
    if name:
        guess = agents.resolve(name, hint="news outlet")
        if guess is not None:
            guess.how = f"the article's own voice: {'--publisher' if publisher else 'its dateline'} names {name!r}"
            if guess.new:
                guess.kind, guess.type = "news-outlet", "organization"
            agents.recent.clear()
            return guess
    ident = f"{doc_id.lower()}-author"
    for known in agents.known:
        if known["agent"] == ident:
            guess = attribution.AgentGuess(ident, known["label"], "news-outlet", new=False,
                                           how="the article's own voice (the knowledge base has its author agent)")
            agents.by_id[ident] = guess
            return guess
    guess = agents.new(f"Author of {doc_id}", hint="news outlet", agent_id=ident)
    guess.label = f"{doc_id} author (outlet not identified)"
    guess.kind, guess.type = "news-outlet", "organization"
    guess.how = "the article's own voice; no publisher given and no dateline"
    return guess


def _is_conversion(sentence: str, fig: figures.Figure, figs: list[figures.Figure]) -> bool:
    before = [f for f in figs if f.end <= fig.start]
    if not before:
        return False
    return bool(re.search(r"\(\s*(?:about|around|approximately|roughly|some|c\.|~)?\s*$", sentence[:fig.start])) and (
        fig.unit != before[-1].unit)


def _from_cue(s, cue: attribution.Cue, guess) -> Candidate:
    if cue.kind == "hearsay":
        return Candidate(s, None, cue, None, "hearsay", cue.words.strip(), ["hearsay: no claimant named"])
    return Candidate(s, None, cue, guess, "attributed", cue.words.strip(),
                     [f"cue {cue.words.strip()!r}: {guess.how}"])


def _scope(sentence: str, cue: attribution.Cue) -> tuple[int, int]:
    """The part of the sentence a cue attributes. "X said that ..." covers what follows its subject;
    "..., X said." covers what comes before; "according to X" and hearsay cover the sentence."""
    if cue.kind in ("according", "hearsay"):
        return 0, len(sentence)
    if cue.kind == "inverted":
        return 0, cue.start
    if cue.coordinated:
        return cue.start, len(sentence)
    after = sentence[cue.end:]
    leading = re.match(r"(?:,\s*citing[^,]*,)?\s*(?:reporters\s*)?(?:(?:on|last|this|earlier|yesterday|in)\b[\w ]*?)?"
                       r"\s*(?:that\b|:|[“\"”])", after)
    trailing = not leading and re.match(
        r"\s*(?:reporters|in [A-Z][\w ]+?|(?:on|last|this|earlier|yesterday)[\w ]*?)?\s*(?:[,.;]|$)", after)
    if trailing:
        end = cue.end
        rest = sentence[cue.end:]
        comparison = re.match(r"[^,.;]*,\s*(?:compared with|compared to|up from|down from|against)\b", rest)
        if comparison:
            end = len(sentence)  # "..., the survey found, compared with 58% in 2023."
        return 0, end
    subject_at = sentence.rfind(cue.phrase, 0, cue.start) if cue.phrase else -1
    return (subject_at if subject_at >= 0 else 0), len(sentence)


def _attribute(s, start: int, end: int, sentence_cues, used: set[int], author, article, cues, previous_quoted,
               noun: str | None = None):
    """The cue and claimant of a figure (or a quotation) at start..end of the sentence: a hearsay frame
    right after the figure's noun ("troops believed to"), else the nearest cue whose scope covers it."""
    attached = None
    if noun:
        after_noun = s.text.find(noun, end) + len(noun)
        attached = next((i for i, (c, _) in enumerate(sentence_cues)
                         if c.kind == "hearsay" and 0 <= c.start - after_noun <= 1), None)
    covering = [i for i, (c, _) in enumerate(sentence_cues)
                if _scope(s.text, c)[0] <= start and end <= _scope(s.text, c)[1]]
    if attached is not None:
        covering = [attached]
    if covering:
        spans = [sentence_cues[i][0] for i in covering]
        chosen = _nearest(spans, start, end)
        i = covering[spans.index(chosen)]
        used.add(i)
        cue, guess = sentence_cues[i]
        if cue.kind == "hearsay":
            return Candidate(s, None, cue, None, "hearsay", cue.words.strip(), ["hearsay: no claimant named"])
        if guess is not None:
            return Candidate(s, None, cue, guess, "attributed", cue.words.strip(),
                             [f"cue {cue.words.strip()!r}: {guess.how}"])
    stripped = s.text.lstrip()
    if previous_quoted is not None and stripped[:1] in "“\"”" and previous_quoted.claimant is not None \
            and s.paragraph - previous_quoted.sentence.paragraph <= 1:
        p = previous_quoted
        return Candidate(s, None, p.cue, p.claimant, p.carriage, p.cue_words,
                         [f"continues the quotation of the sentence before ({p.claimant.label})"], inherits=p)
    carried = _sandwich(s, article, cues)
    if carried is not None:
        cue, guess = carried
        return Candidate(s, None, cue, guess, "attributed", cue.words.strip(),
                         [f"no cue of its own: the sentence before attributes to {guess.label!r} and the next "
                          "one says that source 'also' claimed"])
    return Candidate(s, None, None, author, "own-voice", None, ["no attribution cue: the article's own voice"])


def _sandwich(s, article, cues):
    """A sentence with no cue between one attributed "according to X" and one in which X "also" claims."""
    before = [x for x in article.sentences if x.index == s.index - 1]
    after = [x for x in article.sentences if x.index == s.index + 1]
    if not before or not after:
        return None
    prev = [(c, g) for c, g in cues.get(before[0].index, []) if c.kind == "according" and g is not None]
    nxt = [(c, g) for c, g in cues.get(after[0].index, []) if g is not None]
    if prev and nxt and re.search(r"\balso\b", after[0].text) and prev[-1][1].id == nxt[0][1].id:
        return prev[-1]
    return None


def _hedge(words: str) -> str | None:
    lowered = words.lower()
    for phrase in sorted(YARDSTICK, key=len, reverse=True):
        if re.search(rf"\b{re.escape(phrase)}\b", lowered):
            return phrase
    return None


def _assemble(kb, article, raw, found: list[Candidate], agents, author, quantities, *, published, doc_id,
              archive, url, recorded_on) -> Draft:
    from ..namespaces import ID

    text = article.text
    attribution_cache: dict[int, list] = {}
    asserted_of: dict[int, dict] = {}
    found_before: list[Candidate] = []
    claims: list[dict] = []
    new_quantities: dict[str, dict] = {}
    new_by_key: dict[tuple, str] = {}
    for n, cand in enumerate(found, start=1):
        s = cand.sentence
        guessed = ["text"]
        claim: dict[str, Any] = {"id": f"{doc_id}-c{n:02d}", "text": _normalise(s.text)}
        claimant = cand.claimant.id if cand.claimant else "unattributed"
        claim["claimant"] = claimant
        claim["carriage"] = cand.carriage
        guessed += ["claimant", "carriage"]
        if cand.cue_words:
            claim["cue"] = cand.cue_words
        claim["anchor"] = s.text
        occurrence = text.count(s.text, 0, s.start + len(s.text) - 1) if text.count(s.text) > 1 else 1
        if occurrence > 1:
            claim["anchor_occurrence"] = occurrence
        if cand.quote is not None:
            quoted = text[cand.quote.start:cand.quote.end]
            if quoted and quoted in s.text:
                claim["quotation"] = quoted
        # dates
        whens = dates_in.find(s.text, published)
        sentence_cues = [c for c, _ in attribution_cache.setdefault(s.index, [(c, None) for c in
                                                                              attribution.find_cues(s.text)])]
        said_when = {id(w): c for c in sentence_cues for w in whens if _said_at(c, w)}
        asserted = next((w for w in whens if said_when.get(id(w)) is not None and cand.cue is not None
                         and said_when[id(w)].start == cand.cue.start), None)
        claim["asserted"] = dates_in.spec(asserted) if asserted else {"unstated": True}
        if asserted is None and cand.inherits is not None and cand.inherits is not cand:
            claim["asserted"] = asserted_of.get(id(cand.inherits), {"unstated": True})
        elif asserted is None and cand.cue is not None and cand.cue.words.lower() in ("added", "adds") and found_before:
            last = found_before[-1]
            if last.claimant is cand.claimant and last.sentence.index == s.index - 1:
                claim["asserted"] = asserted_of.get(id(last), {"unstated": True})
        asserted_of[id(cand)] = claim["asserted"]
        found_before.append(cand)
        guessed.append("asserted")
        rest = [w for w in whens if id(w) not in said_when
                and not any(c.start <= w.start < c.end for c in sentence_cues)]
        period = None
        if cand.figure is not None and rest:
            f0, f1 = cand.figure.start, cand.figure.end
            clause = _clause(s.text, f0)
            inside = [w for w in rest if clause[0] <= w.start and w.end <= clause[1]]
            inside += [w for w in rest if w not in inside and _aside(s.text, w)]  # "Veloria’s last flood, in 2019, ..."
            period = _nearest(inside, f0, f1) if inside else None
            if period is not None and period.kind in ("weekday", "relative") and period.start < f0 - 60:
                period = None
        elif cand.figure is None and rest:
            scope = cand.scope or (_scope(s.text, cand.cue) if cand.cue is not None else (0, len(s.text)))
            period = next((w for w in rest if w.kind not in ("weekday",) and scope[0] <= w.start < scope[1]), None)
        if period is not None:
            if period.since:
                spec = dates_in.spec(period)
                spec.pop("end")
                spec["cumulative"] = True
                spec["as_of"] = dates_in.spec(asserted) if asserted else "published"
                claim["period"] = spec
            else:
                claim["period"] = dates_in.spec(period)
            guessed.append("period")
        hedge = _hedge(s.text if cand.quote is None else text[cand.quote.start:cand.quote.end])
        if hedge:
            claim["hedge"] = hedge
        review: dict[str, Any] = {}
        if cand.figure is not None:
            fig = cand.figure
            local = _local(s.text, fig, period)
            hint = candidates.aggregation_hint(s.text, fig.as_written, fig.share,
                                               period.kind if period is not None else None)
            ranked = candidates.rank_quantities(quantities, local, s.text, fig.unit, hint,
                                                span_words=_span_words(period))
            q: dict[str, Any] = {}
            if ranked and ranked[0].score >= KB_QUANTITY_THRESHOLD:
                q["measures"], unit = ranked[0].id, ranked[0].unit
            else:
                qid = _new_quantity(new_quantities, new_by_key, doc_id, fig, hint, period, s.text)
                q["measures"], unit = qid, new_quantities[qid]["unit"]
            if fig.value is not None:
                q["value"] = _fraction_text(fig.value)
            q["as_written"] = fig.as_written
            q["unit"] = unit
            q["comparator"] = fig.comparator
            if fig.minimum is not None:
                q["min"] = _fraction_text(fig.minimum)
            if fig.maximum is not None:
                q["max"] = _fraction_text(fig.maximum)
            claim["quantity"] = q
            guessed += ["quantity.measures", "quantity.value", "quantity.unit", "quantity.comparator"]
            review["quantity_candidates"] = [
                {"id": c.id, "score": c.score, "unit": c.unit, "why": c.why} for c in ranked]
            relays = candidates.relay_candidates(
                kb, value=fig.value, comparator=fig.comparator, as_written=fig.as_written, minimum=fig.minimum,
                maximum=fig.maximum, quantities=ranked, claimant=claimant, before=published,
                words_of_claim=s.text, own_document=doc_id)
        else:
            scope = cand.scope or (_scope(s.text, cand.cue) if cand.cue is not None else (0, len(s.text)))
            relays = [r for r in candidates.text_relay_candidates(
                kb, claimant=claimant, quotation=claim.get("quotation"), text=s.text[scope[0]:scope[1]],
                before=published,
                own_document=doc_id)]
        if relays:
            review["relay_candidates"] = [{"claim": r.claim, "score": r.score, "why": r.why} for r in relays]
            if relays[0].score >= RELAY_THRESHOLD:
                claim["relays"] = [{"claim": relays[0].claim}]
                guessed.append("relays")
        review = {"guessed": guessed, "why": cand.how, **review}
        claim["review"] = review
        claims.append(claim)

    new_agents = []
    used_agents = {c["claimant"] for c in claims} | ({author.id} if author else set())
    for guess in agents.by_id.values():
        if guess.new and guess.id in used_agents:
            new_agents.append({"id": guess.id, "label": guess.label, "kind": guess.kind, "type": guess.type,
                               "review": {"guessed": ["label", "kind", "type"], "why": guess.how}})
    title = next((s.text for s in article.sentences if s.headline), None) or (
        article.sentences[0].text if article.sentences else doc_id)
    document: dict[str, Any] = {"id": doc_id, "title": _normalise(title)[:200], "kind": "news-article"}
    if author is not None and author.kind == "news-outlet" and (author.new or author.id != f"{doc_id.lower()}-author"):
        document["publisher"] = author.id
    if url:
        document["url"] = url
    document["published"] = {"start": published.isoformat(), "precision": "day"}
    document["certainty"] = "medium"
    document["archive"] = archive
    document["archive_sha256"] = hashlib.sha256(raw).hexdigest()
    document["review"] = {"guessed": ["title", "kind", "certainty"] + (["publisher"] if "publisher" in document else [])}
    sheet: dict[str, Any] = {"document": document}
    if recorded_on is not None:
        sheet["curation"] = {"recorded_on": recorded_on.isoformat()}
    if new_agents:
        sheet["agents"] = new_agents
    if new_quantities:
        sheet["quantities"] = list(new_quantities.values())
    sheet["claims"] = claims
    counts = {"claims": len(claims), "figures": sum(1 for c in claims if "quantity" in c),
              "quotations": sum(1 for c in claims if "quotation" in c), "agents": len(new_agents),
              "quantities": len(new_quantities), "relays": sum(1 for c in claims if "relays" in c)}
    del ID
    return Draft(sheet, article, hashlib.sha256(raw).hexdigest(), counts)


def _said_at(cue: attribution.Cue, w) -> bool:
    """Is the date phrase `w` when the cue's claimant said it ("said on Tuesday", "published yesterday by")?"""
    if cue.date_from is None:
        return False
    if cue.kind == "according":
        return cue.date_from <= w.start < cue.date_from + 40
    return 0 <= w.start - cue.date_from <= 2


def _clause(sentence: str, at: int) -> tuple[int, int]:
    """The clause around offset `at`: between commas, semicolons and dashes."""
    bounds = [m.end() for m in re.finditer(r",\s|;\s|\s[–—]\s", sentence)]
    start = max([b for b in bounds if b <= at], default=0)
    ends = [m.start() for m in re.finditer(r",\s|;\s|\s[–—]\s", sentence) if m.start() >= at]
    return start, min(ends, default=len(sentence))


def _aside(sentence: str, w) -> bool:
    """A date phrase standing alone between commas, as an aside to the clause around it."""
    return bool(re.search(r",\s*$", sentence[:w.start])) and bool(re.match(r"\s*,", sentence[w.end:]))


def _local(sentence: str, fig: figures.Figure, period) -> str:
    """The words of a figure's own phrase: up to three words before it in its clause, its noun, and an
    "of ..." after it; plus words for the span of its period ("calendar month", "week")."""
    before = re.split(r"[,;:()]|\s(?:and|or)\s", sentence[:fig.start])[-1].split()[-3:]
    after = re.split(r"[,;:()]|\s(?:and|but|while|that|which|who|have|has|had|is|are|was|were|will|would|"
                     r"to|remain|remains)\s", sentence[fig.end:])[0].split()[:7]
    return " ".join(before + [fig.as_written] + after)


def _span_words(period) -> str:
    """Words for the span of a figure's period ("calendar month", "week"): they break ties between
    quantities that differ only in their span."""
    if period is None:
        return ""
    start, end, precision = period.resolved[0], period.resolved[1], period.resolved[2]
    if period.since:
        return "cumulative"
    if precision == "month" and start.day == 1 and (end - start).days >= 27:
        return "calendar month"
    if precision == "week":
        return "week"
    if precision == "day" and start == end:
        return "day"
    return ""


def _normalise(sentence: str) -> str:
    return " ".join(sentence.split())


def _new_quantity(new_quantities: dict, by_key: dict, doc_id: str, fig: figures.Figure, hint: str | None,
                  period, sentence: str) -> str:
    unit = fig.unit or "count"
    noun = fig.noun or unit
    aggregation = {"Cumulative": "cumulative", "DailyAverage": "daily-average", "PeriodTotal": "period-total",
                   "Share": "share", "PointInTime": "point-in-time"}.get(hint or "", None)
    if aggregation is None:
        aggregation = "period-total" if period is not None and not period.since else "point-in-time"
    key = (unit, noun.lower(), aggregation)
    if key in by_key:
        return by_key[key]
    base = attribution.slug(f"{doc_id} {noun}")[:50].strip("-")
    ident, n = base, 2
    while ident in new_quantities:
        ident, n = f"{base}-{n}", n + 1
    excerpt = " ".join(sentence.split())
    new_quantities[ident] = {
        "id": ident,
        "label": f"{noun[:1].upper()}{noun[1:]} ({unit})",
        "definition": f"What the figure {fig.as_written!r} counts in: \"{excerpt[:160]}\". Say exactly what is "
                      "counted, where and over what time before accepting.",
        "unit": unit,
        "aggregation": aggregation,
        "review": {"guessed": ["label", "definition", "unit", "aggregation"],
                   "why": "no quantity of the knowledge base fits well enough"},
    }
    by_key[key] = ident
    return ident
