"""End to end: the bundled corpus and fixtures into a real SQLite file."""

import shutil
import sqlite3

import pytest
import sqlite_utils
from conftest import FIXTURES, REPO

from pipeline.errors import DirectivesError
from pipeline.ingest.files import discover
from pipeline.ingest.steps import batches, ingest


def _ids(db_path, table):
    db = sqlite_utils.Database(db_path)
    return sorted(row["id"] for row in db[table].rows)


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("corpus") / "directives.db"
    summary = ingest(discover(), db_path)
    return db_path, summary


def test_bundled_corpus_ingests(corpus_db):
    db_path, summary = corpus_db
    assert summary.documents["new"] == 5 and summary.documents["failed"] == 0
    db = sqlite_utils.Database(db_path)
    documents = {row["name"]: row for row in db["documents"].rows}
    seed = documents["000_21784c90663ce49a.txt"]
    assert (seed["province"], seed["province_current"], seed["published_date"], seed["status"]) == (
        "Vĩnh Phúc",
        "Phú Thọ",
        "2021-01-14",
        "ok",
    )
    assert "Xem cỡ chữ" not in seed["text"]
    assert [documents[name]["author"] for name in sorted(documents)] == [
        "Ngọc Anh",
        "Bích Huệ",
        "TRÍ DŨNG – PHƯƠNG DUNG",
        "Kim Oanh",
        "Mai Trâm",
    ]
    assert (
        documents["001_d93671f2cbad73a6.txt"]["title"]
        == "Tập trung thực hiện 15 nhiệm vụ trọng tâm trong 3 tháng cuối năm"
    )
    assert "PublishingPortal" not in documents["001_d93671f2cbad73a6.txt"]["text"]


def test_rows_carry_provenance(corpus_db):
    db_path, _ = corpus_db
    db = sqlite_utils.Database(db_path)
    row = next(
        db.query("""SELECT i.*, d.text AS document_text FROM indicators i JOIN documents d ON d.id = i.document_id
                           WHERE i.unit = '%' AND i.value = 95""")
    )
    assert row["document_text"][row["start"] : row["end"]] == "95% trở lên"
    assert (row["comparator"], row["kind"], row["rule_id"]) == (">=", "target", "ind.percent+cmp.tro_len+kind.giao")
    assert "giải ngân vốn đầu tư công" in row["sentence"]
    assert row["extractor_version"].startswith("0.1.0+")
    deadline = next(db.query("SELECT * FROM deadlines WHERE valid = 0"))
    assert (deadline["text"], deadline["end_date"]) == ("trước ngày 31/11/2021", "2021-11-31")
    flag = next(db.query("SELECT * FROM quality_flags WHERE code = 'task_count_mismatch'"))
    assert "announces 13" in flag["message"]
    tasks = list(db.query("SELECT label FROM tasks ORDER BY start"))
    assert [t["label"] for t in tasks] == [f"({n})" for n in range(1, 16)]


def test_second_run_changes_nothing(corpus_db, tmp_path):
    db_path, _ = corpus_db
    before = {table: _ids(db_path, table) for table in ("tasks", "indicators", "deadlines", "citations")}
    summary = ingest(discover(), db_path)
    assert summary.documents == {"unchanged": 5}
    assert {table: _ids(db_path, table) for table in before} == before


def test_same_extraction_same_ids_in_a_fresh_database(corpus_db, tmp_path):
    db_path, _ = corpus_db
    other = tmp_path / "other.db"
    ingest(discover(), other)
    assert _ids(other, "indicators") == _ids(db_path, "indicators")


def test_batches_are_stored_together_up_to_the_store_size(tmp_path):
    """Five one-document batches, stored two or more documents to a transaction: each batch
    is reported once stored, its group's documents all in the store by then, the last alone."""
    db_path = tmp_path / "d.db"
    stored_when_reported = []

    def count(size: int) -> None:
        with sqlite3.connect(db_path) as db:
            stored_when_reported.append((size, db.execute("SELECT count(*) FROM documents").fetchone()[0]))

    summary = ingest(discover([REPO / "corpus" / "seeds"]), db_path, batch_size=1, store_size=2, on_batch=count)
    assert stored_when_reported == [(1, 2), (1, 2), (1, 4), (1, 4), (1, 5)]
    assert summary.documents == {"new": 5} and summary.rows["tasks"] == 15


def test_batches_for_several_workers_shrink_at_the_end():
    """Workers taking batches finish within a small one of each other, not a full one."""
    items = list(range(2000))
    assert [len(batch) for batch in batches(items, 128)] == [128] * 15 + [80]
    two = batches(items, 128, workers=2)
    assert [len(batch) for batch in two] == [128] * 12 + [116, 87, 66, 49, 37, 32, 32, 32, 13]
    assert [item for batch in two for item in batch] == items
    assert [len(batch) for batch in batches(items[:3], 1, workers=2)] == [1, 1, 1]


def test_changed_file_is_reextracted(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    document = folder / "note.txt"
    document.write_text("Kế hoạch\nPhấn đấu có thêm 10 xã đạt chuẩn nông thôn mới trong năm 2021.", encoding="utf-8")
    db_path = tmp_path / "d.db"
    ingest(discover([folder]), db_path)
    document.write_text("Kế hoạch\nPhấn đấu có thêm 12 xã đạt chuẩn nông thôn mới trong năm 2021.", encoding="utf-8")
    summary = ingest(discover([folder]), db_path)
    assert summary.documents == {"changed": 1}
    db = sqlite_utils.Database(db_path)
    assert [(r["value"], r["unit"]) for r in db["indicators"].rows] == [(12, "xã")]
    assert len(list((tmp_path / "raw").rglob("*"))) == 4  # two versions, each in its own folder


def test_bad_files_are_recorded_and_the_rest_ingested(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name in (
        "truncated.pdf",
        "empty.html",
        "kehoach-12-langson.pdf",
        "kehoach-12-langson.docx",
        "kehoach-12-langson.html",
    ):
        shutil.copy(FIXTURES / name, folder / name)
    shutil.copy(REPO / "corpus" / "seeds" / "003_1716b84068ac115f.txt", folder)
    db_path = tmp_path / "d.db"
    summary = ingest(discover([folder]), db_path)
    assert summary.documents == {"new": 4, "failed": 2}
    db = sqlite_utils.Database(db_path)
    errors = {row["name"]: row["error"] for row in db.query("SELECT * FROM documents WHERE status = 'error'")}
    assert errors["truncated.pdf"].endswith("truncated.pdf: not a readable PDF (PdfminerException: Unexpected EOF)")
    assert errors["empty.html"].endswith("empty.html: the file is empty")
    assert len(list((tmp_path / "raw").rglob("*"))) >= 2 * 5  # bytes archived before parsing


@pytest.mark.parametrize(
    "name, kind, pages",
    [
        ("kehoach-12-langson.pdf", "pdf", 2),
        ("kehoach-12-langson.docx", "docx", 0),
        ("kehoach-12-langson.html", "html", 0),
    ],
)
def test_fixture_formats_extract_the_same_facts(tmp_path, name, kind, pages):
    db_path = tmp_path / "d.db"
    ingest(discover([FIXTURES / name]), db_path)
    db = sqlite_utils.Database(db_path)
    [document] = db["documents"].rows
    assert (document["kind"], document["status"], document["province"]) == (kind, "ok", "Lạng Sơn")
    assert db["pages"].count == pages
    assert "Ý kiến bạn đọc" not in document["text"] and "Tin mới" not in document["text"]
    assert [t["label"] for t in db.query("SELECT label FROM tasks ORDER BY start")] == ["1.", "2.", "a)", "b)", "3."]
    indicators = {(r["value"], r["unit"], r["comparator"], r["kind"]) for r in db["indicators"].rows}
    assert {(95, "%", ">=", "target"), (10, "xã", "=", "target"), (5835, "tỷ đồng", ">=", "target")} <= indicators
    deadlines = {(r["end_date"], r["granularity"]) for r in db["deadlines"].rows}
    assert {("2021-12-31", "day"), ("2021-11-30", "day"), ("2021-06-30", "quarter")} <= deadlines
    assert [(r["number"], r["doc_type"], r["issued_date"]) for r in db["citations"].rows] == [
        ("101-NQ/TU", "Nghị quyết", "2019-12-12")
    ]


def test_a_sources_table_beside_the_files_is_read_as_a_manifest(tmp_path):
    (tmp_path / "a.txt").write_text("Hội nghị Ban Thường vụ.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Hội nghị giao ban.\n", encoding="utf-8")
    (tmp_path / "SOURCES.tsv").write_text(
        "file\tkind\torigin\tprovince\tdate\na.txt\ttxt\tportal\tĐắk Nông\t2020-10\n", encoding="utf-8"
    )
    found = {item.name: item for item in discover([tmp_path])}
    assert (found["a.txt"].province, found["b.txt"].province) == ("Đắk Nông", None)
    assert found["a.txt"].url == (tmp_path / "a.txt").resolve().as_uri()


def test_a_manifest_that_is_not_utf8_is_named(tmp_path):
    (tmp_path / "a.txt").write_text("Hội nghị Ban Thường vụ.\n", encoding="utf-8")
    (tmp_path / "SOURCES.tsv").write_bytes(b"file\tprovince\na.txt\tL\xe2m \xd0\xf4\xfeng\n")  # saved as windows-1258
    with pytest.raises(DirectivesError, match="SOURCES.tsv: not a UTF-8 tab-separated table"):
        discover([tmp_path])
