"""Publication date and province read from a document's own text."""

import pytest

from pipeline.parse.metadata import date_from_text, province_from_text


@pytest.mark.parametrize("text, expected", [
    ("Cập nhật: 14/01/2021 17:15:00\nXem cỡ chữ\nHội nghị ...", "2021-01-14"),
    ("CÔNG ĐIỆN\nHà Nội, ngày 10 tháng 01 năm 2026\nTHỦ TƯỚNG CHÍNH PHỦ điện:", "2026-01-10"),
    # the day left blank for signing: the month, not the date of the first cited document
    ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG\nSố: /BC-UBND Lâm Đồng, ngày tháng 12 năm 2025\nBÁO CÁO\n"
     "Thực hiện Công văn số 4625/BNV-CCHC ngày 02/7/2025 của Bộ Nội vụ về xây dựng kế hoạch", "2025-12"),
    ("Giao ban khối Đảng\nChiều 11/11, đồng chí Bí thư Tỉnh ủy chủ trì hội nghị 9 tháng năm 2020.", "2020-11-11"),
])
def test_date_from_text(text, expected):
    assert date_from_text(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("(Baohatinh.vn) - Sáng 4/3, Ban Chỉ đạo các Chương trình mục tiêu quốc gia họp.", "Hà Tĩnh"),
    ("Nguồn: sonoivu.lamdong.gov.vn\nSở Nội vụ báo cáo kết quả cải cách hành chính.", "Lâm Đồng"),
    ("Sáng 20/1, Ban Thường vụ Tỉnh ủy Nghệ An tổ chức hội nghị.", "Nghệ An"),
    ("baochinhphu.vn - Thủ tướng Chính phủ chỉ đạo các bộ, ngành đẩy mạnh giải ngân.", None),
    ("Tại hội nghị, các đại biểu thảo luận 9 nội dung.", None),
])
def test_province_from_text(text, expected):
    assert province_from_text(text) == expected
