"""The table renderer's fast paths give what their plain definitions give.

`render.py` skips work it can prove is a no-op (a printable text has nothing to escape), works a table a
column at a time and once per distinct cell, and `compact` looks an IRI's namespace up instead of trying
every prefix. Each is compared here with the plain definition it replaced, on random input that reaches
the cases the fast path skips: control characters, bidi marks, newlines, tabs, IRIs with and without a
known namespace, cut and uncut tables.
"""

from __future__ import annotations

import random
import re
import sys
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

import pytest

from claimkb import render
from claimkb.namespaces import PREFIXES, compact
from claimkb.records import Records, record, text_of

# -- the plain definitions --------------------------------------------------------------------------

_CONTROL = render._CONTROL


def plain_escape(text: str) -> str:
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def plain_people(value: Any) -> Any:
    if isinstance(value, str):
        return plain_escape(value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\t", "\\t"))
    if isinstance(value, tuple):
        items = [plain_people(v) for v in value]
        if hasattr(value, "_fields"):
            return type(value)._make(items)
        return tuple(items)
    if isinstance(value, list):
        return [plain_people(v) for v in value]
    if isinstance(value, dict):
        return {k: plain_people(v) for k, v in value.items()}
    return value


def plain_shown(value: str) -> str:
    if value.startswith(("http://", "https://")) and not re.search(r"\s", value):
        return plain_escape(plain_compact(value))
    return plain_escape(value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\t", "\\t"))


def plain_compact(iri: str) -> str:
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        local = iri[len(PREFIXES[best]):]
        if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
            return f"{best}:{local}"
    return iri


def plain_is_id(values: list[str]) -> bool:
    return bool(values) and all(re.fullmatch(r"[a-z]+:[A-Za-z0-9_.-]+|https?://\S+", v) for v in values if v)


def plain_table(header: list[str], rows: list[list[str]], width: int | None = None, max_cell: int = 60) -> str:
    if not rows:
        return ""
    last = len(header) - 1
    ids = [plain_is_id([r[i] for r in rows]) for i in range(len(header))]
    cutting = width is not None
    cells = [[c if (i == last or ids[i] or not cutting) else render.shorten(c, max_cell) for i, c in enumerate(row)]
             for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
    if cutting:
        fixed = widths[:last]
        while sum(fixed) + 2 * last + 20 > width:
            cuttable = [i for i, w in enumerate(fixed) if not ids[i] and w > 12]
            if not cuttable:
                break
            widest = max(cuttable, key=lambda i: fixed[i])
            fixed[widest] -= 1
        widths[:last] = fixed
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row in cells:
        line = [c if i == last else (render.shorten(c, widths[i]) if cutting and not ids[i] else c).ljust(widths[i])
                for i, c in enumerate(row)]
        lines.append("  ".join(line).rstrip())
    return "\n".join(lines) + "\n"


# -- random input -----------------------------------------------------------------------------------

NASTY = ["\n", "\r\n", "\t", "\x1b", "\x00", "\x7f", "\x85", "\u061c", "\u200e", "\u202e", "\u2028", "\u2066",
         "\u00a0", "\u200b", "\u00ad", "\\", " ", "é", "…", "中"]
NAMESPACES = [str(ns) for ns in PREFIXES.values()] + ["https://example.org/", "http://x.test/a#", "urn:x:"]


def a_text(rng: random.Random) -> str:
    words = ["fact", "Kyiv", "700,000", "more than", "x", "a-b_c.d", ""]
    pieces = [rng.choice(words) for _ in range(rng.randint(0, 4))]
    if rng.random() < 0.4:
        pieces.insert(rng.randint(0, len(pieces)), rng.choice(NASTY))
    return " ".join(pieces) if rng.random() < 0.5 else "".join(pieces)


def an_iri(rng: random.Random) -> str:
    local = rng.choice(["D01-c02", "syn-q00000", "a.b", "a.", "", "x/y", "x#y", "é1", "a b", "a\nb", "q\u202e"])
    return rng.choice(NAMESPACES) + local


def a_cell(rng: random.Random) -> str:
    return an_iri(rng) if rng.random() < 0.4 else a_text(rng)


# -- the comparisons --------------------------------------------------------------------------------

def test_every_character_the_escapes_change_is_unprintable():
    """`escape_controls` and `for_people` return a printable text untouched: that is right only while
    every character they would change is one `str.isprintable` refuses."""
    changed = [chr(c) for c in range(sys.maxunicode + 1)
               if not 0xD800 <= c <= 0xDFFF and (_CONTROL.match(chr(c)) or chr(c) in "\r\n\t")]
    assert len(changed) > 60  # C0, C1, DEL, the line separators and the bidi controls
    assert [c for c in changed if c.isprintable()] == []


def test_escaping_equals_the_plain_definition_on_every_special_character():
    for c in NASTY + [chr(i) for i in range(0x100)] + ["\u2029", "\u200f", "\u2069", "\ud800"]:
        for text in (c, f"a{c}b", c * 3):
            assert render.escape_controls(text) == plain_escape(text)
            assert render.shown(text) == plain_shown(text)
            assert render.for_people(text) == plain_people(text)


@record
class Inner(NamedTuple):
    label: str
    value: Decimal | None
    day: date | None


@record
class Outer(NamedTuple):
    name: str
    inner: Inner
    items: tuple[Inner, ...]
    words: list[str]
    counts: dict[str, Any]
    flag: bool
    size: int


class Text(str):
    """A str subclass: still a text to escape, and given back as a plain str."""


@pytest.mark.parametrize("seed", range(20))
def test_for_people_equals_the_plain_definition_on_random_records(seed):
    rng = random.Random(seed)

    def inner() -> Inner:
        return Inner(a_text(rng), rng.choice([None, Decimal("1.0"), Decimal("1.00"), Decimal(7)]),
                     rng.choice([None, date(2024, 11, 1)]))

    values = [Outer(a_cell(rng), inner(), tuple(inner() for _ in range(rng.randint(0, 3))),
                    [a_text(rng) for _ in range(rng.randint(0, 3))],
                    {"n": rng.randint(0, 9), "t": a_text(rng), "l": [a_text(rng), (a_text(rng), 1)]},
                    rng.random() < 0.5, rng.randint(0, 99))
              for _ in range(50)]
    values.append(Text("a\nb\x1b"))
    values += [values[i] for i in range(0, 50, 7)] + [tuple(values[:5])] * 2  # records met again
    got, want = render.for_people(values), plain_people(values)
    assert got == want
    assert [type(v) for v in got] == [type(v) for v in want]
    assert all(type(a.inner.value) is type(b.inner.value) and str(a.inner.value) == str(b.inner.value)
               for a, b in zip(got[:50], values[:50], strict=True))  # 1.00 stays 1.00, not 1.0


@pytest.mark.parametrize("seed", range(20))
def test_compact_equals_trying_every_prefix(seed):
    rng = random.Random(seed)
    iris = [an_iri(rng) for _ in range(300)] + [str(ns) for ns in PREFIXES.values()] + ["", "/", "#", "a"]
    compact.cache_clear()
    assert [compact(i) for i in iris] == [plain_compact(i) for i in iris]


def test_compacts_local_name_pattern_is_the_plain_character_test_at_every_code_point():
    from claimkb.namespaces import _LOCAL

    def plain(local: str) -> bool:
        return bool(local) and all(c.isalnum() or c in "-_." for c in local) and not local.endswith(".")

    differ = [hex(i) for i in range(sys.maxunicode + 1)
              for local in (chr(i), "a" + chr(i), chr(i) + ".")
              if bool(_LOCAL.fullmatch(local)) != plain(local)]
    assert differ == []


def test_every_namespace_ends_where_compact_cuts_an_iri():
    assert [ns for ns in PREFIXES.values() if not str(ns).endswith(("/", "#"))] == []


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("width", [None, 20, 60, 100, 200])
def test_the_column_wise_table_equals_the_row_wise_one(seed, width):
    rng = random.Random(seed)
    columns = rng.randint(1, 6)
    header = [rng.choice(["claim", "other", "reason", "kind", "value", "a\tb"]) for _ in range(columns)]
    kinds = [rng.choice([an_iri, a_text, a_cell]) for _ in range(columns)]
    rows = [[kinds[i](rng) if rng.random() < 0.9 else "" for i in range(columns)]
            for _ in range(rng.randint(0, 40))]
    for r in rows:
        if rng.random() < 0.1:  # a long cell, to be cut on a narrow terminal
            r[rng.randrange(columns)] = "long words " * rng.randint(5, 20)
    cells = [[plain_shown(c) for c in r] for r in rows]
    assert render.text_table(header, cells, width) == plain_table(header, cells, width)


@record
class Row(NamedTuple):
    claim: str
    value: Decimal | None
    day: date | None
    parts: tuple[str, ...]
    count: int


class Custom(NamedTuple):
    claim: str

    def flat(self) -> dict[str, str]:
        return {"claim": self.claim.upper(), "extra": "x"}


def test_flat_columns_are_flat_rows_by_column():
    rows = [Row("a", Decimal("1.50"), date(2024, 2, 29), ("x", "y"), 3), Row("b", None, None, (), 0),
            Row("c\n", Decimal("-0"), date(1, 1, 1), ("z",), -1)]
    for items, columns in ((rows, ["claim", "value", "day", "parts", "count", "absent"]),
                           ([Custom("a"), Custom("b")], ["claim", "extra", "absent"]),
                           (rows[:1] + [Custom("q")], ["claim", "value"]),
                           ([], ["claim"])):
        records = Records(items, columns)
        flat = records.flat_rows()
        assert records.flat_columns() == {c: [r.get(c, "") for r in flat] for c in columns}
    assert Records(rows, ["value"]).flat_columns() == {"value": ["1.50", "", text_of(Decimal("-0"))]}  # exact


@pytest.mark.parametrize("seed", range(10))
def test_flat_columns_write_equal_values_of_different_text_apart(seed):
    """A column is written once per distinct value only where equal values have one text: 1, True,
    1.0, Decimal("1") and Decimal("1.0") are equal in Python and not in a table."""
    rng = random.Random(seed)
    pool = [1, True, 1.0, Decimal("1"), Decimal("1.0"), "1", None, 0, False, "", (), ("1",), 7, "x", -0, 2**70]
    kinds = [[v for v in pool if type(v) in (int, str, type(None))], pool]
    drawn = [rng.choice(kinds) for _ in range(5)]  # a column of plain values, or of anything
    rows = [Row(*(rng.choice(values) for values in drawn)) for _ in range(60)]
    records = Records(rows, ["claim", "value", "day", "parts", "count"])
    flat = records.flat_rows()
    assert records.flat_columns() == {c: [r.get(c, "") for r in flat] for c in records.columns}


def test_a_traces_shared_comparisons_are_written_as_each_claim_alone_would_be(kb):
    """`trace_text` writes the lines of comparisons it met before once (by the records and their totals):
    the same text as each claim written alone, with shared records, and with the same records under
    other totals."""
    from claimkb import views

    trace = kb.trace("701650")
    items = [item for item in trace.claims if item.compared]
    assert items, "the bundled trace compares figures"
    first = items[0]
    other_totals = {relation: n + 1 for relation, n in first.totals.items()}
    shared = (first, first._replace(claim=items[-1].claim), first._replace(totals=other_totals), *items)
    trace = trace._replace(claims=shared)
    alone = [views.traced_text(item, i) + "\n" for i, item in enumerate(shared, start=1)]
    text = views.trace_text(trace, render.Options())
    assert text == (views.trace_heading(trace) + "\n\n" + "".join(alone)).rstrip("\n") + "\n"
    assert views.compared_lines(first.compared, other_totals) != views.compared_lines(first.compared, first.totals)
