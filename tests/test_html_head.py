"""html_head reads a page's title, first h1 and meta tags as BeautifulSoup does, and leaves
to BeautifulSoup what libxml2's tree would lose."""

import pytest
from bs4 import BeautifulSoup

from pipeline.parse.html_head import page_head
from pipeline.parse.html_page import _AUTHOR_METAS, _DATE_METAS, _meta, _soup_head, parse_html

PAGES = {
    "comment in title, script in h1": (
        "<title>Kế <!--x-->hoạch</title><h1> Về việc <script>var a;</script> triển khai </h1>",
        ("Kế <!--x-->hoạch", "Về việc triển khai"),  # a title is read as plain text,
    ),
    "template, ruby text": (
        "<title>T</title><h1><template>ẩn</template>Chỉ thị<ruby>số<rt>so</rt><rp>(</rp></ruby></h1>",
        ("T", "Chỉ thị số"),
    ),
    "upper case, empty first h1": ("<TITLE>Tin</TITLE><H1> </H1><h1>second</h1>", ("Tin", "")),
    "no head": ("<p>Chỉ có đoạn văn.</p>", (None, None)),
    "svg title first": ("<svg><title>hình</title></svg><title>trang</title>", ("hình", None)),
    "h1 inside a template": ("<template><h1>ẩn</h1></template><title>x</title>", ("x", "")),
    "processing instruction, entities": ("<h1>a<?pi x?>b&amp;c&nbsp;d</h1>", (None, "a b&c\xa0d")),
    "style holding markup": ("<style><h1>x</h1></style><h1>y</h1>", (None, "y")),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_head_reads_what_beautifulsoup_reads(name):
    html, (title, h1) = PAGES[name]
    head = page_head(html)
    soup = _soup_head(BeautifulSoup(html, "lxml"))
    assert head is not None
    assert (head.title, head.h1) == (title, h1) == (soup.title, soup.h1)


def test_meta_tags_in_head_and_body_are_read_in_order():
    html = (
        "<head><meta name='author' content='Bích Huệ'><meta property='article:published_time'"
        " content='2021-03-05T17:30:00Z'></head><body><meta name='date' content='2020-01-01'></body>"
    )
    head = page_head(html)
    assert head is not None
    assert [meta.get("content") for meta in head.metas] == ["Bích Huệ", "2021-03-05T17:30:00Z", "2020-01-01"]
    assert _meta(head.metas, _DATE_METAS) == "2021-03-05T17:30:00Z"
    assert _meta(head.metas, _AUTHOR_METAS) == "Bích Huệ"


@pytest.mark.parametrize("html", ["", "<!-- only a comment -->", "<h1>x" * 300])
def test_markup_without_a_full_tree_is_left_to_beautifulsoup(html):
    assert page_head(html) is None


def test_a_page_read_without_beautifulsoup_keeps_title_date_and_author():
    page = (
        "<html><head><title>Kế hoạch 12</title><meta name='author' content='Văn phòng'>"
        "<meta property='article:published_time' content='2021-03-04T18:00:00Z'></head><body><article>"
        "<h1>Kế hoạch triển khai <!--x-->nhiệm vụ</h1><p>Ngày 5/3/2021, Ủy ban nhân dân tỉnh ban hành kế hoạch"
        " triển khai các nhiệm vụ trọng tâm của năm, giao các sở, ngành chủ trì thực hiện.</p></article></body></html>"
    )
    parsed = parse_html(page.encode())
    assert (parsed.title, parsed.published_date, parsed.author) == (
        "Kế hoạch triển khai nhiệm vụ",
        "2021-03-05",
        "Văn phòng",
    )
    assert parsed.context == "Kế hoạch 12"
