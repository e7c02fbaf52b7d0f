"""The extractors that try their pattern only where a cheap scan finds a place must find what
the pattern finds when tried at every character: hand-written snippets, exact spans. Also the
helpers that read a match's groups lazily and keep a text's periods."""

import pytest

from extractors import citations, deadlines, periods, tasks
from extractors.dates import Interval


def _spans(matches):
    return [(match.start(), match.end(), match.group()) for match in matches]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Căn cứ Chỉ thị số 45-CT/TW ngày 20/6/2020 của Ban Bí thư.", ["Chỉ thị số 45-CT/TW ngày 20/6/2020"]),
        # a name of several words between the type and "số", and a type word wrapped at a line break
        (
            "theo Luật Đất đai sửa đổi bổ sung số 31/2024/QH15; Quyết\nđịnh 117/2021",
            ["Luật Đất đai sửa đổi bổ sung số 31/2024/QH15", "Quyết\nđịnh 117/2021"],
        ),
        ("Thực hiện Kế hoạch thực hiện Nghị định số 15/2020/NĐ-CP về việc ...", ["Nghị định số 15/2020/NĐ-CP"]),
        # "số" alone before a coded number, a colon after "Số", a number glued to its type word
        (
            "các văn bản số 991/TTg-ĐMDN, Số: 12/KH-UBND và CT05/TU, thông báo 67/TB-VPCP",
            ["văn bản số 991/TTg-ĐMDN", "CT05/TU", "thông báo 67/TB-VPCP"],
        ),
        # a spaced code, a number that counts months, a year, a number inside another number
        (
            "Nghị quyết số 18 NQ/ TU; Nghị quyết 6 tháng đầu năm; Luật 2020; mã 123/QĐ-UB",
            ["Nghị quyết số 18 NQ/ TU", "Nghị quyết 6", "Luật 2020"],
        ),
        ("Không có văn bản nào được dẫn ở đây: 12 người, 30% kế hoạch.", []),
    ],
)
def test_citation_matches_are_those_of_the_pattern_everywhere(text, expected):
    everywhere = _spans(citations._patterns()[0].finditer(text))
    assert [found for _, _, found in everywhere] == expected
    assert _spans(citations._matches(text)) == everywhere


@pytest.mark.parametrize(
    ("folded", "expected"),
    [
        ("hoàn thành trước ngày 31/12/2025.", ["hoàn thành trước ngày 31/12/2025"]),
        # a date at the very start, a span, an hour before a date, a date inside a longer number
        (
            "15/3/2024 khai mạc; từ ngày 05/12/2025 đến ngày 20/02/2026; 16h00 ngày 08/10; mã 123/5/2020",
            ["15/3/2024", "từ ngày 05/12/2025 đến ngày 20/02/2026", "16h00 ngày 08/10", "23/5/2020"],
        ),
        # words that begin like a time expression but are none ("chính", "ban", "đầu tư")
        (
            "chính quyền ban hành; đầu tư công; sáu tháng đầu năm 2024; quý ii/2025; tết nguyên đán",
            ["sáu tháng đầu năm 2024", "quý ii/2025", "tết nguyên đán"],
        ),
        (
            "thứ hai hằng tuần; hạn chót: ngày 5 tháng 6 năm 2024; cuối năm nay; trong tháng 9",
            ["thứ hai hằng tuần", "hạn chót: ngày 5 tháng 6 năm 2024", "cuối năm nay", "trong tháng 9"],
        ),
        # a cue before "là" with words between; cues followed by no time expression
        (
            "thời hạn nộp báo cáo là ngày 15/12/2025; trong công tác; đến nay; vào: thứ hai, ngày 5/1; đến hết năm 2025",
            ["thời hạn nộp báo cáo là ngày 15/12/2025", "vào: thứ hai, ngày 5/1", "đến hết năm 2025"],
        ),
        ("không có thời hạn nào ở đây, chỉ 12 người.", []),
    ],
)
def test_deadline_matches_are_those_of_the_pattern_everywhere(folded, expected):
    everywhere = _spans(deadlines._pattern().finditer(folded))
    assert [found for _, _, found in everywhere] == expected
    assert _spans(deadlines._matches(folded)) == everywhere


_LISTS = (
    "I. NHIỆM VỤ\n"
    "1. Sở Tài chính chủ trì rà soát.\n"
    "2.\n"
    "Sở Nội vụ tổng hợp báo cáo.\n"
    "**3.1. Tăng cường kiểm tra**\n"
    "a) Các huyện triển khai; b) hướng dẫn.\n"
    "(1) Tuyên truyền sâu rộng\n"
    "Các giải pháp chính: Một là, nâng cao chất lượng; hai là, đổi mới phương thức. Thứ ba là tăng cường kỷ luật.\n"
    "Điều 3. Tổ chức thực hiện\n"
    "Năm 2024 tỉnh đạt 12 chỉ tiêu (3) Lưu ý.\n"
)


def test_task_labels_found_behind_the_any_label_looks():
    labels, sections = tasks._find_labels(_LISTS)
    assert [(label.style, label.value, label.label, label.inline) for label in labels] == [
        ("number_dot", (1,), "1.", False),
        ("number_dot", (2,), "2.", False),
        ("dotted_number", (3, 1), "3.1.", False),
        ("letter_paren", (0,), "a)", False),
        ("paren_number", (1,), "(1)", False),
        ("mot_la", (1,), "Một là", False),
        ("mot_la", (2,), "hai là", False),
        ("thu_nhat", (3,), "Thứ ba", False),
    ]
    assert sections == [(0, "I. NHIỆM VỤ"), (_LISTS.index("Điều 3."), "Điều 3. Tổ chức thực hiện")]


def test_deadline_groups_are_read_when_asked_for():
    match = deadlines._pattern().match("trước ngày 31/12/2025")
    groups = deadlines._Groups(match)
    assert dict(groups) == {}
    assert (groups["cue"], groups["d"], groups["y"], groups["wd"]) == ("trước ngày", "31", "2025", None)
    assert dict(groups) == {"cue": "trước ngày", "d": "31", "y": "2025", "wd": None}


def test_periods_are_kept_and_copied_out():
    folded = "kế hoạch năm 2025, quý ii/2024 và 6 tháng đầu năm nay; so với năm 2020"
    expected = [
        (9, Interval("2025-01-01", "2025-12-31", "year")),
        (19, Interval("2024-04-01", "2024-06-30", "quarter")),
        (34, Interval("2025-01-01", "2025-06-30", "half-year")),
    ]
    first = periods.periods_in(folded, 2025)
    assert first == expected
    first.clear()  # a caller's list is its own
    assert periods.periods_in(folded, 2025) == expected
    assert periods.periods_in(folded, 2024)[2] == (34, Interval("2024-01-01", "2024-06-30", "half-year"))
