"""Spreadsheet CSV in and out: what Excel writes and reads, with formula cells neutralized.

Written: UTF-8 with a BOM (so Excel shows Vietnamese), comma separated, every cell that
begins with `=`, `+`, `-` or `@` prefixed with `'` so no spreadsheet runs it as a formula.
A cell of the columns named as text that a spreadsheet would read as a number or a date
(a document id made of digits, a label `1.`, a value `33.293` that a Vietnamese or German
locale reads as 33293) is written as the text formula `="…"`, so Excel and LibreOffice keep it as written.
Read: UTF-8 with or without BOM, UTF-16 ("Unicode text"), cp1258; comma, semicolon or tab
separated; cells NFC-normalized, the `'` prefix and the `="…"` wrapper taken off again.
"""

import csv
import io
import re
import unicodedata
from pathlib import Path

import pandas as pd

from pipeline.errors import DirectivesError

FORMULA_STARTS = ("=", "+", "-", "@")
_SEPARATORS = (",", ";", "\t")


class SheetFileError(DirectivesError):
    """A file that cannot be read as a spreadsheet CSV."""

    def __init__(self, path, reason: str):
        super().__init__(f"{path}: {reason}")


# What a spreadsheet may turn into a number, a date or a boolean when it opens a CSV.
_NUMBER_LIKE = re.compile(r"[\d\s.,:/()%+\-−eE]*\d[\d\s.,:/()%+\-−eE]*|true|false", re.IGNORECASE)
_TEXT_FORMULA = re.compile(r'="((?:[^"]|"")*)"')
# A dot decimal that a locale with a decimal comma reads as grouped thousands: 33.293, 0.125.
_GROUPING_SHAPED = re.compile(r"-?\d{1,3}(\.\d{3})+")


def neutralize(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def protect(cell: str) -> str:
    """A cell a spreadsheet would convert as the text formula `="…"`; other cells neutralized."""
    if _NUMBER_LIKE.fullmatch(cell):
        return '="' + cell.replace('"', '""') + '"'
    return neutralize(cell)


def restore(cell: str) -> str:
    wrapped = _TEXT_FORMULA.fullmatch(cell)
    if wrapped:
        return wrapped.group(1).replace('""', '"')
    return cell[1:] if cell.startswith("'") and cell[1:2] in FORMULA_STARTS else cell


def protect_number(cell: str) -> str:
    """A dot decimal kept as text where some locale would read it as thousands (`="33.293"`)."""
    return protect(cell) if _GROUPING_SHAPED.fullmatch(cell) else neutralize(cell)


def write_sheet(frame: pd.DataFrame, path: str | Path, as_text: tuple[str, ...] = (),
                numbers: tuple[str, ...] = ()) -> None:
    """Write text cells as a UTF-8-with-BOM CSV, formula cells neutralized; the cells of the
    `as_text` columns, and the ambiguous decimals of the `numbers` columns, protected from
    a spreadsheet's conversion to numbers and dates."""
    text = frame.fillna("").astype(str)
    safe = pd.DataFrame({name: text[name].map(protect if name in as_text else
                                              protect_number if name in numbers else neutralize)
                         for name in text.columns}, columns=text.columns)
    safe.to_csv(path, index=False, encoding="utf-8-sig")


def decode(data: bytes, path) -> str:
    """The text of a CSV as Excel may save it."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data[:200].count(b"\x00") > len(data[:200]) // 4:  # UTF-16 without its BOM
        return data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1258")
        except UnicodeDecodeError as error:
            raise SheetFileError(path, f"neither UTF-8, UTF-16 nor cp1258 ({error.reason} at byte {error.start})") from None


def separator(header_line: str) -> str:
    """The separator the header uses most: comma, semicolon or tab."""
    return max(_SEPARATORS, key=header_line.count)


def read_sheet(path: str | Path) -> pd.DataFrame:
    """Every cell as text (empty for blank), header names lower-cased and stripped."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SheetFileError(path, f"cannot read ({error.strerror})") from None
    text = decode(data, path).lstrip("\ufeff")
    if not text.strip():
        raise SheetFileError(path, "the file is empty")
    sep = separator(text.splitlines()[0])
    check_records(text, sep, path)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str,
                            keep_default_na=False, na_filter=False, skip_blank_lines=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise SheetFileError(path, f"not a CSV table ({error})") from None
    frame.columns = [unicodedata.normalize("NFC", str(c)).strip().lower() for c in frame.columns]
    return frame.map(lambda cell: restore(unicodedata.normalize("NFC", cell)))


def check_records(text: str, sep: str, path) -> None:
    """Raise SheetFileError naming the row (the header is row 1, blank lines not counted,
    as in import's problems), its first line in the file and the column of the first
    record that has more fields than the header or a quote that does not close its cell."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # a cell may be as long as the file
    try:
        reader = csv.reader(io.StringIO(text), delimiter=sep, strict=True)
        header: list[str] | None = None
        row = 0
        while True:
            line = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                where = f"row {row + 1} (line {line})"
                raise SheetFileError(path, f"{where}, {_quote_problem(text, line, sep, header) or error}") from None
            if not record:
                continue
            row += 1
            if header is None:
                header = [unicodedata.normalize("NFC", name).strip().lower() for name in record]
            elif len(record) > len(header):
                raise SheetFileError(path, f"row {row} (line {line}), column {len(header) + 1}: {len(record)} "
                                     f"fields where the header has {len(header)} (extra value "
                                     f"{record[len(header)]!r}); a cell holding the separator {sep!r} must be "
                                     "quoted")
    finally:
        csv.field_size_limit(limit)


def _quote_problem(text: str, first_line: int, sep: str, header: list[str] | None) -> str | None:
    """Where the record starting on `first_line` has a quoted cell that is never closed, or
    closed before other characters than the separator; None if it has neither."""
    offset = 0
    for _ in range(first_line - 1):
        offset = text.index("\n", offset) + 1
    column, line, quoted_on, at_start, i = 1, first_line, None, True, offset

    def name() -> str:
        return f"column {column}" + (f" ({header[column - 1]})" if header and column <= len(header) else "")

    while i < len(text):
        char = text[i]
        if quoted_on is not None:
            if char == '"' and text[i + 1:i + 2] == '"':
                i += 2
                continue
            if char == '"':
                after = text[i + 1:i + 2]
                if after not in (sep, "\n", "\r", ""):
                    return (f"{name()}: the cell quoted from line {quoted_on} closes on line {line} before "
                            f"{text[i + 1:i + 21]!r}, not at a separator (a quote is missing, or a quote inside "
                            'a cell is not doubled as "")')
                quoted_on = None
            elif char == "\n":
                line += 1
        elif char == '"' and at_start:
            quoted_on = line
        elif char == sep:
            column, at_start, i = column + 1, True, i + 1
            continue
        elif char in "\r\n":
            return None
        at_start = False
        i += 1
    if quoted_on is not None:
        return f"{name()}: the quote opened on line {quoted_on} is never closed"
    return None
