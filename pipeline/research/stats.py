"""Counts per table and per province."""

from pipeline.store import open_db

TABLES = ("documents", "tasks", "indicators", "deadlines", "citations", "quality_flags")


def table_counts(db_path) -> dict[str, int]:
    db = open_db(db_path)
    try:
        return {name: db.execute(f"SELECT count(*) FROM [{name}]").fetchone()[0] for name in TABLES}
    finally:
        db.close()


def province_counts(db_path) -> dict:
    db = open_db(db_path)
    try:
        columns = ["province", "documents", "errors", "tasks", "indicators", "deadlines", "citations"]
        sql = """
            SELECT coalesce(d.province, '(none)') AS province, count(*) AS documents,
                   sum(d.status = 'error') AS errors,
                   sum((SELECT count(*) FROM tasks t WHERE t.document_id = d.id)),
                   sum((SELECT count(*) FROM indicators i WHERE i.document_id = d.id)),
                   sum((SELECT count(*) FROM deadlines l WHERE l.document_id = d.id)),
                   sum((SELECT count(*) FROM citations c WHERE c.document_id = d.id))
            FROM documents d GROUP BY 1 ORDER BY 2 DESC, 1"""
        return {"columns": columns, "rows": [list(row) for row in db.execute(sql).fetchall()]}
    finally:
        db.close()
