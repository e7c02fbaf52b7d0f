"""Export one category of the public views as a review sheet (see pipeline/review/sheet.py):
XLSX when the file's name ends in .xlsx (pipeline/review/xlsxio.py), CSV otherwise."""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.review import sheet
from pipeline.review.csvio import write_sheet
from pipeline.store import open_db
from pipeline.review.xlsxio import is_xlsx, write_xlsx

# Without a `category` column, --category matches text in the row's describing column.
_DESCRIBED_BY = {"indicators": "name", "tasks": "text", "deadlines": "text", "citations": "doc_type"}


@dataclass
class Filters:
    province: str | None = None
    since: str | None = None
    until: str | None = None
    document: str | None = None
    category: str | None = None


def sheet_rows(db, category: str, filters: Filters) -> list[dict]:
    """Rows of the view, filtered, with the sheet's columns as text (see `stored_rows`)."""
    return [{name: sheet.format_cell(value) for name, value in row.items()}
            for row in stored_rows(db, category, filters)]


def stored_rows(db, category: str, filters: Filters) -> list[dict]:
    """Rows of the view, filtered, with the sheet's columns (document context included)."""
    view_columns = [c.name for c in db[category].columns]
    where, params = [], []
    if filters.province:
        where.append("(d.province = ? OR d.province_current = ?)")
        params += [filters.province, filters.province]
    if filters.since:
        where.append("d.published_date >= ?")
        params.append(filters.since)
    if filters.until:
        where.append("d.published_date <= ?")
        params.append(filters.until)
    if filters.document:
        where.append("(d.id = ? OR d.url = ? OR d.name = ?)")
        params += [filters.document] * 3
    if filters.category:
        column = "category" if "category" in view_columns else _DESCRIBED_BY[category]
        where.append(f"x.[{column}] LIKE ?")
        params.append(f"%{filters.category}%")
    sql = (f"SELECT x.*, d.title AS document_title, d.url AS document_url, d.published_date AS document_date "
           f"FROM [{category}] x JOIN documents d ON d.id = x.document_id WHERE {' AND '.join(where) or '1'} "
           f"ORDER BY d.published_date, d.name, x.start")
    rows = []
    for row in db.query(sql, params):
        out = {name: row.get(sheet.DB_COLUMN.get(name, name)) for name in sheet.columns(category)}
        out["status"] = "ok" if row.get("corrected") else ""
        out["note"] = ""
        rows.append(out)
    return rows


def export(db_path, category: str, out: str | Path, filters: Filters = Filters()) -> int:
    """Write the sheet to `out` (XLSX or CSV by its extension); the number of rows written."""
    db = open_db(db_path)
    try:
        rows = stored_rows(db, category, filters)
    finally:
        db.close()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    if is_xlsx(out):
        write_xlsx(rows, category, out)
        return len(rows)
    frame = pd.DataFrame([{name: sheet.format_cell(value) for name, value in row.items()} for row in rows],
                         columns=sheet.columns(category), dtype=str)
    write_csv(frame, category, out)
    return len(rows)


def write_csv(frame: pd.DataFrame, category: str, out: str | Path) -> None:
    """The sheet as CSV, every cell a spreadsheet could convert kept as written (see csvio)."""
    types = sheet.column_types(category)
    write_sheet(frame, out, as_text=tuple(n for n, t in types.items() if t in (sheet.TEXT, sheet.DATE)),
                numbers=tuple(n for n, t in types.items() if t == sheet.NUMBER))
