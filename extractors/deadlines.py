"""Deadlines: time expressions that bound when work must be done, as ISO intervals."""

from functools import lru_cache

import regex

from . import dates
from .context import AnalyzedDocument
from .rules import alt, load_yaml
from .schema import DeadlineRow

_YEAR = r"(?:19|20)\d{2}"
_ROMAN_Q = r"iv|iii|ii|i|[1-4]"


@lru_cache(maxsize=1)
def _pattern() -> regex.Pattern:
    rules = load_yaml("deadlines.yaml")
    cue = rf"(?P<cue>{alt(rules['end_only'] + rules['within'])})"
    time = r"(?:\d{1,2} giờ(?: \d{1,2} phút)?(?: \d{1,2})?,?\s*)?"
    return regex.compile(
        rf"(?<!\p{{L}})(?:{cue}\s+)?(?:"
        rf"(?P<tet>tết nguyên đán(?: (?P<tety>{_YEAR}))?)"
        rf"|{time}(?:ngày\s*)?(?P<d>\d{{1,2}})(?P<sep>[/.-])(?P<m>\d{{1,2}})(?:(?P=sep)(?P<y>{_YEAR}))?(?![\d/])"
        rf"|{time}ngày\s+(?P<wd>\d{{1,2}})\s+tháng\s+(?P<wm>\d{{1,2}})(?:\s+năm\s+(?P<wy>{_YEAR}))?"
        rf"|quý (?P<q>{_ROMAN_Q})(?:\s*/\s*|\s+năm\s+)(?P<qy>{_YEAR})"
        rf"|(?P<n>\d{{1,2}}|ba|sáu|chín) tháng (?P<edge>đầu|cuối) năm(?: (?P<ny>{_YEAR}))?"
        rf"|tháng (?P<mm>\d{{1,2}})(?:\s*/\s*|\s+năm\s+)(?P<my>{_YEAR})"
        rf"|năm (?P<yy>{_YEAR})(?![\d/-]| - \d)"
        rf")", regex.IGNORECASE)


@lru_cache(maxsize=1)
def _not_after() -> regex.Pattern:
    return regex.compile(rf"(?:{alt(load_yaml('deadlines.yaml')['not_after'])})\s*$")


_COUNT_WORDS = {"ba": 3, "sáu": 6, "chín": 9}


def _interval(match, year: int | None) -> dates.Interval | None:
    g = match.groupdict()
    if g["tet"]:
        y = int(g["tety"]) if g["tety"] else year
        return dates.before_tet(y) if y else None
    if g["d"] or g["wd"]:
        d, m, y = (g["d"], g["m"], g["y"]) if g["d"] else (g["wd"], g["wm"], g["wy"])
        if g["sep"] == "." and not g["cue"]:
            return None  # "5.5" without a cue is a decimal
        y = int(y) if y else year
        return dates.day(y, int(m), int(d)) if y else None
    if g["q"]:
        q = g["q"].lower()
        return dates.quarter(int(g["qy"]), int(q) if q.isdigit() else dates.ROMAN[q])
    if g["n"]:
        y = int(g["ny"]) if g["ny"] else year
        count = int(g["n"]) if g["n"].isdigit() else _COUNT_WORDS[g["n"].lower()]
        return dates.months_of_year(y, count, first=g["edge"].lower() == "đầu") if y else None
    if g["mm"]:
        return dates.month(int(g["my"]), int(g["mm"]))
    return dates.year(int(g["yy"]))


def extract_deadlines(analyzed: AnalyzedDocument) -> list[DeadlineRow]:
    rows = []
    folded = analyzed.folded
    published = analyzed.published_date
    for match in _pattern().finditer(folded):
        g = match.groupdict()
        cue = (g["cue"] or "").lower()
        relative = bool(g["q"] or g["n"])
        if not cue and not relative:
            continue
        if g["n"] and g["edge"] is None:
            continue
        if cue and _not_after().search(folded[max(0, match.start() - 15):match.start()]):
            continue
        interval = _interval(match, analyzed.year)
        if interval is None:
            continue
        if interval.valid and published and interval.end and interval.end < published:
            continue  # a past period or an as-of date, not a deadline
        start_date = interval.start
        if cue and cue not in load_yaml("deadlines.yaml")["within"]:
            start_date = None
        sentence = analyzed.sentence_at(match.start())
        rows.append(DeadlineRow(
            text=analyzed.text[match.start():match.end()], start_date=start_date, end_date=interval.end,
            granularity=interval.granularity, valid=interval.valid, note=interval.note,
            sentence=sentence.text if sentence else "", start=match.start(), end=match.end(),
            rule_id=f"deadline.{_kind(g)}"))
    return rows


def _kind(groups: dict) -> str:
    for key, name in (("tet", "tet"), ("d", "day"), ("wd", "day_words"), ("q", "quarter"),
                      ("n", "months_of_year"), ("mm", "month"), ("yy", "year")):
        if groups[key]:
            return name
    return "other"
