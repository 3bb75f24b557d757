"""Fuzzing every importer format and the query-parameter path: every input ends in success or the
project's own error, none raises anything else, none takes more than 5 s. The inputs once found failing
live in tests/data/fuzz/ and are replayed by `test_saved_inputs_stay_fixed`; a new failing input is saved
there only when a person asks for it (CLAIMKB_FUZZ_SAVE=1), never by a plain test run.

    CLAIMKB_FUZZ_EXAMPLES=20000 CLAIMKB_FUZZ_SAVE=1 python -m pytest -m slow tests/test_fuzz.py   # the full run
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimkb import resources
from claimkb.catalogue import Catalogue, bind, coerce
from claimkb.errors import KbError
from claimkb.ingest.sheet import load_any

DATA = Path(__file__).parent / "data"
SAVED = DATA / "fuzz"
EXAMPLES = int(os.environ.get("CLAIMKB_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=5000, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
SEEDS = {
    ".yaml": (resources.kb_dir() / "sheets" / "D01-seed.yaml").read_bytes(),
    ".csv": (DATA / "T01-test.csv").read_bytes(),
    ".json": (DATA / "claimreview.json").read_bytes(),
}


def try_import(data: bytes, suffix: str, folder: Path) -> None:
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    try:
        load_any(path, resources.kb_dir())
    except KbError:
        pass
    except BaseException:
        if os.environ.get("CLAIMKB_FUZZ_SAVE") == "1":
            SAVED.mkdir(exist_ok=True)
            name = hashlib.sha256(data).hexdigest()[:16] + suffix
            (SAVED / name).write_bytes(data)
        raise


@st.composite
def mutated(draw, seed: bytes):
    """The seed file with a few random edits: deletions, insertions and replacements of bytes or lines."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(["delete", "insert", "replace", "dup-line", "cut"]))
        if kind == "delete":
            del data[at:at + draw(st.integers(1, 20))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=20) | st.sampled_from(
                [b"\n", b":", b"- ", b"{", b"[", b"'", b'"', b",", b"\\", b"&a", b"*a", b"!!", b"\x00", b"\xff",
                 b"2024-02-30", b"\t", b"\r", b"null", b"~", b"@context", b"{}", b"[]"]))
        elif kind == "replace":
            data[at] = draw(st.integers(0, 255))
        elif kind == "dup-line":
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            end = len(data) if end < 0 else end + 1
            data[end:end] = data[start:end]
        else:
            data = data[:at]
    return bytes(data)


@pytest.mark.slow
@pytest.mark.parametrize("suffix", sorted(SEEDS))
def test_fuzzed_sheets_end_in_success_or_our_error(suffix, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")

    @FUZZ
    @given(data=mutated(SEEDS[suffix]))
    def run(data):
        try_import(data, suffix, folder)

    run()


@pytest.mark.slow
@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_in_any_format_end_in_our_error(data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("bytes")
    for suffix in SEEDS:
        try_import(data, suffix, folder)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(
        st.sampled_from(["@context", "@type", "@graph", "url", "claimReviewed", "reviewRating", "alternateName",
                         "itemReviewed", "author", "name", "datePublished", "appearance", "firstAppearance",
                         "ratingValue", "bestRating", "headline"]) | st.text(max_size=10),
        children, max_size=8),
    max_leaves=40)


@pytest.mark.slow
@FUZZ
@given(value=JSON_VALUES)
def test_structured_claimreview_json_ends_in_success_or_our_error(value, tmp_path_factory):
    try_import(json.dumps(value).encode(), ".json", tmp_path_factory.mktemp("json"))


CATALOGUE = Catalogue(resources.queries_dir())
PARAMETERS = [(q, p) for q in CATALOGUE.all() for p in q.params]


@FUZZ
@given(index=st.integers(0, len(PARAMETERS) - 1), raw=st.text(max_size=60))
def test_fuzzed_query_parameters_end_in_rows_or_our_error(kb, index, raw):
    query, param = PARAMETERS[index]
    try:
        term = coerce(param, raw)
        values = dict(query.example)
        values = {k: coerce(query.param(k), v) for k, v in values.items()}
        values[param.name] = term
        kb.session.backend.select(bind(query, values))
    except KbError:
        pass


def test_saved_inputs_stay_fixed(tmp_path):
    for path in sorted(SAVED.glob("*")):
        try_import(path.read_bytes(), path.suffix, tmp_path)
