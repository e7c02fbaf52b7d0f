"""Import a review sheet: validate every row, plan the changes, apply them in one transaction.

A row is valid or rejected as a whole; every problem names its spreadsheet row (the
header is row 1), column and value. Applying the same file twice changes nothing: edits
equal to the current value, `ok` on a reviewed row, `delete` on a deleted row and an added
row already present (its id is a hash of its document and values) are no-ops.
"""

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.review import sheet
from pipeline.review.csvio import read_sheet
from pipeline.review.export import write_csv
from pipeline.review.row_checks import Change, Problem, SheetContext, cell_text, check_row
from pipeline.review.xlsxio import is_xlsx, read_xlsx
from pipeline.store import now, open_db, search, transaction


@dataclass
class Plan:
    path: Path
    category: str | None
    frame: pd.DataFrame
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rejected_rows: dict[int, list[Problem]] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.problems


def plan_import(db, path: str | Path) -> Plan:
    """Read and validate a sheet against the database; nothing is written."""
    path = Path(path)
    frame = read_xlsx(path) if is_xlsx(path) else read_sheet(path)
    header = list(frame.columns)
    category = sheet.guess_category(header)
    plan = Plan(path, category, frame)
    if category is None:
        plan.problems.append(
            Problem(
                1,
                "",
                "",
                "cannot tell which table this is: expected the columns of an "
                "exported sheet (see 'directives export --help')",
            )
        )
        return plan
    missing = [c for c in sheet.required_columns(category) if c not in header]
    plan.problems += [Problem(1, c, "", f"missing required column for {category}") for c in missing]
    if missing:
        return plan
    context = SheetContext(db, category, typed=frame.attrs.get("typed", False))
    seen: dict[str, int] = {}
    for index, cells in zip(frame.index, frame.to_dict("records")):
        number = index + 2  # the spreadsheet's row: an XLSX frame skips blank rows, keeping their place
        problems, changes = check_row(context, cells, number, seen)
        if problems:
            plan.rejected_rows[number] = problems
            plan.problems += problems
        else:
            plan.changes += changes
    return plan


def apply(db, changes: list[Change], editor: str, file: str) -> None:
    """Write the changes to the log and to the state the views apply, and re-index the
    documents they touch for search, in one transaction."""
    stamp = now()
    with transaction(db):
        for change in changes:
            db.execute(
                "INSERT INTO corrections (table_name, row_id, document_id, action, field, old, new, editor, "
                "file, imported_at, start, [end], note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    change.table,
                    change.row_id,
                    change.document_id,
                    change.action,
                    change.field,
                    cell_text(change.old),
                    cell_text(change.new),
                    editor,
                    file,
                    stamp,
                    change.start,
                    change.end,
                    change.note,
                ],
            )
            db.execute(
                "INSERT OR IGNORE INTO corrected_rows (table_name, row_id, document_id, added, start, [end]) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    change.table,
                    change.row_id,
                    change.document_id,
                    int(change.action == "add"),
                    change.start,
                    change.end,
                ],
            )
            if change.action in ("edit", "add"):
                db.execute(
                    "INSERT OR REPLACE INTO corrected_fields (table_name, row_id, field, value) VALUES (?, ?, ?, ?)",
                    [change.table, change.row_id, change.field, change.new],
                )
            db.execute(
                "UPDATE corrected_rows SET state = ? WHERE table_name = ? AND row_id = ?",
                [_next_state(db, change), change.table, change.row_id],
            )
        for document_id in sorted({change.document_id for change in changes}):
            search.refresh_search(db, document_id)


def _next_state(db, change: Change) -> str | None:
    """delete: deleted; restore: back to edited/ok; edit or ok: reviewed. Added rows stay added (NULL)."""
    added, state = db.execute(
        "SELECT added, state FROM corrected_rows WHERE table_name = ? AND row_id = ?", [change.table, change.row_id]
    ).fetchone()
    if change.action == "delete":
        return "deleted"
    if added:
        return None if change.action == "restore" else state
    if change.action == "restore":
        edited = db.execute(
            "SELECT 1 FROM corrected_fields WHERE table_name = ? AND row_id = ?", [change.table, change.row_id]
        ).fetchone()
        return "edited" if edited else "ok"
    if state == "deleted":
        return state
    return "edited" if change.action == "edit" else (state or "ok")


@dataclass
class ImportResult:
    plan: Plan
    applied: bool
    rejects_path: Path | None = None


def import_sheet(db_path, path: str | Path, editor: str, dry_run: bool = False, partial: bool = False) -> ImportResult:
    """Validate a sheet and apply it: all rows or none, or with `partial` the valid rows
    (the rejected ones are written to `FILE.rejects.csv` with a `reason` column)."""
    db = open_db(db_path)
    try:
        plan = plan_import(db, path)
        file_level = plan.problems and not plan.rejected_rows
        if dry_run or file_level or (plan.problems and not partial):
            return ImportResult(plan, applied=False)
        apply(db, plan.changes, editor, str(Path(path).name))
        rejects = write_rejects(plan) if plan.rejected_rows else None
        return ImportResult(plan, applied=True, rejects_path=rejects)
    finally:
        db.close()


def write_rejects(plan: Plan) -> Path:
    rows = plan.frame.loc[[number - 2 for number in plan.rejected_rows]].copy()
    rows["reason"] = ["; ".join(str(p) for p in problems) for problems in plan.rejected_rows.values()]
    out = plan.path.with_name(plan.path.stem + ".rejects.csv")
    assert plan.category is not None  # rows are rejected only once the sheet's category is known
    write_csv(rows, plan.category, out)
    return out
