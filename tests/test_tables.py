"""Table cells as indicators: row and column headers as name and period, offsets into the text."""

from conftest import FIXTURES

from extractors import AnalyzedDocument, extract
from pipeline.parse.dispatch import parse_document
from pipeline.parse.document import Table


def test_docx_table_cells_become_indicators(segmenter):
    parsed = parse_document((FIXTURES / "kehoach-12-langson.docx").read_bytes(), "kehoach-12-langson.docx")
    analyzed = AnalyzedDocument(parsed.text, segmenter, parsed.published_date, tables=parsed.tables)
    rows = [row for row in extract(analyzed).indicators if row.rule_id == "ind.table_cell"]
    assert [(r.name, r.value, r.unit, r.kind, r.period_start, r.period_end) for r in rows] == [
        ("Xã đạt chuẩn nông thôn mới: Kế hoạch 2021", 10, "xã", "target", "2021-01-01", "2021-12-31"),
        ("Giải ngân vốn đầu tư công: Kế hoạch 2021", 95, "%", "target", "2021-01-01", "2021-12-31"),
    ]
    assert [parsed.text[r.start : r.end] for r in rows] == ["10 xã", "95%"]
    assert (
        parsed.text[rows[0].start - len("Xã đạt chuẩn nông thôn mới | ") : rows[0].start]
        == "Xã đạt chuẩn nông thôn mới | "
    )


def test_grouped_headers_name_each_column(analyze):
    text = "Kết quả\nTỉnh PAR Index SIPAS\nĐiểm Thứ hạng Chỉ số\nLâm Đồng 83,1/100 62/63 83,0%"
    table = Table(
        page=1,
        rows=[
            ["Tỉnh", "PAR Index", "", "SIPAS"],
            ["", "Điểm", "Thứ hạng", "Chỉ số"],
            ["Lâm\nĐồng", "83,1/100", "62/63", "83,0%"],
        ],
    )
    analyzed = analyze(text)
    analyzed.tables = [table]
    rows = [row for row in extract(analyzed).indicators if row.rule_id == "ind.table_cell"]
    assert [(r.name, r.value, r.unit, r.kind) for r in rows] == [
        ("Lâm Đồng: PAR Index Điểm", 83.1, "/100", "result"),
        ("Lâm Đồng: PAR Index Thứ hạng", 62, "/63", "result"),
        ("Lâm Đồng: SIPAS Chỉ số", 83.0, "%", "result"),
    ]


def _indicators(analyzed, *tables: list[list[str]]):
    """The indicators of a text whose tables (rows of cells, page 1) are given."""
    analyzed.tables = [Table(page=1, rows=rows) for rows in tables]
    return extract(analyzed).indicators


def test_ratio_cells_count_their_parts_in_the_units_their_header_names(analyze):
    """'45/60 (75%)' under 'Số hồ sơ đã hỗ trợ/Tổng số hồ sơ' is 45 hồ sơ (of 60) and 75%; a
    cell of three parts gives its first two (the last is the total). The row is named by its
    label, not its number, without its note in parentheses; a row number is not a count."""
    text = (
        "Kết quả hỗ trợ:\nTT Tên thủ tục Số hồ sơ đã hỗ trợ/Tổng số hồ sơ\n"
        "1 Cấp giấy phép xây dựng (mã TTHC:\n1.009) 45/60\n(75%)\n"
        "Tại các xã:\nTT Địa phương Lĩnh vực Hồ sơ hỗ trợ/Hồ sơ trực tuyến/Tổng số hồ sơ\n"
        "1 Xã Tân Lập Hộ tịch 30/52/60\n"
    )
    rows = _indicators(
        analyze(text),
        [
            ["TT", "Tên thủ tục", "Số hồ sơ đã\nhỗ trợ/Tổng số hồ sơ"],
            ["1", "Cấp giấy phép xây dựng (mã TTHC:\n1.009)", "45/60\n(75%)"],
        ],
        [
            ["TT", "Địa phương", "Lĩnh vực", "Hồ sơ hỗ trợ/Hồ sơ trực tuyến/Tổng số hồ sơ"],
            ["1", "Xã Tân Lập", "Hộ tịch", "30/52/60"],
        ],
    )
    assert [(r.name, r.value, r.unit, r.kind, r.rule_id, text[r.start : r.end]) for r in rows] == [
        ("Cấp giấy phép xây dựng", 45, "hồ sơ", "result", "ind.table_ratio_cell", "45"),
        ("Cấp giấy phép xây dựng", 75, "%", "result", "ind.table_ratio_cell", "75%"),
        ("Xã Tân Lập", 30, "hồ sơ", "result", "ind.table_ratio_cell", "30"),
        ("Xã Tân Lập", 52, "hồ sơ", "result", "ind.table_ratio_cell", "52"),
    ]


def test_a_unit_column_gives_figures_their_unit(analyze):
    """Figures without a unit of their own take their row's 'Đơn vị tính'; a header word is a
    whole word ('khiếu nại' holds no 'KH', the plan's abbreviation)."""
    text = "STT Nội dung Đơn vị tính Tiếp nhận Đã giải quyết\n1 Đơn khiếu nại Đơn 14 12\n"
    rows = _indicators(
        analyze(text),
        [["STT", "Nội dung", "Đơn vị\ntính", "Tiếp nhận", "Đã giải quyết"], ["1", "Đơn khiếu nại", "Đơn", "14", "12"]],
    )
    assert [(r.name, r.value, r.unit, r.kind, r.rule_id) for r in rows] == [
        ("Đơn khiếu nại: Tiếp nhận", 14, "đơn", "result", "ind.table_cell"),
        ("Đơn khiếu nại: Đã giải quyết", 12, "đơn", "result", "ind.table_cell"),
    ]


def test_an_agency_column_is_no_unit_and_notes_leave_the_row_name(analyze):
    """A column headed 'Đơn vị' names each row's agency, not its unit; a note in parentheses
    anywhere in a label is an aside, not part of the row's name."""
    text = "STT Thủ tục Đơn vị Số hồ sơ\n1 Cấp phép (trường hợp mới) (mã 1.02) Sở Xây dựng 14\n"
    rows = _indicators(
        analyze(text),
        [["STT", "Thủ tục", "Đơn vị", "Số hồ sơ"], ["1", "Cấp phép (trường hợp mới) (mã 1.02)", "Sở Xây dựng", "14"]],
    )
    assert [(r.name, r.value, r.unit, r.rule_id) for r in rows] == [("Cấp phép: Số hồ sơ", 14, "", "ind.table_cell")]
