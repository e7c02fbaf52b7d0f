"""Periods of indicators: from the figure's sentence, else from its context (the enclosing
tasks' lead lines, their section heading, the document title); a missing year is the
document's."""

from functools import lru_cache

import regex

from pipeline.normalize import fold_for_matching

from . import dates

_YEAR = r"(?:19|20)\d{2}"


@lru_cache(maxsize=1)
def _pattern() -> regex.Pattern:
    return regex.compile(
        rf"(?:giai đoạn|thời kỳ|nhiệm kỳ) (?P<y1>{_YEAR})\s*[-–]\s*(?P<y2>{_YEAR})"
        rf"|quý (?P<q>iv|iii|ii|i|[1-4])(?:\s*(?:/|năm)\s*(?P<qy>{_YEAR}))?(?![\p{{L}}\d/])"
        rf"|(?P<n>\d{{1,2}}|ba|sáu|chín) tháng (?P<edge>đầu |cuối )?năm(?: (?P<ny>{_YEAR})|(?P<nn> nay))?(?![\p{{L}}\d])"
        rf"|năm (?P<y>{_YEAR})(?![\d/])|(?P<this>năm nay)")


_COUNT_WORDS = {"ba": 3, "sáu": 6, "chín": 9}


def _interval(match, year: int | None) -> dates.Interval | None:
    g = match.groupdict()
    if g["y1"]:
        return dates.years(int(g["y1"]), int(g["y2"]))
    if g["q"]:
        y = int(g["qy"]) if g["qy"] else year
        return dates.quarter(y, int(g["q"]) if g["q"].isdigit() else dates.ROMAN[g["q"]]) if y else None
    if g["n"]:
        y = int(g["ny"]) if g["ny"] else year
        count = int(g["n"]) if g["n"].isdigit() else _COUNT_WORDS[g["n"]]
        if not y or not g["edge"] and count != 12:
            return None
        return dates.months_of_year(y, count, first=g["edge"] != "cuối ")
    if g["this"]:
        return dates.year(year) if year else None
    return dates.year(int(g["y"]))


def periods_in(folded: str, year: int | None) -> list[tuple[int, dates.Interval]]:
    """(offset, interval) of every period expression in a tone-folded text."""
    found = []
    for match in _pattern().finditer(folded):
        interval = _interval(match, year)
        if interval is not None:
            found.append((match.start(), interval))
    return found


def period_at(folded_sentence: str, position: int, year: int | None) -> dates.Interval | None:
    """The period nearest before `position` in the sentence, else the first after it."""
    found = periods_in(folded_sentence, year)
    before = [interval for start, interval in found if start < position]
    return before[-1] if before else (found[0][1] if found else None)


def context_period(texts: list[str], kind: str, year: int | None) -> dates.Interval | None:
    """The first context text that names a period; of several, a target takes the last
    ('kết quả năm 2025, nhiệm vụ năm 2026') and a result the first."""
    for text in texts:
        found = periods_in(fold_for_matching(text), year)
        if found:
            return found[-1][1] if kind == "target" else found[0][1]
    return None


def inherit_periods(indicators, title: str | None, year: int | None, task_of) -> None:
    """Fill the period of indicators whose sentence names none, from their context."""
    for row in indicators:
        if row.period_end:
            continue
        texts = []
        task = task_of(row.start)
        while task is not None:
            texts.append(task.text.split("\n", 1)[0])
            task = task.parent
        innermost = task_of(row.start)
        if innermost is not None and innermost.section:
            texts.append(innermost.section)
        if title:
            texts.append(title)
        period = context_period(texts, row.kind, year)
        if period is not None:
            row.period_start, row.period_end = period.start, period.end
