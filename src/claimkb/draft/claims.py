"""The candidate claims of an article: one per figure, per statement an attribution cue introduces, and per
quotation, each with its cue, claimant and carriage (and the rule that chose them)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import attribution, figures
from . import text as article_text


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



def _nearest(items, start: int, end: int):
    best, distance = None, None
    for item in items:
        d = 0 if item.start < end and start < item.end else min(abs(item.start - end), abs(start - item.end))
        if distance is None or d < distance:
            best, distance = item, d
    return best



def find(kb, article: article_text.Article, doc_id: str, publisher: str | None):
    """(candidates, agents, author, quantities) of one article, read against the knowledge base."""
    text = article.text
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
            previous_paragraph = previous_quoted.sentence.paragraph if previous_quoted else -1
            previous_quoted = None if s.paragraph != previous_paragraph else previous_quoted

    return found, agents, author, quantities


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
    for a, b in zip(bounds, bounds[1:], strict=False):
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
    if publisher and any(k["agent"] == publisher for k in agents.known):
        label = next(k["label"] for k in agents.known if k["agent"] == publisher)
        kind = next(attribution.KB_KINDS.get(k["kind"], "unclassified")
                    for k in agents.known if k["agent"] == publisher)
        guess = attribution.AgentGuess(publisher, label, kind, new=False,
                                       how=f"the article's own voice: --publisher names {publisher!r}")
        agents.by_id[publisher] = guess
        return guess
    name = publisher or outlet
    if name:
        named = agents.resolve(name, hint="news outlet")
        if named is not None:
            named.how = f"the article's own voice: {'--publisher' if publisher else 'its dateline'} names {name!r}"
            if named.new:
                named.kind, named.type = "news-outlet", "organization"
            agents.recent.clear()
            return named
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
