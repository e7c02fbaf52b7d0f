"""HTML pages: the article's main text via trafilatura, metadata from <meta> tags."""

import regex
import trafilatura
from bs4 import BeautifulSoup, Tag

from .decode import decode
from .document import ParsedDocument, Table
from .furniture import strip_breadcrumb, strip_furniture
from .legacy_fonts import encoding_of_font, to_unicode
from .normalize import clean_text

# Publication-date meta tags, most specific first (Open Graph, Dublin Core, portal CMSs).
_DATE_METAS = ("article:published_time", "og:published_time", "datePublished", "pubdate",
               "DC.date.issued", "dc.date", "date", "publishdate")
_AUTHOR_METAS = ("author", "article:author", "dc.creator")


def _meta(soup: BeautifulSoup, names: tuple[str, ...]) -> str | None:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name}) \
            or soup.find("meta", attrs={"itemprop": name})
        if tag and tag.get("content", "").strip():
            return tag["content"].strip()
    return None


_LEGACY_FONT_HINT = regex.compile(r"\.Vn\w|VNI[-_ ]", regex.IGNORECASE)
_FONT_FAMILY = regex.compile(r"font-family\s*:\s*([^;\"]+)", regex.IGNORECASE)


def _font_of(tag: Tag) -> str | None:
    """The first font a tag names: <font face="..."> or a style's font-family."""
    face = tag.get("face")
    if not face:
        family = _FONT_FAMILY.search(tag.get("style") or "")
        face = family.group(1) if family else None
    return face.split(",")[0].strip(" '\"") if face else None


def convert_legacy_fonts(soup: BeautifulSoup) -> bool:
    """Rewrite text set in .VnTime/VNI fonts as Unicode, each text by its nearest declared font."""
    changed = False
    for node in soup.find_all(string=True):
        font = next((f for f in map(_font_of, node.parents) if f), None) if node.parent else None
        encoding = encoding_of_font(font)
        if encoding:
            node.replace_with(to_unicode(str(node), encoding))
            changed = True
    return changed


def tables_of(soup: BeautifulSoup) -> list[Table]:
    """Data tables (innermost <table>s: outer ones are page layout), cells as text."""
    tables = []
    for table in soup.find_all("table"):
        if table.find("table"):
            continue
        rows = [[cell.get_text(" ", strip=True) for cell in row.find_all(["td", "th"])] for row in table.find_all("tr")]
        if any(rows):
            tables.append(Table(page=None, rows=[row for row in rows if row]))
    return tables


def parse_html(data: bytes, charset: str | None = None) -> ParsedDocument:
    html = decode(data, charset)
    soup = BeautifulSoup(html, "lxml")
    if _LEGACY_FONT_HINT.search(html) and convert_legacy_fonts(soup):
        html = str(soup)
    extracted = trafilatura.bare_extraction(html, include_tables=True, include_comments=False,
                                            with_metadata=True)
    text = extracted.text if extracted is not None and extracted.text else ""
    title = page_title = soup.title.get_text(" ", strip=True) if soup.title else None
    h1 = soup.find("h1")
    if h1 and h1.get_text(strip=True):
        title = h1.get_text(" ", strip=True)
    published = _meta(soup, _DATE_METAS)
    return ParsedDocument(
        text=clean_text(strip_breadcrumb(strip_furniture(clean_text(text)))),
        kind="html",
        text_source="html",
        tables=tables_of(soup),
        title=clean_text(title) if title else None,
        published_date=published[:10] if published else None,
        author=_meta(soup, _AUTHOR_METAS),
        context=" ".join(filter(None, [page_title, _meta(soup, ("og:site_name",))])),
    )
