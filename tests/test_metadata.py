"""Publication date and province read from a document's own text."""

import pytest

from pipeline.parse.metadata import date_from_text, province_from_text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Cập nhật: 14/01/2021 17:15:00\nXem cỡ chữ\nHội nghị ...", "2021-01-14"),
        ("CÔNG ĐIỆN\nHà Nội, ngày 10 tháng 01 năm 2026\nTHỦ TƯỚNG CHÍNH PHỦ điện:", "2026-01-10"),
        ("Ngày đăng: 2021-03-15 08:30\nHội nghị sơ kết công tác quý I.", "2021-03-15"),
        # the day left blank for signing: the month, not the date of the first cited document
        (
            "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG\nSố: /BC-UBND Lâm Đồng, ngày tháng 12 năm 2025\nBÁO CÁO\n"
            "Thực hiện Công văn số 4625/BNV-CCHC ngày 02/7/2025 của Bộ Nội vụ về xây dựng kế hoạch",
            "2025-12",
        ),
        ("Giao ban khối Đảng\nChiều 11/11, đồng chí Bí thư Tỉnh ủy chủ trì hội nghị 9 tháng năm 2020.", "2020-11-11"),
        # a news repost dated only in its text: "Sáng ngày 15.3", "chiều 26-7", a dateline; the year from
        # the text, never from a cited document's date
        ("(PV) - Sáng ngày 15.3, Ban Chỉ đạo tỉnh họp triển khai kế hoạch năm 2023.", "2023-03-15"),
        (
            "Bí thư làm việc với huyện\nChiều 26-7, đồng chí Bí thư Tỉnh ủy làm việc với Huyện ủy về nhiệm vụ "
            "6 tháng cuối năm 2018.",
            "2018-07-26",
        ),
        (
            "HÀ TĨNH, 4/3 (PV) - Ban Chỉ đạo các Chương trình mục tiêu quốc gia tỉnh họp đánh giá kết quả năm 2022.",
            "2022-03-04",
        ),
        (
            "(binhdinh.gov.vn) - Sáng 18/4, UBND tỉnh làm việc về Dự án được phê duyệt tại Quyết định số 265/QĐ-TTg "
            "ngày 31/12/2021 và Quyết định số 3617/QĐ-UBND ngày 04/11/2022. Dự án hoàn thành trước 28/4/2025, "
            "giải ngân trong tháng 5/2025 và tháng 10/2025.",
            "2025-04-18",
        ),
        # a portal's stamp with the weekday, day and month separated by spaces
        ("Tin hoạt động\nthứ năm, 05 09 2024 10:20\nSáng 4/9, Huyện ủy họp bàn nhiệm vụ quý IV.", "2024-09-05"),
    ],
)
def test_date_from_text(text, expected):
    assert date_from_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # no date of its own: a cited document's date or a deadline is not the document's
        "Chỉ thị về kế hoạch 5 năm 2011 - 2015\nThực hiện Chỉ thị số 751/CT-TTg ngày 03/6/2009 của Thủ tướng Chính phủ, "
        "các sở xây dựng kế hoạch.",
        "Tham luận về phòng, chống ma túy\nCác lực lượng phải hoàn thành trước ngày 30/9/2025 việc rà soát địa bàn.",
    ],
)
def test_no_date_of_its_own(text):
    assert date_from_text(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("(Baohatinh.vn) - Sáng 4/3, Ban Chỉ đạo các Chương trình mục tiêu quốc gia họp.", "Hà Tĩnh"),
        ("Nguồn: sonoivu.lamdong.gov.vn\nSở Nội vụ báo cáo kết quả cải cách hành chính.", "Lâm Đồng"),
        ("Sáng 20/1, Ban Thường vụ Tỉnh ủy Nghệ An tổ chức hội nghị.", "Nghệ An"),
        ("baochinhphu.vn - Thủ tướng Chính phủ chỉ đạo các bộ, ngành đẩy mạnh giải ngân.", None),
        ("Tại hội nghị, các đại biểu thảo luận 9 nội dung.", None),
    ],
)
def test_province_from_text(text, expected):
    assert province_from_text(text) == expected


def test_the_trie_of_names_matches_what_the_names_longest_first_match():
    import re

    from pipeline.parse.metadata import _trie_pattern

    names = ["hà nam", "hà nam ninh", "hà nội", "nam định", "tp.hcm", "bà rịa - vũng tàu", "bà"]
    plain = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")(?!\w)")
    trie = re.compile("(" + _trie_pattern(sorted(names), r"(?<!\w.)") + r")(?!\w)")
    text = "hà nam ninh, hà nam; hà namx hà nội nam định tp.hcm bà rịa - vũng tàu bà rịa xhà nội"
    found = [match.group(1) for match in trie.finditer(text)]
    assert found == [match.group(1) for match in plain.finditer(text)]
    assert found == ["hà nam ninh", "hà nam", "hà nội", "nam định", "tp.hcm", "bà rịa - vũng tàu", "bà"]
