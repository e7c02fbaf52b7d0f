"""Calendar arithmetic for deadlines and periods: pure functions over (year, month, day)."""

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from .rules import load_table

ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
    "xi": 11,
    "xii": 12,
}


@dataclass(frozen=True)
class Interval:
    """A normalized time span; `valid` is False for impossible dates such as 31/11."""

    start: str | None
    end: str | None
    granularity: str
    valid: bool = True
    note: str | None = None


def iso(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}"


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def check_date(year: int, month: int, day: int) -> str | None:
    """None when the date exists, else the reason it does not."""
    if not 1 <= month <= 12:
        return f"month {month} does not exist"
    if not 1 <= day <= last_day(year, month):
        return f"{day}/{month}/{year} does not exist ({calendar.month_name[month]} has {last_day(year, month)} days)"
    return None


def day(year: int, month: int, day_: int, *, bound: str = "both") -> Interval:
    """One day; an impossible date keeps its literal ISO form and is flagged."""
    reason = check_date(year, month, day_)
    value = iso(year, month, day_)
    start = value if bound in ("both", "start") else None
    end = value if bound in ("both", "end") else None
    return Interval(start, end, "day", reason is None, reason)


def month(year: int, month_: int) -> Interval:
    reason = check_date(year, month_, 1)
    if reason:
        return Interval(None, None, "month", False, reason)
    return Interval(iso(year, month_, 1), iso(year, month_, last_day(year, month_)), "month")


def quarter(year: int, q: int) -> Interval:
    if not 1 <= q <= 4:
        return Interval(None, None, "quarter", False, f"quarter {q} does not exist")
    first = 3 * q - 2
    return Interval(iso(year, first, 1), iso(year, first + 2, last_day(year, first + 2)), "quarter")


def months_of_year(year: int, count: int, *, first: bool) -> Interval:
    """ "N tháng đầu/cuối năm": the first or last N months of a year."""
    if not 1 <= count <= 12:
        return Interval(None, None, "month", False, f"{count} months is not part of a year")
    start_month = 1 if first else 13 - count
    end_month = count if first else 12
    granularity = {3: "quarter", 6: "half-year", 12: "year"}.get(count, "month")
    return Interval(iso(year, start_month, 1), iso(year, end_month, last_day(year, end_month)), granularity)


def year(year_: int) -> Interval:
    return Interval(iso(year_, 1, 1), iso(year_, 12, 31), "year")


def years(first: int, last: int) -> Interval:
    if last < first:
        return Interval(None, None, "multi-year", False, f"{first}-{last} runs backwards")
    return Interval(iso(first, 1, 1), iso(last, 12, 31), "multi-year")


@lru_cache(maxsize=1)
def _tet_table() -> dict[int, str]:
    return {int(row["year"]): row["tet"] for row in load_table("tet.tsv")}


def before_tet(year_: int) -> Interval:
    """ "trước Tết Nguyên đán": up to the eve of the lunar new year of that year."""
    tet = _tet_table().get(year_)
    if tet is None:
        return Interval(None, None, "day", False, f"no Tết date known for {year_}")
    eve = dt.date.fromisoformat(tet) - dt.timedelta(days=1)
    return Interval(None, eve.isoformat(), "day")


def parse_iso(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
