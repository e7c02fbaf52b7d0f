"""How a figure's name links to the figures before it in its sentence: it restates one, opens
the next item of a list after one, or breaks down the total an aside follows."""

import regex

from .figures import Figure
from .name_words import aside_start, changed_to, is_share_of_before, leads_next_item, restates_in_aside
from .schema import IndicatorRow

# after a figure: a comparison with what came before; between two: one act counted two ways
_COMPARED = regex.compile(r"\s*(?:so với|cao hơn|thấp hơn)(?!\p{L})")
_SAME_ACT = regex.compile(r"\s*(?:với|cùng với|/)\s*")
# "07 tấn ma túy tương đương 70 triệu viên": the same quantity counted another way
_EQUIVALENT = regex.compile(r"^[^,;]*(?<!\p{L})(?:tương đương|tương ứng)(?: với)?\s*$")


def same_sentence(rows: list[IndicatorRow], text: str) -> list[IndicatorRow]:
    """The rows already read from this sentence (the last ones: rows come in text order)."""
    count = 0
    while count < len(rows) and rows[-1 - count].sentence is text:
        count += 1
    return rows[len(rows) - count :]


def _previous_end(figure: Figure, previous: IndicatorRow) -> int:
    """Where the figure before ends, in the figure's sentence, not before its clause."""
    return max(figure.clause_start, previous.end - figure.sentence.start)


def restates_previous(figure: Figure, previous: IndicatorRow) -> bool:
    """Whether a figure measures what the figure before it in its sentence measures: a share of
    it ('đạt 102% kế hoạch'), a comparison ('so với'), the same act ('89 vụ với 124 đối tượng'),
    an equivalent ('07 tấn tương đương 70 triệu viên')."""
    folded, start = figure.folded, figure.number_start
    previous_end = _previous_end(figure, previous)
    return bool(
        figure.unit in ("%", "điểm %")
        and is_share_of_before(folded[figure.unit_end :])
        or _COMPARED.match(folded, figure.unit_end)
        or _SAME_ACT.fullmatch(folded, previous_end, start)
        or _EQUIVALENT.search(folded[previous_end:start])
        or restates_in_aside(folded[previous_end:start], folded[figure.unit_end :])
        or changed_to(folded[previous_end:start])
    )


def opens_next_item(figure: Figure, rows_before: list[IndicatorRow]) -> bool:
    """Whether the figure follows another of its clause after 'và' or 'còn' ('... và ít nhất')."""
    if not rows_before:
        return False
    return leads_next_item(figure.folded[_previous_end(figure, rows_before[-1]) : figure.number_start])


def breakdown_total(figure: Figure, rows_before: list[IndicatorRow]) -> IndicatorRow | None:
    """The figure an aside holding this one follows right after, in the same unit: '219 trường
    hợp (năm 2015: 28 trường hợp; năm 2016: 55 trường hợp)' breaks that total down."""
    opened = aside_start(figure.folded, figure.number_start)
    if opened is None:
        return None
    before = [row for row in rows_before if row.end - figure.sentence.start <= opened]
    if not before or before[-1].unit != figure.unit:
        return None
    gap = figure.folded[before[-1].end - figure.sentence.start : opened]
    return before[-1] if not gap.strip() else None
