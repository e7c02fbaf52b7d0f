"""A portal that misbehaves, on 127.0.0.1: it trickles bytes, redirects to another port or host,
serves junk as application/octet-stream, links off its host. The crawler stays on the source's
hosts, refuses loopback unless the source allows it, and cuts a URL off at its time limit."""

import contextlib
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlite_utils

from pipeline import store
from pipeline.portal.fetch import Fetcher, FetchSettings, Scope
from pipeline.portal.fetch_state import RetryPolicy
from pipeline.portal.sources import SourcesError, load_sources
from pipeline.portal.steps import ingest_sources

FAST = FetchSettings(timeout=2.0, delay=0.0, retries=1, backoff=0.01, max_bytes=200_000, max_seconds=1.5)
ARTICLE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Kế hoạch</title></head><body>
<article><h1>Giao nhiệm vụ trọng tâm năm 2021</h1>
<p>Ban Thường vụ Tỉnh ủy giao các huyện ủy, thành ủy hai nhiệm vụ trọng tâm trong năm 2021 như sau:</p>
<p>1. Giải ngân vốn đầu tư công đạt 95% trở lên trước ngày 31/12/2021.</p>
<p>2. Xây dựng 10 mô hình điển hình tiên tiến trong thực hiện Chỉ thị 05 của Bộ Chính trị.</p>
</article></body></html>""".encode()


class Site:
    """A server on a free port of 127.0.0.1 answering `routes[path](handler)`; it records the paths asked."""

    def __init__(self):
        self.routes, self.seen = {}, []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # connections kept alive, as portals keep them

            def log_message(self, *args):
                pass

            def do_GET(self):
                site.seen.append(self.path)
                route = site.routes.get(self.path)
                if route is None:
                    return self.send(404, b"not found")
                return route(self)

            def send(self, status, body=b"", headers=None, content_type="text/html; charset=utf-8"):
                self.send_response(status)
                for name, value in {"Content-Type": content_type, **(headers or {})}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, path, body, status=200, **options):
        self.routes[path] = lambda handler: handler.send(status, body, **options)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sites():
    portal, other = Site(), Site()
    for site in (portal, other):
        site.page("/robots.txt", b"User-agent: *\nAllow: /\n", content_type="text/plain")
    yield portal, other
    portal.close()
    other.close()


def _trickle(handler, header_first=True):
    """Headers, then one byte every 0.2 s for up to 30 s (until the client hangs up)."""
    try:
        if header_first:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.end_headers()
        else:
            handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for _ in range(150):
            handler.wfile.write(b"x" if header_first else b"X-Slow: y\r\n")
            handler.wfile.flush()
            time.sleep(0.2)
    except (BrokenPipeError, ConnectionResetError):
        handler.hung_up = True


@pytest.mark.parametrize("header_first", [True, False], ids=["trickled-body", "trickled-headers"])
def test_a_trickling_server_is_cut_off_at_the_limit_per_url(sites, header_first):
    portal, _ = sites
    portal.routes["/slow"] = lambda handler: _trickle(handler, header_first)
    started = time.monotonic()
    with Fetcher(FAST, Scope(allow_private=True)) as fetcher:
        result = fetcher.fetch(portal.url + "/slow")
    elapsed = time.monotonic() - started
    assert (result.status, result.reason) == (
        "failed",
        "cut off after 1.5 s, the limit of time per URL (DIRECTIVES_MAX_URL_SECONDS)",
    )
    assert 1.4 < elapsed < 3.5  # one attempt: the time is spent, so no retry
    assert portal.seen.count("/slow") == 1


def test_a_redirect_to_another_port_or_host_is_refused(sites):
    portal, other = sites
    other.page("/secret", b"<html><body>secret</body></html>")
    portal.page("/jump", b"", 302, headers={"Location": other.url + "/secret"})
    portal.page("/rename", b"", 301, headers={"Location": f"http://localhost:{portal.port}/x"})
    portal.page("/old", b"", 301, headers={"Location": "/new"})
    portal.page("/new", ARTICLE)
    scope = Scope.of_urls([portal.url + "/"], allow_private=True)
    with Fetcher(FAST) as fetcher:
        jump, rename, moved = (fetcher.fetch(portal.url + path, scope=scope) for path in ("/jump", "/rename", "/old"))
    assert (jump.status, jump.reason) == (
        "failed",
        f"redirected from {portal.url}/jump: off the source's hosts (127.0.0.1:{portal.port}): {other.url}/secret",
    )
    assert rename.reason == (
        f"redirected from {portal.url}/rename: off the source's hosts (127.0.0.1:{portal.port}): "
        f"http://localhost:{portal.port}/x"
    )
    assert other.seen == []  # not even its robots.txt
    assert (moved.status, moved.final_url, moved.content) == ("ok", portal.url + "/new", ARTICLE)


def test_loopback_is_refused_unless_the_source_allows_it(sites):
    portal, _ = sites
    portal.page("/a", ARTICLE)
    with Fetcher(FAST) as fetcher:
        by_ip = fetcher.fetch(portal.url + "/a", scope=Scope.of_urls([portal.url]))
        by_name = fetcher.fetch(f"http://localhost:{portal.port}/a", scope=Scope())
        allowed = fetcher.fetch(portal.url + "/a", scope=Scope.of_urls([portal.url], allow_private=True))
        # a pooled connection to a loopback address serves no fetch that does not allow it
        again = fetcher.fetch(portal.url + "/a", scope=Scope.of_urls([portal.url]))
    assert by_ip.reason == (
        f"{portal.url}/a: 127.0.0.1 is 127.0.0.1, a loopback address, which the source does not allow (allow_private)"
    )
    assert by_name.status == "failed" and "a loopback address, which the source does not allow" in by_name.reason
    assert (allowed.status, allowed.content) == ("ok", ARTICLE)
    assert again.reason == (f"{portal.url}/a: a loopback address, which the source does not allow (allow_private)")
    assert portal.seen == ["/robots.txt", "/a"]


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://10.1.2.3/", "10.1.2.3 is 10.1.2.3, a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is 169.254.169.254, a link-local address"),
        ("http://[::1]:9/", "::1 is ::1, a loopback address"),
        ("http://0.0.0.0:9/", "0.0.0.0 is 0.0.0.0, an unspecified address"),
    ],
)
def test_private_and_link_local_addresses_are_refused_before_connecting(url, reason):
    with Fetcher(FAST) as fetcher:
        result = fetcher.fetch(url)
    assert result.status == "failed" and reason in result.reason and result.attempts == 1


SOURCE = """[[source]]
name = "portal"
province = "Bắc Kạn"
start_urls = ["{portal}/tin-tuc.html"]
article_pattern = '/bai-viet/\\d+\\.html$'
allow_private = true
{extra}
"""


def _listing(portal, other) -> bytes:
    return f"""<html><body><ul>
<li><a href="/bai-viet/1.html">Giao nhiệm vụ</a></li>
<li><a href="/bai-viet/2.html">Tệp tải về</a></li>
<li><a href="{other.url}/bai-viet/3.html">Bài ở nơi khác</a></li>
</ul></body></html>""".encode()


def test_a_portal_run_stays_on_its_hosts_and_junk_is_an_error(sites, tmp_path):
    portal, other = sites
    portal.page("/tin-tuc.html", _listing(portal, other))
    portal.page(
        "/bai-viet/1.html",
        ARTICLE.replace(b"</article>", f'<a href="{other.url}/files/kh.pdf">Tải về</a></article>'.encode()),
    )
    portal.page("/bai-viet/2.html", os.urandom(30_000), content_type="application/octet-stream")
    other.page("/bai-viet/3.html", ARTICLE)
    other.page("/files/kh.pdf", b"%PDF-1.4")
    sources = tmp_path / "sources.toml"
    sources.write_text(SOURCE.format(portal=portal.url, extra=""), encoding="utf-8")
    db_path = tmp_path / "d.db"
    [run] = ingest_sources(load_sources(sources), db_path, FAST, RetryPolicy(first_delay=3600))
    assert other.seen == []
    db = sqlite_utils.Database(db_path)
    documents = {row["url"].removeprefix(portal.url): (row["status"], row["error"]) for row in db["documents"].rows}
    assert documents["/bai-viet/1.html"] == ("ok", None)
    status, error = documents["/bai-viet/2.html"]
    assert status == "error" and error.startswith(f"{portal.url}/bai-viet/2.html: not text: ")
    assert len(documents) == 2
    skipped = {
        row["url"]: (row["kind"], row["reason"], row["attempts"], row["next_retry"])
        for row in db["fetch_failures"].rows_where("attempts = 0")
    }
    hosts = f"off the source's hosts (127.0.0.1:{portal.port})"
    assert skipped == {
        f"{other.url}/bai-viet/3.html": ("article", f"skipped: {hosts}: {other.url}/bai-viet/3.html", 0, None),
        f"{other.url}/files/kh.pdf": ("attachment", f"skipped: {hosts}: {other.url}/files/kh.pdf", 0, None),
    }
    assert run.skipped == [
        f"{other.url}/bai-viet/3.html: {hosts}: {other.url}/bai-viet/3.html",
        f"{other.url}/files/kh.pdf: {hosts}: {other.url}/files/kh.pdf",
    ]
    assert (run.discovered, run.new, run.failed) == (2, 1, 1)
    final = db.execute("SELECT final_url FROM fetched_urls WHERE url = ?", [portal.url + "/bai-viet/1.html"]).fetchone()
    assert final == (portal.url + "/bai-viet/1.html",)

    # listed in allowed_hosts, the other host is fetched on the next run
    sources.write_text(
        SOURCE.format(portal=portal.url, extra=f'allowed_hosts = ["127.0.0.1:{other.port}"]'), encoding="utf-8"
    )
    [run] = ingest_sources(load_sources(sources), db_path, FAST, RetryPolicy(first_delay=3600))
    assert "/bai-viet/3.html" in other.seen and "/files/kh.pdf" in other.seen
    assert db["documents"].get(store.stable_id(other.url + "/bai-viet/3.html"))["status"] == "ok"


def test_a_source_without_allow_private_fetches_nothing_from_loopback(sites, tmp_path):
    portal, _ = sites
    portal.page("/tin-tuc.html", b"<html><body></body></html>")
    sources = tmp_path / "sources.toml"
    sources.write_text(
        SOURCE.format(portal=portal.url, extra="").replace("allow_private = true\n", ""), encoding="utf-8"
    )
    [run] = ingest_sources(load_sources(sources), tmp_path / "d.db", FAST)
    assert portal.seen == []
    assert run.errors == [
        f"{portal.url}/tin-tuc.html: {portal.url}/tin-tuc.html: 127.0.0.1 is 127.0.0.1, a loopback "
        "address, which the source does not allow (allow_private)"
    ]


@pytest.mark.parametrize(
    "extra, message",
    [
        ('allowed_hosts = ["https://cdn.example.vn/x"]', "'allowed_hosts' must be a list of host names"),
        ('allowed_hosts = "cdn.example.vn"', "'allowed_hosts' must be a list of host names"),
        ('allow_private = "yes"', "'allow_private' must be true or false"),
    ],
)
def test_bad_scope_keys_are_named(tmp_path, extra, message):
    path = tmp_path / "s.toml"
    path.write_text(
        f'[[source]]\nname = "a"\nstart_urls = ["https://a.vn"]\narticle_pattern = "a"\n{extra}\n', encoding="utf-8"
    )
    with pytest.raises(SourcesError, match=message):
        load_sources(path)


def test_scope_hosts_ports_and_subdomains():
    scope = Scope.of_urls(["https://Portal.vn/tin", "http://files.vn:8080/x"], ["*.cdn.vn"])
    assert scope.hosts == ("portal.vn", "files.vn:8080", "*.cdn.vn")
    assert [
        scope.refuses(url) is None
        for url in (
            "http://portal.vn/a",
            "https://portal.vn:443/a",
            "https://portal.vn:8443/a",
            "http://files.vn:8080/y",
            "http://files.vn/y",
            "https://a.cdn.vn/f.pdf",
            "https://cdn.vn/f.pdf",
            "ftp://portal.vn/a",
            "https://evil.vn/?portal.vn",
        )
    ] == [True, True, False, True, False, True, False, False, False]
