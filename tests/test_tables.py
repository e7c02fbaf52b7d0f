"""Table cells as indicators: row and column headers as name and period, offsets into the text."""

from conftest import FIXTURES

from extractors import AnalyzedDocument, extract
from pipeline.parse.document import Table
from pipeline.parse.dispatch import parse_document


def test_docx_table_cells_become_indicators(segmenter):
    parsed = parse_document((FIXTURES / "kehoach-12-langson.docx").read_bytes(), "kehoach-12-langson.docx")
    analyzed = AnalyzedDocument(parsed.text, segmenter, parsed.published_date, tables=parsed.tables)
    rows = [row for row in extract(analyzed).indicators if row.rule_id == "ind.table_cell"]
    assert [(r.name, r.value, r.unit, r.kind, r.period_start, r.period_end) for r in rows] == [
        ("Xã đạt chuẩn nông thôn mới: Kế hoạch 2021", 10, "xã", "target", "2021-01-01", "2021-12-31"),
        ("Giải ngân vốn đầu tư công: Kế hoạch 2021", 95, "%", "target", "2021-01-01", "2021-12-31")]
    assert [parsed.text[r.start:r.end] for r in rows] == ["10 xã", "95%"]
    assert parsed.text[rows[0].start - len("Xã đạt chuẩn nông thôn mới | "):rows[0].start] == \
        "Xã đạt chuẩn nông thôn mới | "


def test_grouped_headers_name_each_column(analyze):
    text = "Kết quả\nTỉnh PAR Index SIPAS\nĐiểm Thứ hạng Chỉ số\nLâm Đồng 83,1/100 62/63 83,0%"
    table = Table(page=1, rows=[["Tỉnh", "PAR Index", "", "SIPAS"], ["", "Điểm", "Thứ hạng", "Chỉ số"],
                                ["Lâm\nĐồng", "83,1/100", "62/63", "83,0%"]])
    analyzed = analyze(text)
    analyzed.tables = [table]
    rows = [row for row in extract(analyzed).indicators if row.rule_id == "ind.table_cell"]
    assert [(r.name, r.value, r.unit, r.kind) for r in rows] == [
        ("Lâm Đồng: PAR Index Điểm", 83.1, "/100", "result"), ("Lâm Đồng: PAR Index Thứ hạng", 62, "/63", "result"),
        ("Lâm Đồng: SIPAS Chỉ số", 83.0, "%", "result")]
