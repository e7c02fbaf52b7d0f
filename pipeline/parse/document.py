"""What a parser returns: the text of a document and what is known about it."""

from dataclasses import dataclass, field


@dataclass
class Page:
    number: int
    start: int
    end: int
    confidence: float | None = None  # OCR: mean word confidence (0-100)


@dataclass
class Table:
    page: int | None
    rows: list[list[str]]


@dataclass
class ParsedDocument:
    text: str
    kind: str
    title: str | None = None
    published_date: str | None = None
    author: str | None = None
    # Text around the document that is not part of it (the page <title>, the site name):
    # read for the province, never extracted from.
    context: str = ""
    pages: list[Page] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    text_source: str = "text"  # how the text was obtained: text, html, docx, text_layer, ocr
