"""The figures of a sentence as an article writes them: numerals (`701,650`, `212.4`), scale words and
suffixes (`1.2 million`, `700m`, `$4bn`, `$700k`), percentages (`35%`, `35 per cent`), number words (`six
hundred`, `one year`), fractions and proportions (`two-thirds`, `a quarter`, `half`, `one in five`),
multiples (`twice`) and ranges (`between 30 and 40`); each with the comparator words before it, the noun
after it and a guess at its unit. Dates (`November 5`, `in 2019`, `the first half of the year`) are not
figures.

Rules only: the forms are closed classes of English, and a rule says why it fired, which a reviewer can
check; a statistical tagger would need model weights and would still miss "$700k" and "one in five".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from ..ingest.dates import MONTHS
from ..numbers import DENOMINATORS, UNITS

WORD_NUMBERS = {k: v for k, v in UNITS.items() if k not in ("a", "an", "zero")}
SCALE_SUFFIX = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000,
                "tn": 1_000_000_000_000}
SCALE_WORD = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 1_000_000_000_000}
CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
MULTIPLES = {"twice": 2, "double": 2, "triple": 3, "treble": 3}
ORDINALS = {"first", "second", "third", "fourth", "last", "final", "next", "previous"}

# comparator words -> the sheet's comparator; longest first when matched
COMPARATOR_WORDS = {
    "approximately": "approximately", "about": "approximately", "around": "approximately",
    "roughly": "approximately", "some": "approximately", "circa": "approximately", "c.": "approximately",
    "an estimated": "approximately", "estimated": "approximately", "close to": "almost",
    "nearly": "almost", "almost": "almost", "just under": "almost", "just short of": "almost",
    "more than": "more-than", "over": "more-than", "above": "more-than", "in excess of": "more-than",
    "upwards of": "more-than", "at least": "at-least", "no fewer than": "at-least",
    "no less than": "at-least", "a minimum of": "at-least", "up to": "up-to", "as many as": "up-to",
    "as much as": "up-to", "a maximum of": "up-to", "within": "up-to", "less than": "less-than",
    "fewer than": "less-than",
    "under": "less-than", "below": "less-than",
}
# words allowed between a comparator and its figure ("under the age of 30")
GAP = r"(?:the age of |an average of |a total of )?"

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE_WORDS = "|".join(SCALE_WORD)
_NUMERAL = re.compile(
    rf"(?<![\w.,/-])(?P<cur>[$€£¥])?(?P<num>{_NUM})"
    rf"(?:(?P<suffix>k|m|mn|bn|b|tn)\b|\s(?P<scale>{_SCALE_WORDS})\b)?"
    r"(?P<pct>%|\s?per\s?cent\b|\s?percent\b)?"
    r"(?![\w-]*\d)(?!-[a-z])"
)
_WORDS = "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
_DENOMS = "|".join(sorted(DENOMINATORS, key=len, reverse=True))
_FRACTION = re.compile(rf"\b(?P<num>(?:a|an|one|{_WORDS})[- ])?(?P<den>{_DENOMS})\b", re.IGNORECASE)
_ONE_IN = re.compile(rf"\b(?P<a>one|{_WORDS}|\d+) in (?P<b>{_WORDS}|\d+)\b", re.IGNORECASE)
_CARDINAL = re.compile(
    rf"\b(?P<words>(?:{_WORDS})(?:[- ](?:{_WORDS}|hundred|thousand|million|billion))*)\b", re.IGNORECASE)
_MULTIPLE = re.compile(r"\b(?P<word>twice|double|triple|treble|(?P<n>two|three|four|five|ten|\d+) times)\b",
                       re.IGNORECASE)
_RANGE = re.compile(rf"\bbetween (?P<a>{_NUM}) and (?P<b>{_NUM})\b|\b(?P<c>{_NUM})(?:-|–| to )(?P<d>{_NUM})\b")
_MONTH = "|".join(sorted((m for m in MONTHS if len(m) > 3 or m == "may"), key=len, reverse=True))
_DATE = re.compile(
    rf"\b(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH})\b(?:\s+\d{{4}})?"
    rf"|\b(?:{_MONTH})\s+\d{{4}}\b"
    r"|\b\d{4}-\d{2}(?:-\d{2})?\b",
    re.IGNORECASE)
_YEAR_BEFORE = re.compile(
    r"(?:\b(?:in|since|of|by|until|till|from|before|after|during|early|late|mid|end|year|and|to|"
    r"between|through|spring|summer|autumn|winter|fall)\s*[,-]?\s*|[-–]\s*)$", re.IGNORECASE)

# nouns after a figure -> the unit the knowledge base uses
UNIT_ALIASES = {
    "people": "persons", "persons": "persons", "person": "persons", "casualties": "persons",
    "residents": "persons", "civilians": "persons", "individuals": "persons",
    "troops": "soldiers", "soldiers": "soldiers", "servicemen": "soldiers",
    "tanks": "units", "systems": "units", "uavs": "units", "drones": "units", "vehicles": "units",
    "aircraft": "units", "helicopters": "units", "missiles": "units", "launchers": "units",
    "sq km": "km2", "square kilometres": "km2", "square kilometers": "km2", "km2": "km2", "km²": "km2",
    "kilometres": "km", "kilometers": "km", "km": "km", "millimetres": "mm", "millimeters": "mm", "mm": "mm",
    "tonnes": "tonnes", "tons": "tonnes", "c": "degrees Celsius", "°c": "degrees Celsius",
    "celsius": "degrees Celsius", "degrees": "degrees", "year": "years", "years": "years", "month": "months",
    "months": "months", "day": "days", "days": "days", "week": "weeks", "weeks": "weeks",
}
PER = re.compile(r"^\s*(?:per|a|an|each|every)\s+(day|week|month|year)\b", re.IGNORECASE)
NOUN_STOP = {
    "of", "in", "to", "from", "at", "on", "since", "by", "for", "that", "which", "who", "and", "or", "but",
    "than", "with", "as", "into", "over", "under", "after", "before", "is", "are", "was", "were", "have",
    "has", "had", "be", "been", "being", "would", "will", "could", "should", "may", "might", "can", "do",
    "did", "does", "it", "its", "their", "his", "her", "the", "a", "an", "this", "these", "those", "more",
    "still", "now", "also", "not", "up", "down", "whom", "whose", "where", "when", "while", "if", "so",
    "believed", "thought", "said", "says", "signing", "remain", "remained", "stuck", "fell", "rose",
    "waiting", "regularly", "vape", "went", "each", "every", "per", "only", "compared",
    "between", "during", "until", "within", "across", "against", "around", "about", "through", "like",
}
LEADING = {"more", "additional", "extra", "new", "further", "other"}
PEOPLE_WORDS = re.compile(r"\b(?:people|persons|dead|died|killed|missing|injured|wounded|casualties|toll|"
                          r"victims|residents)\b", re.IGNORECASE)
CHANGE_TO = re.compile(r"\b(?:rose|fell|climbed|dropped|increased|decreased|grew|reached|jumped|slipped)\s+to\s+$")


@dataclass
class Figure:
    start: int  # offsets of `as_written` in the sentence
    end: int
    as_written: str
    value: Fraction | None
    comparator: str = "exactly"
    comparator_words: str | None = None
    minimum: Fraction | None = None
    maximum: Fraction | None = None
    noun: str | None = None  # the noun phrase after the figure, as printed
    unit: str | None = None
    share: bool = False
    words: bool = False  # written in words
    notes: list[str] = field(default_factory=list)

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


def _numeral_value(m: re.Match) -> Fraction:
    value = Fraction(m["num"].replace(",", ""))
    if m["suffix"]:
        value *= SCALE_SUFFIX[m["suffix"].lower()]
    if m["scale"]:
        value *= SCALE_WORD[m["scale"].lower()]
    if m["pct"]:
        value /= 100
    return value


def _cardinal(words: str) -> int | None:
    total, current, seen = 0, 0, False
    for word in re.split(r"[\s-]+", words.lower()):
        if word in WORD_NUMBERS:
            current += WORD_NUMBERS[word]
            seen = True
        elif word == "hundred" and seen:
            current *= 100
        elif word in SCALE_WORD and seen:
            total += current * SCALE_WORD[word]
            current = 0
        else:
            return None
    return total + current if seen else None


def _is_year(sentence: str, m: re.Match) -> bool:
    if m["cur"] or m["suffix"] or m["scale"] or m["pct"] or "," in m["num"] or "." in m["num"]:
        return False
    number = int(m["num"])
    if not 1800 <= number <= 2100:
        return False
    before = sentence[:m.start()]
    after = sentence[m.end():]
    if _YEAR_BEFORE.search(before):
        return True
    # "2,000 troops" is written with a comma; "2024 saw" or "in 2024," is a year
    return not re.match(r"\s+[a-z]", after) or bool(re.match(r"\s+(?:saw|was|had|brought)\b", after))


def _taken(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(a < e and s < b for s, e in spans)


def _comparator(sentence: str, start: int) -> tuple[str, str | None, int]:
    """The comparator words that end just before `start` (allowing "the age of" between)."""
    before = sentence[:start]
    for words in sorted(COMPARATOR_WORDS, key=len, reverse=True):
        m = re.search(rf"(?:^|[\s(“\"])({re.escape(words)})\s+{GAP}[“\"]?$", before, re.IGNORECASE)
        if m:
            if words in ("over", "under", "below", "above") and re.search(
                    rf"\b{words}\s+{GAP}$", before, re.IGNORECASE) is None:
                continue
            return COMPARATOR_WORDS[words], m[1], m.start(1)
    return "exactly", None, start


def _noun(sentence: str, end: int) -> str | None:
    """The noun phrase right after a figure, up to the first function word or punctuation."""
    rest = sentence[end:]
    if area := re.match(r"\s*((?:sq|square)\s*(?:km|kilometres|kilometers|miles))\b", rest, re.IGNORECASE):
        return area[1]
    words: list[str] = []
    tokens = [m[1] for m in re.finditer(r"[\s\u00a0]*([A-Za-z][\w’'-]*|\(|[,.;:)“”\"])", rest)]
    if len(tokens) > 2 and tokens[0].lower() == "of" and tokens[1].lower() in ("the", "its", "their", "all"):
        tokens = tokens[2:]  # "88 of the schools", "3,400 of the port's workers"
    while tokens and tokens[0].lower() in LEADING:
        tokens = tokens[1:]
    for i, word in enumerate(tokens):
        if not word[0].isalpha() or word.lower() in NOUN_STOP or len(words) >= 4:
            break
        following = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
        if words and word.lower().endswith("ed") and (not following[:1].isalpha() or following in NOUN_STOP):
            break  # "troops believed to", not "flavoured vapes"
        if words and word.lower().endswith("ing") and following in ("a", "an", "the", "their", "its", "to"):
            break  # "people signing an online petition"
        words.append(word)
    return " ".join(words) or None


def _unit(noun: str | None, currency: str | None, rest: str) -> str | None:
    per = PER.match(rest)
    if currency:
        base = currency
    elif noun:
        lowered = noun.lower()
        head = noun.split()[-1]
        base = UNIT_ALIASES.get(lowered) or UNIT_ALIASES.get(head.lower()) or (
            head if head.isupper() else head.lower())
    else:
        return None
    if noun and rest.startswith(" " + noun):
        per = PER.match(rest[len(noun) + 1:])
    return f"{base} per {per[1].lower()}" if per else base


def _share_unit(sentence: str, start: int, end: int) -> str | None:
    """"35% of parents" -> share of parents; "share of X ... 41%" -> share of X."""
    after = sentence[end:]
    m = re.match(r"\s+of\s+(?:the\s+|all\s+|its\s+|their\s+|his\s+|her\s+|an?\s+)?(.*)", after)
    if m:
        noun = _noun(" " + m[1], 0)
        if noun:
            return f"share of {noun}"
    m = re.match(r"\s+(?:[A-Z][\w’'-]*\s+)*([a-z][\w’'-]*s)\b", after)
    if m and m[1].lower() not in NOUN_STOP:
        return f"share of {m[1]}"
    m = re.search(r"\bshare of ((?:[A-Z][\w’'-]*’s\s+|[A-Z][\w'-]*'s\s+)?[\w’' -]+?)"
                  r"\s+(?:has|have|had|is|was|fell|rose)\b", sentence[:start])
    if m:
        return f"share of {m[1]}"
    return None


def find(sentence: str) -> list[Figure]:
    """Every figure of one sentence, in order."""
    dates = [(m.start(), m.end()) for m in _DATE.finditer(sentence)]
    dates += [(m.start(), m.end()) for m in re.finditer(
        r"\b(?:first|second|third|fourth|last|final)\s+(?:half|quarter)\b", sentence, re.IGNORECASE)]
    taken: list[tuple[int, int]] = list(dates)
    figures: list[Figure] = []

    for m in _RANGE.finditer(sentence):
        a, b = (m["a"], m["b"]) if m["a"] else (m["c"], m["d"])
        if _taken(taken, m.start(), m.end()):
            continue
        low, high = Fraction(a.replace(",", "")), Fraction(b.replace(",", ""))
        if low >= high or (1800 <= low <= 2100 and 1800 <= high <= 2100 and "," not in a + b):
            continue
        fig = Figure(m.start(), m.end(), m[0], None, "between", "between" if m["a"] else None,
                     minimum=low, maximum=high)
        figures.append(fig)
        taken.append((m.start(), m.end()))

    for m in _NUMERAL.finditer(sentence):
        if _taken(taken, m.start(), m.end()) or _is_year(sentence, m):
            continue
        value = _numeral_value(m)
        fig = Figure(m.start(), m.end(), m[0].strip(), value, share=bool(m["pct"]))
        fig.notes.append("numeral")
        if m["cur"]:
            fig.unit = CURRENCY[m["cur"]]
        figures.append(fig)
        taken.append((m.start(), m.end()))

    for m in _ONE_IN.finditer(sentence):
        if _taken(taken, m.start(), m.end()):
            continue
        a, b = (int(x) if x.isdigit() else WORD_NUMBERS.get(x.lower()) for x in (m["a"], m["b"]))
        if not a or not b or a >= b:
            continue
        figures.append(Figure(m.start(), m.end(), m[0], Fraction(a, b), share=True, words=True))
        taken.append((m.start(), m.end()))

    for m in _FRACTION.finditer(sentence):
        if _taken(taken, m.start(), m.end()):
            continue
        before = sentence[:m.start()].rstrip().split()
        if before and before[-1].lower() in ORDINALS:
            continue
        numerator = 1
        if m["num"]:
            word = m["num"].strip(" -").lower()
            numerator = 1 if word in ("a", "an", "one") else WORD_NUMBERS.get(word, 1)
        den = DENOMINATORS[m["den"].lower()]
        if m["den"].lower() in ("third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth") \
                and not m["num"]:
            continue  # "the third day": an ordinal, not a fraction
        figures.append(Figure(m.start(), m.end(), m[0], Fraction(numerator, den), share=True, words=True))
        taken.append((m.start(), m.end()))

    for m in _MULTIPLE.finditer(sentence):
        if _taken(taken, m.start(), m.end()):
            continue
        word = m["word"].lower()
        n = MULTIPLES.get(word) or (int(m["n"]) if m["n"] and m["n"].isdigit()
                                    else WORD_NUMBERS.get((m["n"] or "").lower()))
        if not n:
            continue
        fig = Figure(m.start(), m.end(), m[0], Fraction(n), words=True)
        fig.unit = "ratio"
        figures.append(fig)
        taken.append((m.start(), m.end()))

    for m in _CARDINAL.finditer(sentence):
        if _taken(taken, m.start(), m.end()):
            continue
        number = _cardinal(m["words"])
        if number is None:
            continue
        after = sentence[m.end():]
        follows_unit = re.match(r"\s+(?:more\s+)?[a-z]", after) and not re.match(
            r"\s+(?:of|another|other|another’s|another's|in|by|day|time|way|side|hand)\b", after)
        if number < 2 and not re.match(r"\s+(?:year|month|week|day|hour)s?\b", after):
            continue
        if not follows_unit:
            continue
        figures.append(Figure(m.start(), m.end(), m[0], Fraction(number), words=True))
        taken.append((m.start(), m.end()))

    figures.sort(key=lambda f: f.start)
    for fig in figures:
        if fig.comparator != "between":
            fig.comparator, fig.comparator_words, _ = _comparator(sentence, fig.start)
        rest = sentence[fig.end:]
        if fig.unit is None or fig.unit in CURRENCY.values():
            fig.noun = _noun(sentence, fig.end)
            if fig.share:
                fig.unit = _share_unit(sentence, fig.start, fig.end) or "share"
            elif fig.unit != "ratio":
                fig.unit = _unit(fig.noun, fig.unit, rest)
        if fig.unit is None and re.search(r"\bage of\s*$", sentence[:fig.start]):
            fig.unit = "years"
        if fig.unit is None and CHANGE_TO.search(sentence[:fig.start]):
            first = re.match(r"\s*([A-Za-z][\w’'-]*)", sentence)
            if first and first[1].lower().endswith("s"):
                fig.unit = first[1].lower()  # "Calls ... rose to 1,090"
    specific = None
    for fig in figures:  # "one in five teenagers, down from about a quarter": the same share
        if fig.share and fig.unit == "share" and specific is not None:
            fig.unit = specific
            fig.notes.append("share of the figure before")
        elif fig.share and fig.unit and fig.unit != "share":
            specific = fig.unit
    previous = None
    for fig in figures:
        if fig.unit is None and previous is not None and previous.unit and not previous.share:
            fig.unit = previous.unit  # "4,216 homes, ... up from the 1,980"
            fig.notes.append("unit of the figure before")
        if fig.unit is None and PEOPLE_WORDS.search(sentence):
            fig.unit = "persons"
            fig.notes.append("unit from the words about people")
        previous = fig
    return figures
