"""PDF text and tables, page by page, page offsets kept; OCR for scans. Pages pypdfium2 can read
as pdfplumber would take its fast layer (pipeline/parse/pdf_text.py), the others pdfplumber's."""

import io

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils import extract_text

from pipeline.errors import EmptyDocumentError, NeedsOcrError, ParseError
from pipeline.parse import ocr, plausibility
from pipeline.parse.document import Page, ParsedDocument, Table
from pipeline.parse.legacy_fonts import encoding_of_font, to_unicode
from pipeline.parse.limits import too_big
from pipeline.parse.pdf_text import fast_pages
from pipeline.parse.reflow import join_wrapped_lines
from pipeline.settings import limits, ocr_max_pages
from pipeline.text.normalize import clean_text


def parse_pdf(data: bytes, source: str = "<bytes>") -> ParsedDocument:
    """The text layer; OCR instead when the layer is missing or not plausible Vietnamese."""
    _check_pages(data, source)
    parsed = _text_layer(data, source)
    quality = plausibility.score(parsed.text, len(parsed.pages))
    if quality.plausible:
        return parsed
    layer = "no text layer" if not parsed.text.strip() else f"an implausible text layer ({quality.reason()})"
    if not ocr.ocr_available():
        raise NeedsOcrError(source, f"{layer}; install tesseract-ocr and tesseract-ocr-vie to read it by OCR")
    return _ocr(data, source, layer)


def _check_pages(data: bytes, source: str) -> None:
    """Refuse a PDF of more pages than `settings.Limits.pdf_pages`, before reading any."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return  # pdfplumber names the damage
    try:
        count, cap = len(pdf), limits().pdf_pages
    finally:
        pdf.close()
    if count > cap:
        raise too_big(source, count, "pages", cap, "pdf_pages")


def _text_layer(data: bytes, source: str) -> ParsedDocument:
    fast = fast_pages(data)
    read: list = fast if fast and all(fast) else _read_with_pdfplumber(data, source, fast)
    tables = [
        Table(page=number, rows=[[cell or "" for cell in row] for row in rows])
        for number, (_, page_tables) in enumerate(read, start=1)
        for rows in page_tables
    ]
    text, pages = _join([join_wrapped_lines(clean_text(page_text)) for page_text, _ in read])
    return ParsedDocument(text=text, kind="pdf", pages=pages, tables=tables, text_source="text_layer")


def _read_with_pdfplumber(data: bytes, source: str, fast: list | None) -> list:
    """(text, tables) of each page: pdfium's where it read the page (and counts the pages as
    pdfplumber does), pdfplumber's elsewhere."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if not pdf.pages:
                raise ParseError(source, "not a readable PDF (no pages: truncated or damaged)")
            if not fast or len(fast) != len(pdf.pages):
                fast = [None] * len(pdf.pages)
            return [quick or (page_text_unicode(page), page.extract_tables()) for quick, page in zip(fast, pdf.pages)]
    except ParseError:
        raise
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as error:
        raise ParseError(source, f"not a readable PDF ({type(error).__name__}: {error})") from error
    except Exception as error:  # pdfminer raises many private error types on broken files
        if type(error).__module__.startswith(("pdfminer", "pdfplumber")):
            raise ParseError(source, f"not a readable PDF ({type(error).__name__}: {error})") from error
        raise


def page_text_unicode(page) -> str:
    """A page's text with runs in legacy Vietnamese fonts (.VnTime, VNI-Times) converted."""
    chars = page.chars
    if not any(encoding_of_font(c.get("fontname")) for c in chars):
        return page.extract_text() or ""
    return extract_text(chars_to_unicode(chars))


def chars_to_unicode(chars: list[dict]) -> list[dict]:
    """pdfplumber chars with each legacy-font character replaced by its Unicode form."""
    return [{**c, "text": to_unicode(c["text"], encoding_of_font(c.get("fontname")))} for c in chars]


def _ocr(data: bytes, source: str, layer: str) -> ParsedDocument:
    read = ocr.ocr_pdf(data, source, ocr_max_pages())
    text, pages = _join([join_wrapped_lines(page.text) for page in read])
    if not text.strip():
        raise EmptyDocumentError(source, f"{layer}, and OCR found no text")
    for page, result in zip(pages, read):
        page.confidence = result.confidence
    return ParsedDocument(text=text, kind="pdf", pages=pages, text_source="ocr")


def _join(parts: list[str]) -> tuple[str, list[Page]]:
    """Pages joined by a blank line, with each page's offsets."""
    pages, offset = [], 0
    for number, part in enumerate(parts, start=1):
        if number > 1:
            offset += 2
        pages.append(Page(number, offset, offset + len(part)))
        offset += len(part)
    return "\n\n".join(parts), pages
