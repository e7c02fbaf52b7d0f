"""Deadlines: time expressions that bound when work must be done, as ISO intervals."""

from collections.abc import Iterator
from functools import lru_cache
from typing import Any, TypedDict

import regex

from . import dates
from .context import AnalyzedDocument
from .deadline_cues import cue_id, cue_ids, phrases
from .deadline_starts import starts
from .plan_year import plan_year, year_of_undated
from .rules import alt, load_yaml
from .schema import DeadlineRow, join_rule_id

_YEAR = r"(?:19|20)\d{2}"
_ROMAN_Q = r"iv|iii|ii|i|[1-4]"
_WEEKDAY = r"(?:thứ (?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ nhật)"


@lru_cache(maxsize=1)
def _lunar_names() -> tuple[dict[str, int], dict[str, int]]:
    rules = load_yaml("deadlines.yaml")
    stems, branches = (
        {name: index for index, names in enumerate(rules[key]) for name in names}
        for key in ("lunar_stems", "lunar_branches")
    )
    return stems, branches


def _lunar_year(stem: str, branch: str, near: int) -> int | None:
    """The year within a few of `near` whose sexagenary name is `stem branch`."""
    stems, branches = _lunar_names()
    for year in sorted(range(near - 2, near + 3), key=lambda y: abs(y - near)):
        if (year - 4) % 10 == stems[stem.lower()] and (year - 4) % 12 == branches[branch.lower()]:
            return year
    return None


@lru_cache(maxsize=1)
def _pattern() -> regex.Pattern[str]:
    rules = load_yaml("deadlines.yaml")
    cue_ids()  # refuses a phrase twice in one group: a match has one id
    stems, branches = _lunar_names()
    relative = alt(list(rules["relative_years"]))
    cue = (
        rf"(?:(?P<scue>{alt(phrases('start_only'))}):?\s+"
        rf"|(?P<cue>{alt(phrases('end_only', 'within'))})(?:\s+vào)?:?\s+"
        rf"|(?P<lcue>{alt(phrases('cue_before_la'))})(?:\s+[^\s.;:]+){{1,8}}?\s+là:?\s+)"
    )
    every = (
        r"(?:hằng|hàng)\s+(?P<every>tuần|tháng|quý|năm)(?:\s*(?:,|và|hoặc)\s*(?:hằng|hàng)\s+(?:tuần|tháng|quý|năm))*"
    )
    # a weekday or a time of day before the date: "thứ sáu, ngày 10/3", "16h00 ngày 08/10", "7 giờ 30 ngày ..."
    lead = (
        rf"(?:(?:\d{{1,2}}\s*(?:giờ|h)(?:\s*\d{{1,2}}(?:\s*phút)?)?(?:\s+(?:sáng|trưa|chiều|tối))?|{_WEEKDAY})[\s,]*)*"
    )
    day = r"(?:ngày\s*)?(?:(?:mồng|mùng)\s+)?"
    numeric = r"(?P<d#>\d{1,2})(?P<sep#>[/.-])(?P<m#>\d{1,2})(?:(?P=sep#)(?P<y#>" + _YEAR + r"))?(?![\d/])"
    words = (
        r"ngày\s+(?:(?:mồng|mùng)\s+)?(?P<wd#>\d{1,2})\s+tháng\s+(?P<wm#>\d{1,2})(?:\s+năm\s+(?P<wy#>" + _YEAR + "))?"
    )
    # "Từ ngày 05/12/2025 đến ngày 20/02/2026": after a start cue, the end of the span
    span = rf"(?(scue)(?:\s*(?:đến|tới|-|–)\s*{lead}(?:{day}{numeric.replace('#', '2')}|{words.replace('#', '2')}))?)"
    return regex.compile(
        rf"(?<!\p{{L}})(?:{cue})?(?:"
        rf"(?P<rec>(?:ngày\s+(?:(?:mồng|mùng)\s+)?\d{{1,2}}|{_WEEKDAY})\s+(?:của\s+)?{every})"
        rf"|(?P<tet>tết nguyên đán(?: (?P<stem>{alt(list(stems))}) (?P<branch>{alt(list(branches))}))?"
        rf"(?: năm)?(?: (?P<tety>{_YEAR}))?)"
        rf"|{lead}{words.replace('#', '')}{span}"
        rf"|{lead}{day}{numeric.replace('#', '')}{span}"
        rf"|quý (?P<q>{_ROMAN_Q})(?:(?:\s*/\s*|\s+(?:của\s+)?năm\s+)(?P<qy>{_YEAR})"
        rf"|\s+(?:của\s+)?năm\s+(?P<qrel>{relative}))?(?![\p{{L}}\d/])"
        rf"|(?P<n>\d{{1,2}}|ba|sáu|chín) tháng (?P<edge>đầu|cuối) năm"
        rf"(?: (?P<ny>{_YEAR})| (?P<nrel>{relative})(?!\p{{L}}))?"
        rf"|(?:(?:cuối|giữa|đầu)\s+)?tháng (?P<mm>\d{{1,2}})"
        rf"(?:(?:\s*/\s*|\.(?=\d{{4}})|\s+(?:của\s+)?năm\s+)(?P<my>{_YEAR})"
        rf"|\s+(?:của\s+)?năm\s+(?P<mrel>{relative})(?!\p{{L}}))?(?![\d/])"
        rf"|(?:cuối\s+)?năm (?:(?P<yy>{_YEAR})(?![\d/-]| - \d)|(?P<yrel>{relative})(?!\p{{L}}))"
        rf")"
    )  # on folded text: lower case already, and case-blind matching costs a fifth more


def _matches(folded: str) -> Iterator[regex.Match[str]]:
    """`_pattern().finditer(folded)`, the pattern tried only at the start of the text and where
    `deadline_starts.starts` finds a place (a `re` scan): tried at every character it cost most of the
    extractor's time."""
    pattern, end = _pattern(), 0
    if match := pattern.match(folded, 0):
        end = match.end()
        yield match
    for start in starts().finditer(folded):
        if start.end() >= end and (match := pattern.match(folded, start.end())):
            end = match.end()
            yield match


@lru_cache(maxsize=1)
def _not_after() -> regex.Pattern[str]:
    return regex.compile(
        rf"(?<!\p{{L}})(?:{alt(load_yaml('deadlines.yaml')['not_after'])})\s*$"
    )  # "nhà nước" is no "ước"


_COUNT_WORDS = {"ba": 3, "sáu": 6, "chín": 9}


class _NoYear(Exception):
    """The expression names no year and the document has no date: kept with no interval."""


def _year_of(stated: str | None, relative: str | None, year: int | None) -> int:
    if stated:
        return int(stated)
    if year is None:
        raise _NoYear
    return year + (load_yaml("deadlines.yaml")["relative_years"][relative] if relative else 0)


def _day(g: dict[str, str | Any], suffix: str, year: int | None) -> dates.Interval:
    if g["d" + suffix]:
        d, m, y = g["d" + suffix], g["m" + suffix], g["y" + suffix]
    else:
        d, m, y = g["wd" + suffix], g["wm" + suffix], g["wy" + suffix]
    return dates.day(_year_of(y, None, year), int(m), int(d))


def _interval(match: regex.Match[str], year: int | None, published: str | None) -> dates.Interval | None:
    g = match.groupdict()
    if g["tet"]:
        if g["tety"] or not year:
            if not g["tety"]:
                raise _NoYear
            return dates.before_tet(int(g["tety"]))
        if g["stem"]:
            named = _lunar_year(g["stem"], g["branch"], year)
            return dates.before_tet(named) if named else None
        this_year = dates.before_tet(year)  # once this year's Tết has passed, "trước Tết" is next year's
        return dates.before_tet(year + 1) if published and this_year.end and this_year.end < published else this_year
    if g["d"] or g["wd"]:
        if g["sep"] == "." and not (g["cue"] or g["scue"] or g["lcue"]):
            return None  # "5.5" without a cue is a decimal
        spanned = bool(g["d2"] or g["wd2"])
        stated_end = g["y2"] or g["wy2"]
        if spanned and stated_end and not (g["y"] or g["wy"]):
            # "từ ngày 15/12 đến ngày 15/01/2026": the start in the end's year, or the year before
            end_day = _day(g, "2", None)
            first = _day(g, "", int(stated_end))
            if first.start and end_day.end and first.start > end_day.end:
                first = _day(g, "", int(stated_end) - 1)
            return dates.Interval(
                first.start, end_day.end, "day", first.valid and end_day.valid, first.note or end_day.note
            )
        first = _day(g, "", year)
        if spanned:  # a span: its end, in the start's year when it names none
            last = _day(g, "2", int(first.start[:4]) if first.start else year)
            if last.end and first.start and last.end < first.start and not (g["y2"] or g["wy2"]):
                last = dates.day(int(first.start[:4]) + 1, int(last.end[5:7]), int(last.end[8:]))
            return dates.Interval(first.start, last.end, "day", first.valid and last.valid, first.note or last.note)
        return first
    if g["q"]:
        q = g["q"].lower()
        return dates.quarter(_year_of(g["qy"], g["qrel"], year), int(q) if q.isdigit() else dates.ROMAN[q])
    if g["n"]:
        count = int(g["n"]) if g["n"].isdigit() else _COUNT_WORDS[g["n"].lower()]
        return dates.months_of_year(_year_of(g["ny"], g["nrel"], year), count, first=g["edge"].lower() == "đầu")
    if g["mm"]:
        return dates.month(_year_of(g["my"], g["mrel"], year), int(g["mm"]))
    return dates.year(_year_of(g["yy"], g["yrel"], year))


class _Common(TypedDict):
    """What every row of a match has, whatever its interval."""

    text: str
    sentence: str
    start: int
    end: int
    rule_id: str


# a day and month written "3-5" or "3.5", without "ngày" or a year, and a word after it that
# does not go on with a date: what is counted in a range
_BARE_DAY_MONTH = regex.compile(r"(?<!ngày\s*)(?<![\d/.-])\d{1,2}[.-]\d{1,2}$")
_COUNTED_AFTER = regex.compile(r"\s+(?!(?:đến|tới|năm|và|hoặc|hằng|hàng|trở đi)(?!\p{L}))\p{L}")


class _Groups(dict[str, Any]):
    """A match's groups, each read from the match when first asked for: most matches are
    dropped after a look at a few of the pattern's many groups."""

    def __init__(self, match: regex.Match[str]):
        super().__init__()
        self._match = match

    def __missing__(self, key: str) -> Any:
        value = self[key] = self._match.group(key)
        return value


def extract_deadlines(analyzed: AnalyzedDocument) -> list[DeadlineRow]:
    rules = load_yaml("deadlines.yaml")
    rows = []
    planned = plan_year(analyzed)
    year = year_of_undated(analyzed, planned)
    for match in _matches(analyzed.folded):
        groups = _Groups(match)
        cue = (groups["cue"] or groups["lcue"] or groups["scue"] or "").lower()
        if _is_deadline(analyzed.folded, match, groups, cue, rules):
            row = _deadline_row(analyzed, match, groups, cue, rules, year)
            if row is not None:
                rows.append(row)
    if planned and not any(row.start == planned.start for row in rows):
        rows.append(planned)
        rows.sort(key=lambda row: row.start)
    return rows


def _is_deadline(folded: str, match: regex.Match[str], g: dict[str, Any], cue: str, rules: dict[str, Any]) -> bool:
    """Whether a time expression bounds work: a cue, a relative period or a recurrence before
    it, or a time column; not an as-of date nor a period reported on."""
    relative = bool(g["q"] and g["qy"] or g["n"])  # "quý II/2025", "3 tháng cuối năm"
    if not cue and not relative and not g["rec"] and not _in_time_column(folded, match.start()):
        return False
    if g["n"] and g["edge"] is None:
        return False
    if g["scue"] and not (g["d"] or g["wd"]):
        return False  # "từ năm 2016": a start is a day
    if (
        g["scue"]
        and not g["d2"]
        and _COUNTED_AFTER.match(folded, match.end())
        and _BARE_DAY_MONTH.search(match.group())
    ):
        return False  # "từ 3-5 hộ", "từ 10-15 lớp": the range of a count, not a day
    if cue and _not_after().search(folded[max(0, match.start() - 15) : match.start()]):
        return False
    return not ((not cue or cue in rules["as_of_cues"]) and _reports_what_was_done(folded, match.end()))


def _deadline_row(
    analyzed: AnalyzedDocument,
    match: regex.Match[str],
    g: dict[str, Any],
    cue: str,
    rules: dict[str, Any],
    year: int | None,
) -> DeadlineRow | None:
    """The row of one deadline: recurring, unresolved (no year), or an interval in `year` when
    it names none; None for a period already past at the document's date."""
    sentence = analyzed.sentence_at(match.start())
    common = _Common(
        text=analyzed.text[match.start() : match.end()],
        sentence=sentence.text if sentence else "",
        start=match.start(),
        end=match.end(),
        rule_id=join_rule_id(f"deadline.{_kind(g)}", cue_id(g)),
    )
    if g["rec"]:
        every = rules["recurrence"][g["every"]]
        return DeadlineRow(
            start_date=None, end_date=None, granularity="day", valid=True, note=None, recurrence=every, **common
        )
    published = analyzed.published_date
    try:
        undated_year = year if _kind(g) in _PLAN_YEAR_KINDS else analyzed.year  # a day keeps the document's
        interval = _interval(match, undated_year, published)
    except _NoYear:
        note = "no year: the text names none and the document has no date"
        granularity = _GRANULARITY[_kind(g)]
        return DeadlineRow(start_date=None, end_date=None, granularity=granularity, valid=True, note=note, **common)
    if interval is None:
        return None
    spanned = bool(g["d2"] or g["wd2"])
    last = interval.end if not g["scue"] or spanned else interval.start
    if interval.valid and published and last and last < published:
        return None  # a past period or an as-of date, not a deadline
    start_date, end_date = interval.start, interval.end
    if g["scue"] and not spanned:
        end_date = None  # "từ ngày 01/3/2024": the day work starts
    elif cue and not g["scue"] and cue not in phrases("within"):
        start_date = None
    return DeadlineRow(
        start_date=start_date,
        end_date=end_date,
        granularity=interval.granularity,
        valid=interval.valid,
        note=interval.note,
        **common,
    )


_PLAN_YEAR_KINDS = {"quarter", "month", "months_of_year"}  # the kinds a plan's year resolves (plan_year.py)


_GRANULARITY = {
    "tet": "day",
    "day": "day",
    "day_words": "day",
    "quarter": "quarter",
    "months_of_year": "month",
    "month": "month",
    "year": "year",
}


@lru_cache(maxsize=1)
def _clause_words() -> tuple[regex.Pattern[str], regex.Pattern[str], regex.Pattern[str]]:
    rules = load_yaml("deadlines.yaml")
    figure_reached = r"(?<!\p{L})được\s+(?:\p{L}+\s+)?\d"  # "kết nạp được 4.028", "cổ phần hóa được 147"
    return (
        regex.compile(rf"(?<!\p{{L}}){alt(rules['reported'])}(?!\p{{L}})|{figure_reached}"),
        regex.compile(figure_reached),
        regex.compile(rf"(?<!\p{{L}}){alt(rules['directive'])}(?!\p{{L}})"),
    )


def _reports_what_was_done(folded: str, end: int) -> bool:
    """Whether the expression ending at `end` fronts a clause that reports work done ("Đến ngày
    18/12/2021, toàn tỉnh đã kết nạp ...", "kết nạp được 4.028"), or follows a figure reached
    in its sentence: an as-of date, not a deadline."""
    if not regex.match(r"\s*,", folded[end : end + 3]):
        return False
    words = regex.match(r"[^.;:\n]{0,200}", folded, pos=end)
    assert words is not None  # it matches the empty string
    clause = words.group()
    before = folded[max(0, end - 200) : end]
    before = before[max(before.rfind(mark) for mark in ".;:\n") + 1 :]  # the sentence's words before it
    reported, reached, directive = _clause_words()
    return bool(reported.search(clause) or reached.search(before)) and not directive.search(clause + " " + before)


def _in_time_column(folded: str, position: int) -> bool:
    """Whether `position` stands in a table cell ("a | b | Tháng 10/2025") whose column
    header names when work is due ("Thời gian hoàn thành", "Thời hạn", "Tiến độ")."""
    line_start = folded.rfind("\n", 0, position) + 1
    line_end = folded.find("\n", position)
    line = folded[line_start : line_end if line_end >= 0 else len(folded)]
    if " | " not in line:
        return False
    column = folded.count(" | ", line_start, position)
    header_start = line_start
    while header_start > 0:
        previous_start = folded.rfind("\n", 0, header_start - 1) + 1
        if " | " not in folded[previous_start:header_start]:
            break
        header_start = previous_start
    header_end = folded.find("\n", header_start)
    header = folded[header_start : header_end if header_end >= 0 else len(folded)].split(" | ")
    return column < len(header) and bool(_time_header().search(header[column]))


@lru_cache(maxsize=1)
def _time_header() -> regex.Pattern[str]:
    return regex.compile(alt(load_yaml("deadlines.yaml")["time_column_headers"]))


def _kind(groups: dict[str, str | Any]) -> str:
    for key, name in (
        ("rec", "recurring"),
        ("tet", "tet"),
        ("d", "day"),
        ("wd", "day_words"),
        ("q", "quarter"),
        ("n", "months_of_year"),
        ("mm", "month"),
        ("yy", "year"),
        ("yrel", "year"),
    ):
        if groups[key]:
            return name
    return "other"
