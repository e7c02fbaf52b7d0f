"""A page's <title>, first <h1> and <meta> tags read from an lxml tree, as BeautifulSoup
reads them: for pages that html_page has nothing to rewrite in, whose BeautifulSoup tree
would cost as much to build as trafilatura's whole extraction."""

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

# Tags whose strings BeautifulSoup files under other types than text (its "string
# containers"): get_text leaves out every string inside one of them.
_CONTAINERS = frozenset({"rt", "rp", "style", "script", "template"})
_CHUNK = 512  # BeautifulSoup feeds lxml's parser the markup in pieces of this size
# libxml2 builds a tree no deeper than 256 elements and drops what lies deeper without an error,
# where BeautifulSoup, fed its events, keeps it: a tree this deep is left to BeautifulSoup.
_TOO_DEEP = "/".join(["*"] * 250)
# It also cuts text nodes at ten million characters: markup that long is left to BeautifulSoup too.
_LONGEST_MARKUP = 10_000_000


@dataclass
class PageHead:
    title: str | None  # the first <title>'s text, its strings stripped and joined by spaces
    h1: str | None  # the same of the first <h1>
    metas: list  # the <meta> elements, in order; `get(attribute)` reads them


def page_head(html: str) -> PageHead | None:
    """The head of a page parsed by libxml2 as BeautifulSoup's "lxml" builder parses it
    (fed in pieces, recovering); None for markup that makes no tree."""
    if len(html) >= _LONGEST_MARKUP:
        return None
    parser = etree.HTMLParser(recover=True)
    try:
        for start in range(0, len(html), _CHUNK):
            parser.feed(html[start : start + _CHUNK])
        root = parser.close()
    except (etree.ParserError, etree.XMLSyntaxError):
        return None
    if root is None or root.find(_TOO_DEEP) is not None:
        return None
    title = next(root.iter("title"), None)
    h1 = next(root.iter("h1"), None)
    return PageHead(_text(title), _text(h1), list(root.iter("meta")))


def _text(element) -> str | None:
    """`get_text(" ", strip=True)` of BeautifulSoup's tag for `element`; None for no element."""
    if element is None:
        return None
    hidden = any(ancestor.tag in _CONTAINERS for ancestor in element.iterancestors())
    return " ".join(part for part in (string.strip() for string in strings(element, hidden)) if part)


def strings(element, hidden: bool = False) -> Iterator[str]:
    """The strings inside `element` that BeautifulSoup's get_text joins: text and tails in
    document order, but not the text of comments and processing instructions, nor any
    inside a string container (`hidden`: `element` stands inside one)."""
    if not isinstance(element.tag, str):  # a comment or processing instruction: its tail is its parent's
        return
    hidden = hidden or element.tag in _CONTAINERS
    if element.text and not hidden:
        yield element.text
    for child in element:
        yield from strings(child, hidden)
        if child.tail and not hidden:
            yield child.tail
