"""Vietnamese numbers and calendar arithmetic: pure functions, table-driven."""

import pytest

from extractors import dates
from extractors.numbers import parse_number, parse_number_words, scaled


@pytest.mark.parametrize(
    "written, value",
    [
        ("5.835", 5835),
        ("945,4", 945.4),
        ("89,51", 89.51),
        ("1.553", 1553),
        ("10.293", 10293),
        ("179", 179),
        ("1.234.567,8", 1234567.8),
        ("8.3", 8.3),
        ("0,5", 0.5),
        ("2.157", 2157),
    ],
)
def test_parse_number(written, value):
    assert parse_number(written) == value


@pytest.mark.parametrize(
    "written, scale, value",
    [
        ("179", "nghìn", 179_000),
        ("1,2", "triệu", 1_200_000),
        ("3", "vạn", 30_000),
        ("2,5", "tỷ", 2_500_000_000),
        ("1,5", "nghìn tỷ", 1_500_000_000_000),
    ],
)
def test_scale_words_multiply(written, scale, value):
    assert scaled(parse_number(written), scale) == value


@pytest.mark.parametrize(
    "words, value",
    [
        ("mười", 10),
        ("mười lăm", 15),
        ("hai mươi", 20),
        ("hai mươi mốt", 21),
        ("ba mươi tư", 34),
        ("một trăm linh năm", 105),
        ("chín", 9),
    ],
)
def test_number_words(words, value):
    assert parse_number_words(words) == value


@pytest.mark.parametrize("bad", ["abc", "5,8,3", ""])
def test_not_a_number(bad):
    with pytest.raises(ValueError):
        parse_number(bad)


def test_impossible_date_is_kept_and_flagged():
    interval = dates.day(2021, 11, 31, bound="end")
    assert (interval.start, interval.end, interval.valid) == (None, "2021-11-31", False)
    assert "November has 30 days" in interval.note


@pytest.mark.parametrize(
    "interval, start, end, granularity",
    [
        (dates.quarter(2025, 4), "2025-10-01", "2025-12-31", "quarter"),
        (dates.months_of_year(2020, 3, first=False), "2020-10-01", "2020-12-31", "quarter"),
        (dates.months_of_year(2021, 6, first=True), "2021-01-01", "2021-06-30", "half-year"),
        (dates.month(2024, 2), "2024-02-01", "2024-02-29", "month"),
        (dates.year(2025), "2025-01-01", "2025-12-31", "year"),
        (dates.years(2026, 2030), "2026-01-01", "2030-12-31", "multi-year"),
        (dates.before_tet(2022), None, "2022-01-31", "day"),
    ],
)
def test_intervals(interval, start, end, granularity):
    assert (interval.start, interval.end, interval.granularity, interval.valid) == (start, end, granularity, True)
