"""Who says it: attribution cues ("according to X", "X said", ", said X", "X revealed", "is thought to"),
the claimant phrase each one names, and the agent that phrase refers to (an agent of the knowledge base, one
named earlier in the article, or a new one).

Rules only. Reporting verbs, hearsay frames and the shapes of English subjects ("the Ministry of Water of
Veloria", "Brightline Research, a polling firm,", "Councillor Mara Quint, whose ward ...,") are a closed,
well-described set in wire copy; a rule that fires can be shown to the reviewer, which a learned model's
guess cannot, and nothing has to be downloaded.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

VERBS = [
    "said", "says", "say", "told reporters", "told", "tells", "revealed", "reveals", "claimed", "claim",
    "warned", "warns", "added", "adds", "reported", "estimated", "found", "finds", "announced", "announces",
    "stated", "confirmed", "confirms", "wrote", "writes", "noted", "believe", "believes", "promised",
    "accused", "accuse", "accuses", "argued", "argues", "insisted", "predicted", "urged", "admitted",
    "denied", "suggested", "showed", "put it at", "put at", "puts it at", "has called", "have called",
    "called", "alleged", "acknowledged", "disclosed", "forecast", "blamed", "blames", "insists", "argues",
]
# forms that are also nouns ("6,040 flood claims"): a cue only when "that" follows
NOUN_LIKE = {"claims", "reports", "estimates", "notes", "states", "shows", "figures", "calls"}
HEARSAY = [r"(?:is|are|was|were)(?:\s+(?:now|also|widely|still|\w+ly))?\s+(?:thought|believed|said|understood|"
           r"rumoured|rumored|reported|alleged|expected)(?:\s+to)?",
           r"believed\s+to", r"thought\s+to", r"reportedly"]
LEADING = re.compile(r"^(?:but|however|and|as|while|still|so|yet|meanwhile|now|then|also|indeed|instead|"
                     r"moreover|in addition)\b[,\s]*", re.IGNORECASE)
TRAILING = re.compile(r"[,\s]+(?:also|now|has|have|had|is|was|are|were|will|would|previously|earlier|then|"
                      r"again|further|repeatedly|already|recently|separately|later)$", re.IGNORECASE)
APPOSITIVE = re.compile(r"^(?:who|whose|which|where|citing|a|an|its|his|her|their|one of)\b", re.IGNORECASE)
PRONOUNS = {"he": "person", "she": "person", "it": "org", "they": "org", "we": "org", "i": "person"}
DESCRIPTIONS = {"report", "survey", "study", "figures", "data", "poll", "analysis", "statement", "update",
                "assessment", "findings", "research", "review", "estimate", "count", "tally"}
STOP = {"the", "of", "a", "an", "and", "for", "in", "on", "at", "to", "its", "their", "his", "her", "latest",
        "new", "own", "s"}
DEMONYMS = {"ukrainian": "ukraine", "russian": "russia", "british": "uk", "american": "us", "u.s.": "us",
            "u.k.": "uk", "korean": "korea", "french": "france", "german": "germany", "chinese": "china",
            "ukraine's": "ukraine", "russia's": "russia", "uk's": "uk", "us": "us"}
ORG_WORDS = {"ministry", "office", "agency", "authority", "institute", "association", "union", "party",
             "council", "service", "chamber", "research", "operators", "bank", "company", "group",
             "department", "government", "court", "commission", "committee", "port", "university", "bureau",
             "board", "fund", "organisation", "organization", "corporation", "inc", "ltd", "staff", "army",
             "forces", "intelligence", "centre", "center", "foundation", "cabinet", "police", "customs",
             "officials", "wire", "news", "times", "post", "press", "journal", "outlet", "network", "channel",
             "cell", "exchange", "federation", "society", "league", "club", "team"}
GOVERNMENT_WORDS = {"ministry", "office", "agency", "authority", "institute", "service", "department",
                    "government", "cabinet", "customs", "police", "bureau", "council", "commission"}
OUTLET_WORDS = {"wire", "news", "times", "post", "press", "journal", "outlet", "reuters", "tribune", "herald",
                "gazette", "telegraph", "guardian", "network", "channel", "broadcasting"}
TITLES = {"dr", "mr", "mrs", "ms", "prof", "professor", "sir", "dame", "lord", "lady", "councillor",
          "minister", "president", "senator", "governor", "mayor", "secretary", "deputy", "chancellor",
          "general", "colonel", "spokesperson", "spokesman", "spokeswoman", "mp", "premier"}
POLITICAL_TITLES = {"councillor", "minister", "president", "senator", "governor", "mayor", "chancellor", "mp",
                    "premier", "deputy"}


@dataclass
class Cue:
    start: int  # the cue words' offsets in the sentence
    end: int
    words: str  # as printed ("said", "according to", "is thought to")
    kind: str  # according | verb | inverted | hearsay
    phrase: str | None = None  # the claimant as printed
    role: str | None = None  # an appositive after the name ("general secretary of the union")
    date_from: int | None = None  # where an asserted-date phrase may start (right after the verb)
    coordinated: bool = False  # "said ... and urged": the second verb shares the first one's subject


def _tokens(text: str) -> list[str]:
    text = text.replace("’", "'").lower()
    text = re.sub(r"\([^)]*\)", " ", text)
    out = []
    for word in re.findall(r"[a-z0-9][a-z0-9.'-]*", text):
        word = word.strip(".'-")
        word = DEMONYMS.get(word, word)
        if word.endswith("'s"):
            word = DEMONYMS.get(word[:-2], word[:-2])
        if word and word not in STOP:
            out.append(word)
    return out


def find_cues(sentence: str) -> list[Cue]:
    """Every attribution cue of one sentence, with the claimant phrase it names."""
    cues: list[Cue] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return not any(a < e and s < b for s, e in taken)

    for pattern in HEARSAY:
        for m in re.finditer(rf"\b{pattern}\b", sentence, re.IGNORECASE):
            if free(m.start(), m.end()):
                cues.append(Cue(m.start(), m.end(), m[0], "hearsay"))
                taken.append((m.start(), m.end()))
    for m in re.finditer(r"\baccording to\s+", sentence, re.IGNORECASE):
        rest = sentence[m.end():]
        clause = re.split(r"[,;:.](?:\s|$)|\s(?:as|that|which|while|but)\s|[“”\"]", rest)[0]
        phrase = clause
        date_from = None
        by = re.search(r"\b(?:published|released|issued|compiled|analysed|analyzed|conducted|carried out)?"
                       r"(?P<when>[^,]*?)\s+by\s+(?P<who>.+)$", clause)
        if by:
            phrase = by["who"]
            date_from = m.end() + clause.find(by["when"]) if by["when"].strip() else None
        elif " from " in clause:
            phrase = clause.rsplit(" from ", 1)[1]
        cues.append(Cue(m.start(), m.end() - 1, m[0].strip(), "according", phrase.strip(), date_from=date_from))
        taken.append((m.start(), m.end()))
    verbs = "|".join(re.escape(v) for v in sorted(VERBS, key=len, reverse=True))
    for m in re.finditer(rf"\b(?:{verbs})\b", sentence, re.IGNORECASE):
        word = m[0].lower()
        if not free(m.start(), m.end()):
            continue
        after = sentence[m.end():]
        if word in NOUN_LIKE and not re.match(r"\s+that\b", after):
            continue
        if word in ("found", "called", "put at", "claim", "say") and not _has_subject(sentence[:m.start()]):
            continue
        if re.search(r"\b(?:an|the|a|its|their)\s+$", sentence[:m.start()], re.IGNORECASE):
            continue  # "an estimated 12 million": an adjective, not a report
        if re.match(r"\s+(?:to|by)\b", after) and word in ("said", "believed", "reported", "thought"):
            continue  # passive: "is said to", "was reported by"
        before = sentence[:m.start()]
        if (word not in ("said", "says", "told", "told reporters", "has called", "have called")
                and re.search(r"\b(?:had|have|has|having|was|were|be|been)\s+$", before)
                and not re.match(r"\s*(?:that\b|:|,|“|\")", after)):
            continue  # "they had added extra shifts": not a report
        coordinated = re.search(r"\s(?:and|but)\s+$", before)
        if coordinated and cues and cues[-1].phrase and cues[-1].kind in ("verb", "inverted"):
            cues.append(Cue(m.start(), m.end(), m[0], cues[-1].kind, cues[-1].phrase, cues[-1].role,
                            date_from=m.end(), coordinated=True))
            taken.append((m.start(), m.end()))
            continue
        inverted = re.search(r"[,”\"]\s*[”\"]?\s*$", before) and re.match(
            r"\s+(?:(?:Dr|Mr|Mrs|Ms|Prof|Sir)\.?\s+)?[A-Z]", after)
        if inverted:
            name = re.match(r"\s+([^,.;]+)(?:,\s*([^,.;]+))?", after)
            assert name is not None  # `inverted` found a space and a capital (or a title) at the start of `after`
            cues.append(Cue(m.start(), m.end(), m[0], "inverted", name[1].strip(),
                            role=name[2].strip() if name[2] else None))
        else:
            phrase = subject(before, infinitive=bool(re.search(r"\bto\s+$", before)))
            if phrase is None:
                continue
            cues.append(Cue(m.start(), m.end(), m[0], "verb", phrase, date_from=m.end()))
        taken.append((m.start(), m.end()))
    cues.sort(key=lambda c: c.start)
    return cues


def _has_subject(before: str) -> bool:
    return subject(before) is not None


NAME_RUN = r"(?:[A-Z][\w’'.-]*(?:\s+(?:of|the|for|and)\s+|\s+))*[A-Z][\w’'.-]*"


def subject(before: str, infinitive: bool = False) -> str | None:
    """The claimant phrase that ends just before a reporting verb: the last clause, minus appositives
    ("Brightline Research, a polling firm,"), relative clauses and leading conjunctions. For a verb in
    the infinitive ("Starmer used his speech to accuse") the clause's first name."""
    text = before.rstrip()
    closed = bool(re.search(r",[”\"]?$", text))  # "X, a polling firm, estimated": an appositive ends here
    text = re.sub(r"[“”\"]", "", text).rstrip(" ,")
    pronoun = re.search(r"\b(he|she|it|they|we)$", text, re.IGNORECASE)
    if pronoun:
        return pronoun[1]
    segments = [s.strip() for s in re.split(r",\s+|;\s+|:\s+|\s[–—]\s", text)]
    if segments and re.fullmatch(r"(?:which|who)", segments[-1], re.IGNORECASE):
        segments.pop()
        return _antecedent(segments[-1]) if segments else None
    if closed and len(segments) > 1 and APPOSITIVE.match(segments[-1]):
        segments.pop()
    if not segments or not segments[-1]:
        return None
    clause = segments[-1]
    if infinitive:
        people = re.findall(r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)+", clause)
        return people[0] if people else None
    reduced = re.match(r"^(?:an?|the)\s+[a-z]+\s+((?:the|a|an)\s+.*)$", clause)
    if reduced:
        clause = reduced[1]  # "an idea the opposition Civic Party (has called)"
    previous = None
    while True:
        previous, clause = clause, TRAILING.sub("", LEADING.sub("", clause)).strip()
        if clause == previous:
            break
    clause = re.sub(r"^(?:it comes after|there’s been|there's been)\s+", "", clause, flags=re.IGNORECASE)
    if not clause:
        return None
    words = clause.split()
    if len(words) <= 7 and not re.search(r"\b(?:is|are|was|were|has|have|had|will|would|to)\b", clause):
        return clause
    # a long clause: the last run of capitalised words ("... to the United Nations ..." is not a subject)
    names = re.findall(NAME_RUN, clause)
    return names[-1] if names else None


def _antecedent(segment: str) -> str | None:
    """The noun phrase a "which"/"who" refers back to: the last name in the segment before it."""
    names = re.findall(r"(?:the\s+)?(?:[A-Z][\w’'.-]*(?:\s+(?:of|the|for|and)\s+|\s+))*[A-Z][\w’'.-]*", segment)
    return names[-1] if names else None


def acronyms(text: str) -> dict[str, str]:
    """"the UK’s ministry of defence (MoD)" -> {"mod": "the UK’s ministry of defence"}."""
    found = {}
    for m in re.finditer(r"((?:the\s+)?(?:[\w’'-]+\s+){1,6}?[\w’'-]+)\s+\(([A-Z][A-Za-z]{1,7})\)", text):
        found[m[2].lower()] = m[1]
    return found


# -- agents ---------------------------------------------------------------------------------------------

@dataclass
class AgentGuess:
    id: str
    label: str
    kind: str  # sheet spelling (news-outlet, ...)
    type: str = "organization"
    new: bool = True
    mentions: list[str] = field(default_factory=list)
    how: str = ""
    name: str = ""  # the words its mentions are matched against (a person's name, without the role)

    def __post_init__(self) -> None:
        self.name = self.name or self.label


KB_KINDS = {"news outlet": "news-outlet", "belligerent government": "belligerent-government",
            "third-party government": "third-party-government", "intelligence agency": "intelligence-agency",
            "politician": "politician", "anonymous officials": "anonymous-officials",
            "research group": "research-group", "pollster": "pollster", "fact-checker": "fact-checker",
            "unclassified": "unclassified"}


def slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))
    words = [w for w in words if w not in ("the", "a", "an")]
    return "-".join(words)[:60].strip("-") or "agent"


class Agents:
    """The agents of one article: those of the knowledge base it matches, and new ones it names."""

    def __init__(self, known: list[dict], taken_ids: set[str], aliases: dict[str, str]) -> None:
        self.known = [a for a in known if a["agent"] not in ("unattributed", "claimkb-curators")]
        self.taken = set(taken_ids)
        self.by_id: dict[str, AgentGuess] = {}
        self.recent: list[str] = []  # agent ids in order of mention
        self.phrases: list[tuple[str, str]] = []  # (agent id, the words that named it), in order
        self.aliases = aliases  # acronym -> phrase
        labels = [self._main(a["label"]) for a in self.known]
        counts: dict[str, int] = {}
        for tokens in labels:
            for t in set(tokens):
                counts[t] = counts.get(t, 0) + 1
        self.idf = {t: math.log(1 + len(labels) / c) for t, c in counts.items()}

    @staticmethod
    def _main(label: str) -> list[str]:
        return _tokens(re.sub(r"\([^)]*\)", " ", label))

    def weight(self, token: str) -> float:
        return self.idf.get(token, math.log(1 + max(len(self.known), 1)))

    def _score(self, phrase: list[str], label: list[str]) -> float:
        if not phrase or not label:
            return 0.0
        if set(label) <= set(phrase):
            return 1.0 + 0.01 * len(label)
        common = set(phrase) & set(label)
        if not common:
            return 0.0
        matched = sum(self.weight(t) for t in common)
        precision = matched / sum(self.weight(t) for t in set(phrase))
        recall = matched / sum(self.weight(t) for t in set(label))
        return 2 * precision * recall / (precision + recall)

    def mention(self, agent_id: str) -> None:
        self.recent.append(agent_id)

    def _last(self, test) -> AgentGuess | None:
        for agent_id in reversed(self.recent):
            guess = self.by_id[agent_id]
            if test(guess):
                return guess
        return None

    def resolve(self, phrase: str, role: str | None = None, hint: str | None = None) -> AgentGuess | None:
        """The agent a claimant phrase names; None when the phrase names nobody."""
        raw = " ".join(phrase.replace("\u00a0", " ").split()).strip(" ,.:;“”\"")
        raw = re.sub(r"^(?:a|an)\s+(?:spokesperson|spokesman|spokeswoman|official|source|representative)"
                     r"\s+(?:for|of|from|at)\s+", "", raw, flags=re.IGNORECASE)
        lowered = raw.lower()
        words = lowered.split()
        if not words:
            return None
        if lowered in PRONOUNS:
            want = PRONOUNS[lowered]
            found = self._last(lambda g: (g.type == "person") == (want == "person"))
            return self._use(found, f"the pronoun {raw!r}") if found else None
        core = [w for w in words if w not in ("the", "this", "that")]
        if len(core) == 1 and (words[0] in ("the", "this", "that") or core[0] in self.aliases):
            noun = core[0]
            for agent_id, said in reversed(self.phrases):  # the latest mention that used the same word
                if noun != "outlet" and re.search(rf"\b{re.escape(noun)}\b", said, re.IGNORECASE):
                    return self._use(self.by_id[agent_id], f"{raw!r} refers back to {said!r}", raw)
            expanded = self.aliases.get(noun)
            if expanded and expanded.lower() != lowered:
                found = self.resolve(expanded)
                if found:
                    found.how = f"{raw!r} abbreviates {expanded!r}"
                    return found
            if noun == "outlet":
                found = self._last(lambda g: g.kind == "news-outlet")
            elif noun in DESCRIPTIONS:
                found = self._last(lambda g: g.type != "person")
            else:
                found = self._last(lambda g: noun in _tokens(g.label))
            if found:
                return self._use(found, f"{raw!r} refers back to {found.label!r}", raw)
        tokens = [t for t in _tokens(raw) if t not in DESCRIPTIONS] or _tokens(raw)
        # a name the article used before
        for guess in list(self.by_id.values()):
            mine = [t for t in _tokens(guess.name) if t not in DESCRIPTIONS]
            if guess.new and mine and tokens and (set(tokens) <= set(mine) or set(mine) <= set(tokens)):
                if set(mine) < set(tokens) and raw[:1].isupper():
                    guess.label = _label(raw, role)
                    guess.name = raw
                return self._use(guess, f"named earlier as {guess.label!r}", raw)
        best, score = None, 0.0
        for agent in self.known:
            s = self._score(tokens, self._main(agent["label"]))
            if s > score:
                best, score = agent, s
        if best is not None and score >= 0.6:
            guess = self.by_id.get(best["agent"]) or AgentGuess(
                best["agent"], best["label"], KB_KINDS.get(best["kind"], "unclassified"),
                ("person" if KB_KINDS.get(best["kind"]) == "politician" and len(best["label"].split()) <= 3
                 else "organization"),
                new=False)
            self.by_id[guess.id] = guess
            return self._use(guess, f"{raw!r} matches {best['label']!r} in the knowledge base ({score:.2f})", raw)
        if len(core) <= 1 and words[0] in ("the", "this", "that"):
            return None  # "the ministry" with nothing to refer back to: not enough for a new agent
        return self._use(self.new(raw, role, hint), f"new: {raw!r}", raw)

    def _use(self, guess: AgentGuess, how: str, said: str | None = None) -> AgentGuess:
        guess.how = how
        self.by_id[guess.id] = guess
        self.mention(guess.id)
        if said:
            self.phrases.append((guess.id, said))
        return guess

    def new(self, phrase: str, role: str | None = None, hint: str | None = None,
            agent_id: str | None = None) -> AgentGuess:
        label = _label(phrase, role)
        base = agent_id or slug(re.sub(r"^(?:the)\s+", "", phrase, flags=re.IGNORECASE))
        ident, n = base, 2
        while ident in self.taken or ident in self.by_id:
            ident, n = f"{base}-{n}", n + 1
        self.taken.add(ident)
        kind, kind_type = guess_kind(phrase, role, hint)
        name = re.sub(r"^(?:the)\s+", "", phrase.strip(), flags=re.IGNORECASE)
        guess = AgentGuess(ident, label, kind, kind_type, new=True, mentions=[phrase], name=name)
        self.by_id[ident] = guess
        return guess


def _label(phrase: str, role: str | None) -> str:
    label = re.sub(r"^(?:the)\s+", "", phrase.strip(), flags=re.IGNORECASE)
    label = label[:1].upper() + label[1:]
    return f"{label}, {role}" if role else label


def guess_kind(phrase: str, role: str | None = None, hint: str | None = None) -> tuple[str, str]:
    """(kind, type) from the words of a name: a guess for the reviewer."""
    words = [w.strip(".,’'").lower() for w in phrase.split()]
    everything = set(words) | set((role or "").lower().replace(",", " ").split()) | set((hint or "").lower().split())
    capitals = [w for w in phrase.split() if w[:1].isupper()]
    if not set(words) & ORG_WORDS and len(capitals) >= 2 and all(w[:1].isupper() for w in phrase.split()[-2:]) \
            and hint != "news outlet":  # a person's name; a role after it does not make it an outlet
        return ("politician" if everything & POLITICAL_TITLES else "unclassified"), "person"
    if set(words) & OUTLET_WORDS or (hint or "") == "news outlet" or phrase.lower().endswith("wire"):
        return "news-outlet", "organization"
    if "officials" in words:
        return "anonymous-officials", "organization"
    if everything & {"polling", "pollster", "poll"} or (
            set(words) & {"research"} and not set(words) & GOVERNMENT_WORDS):
        return "pollster" if everything & {"polling", "pollster", "poll"} else "research-group", "organization"
    if set(words) & GOVERNMENT_WORDS:
        return "third-party-government", "government-organization"
    capitals = [w for w in phrase.split() if w[:1].isupper()]
    if not set(words) & ORG_WORDS and len(capitals) >= 2 and all(w[:1].isupper() for w in phrase.split()[-2:]):
        return ("politician" if everything & POLITICAL_TITLES else "unclassified"), "person"
    return "unclassified", "organization"
