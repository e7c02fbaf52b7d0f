"""DOCX body text: paragraphs and tables in document order, legacy-font runs converted."""

import io
import zipfile

import docx
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from pipeline.errors import ParseError
from pipeline.parse.document import ParsedDocument, Table
from pipeline.parse.legacy_fonts import encoding_of_font, to_unicode
from pipeline.parse.limits import check_zip
from pipeline.parse.numbering import formatted
from pipeline.text.normalize import clean_text

# Authors that tools and templates write into every file: not a byline.
_GENERIC_AUTHORS = {"python-docx", "admin", "administrator", "user", "microsoft office user", "windows user"}


def paragraph_text(paragraph: Paragraph) -> str:
    """A paragraph's text; runs typed in .VnTime or VNI fonts are converted to Unicode."""
    default = paragraph.style.font.name if paragraph.style is not None else None
    encodings = [encoding_of_font(run.font.name or default) for run in paragraph.runs]
    if not any(encodings):
        return paragraph.text
    return "".join(to_unicode(run.text, encoding) for run, encoding in zip(paragraph.runs, encodings))


class ListNumbers:
    """The labels Word draws before auto-numbered paragraphs ("1.", "a)", "1.2."), which
    python-docx's text leaves out: counted per list and level from numbering.xml."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> ilvl -> (format, text, start)
        self.counters: dict[str, dict[int, int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract = {}
        for node in numbering.findall(qn("w:abstractNum")):
            abstract[node.get(qn("w:abstractNumId"))] = {
                _int(level.get(qn("w:ilvl")), 0): (
                    _value(level, "w:numFmt", "decimal"),
                    _value(level, "w:lvlText", ""),
                    _int(_value(level, "w:start", "1"), 1),
                )
                for level in node.findall(qn("w:lvl"))
            }
        for node in numbering.findall(qn("w:num")):
            self.levels[node.get(qn("w:numId"))] = abstract.get(_value(node, "w:abstractNumId", ""), {})

    def label(self, paragraph: Paragraph) -> str:
        """The label of a numbered paragraph, "-" for a bullet, "" for any other."""
        numbering = _numbering_of(paragraph)
        if numbering is None or numbering.numId is None:
            return ""
        list_id, level = str(numbering.numId.val), numbering.ilvl.val if numbering.ilvl is not None else 0
        levels = self.levels.get(list_id, {})
        if level not in levels:
            return ""
        fmt, text, _ = levels[level]
        if fmt == "bullet":
            return "-"
        counters = self.counters.setdefault(list_id, {})
        counters[level] = counters.get(level, levels[level][2] - 1) + 1
        for deeper in [lvl for lvl in counters if lvl > level]:
            del counters[deeper]
        for shown in range(9):
            if f"%{shown + 1}" in text:
                number = counters.get(shown, levels.get(shown, ("decimal", "", 1))[2])
                text = text.replace(f"%{shown + 1}", formatted(number, levels.get(shown, (fmt,))[0]))
        return text.strip()


def _numbering_of(paragraph: Paragraph):
    """The paragraph's own numbering properties, else its style's (or a base style's)."""
    properties = paragraph._p.pPr
    if properties is not None and properties.numPr is not None:
        return properties.numPr
    style = paragraph.style
    while style is not None:
        properties = style.element.pPr
        if properties is not None and properties.numPr is not None:
            return properties.numPr
        style = style.base_style
    return None


def _int(value: str | None, default: int) -> int:
    """A number attribute; a malformed one (hand-edited files) counts as the default."""
    try:
        return int(value or "")
    except ValueError:
        return default


def _value(node, tag: str, default: str) -> str:
    found = node.find(qn(tag))
    return found.get(qn("w:val"), default) if found is not None else default


def parse_docx(data: bytes, source: str = "<bytes>") -> ParsedDocument:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip(archive, source)  # python-docx inflates whole members into memory
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ParseError(source, f"not a readable DOCX ({type(error).__name__}: {error})") from error
    lines, tables = [], []
    numbers = ListNumbers(document)
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            label = numbers.label(block)
            lines.append(f"{label} {paragraph_text(block)}" if label else paragraph_text(block))
        elif isinstance(block, DocxTable):
            rows = [
                ["\n".join(paragraph_text(p) for p in cell.paragraphs).strip() for cell in row.cells]
                for row in block.rows
            ]
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
