"""The fast PDF layer: pypdfium2 reads the pages it reads as pdfplumber does, pdfplumber the rest.

pdfplumber reads about 13 pages/s, pypdfium2 several hundred. A page that draws no path
(no ruling line, no box) holds no table, so its text is read here, laid out the way pdfplumber
lays it out: pdfium's lines that share a height are one line, left to right (a two-column
header, "VĂN PHÒNG ..." | "CỘNG HOÀ ...", reads as one line).

A page that draws paths (a rule under a header, a footnote rule, a table's cells) is read here
too when they are plain lines and boxes: pdfium gives the characters with the boxes pdfminer
gives them and the edges pdfplumber would take from the paths; pdfplumber's own table finder
makes the cells (none where the paths cannot form one), and the page's and the cells' words
and lines are built as pdfplumber builds them, so text and tables are pdfplumber's. A page
with anything else (curves, slanted lines, forms, rotated text, text pdfium's text page alters)
is left to pdfplumber.
"""

import ctypes
from collections import defaultdict
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import regex
from pdfminer.fontmetrics import FONT_METRICS

from pipeline.parse.legacy_fonts import encoding_of_font
from pipeline.parse.pdf_layout import (
    HYPHEN_MARK,
    NO_EXTENT,
    SLACK,
    X_TOLERANCE,
    Char,
    path_edges,
    page_text,
    find_tables,
)


class FastPage(NamedTuple):
    """A page's text and tables as pdfplumber gives them (page_text_unicode, extract_tables)."""
    text: str
    tables: list[list[list[str | None]]]  # each table's rows of cells


def fast_pages(data: bytes) -> list[FastPage | None] | None:
    """Each page's text and tables, or None where pdfplumber must read the page; None when
    pdfium cannot open the file."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None
    pages: list[FastPage | None] = []
    try:
        for page in pdf:
            pages.append(_read_page(page))
            page.close()
    finally:
        pdf.close()
    return pages


def _read_page(page) -> FastPage | None:
    objects = _page_objects(page)
    if _text_needs_pdfplumber(objects[pdfium_c.FPDF_PAGEOBJ_TEXT]):
        return None
    textpage = page.get_textpage()
    try:
        if not objects[pdfium_c.FPDF_PAGEOBJ_PATH]:
            return FastPage(_layout_text(textpage), [])
        return _read_ruled_page(page, objects, textpage)
    finally:
        textpage.close()


class _Object(NamedTuple):
    raw: object  # FPDF_PAGEOBJECT
    type: int


def _page_objects(page) -> dict[int, list[_Object]]:
    """Type -> the page's objects and those of its forms, as `page.get_objects(max_depth=2)`
    gives them, without a helper object each (a fifth of the cost of reading a page)."""
    objects = defaultdict(list)
    for index in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = _object(pdfium_c.FPDFPage_GetObject(page.raw, index))
        objects[obj.type].append(obj)
        if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM:
            for child in range(pdfium_c.FPDFFormObj_CountObjects(obj.raw)):
                inner = _object(pdfium_c.FPDFFormObj_GetObject(obj.raw, child))
                objects[inner.type].append(inner)
    return objects


def _object(raw) -> _Object:
    if not raw:
        raise pdfium.PdfiumError("Failed to get pageobject.")
    return _Object(raw, pdfium_c.FPDFPageObj_GetType(raw))


def _text_needs_pdfplumber(texts: list) -> bool:
    """A page whose text is an invisible layer (an OCR'd scan, laid out loosely) or in a legacy
    Vietnamese font (converted char by char) is read by pdfplumber as before."""
    fonts: dict[int | None, bool] = {}  # font handle -> legacy?
    for text in texts:
        if pdfium_c.FPDFTextObj_GetTextRenderMode(text.raw) == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE:
            return True
        font = pdfium_c.FPDFTextObj_GetFont(text.raw)
        key = ctypes.cast(font, ctypes.c_void_p).value
        if key not in fonts:
            fonts[key] = encoding_of_font(_font_name(font)) is not None
        if fonts[key]:
            return True
    return False


def _font_name(font) -> str:
    size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
    return buffer.value.decode("utf-8", "replace")


def _layout_text(textpage, tolerance: float = 3) -> str:
    text = textpage.get_text_range()
    pieces = []  # (top, left, text) of each of pdfium's lines, top measured as pdfplumber does
    start = 0
    for separator in [*_LINE_END.finditer(text), None]:
        end = separator.start() if separator else len(text)
        line = text[start:end] + ("-" if separator and separator.group() == "\ufffe" else "")
        if line.strip():
            first = start + len(line) - len(line.lstrip())
            left, bottom, _, _ = textpage.get_charbox(first, loose=True)
            top = bottom + pdfium_c.FPDFText_GetFontSize(textpage.raw, first)
            pieces.append((top, left, line.strip()))
        start = separator.end() if separator else end
    lines: list[list] = []  # [top of the last piece, [(left, text), ...]]
    for top, left, piece in sorted(pieces, key=lambda p: -p[0]):
        if lines and lines[-1][0] - top <= tolerance:
            lines[-1][0] = top
            lines[-1][1].append((left, piece))
        else:
            lines.append([top, [(left, piece)]])
    return "\n".join(" ".join(piece for _, piece in sorted(parts)) for _, parts in lines)


# pdfium ends a line with CR LF, or with U+FFFE where a word is hyphenated across lines.
_LINE_END = regex.compile("\r\n|\ufffe")


def _read_ruled_page(page, objects: dict[int, list], textpage) -> FastPage | None:
    """pdfplumber's reading of a page that draws paths, or None where this one could differ."""
    if objects[pdfium_c.FPDF_PAGEOBJ_FORM] or not _plain_page(page):
        return None  # a form nests objects under a matrix of its own
    height = page.get_height()
    edges = path_edges(objects[pdfium_c.FPDF_PAGEOBJ_PATH], height)
    chars = None if edges is None else _chars(objects[pdfium_c.FPDF_PAGEOBJ_TEXT], textpage, height)
    if chars is None or edges is None:
        return None
    return FastPage(page_text(chars), find_tables(chars, edges))


def _plain_page(page) -> bool:
    """Unrotated, its boxes at the origin: pdfplumber's coordinates are pdfium's flipped."""
    mediabox = page.get_mediabox()
    return page.get_rotation() == 0 and mediabox[:2] == (0, 0) and page.get_cropbox() == mediabox


def _chars(texts: list, textpage, height: float) -> list[Char] | None:
    """The page's characters as pdfminer reads them, in its order (the content's), or None
    where pdfium's text page may have dropped, merged or replaced some. pdfium drops text
    objects that draw no glyph (spaces in a run of their own, or repeating one): a space stands
    there, as it splits pdfminer's words."""
    objects = _text_objects(texts)
    if objects is None:
        return None
    raw = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    x, y = ctypes.c_double(), ctypes.c_double()
    x_at, y_at = ctypes.addressof(x), ctypes.addressof(y)
    previous, origin, made_up_space = None, None, False  # the last char's object and origin
    for index in range(pdfium_c.FPDFText_CountChars(textpage.raw)):
        code = _unicode(raw, index)
        if code in _MAYBE_GENERATED and pdfium_c.FPDFText_IsGenerated(textpage.raw, index):
            made_up_space = made_up_space or code == 0x20
            continue
        if code == 0 or _unicode_map_error(raw, index):
            return None
        if code == HYPHEN_MARK and pdfium_c.FPDFText_IsHyphen(textpage.raw, index):
            code = ord("-")
        address = _text_object(raw, index)
        obj = objects.get(address)
        if obj is None:
            return None  # a char of no text object of the page's: one pdfium made up
        _char_origin(raw, index, x_at, y_at)
        here = x.value, y.value
        char = obj.char(chr(code), *here, height)
        if address == previous and (here == origin or made_up_space
                                    and char.x0 - obj.chars[-1].x1 <= X_TOLERANCE + SLACK):
            return None  # one glyph as several chars (a ligature); or a space of the run dropped?
        previous, origin, made_up_space = address, here, False
        obj.chars.append(char)
    for obj in objects.values():
        if not obj.chars:
            if not obj.blank:
                return None  # a whole object dropped: pdfium took it for a duplicate
            obj.chars.append(obj.char(" ", obj.x, obj.y, height))
    return [char for obj in objects.values() for char in obj.chars]


# Unicode values pdfium gives the characters it makes up (spaces, line ends).
_MAYBE_GENERATED = frozenset((0x20, 0x0D, 0x0A))


def _typed(function, restype, *argtypes):
    """A pdfium function taking plain ints (addresses): cheaper per call than its binding."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


# The per-character calls; the text object's address is the key of its _TextObject.
_unicode = _typed(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint, ctypes.c_void_p, ctypes.c_int)


_unicode_map_error = _typed(pdfium_c.FPDFText_HasUnicodeMapError, ctypes.c_int, ctypes.c_void_p, ctypes.c_int)


_text_object = _typed(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)


_char_origin = _typed(pdfium_c.FPDFText_GetCharOrigin, ctypes.c_int, ctypes.c_void_p, ctypes.c_int,
                      ctypes.c_void_p, ctypes.c_void_p)


class _TextObject:
    """What a character's box needs from its text object (font, size, scale, position), and the
    characters pdfium's text page gives of it."""

    def __init__(self, obj, matrix, font, size: float, widths: dict[str, float]):
        descent = ctypes.c_float()
        pdfium_c.FPDFFont_GetDescent(font, size, descent)
        left, bottom, right, top = _bounds(obj.raw)
        self.font, self.size, self.x, self.y = font, size, matrix.e, matrix.f
        self.scale, self.descent, self.height = matrix.a, matrix.d * descent.value, matrix.d * size
        self.blank = min(right - left, top - bottom) < NO_EXTENT
        self.widths = widths  # shared by the objects in this font at this size
        self.chars: list[Char] = []

    def char(self, text: str, x: float, y: float, height: float) -> Char:
        """pdfminer's box: the advance from the font's widths, descent to descent plus size."""
        width = self.widths.get(text)
        if width is None:
            glyph = ctypes.c_float()
            pdfium_c.FPDFFont_GetGlyphWidth(self.font, ord(text), self.size, glyph)
            width = self.widths[text] = glyph.value
        bottom = height - y - self.descent
        return Char(text, x, x + self.scale * width, bottom - self.height, bottom)


def _bounds(raw) -> tuple[float, float, float, float]:
    """Left, bottom, right and top of a page object (pypdfium2's PdfObject.get_bounds)."""
    edges = [ctypes.c_float() for _ in range(4)]
    if not pdfium_c.FPDFPageObj_GetBounds(raw, *edges):
        raise pdfium.PdfiumError("Failed to locate pageobject.")
    left, bottom, right, top = (edge.value for edge in edges)
    return left, bottom, right, top


def _text_objects(texts: list) -> dict[int, _TextObject] | None:
    """The text objects by address, in the content's order, or None when one is rotated or
    skewed, carries an ActualText (pdfium reads that instead), or is in a font pdfminer measures
    by its own metrics (the standard fonts) or has no name for (Type 3)."""
    objects: dict[int, _TextObject] = {}
    fonts: dict[int | None, bool] = {}  # font handle -> one pdfium and pdfminer measure alike?
    widths: dict[tuple[int | None, float], dict[str, float]] = defaultdict(dict)  # (font, size) -> widths
    matrix = pdfium_c.FS_MATRIX()
    for obj in texts:
        pdfium_c.FPDFPageObj_GetMatrix(obj.raw, matrix)
        if matrix.b or matrix.c or matrix.a <= 0 or matrix.d <= 0 or _actual_text(obj):
            return None
        font = pdfium_c.FPDFTextObj_GetFont(obj.raw)
        key = ctypes.cast(font, ctypes.c_void_p).value
        if key not in fonts:
            name = _font_name(font)
            fonts[key] = bool(name) and name not in FONT_METRICS
        if not fonts[key]:
            return None
        size = ctypes.c_float()
        pdfium_c.FPDFTextObj_GetFontSize(obj.raw, size)
        address = ctypes.cast(obj.raw, ctypes.c_void_p).value
        assert address is not None  # a text object the page holds is never NULL
        objects[address] = _TextObject(obj, matrix, font, size.value, widths[key, size.value])
    return objects


def _actual_text(obj) -> bool:
    for index in range(pdfium_c.FPDFPageObj_CountMarks(obj.raw)):
        mark = pdfium_c.FPDFPageObj_GetMark(obj.raw, index)
        if pdfium_c.FPDFPageObjMark_GetParamValueType(mark, b"ActualText") != pdfium_c.FPDF_OBJECT_UNKNOWN:
            return True
    return False
