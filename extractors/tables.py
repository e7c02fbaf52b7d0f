"""Figures in table cells as indicators: the row header names them, the column header
gives what they measure and, when it holds a year, their period."""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import regex

from .context import AnalyzedDocument
from .naming import lower_first
from .numbers import NUMBER, NUMBER_RE, parse_number
from .rules import alt, load_yaml
from .schema import IndicatorRow

_YEAR = regex.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def _cell_pattern(max_unit: int) -> regex.Pattern[str]:
    """A cell that is one figure with a short unit: "83,0%", "83,1/100", "10 xã"."""
    return regex.compile(rf"(?P<num>{NUMBER})\s*(?P<unit>[^\d\s][^\n]{{0,{max_unit - 1}}})?")


def _flat(cell: str) -> str:
    """A cell's text on one line, NFC like the stored text."""
    return unicodedata.normalize("NFC", " ".join(cell.split()))


def _header_rows(rows: list[list[str]], figure: regex.Pattern[str]) -> int:
    """Rows before the first row with a figure after its first cell, or with a row number."""
    for index, row in enumerate(rows):
        if _label_column(row) or any(figure.fullmatch(_flat(cell)) for cell in row[1:]):
            return index
    return len(rows)


def _column_headers(header: list[list[str]], width: int) -> list[str]:
    """Each column's header. The first header row's merged cells (empty cells to their
    right) span their group; lower rows are joined top to bottom per column, and a column
    with none takes its nearest neighbour's within the group (pdfplumber often puts the
    sub-header one column off its figures)."""
    if not header:
        return [""] * width
    cells: Callable[[list[str]], list[str]] = lambda row: [_flat(row[c]) if c < len(row) else "" for c in range(width)]  # noqa: E731
    groups, current = [], ""
    for cell in cells(header[0]):
        current = cell or current
        groups.append(current)
    below = (
        [" ".join(filter(None, column)) for column in zip(*[cells(row) for row in header[1:]])]
        if len(header) > 1
        else [""] * width
    )
    names = []
    for column in range(width):
        same_group = [c for c in range(width) if groups[c] == groups[column] and below[c]]
        nearest = min(same_group, key=lambda c: (abs(c - column), c < column), default=None)
        sub = below[column] or (below[nearest] if nearest is not None else "")
        names.append(" ".join(filter(None, [groups[column], sub])))
    return names


def _find(text: str, cell: str, cursor: int, taken: set[int]) -> regex.Match[str] | None:
    """Where a cell's text appears in the document from `cursor` on (whitespace-tolerant),
    at an offset no other cell has taken."""
    pattern = r"\s+".join(regex.escape(word) for word in cell.split())
    found = regex.compile(rf"(?<![\d\p{{L}}]){pattern}(?![\d\p{{L}}])").finditer(text, cursor)
    return next((match for match in found if match.start() not in taken), None)


# A row's number in its own column ("1", "2.", "II", "a)"): the row's name is in the next cell.
_ORDINAL = regex.compile(r"(?:\d{1,3}|[IVXLC]{1,6}|\p{Ll})[.)]?")
# A note in parentheses ("(mã TTHC: 1.000894)"), closed or cut by the page at the label's end:
# an aside, never part of a name (GUIDELINES).
_NOTE = regex.compile(r"\s*\([^()]*(?:\)|$)")
# "1.700/2.912/3.141 (54,1%)": counts of one row, the last the total the others are parts of,
# with their share in parentheses.
_RATIO = regex.compile(rf"(?P<parts>(?:{NUMBER})(?:\s*/\s*(?:{NUMBER}))+)(?:\s*\(\s*(?P<share>{NUMBER})\s*%\s*\))?")


@dataclass
class _Cell:
    """What a cell's figures get from its row and column: name, unit words, kind, period."""

    row_name: str
    column_name: str
    is_target: bool
    unit: str = ""  # the row's cell in a unit column ("Đơn vị tính"), for figures without their own

    @property
    def years(self) -> list[str]:
        return _YEAR.findall(self.column_name) or _YEAR.findall(self.row_name)


def _label_column(row: list[str]) -> int:
    """The cell that names a row: the first, or the one after a row number."""
    if len(row) > 2 and _ORDINAL.fullmatch(_flat(row[0])) and _flat(row[1]):
        return 1
    return 0


def _row_number(text: str, number: str, label_start: int) -> int | None:
    """Where a row's number stands: just before its label in the text."""
    found = regex.search(rf"(?<![\d\p{{L}}]){regex.escape(number)}\s*$", text[max(0, label_start - 12) : label_start])
    return max(0, label_start - 12) + found.start() if found else None


@lru_cache(maxsize=1)
def _counted_noun() -> regex.Pattern[str]:
    return regex.compile(rf"(?<!\p{{L}}){alt(load_yaml('units.yaml')['units'])}(?!\p{{L}})", regex.IGNORECASE)


def _part_units(column_name: str, count: int) -> list[str]:
    """The counted noun of each part of a ratio cell from its column header ("Số lượng hồ sơ
    hỗ trợ/Tổng số hồ sơ": hồ sơ, hồ sơ); one header part names them all."""
    parts = column_name.split("/")
    units = [lower_first(match.group(0)) if (match := _counted_noun().search(part)) else "" for part in parts]
    return units if len(units) == count else [next(filter(None, units), "")] * count


def _row(
    analyzed: AnalyzedDocument, cell: _Cell, found: regex.Match[str], value: float, unit: str, rule_id: str
) -> IndicatorRow:
    """A cell figure's row. A plain cell is named by its row and column; a ratio's parts, whose
    column only says what each part counts, by their row."""
    sentence = analyzed.sentence_at(found.start())
    years = cell.years
    named_by_column = rule_id == "ind.table_cell" and cell.column_name
    return IndicatorRow(
        name=f"{cell.row_name}: {cell.column_name}" if named_by_column else cell.row_name,
        value=value,
        unit=unit,
        comparator="=",
        kind="target" if cell.is_target else "result",
        kind_basis="section" if cell.is_target else "default",  # a header that names targets
        name_basis="table_row",
        sentence=sentence.text if sentence else found.group(0),
        start=found.start(),
        end=found.end(),
        rule_id=rule_id,
        period_start=f"{years[0]}-01-01" if years else None,
        period_end=f"{years[-1]}-12-31" if years else None,
    )


_Read = tuple[list[IndicatorRow], int]  # a cell's indicators, and the cursor after them


def _ratio_rows(
    analyzed: AnalyzedDocument, ratio: regex.Match[str], cell: _Cell, cursor: int, taken: set[int]
) -> _Read:
    """A ratio cell's parts but the last (the total), each in the unit its header part counts,
    and its share. The parts and the share may stand apart in the text."""
    found = _find(analyzed.text, ratio.group("parts"), cursor, taken)
    if found is None:
        return [], cursor
    taken.add(found.start())
    parts = list(NUMBER_RE.finditer(analyzed.text, found.start(), found.end()))
    units = _part_units(cell.column_name, len(parts))
    rows = [
        _row(analyzed, cell, part, parse_number(part.group(0)), unit, "ind.table_ratio_cell")
        for part, unit in zip(parts[:-1], units, strict=False)
    ]
    cursor = found.end()
    if ratio.group("share") and (share := _find(analyzed.text, f"{ratio.group('share')}%", cursor, taken)):
        taken.add(share.start())
        rows.append(_row(analyzed, cell, share, parse_number(ratio.group("share")), "%", "ind.table_ratio_cell"))
        cursor = share.end()
    return rows, cursor


def _cell_rows(
    analyzed: AnalyzedDocument, text: str, cell: _Cell, figure: regex.Pattern[str], cursor: int, taken: set[int]
) -> _Read:
    """The indicators of one cell: a ratio whose header names its parts ("Đã xử lý/Tổng số hồ
    sơ"; not a score out of 100 or a rank of 63), or a figure with its unit."""
    if (ratio := _RATIO.fullmatch(text)) and "/" in cell.column_name and _counted_noun().search(cell.column_name):
        return _ratio_rows(analyzed, ratio, cell, cursor, taken)
    match = figure.fullmatch(text)
    found = _find(analyzed.text, text, cursor, taken) if match else None
    if match is None or found is None:
        return [], cursor
    taken.add(found.start())
    unit = (match.group("unit") or "").strip() or cell.unit
    return [_row(analyzed, cell, found, parse_number(match.group("num")), unit, "ind.table_cell")], found.end()


def extract_table_indicators(analyzed: AnalyzedDocument) -> tuple[list[IndicatorRow], set[int]]:
    """The indicators of the document's table cells, and where the row numbers of those
    tables stand in the text (a row number is not a count of what its row names)."""
    rules = load_yaml("tables.yaml")
    figure = _cell_pattern(rules["max_unit_chars"])
    target = regex.compile(
        rf"(?<!\p{{L}}){alt(rules['target_headers'], name='tables.yaml target_headers')}(?!\p{{L}})", regex.IGNORECASE
    )
    unit_header = regex.compile(alt(rules["unit_headers"], name="tables.yaml unit_headers"), regex.IGNORECASE)
    rows_out: list[IndicatorRow] = []
    row_numbers: set[int] = set()
    taken: set[int] = set()
    for table in analyzed.tables:
        rows = [[cell or "" for cell in row] for row in table.rows]
        if not rows:
            continue
        width = max(len(row) for row in rows)
        header_count = _header_rows(rows, figure)
        headers = _column_headers(rows[:header_count], width)
        unit_column = next((c for c, name in enumerate(headers) if unit_header.fullmatch(name)), None)
        cursor = 0
        for row in rows[header_count:]:
            label = _label_column(row)
            row_name = _NOTE.sub("", _flat(row[label])).strip() if row else ""
            # A row's figures stand after its header in the text, not wherever they first occur;
            # a header wrapped over lines ("Đắk\nNông") has its figures after its first line.
            first_line = _flat(row[label].strip().split("\n")[0]) if row_name else ""
            located = _find(analyzed.text, first_line, cursor, set()) if first_line else None
            if located is None:
                continue
            cursor = located.end()
            if label and (number := _row_number(analyzed.text, _flat(row[0]), located.start())) is not None:
                row_numbers.add(number)
            for column, text in enumerate(row[label + 1 :], start=label + 1):
                column_name = headers[column] if column < len(headers) else ""
                unit = (
                    lower_first(_flat(row[unit_column])) if unit_column is not None and unit_column < len(row) else ""
                )
                cell = _Cell(row_name, column_name, bool(target.search(f"{column_name} {row_name}")), unit)
                found_rows, cursor = _cell_rows(analyzed, _flat(text), cell, figure, cursor, taken)
                rows_out.extend(found_rows)
    return rows_out, row_numbers


def with_table_cells(prose: list[IndicatorRow], analyzed: AnalyzedDocument) -> list[IndicatorRow]:
    """Prose indicators plus table-cell ones; a cell read both ways keeps its table reading,
    which knows its row and column."""
    cells, row_numbers = extract_table_indicators(analyzed)
    kept = [
        row
        for row in prose
        if row.start not in row_numbers and not any(row.start < cell.end and cell.start < row.end for cell in cells)
    ]
    return sorted(kept + cells, key=lambda row: row.start)
