"""The fast PDF text layer: pypdfium2 for pages without ruling lines, the rest left to pdfplumber.

pdfplumber reads about 13 pages/s, pypdfium2 several hundred. A page that draws no path
(no ruling line, no box) holds no table pdfplumber could find, so its text is read here,
laid out the way pdfplumber lays it out: pdfium's lines that share a height are one line,
left to right (a two-column header, "VĂN PHÒNG ..." | "CỘNG HOÀ ...", reads as one line).
"""

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import regex

from .legacy_fonts import encoding_of_font


def fast_page_texts(data: bytes, page_count: int) -> list[str | None]:
    """Each page's text, or None where pdfplumber must read the page (all pages when
    pdfium cannot open the file or counts its pages differently from pdfplumber)."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return [None] * page_count
    if len(pdf) != page_count:
        pdf.close()
        return [None] * page_count
    texts: list[str | None] = []
    try:
        for page in pdf:
            if _needs_pdfplumber(page):
                texts.append(None)
            else:
                textpage = page.get_textpage()
                texts.append(_layout_text(textpage))
                textpage.close()
            page.close()
    finally:
        pdf.close()
    return texts


def _needs_pdfplumber(page) -> bool:
    """A page that draws paths (ruling lines of a possible table), whose text is an
    invisible layer (an OCR'd scan, laid out loosely) or in a legacy Vietnamese font
    (converted char by char) is read by pdfplumber as before."""
    if next(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2), None) is not None:
        return True
    fonts: dict[int | None, bool] = {}  # font handle -> legacy?
    for text in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=2):
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
