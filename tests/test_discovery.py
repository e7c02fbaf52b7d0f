"""Links, pagination, feeds, sitemaps and attachments, and the sources file."""

import pytest
from conftest import FIXTURES, REPO

from pipeline.portal import discovery
from pipeline.portal.sources import SourcesError, load_sources

BASE = "https://backan.gov.vn/Pages/tin-tuc.aspx"


def test_pagination_by_rel_next_words_and_numbers():
    html = """<a href="chi-tiet-1.aspx">Bài</a> <a href="tin-tuc-2.aspx">2</a> <a href="tin-tuc-2.aspx#x">Trang sau</a>
    <a rel="next" href="/Pages/tin-tuc-3.aspx">»</a> <a href="https://other.vn/4">4</a>
    <a href="javascript:void(0)">Tải về</a>""".encode()
    links = discovery.links(html, BASE)
    assert [link.url for link in links] == ["https://backan.gov.vn/Pages/chi-tiet-1.aspx",
                                            "https://backan.gov.vn/Pages/tin-tuc-2.aspx",
                                            "https://backan.gov.vn/Pages/tin-tuc-3.aspx", "https://other.vn/4"]
    assert discovery.next_pages(links, BASE, lambda url: "chi-tiet" in url) == [
        "https://backan.gov.vn/Pages/tin-tuc-2.aspx", "https://backan.gov.vn/Pages/tin-tuc-3.aspx"]


def test_attachments_by_suffix_or_label():
    html = """<a href="/files/kh.PDF">Kế hoạch</a> <a href="/dl?id=3">TẢI VỀ</a> <a href="/a.docx">x</a>
    <a href="/b.doc">b</a> <a href="/tin">File đính kèm</a> <a href="/anh.jpg">Ảnh</a>""".encode()
    assert discovery.attachments(html, BASE) == ["https://backan.gov.vn/files/kh.PDF", "https://backan.gov.vn/dl?id=3",
                                                 "https://backan.gov.vn/a.docx", "https://backan.gov.vn/tin"]


def test_atom_feed_and_sitemap_index():
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" href="/a/1.html"/></entry>
    <entry><link rel="enclosure" href="/x.jpg"/><link href="https://lso.vn/a/2.html"/></entry></feed>"""
    assert discovery.feed_links(atom, "https://lso.vn/feed") == ["https://lso.vn/a/1.html", "https://lso.vn/a/2.html"]
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://kt.vn/s1.xml</loc></sitemap></sitemapindex>"""
    assert discovery.sitemap_links(index, "https://kt.vn/sitemap.xml") == ([], ["https://kt.vn/s1.xml"])


def test_the_shipped_sources_file_loads():
    sources = load_sources(REPO / "corpus" / "sources.toml")
    assert {s.province for s in sources} >= {"Vĩnh Phúc", "Bắc Kạn", "Lạng Sơn", "Nghệ An", "Kon Tum"}
    assert "binhdinh-portal" not in {s.name for s in sources}  # disabled
    assert [s.name for s in load_sources(REPO / "corpus" / "sources.toml", ["binhdinh-portal"])] == ["binhdinh-portal"]


@pytest.mark.parametrize("entry, message", [
    ('name = "a"\nstart_urls = ["x"]\narticle_pattern = "a"', "'start_urls' must be a list of http(s) URLs"),
    ('name = "a"\nstart_urls = ["https://a.vn"]\narticle_pattern = "("', "article_pattern is not a valid regular"),
    ('name = "a"\narticle_pattern = "a"', "needs at least one of start_urls, feeds, sitemaps"),
    ('name = "a"\nstart_urls = ["https://a.vn"]\narticle_pattern = "a"\nmaxpages = 2', "unknown key(s) maxpages"),
])
def test_a_bad_source_is_named(tmp_path, entry, message):
    path = tmp_path / "s.toml"
    path.write_text(f"[[source]]\n{entry}\n", encoding="utf-8")
    with pytest.raises(SourcesError) as error:
        load_sources(path)
    assert str(error.value).startswith(f"{path}: [[source]] #1 (a): ") and message in str(error.value)


def test_an_unknown_only_name_is_refused():
    with pytest.raises(SourcesError, match="no source named nowhere"):
        load_sources(REPO / "corpus" / "sources.toml", ["nowhere"])
    with pytest.raises(SourcesError, match="not valid TOML"):
        load_sources(FIXTURES / "kehoach-12-langson.html")
