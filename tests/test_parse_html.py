"""HTML pages: an ordered list keeps the numbers a reader sees, so its items are tasks."""

import pytest

from extractors import AnalyzedDocument, extract
from pipeline.parse.dispatch import parse_document
from pipeline.parse.html_page import parse_html
from pipeline.text.nlp import Segmenter

PAGE = """<html><head><title>Kết luận</title></head><body><article><h1>Ban Thường vụ Tỉnh ủy kết luận</h1>
<p>Ngày 5/3/2021, Ban Thường vụ Tỉnh ủy họp và thống nhất giao các nhiệm vụ sau đây cho các cấp ủy:</p>
<ol><li>Tập trung lãnh đạo phát triển kinh tế, phấn đấu tăng trưởng 7%.
<ol type="a"><li>Thu hút đầu tư vào khu công nghiệp.</li><li>Phát triển du lịch cộng đồng.</li></ol></li>
<li>Đẩy mạnh cải cách hành chính, nâng cao chỉ số PCI.</li></ol>
<ol start="3"><li>Giữ vững quốc phòng, an ninh trên địa bàn tỉnh.</li></ol>
<p>Các cấp ủy báo cáo kết quả trước ngày 30/6/2021.</p></article></body></html>"""


def test_ordered_list_items_keep_their_numbers():
    text = parse_html(PAGE.encode()).text
    assert text.split("\n")[2:7] == [
        "1. Tập trung lãnh đạo phát triển kinh tế, phấn đấu tăng trưởng 7%.",
        "a) Thu hút đầu tư vào khu công nghiệp.",
        "b) Phát triển du lịch cộng đồng.",
        "2. Đẩy mạnh cải cách hành chính, nâng cao chỉ số PCI.",
        "3. Giữ vững quốc phòng, an ninh trên địa bàn tỉnh.",
    ]


def test_ordered_list_items_are_tasks():
    parsed = parse_html(PAGE.encode())
    tasks = extract(AnalyzedDocument(parsed.text, Segmenter(), "2021-03-05", parsed.title)).tasks
    assert [(t.label, t.parent.label if t.parent else None) for t in tasks] == [
        ("1.", None),
        ("a)", "1."),
        ("b)", "1."),
        ("2.", None),
        ("3.", None),
    ]


def test_a_breadcrumb_is_no_list():
    page = (
        '<html><body><nav><ol><li><a href="/">Trang chủ</a></li><li><a href="/vb">Văn bản</a></li></ol></nav>'
        '<ol class="ant-breadcrumb"><li class="ant-breadcrumb-item">Trang chủ</li><li>Tin tức</li></ol>'
        "<article><p>Ngày 5/3/2021, Ban Thường vụ Tỉnh ủy họp bàn về công tác xây dựng Đảng và giao nhiệm vụ "
        "cho các cấp ủy trực thuộc trong năm 2021.</p></article></body></html>"
    )
    assert parse_html(page.encode()).text.startswith("Ngày 5/3/2021, Ban Thường vụ")


# Shapes a portal or CMS exports besides a full page: each a small synthetic body.
TASKS = (
    "<p>Ng&agrave;y 5/3/2021, Ban Thường vụ Tỉnh ủy giao c&aacute;c nhiệm vụ sau:</p>\n"
    "<p>1. Tập trung ph&aacute;t triển kinh tế.</p><p>2. Đẩy mạnh cải c&aacute;ch h&agrave;nh ch&iacute;nh.</p>"
)
TASK_LINES = [
    "Ngày 5/3/2021, Ban Thường vụ Tỉnh ủy giao các nhiệm vụ sau:",
    "1. Tập trung phát triển kinh tế.",
    "2. Đẩy mạnh cải cách hành chính.",
]


@pytest.mark.parametrize("name", ["body.html", "body.txt", "body"])
def test_a_fragment_with_entities_is_read_as_html(name):
    parsed = parse_document(TASKS.encode(), name)
    assert (parsed.kind, parsed.text.split("\n")) == ("html", TASK_LINES)
    assert parsed.published_date == "2021-03-05"


@pytest.mark.parametrize("name", ["body.html", "body.txt"])
def test_a_file_holding_only_escaped_markup_is_read_as_html(name):
    escaped = TASKS.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert parse_document(escaped.encode(), name).text.split("\n") == TASK_LINES


def test_plain_text_with_entities_is_unescaped():
    text = "\n".join(TASK_LINES).replace("à", "&agrave;").replace("á", "&aacute;")
    parsed = parse_document(text.encode(), "body.txt")
    assert (parsed.kind, parsed.text.split("\n")) == ("txt", TASK_LINES)


def test_a_body_escaped_as_text_is_unescaped():
    page = (
        "<html><body><article>"
        + TASKS.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        + "</article></body></html>"
    )
    assert parse_document(page.encode(), "page.html").text.split("\n") == TASK_LINES


@pytest.mark.parametrize(
    "front, title",
    [
        ('{"title": "Kết luận của Ban Thường vụ", "date": "2021-03-04T17:30:00.000Z"}\n', "Kết luận của Ban Thường vụ"),
        ("---\ntitle: Kết luận của Ban Thường vụ\ndate: 2021-03-05\n---\n", "Kết luận của Ban Thường vụ"),
    ],
)
def test_front_matter_gives_title_and_local_date(front, title):
    parsed = parse_document((front + TASKS.replace("Ng&agrave;y 5/3/2021, ", "")).encode(), "item.md")
    assert (parsed.title, parsed.published_date) == (title, "2021-03-05")  # 17:30 UTC is 00:30 on 5/3 in Vietnam
    assert parsed.text.split("\n")[1:] == TASK_LINES[1:]


def test_list_items_holding_paragraphs_keep_number_and_text_on_one_line():
    page = (
        "<html><body><article><p>Thủ tướng yêu cầu các bộ, ngành thực hiện các nhiệm vụ sau đây:</p><ol>"
        "<li><p>Quán triệt sâu sắc các quan điểm của Đảng về đổi mới doanh nghiệp nhà nước.</p></li>\n"
        "<li>\n<p>Hoàn thành việc xây dựng phương án cơ cấu lại trước ngày 15/1/2019.</p>\n"
        '<ol type="a"><li><p>Rà soát danh mục doanh nghiệp.</p></li><li><p>Báo cáo Thủ tướng.</p></li></ol></li>'
        "</ol></article></body></html>"
    )
    parsed = parse_html(page.encode())
    assert parsed.text.split("\n")[1:] == [
        "1. Quán triệt sâu sắc các quan điểm của Đảng về đổi mới doanh nghiệp nhà nước.",
        "2. Hoàn thành việc xây dựng phương án cơ cấu lại trước ngày 15/1/2019.",
        "a) Rà soát danh mục doanh nghiệp.",
        "b) Báo cáo Thủ tướng.",
    ]
    tasks = extract(AnalyzedDocument(parsed.text, Segmenter(), "2019-01-02", parsed.title)).tasks
    assert [(t.label, t.parent.label if t.parent else None) for t in tasks] == [
        ("1.", None),
        ("2.", None),
        ("a)", "2."),
        ("b)", "2."),
    ]


def test_a_table_keeps_its_rows_and_cells():
    page = (
        "<p>Phân công thực hiện:</p><table><tr><th>STT</th><th>Nội dung</th><th>Thời gian hoàn thành</th></tr>"
        "<tr><td>1</td><td>Rà soát thủ tục hành chính</td><td>Tháng 10/2025</td></tr></table>"
    )
    parsed = parse_document(page.encode(), "table.html")
    assert parsed.tables[0].rows == [
        ["STT", "Nội dung", "Thời gian hoàn thành"],
        ["1", "Rà soát thủ tục hành chính", "Tháng 10/2025"],
    ]
    assert "| 1 | Rà soát thủ tục hành chính | Tháng 10/2025 |" in parsed.text.split("\n")


@pytest.mark.parametrize(
    "cell",
    [
        "<p>Ngày 5/3/2021, Ban Thường vụ Tỉnh ủy giao các nhiệm vụ sau:</p><p>1. Tập trung phát triển kinh tế.</p>"
        "<p>2. Đẩy mạnh cải cách hành chính.</p>",
        "Ngày 5/3/2021, Ban Thường vụ Tỉnh ủy giao các nhiệm vụ sau:<br>1. Tập trung phát triển kinh tế.<br>"
        "2. Đẩy mạnh cải cách hành chính.",
    ],
)
def test_an_article_laid_out_in_a_table_keeps_its_lines(cell):
    # old portals set the page in tables: a table of one cell a row (or holding a table) is layout
    page = (
        f'<html><body><table width="100%"><tr><td><table><tr><td><a href="/">Trang chủ</a></td>'
        f'<td><a href="/tin">Tin tức</a></td></tr></table></td></tr><tr><td>{cell}</td></tr></table></body></html>'
    )
    assert parse_html(page.encode()).text.split("\n")[-3:] == [
        "Ngày 5/3/2021, Ban Thường vụ Tỉnh ủy giao các nhiệm vụ sau:",
        "1. Tập trung phát triển kinh tế.",
        "2. Đẩy mạnh cải cách hành chính.",
    ]
