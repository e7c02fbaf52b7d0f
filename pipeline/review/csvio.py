"""Spreadsheet CSV in and out: what Excel writes and reads, with formula cells neutralized.

Written: UTF-8 with a BOM (so Excel shows Vietnamese), comma separated, every cell that
begins with `=`, `+`, `-` or `@` prefixed with `'` so no spreadsheet runs it as a formula.
Read: UTF-8 with or without BOM, UTF-16 ("Unicode text"), cp1258; comma, semicolon or tab
separated; cells NFC-normalized and the `'` prefix taken off again.
"""

import io
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


def neutralize(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def restore(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:2] in FORMULA_STARTS else cell


def write_sheet(frame: pd.DataFrame, path: str | Path) -> None:
    """Write text cells as a UTF-8-with-BOM CSV, formula cells neutralized."""
    safe = frame.fillna("").astype(str).map(neutralize)
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
    try:
        frame = pd.read_csv(io.StringIO(text), sep=separator(text.splitlines()[0]), dtype=str,
                            keep_default_na=False, na_filter=False, skip_blank_lines=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise SheetFileError(path, f"not a CSV table ({error})") from None
    frame.columns = [unicodedata.normalize("NFC", str(c)).strip().lower() for c in frame.columns]
    return frame.map(lambda cell: restore(unicodedata.normalize("NFC", cell)))
