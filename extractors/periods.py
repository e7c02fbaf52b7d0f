"""Periods of indicators: from the figure's sentence, else from its context (the enclosing
tasks' lead lines, the line introducing their list, their section heading, the document
title); a missing year is the document's."""

from collections.abc import Callable, Sequence
from functools import lru_cache

import regex

from pipeline.text.normalize import fold_for_matching

from . import dates
from .schema import TaskRow

_SHORT_GAP = regex.compile(r"\s*\S{1,8}\s*")

_YEAR = r"(?:19|20)\d{2}"


@lru_cache(maxsize=1)
def _pattern() -> regex.Pattern[str]:
    return regex.compile(
        rf"(?:(?:giai đoạn|thời kỳ|nhiệm kỳ|năm) )?(?P<y1>{_YEAR})\s*[-–]\s*(?P<y2>{_YEAR})"
        rf"|quý (?P<q>iv|iii|ii|i|[1-4])(?:\s*(?:/|năm)\s*(?P<qy>{_YEAR}))?(?![\p{{L}}\d/])"
        rf"|(?P<n>\d{{1,2}}|ba|sáu|chín) tháng (?P<edge>đầu |cuối )?năm"
        rf"(?: (?P<ny>{_YEAR})|(?P<nn> nay))?(?![\p{{L}}\d])"
        rf"|tháng (?P<m>\d{{1,2}})\s*(?:/|năm)\s*(?P<my>{_YEAR})(?![\d/])"
        rf"|năm (?P<y>{_YEAR})(?![\d/])|(?P<this>năm nay)"
    )


# A comparison base ("tăng 5% so với năm 2020", "cao hơn cùng kỳ năm 2021", "gấp 2 lần
# năm 2010"), an as-of date ("tính đến tháng 10/2024") or a day ("ngày 01 tháng 7 năm
# 2025") is not the period a figure is for.
_NOT_A_PERIOD = regex.compile(r"(?:so với|cùng kỳ|gấp [\d.,]+ lần|tính đến(?: hết)?|tính từ|ngày \d{1,2})\s*$")


_COUNT_WORDS = {"ba": 3, "sáu": 6, "chín": 9}


def _interval(match: regex.Match[str], year: int | None) -> dates.Interval | None:
    g = match.groupdict()
    if g["y1"]:
        first, last = int(g["y1"]), int(g["y2"])
        return dates.years(first, last) if first < last else None
    if g["q"]:
        y = int(g["qy"]) if g["qy"] else year
        return dates.quarter(y, int(g["q"]) if g["q"].isdigit() else dates.ROMAN[g["q"]]) if y else None
    if g["n"]:
        y = int(g["ny"]) if g["ny"] else year
        count = int(g["n"]) if g["n"].isdigit() else _COUNT_WORDS[g["n"]]
        if not y or not g["edge"] and count != 12:
            return None
        return dates.months_of_year(y, count, first=g["edge"] != "cuối ")
    if g["m"]:
        interval = dates.month(int(g["my"]), int(g["m"]))
        return interval if interval.valid else None
    if g["this"]:
        return dates.year(year) if year else None
    return dates.year(int(g["y"]))


def periods_in(folded: str, year: int | None) -> list[tuple[int, dates.Interval]]:
    """(offset, interval) of every period expression in a tone-folded text."""
    return list(_periods_in(folded, year))


@lru_cache(maxsize=4096)
def _periods_in(folded: str, year: int | None) -> tuple[tuple[int, dates.Interval], ...]:
    """`periods_in`, kept: a sentence is read once for each of its figures, a task's lead line
    once for each figure under it (intervals are frozen, the tuple is copied out)."""
    found = []
    for match in _pattern().finditer(folded):
        if _NOT_A_PERIOD.search(folded[max(0, match.start() - 30) : match.start()]):
            continue
        interval = _interval(match, year)
        if interval is not None:
            found.append((match.start(), interval))
    return tuple(found)


def period_at(
    folded_sentence: str, position: int, year: int | None, clause: tuple[int, int] | None = None
) -> dates.Interval | None:
    """The period of the figure at `position`: the nearest before it in its clause, else
    the first after it there; with none in the clause, the same in the whole sentence."""
    found = periods_in(folded_sentence, year)
    for low, high in ([clause] if clause else []) + [(0, len(folded_sentence))]:
        before = [interval for start, interval in found if low <= start < position]
        after = [interval for start, interval in found if position <= start < high]
        if before or after:
            return before[-1] if before else after[0]
    return None


def context_periods(texts: list[str], title: str | None, year: int | None) -> tuple[list[dates.Interval], bool]:
    """The periods of the first context text that names any, in order (of several, 'kết quả
    năm 2025, nhiệm vụ năm 2026', a target takes the last, a result the first), and whether
    they come from the document's structure rather than its title: a headline's year
    fills a period but does not make a figure a target or a result."""
    for text in texts:
        found = periods_in(fold_for_matching(text), year)
        if found:
            return [interval for _, interval in found], True
    found = periods_in(fold_for_matching(title), year) if title else []
    return [interval for _, interval in found], False


def _first_of_list(task: TaskRow, tasks: Sequence[TaskRow], text: str) -> TaskRow:
    """The first item of the list a task belongs to (its siblings right before it)."""
    siblings = sorted(
        (
            t
            for t in tasks
            if t.parent is task.parent and t.rule_id == task.rule_id and t.level == task.level and t.start < task.start
        ),
        key=lambda t: -t.start,
    )
    for previous in siblings:
        if not _SHORT_GAP.fullmatch(text[previous.end : task.start]):
            break
        task = previous
    return task


def context_texts(
    offset: int, task_of: Callable[[int], TaskRow | None], tasks: Sequence[TaskRow], text: str
) -> list[str]:
    """What surrounds a figure, innermost first: the lead lines of its enclosing tasks,
    the line that introduces their list ('Nhiệm vụ 3 tháng cuối năm 2020:'), their
    section heading."""
    texts = []
    task = innermost = outermost = task_of(offset)
    while task is not None:
        texts.append(task.text.split("\n", 1)[0])
        outermost, task = task, task.parent
    if outermost is not None:
        line_start = text.rfind("\n", 0, _first_of_list(outermost, tasks, text).start) + 1
        texts.append(text[text.rfind("\n", 0, max(0, line_start - 1)) + 1 : line_start])
    if innermost is not None and innermost.section:
        texts.append(innermost.section)
    return texts
