"""HTML pages: the article's main text via trafilatura, metadata from <meta> tags. Also the
shapes a CMS exports: a body fragment with no <html>/<body>, entity-escaped markup, front matter."""

import datetime as dt
import html as html_lib
import json

import regex
import trafilatura
from bs4 import BeautifulSoup, Tag

from pipeline.parse import limits, sniff
from pipeline.parse.decode import decode
from pipeline.parse.document import ParsedDocument, Table
from pipeline.parse.furniture import strip_breadcrumb, strip_furniture
from pipeline.parse.html_head import PageHead, page_head
from pipeline.parse.legacy_fonts import encoding_of_font, to_unicode
from pipeline.parse.numbering import formatted
from pipeline.text.normalize import clean_text

# Publication-date meta tags, most specific first (Open Graph, Dublin Core, portal CMSs).
_DATE_METAS = (
    "article:published_time",
    "og:published_time",
    "datePublished",
    "pubdate",
    "DC.date.issued",
    "dc.date",
    "date",
    "publishdate",
)
_AUTHOR_METAS = ("author", "article:author", "dc.creator")


def _attr(tag, name: str) -> str:
    """An attribute's value as text: a multi-valued one (`class`) joined by spaces, a missing one empty."""
    value = tag.get(name)
    if value is None:
        return ""
    return " ".join(value) if isinstance(value, list) else str(value)


def _meta(metas: list, names: tuple[str, ...]) -> str | None:
    """The content of the first of `metas` (the page's <meta> tags, in order, BeautifulSoup's
    or lxml's) named one of `names`, in that order of preference, by property, name or itemprop."""
    for name in names:
        tag = next((meta for key in ("property", "name", "itemprop") for meta in metas if meta.get(key) == name), None)
        if tag is not None and _attr(tag, "content").strip():
            return _attr(tag, "content").strip()
    return None


_LEGACY_FONT_HINT = regex.compile(r"\.Vn\w|VNI[-_ ]", regex.IGNORECASE)
_FONT_FAMILY = regex.compile(r"font-family\s*:\s*([^;\"]+)", regex.IGNORECASE)


def _font_of(tag: Tag) -> str | None:
    """The first font a tag names: <font face="..."> or a style's font-family."""
    face: str | None = _attr(tag, "face")
    if not face:
        family = _FONT_FAMILY.search(_attr(tag, "style"))
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
_OL_TYPES = {
    "1": ("decimal", "."),
    "a": ("lowerLetter", ")"),
    "A": ("upperLetter", ")"),
    "i": ("lowerRoman", "."),
    "I": ("upperRoman", "."),
}


_NAVIGATION = regex.compile(r"breadcrumb|menu|nav|pagination|paging|tab", regex.IGNORECASE)


def _is_navigation(ordered: Tag) -> bool:
    """A breadcrumb, menu or pager (by its markup, or items that are each one link)."""
    for tag in [ordered, *ordered.find_all("li", recursive=False), *ordered.parents]:
        if tag.name in ("nav", "header", "footer") or _NAVIGATION.search(
            _attr(tag, "class") + " " + _attr(tag, "id") + " " + _attr(tag, "role")
        ):
            return True
    items = ordered.find_all("li", recursive=False)
    return bool(items) and all(
        (anchor := item.find("a")) is not None and item.get_text(strip=True) == anchor.get_text(strip=True)
        for item in items
    )


def number_ordered_lists(soup: BeautifulSoup) -> bool:
    """Write out the numbers a browser shows for <ol> items ("1. ", "a) "), as paragraphs:
    the text keeps the list's labels, which the task extractor reads."""
    lists = [ordered for ordered in soup.find_all("ol") if not _is_navigation(ordered)]
    for ordered in lists:
        try:
            number = int(_attr(ordered, "start") or 1)
        except ValueError:
            number = 1
        for item in ordered.find_all("li", recursive=False):
            fmt, after = _OL_TYPES.get(_attr(ordered, "type") or "1", _OL_TYPES["1"])
            # <li><p>text</p></li>: the number goes into the paragraph, on the line of its text
            first = next((child for child in item.children if not (isinstance(child, str) and not child.strip())), None)
            holder = first if isinstance(first, Tag) and first.name in ("p", "div") else item
            holder.insert(0, f"{formatted(number, fmt)}{after} ")
            item.name = "p" if holder is item else "div"
            number += 1
        ordered.name = "div"
    return bool(lists)


_BLOCKS = ("p", "div", "br", "ol", "ul", "h1", "h2", "h3", "h4", "h5", "h6")


def _is_layout(table: Tag) -> bool:
    """A table that lays out a page rather than holding data: one cell a row, a table inside a
    cell, or a cell holding an article (paragraphs and a long text)."""
    rows = table.find_all("tr")
    cells = [row.find_all(["td", "th"], recursive=False) for row in rows]
    if rows and max(len(row) for row in cells) <= 1:
        return True
    return any(
        cell.find("table") or len(cell.find_all(_BLOCKS)) >= 3 and len(cell.get_text(" ", strip=True)) > 800
        for row in cells
        for cell in row
    )


def unwrap_layout_tables(soup: BeautifulSoup) -> bool:
    """Layout tables become blocks, so the article in their cells keeps its paragraphs and list
    labels at the start of lines (trafilatura writes a table row as one line)."""
    changed = False
    for table in soup.find_all("table"):
        if _is_layout(table):
            parts = [
                part
                for part in table.find_all(["tbody", "thead", "tfoot", "tr", "td", "th"])
                if part.find_parent("table") is table
            ]
            for part in [table, *parts]:
                # a cell of bare text and <br>s becomes a paragraph, whose line breaks trafilatura keeps
                inline = (
                    part.name in ("td", "th")
                    and any(
                        isinstance(child, str) and child.strip() or isinstance(child, Tag) and child.name == "br"
                        for child in part.children
                    )
                    and not part.find(_BLOCKS[:2] + _BLOCKS[3:])
                )
                part.name = "p" if inline else "div"
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


# Markup written out as text ("&lt;p&gt;...": a body escaped twice by its CMS), as it reads
# once the page is parsed: literal block tags.
_LITERAL_MARKUP = regex.compile(
    r"</?(?:p|div|br|li|ol|ul|span|strong|em|table|tr|td|h[1-6])\b[^<>]{0,200}>", regex.IGNORECASE
)
_FRONT_MATTER = regex.compile(
    r"\A\s*(?:---[ \t]*\n(?P<yaml>.*?)\n---[ \t]*\n|(?P<json>\{[^<]*?\})\s*(?=<))", regex.DOTALL
)
_VIETNAM = dt.timezone(dt.timedelta(hours=7))
# Markup per character of text allowed before parsing: pages carry scripts, styles and inline images.
MARKUP_PER_TEXT_CHAR = 4


def front_matter(html: str) -> tuple[dict, str]:
    """A static-site or CMS export's header (YAML between `---` lines, or a JSON object before
    the markup): its fields, and the HTML after it."""
    match = _FRONT_MATTER.match(html)
    if not match:
        return {}, html
    fields: dict = {}
    if match.group("json"):
        try:
            loaded = json.loads(match.group("json"))
        except ValueError:
            return {}, html
        fields = loaded if isinstance(loaded, dict) else {}
    else:
        for line in match.group("yaml").split("\n"):
            key, sep, value = line.partition(":")
            if sep and key.strip() and not key.startswith((" ", "\t")):
                fields[key.strip().lower()] = value.strip().strip("'\"")
    return {str(k).lower(): v for k, v in fields.items() if isinstance(v, (str, int, float))}, html[match.end() :]


def local_date(stamp: str | None) -> str | None:
    """The calendar date of a timestamp in Vietnam: "2018-07-30T17:00:00.000Z" is 31/7 there.
    A date without a time zone is the date it says."""
    if not stamp:
        return None
    stamp = str(stamp).strip()
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp[:10] if regex.match(r"\d{4}-\d{2}-\d{2}", stamp) else None
    if moment.tzinfo is not None:
        moment = moment.astimezone(_VIETNAM)
    return moment.date().isoformat()


def _blocks_text(soup: BeautifulSoup) -> str:
    """The text of a fragment block by block, for one trafilatura finds nothing in."""
    for tag in soup.find_all(["br"]):
        tag.replace_with("\n")
    for tag in soup.find_all(["p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ol", "ul"]):
        tag.insert_after("\n")
    return soup.get_text()


def parse_html(data: bytes, charset: str | None = None, source: str = "<bytes>") -> ParsedDocument:
    html = decode(data, charset)
    sniff.check_decoded(html, source)
    cap = limits.limits().text_chars * MARKUP_PER_TEXT_CHAR
    if len(html) > cap:
        raise limits.too_big(
            source,
            len(html),
            f"characters of HTML (over {MARKUP_PER_TEXT_CHAR} per character of text allowed)",
            cap,
            "text_chars",
        )
    fields, html = front_matter(html)
    parsed = _parse_markup(html)
    if len(_LITERAL_MARKUP.findall(parsed.text)) >= 2:  # the body was escaped: parse what it spells out
        inner = _parse_markup(html_lib.unescape(parsed.text))
        inner.title, inner.published_date = parsed.title or inner.title, parsed.published_date or inner.published_date
        inner.author, inner.context = parsed.author or inner.author, parsed.context or inner.context
        parsed = inner
    parsed.title = parsed.title or (clean_text(str(fields["title"])) if fields.get("title") else None)
    parsed.published_date = parsed.published_date or local_date(
        next((fields[key] for key in ("date", "published", "published_at", "pubdate") if fields.get(key)), None)
    )
    parsed.author = parsed.author or (str(fields["author"]) if fields.get("author") else None)
    return parsed


# Markup `_parse_markup` rewrites before extraction (lists, tables; legacy fonts by
# `_LEGACY_FONT_HINT`): a page with none has its head read from lxml (html_head), no BeautifulSoup tree built.
_REWRITTEN = regex.compile(r"<(?:ol|table)\b", regex.IGNORECASE)


def _parse_markup(html: str) -> ParsedDocument:
    fragment = not regex.search(r"<(?:html|body)\b", html[:4000], regex.IGNORECASE)
    head = None if _REWRITTEN.search(html) or _LEGACY_FONT_HINT.search(html) else page_head(html)
    tables: list[Table] = []
    if head is None:
        soup = BeautifulSoup(html, "lxml")
        legacy = _LEGACY_FONT_HINT.search(html) and convert_legacy_fonts(soup)
        numbered = number_ordered_lists(soup)
        tables = tables_of(soup)  # before layout tables become blocks: a one-column data table stays data
        if unwrap_layout_tables(soup) | numbered or legacy:
            html = str(soup)
        head = _soup_head(soup)
    extracted = trafilatura.bare_extraction(html, include_tables=True, include_comments=False, with_metadata=False)
    text = getattr(extracted, "text", None) or ""
    if not text.strip() and fragment:
        text = _blocks_text(BeautifulSoup(html, "lxml"))
    title = page_title = head.title
    if head.h1:
        title = head.h1
    published = _meta(head.metas, _DATE_METAS)
    return ParsedDocument(
        text=clean_text(strip_breadcrumb(strip_furniture(clean_text(text)))),
        kind="html",
        text_source="html",
        tables=tables,
        title=clean_text(title) if title else None,
        published_date=local_date(published),
        author=_meta(head.metas, _AUTHOR_METAS),
        context=" ".join(filter(None, [page_title, _meta(head.metas, ("og:site_name",))])),
    )


def _soup_head(soup: BeautifulSoup) -> PageHead:
    """What html_head reads of a page, read from its (rewritten) BeautifulSoup tree."""
    h1 = soup.find("h1")
    return PageHead(
        soup.title.get_text(" ", strip=True) if soup.title else None,
        h1.get_text(" ", strip=True) if h1 else None,
        soup.find_all("meta"),  # once: each search of the tree costs a millisecond
    )
