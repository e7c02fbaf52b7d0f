"""Legacy Vietnamese text: TCVN3 (.VnTime) and VNI fonts in DOCX, HTML and PDF runs; windows-1258 pages."""

import io
import unicodedata

import docx
import pytest

from pipeline.parse.legacy_fonts import encoding_of_font, from_unicode, to_unicode
from pipeline.parse.dispatch import parse_document
from pipeline.parse.pdf_file import chars_to_unicode

SENTENCE = "Báo cáo kết quả thực hiện nhiệm vụ trước ngày 30/11/2021; phấn đấu giải ngân đạt 95% trở lên."
# VNI has capitals with marks; TCVN3's .VnTime draws capitals with marks only in .VnTimeH.
VNI_SENTENCE = "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK yêu cầu các sở, ngành thực hiện nghiêm túc."


@pytest.mark.parametrize("font, encoding", [(".VnTime", "tcvn3"), ("ABCDEF+.VnTimeH", "tcvn3-capitals"),
                                            (".VnArial Bold", "tcvn3"), ("VNI-Times", "vni"),
                                            ("TimesNewRomanPSMT", None), ("Arial", None), (None, None)])
def test_encoding_of_font(font, encoding):
    assert encoding_of_font(font) == encoding


def test_tcvn3_bytes_as_the_font_stores_them():
    assert from_unicode("Báo cáo", "tcvn3") == "B¸o c¸o"
    assert to_unicode("B¸o c¸o t×nh h×nh", "tcvn3") == "Báo cáo tình hình"
    assert to_unicode("b¸o c¸o", "tcvn3-capitals") == "BÁO CÁO"


def test_vni_marks_follow_their_vowel():
    assert from_unicode("Việt Nam", "vni") == "Vieät Nam"
    assert to_unicode("Vieät Nam ñaït", "vni") == "Việt Nam đạt"


@pytest.mark.parametrize("encoding, text", [("tcvn3", SENTENCE), ("vni", SENTENCE), ("vni", VNI_SENTENCE)])
def test_round_trip(encoding, text):
    assert to_unicode(from_unicode(text, encoding), encoding) == text


def test_docx_run_in_vntime_reads_as_unicode():
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Điều 1. ")  # a Unicode run beside a legacy one
    paragraph.add_run(from_unicode(SENTENCE, "tcvn3")).font.name = ".VnTime"
    document.add_paragraph().add_run(from_unicode(VNI_SENTENCE, "vni")).font.name = "VNI-Times"
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).paragraphs[0].add_run(from_unicode("Chỉ tiêu", "tcvn3")).font.name = ".VnTime"
    buffer = io.BytesIO()
    document.save(buffer)
    parsed = parse_document(buffer.getvalue(), "old.docx")
    assert parsed.text.split("\n") == ["Điều 1. " + SENTENCE, VNI_SENTENCE, "Chỉ tiêu"]


def test_html_font_face_and_style_read_as_unicode():
    page = (f'<html><head><meta charset="utf-8"><title>Tin</title></head><body><article><h1>Thông báo</h1>'
            f'<p><font face=".VnTime">{from_unicode(SENTENCE, "tcvn3")}</font></p>'
            f'<p><span style="font-family: \'VNI-Times\', serif">{from_unicode(VNI_SENTENCE, "vni")}</span></p>'
            f'<p>Ngày 1/12/2021, văn bản được đăng.</p></article></body></html>')
    parsed = parse_document(page.encode("utf-8"), "old.html")
    assert SENTENCE in parsed.text and VNI_SENTENCE in parsed.text


def _cp1258(text: str) -> bytes:
    """windows-1258 as old pages wrote it: base letters, then combining tone marks."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            shape = "".join(m for m in marks if m in "\u0302\u0306\u031b")
            tone = "".join(m for m in marks if m not in shape)
            out += unicodedata.normalize("NFC", base + shape).encode("cp1258") + tone.encode("cp1258")
    return out


@pytest.mark.parametrize("declared", ['<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">', ""])
def test_windows_1258_page_reads_as_unicode(declared):
    page = (f"<html><head>{declared}<title>Tin</title></head><body><article><h1>Thông báo</h1>"
            f"<p>{SENTENCE}</p><p>{VNI_SENTENCE}</p></article></body></html>")
    parsed = parse_document(_cp1258(page), "old.html")
    assert SENTENCE in parsed.text and VNI_SENTENCE in parsed.text


def test_pdf_characters_in_legacy_fonts_are_converted_per_run():
    chars = [{"text": c, "fontname": "ABCDEF+.VnTime"} for c in "B¸o c¸o"]
    chars += [{"text": c, "fontname": "TimesNewRomanPSMT"} for c in " ¸ "]
    chars += [{"text": c, "fontname": "VNI-Times"} for c in "Vieät"]
    text = unicodedata.normalize("NFC", "".join(c["text"] for c in chars_to_unicode(chars)))
    assert text == "Báo cáo ¸ Việt"
