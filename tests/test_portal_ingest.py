"""Portal ingest end to end against a fixture site on 127.0.0.1: three portal markups,
an RSS feed, a sitemap, attachments, misbehaving endpoints, and incremental re-runs."""

import pytest
import sqlite_utils
from portal_site import FLAKY, LOOP, SLOW, serve_portal

from pipeline import store
from pipeline.portal.fetch import FetchSettings
from pipeline.portal.fetch_state import RetryPolicy
from pipeline.portal.sources import load_sources
from pipeline.portal.steps import ingest_sources

FAST = FetchSettings(timeout=0.3, delay=0.0, retries=2, backoff=0.01, max_bytes=200_000)
POLICY = RetryPolicy(first_delay=3600, max_attempts=2)

SOURCES = """
[[source]]
name = "backan"
allow_private = true  # the fixture site is on 127.0.0.1
province = "Bắc Kạn"
start_urls = ["{url}/backan/Pages/tin-tuc.aspx"]
article_pattern = '/backan/Pages/(rieng/)?chi-tiet-\\d+\\.aspx$'
max_pages = 2

[[source]]
name = "broken"
allow_private = true  # the fixture site is on 127.0.0.1
province = "Nghệ An"
start_urls = ["http://127.0.0.1:9/tin-tuc"]
article_pattern = 'chi-tiet'

[[source]]
name = "lso"
allow_private = true  # the fixture site is on 127.0.0.1
province = "Lạng Sơn"
start_urls = ["{url}/lso/thoi-su.html"]
feeds = ["{url}/lso/rss.xml"]
article_pattern = '/lso/thoi-su/.+\\.html$'

[[source]]
name = "kontum"
allow_private = true  # the fixture site is on 127.0.0.1
province = "Kon Tum"
sitemaps = ["{url}/kontum/sitemap.xml"]
article_pattern = '/kontum/pages/detail/\\d+/.+\\.html$'
"""
CHANGED_29 = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Giao nhiệm vụ</title></head><body>
<div class="BanTin_ChiTiet"><h1>Giao nhiệm vụ trọng tâm năm 2021 (cập nhật)</h1><div class="BanTin_NoiDung">
<p>Ban Thường vụ Tỉnh ủy giao các huyện ủy, thành ủy hai nhiệm vụ trọng tâm trong năm 2021 như sau:</p>
<p>1. Giải ngân vốn đầu tư công đạt 95% trở lên trước ngày 31/12/2021.</p>
<p>2. Xây dựng 10 mô hình điển hình tiên tiến trong thực hiện Chỉ thị 05 của Bộ Chính trị.</p>
</div></div></body></html>""".encode()


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    """Three runs over the site: the first, an unchanged second, a third after changes."""
    tmp = tmp_path_factory.mktemp("portal")
    db_path = tmp / "portal.db"
    with serve_portal() as site:
        sources_file = tmp / "sources.toml"
        sources_file.write_text(SOURCES.format(url=site.url), encoding="utf-8")
        sources = load_sources(sources_file)
        runs, requests, snapshots = [], [], []
        for change in (None, None, _change):
            if change:
                change(site, db_path)
            site.requests.clear()
            runs.append({run.source: run for run in ingest_sources(sources, db_path, FAST, POLICY)})
            requests.append(list(site.requests))
            snapshots.append(_snapshot(db_path))
        yield {"url": site.url, "runs": runs, "requests": requests, "snapshots": snapshots, "db": db_path}


def _change(site, db_path):
    """Article 29 is edited, article 33 appears on the listing, article 28 disappears,
    the slow page has become fast, and an hour has passed: failed URLs are due again."""
    with sqlite_utils.Database(db_path).conn as conn:
        conn.execute("UPDATE fetch_failures SET next_retry = '2000-01-01T00:00:00+00:00' WHERE next_retry IS NOT NULL")
    listing = site.body("/backan/Pages/tin-tuc.aspx").replace(
        b"</ul>", '<li><a href="/backan/Pages/chi-tiet-33.aspx">Tin mới</a></li></ul>'.encode()
    )
    site.changed.update(
        {
            "/backan/Pages/tin-tuc.aspx": listing,
            "/backan/Pages/chi-tiet-29.aspx": CHANGED_29,
            "/backan/Pages/chi-tiet-33.aspx": site.body("/lso/thoi-su/hoi-nghi-128.html"),
            "/backan/Pages/chi-tiet-28.aspx": None,
        }
    )
    site.slow_seconds = 0.0


def _snapshot(db_path):
    db = sqlite_utils.Database(db_path)
    return {
        "documents": {row["url"]: row for row in db["documents"].rows},
        "failures": {row["url"]: row for row in db["fetch_failures"].rows},
        "links": {
            (row["from_document_id"], row["to_document_id"], row["relation"])
            for row in db["document_links"].rows_where("relation = 'attachment'")
        },
    }


def _paths(snapshot_part, url, status=None):
    return sorted(u.removeprefix(url) for u, row in snapshot_part.items() if status is None or row["status"] == status)


def test_first_run_stores_articles_and_their_attachments(crawl):
    first, url = crawl["snapshots"][0], crawl["url"]
    assert _paths(first["documents"], url, "ok") == [
        "/backan/Documents/kh-12-langson.pdf",
        "/backan/Pages/chi-tiet-28.aspx",
        "/backan/Pages/chi-tiet-29.aspx",
        "/backan/Pages/chi-tiet-30.aspx",
        "/backan/download?id=12",
        "/kontum/pages/detail/41/giao-ban-khoi-dang.html",
        "/kontum/pages/detail/42/hoi-nghi.html",
        "/lso/files/ke-hoach-12.docx",
        "/lso/thoi-su/chap-chon-125.html",
        "/lso/thoi-su/hoi-nghi-128.html",
        "/lso/thoi-su/hoi-nghi-ban-thuong-vu-123.html",
    ]
    documents = first["documents"]
    assert {
        documents[url + path]["kind"] for path in ("/backan/Documents/kh-12-langson.pdf", "/backan/download?id=12")
    } == {"pdf", "docx"}
    article = documents[url + "/backan/Pages/chi-tiet-28.aspx"]
    assert (article["title"], article["province"], article["source"]) == (
        "Tập trung thực hiện 15 nhiệm vụ trọng tâm trong 3 tháng cuối năm",
        "Bắc Kạn",
        "backan",
    )
    assert "Tăng cỡ chữ" not in article["text"] and "Ngày 06/10/2020, Tỉnh ủy ban hành" in article["text"]
    assert documents[url + "/lso/thoi-su/hoi-nghi-128.html"]["published_date"] == "2021-03-15"
    assert (
        "Giao ban trực tuyến khối Đảng" in documents[url + "/kontum/pages/detail/41/giao-ban-khoi-dang.html"]["title"]
    )
    ids = {
        path: store.stable_id(url + path)
        for path in (
            "/backan/Pages/chi-tiet-28.aspx",
            "/backan/Documents/kh-12-langson.pdf",
            "/backan/download?id=12",
            "/lso/thoi-su/hoi-nghi-ban-thuong-vu-123.html",
            "/lso/files/ke-hoach-12.docx",
            "/lso/files/bao-cao.pdf",
        )
    }
    assert first["links"] == {
        (ids["/backan/Pages/chi-tiet-28.aspx"], ids["/backan/Documents/kh-12-langson.pdf"], "attachment"),
        (ids["/backan/Pages/chi-tiet-28.aspx"], ids["/backan/download?id=12"], "attachment"),
        (ids["/lso/thoi-su/hoi-nghi-ban-thuong-vu-123.html"], ids["/lso/files/ke-hoach-12.docx"], "attachment"),
        (ids["/lso/thoi-su/hoi-nghi-ban-thuong-vu-123.html"], ids["/lso/files/bao-cao.pdf"], "attachment"),
    }
    db = sqlite_utils.Database(crawl["db"])
    # The Lạng Sơn DOCX is the Bắc Kạn PDF's Kế hoạch 12/KH-UBND again: stored once, its copy linked.
    copy = documents[url + "/lso/files/ke-hoach-12.docx"]
    assert copy["canonical_id"] == ids["/backan/Documents/kh-12-langson.pdf"]
    assert db.execute("SELECT count(*) FROM tasks WHERE document_id = ?", [copy["canonical_id"]]).fetchone()[0] == 5
    assert db.execute("SELECT count(*) FROM tasks WHERE document_id = ?", [copy["id"]]).fetchone()[0] == 0


def test_windows_1258_page_is_decoded_from_its_header(crawl):
    text = crawl["snapshots"][0]["documents"][crawl["url"] + "/backan/Pages/chi-tiet-30.aspx"]["text"]
    assert "Ban Thường vụ Tỉnh ủy tổ chức Hội nghị trực tuyến tổng kết công tác xây dựng Đảng" in text


def test_failures_are_recorded_with_their_reasons(crawl):
    url = crawl["url"]
    failures = {
        u.removeprefix(url): (row["reason"], row["kind"], row["attempts"])
        for u, row in crawl["snapshots"][0]["failures"].items()
    }
    assert failures == {
        "/backan/Pages/chi-tiet-31.aspx": ("HTTP 404", "article", 1),
        "/backan/Pages/rieng/chi-tiet-99.aspx": (f"disallowed by {url}/robots.txt", "article", 1),
        "/lso/thoi-su/cham-124.html": ("timeout after 0.3 s (3 attempts)", "article", 1),
        "/lso/thoi-su/vong-126.html": (
            f"redirect loop: {url}{LOOP[0]} -> {url}{LOOP[1]} -> {url}{LOOP[0]}",
            "article",
            1,
        ),
        "/lso/thoi-su/qua-lon-127.html": ("larger than the 200000-byte cap (Content-Length 320041)", "article", 1),
        "/lso/files/bao-cao.pdf": (
            f"{url}/lso/files/bao-cao.pdf: not a readable PDF (PdfminerException: Unexpected EOF)",
            "attachment",
            1,
        ),
        "http://127.0.0.1:9/tin-tuc": (
            "connection failed (ConnectError: [Errno 111] Connection refused) (3 attempts)",
            "listing",
            1,
        ),
    }
    bad_pdf = crawl["snapshots"][0]["documents"][url + "/lso/files/bao-cao.pdf"]
    assert (bad_pdf["status"], bad_pdf["error"]) == ("error", failures["/lso/files/bao-cao.pdf"][0])


def test_the_server_saw_polite_requests(crawl):
    first = crawl["requests"][0]
    paths = [request.path for request in first]
    assert paths.count("/robots.txt") == 1
    assert "/backan/Pages/rieng/chi-tiet-99.aspx" not in paths  # robots.txt disallows it
    assert "/backan/Pages/tin-tuc-trang-3.aspx" not in paths  # max_pages = 2
    assert "/kontum/gioi-thieu.html" not in paths  # in the sitemap, not an article
    assert paths.count(FLAKY) == 3 and paths.count(SLOW) == 3  # 429 then 500 then 200; three timeouts
    assert paths.count(LOOP[0]) == 1 and paths.count(LOOP[1]) == 1
    assert all(request.headers["User-Agent"].startswith("directives/") for request in first)
    assert all("If-None-Match" not in request.headers for request in first)


def test_an_unchanged_site_gets_only_conditional_requests_and_nothing_is_stored(crawl):
    second = crawl["requests"][1]
    assert sorted(request.path for request in second) == [
        "/backan/Pages/tin-tuc.aspx",
        "/kontum/sitemap.xml",
        "/lso/rss.xml",
        "/lso/thoi-su.html",
        "/robots.txt",
    ]
    for request in second:
        if request.path.startswith("/kontum/"):  # Kon Tum sends Last-Modified only
            assert request.headers["If-Modified-Since"] == "Wed, 13 Jan 2021 08:00:00 GMT"
            assert "If-None-Match" not in request.headers
        elif request.path != "/robots.txt":
            assert request.headers["If-None-Match"].startswith('"')
    runs = crawl["runs"][1]
    assert {name: (run.new, run.changed, run.not_modified, run.failed) for name, run in runs.items()} == {
        "backan": (0, 0, 0, 0),
        "broken": (0, 0, 0, 1),
        "lso": (0, 0, 0, 0),
        "kontum": (0, 0, 0, 0),
    }
    assert crawl["snapshots"][1]["documents"] == crawl["snapshots"][0]["documents"]
    assert crawl["snapshots"][1]["failures"]["http://127.0.0.1:9/tin-tuc"]["attempts"] == 2


def test_changes_are_re_extracted_and_gone_pages_keep_their_documents(crawl):
    url, (before, after) = crawl["url"], crawl["snapshots"][1:]
    run = crawl["runs"][2]["backan"]
    assert (run.new, run.changed, run.not_modified) == (1, 1, 0)
    edited = after["documents"][url + "/backan/Pages/chi-tiet-29.aspx"]
    assert edited["title"] == "Giao nhiệm vụ trọng tâm năm 2021 (cập nhật)"
    assert edited["ingested_at"] == before["documents"][url + "/backan/Pages/chi-tiet-29.aspx"]["ingested_at"]
    db = sqlite_utils.Database(crawl["db"])
    tasks = db.execute(
        'SELECT label, substr(?, start + 1, "end" - start) = text FROM tasks WHERE document_id = ? ORDER BY start',
        [edited["text"], edited["id"]],
    ).fetchall()
    assert tasks == [("1.", 1), ("2.", 1)]
    gone = url + "/backan/Pages/chi-tiet-28.aspx"
    assert after["documents"][gone] == before["documents"][gone]
    assert after["failures"][gone]["reason"] == "HTTP 404"
    assert url + "/backan/Pages/chi-tiet-33.aspx" in after["documents"]
    third = {request.path: request.headers for request in crawl["requests"][2]}
    assert "If-None-Match" in third["/backan/Pages/chi-tiet-29.aspx"]  # seen before: conditional
    assert "If-None-Match" not in third["/backan/Pages/chi-tiet-33.aspx"]


def test_failed_urls_are_retried_on_later_runs_up_to_a_limit(crawl):
    url, after = crawl["url"], crawl["snapshots"][2]
    assert after["documents"][url + SLOW]["status"] == "ok"  # fast now: retried and stored
    assert url + SLOW not in after["failures"]
    retried = after["failures"][url + "/backan/Pages/chi-tiet-31.aspx"]
    assert (retried["attempts"], retried["next_retry"]) == (2, None)  # max_attempts reached: given up
    assert after["failures"][url + "/lso/files/bao-cao.pdf"]["attempts"] == 2
    third_paths = [request.path for request in crawl["requests"][2]]
    assert "/lso/files/bao-cao.pdf" in third_paths and "/backan/Pages/rieng/chi-tiet-99.aspx" not in third_paths


def test_runs_are_recorded_per_source(crawl):
    db = sqlite_utils.Database(crawl["db"])
    rows = list(
        db.query(
            "SELECT source, discovered, fetched, not_modified, new, changed, unchanged, failed "
            "FROM ingest_runs ORDER BY id LIMIT 4"
        )
    )
    assert rows == [
        {
            "source": "backan",
            "discovered": 7,
            "fetched": 5,
            "not_modified": 0,
            "new": 5,
            "changed": 0,
            "unchanged": 0,
            "failed": 2,
        },
        {
            "source": "broken",
            "discovered": 0,
            "fetched": 0,
            "not_modified": 0,
            "new": 0,
            "changed": 0,
            "unchanged": 0,
            "failed": 1,
        },
        {
            "source": "lso",
            "discovered": 8,
            "fetched": 5,
            "not_modified": 0,
            "new": 4,
            "changed": 0,
            "unchanged": 0,
            "failed": 4,
        },
        {
            "source": "kontum",
            "discovered": 2,
            "fetched": 2,
            "not_modified": 0,
            "new": 2,
            "changed": 0,
            "unchanged": 0,
            "failed": 0,
        },
    ]
    assert db.execute("SELECT count(*) FROM ingest_runs WHERE finished IS NULL").fetchone()[0] == 0
