"""Scanned PDFs: plausibility of a text layer, OCR page by page, needs_ocr without Tesseract."""

import shutil

import pytest
import sqlite_utils
from conftest import FIXTURES, shared_path

from pipeline.parse import plausibility
from pipeline.errors import NeedsOcrError
from pipeline.ingest.steps import ingest
from pipeline.parse.legacy_fonts import from_unicode
from pipeline.parse.pdf_file import _text_layer, parse_pdf
from pipeline.ingest.files import discover

PROSE = ("Ủy ban nhân dân tỉnh yêu cầu các sở, ngành, địa phương tập trung thực hiện các nhiệm vụ trọng tâm, "
         "phấn đấu giải ngân vốn đầu tư công đạt 95% trở lên trước ngày 31 tháng 12 năm 2021. ") * 4


def test_vietnamese_prose_is_plausible():
    assert plausibility.score(PROSE).plausible


@pytest.mark.parametrize("text", [
    "UBND TINH HA TINH VAN PHONG DIEU PHOI XAY DUNG NONG THON MOI thong bao lich kiem tra danh gia " * 5,
    from_unicode(PROSE, "tcvn3"),  # a legacy font read without its table
    "Ký bởi: Trung tâm Công báo - Tin học\nThời gian ký: 27.06.2016",  # a signature stamp
])
def test_garbage_text_layers_are_not(text):
    assert not plausibility.score(text).plausible


def test_real_layers_scored():
    good = _text_layer(shared_path("corpus", "real", "002_lamdong-bc228-snv-chiso-2025.pdf").read_bytes(), "002")
    lost = _text_layer(shared_path("corpus", "real", "010_hatinh-vpdp-ntm-lich-kiemtra-ocr.pdf").read_bytes(), "010")
    assert plausibility.score(good.text, len(good.pages)).plausible
    score = plausibility.score(lost.text, len(lost.pages))
    assert not score.plausible and score.diacritic_share < 0.05


def test_scan_without_tesseract_is_needs_ocr(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on this PATH
    data = shared_path("corpus", "real", "009_hatinh-kh418-ubnd-lamviec-ntm-scan.pdf").read_bytes()
    with pytest.raises(NeedsOcrError, match="no text layer; install tesseract-ocr and tesseract-ocr-vie"):
        parse_pdf(data, "009.pdf")
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(shared_path("corpus", "real", "009_hatinh-kh418-ubnd-lamviec-ntm-scan.pdf"), folder)
    shutil.copy(FIXTURES / "kehoach-12-langson.pdf", folder)
    summary = ingest(discover([folder]), tmp_path / "d.db")
    assert summary.documents == {"new": 1, "failed": 1}
    db = sqlite_utils.Database(tmp_path / "d.db")
    statuses = {row["name"]: (row["status"], row["text"]) for row in db["documents"].rows}
    assert statuses["009_hatinh-kh418-ubnd-lamviec-ntm-scan.pdf"] == ("needs_ocr", None)
    assert statuses["kehoach-12-langson.pdf"][0] == "ok"
