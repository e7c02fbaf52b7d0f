"""HTML pages: the article's main text via trafilatura, metadata from <meta> tags."""

import regex
import trafilatura
from bs4 import BeautifulSoup, Tag

from pipeline.parse.decode import decode
from pipeline.parse.document import ParsedDocument, Table
from pipeline.parse.furniture import strip_breadcrumb, strip_furniture
from pipeline.parse.legacy_fonts import encoding_of_font, to_unicode
from pipeline.text.normalize import clean_text
from pipeline.parse.numbering import formatted
from pipeline.parse import limits
from pipeline.parse import sniff

# Publication-date meta tags, most specific first (Open Graph, Dublin Core, portal CMSs).
_DATE_METAS = ("article:published_time", "og:published_time", "datePublished", "pubdate",
               "DC.date.issued", "dc.date", "date", "publishdate")
_AUTHOR_METAS = ("author", "article:author", "dc.creator")


def _meta(metas: list[Tag], names: tuple[str, ...]) -> str | None:
    """The content of the first of `metas` (the page's <meta> tags, in order) named one of
    `names`, in that order of preference, by property, name or itemprop."""
    for name in names:
        tag = next((meta for key in ("property", "name", "itemprop") for meta in metas if meta.get(key) == name), None)
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


# <ol type="..."> -> the number format, and what follows the number ("a)", "1.").
_OL_TYPES = {"1": ("decimal", "."), "a": ("lowerLetter", ")"), "A": ("upperLetter", ")"),
             "i": ("lowerRoman", "."), "I": ("upperRoman", ".")}


_NAVIGATION = regex.compile(r"breadcrumb|menu|nav|pagination|paging|tab", regex.IGNORECASE)


def _is_navigation(ordered: Tag) -> bool:
    """A breadcrumb, menu or pager (by its markup, or items that are each one link)."""
    for tag in [ordered, *ordered.find_all("li", recursive=False), *ordered.parents]:
        if tag.name in ("nav", "header", "footer") or _NAVIGATION.search(
                " ".join(tag.get("class") or []) + " " + (tag.get("id") or "") + " " + (tag.get("role") or "")):
            return True
    items = ordered.find_all("li", recursive=False)
    return bool(items) and all(item.find("a") and item.get_text(strip=True) == item.find("a").get_text(strip=True)
                               for item in items)


def number_ordered_lists(soup: BeautifulSoup) -> bool:
    """Write out the numbers a browser shows for <ol> items ("1. ", "a) "), as paragraphs:
    the text keeps the list's labels, which the task extractor reads."""
    lists = [ordered for ordered in soup.find_all("ol") if not _is_navigation(ordered)]
    for ordered in lists:
        try:
            number = int(ordered.get("start", 1))
        except ValueError:
            number = 1
        for item in ordered.find_all("li", recursive=False):
            fmt, after = _OL_TYPES.get(ordered.get("type", "1"), _OL_TYPES["1"])
            item.insert(0, f"{formatted(number, fmt)}{after} ")
            item.name = "p"
            number += 1
        ordered.name = "div"
    return bool(lists)


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


# Markup per character of text allowed before parsing: pages carry scripts, styles and inline images.
MARKUP_PER_TEXT_CHAR = 4


def parse_html(data: bytes, charset: str | None = None, source: str = "<bytes>") -> ParsedDocument:
    html = decode(data, charset)
    sniff.check_decoded(html, source)
    cap = limits.limits().text_chars * MARKUP_PER_TEXT_CHAR
    if len(html) > cap:
        raise limits.too_big(source, len(html), f"characters of HTML (over {MARKUP_PER_TEXT_CHAR} per character of "
                                                "text allowed)", cap, "text_chars")
    soup = BeautifulSoup(html, "lxml")
    legacy = _LEGACY_FONT_HINT.search(html) and convert_legacy_fonts(soup)
    if number_ordered_lists(soup) or legacy:
        html = str(soup)
    extracted = trafilatura.bare_extraction(html, include_tables=True, include_comments=False,
                                            with_metadata=False)
    text = extracted.text if extracted is not None and extracted.text else ""
    title = page_title = soup.title.get_text(" ", strip=True) if soup.title else None
    h1 = soup.find("h1")
    if h1 and h1.get_text(strip=True):
        title = h1.get_text(" ", strip=True)
    metas = soup.find_all("meta")  # once: each search of the tree costs a millisecond
    published = _meta(metas, _DATE_METAS)
    return ParsedDocument(
        text=clean_text(strip_breadcrumb(strip_furniture(clean_text(text)))),
        kind="html",
        text_source="html",
        tables=tables_of(soup),
        title=clean_text(title) if title else None,
        published_date=published[:10] if published else None,
        author=_meta(metas, _AUTHOR_METAS),
        context=" ".join(filter(None, [page_title, _meta(metas, ("og:site_name",))])),
    )
