"""Date resolution, number reading and comparison intervals: the rules every answer rests on."""

from datetime import date
from fractions import Fraction

import pytest

from claimkb.ingest import dates
from claimkb.model import probability_band
from claimkb.numbers import parse_number

PUBLISHED = (date(2024, 11, 5), date(2024, 11, 6))


@pytest.mark.parametrize(
    ("phrase", "start", "end", "precision", "inferred"),
    [
        ("on November 5", date(2024, 11, 5), date(2024, 11, 5), "day", True),
        ("on Tuesday", date(2024, 11, 5), date(2024, 11, 5), "day", True),
        ("last week", date(2024, 10, 28), date(2024, 11, 3), "week", True),
        ("over the last week of October", date(2024, 10, 25), date(2024, 10, 31), "week", True),
        ("October", date(2024, 10, 1), date(2024, 10, 31), "month", True),
        ("in March 2022", date(2022, 3, 1), date(2022, 3, 31), "month", False),
        ("in 2024", date(2024, 1, 1), date(2024, 12, 31), "year", False),
        ("in the summer", date(2024, 6, 1), date(2024, 8, 31), "season", True),
        ("now", date(2024, 11, 5), date(2024, 11, 6), "day", True),
    ],
)
def test_date_phrase_resolves_against_publication_interval(phrase, start, end, precision, inferred):
    got = dates.resolve(phrase, PUBLISHED)
    assert got[:4] == (start, end, precision, inferred)
    if inferred:
        assert "2024-11-05..2024-11-06" in got[4]


def test_a_named_day_is_read_against_the_latest_publication_date_not_spread_over_a_year():
    assert dates.resolve("on November 6", PUBLISHED)[:3] == (date(2024, 11, 6), date(2024, 11, 6), "day")


def test_weekday_is_latest_on_or_before_document_date():
    assert dates.resolve("on Tuesday", (date(2024, 11, 4), date(2024, 11, 4)))[:2] == (
        date(2024, 10, 29), date(2024, 10, 29))


def test_unknown_date_phrase_is_an_error():
    with pytest.raises(dates.UnknownPhrase, match="cannot resolve the date phrase 'soonish'"):
        dates.resolve("soonish", PUBLISHED)


@pytest.mark.parametrize(
    ("text", "value"),
    [("701650", 701650), ("701,650", 701650), ("701 650", 701650), ("701\u00a0650", 701650),
     ("1,146", 1146), ("1146 sq km", 1146), ("two-thirds", Fraction(2, 3)), ("2/3", Fraction(2, 3)),
     ("10k", 10000), ("1.5 million", 1500000), ("66%", Fraction(66, 100)),
     ("six hundred thousand", 600000), ("1354.2", Fraction(13542, 10)), ("one", 1),
     ("35 per cent", Fraction(35, 100)), ("14.6 percent", Fraction(146, 1000))],
)
def test_numbers_are_read_however_they_are_written(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "2/0", "meat"])
def test_non_numbers_are_refused(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("words", "band"),
    [("almost certainly", "AlmostCertain"), ("almost certain", "AlmostCertain"), ("likely", "Likely"),
     ("highly likely", "HighlyLikely"), ("highly unlikely", "HighlyUnlikely"), ("may have", None)],
)
def test_hedges_map_to_the_uk_yardstick(words, band):
    assert probability_band(words) == band
