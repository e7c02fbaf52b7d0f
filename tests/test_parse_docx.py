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
        "Các cấp ủy tập trung thực hiện các nhiệm vụ sau:",
        "1. Tăng cường công tác tuyên truyền.",
        "2. Đẩy mạnh cải cách hành chính.",
        "- Rà soát thủ tục hành chính.",
        "3. Giữ vững quốc phòng, an ninh.",
    ]


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
        "1. Tăng cường công tác tuyên truyền.",
        "2. Đẩy mạnh cải cách hành chính.",
    ]


def _two_level_list(document) -> str:
    """A list numbered as plans are: level 0 "1.", level 1 "a)"; returns its numId."""
    numbering = document.part.numbering_part.element
    abstract = numbering.makeelement(qn("w:abstractNum"), {qn("w:abstractNumId"): "90"})
    for level, (fmt, text) in enumerate([("decimal", "%1."), ("lowerLetter", "%2)")]):
        lvl = abstract.makeelement(qn("w:lvl"), {qn("w:ilvl"): str(level)})
        for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text)):
            lvl.append(lvl.makeelement(qn(tag), {qn("w:val"): value}))
        abstract.append(lvl)
    numbering.insert(0, abstract)
    num = numbering.makeelement(qn("w:num"), {qn("w:numId"): "90"})
    num.append(num.makeelement(qn("w:abstractNumId"), {qn("w:val"): "90"}))
    numbering.append(num)
    return "90"


def _numbered(document, text: str, num_id: str, level: int) -> None:
    paragraph = document.add_paragraph(text)
    properties = paragraph._p.get_or_add_pPr()
    numbering = properties.makeelement(qn("w:numPr"), {})
    numbering.append(numbering.makeelement(qn("w:ilvl"), {qn("w:val"): str(level)}))
    numbering.append(numbering.makeelement(qn("w:numId"), {qn("w:val"): num_id}))
    properties.append(numbering)


def test_two_levels_of_word_numbering_give_number_and_letter_labels():
    document = docx.Document()
    num_id = _two_level_list(document)
    document.add_paragraph("II. NHIỆM VỤ, GIẢI PHÁP")
    for text, level in [
        ("Về cải cách thể chế", 0),
        ("Rà soát văn bản quy phạm pháp luật.", 1),
        ("Kiểm tra việc ban hành văn bản.", 1),
        ("Về cải cách thủ tục hành chính", 0),
        ("Công khai thủ tục hành chính.", 1),
    ]:
        _numbered(document, text, num_id, level)
    buffer = io.BytesIO()
    document.save(buffer)
    assert parse_docx(buffer.getvalue()).text.split("\n") == [
        "II. NHIỆM VỤ, GIẢI PHÁP",
        "1. Về cải cách thể chế",
        "a) Rà soát văn bản quy phạm pháp luật.",
        "b) Kiểm tra việc ban hành văn bản.",
        "2. Về cải cách thủ tục hành chính",
        "a) Công khai thủ tục hành chính.",
    ]
