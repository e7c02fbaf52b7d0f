"""DOCX body text: paragraphs and tables in document order."""

import io
import zipfile

import docx
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from .document import ParsedDocument, Table
from .errors import ParseError
from .normalize import clean_text


def parse_docx(data: bytes, source: str = "<bytes>") -> ParsedDocument:
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ParseError(source, f"not a readable DOCX ({type(error).__name__}: {error})") from error
    lines, tables = [], []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, DocxTable):
            rows = [[cell.text.strip() for cell in row.cells] for row in block.rows]
            tables.append(Table(page=None, rows=rows))
            lines.extend(" | ".join(cell for cell in row if cell) for row in rows)
    core = document.core_properties
    return ParsedDocument(
        text=clean_text("\n".join(lines)),
        kind="docx",
        text_source="docx",
        title=core.title or None,
        author=core.author or None,
    )
