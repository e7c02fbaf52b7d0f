"""Find article URLs: links on listing pages (with pagination), RSS/Atom feeds, sitemaps;
and the documents an article links to (PDF, DOCX, "Tải về", "File đính kèm")."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from lxml import etree

from pipeline.parse.decode import decode
from pipeline.text.normalize import clean_text, fold_for_matching

CUES = Path(__file__).parent / "data" / "link_cues.tsv"
ATTACHMENT_SUFFIXES = (".pdf", ".docx")


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    rel: tuple[str, ...] = ()


@cache
def cues() -> dict[str, tuple[str, ...]]:
    """Link texts that mean 'next page' and 'attached file', from data/link_cues.tsv."""
    found: dict[str, list[str]] = {}
    with CUES.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            found.setdefault(row["kind"], []).append(fold_for_matching(row["phrase"]))
    return {kind: tuple(phrases) for kind, phrases in found.items()}


def links(html: bytes, page_url: str, charset: str | None = None) -> list[Link]:
    """Every http(s) link of a page, absolute, without fragments, first occurrence only."""
    soup = BeautifulSoup(decode(html, charset), "lxml")
    base = soup.find("base", href=True)
    base_url = urljoin(page_url, str(base["href"])) if isinstance(base, Tag) else page_url
    seen, found = set(), []
    for anchor in soup.find_all("a", href=True):
        url = urldefrag(urljoin(base_url, str(anchor["href"]).strip())).url
        if urlsplit(url).scheme not in ("http", "https") or url in seen:
            continue
        seen.add(url)
        found.append(Link(url, clean_text(anchor.get_text(" ", strip=True)), tuple(anchor.get("rel") or ())))
    return found


def next_pages(page_links: list[Link], page_url: str, is_article) -> list[str]:
    """Pagination links of a listing page: rel="next", "Trang sau"/"»", or page numbers,
    on the same host and not themselves articles."""
    host = urlsplit(page_url).netloc
    words = cues()["next"]
    found = []
    for link in page_links:
        if urlsplit(link.url).netloc != host or is_article(link.url) or link.url == page_url:
            continue
        text = fold_for_matching(link.text)
        if "next" in link.rel or text in words or text.isdigit():
            found.append(link.url)
    return found


def attachments(html: bytes, page_url: str, charset: str | None = None) -> list[str]:
    """Documents an article links to: .pdf/.docx links, or links labelled as downloads."""
    words = cues()["attachment"]
    found = []
    for link in links(html, page_url, charset):
        path = urlsplit(link.url).path.lower()
        text = fold_for_matching(link.text)
        if path.endswith(ATTACHMENT_SUFFIXES) or any(word in text for word in words):
            found.append(link.url)
    return found


def _xml_root(data: bytes, url: str):
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ValueError(f"{url}: not XML ({error})") from error


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def feed_links(data: bytes, feed_url: str) -> list[str]:
    """Item links of an RSS 2.0 or Atom feed, absolute."""
    root = _xml_root(data, feed_url)
    found = []
    for element in root.iter() if root is not None else ():
        name = _local(element.tag)
        if name == "item":
            link = next((c for c in element if _local(c.tag) == "link"), None)
            if link is not None and link.text:
                found.append(urljoin(feed_url, link.text.strip()))
        elif name == "entry":
            for child in element:
                if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate" and child.get("href"):
                    found.append(urljoin(feed_url, child.get("href").strip()))
                    break
    return found


def sitemap_links(data: bytes, sitemap_url: str) -> tuple[list[str], list[str]]:
    """(page URLs, child sitemap URLs) of a sitemap or sitemap index."""
    root = _xml_root(data, sitemap_url)
    pages: list[str] = []
    children: list[str] = []
    for element in root.iter() if root is not None else ():
        if _local(element.tag) != "loc" or not element.text:
            continue
        parent = _local(element.getparent().tag) if element.getparent() is not None else ""
        (children if parent == "sitemap" else pages).append(urljoin(sitemap_url, element.text.strip()))
    return pages, children
