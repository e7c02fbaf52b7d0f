"""Review sheets as XLSX (openpyxl): typed cells, so no spreadsheet locale can reread them.

Written: numbers as numeric cells, ids, codes and sentences as text cells (a formula-like
text stays text, with no guard to show), dates as date cells; the context columns shaded
and locked on a protected sheet (no password: it guards against slips), the editable
columns and the rows below the data unlocked for edits and added rows; drop-down lists for
the columns with a fixed set of values; the header frozen, the sentence wide and wrapped.
Read: the first worksheet, every cell as the text `read_sheet` gives for a CSV, so one
validation serves both: a typed number as `parse_number` reads it exactly (`33,293`), a
date as ISO; blank rows are skipped and the frame's index keeps each row's place.
"""

import datetime as dt
import math
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd

from pipeline.parse.limits import check_zip
from pipeline.review import sheet
from pipeline.review.csvio import SheetFileError

SUFFIXES = (".xlsx", ".xlsm")
ADDED_ROWS = 200  # unlocked rows with the drop-down lists below the data, for added items
_READONLY_FILL = "FFEDEDED"
_WIDTHS = {
    "sentence": 70,
    "text": 60,
    "document_title": 40,
    "name": 30,
    "date_note": 30,
    "note": 30,
    "document_url": 30,
    "section": 30,
    "id": 19,
    "document_id": 19,
    "task_id": 19,
    "parent_id": 19,
    "rule_id": 18,
    "unit": 12,
}
_WRAPPED = {"sentence", "text", "document_title", "name", "date_note", "section"}
_LINE_HEIGHT = 15  # points per line of wrapped text: row heights are set, as no spreadsheet fits them on opening


def is_xlsx(path: str | Path) -> bool:
    return Path(path).suffix.lower() in SUFFIXES


def choices(category: str) -> dict[str, tuple[str, ...]]:
    """The columns with a fixed set of values, for drop-down validation."""
    lists: dict[str, tuple[str, ...]] = {"status": ("ok", "delete")}
    if category == "indicators":
        lists.update(comparator=sheet.COMPARATORS, kind=sheet.KINDS)
    if category == "deadlines":
        lists.update(granularity=sheet.GRANULARITIES, valid=("1", "0"))
    return lists


def write_xlsx(rows: list[dict], category: str, path: str | Path) -> None:
    """Write rows of stored values (None for empty) as a protected, typed review sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    names = sheet.columns(category)
    types = sheet.column_types(category)
    readonly = set(sheet.readonly_columns(category)) | {"id"}
    workbook = Workbook()
    ws = workbook.active
    ws.title = category
    ws.append(names)
    shaded = PatternFill("solid", start_color=_READONLY_FILL, end_color=_READONLY_FILL)
    locked, unlocked = Protection(locked=True), Protection(locked=False)
    for index, name in enumerate(names, start=1):
        header = ws.cell(row=1, column=index)
        header.font = Font(bold=True)
        header.alignment = Alignment(wrap_text=True, vertical="top")
        if name in readonly:
            header.fill = shaded
    for number, row in enumerate(rows, start=2):
        ws.row_dimensions[number].height = _LINE_HEIGHT * _lines(row)
        for index, name in enumerate(names, start=1):
            cell = ws.cell(row=number, column=index)
            _set(cell, row.get(name), types[name])
            cell.alignment = Alignment(wrap_text=name in _WRAPPED, vertical="top")
            if name in readonly:
                cell.fill, cell.protection = shaded, locked
            else:
                cell.protection = unlocked
    last = len(rows) + 1 + ADDED_ROWS
    for index, name in enumerate(names, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = _width(name)
        for number in range(len(rows) + 2, last + 1):  # rows for added items: every cell editable
            ws.cell(row=number, column=index).protection = unlocked
    _add_drop_downs(ws, category, names, last)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(names))}{len(rows) + 1}"
    ws.page_setup.orientation = "landscape"  # printed: every column on the page's width
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "1:1"
    ws.protection.sheet = True
    for permission in ("autoFilter", "sort", "formatColumns", "formatRows"):
        setattr(ws.protection, permission, False)  # False: allowed on the protected sheet
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def _add_drop_downs(ws, category: str, names: list[str], last: int) -> None:
    """Drop-down lists for the columns with a fixed set of values (status, kind, comparator ...)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for name, values in choices(category).items():
        letter = get_column_letter(names.index(name) + 1)
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(values) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=name,
            error=f"{name} must be one of {', '.join(values)} (or blank)",
        )
        validation.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(validation)


def _width(name: str) -> int:
    return _WIDTHS.get(name, max(10, min(24, len(name) + 4)))


def _lines(row: dict) -> int:
    """How many lines the row's wrapped cells need at their column's width (in characters)."""
    needed = 1
    for name in _WRAPPED & row.keys():
        text = "" if row[name] is None else str(row[name])
        per_line = _width(name) - 2
        needed = max(needed, sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n")))
    return needed


def _set(cell, value, kind: str) -> None:
    if value is None or value == "":
        return
    if kind in (sheet.NUMBER, sheet.INTEGER, sheet.FLAG) and isinstance(value, (int, float)):
        cell.value = value
        if kind == sheet.NUMBER:
            cell.number_format = "General"
        return
    if kind == sheet.DATE:
        try:
            cell.value = dt.date.fromisoformat(str(value))
            cell.number_format = "yyyy-mm-dd"
            return
        except ValueError:
            pass  # an impossible date kept with valid = 0 (2021-11-31) stays text
    cell.value = str(value)
    cell.data_type = "s"  # never a formula, whatever it begins with


def read_xlsx(path: str | Path) -> pd.DataFrame:
    """The first worksheet as text cells (see the module's docstring); index = row - 2."""
    from openpyxl import load_workbook

    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            check_zip(archive, str(path))  # a workbook inflating past the limit is refused unread
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise SheetFileError(path, f"not an XLSX workbook ({error})") from None
    try:
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    if not rows or not any(_text(v) for v in rows[0]):
        raise SheetFileError(path, "the first worksheet is empty")
    header = [unicodedata.normalize("NFC", _text(v)).strip().lower() for v in rows[0]]
    while header and not header[-1]:
        header.pop()
    records, index = [], []
    for number, values in enumerate(rows[1:], start=2):
        cells = [_text(v) for v in values[: len(header)]]
        cells += [""] * (len(header) - len(cells))
        if any(cell.strip() for cell in cells):
            records.append(cells)
            index.append(number - 2)
    frame = pd.DataFrame(records, columns=header, index=index, dtype=str)
    frame.attrs["typed"] = True
    return frame


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return sheet.exact_number_text(float(value) if isinstance(value, float) else value)
    return unicodedata.normalize("NFC", str(value))
