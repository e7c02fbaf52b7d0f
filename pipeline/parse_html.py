"""HTML pages: the article's main text via trafilatura, metadata from <meta> tags."""

import trafilatura
from bs4 import BeautifulSoup

from .decode import decode
from .document import ParsedDocument
from .furniture import strip_furniture
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


def parse_html(data: bytes) -> ParsedDocument:
    html = decode(data)
    soup = BeautifulSoup(html, "lxml")
    extracted = trafilatura.bare_extraction(html, include_tables=True, include_comments=False,
                                            with_metadata=True)
    text = extracted.text if extracted is not None and extracted.text else ""
    title = page_title = soup.title.get_text(" ", strip=True) if soup.title else None
    h1 = soup.find("h1")
    if h1 and h1.get_text(strip=True):
        title = h1.get_text(" ", strip=True)
    published = _meta(soup, _DATE_METAS)
    return ParsedDocument(
        text=clean_text(strip_furniture(clean_text(text))),
        kind="html",
        text_source="html",
        title=clean_text(title) if title else None,
        published_date=published[:10] if published else None,
        author=_meta(soup, _AUTHOR_METAS),
        context=" ".join(filter(None, [page_title, _meta(soup, ("og:site_name",))])),
    )
