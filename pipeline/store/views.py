"""Researchers' views over the public views (`indicators`, `tasks`, `deadlines`, `documents`).

The views read only the public names, never `*_extracted`, so corrections layered into
the public views show up here too. Columns the public views do not have yet
(`indicators.category`, `tasks.assignee`) are NULL placeholders: a migration that adds
them, or that redefines a public view, calls `create_views(db)` again to pick them up.
"""

import sqlite_utils

_YEAR = "CAST(coalesce(substr({alias}.period_end, 1, 4), substr({doc}.published_date, 1, 4)) AS INTEGER)"

_VIEWS = {
    "indicators_by_province_year": """
SELECT i.id AS indicator_id, i.name, {i_category} AS category, d.province, d.province_current,
       {i_year} AS year, i.kind, i.value, i.value_high, i.unit, i.comparator, i.per,
       i.period_start, i.period_end, i.sentence,
       d.id AS document_id, d.name AS document, d.title AS document_title, d.published_date
FROM indicators i JOIN documents d ON d.id = i.document_id""",
    "targets_vs_results": """
SELECT t.id AS target_id, t.name, {t_category} AS category, td.province, td.province_current,
       {t_year} AS year, t.comparator, t.value AS target_value, t.value_high AS target_value_high, t.unit,
       td.name AS target_document, td.published_date AS target_published,
       r.id AS result_id, r.value AS result_value, rd.name AS result_document,
       rd.published_date AS result_published,
       r.value - t.value AS gap,
       CASE WHEN r.id IS NULL THEN NULL
            WHEN t.comparator = '>' THEN r.value > t.value
            WHEN t.comparator = '<' THEN r.value < t.value
            WHEN t.comparator = '<=' THEN r.value <= t.value
            WHEN t.comparator = 'range' THEN r.value >= t.value
            ELSE r.value >= t.value END AS met
FROM indicators t JOIN documents td ON td.id = t.document_id
LEFT JOIN (indicators r JOIN documents rd ON rd.id = r.document_id)
       ON r.kind = 'result' AND r.name = t.name AND r.unit IS t.unit
      AND rd.province IS td.province
      AND coalesce(rd.published_date, '9999') >= coalesce(td.published_date, '')
WHERE t.kind = 'target'""",
    "tasks_with_deadlines": """
SELECT t.id AS task_id, t.label, t.section, t.text AS task, {t_assignee} AS assignee,
       dl.id AS deadline_id, dl.text AS deadline, dl.start_date, dl.end_date, dl.valid,
       CASE WHEN dl.id IS NULL THEN 'no deadline'
            WHEN dl.valid = 0 THEN 'invalid deadline'
            WHEN dl.end_date < date('now') THEN 'past deadline'
            ELSE 'upcoming' END AS status,
       d.id AS document_id, d.name AS document, d.province, d.province_current, d.published_date
FROM tasks t JOIN documents d ON d.id = t.document_id
LEFT JOIN deadlines dl ON dl.task_id = t.id""",
    "deadlines_due": """
SELECT dl.id AS deadline_id, dl.text AS deadline, dl.start_date, dl.end_date, dl.granularity,
       t.id AS task_id, t.label AS task_label, t.text AS task, {t_assignee} AS assignee, dl.sentence,
       d.id AS document_id, d.name AS document, d.province, d.province_current, d.published_date
FROM deadlines dl JOIN documents d ON d.id = dl.document_id
LEFT JOIN tasks t ON t.id = dl.task_id
WHERE dl.valid = 1""",
    "documents_overview": """
SELECT d.id AS document_id, d.name, d.title, d.source, d.province, d.province_current, d.published_date,
       d.kind, d.status, d.error, length(d.text) AS characters,
       (SELECT count(*) FROM tasks x WHERE x.document_id = d.id) AS tasks,
       (SELECT count(*) FROM indicators x WHERE x.document_id = d.id AND x.kind = 'target') AS targets,
       (SELECT count(*) FROM indicators x WHERE x.document_id = d.id AND x.kind = 'result') AS results,
       (SELECT count(*) FROM deadlines x WHERE x.document_id = d.id) AS deadlines,
       (SELECT count(*) FROM citations x WHERE x.document_id = d.id) AS citations,
       (SELECT count(*) FROM quality_flags x WHERE x.document_id = d.id) AS quality_flags,
       d.url, d.ingested_at, d.updated_at
FROM documents d""",
}

VIEW_NAMES = tuple(_VIEWS)


def _column_or_null(db: sqlite_utils.Database, view: str, column: str, alias: str) -> str:
    present = column in {row[1] for row in db.execute(f"PRAGMA table_info([{view}])").fetchall()}
    return f"{alias}.{column}" if present else "NULL"


def create_views(db: sqlite_utils.Database) -> None:
    """(Re)create the researchers' views against the current public views."""
    names = {
        "i_category": _column_or_null(db, "indicators", "category", "i"),
        "t_category": _column_or_null(db, "indicators", "category", "t"),
        "t_assignee": _column_or_null(db, "tasks", "assignee", "t"),
        "i_year": _YEAR.format(alias="i", doc="d"),
        "t_year": _YEAR.format(alias="t", doc="td"),
    }
    for name, sql in _VIEWS.items():
        db.execute(f"DROP VIEW IF EXISTS [{name}]")
        db.execute(f"CREATE VIEW [{name}] AS {sql.strip().format(**names)}")
