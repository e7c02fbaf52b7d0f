"""DOCX: Word's automatic list numbers are part of the text, as the reader sees them."""

import io

import docx
from docx.oxml.ns import qn

from pipeline.parse.docx_file import parse_docx


def test_auto_numbered_paragraphs_get_their_labels():
    document = docx.Document()
    document.add_paragraph("Các cấp ủy tập trung thực hiện các nhiệm vụ sau:")
    document.add_paragraph("Tăng cường công tác tuyên truyền.", style="List Number")
    document.add_paragraph("Đẩy mạnh cải cách hành chính.", style="List Number")
    document.add_paragraph("Rà soát thủ tục hành chính.", style="List Bullet")
    document.add_paragraph("Giữ vững quốc phòng, an ninh.", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    assert parse_docx(buffer.getvalue()).text.split("\n") == [
        "Các cấp ủy tập trung thực hiện các nhiệm vụ sau:", "1. Tăng cường công tác tuyên truyền.",
        "2. Đẩy mạnh cải cách hành chính.", "- Rà soát thủ tục hành chính.", "3. Giữ vững quốc phòng, an ninh."]


def test_malformed_numbering_attributes_do_not_fail_the_document():
    document = docx.Document()
    document.add_paragraph("Tăng cường công tác tuyên truyền.", style="List Number")
    document.add_paragraph("Đẩy mạnh cải cách hành chính.", style="List Number")
    numbering = document.part.numbering_part.element
    for start in numbering.iter(qn("w:start")):
        start.set(qn("w:val"), "một")  # hand-edited: not a number
    buffer = io.BytesIO()
    document.save(buffer)
    assert parse_docx(buffer.getvalue()).text.split("\n") == [
        "1. Tăng cường công tác tuyên truyền.", "2. Đẩy mạnh cải cách hành chính."]
