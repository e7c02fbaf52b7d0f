"""Pick the parser for a file by its name and bytes, and fill in metadata from the text."""

import re
from pathlib import PurePath

from pipeline.errors import EmptyDocumentError, NoArticleError
from pipeline.parse import limits, metadata, sniff
from pipeline.parse.document import ParsedDocument
from pipeline.parse.docx_file import parse_docx
from pipeline.parse.html_page import parse_html
from pipeline.parse.listing import listed_items
from pipeline.parse.pdf_file import parse_pdf
from pipeline.parse.text_file import parse_text

# Block markup of a body a CMS exported without <html>/<body> ("<p>Ng&agrave;y ...</p>").
_BLOCK_TAG = re.compile(
    rb"<(?:p|div|br|ol|ul|li|table|tr|td|h[1-6]|article|section)\b[^>]*>|</(?:p|div|li|td|h[1-6])>", re.IGNORECASE
)
_ESCAPED_TAG = re.compile(rb"&lt;/?(?:p|div|br|ol|ul|li|table|tr|td|h[1-6])\b", re.IGNORECASE)
_FRONT = re.compile(rb"\A\s*(?:---\s*\n.*?\n---\s*\n|\{[^<]*?\}\s*)", re.DOTALL)


def _is_markup(data: bytes) -> bool:
    """Whether bytes with no <html> are an HTML fragment: they open with a block tag (after any
    front matter), or block tags stand in them several times."""
    head = data[:8192]
    front = _FRONT.match(head)
    start = head[front.end() if front else 0 :].lstrip()
    return (
        bool(_BLOCK_TAG.match(start)) or len(_BLOCK_TAG.findall(head)) >= 4 or len(_ESCAPED_TAG.findall(head)) >= 2
    )  # a body escaped as text: "&lt;p&gt;..."


def kind_of(name: str, data: bytes) -> str:
    """txt, html, pdf or docx: by magic bytes first, then by file suffix (fetched URLs
    often have neither a suffix nor a truthful one)."""
    head = data[:1024].lstrip().lower()
    suffix = PurePath(name).suffix.lower()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") and (suffix == ".docx" or b"word/document.xml" in data):
        return "docx"
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    if suffix in (".html", ".htm") and (b"<html" in head or b"<!doctype" in head or b"<body" in head):
        return "html"
    if suffix in ("", ".html", ".htm", ".txt", ".md") and _is_markup(data):
        return "html"
    return {".pdf": "pdf", ".docx": "docx", ".html": "txt", ".htm": "txt"}.get(suffix, "txt")


def parse_document(data: bytes, name: str, charset: str | None = None) -> ParsedDocument:
    """Parse bytes named `name` (a path or URL); raise ParseError naming it on failure.

    `charset` is what an HTTP header declared for text and HTML; it is tried first. Bytes that
    are not text are refused whatever the name says, and every input is held to `settings.Limits`."""
    limits.check_size(data, name)
    if not data.strip():
        raise EmptyDocumentError(name, "the file is empty")
    kind = kind_of(name, data)
    if kind in ("html", "txt"):
        sniff.check_bytes(data, name)
    if kind == "pdf":
        parsed = parse_pdf(data, name)
    elif kind == "docx":
        parsed = parse_docx(data, name)
    elif kind == "html":
        parsed = parse_html(data, charset, name)
    else:
        parsed = parse_text(data, charset, name)
    limits.check_text(parsed.text, name)
    if not parsed.text.strip():
        reason = {"pdf": "no text layer (a scanned PDF needs OCR)", "html": "no article text found in the page"}.get(
            kind, "no text"
        )
        raise EmptyDocumentError(name, reason)
    if kind == "html" and listed_items(parsed.text):
        raise NoArticleError(
            name, f"no article: the page lists {listed_items(parsed.text)} news items (a portal home or category page)"
        )
    metadata.complete(parsed)
    return parsed
