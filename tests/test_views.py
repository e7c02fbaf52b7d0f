"""Researchers' views: documented columns, every documented query, targets against results."""

import pytest
import sqlite_utils

from pipeline.research import catalog
from pipeline import store
from pipeline.store import views
from pipeline.research.sql import run

QUERIES = catalog.example_queries()


def _columns(db_path, name):
    return [row[1] for row in sqlite_utils.Database(db_path).execute(f"PRAGMA table_info([{name}])").fetchall()]


@pytest.mark.parametrize("name", [*views.VIEW_NAMES, "search_index"])
def test_every_column_is_documented_in_schema_md(bundled_db, name):
    documented = catalog.schema_descriptions()[name]
    assert documented.description
    assert set(_columns(bundled_db, name)) == set(documented.columns)


def test_queries_md_has_at_least_ten_named_questions():
    assert len(QUERIES) >= 10
    assert len({q.name for q in QUERIES}) == len(QUERIES)
    assert QUERIES[0].name == "ntm_targets_2021" and QUERIES[0].question.startswith("Which provinces set")


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_every_documented_query_returns_rows_on_the_bundled_corpus(bundled_db, query):
    _, rows = run(bundled_db, query.sql, query.params)
    assert list(rows)


def test_new_countryside_targets_for_2021(bundled_db):
    query = next(q for q in QUERIES if q.name == "ntm_targets_2021")
    columns, rows = run(bundled_db, query.sql)
    assert [dict(zip(columns, row)) for row in rows] == [{
        "province": "Lạng Sơn", "province_current": "Lạng Sơn", "name": "xã đạt chuẩn nông thôn mới",
        "comparator": "=", "target_value": 10.0, "unit": "xã", "target_document": "002_e6d35a45ef2bf389.txt",
        "result_value": None, "result_document": None, "gap": None, "met": None}]


def test_documents_overview_counts(bundled_db):
    _, rows = run(bundled_db, "SELECT province, province_current, tasks, targets, results, quality_flags "
                              "FROM documents_overview WHERE name = '001_d93671f2cbad73a6.txt'")
    assert list(rows) == [("Bắc Kạn", "Thái Nguyên", 15, 0, 11, 1)]


def _document(db, name, province, published, indicators=(), tasks=(), deadlines=()):
    document_id = store.stable_id(name)
    document = {"id": document_id, "url": f"file:///{name}", "name": name, "province": province,
                "province_current": province, "published_date": published, "status": "ok", "title": name,
                "text": "x" * 200, "updated_at": "2026-01-01T00:00:00+00:00"}
    common = {"document_id": document_id, "start": 0, "end": 1, "rule_id": "test", "extractor_version": "t"}
    rows = {"indicators_extracted": [{**common, "id": store.stable_id(name, i), "task_id": None, "name": n,
                                      "value": v, "unit": u, "comparator": c, "kind": k, "sentence": n}
                                     for i, (n, v, u, c, k) in enumerate(indicators)],
            "tasks_extracted": [{**common, "id": task_id, "label": "1.", "text": text} for task_id, text in tasks],
            "deadlines_extracted": [{**common, "id": store.stable_id(name, "d", i), "task_id": task_id, "text": text,
                                     "end_date": end, "valid": valid}
                                    for i, (task_id, text, end, valid) in enumerate(deadlines)]}
    with db.conn:
        store.write_documents(db, [document])
        for table, table_rows in rows.items():
            store.insert_rows(db, table, table_rows)


@pytest.fixture
def two_years(tmp_path):
    """A 2021 target document and a 2022 report from the same province, and one from another."""
    db = store.open_db(tmp_path / "d.db")
    _document(db, "plan.txt", "Lạng Sơn", "2021-01-16",
              indicators=[("xã đạt chuẩn nông thôn mới", 10, "xã", ">=", "target"),
                          ("giải ngân vốn đầu tư công", 95, "%", ">=", "target")],
              tasks=[("t1", "Hoàn thành 10 xã nông thôn mới"), ("t2", "Rà soát quy hoạch")],
              deadlines=[("t1", "trước ngày 31/11/2021", "2021-11-31", 0), ("t2", "trong năm 2021", "2021-12-31", 1)])
    _document(db, "report.txt", "Lạng Sơn", "2022-01-10",
              indicators=[("xã đạt chuẩn nông thôn mới", 12, "xã", "=", "result"),
                          ("giải ngân vốn đầu tư công", 90, "%", "=", "result")])
    _document(db, "elsewhere.txt", "Nghệ An", "2022-01-10",
              indicators=[("xã đạt chuẩn nông thôn mới", 3, "xã", "=", "result")])
    yield db
    db.close()


def test_targets_meet_later_results_of_the_same_province(two_years):
    rows = two_years.execute("SELECT name, target_value, result_value, gap, met, result_document "
                             "FROM targets_vs_results ORDER BY name").fetchall()
    assert rows == [("giải ngân vốn đầu tư công", 95.0, 90.0, -5.0, 0, "report.txt"),
                    ("xã đạt chuẩn nông thôn mới", 10.0, 12.0, 2.0, 1, "report.txt")]


def test_task_status_follows_its_deadline(two_years):
    rows = two_years.execute("SELECT task, deadline, status FROM tasks_with_deadlines ORDER BY task").fetchall()
    assert rows == [("Hoàn thành 10 xã nông thôn mới", "trước ngày 31/11/2021", "invalid deadline"),
                    ("Rà soát quy hoạch", "trong năm 2021", "past deadline")]
    due = two_years.execute("SELECT deadline, task FROM deadlines_due WHERE end_date < '2022-01-01'").fetchall()
    assert due == [("trong năm 2021", "Rà soát quy hoạch")]


def test_views_carry_the_extracted_category_column(two_years):
    assert {row[0] for row in two_years.execute("SELECT category FROM indicators_by_province_year")} == {None}
    with two_years.conn:
        two_years.execute("UPDATE indicators_extracted SET category = 'nông thôn mới'")
    assert {row[0] for row in two_years.execute("SELECT category FROM targets_vs_results")} == {"nông thôn mới"}
