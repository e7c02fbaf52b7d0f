"""PDF text and tables, page by page, page offsets kept: pypdfium2's fast text layer where
a page cannot hold a table (pipeline/pdf_text.py), pdfplumber's text and tables elsewhere."""

import io

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError

from .document import Page, ParsedDocument, Table
from .errors import ParseError
from .normalize import clean_text
from .pdf_text import fast_page_texts


def parse_pdf(data: bytes, source: str = "<bytes>") -> ParsedDocument:
    pages, tables, parts = [], [], []
    offset = 0
    fast = fast_page_texts(data)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if not pdf.pages:
                raise ParseError(source, "not a readable PDF (no pages: truncated or damaged)")
            for number, page in enumerate(pdf.pages, start=1):
                quick = fast[number - 1] if len(fast) == len(pdf.pages) else None
                page_text = clean_text(quick if quick is not None else page.extract_text() or "")
                for rows in [] if quick is not None else page.extract_tables():
                    tables.append(Table(page=number, rows=[[cell or "" for cell in row] for row in rows]))
                if parts:
                    offset += 2  # the blank line between pages
                pages.append(Page(number, offset, offset + len(page_text)))
                parts.append(page_text)
                offset += len(page_text)
    except ParseError:
        raise
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as error:
        raise ParseError(source, f"not a readable PDF ({type(error).__name__}: {error})") from error
    except Exception as error:  # pdfminer raises many private error types on broken files
        if type(error).__module__.startswith(("pdfminer", "pdfplumber")):
            raise ParseError(source, f"not a readable PDF ({type(error).__name__}: {error})") from error
        raise
    return ParsedDocument(text="\n\n".join(parts), kind="pdf", pages=pages, tables=tables)
