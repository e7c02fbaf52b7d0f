"""The pdfium layer for pages that draw paths gives exactly what pdfplumber gives (page text and
tables), and pages it cannot read so go to pdfplumber."""

import io
import random
from types import SimpleNamespace

import pdfplumber
import pypdfium2 as pdfium
import pytest
from conftest import FIXTURES, SHARED, shared_path
from pdfplumber.table import TableFinder, TableSettings
from pdfplumber.utils import extract_text
from pdfplumber.utils.text import chars_to_textmap

from pipeline.parse import pdf_layout
from pipeline.text.normalize import clean_text
from pipeline.parse.pdf_file import _text_layer, page_text_unicode, parse_pdf
from pipeline.parse.pdf_text import fast_pages

REAL = sorted((SHARED / "corpus" / "real").glob("*.pdf"))
FIXTURE_TABLE = [["Chỉ tiêu", "Kế hoạch 2021"], ["Xã đạt chuẩn nông thôn mới", "10 xã"],
                 ["Giải ngân vốn đầu tư công", "95%"]]


def pdfplumber_pages(data: bytes) -> list[tuple[str, list]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [(page_text_unicode(page), page.extract_tables()) for page in pdf.pages]


def test_fixture_table_page_is_read_fast_as_pdfplumber_reads_it():
    data = (FIXTURES / "kehoach-12-langson.pdf").read_bytes()
    fast = fast_pages(data)
    assert fast[1] is not None and fast[1].tables == [FIXTURE_TABLE]
    assert fast[1].text.endswith("Chỉ tiêu Kế hoạch 2021\nXã đạt chuẩn nông thôn mới 10 xã\n"
                                 "Giải ngân vốn đầu tư công 95%")
    assert [tuple(page) for page in fast] == pdfplumber_pages(data)
    assert [table.rows for table in parse_pdf(data).tables] == [FIXTURE_TABLE]


def scanned(data: bytes) -> bool:
    return not any(page.get_textpage().count_chars() for page in pdfium.PdfDocument(data))


TEXT_PDFS = [path for path in REAL if not scanned(path.read_bytes())]  # scans are OCR's business


@pytest.mark.parametrize("path", TEXT_PDFS, ids=[path.name[:3] for path in TEXT_PDFS])
def test_real_pdfs_read_fast_equal_pdfplumber(path):
    data = path.read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        fast = fast_pages(data)
        for number, (page, quick) in enumerate(zip(pdf.pages, fast), start=1):
            if quick is not None:
                assert quick.text == page_text_unicode(page), f"page {number}"
                assert quick.tables == page.extract_tables(), f"page {number}"
    print(f"{path.name}: {sum(quick is not None for quick in fast)} pages fast, "
          f"{sum(quick is None for quick in fast)} pdfplumber")


@pytest.mark.parametrize("name, pages, fast, tables", [
    ("002_lamdong-bc228-snv-chiso-2025.pdf", 10, 9, 2),  # page 10 is in a legacy font
    ("003_lamdong-bc329-cchc-2025-nhiemvu-2026.pdf", 35, 35, 36),
])
def test_real_ruled_pages_are_read_fast(name, pages, fast, tables):
    """The 2025 reports draw footnote rules and tables on nearly every page: pdfium reads them."""
    read = fast_pages(shared_path("corpus", "real", name).read_bytes())
    assert len(read) == pages
    assert sum(page is not None for page in read) == fast
    assert sum(len(page.tables) for page in read if page) == tables


# Hand-made PDFs: a font both pdfium and pdfminer measure by its /Widths, one page per stream.
HELLO = b"BT /F1 11 Tf 72 700 Td (Hello, world) Tj ET "
GRID = b"".join(b"%d %d 120 20 re S " % (72 + 120 * col, 600 - 20 * row) for row in range(3) for col in range(2))
LINES = b"".join(b"72 %d m 312 %d l " % (y, y) for y in (620, 600, 580, 560)) + b"".join(
    b"%d 620 m %d 560 l " % (x, x) for x in (72, 192, 312)) + b"S "
CELLS = b"".join(b"BT /F1 10 Tf %d %d Td (r%dc%d) Tj ET " % (80 + 120 * col, 606 - 20 * row, row, col)
                 for row in range(3) for col in range(2))


def make_pdf(*contents: bytes, rotate: int = 0, font: bytes = b"DirectiveSans") -> bytes:
    """A PDF of these pages' content streams, /F1 a TrueType font known by its name only."""
    widths = b" ".join(b"%d" % (400 + code % 7 * 50) for code in range(32, 256))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
                   b" ".join(b"%d 0 R" % (5 + 2 * number) for number in range(len(contents))), len(contents)),
               b"<< /Type /Font /Subtype /TrueType /BaseFont /%s /FirstChar 32 /LastChar 255 /Widths [%s] "
               b"/Encoding /WinAnsiEncoding /FontDescriptor 4 0 R >>" % (font, widths),
               b"<< /Type /FontDescriptor /FontName /%s /Flags 32 /FontBBox [0 -200 1000 800] /ItalicAngle 0 "
               b"/Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>" % font]
    for number, content in enumerate(contents):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Rotate %d "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (rotate, 6 + 2 * number))
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.mark.parametrize("content, tables", [
    (HELLO + b"72 690 m 300 690 l S", 0),  # a rule under a line: no cell can form
    (HELLO + b"72 650 200 0.5 re f 72 640 200 0.5 re f", 0),  # two rules, no upright edges
    (HELLO + GRID + CELLS, 1),  # a grid of boxes
    (HELLO + LINES + CELLS, 1),  # the same grid ruled by lines
    (b"q 0.75 0 0 0.75 40 120 cm " + GRID + CELLS + b"Q " + HELLO, 1),  # scaled, as Word writes pages
    (GRID, 1),  # empty cells, no text
    (b"BT /F1 4 Tf 72 700 Td (Hello) Tj ( ) Tj (world) Tj ET 72 690 m 300 690 l S", 0),  # a space pdfium skips
    (b"BT /F1 11 Tf 72 700 Td [(Hel) -300 (lo,) -1200 (world)] TJ 2 Tc 0 -14 Td (spaced) Tj ET "
     b"BT /F1 11 Tf 0.5 0 0 0.5 72 660 Tm (halved) Tj 4 Ts (risen) Tj 50 Tz (squeezed) Tj ET "
     b"72 650 m 300 650 l S", 0),
])
def test_plain_paths_are_read_fast_as_pdfplumber_reads_them(content, tables):
    data = make_pdf(content)
    fast = fast_pages(data)
    assert fast[0] is not None and len(fast[0].tables) == tables
    assert [tuple(fast[0])] == pdfplumber_pages(data)


@pytest.mark.parametrize("content, font, rotate", [
    (HELLO + b"72 690 m 150 720 200 680 300 690 c S", b"DirectiveSans", 0),  # a curve
    (HELLO + b"72 690 m 300 700 l S", b"DirectiveSans", 0),  # a slanted line
    (HELLO + b"72 690 m 300 690 l 300 600 l S", b"DirectiveSans", 0),  # an open polyline: a curve to pdfminer
    (b"q 0.9 0.1 -0.1 0.9 0 0 cm " + GRID + b"Q " + HELLO, b"DirectiveSans", 0),  # skewed boxes
    (b"BT /F1 11 Tf 0 1 -1 0 72 700 Tm (Hello) Tj ET 72 690 m 300 690 l S", b"DirectiveSans", 0),  # rotated text
    (b"/Span << /ActualText (Hi) >> BDC " + HELLO + b"EMC 72 690 m 300 690 l S", b"DirectiveSans", 0),
    (HELLO + b"72 690 m 300 690 l S", b"Helvetica", 0),  # pdfminer measures it by its own metrics
    (HELLO + b"72 690 m 300 690 l S", b"DirectiveSans", 90),
])
def test_other_pages_are_left_to_pdfplumber(content, font, rotate):
    assert fast_pages(make_pdf(content, font=font, rotate=rotate)) == [None]


def test_a_declined_page_is_read_by_pdfplumber(monkeypatch):
    data = make_pdf(HELLO + GRID + CELLS, HELLO + GRID + CELLS + b"72 500 m 150 520 200 480 300 500 c S")
    assert [page is None for page in fast_pages(data)] == [False, True]
    read = []
    extract_tables = pdfplumber.page.Page.extract_tables
    monkeypatch.setattr(pdfplumber.page.Page, "extract_tables",
                        lambda page, *args: read.append(page.page_number) or extract_tables(page, *args))
    parsed = _text_layer(data, "two pages")
    assert read == [2]
    cells = [[f"r{row}c{col}" for col in range(2)] for row in range(3)]
    assert [(table.page, table.rows) for table in parsed.tables] == [(1, cells), (2, cells)]
    assert parsed.text == "\n\n".join(clean_text(text) for text, _ in pdfplumber_pages(data))


def random_chars(rng: random.Random) -> list[dict]:
    """Characters in a few lines, some close in height, on a coarse grid so that gaps and
    heights meet pdfplumber's tolerances exactly, with spaces and overlaps."""
    chars = []
    for _ in range(rng.randint(1, 6)):
        top, x = rng.choice([10, 12, 13, 14.5, 16, 30, 31, 33]) + rng.choice([0, 0.5, 1, 3]), rng.choice([10, 40])
        for _ in range(rng.randint(1, 12)):
            width = rng.choice([0, 2, 4, 5.5])
            text = rng.choice("ab ﬁ ")
            chars.append({"text": text, "x0": x, "x1": x + width, "top": top, "bottom": top + 10, "doctop": top,
                          "upright": True})
            x += width + rng.choice([-1, 0, 0, 1, 3, 3.5, 6])
    return chars


def test_words_and_lines_are_pdfplumber_s():
    rng = random.Random(7)
    for _ in range(500):
        chars = random_chars(rng)
        ours = [pdf_layout.Char(c["text"], c["x0"], c["x1"], c["top"], c["bottom"]) for c in chars]
        assert pdf_layout.page_text(ours) == chars_to_textmap(chars, layout_bbox=(0, 0, 100, 100)).as_string
        assert pdf_layout._cell_text(ours) == extract_text(chars)


def test_cells_are_pdfplumber_s():
    """The same table finder; the cells' text taken as pdfplumber's Table.extract takes it."""
    rng = random.Random(11)
    for _ in range(100):
        chars = random_chars(rng)
        xs, tops = sorted(rng.sample([8, 20, 30, 45, 60, 90], 3)), sorted(rng.sample([5, 12, 20, 28, 40, 60], 3))
        edges = [pdf_layout._edge(xs[0], xs[-1], top, top, "h") for top in tops]
        edges += [pdf_layout._edge(x, x, tops[0], tops[-1], "v") for x in xs]
        page = SimpleNamespace(edges=edges, chars=chars)
        settings = TableSettings()
        expected = [table.extract(**settings.text_settings) for table in TableFinder(page, settings).tables]
        ours = [pdf_layout.Char(c["text"], c["x0"], c["x1"], c["top"], c["bottom"]) for c in chars]
        assert pdf_layout.find_tables(ours, edges) == expected


def test_pdfplumber_is_not_opened_when_pdfium_reads_every_page(monkeypatch):
    """The fixture's two pages are both read by pdfium: pdfplumber is not even opened."""
    def refuse(*args, **kwargs):
        raise AssertionError("pdfplumber opened")

    monkeypatch.setattr(pdfplumber, "open", refuse)
    parsed = parse_pdf((FIXTURES / "kehoach-12-langson.pdf").read_bytes())
    assert len(parsed.pages) == 2 and parsed.tables[0].page == 2
