"""Figures in table cells as indicators: the row header names them, the column header
gives what they measure and, when it holds a year, their period."""

import unicodedata
from collections.abc import Callable

import regex

from .context import AnalyzedDocument
from .numbers import NUMBER, parse_number
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
    """Rows before the first row with a figure after its first cell."""
    for index, row in enumerate(rows):
        if any(figure.fullmatch(_flat(cell)) for cell in row[1:]):
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


def extract_table_indicators(analyzed: AnalyzedDocument) -> list[IndicatorRow]:
    rules = load_yaml("tables.yaml")
    figure = _cell_pattern(rules["max_unit_chars"])
    target = regex.compile(alt(rules["target_headers"], name="tables.yaml target_headers"), regex.IGNORECASE)
    rows_out: list[IndicatorRow] = []
    taken: set[int] = set()
    for table in analyzed.tables:
        rows = [[cell or "" for cell in row] for row in table.rows]
        if not rows:
            continue
        width = max(len(row) for row in rows)
        header_count = _header_rows(rows, figure)
        headers = _column_headers(rows[:header_count], width)
        cursor = 0
        for row in rows[header_count:]:
            row_name = _flat(row[0]) if row else ""
            # A row's figures stand after its header in the text, not wherever they first occur;
            # a header wrapped over lines ("Đắk\nNông") has its figures after its first line.
            first_line = _flat(row[0].strip().split("\n")[0]) if row_name else ""
            located = _find(analyzed.text, first_line, cursor, set()) if first_line else None
            if located is None:
                continue
            cursor = located.end()
            for column, cell in enumerate(row[1:], start=1):
                match = figure.fullmatch(_flat(cell))
                if not match:
                    continue
                found = _find(analyzed.text, _flat(cell), cursor, taken)
                if found is None:
                    continue
                cursor = found.end()
                taken.add(found.start())
                column_name = headers[column] if column < len(headers) else ""
                years = _YEAR.findall(column_name) or _YEAR.findall(row_name)
                sentence = analyzed.sentence_at(found.start())
                is_target = bool(target.search(f"{column_name} {row_name}"))
                rows_out.append(
                    IndicatorRow(
                        name=f"{row_name}: {column_name}" if column_name else row_name,
                        value=parse_number(match.group("num")),
                        unit=(match.group("unit") or "").strip(),
                        comparator="=",
                        kind="target" if is_target else "result",
                        kind_basis="section" if is_target else "default",  # a header that names targets
                        name_basis="table_row",
                        sentence=sentence.text if sentence else _flat(cell),
                        start=found.start(),
                        end=found.end(),
                        rule_id="ind.table_cell",
                        period_start=f"{years[0]}-01-01" if years else None,
                        period_end=f"{years[-1]}-12-31" if years else None,
                    )
                )
    return rows_out


def with_table_cells(prose: list[IndicatorRow], analyzed: AnalyzedDocument) -> list[IndicatorRow]:
    """Prose indicators plus table-cell ones; a cell read both ways keeps its table reading,
    which knows its row and column."""
    cells = extract_table_indicators(analyzed)
    kept = [row for row in prose if not any(row.start < cell.end and cell.start < row.end for cell in cells)]
    return sorted(kept + cells, key=lambda row: row.start)
