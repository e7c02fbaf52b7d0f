"""Document identity, links resolved in any ingest order, and reposted copies stored once."""

import hashlib
import json
import shutil

import pytest
import sqlite_utils
from conftest import SEEDS, shared_path

from pipeline import duplicates
from pipeline.identity import identify, references
from pipeline.ingest import ingest
from pipeline.sources import discover

HEADER = ("VĂN PHÒNG CHÍNH PHỦ CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
          "Số: 63/CĐ-VPCP Hà Nội, ngày 11 tháng 01 năm 2026\nCÔNG ĐIỆN\n")


def test_identity_from_the_header():
    assert identify(HEADER) == identify(HEADER)
    own = identify(HEADER)
    assert (own.doc_number, own.doc_type, own.issuer, own.signed_date) == \
        ("63/CĐ-VPCP", "Công điện", "VĂN PHÒNG CHÍNH PHỦ", "2026-01-11")
    typed = identify("Công điện số 159/CĐ-TTg\nvề định hướng chỉ đạo")
    assert (typed.doc_number, typed.doc_type) == ("159/CĐ-TTg", "Công điện")


def test_relations_from_wording():
    text = HEADER + ("(Công điện này thay thế cho Công điện số 58/CĐ-VPCP ngày 10 tháng 01 năm 2026). "
                     "Thực hiện Kế hoạch số 36/KH-STP; sửa đổi, bổ sung Quyết định số 12/2024/QĐ-UBND; "
                     "theo Nghị quyết số 57-NQ/TW.")
    found = [(r.number, r.relation) for r in references(text, "63/CĐ-VPCP")]
    assert found == [("58/CĐ-VPCP", "replaces"), ("36/KH-STP", "implements"), ("12/2024/QĐ-UBND", "amends"),
                     ("57-NQ/TW", "cites")]


def test_replaced_document_ingested_later_is_still_linked(tmp_path):
    real = shared_path("corpus", "real")
    db_path = tmp_path / "d.db"
    ingest(discover([real / "006_vpcp-cd63-bcd-dulieu-thaythe.pdf"]), db_path)
    db = sqlite_utils.Database(db_path)
    assert [row["to_document_id"] for row in db.query("SELECT * FROM document_links WHERE relation = 'replaces'")] == [None]
    ingest(discover([real / "005_vpcp-cd58-bcd-dulieu.pdf"]), db_path)
    old = next(db.query("SELECT * FROM documents WHERE doc_number = '58/CĐ-VPCP'"))
    new = next(db.query("SELECT * FROM documents WHERE doc_number = '63/CĐ-VPCP'"))
    [link] = db.query("SELECT * FROM document_links WHERE relation = 'replaces'")
    assert (link["from_document_id"], link["to_document_id"]) == (new["id"], old["id"])
    assert old["superseded_by"] == new["id"]


def test_similarity_of_signatures():
    body = (SEEDS / "000_21784c90663ce49a.txt").read_text(encoding="utf-8")
    assert duplicates.similarity(duplicates.signature(body), duplicates.signature(body)) == 1.0
    other = (SEEDS / "001_d93671f2cbad73a6.txt").read_text(encoding="utf-8")
    assert duplicates.similarity(duplicates.signature(body), duplicates.signature(other)) < 0.1
    assert duplicates.signature("") is None


@pytest.mark.parametrize("text, digest", [
    (None, "014a3fccbed77814"),  # a seed
    ("Ba từ thôi", "839bc2e34060237c"),  # fewer words than a shingle
    ("Chữ 𝐀 ngoài mặt phẳng cơ bản, số ２０２５ và ½ ly", "cb8b125260ead480"),  # beyond the BMP, other digits
])
def test_signatures_stay_the_same_across_versions(text, digest):
    """Signatures are stored and compared with those of later runs: the values must not drift."""
    text = text or (SEEDS / "000_21784c90663ce49a.txt").read_text(encoding="utf-8")
    assert hashlib.sha256(json.dumps(duplicates.signature(text)).encode()).hexdigest()[:16] == digest


def test_near_duplicates_share_a_band_and_unrelated_texts_do_not():
    body = (SEEDS / "000_21784c90663ce49a.txt").read_text(encoding="utf-8")
    repost = "Trang chủ > Tin tức\nCập nhật: 15/01/2021\n" + body.split("\n", 2)[2] + "\nNguồn: Báo Vĩnh Phúc"
    other = (SEEDS / "001_d93671f2cbad73a6.txt").read_text(encoding="utf-8")
    keys = set(duplicates.band_keys(duplicates.signature(body)))
    assert len(keys) == duplicates.BANDS
    assert duplicates.band_keys(duplicates.signature(body))[:2] == ["0:46fd75ce6fc220a1", "1:71e1e2f4010dcfe2"]
    assert keys & set(duplicates.band_keys(duplicates.signature(repost)))
    assert not keys & set(duplicates.band_keys(duplicates.signature(other)))


def test_reposted_article_is_stored_once_with_its_copy_linked(tmp_path):
    folder = tmp_path / "portals"
    folder.mkdir()
    seed = SEEDS / "000_21784c90663ce49a.txt"
    shutil.copy(seed, folder / "a_original.txt")
    body = seed.read_text(encoding="utf-8").split("\n", 2)[2]  # without "Cập nhật: …" and "Xem cỡ chữ"
    (folder / "b_repost.txt").write_text(
        "Trang chủ > Tin tức > Thời sự\nCập nhật: 15/01/2021 08:00\nTăng cỡ chữ\n\n" + body
        + "\n\nNguồn: Báo Vĩnh Phúc\nBản quyền thuộc Cổng thông tin điện tử tỉnh", encoding="utf-8")
    db_path = tmp_path / "d.db"
    ingest(discover([folder]), db_path)
    db = sqlite_utils.Database(db_path)
    documents = {row["name"]: row for row in db["documents"].rows}
    original, copy = documents["a_original.txt"], documents["b_repost.txt"]
    assert original["canonical_id"] == original["id"] and copy["canonical_id"] == original["id"]
    [link] = db.query("SELECT * FROM document_links WHERE relation = 'duplicate_of'")
    assert (link["from_document_id"], link["to_document_id"]) == (copy["id"], original["id"])
    counts = {name: db.execute("SELECT count(*) FROM indicators WHERE document_id = ?", [row["id"]]).fetchone()[0]
              for name, row in documents.items()}
    assert counts["b_repost.txt"] == 0 and counts["a_original.txt"] > 5
    # The original re-ingested stays the original.
    (folder / "a_original.txt").write_text(seed.read_text(encoding="utf-8") + "\nNgọc Anh.", encoding="utf-8")
    ingest(discover([folder]), db_path)
    again = next(db.query("SELECT * FROM documents WHERE name = 'a_original.txt'"))
    assert again["canonical_id"] == again["id"]
    assert db.execute("SELECT count(*) FROM indicators WHERE document_id = ?", [again["id"]]).fetchone()[0] > 5
