"""HTML pages: an ordered list keeps the numbers a reader sees, so its items are tasks."""

from extractors import AnalyzedDocument, extract
from pipeline.text.nlp import Segmenter
from pipeline.parse.html_page import parse_html

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
        "a) Thu hút đầu tư vào khu công nghiệp.", "b) Phát triển du lịch cộng đồng.",
        "2. Đẩy mạnh cải cách hành chính, nâng cao chỉ số PCI.",
        "3. Giữ vững quốc phòng, an ninh trên địa bàn tỉnh."]


def test_ordered_list_items_are_tasks():
    parsed = parse_html(PAGE.encode())
    tasks = extract(AnalyzedDocument(parsed.text, Segmenter(), "2021-03-05", parsed.title)).tasks
    assert [(t.label, t.parent.label if t.parent else None) for t in tasks] == [
        ("1.", None), ("a)", "1."), ("b)", "1."), ("2.", None), ("3.", None)]


def test_a_breadcrumb_is_no_list():
    page = ('<html><body><nav><ol><li><a href="/">Trang chủ</a></li><li><a href="/vb">Văn bản</a></li></ol></nav>'
            '<ol class="ant-breadcrumb"><li class="ant-breadcrumb-item">Trang chủ</li><li>Tin tức</li></ol>'
            '<article><p>Ngày 5/3/2021, Ban Thường vụ Tỉnh ủy họp bàn về công tác xây dựng Đảng và giao nhiệm vụ '
            'cho các cấp ủy trực thuộc trong năm 2021.</p></article></body></html>')
    assert parse_html(page.encode()).text.startswith("Ngày 5/3/2021, Ban Thường vụ")
