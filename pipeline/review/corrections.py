"""Read the corrections log: what staff changed, and which corrections lost their row."""

from pipeline.store.correction_tables import CATEGORIES
from pipeline.store import open_db

LOG_COLUMNS = ("id", "imported_at", "editor", "file", "table_name", "row_id", "document_id", "action", "field",
               "old", "new", "note")


def list_corrections(db_path, editor: str | None = None, since: str | None = None,
                     orphaned: bool = False) -> list[dict]:
    """Log entries, oldest first; `orphaned` keeps those whose row is no longer extracted."""
    db = open_db(db_path)
    try:
        where, params = [], []
        if editor:
            where.append("c.editor = ?")
            params.append(editor)
        if since:
            where.append("c.imported_at >= ?")
            params.append(since)
        if orphaned:
            where.append(f"({orphan_condition()})")
        sql = (f"SELECT {', '.join('c.' + c for c in LOG_COLUMNS)} FROM corrections c"
               + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY c.id")
        return list(db.query(sql, params))
    finally:
        db.close()


def orphan_condition() -> str:
    """SQL true for a log entry `c` on an extracted row that re-extraction no longer produces."""
    missing = " OR ".join(f"(c.table_name = '{name}' AND NOT EXISTS "
                          f"(SELECT 1 FROM [{name}_extracted] e WHERE e.id = c.row_id))" for name in CATEGORIES)
    return (f"NOT EXISTS (SELECT 1 FROM corrected_rows r WHERE r.table_name = c.table_name "
            f"AND r.row_id = c.row_id AND r.added = 1) AND ({missing})")
