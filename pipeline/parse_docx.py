"""DOCX body text: paragraphs and tables in document order, legacy-font runs converted."""

import io
import zipfile

import docx
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from .document import ParsedDocument, Table
from .errors import ParseError
from .legacy_fonts import encoding_of_font, to_unicode
from .normalize import clean_text

# Authors that tools and templates write into every file: not a byline.
_GENERIC_AUTHORS = {"python-docx", "admin", "administrator", "user", "microsoft office user", "windows user"}


def paragraph_text(paragraph: Paragraph) -> str:
    """A paragraph's text; runs typed in .VnTime or VNI fonts are converted to Unicode."""
    default = paragraph.style.font.name if paragraph.style is not None else None
    encodings = [encoding_of_font(run.font.name or default) for run in paragraph.runs]
    if not any(encodings):
        return paragraph.text
    return "".join(to_unicode(run.text, encoding) for run, encoding in zip(paragraph.runs, encodings))


def parse_docx(data: bytes, source: str = "<bytes>") -> ParsedDocument:
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ParseError(source, f"not a readable DOCX ({type(error).__name__}: {error})") from error
    lines, tables = [], []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(paragraph_text(block))
        elif isinstance(block, DocxTable):
            rows = [["\n".join(paragraph_text(p) for p in cell.paragraphs).strip() for cell in row.cells]
                    for row in block.rows]
            tables.append(Table(page=None, rows=rows))
            lines.extend(" | ".join(cell for cell in row if cell) for row in rows)
    core = document.core_properties
    return ParsedDocument(
        text=clean_text("\n".join(lines)),
        kind="docx",
        text_source="docx",
        tables=tables,
        title=core.title or None,
        author=core.author if core.author and core.author.lower() not in _GENERIC_AUTHORS else None,
    )
