"""The HTTP client against small servers on 127.0.0.1: gzip, caps, robots.txt, Retry-After."""

import gzip
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pipeline.portal.fetch import Fetcher, FetchSettings, Scope, Validators, retry_after_seconds

FAST = FetchSettings(timeout=1.0, delay=0.0, retries=1, backoff=0.01, max_bytes=10_000)
LOCAL = Scope(allow_private=True)  # the servers here are on 127.0.0.1
PAGE = "<html><body><p>Tỉnh ủy giao nhiệm vụ</p></body></html>".encode()


class Handler(BaseHTTPRequestHandler):
    robots_status = 200
    seen: list

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.seen.append(self.path)
        if self.path == "/robots.txt":
            return self._send(self.robots_status, b"User-agent: *\nDisallow: /private\nCrawl-delay: 0\n")
        if self.path == "/gzip":
            return self._send(200, gzip.compress(PAGE), {"Content-Encoding": "gzip"})
        if self.path == "/chunked-big":  # no Content-Length: the cap applies while streaming
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"x" * 65536
            try:  # 64 MB, more than the sockets' buffers hold: a client that stops reading hangs up
                for _ in range(1000):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except (ConnectionResetError, BrokenPipeError):
                self.hung_up.append(self.path)
            return None
        if self.path == "/gone":
            return self._send(410, b"gone")
        if self.path == "/moved":
            return self._send(301, b"", {"Location": "/gzip"})
        if self.path == "/etag":
            if self.headers.get("If-None-Match") == '"v1"':
                return self._send(304, b"")
            return self._send(200, PAGE, {"ETag": '"v1"'})
        return self._send(200, PAGE)

    def _send(self, status, body, headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server():
    handler = type("H", (Handler,), {"seen": [], "hung_up": [], "robots_status": 200})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    httpd.shutdown()
    httpd.server_close()


def test_gzip_redirects_and_conditional_get(server):
    url, handler = server
    with Fetcher(FAST, LOCAL) as fetcher:
        moved = fetcher.fetch(url + "/moved")
        first = fetcher.fetch(url + "/etag")
        again = fetcher.fetch(url + "/etag", Validators(etag=first.etag))
    assert (moved.status, moved.final_url, moved.content) == ("ok", url + "/gzip", PAGE)
    assert (first.status, first.etag, again.status, again.content) == ("ok", '"v1"', "not_modified", b"")


def test_size_cap_stops_a_streamed_body(server):
    """The client hangs up at the cap rather than reading the rest of a 64 MB body."""
    url, handler = server
    with Fetcher(FAST, LOCAL) as fetcher:
        result = fetcher.fetch(url + "/chunked-big")
    assert (result.status, result.reason) == ("failed", "larger than the 10000-byte cap (stopped reading)")
    deadline = time.monotonic() + 5
    while not handler.hung_up and time.monotonic() < deadline:  # the server learns of it at its next write
        time.sleep(0.01)
    assert handler.hung_up == ["/chunked-big"]


def test_4xx_is_not_retried(server):
    url, handler = server
    with Fetcher(FAST, LOCAL) as fetcher:
        result = fetcher.fetch(url + "/gone")
    assert (result.status, result.reason, result.http_status) == ("failed", "HTTP 410", 410)
    assert handler.seen.count("/gone") == 1


def test_robots_txt_is_read_once_and_honoured(server):
    url, handler = server
    with Fetcher(FAST, LOCAL) as fetcher:
        results = fetcher.fetch_all([(url + "/private/a", None), (url + "/public", None), (url + "/public2", None)])
    assert [r.status for r in results] == ["failed", "ok", "ok"]
    assert results[0].reason == f"disallowed by {url}/robots.txt"
    assert handler.seen.count("/robots.txt") == 1 and "/private/a" not in handler.seen


def test_a_failing_robots_txt_disallows_everything(server):
    url, handler = server
    handler.robots_status = 503
    with Fetcher(FAST, LOCAL) as fetcher:
        result = fetcher.fetch(url + "/public")
    assert result.reason == f"disallowed by {url}/robots.txt"


def test_retry_after_takes_seconds_or_a_date():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    assert 55 <= retry_after_seconds(formatdate(time.time() + 60, usegmt=True)) <= 60


def test_requests_to_one_host_start_a_delay_apart(server):
    url, handler = server
    polite = FetchSettings(timeout=1.0, delay=0.2, per_host=2, workers=4, retries=0)
    started = time.monotonic()
    with Fetcher(polite, LOCAL) as fetcher:
        results = fetcher.fetch_all([(f"{url}/page{n}", None) for n in range(3)])
    assert [r.status for r in results] == ["ok"] * 3
    assert time.monotonic() - started >= 0.6  # robots.txt, then three pages, 0.2 s apart
