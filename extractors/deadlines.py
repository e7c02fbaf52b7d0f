"""Deadlines: time expressions that bound when work must be done, as ISO intervals."""

import re
from functools import lru_cache

import regex

from . import dates
from .context import AnalyzedDocument
from .rules import alt, load_yaml
from .schema import DeadlineRow

_YEAR = r"(?:19|20)\d{2}"
_ROMAN_Q = r"iv|iii|ii|i|[1-4]"


@lru_cache(maxsize=1)
def _lunar_names() -> tuple[dict[str, int], dict[str, int]]:
    rules = load_yaml("deadlines.yaml")
    return tuple(
        {name: index for index, names in enumerate(rules[key]) for name in names}
        for key in ("lunar_stems", "lunar_branches")
    )


def _lunar_year(stem: str, branch: str, near: int) -> int | None:
    """The year within a few of `near` whose sexagenary name is `stem branch`."""
    stems, branches = _lunar_names()
    for year in sorted(range(near - 2, near + 3), key=lambda y: abs(y - near)):
        if (year - 4) % 10 == stems[stem.lower()] and (year - 4) % 12 == branches[branch.lower()]:
            return year
    return None


@lru_cache(maxsize=1)
def _pattern() -> regex.Pattern:
    rules = load_yaml("deadlines.yaml")
    stems, branches = _lunar_names()
    cue = rf"(?P<cue>{alt(rules['end_only'] + rules['within'])})"
    time = r"(?:\d{1,2} giờ(?: \d{1,2} phút)?(?: \d{1,2})?,?\s*)?"
    return regex.compile(
        rf"(?<!\p{{L}})(?:{cue}:?\s+)?(?:"
        rf"(?P<tet>tết nguyên đán(?: (?P<stem>{alt(list(stems))}) (?P<branch>{alt(list(branches))}))?(?: năm)?(?: (?P<tety>{_YEAR}))?)"
        rf"|{time}(?:ngày\s*)?(?P<d>\d{{1,2}})(?P<sep>[/.-])(?P<m>\d{{1,2}})(?:(?P=sep)(?P<y>{_YEAR}))?(?![\d/])"
        rf"|{time}ngày\s+(?P<wd>\d{{1,2}})\s+tháng\s+(?P<wm>\d{{1,2}})(?:\s+năm\s+(?P<wy>{_YEAR}))?"
        rf"|quý (?P<q>{_ROMAN_Q})(?:(?:\s*/\s*|\s+năm\s+)(?P<qy>{_YEAR}))?(?![\p{{L}}\d/])"
        rf"|(?P<n>\d{{1,2}}|ba|sáu|chín) tháng (?P<edge>đầu|cuối) năm(?: (?P<ny>{_YEAR}))?"
        rf"|tháng (?P<mm>\d{{1,2}})(?:(?:\s*/\s*|\s+năm\s+)(?P<my>{_YEAR}))?(?![\d/])"
        rf"|(?:cuối\s+)?năm (?P<yy>{_YEAR})(?![\d/-]| - \d)"
        rf")"
    )  # on folded text: lower case already, and case-blind matching costs a fifth more


# What each alternative of `_pattern` after the cue begins with (a digit, where a time of day
# or a number comes first).
_BODY_STARTS = r"\d|tết|ngày|quý|ba|sáu|chín|tháng|cuối|năm"


@lru_cache(maxsize=1)
def _starts() -> re.Pattern:
    """The places a deadline may start: a cue or what a time expression begins with."""
    rules = load_yaml("deadlines.yaml")
    return re.compile(f"(?={alt(rules['end_only'] + rules['within'])}|{_BODY_STARTS})")


def _matches(folded: str):
    """`_pattern().finditer(folded)`, the pattern tried only where `_starts` finds a place
    (a `re` scan of literals): at every character it cost a twentieth of an ingest."""
    pattern, end = _pattern(), 0
    for start in _starts().finditer(folded):
        if start.start() >= end and (match := pattern.match(folded, start.start())):
            end = match.end()
            yield match


@lru_cache(maxsize=1)
def _not_after() -> regex.Pattern:
    return regex.compile(rf"(?:{alt(load_yaml('deadlines.yaml')['not_after'])})\s*$")


_COUNT_WORDS = {"ba": 3, "sáu": 6, "chín": 9}


def _interval(match, year: int | None, published: str | None) -> dates.Interval | None:
    g = match.groupdict()
    if g["tet"]:
        if g["tety"] or not year:
            return dates.before_tet(int(g["tety"])) if g["tety"] else None
        if g["stem"]:
            named = _lunar_year(g["stem"], g["branch"], year)
            return dates.before_tet(named) if named else None
        this_year = dates.before_tet(year)  # once this year's Tết has passed, "trước Tết" is next year's
        return dates.before_tet(year + 1) if published and this_year.end and this_year.end < published else this_year
    if g["d"] or g["wd"]:
        d, m, y = (g["d"], g["m"], g["y"]) if g["d"] else (g["wd"], g["wm"], g["wy"])
        if g["sep"] == "." and not g["cue"]:
            return None  # "5.5" without a cue is a decimal
        y = int(y) if y else year
        return dates.day(y, int(m), int(d)) if y else None
    if g["q"]:
        q = g["q"].lower()
        y = int(g["qy"]) if g["qy"] else year
        return dates.quarter(y, int(q) if q.isdigit() else dates.ROMAN[q]) if y else None
    if g["n"]:
        y = int(g["ny"]) if g["ny"] else year
        count = int(g["n"]) if g["n"].isdigit() else _COUNT_WORDS[g["n"].lower()]
        return dates.months_of_year(y, count, first=g["edge"].lower() == "đầu") if y else None
    if g["mm"]:
        y = int(g["my"]) if g["my"] else year
        return dates.month(y, int(g["mm"])) if y else None
    return dates.year(int(g["yy"]))


def extract_deadlines(analyzed: AnalyzedDocument) -> list[DeadlineRow]:
    rows = []
    folded = analyzed.folded
    published = analyzed.published_date
    for match in _matches(folded):
        g = match.groupdict()
        cue = (g["cue"] or "").lower()
        relative = bool(g["q"] and g["qy"] or g["n"])  # "quý II/2025", "3 tháng cuối năm"
        if not cue and not relative and not _in_time_column(folded, match.start()):
            continue
        if g["n"] and g["edge"] is None:
            continue
        if cue and _not_after().search(folded[max(0, match.start() - 15) : match.start()]):
            continue
        interval = _interval(match, analyzed.year, published)
        if interval is None:
            continue
        if interval.valid and published and interval.end and interval.end < published:
            continue  # a past period or an as-of date, not a deadline
        start_date = interval.start
        if cue and cue not in load_yaml("deadlines.yaml")["within"]:
            start_date = None
        sentence = analyzed.sentence_at(match.start())
        rows.append(
            DeadlineRow(
                text=analyzed.text[match.start() : match.end()],
                start_date=start_date,
                end_date=interval.end,
                granularity=interval.granularity,
                valid=interval.valid,
                note=interval.note,
                sentence=sentence.text if sentence else "",
                start=match.start(),
                end=match.end(),
                rule_id=f"deadline.{_kind(g)}",
            )
        )
    return rows


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
def _time_header() -> regex.Pattern:
    return regex.compile(alt(load_yaml("deadlines.yaml")["time_column_headers"]))


def _kind(groups: dict) -> str:
    for key, name in (
        ("tet", "tet"),
        ("d", "day"),
        ("wd", "day_words"),
        ("q", "quarter"),
        ("n", "months_of_year"),
        ("mm", "month"),
        ("yy", "year"),
    ):
        if groups[key]:
            return name
    return "other"
