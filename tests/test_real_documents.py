"""Every real document in ../shared/corpus/real ingests with a sensible status and text.

OCR reads one page per scan here (DIRECTIVES_OCR_MAX_PAGES=1) to keep the suite fast."""

import pytest
import sqlite_utils
from conftest import shared_path

from pipeline.ingest.files import discover
from pipeline.ingest.steps import ingest
from pipeline.parse import ocr


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    folder = shared_path("corpus", "real")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DIRECTIVES_OCR_MAX_PAGES", "1")
        db_path = tmp_path_factory.mktemp("real") / "real.db"
        summary = ingest(discover([folder]), db_path)
    db = sqlite_utils.Database(db_path)
    return summary, {row["name"][:3]: row for row in db["documents"].rows}, db


def test_all_real_documents_ingest(real_db):
    summary, documents, _ = real_db
    assert len(documents) == 18
    statuses = {key: row["status"] for key, row in documents.items()}
    assert statuses.pop("020") == "no_article"
    expected = "ok" if ocr.ocr_available() else None
    for key in ("009", "011", "037"):
        assert statuses.pop(key) == (expected or "needs_ocr")
    assert set(statuses.values()) == {"ok"}
    assert summary.documents["failed"] == 1 + (0 if expected else 3)


def test_text_sources(real_db):
    _, documents, _ = real_db
    assert documents["002"]["text_source"] == "text_layer"
    assert documents["008"]["text_source"] == "docx"
    assert documents["018"]["text_source"] == "html"
    assert documents["021"]["text_source"] == "text"


@pytest.mark.skipif(not ocr.ocr_available(), reason="tesseract-ocr-vie is not installed")
def test_scans_are_read_by_ocr(real_db):
    _, documents, db = real_db
    for key in ("009", "010", "011", "037"):  # 010's text layer lost its diacritics: re-read
        assert documents[key]["text_source"] == "ocr"
    scan = documents["009"]
    assert "KẾ HOẠCH" in scan["text"] and "20h ngày 10/10/2017" in scan["text"]
    assert "Làm việc với Đoàn công tác Ban Chỉ đạo Trung ương" in scan["text"]
    assert "UBND TỈNH HÀ TĨNH" in documents["010"]["text"]
    [page] = db.query("SELECT * FROM pages WHERE document_id = ?", [scan["id"]])
    assert page["page"] == 1 and page["confidence"] > 80
    assert "Ban hành Kế hoạch phát triển thương mại điện tử" in documents["037"]["text"]  # not only the stamp


def test_portal_home_page_is_no_article(real_db):
    _, documents, _ = real_db
    home = documents["020"]
    assert home["text"] is None
    assert home["error"].endswith("no article: the page lists 10 news items (a portal home or category page)")


def test_vbpl_page_keeps_the_decision_without_site_chrome(real_db):
    _, documents, _ = real_db
    text = documents["018"]["text"]
    assert text.startswith("Quyết định số 51/2025/QĐ-TTg Ban hành Bộ tiêu chí quốc gia về nông thôn mới")
    assert "Trang chủ" not in text
    assert (
        "12. Chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước đạt từ 85% trở lên."
        in text
    )
    assert (documents["018"]["doc_number"], documents["018"]["doc_type"], documents["018"]["signed_date"]) == (
        "51/2025/QĐ-TTg",
        "Quyết định",
        "2025-12-29",
    )


def test_word_segmented_texts_read_as_normal_text(real_db):
    _, documents, _ = real_db
    for key in ("021", "022"):
        assert "_" not in documents[key]["text"]
    assert "Phấn đấu" in documents["021"]["text"]


def test_docx_directive_gives_tasks_and_deadlines(real_db):
    _, documents, db = real_db
    document_id = documents["008"]["id"]
    labels = [
        row["label"] for row in db.query("SELECT label FROM tasks WHERE document_id = ? ORDER BY start", [document_id])
    ]
    assert labels[:4] == ["1.", "a)", "b)", "c)"]
    deadlines = {
        (row["text"], row["end_date"])
        for row in db.query("SELECT text, end_date FROM deadlines WHERE document_id = ?", [document_id])
    }
    assert {
        ("hoàn thành trước ngày 10/12/2025", "2025-12-10"),
        ("Hoàn thành trước ngày 20/12/2025", "2025-12-20"),
        ("trước ngày 25/12/2025", "2025-12-25"),
    } <= deadlines


def test_table_figures_are_indicators(real_db):
    _, documents, db = real_db
    rows = list(
        db.query(
            """SELECT i.*, d.text AS document_text FROM indicators i JOIN documents d ON d.id = i.document_id
                            WHERE d.id = ? AND i.rule_id = 'ind.table_cell' ORDER BY i.start""",
            [documents["002"]["id"]],
        )
    )
    assert len(rows) == 24
    first = rows[:3]
    assert [(r["name"], r["value"], r["unit"], r["kind"]) for r in first] == [
        ("Lâm Đồng: PAR Index Điểm số", 83.1, "/100", "result"),
        ("Lâm Đồng: PAR Index Thứ hạng", 62, "/63", "result"),
        ("Lâm Đồng: SIPAS Chỉ số", 83.0, "%", "result"),
    ]
    assert [r["document_text"][r["start"] : r["end"]] for r in first] == ["83,1/100", "62/63", "83,0%"]


def test_replacing_directive_is_linked_and_the_old_one_superseded(real_db):
    _, documents, db = real_db
    old, new = documents["005"], documents["006"]
    assert (new["doc_number"], new["doc_type"], new["issuer"], new["signed_date"]) == (
        "63/CĐ-VPCP",
        "Công điện",
        "VĂN PHÒNG CHÍNH PHỦ",
        "2026-01-11",
    )
    [link] = db.query("SELECT * FROM document_links WHERE from_document_id = ? AND relation = 'replaces'", [new["id"]])
    assert (link["to_number"], link["to_document_id"]) == ("58/CĐ-VPCP", old["id"])
    assert old["superseded_by"] == new["id"] and new["superseded_by"] is None
    # Near-identical, but two documents with their own numbers: not duplicates.
    assert (old["canonical_id"], new["canonical_id"]) == (old["id"], new["id"])
    [implements] = db.query(
        "SELECT * FROM document_links WHERE from_document_id = ? AND to_number = '493/TB-UBND' AND relation = 'implements'",
        [documents["002"]["id"]],
    )
    assert implements["start"] < 1500  # "Thực hiện Thông báo số 493/TB-UBND" in its opening


def test_header_with_the_day_left_blank_dates_by_month(real_db):
    # "Lâm Đồng, ngày    tháng 12 năm 2025": not the date of the first document it cites.
    _, documents, _ = real_db
    assert (documents["002"]["published_date"], documents["003"]["published_date"]) == ("2025-11", "2025-12")


def test_sources_tsv_beside_the_files_gives_their_province(real_db):
    # 024's text says only "toàn tỉnh"; SOURCES.tsv says Đắk Nông. Central documents stay null.
    _, documents, _ = real_db
    assert (documents["024"]["province"], documents["024"]["province_current"]) == ("Đắk Nông", "Lâm Đồng")
    assert (documents["005"]["province"], documents["018"]["province"]) == (None, None)


def test_long_list_of_targets_keeps_kind_and_basis_per_clause(real_db):
    # 021 (2011-2015 plan): "a) Phấn đấu ... GDP bình quân đầu người năm 2015 là 41 triệu đồng
    # / người / năm; ...; tỷ lệ lao động qua đào tạo năm 2015 đạt 60% (trong đó đào tạo nghề
    # đạt 40%); ...; tỷ lệ độ che phủ rừng đạt 20%."
    _, documents, db = real_db
    rows = list(
        db.query(
            "SELECT value, unit, per, kind FROM indicators WHERE document_id = ? AND sentence LIKE 'a) Phấn đấu%' "
            "ORDER BY start",
            [documents["021"]["id"]],
        )
    )
    assert {row["kind"] for row in rows} == {"target"}
    # "kim ngạch xuất khẩu gấp 2 lần năm 2010" is an indicator in lần (GUIDELINES via issue #25: "tăng gấp 1,8 lần")
    assert [(row["value"], row["per"]) for row in rows[:5]] == [
        (13.0, "năm"),
        (41.0, "người"),
        (2100000.0, "năm"),
        (2.0, None),
        (10.0, None),
    ]
    assert (rows[-1]["value"], rows[-1]["unit"], rows[-1]["per"]) == (20.0, "%", None)
