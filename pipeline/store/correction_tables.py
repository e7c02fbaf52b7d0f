"""Tables that hold staff corrections, and the public views that layer them over machine output.

`corrections` is the append-only log of every change. `corrected_rows` (one row per
reviewed, deleted or added item) and `corrected_fields` (one row per edited field) hold the
current state the views apply. None of them refers to `*_extracted` rows by foreign key, so
re-extraction (which deletes and reinserts those rows) cannot touch a correction.
"""

import sqlite_utils

CATEGORIES = ("tasks", "indicators", "deadlines", "citations")

_TABLES = {
    "corrections": """CREATE TABLE corrections (
        id INTEGER PRIMARY KEY, table_name TEXT NOT NULL, row_id TEXT NOT NULL, document_id TEXT,
        action TEXT NOT NULL, field TEXT, old TEXT, new TEXT, editor TEXT NOT NULL, file TEXT,
        imported_at TEXT NOT NULL, start INTEGER, [end] INTEGER, note TEXT)""",
    "corrected_rows": """CREATE TABLE corrected_rows (
        table_name TEXT NOT NULL, row_id TEXT NOT NULL, document_id TEXT, added INTEGER NOT NULL DEFAULT 0,
        state TEXT, start INTEGER, [end] INTEGER, PRIMARY KEY (table_name, row_id))""",
    # `value` has no declared type: SQLite keeps each value's own type (REAL, INTEGER, TEXT).
    "corrected_fields": """CREATE TABLE corrected_fields (
        table_name TEXT NOT NULL, row_id TEXT NOT NULL, field TEXT NOT NULL, value,
        PRIMARY KEY (table_name, row_id, field))""",
}


def create_tables(db: sqlite_utils.Database) -> None:
    existing = set(db.table_names())
    for name, ddl in _TABLES.items():
        if name not in existing:
            db.execute(ddl)
    db.execute("CREATE INDEX IF NOT EXISTS corrections_row ON corrections (table_name, row_id)")
    db.execute("CREATE INDEX IF NOT EXISTS corrections_imported ON corrections (imported_at)")


def view_sql(name: str, columns: list[str]) -> str:
    """The public view of one category: extracted rows minus deleted ones, edited fields
    replaced, added rows appended; the last column `corrected` says which applied."""
    fields = [c for c in columns if c not in ("id", "document_id")]

    def joins(row_id: str) -> str:
        return " ".join(f"LEFT JOIN corrected_fields [f_{c}] ON [f_{c}].table_name = '{name}' "
                        f"AND [f_{c}].row_id = {row_id} AND [f_{c}].field = '{c}'" for c in fields)

    extracted = ", ".join(f"CASE WHEN [f_{c}].row_id IS NULL THEN e.[{c}] ELSE [f_{c}].value END AS [{c}]"
                          for c in fields)
    added = ", ".join(f"[f_{c}].value AS [{c}]" for c in fields)
    return (f"CREATE VIEW [{name}] AS "
            f"SELECT e.id AS id, e.document_id AS document_id, {extracted}, r.state AS corrected "
            f"FROM [{name}_extracted] e LEFT JOIN corrected_rows r ON r.table_name = '{name}' AND r.row_id = e.id "
            f"{joins('e.id')} WHERE r.state IS NOT 'deleted' "
            f"UNION ALL "
            f"SELECT r.row_id, r.document_id, {added}, 'added' FROM corrected_rows r {joins('r.row_id')} "
            f"WHERE r.table_name = '{name}' AND r.added = 1 AND r.state IS NOT 'deleted'")


def create_views(db: sqlite_utils.Database) -> None:
    """(Re)create the four public views from the current columns of `*_extracted`.

    A migration that adds a column to an `*_extracted` table calls this afterwards."""
    for name in CATEGORIES:
        columns = [column.name for column in db[f"{name}_extracted"].columns]
        db.execute(f"DROP VIEW IF EXISTS [{name}]")
        db.execute(view_sql(name, columns))


def migrate(db: sqlite_utils.Database) -> None:
    create_tables(db)
    create_views(db)
