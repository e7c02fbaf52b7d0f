"""One row of a review sheet: read-only cells untouched, values valid, what it changes."""

from dataclasses import dataclass

from extractors.schema import base_rule_id
from pipeline.review import sheet
from pipeline.store import stable_id

ADDED_RULE = "staff.added"


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}, value {self.value!r}: {self.message}" if self.value else f"{where}: {self.message}"


@dataclass
class Change:
    table: str
    row_id: str
    document_id: str
    action: str  # edit, delete, ok, restore, add
    field: str | None = None
    old: object = None
    new: object = None
    start: int | None = None
    end: int | None = None
    note: str | None = None

    def __str__(self) -> str:
        if self.action in ("edit", "add") and self.field:
            return f"{self.action} {self.table} {self.row_id} {self.field}: {self.old!r} -> {self.new!r}"
        return f"{self.action} {self.table} {self.row_id}"


class SheetContext:
    """What the database says about the rows and documents a sheet refers to."""

    def __init__(self, db, category: str, typed: bool = False):
        self.db, self.category = db, category
        self.typed = typed  # an XLSX sheet: its numbers are typed cells, no locale could reread them
        self.documents = {
            row["id"]: row for row in db.query("SELECT id, url, name, title, published_date FROM documents")
        }
        self.by_url = {row["url"]: row["id"] for row in self.documents.values()}
        self.states = {
            row["row_id"]: row for row in db.query("SELECT * FROM corrected_rows WHERE table_name = ?", [category])
        }
        self.fields: dict[str, dict] = {}
        for row in db.query("SELECT row_id, field, value FROM corrected_fields WHERE table_name = ?", [category]):
            self.fields.setdefault(row["row_id"], {})[row["field"]] = row["value"]
        self.units = frozenset(
            str(r[0]).lower()
            for r in db.execute(
                "SELECT unit FROM indicators_extracted WHERE unit IS NOT NULL UNION "
                "SELECT value FROM corrected_fields WHERE field = 'unit' AND value IS NOT NULL"
            )
        )

    def current(self, row_id: str) -> dict | None:
        """The row as corrected (even when deleted), or None when unknown or orphaned."""
        extracted = self.db.execute(f"SELECT * FROM [{self.category}_extracted] WHERE id = ?", [row_id])
        names = [d[0] for d in extracted.description]
        found = extracted.fetchone()
        state = self.states.get(row_id)
        if found is None and not (state and state["added"]):
            return None
        if found:
            row = dict(zip(names, found))
        else:
            assert state is not None  # an added row: checked above
            row = {"id": row_id, "document_id": state["document_id"]}
        row.update(self.fields.get(row_id, {}))
        return row

    def document_id(self, reference: str) -> str | None:
        return reference if reference in self.documents else self.by_url.get(reference)

    def text_of(self, document_id: str) -> str:
        return self.db.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()[0] or ""


def check_row(context: SheetContext, cells: dict, number: int, seen: dict[str, int]):
    category = context.category
    problems: list[Problem] = []
    status = cells["status"].strip().lower()
    if status not in sheet.STATUSES:
        problems.append(Problem(number, "status", cells["status"], "status must be blank, ok or delete"))
    row_id = cells["id"].strip()
    if row_id:
        if row_id in seen:
            problems.append(Problem(number, "id", row_id, f"duplicate id (also in row {seen[row_id]})"))
            return problems, []
        seen[row_id] = number
        current = context.current(row_id)
        if current is None:
            reason = (
                "its row is no longer extracted (orphaned correction)"
                if row_id in context.states
                else f"unknown id: no such row in {category}"
            )
            return problems + [Problem(number, "id", row_id, reason)], []
        problems += _readonly_problems(context, cells, current, number)
    else:
        if status == "delete":
            return problems, []  # a new row struck out before import: nothing to add
        current = None
    values, value_problems = _values(context, cells, number, current)
    problems += value_problems
    if problems:
        return problems, []
    if current is None:
        return _added(context, cells, number, values, seen)
    return [], _changes(context, current, values, status, cells.get("note", "").strip() or None)


def _same(cell: str, stored) -> bool:
    """Whether a read-only cell still shows the stored value (allowing Excel's reformatting)."""
    cell, shown = " ".join(cell.split()), " ".join(sheet.format_cell(stored).split())
    if cell == shown:
        return True
    for kind in (sheet.DATE, sheet.NUMBER):
        try:
            return sheet.parse_cell(kind, cell, True) == sheet.parse_cell(kind, shown, True)
        except sheet.CellError:
            continue
    return False


def _unchanged(column: str, cell: str, stored) -> bool:
    """Whether a read-only cell is untouched. Of a rule_id only the reader's id counts: a
    re-extraction since the export may have named other cues after it, on the same row."""
    if column == "rule_id":
        return base_rule_id(cell.strip()) == base_rule_id(str(stored or ""))
    return _same(cell, stored)


def _readonly_problems(context: SheetContext, cells: dict, current: dict, number: int) -> list[Problem]:
    document = context.documents.get(current["document_id"], {})
    stored = {
        **current,
        "document_title": document.get("title"),
        "document_url": document.get("url"),
        "document_date": document.get("published_date"),
    }
    return [
        Problem(
            number, column, cells[column], f"read-only column changed (was {sheet.format_cell(stored.get(column))!r})"
        )
        for column in sheet.readonly_columns(context.category)
        if column in cells and not _unchanged(column, cells[column], stored.get(column))
    ]


def _values(context: SheetContext, cells: dict, number: int, current: dict | None):
    """The editable cells as typed values, each checked against its allowed set."""
    category = context.category
    values, problems = {}, []
    invalid_allowed = False
    if category == "deadlines":
        try:
            valid = sheet.parse_cell(sheet.FLAG, cells["valid"])
            invalid_allowed = valid == 0 or (valid is None and current is not None and current.get("valid") == 0)
        except sheet.CellError:
            pass
    for name, kind in sheet.EDITABLE[category].items():
        stored = current.get(sheet.DB_COLUMN.get(name, name)) if current is not None else None
        if current is not None and _unedited(cells[name], stored):
            values[name] = stored  # still the exported text: the stored value, however it reads
            continue
        try:
            value = sheet.parse_cell(kind, cells[name], invalid_allowed)
            values[name] = sheet.check_allowed(category, name, value, context.units)
        except sheet.CellError as error:
            problems.append(Problem(number, name, cells[name], str(error)))
            continue
        if kind == sheet.NUMBER and not context.typed and _reread(cells[name], stored, values[name]):
            problems.append(Problem(number, name, cells[name], _REREAD.format(shown=sheet.format_cell(stored))))
    return values, problems


_REREAD = (
    "differs from the exported {shown} only in its separators: a spreadsheet set to a language that "
    "writes decimals with a comma may have read the dot as a thousands separator; type the value again "
    "(a decimal as 33,293 or 33.293, a whole number with ,0 as in 33293,0) or use an XLSX sheet"
)


def _unedited(cell: str, stored) -> bool:
    """Whether a cell still shows the stored value as the export wrote it."""
    return " ".join(cell.split()) == " ".join(sheet.format_cell(stored).split())


def _reread(cell: str, stored, value) -> bool:
    """A number that changed while its digits did not (33.293 read back as 33293): what a
    spreadsheet in another locale does to a dot decimal, not what a reviewer types."""
    shown = sheet.format_cell(stored)
    if not isinstance(stored, (int, float)) or value is None or _equal(stored, value) or "." not in shown:
        return False
    digits = lambda text: "".join(c for c in text if c.isdigit())  # noqa: E731
    return digits(cell) == digits(shown) and _equal(value, float(shown.replace(".", "")))


def _changes(context: SheetContext, current: dict, values: dict, status: str, note: str | None) -> list[Change]:
    row_id, document_id = current["id"], current["document_id"]
    state = context.states.get(row_id, {}).get("state")
    base = dict(
        table=context.category,
        row_id=row_id,
        document_id=document_id,
        start=current.get("start"),
        end=current.get("end"),
        note=note,
    )
    if status == "delete":
        return [] if state == "deleted" else [Change(action="delete", **base)]
    changes = [Change(action="restore", **base)] if status == "ok" and state == "deleted" else []
    for name, value in values.items():
        old = current.get(sheet.DB_COLUMN.get(name, name))
        if not _equal(old, value):
            changes.append(Change(action="edit", field=sheet.DB_COLUMN.get(name, name), old=old, new=value, **base))
    if status == "ok" and not changes and state is None and not context.states.get(row_id, {}).get("added"):
        changes.append(Change(action="ok", **base))
    return changes


def _equal(old, new) -> bool:
    """Numbers within rounding; text regardless of how a spreadsheet rewrote line breaks; an
    empty text and a missing value alike (a spreadsheet keeps no difference between them)."""
    if (old is None or old == "") and (new is None or new == ""):
        return True
    if isinstance(old, str) and not old.strip() and new is None:
        return True
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return abs(old - new) <= 1e-9 * max(1.0, abs(old), abs(new))
    if isinstance(old, str) and isinstance(new, str):
        return old.split() == new.split()
    return old == new


def _added(context: SheetContext, cells: dict, number: int, values: dict, seen: dict[str, int]):
    """An added row: its document, required fields, and a content id so re-imports match."""
    category = context.category
    reference = cells["document_id"].strip() or cells.get("document_url", "").strip()
    document_id = context.document_id(reference)
    if document_id is None:
        column = "document_id" if cells["document_id"].strip() else "document_url"
        return [Problem(number, column, reference, "unknown document: give an ingested document's id or url")], []
    problems = [
        Problem(number, name, "", f"an added row needs {name}")
        for name in sheet.REQUIRED_FOR_ADD[category]
        if values.get(name) is None
    ]
    if problems:
        return problems, []
    if category == "indicators" and values.get("comparator") is None:
        values["comparator"] = "="
    row_id = stable_id(document_id, category, "added", *(sheet.exact_number_text(v) for v in values.values()))
    if row_id in seen:
        return [Problem(number, "id", "", f"duplicate added row (same as row {seen[row_id]})")], []
    seen[row_id] = number
    current = context.current(row_id)
    note = cells.get("note", "").strip() or None
    if current is not None:
        return [], _changes(context, current, values, cells["status"].strip().lower(), note)
    sentence = " ".join(cells.get("sentence", "").split()) or None
    evidence = sentence or values.get("text") or values.get("number")
    start = context.text_of(document_id).find(evidence) if evidence else -1
    span = (start, start + len(evidence)) if evidence and start >= 0 else (None, None)
    fields = {sheet.DB_COLUMN.get(k, k): v for k, v in values.items() if v is not None}
    if sheet.has_sentence(category):
        fields["sentence"] = sentence
    fields.update(start=span[0], end=span[1], rule_id=ADDED_RULE)
    return [], [
        Change(category, row_id, document_id, "add", name, None, value, span[0], span[1], note)
        for name, value in fields.items()
        if value is not None
    ]


def cell_text(value) -> str | None:
    return None if value is None else str(value)
