"""A fixture portal site on 127.0.0.1 for fetch and ingest tests: static pages from
tests/fixtures/portal with ETag/Last-Modified and 304s, plus misbehaving endpoints."""

import contextlib
import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from conftest import FIXTURES

ROOT = FIXTURES / "portal"
LAST_MODIFIED = "Wed, 13 Jan 2021 08:00:00 GMT"
# Documents served from the shared fixtures rather than copies of them.
ALIASES = {
    "/backan/Documents/kh-12-langson.pdf": FIXTURES / "kehoach-12-langson.pdf",
    "/backan/download": FIXTURES / "kehoach-12-langson.docx",
    "/lso/files/ke-hoach-12.docx": FIXTURES / "kehoach-12-langson.docx",
    "/lso/files/bao-cao.pdf": FIXTURES / "truncated.pdf",
}
TYPES = {
    ".aspx": "text/html; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
SLOW = "/lso/thoi-su/cham-124.html"
FLAKY = "/lso/thoi-su/chap-chon-125.html"
LOOP = ("/lso/thoi-su/vong-126.html", "/lso/thoi-su/vong-126b.html")
BIG = "/lso/thoi-su/qua-lon-127.html"
WINDOWS_1258 = "/backan/Pages/chi-tiet-30.aspx"


@dataclass
class Request:
    path: str
    headers: dict


@dataclass
class PortalSite:
    """The site's state: requests seen, and pages changed or removed by a test."""

    requests: list[Request] = field(default_factory=list)
    changed: dict[str, bytes] = field(default_factory=dict)  # path -> new body (None: now 404)
    slow_seconds: float = 1.0
    flaky_failures: int = 2  # a 429 (Retry-After: 0), then 500s, before the page is served
    url: str = ""

    def body(self, path: str) -> bytes | None:
        if path in self.changed:
            return self.changed[path]
        if path in ALIASES:
            return ALIASES[path].read_bytes()
        file = (ROOT / path.lstrip("/")).resolve()
        if ROOT in file.parents and file.is_file():
            return file.read_bytes()
        if path == BIG:
            return b"<!DOCTYPE html><html><body>" + b"<p>x</p>" * 40_000 + b"</body></html>"
        return None

    def seen(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]


def _handler(site: PortalSite):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            site.requests.append(Request(self.path, dict(self.headers)))
            path = urlsplit(self.path).path
            if self.path == SLOW:
                time.sleep(site.slow_seconds)
            if self.path == FLAKY and len(site.seen(FLAKY)) <= site.flaky_failures:
                first = len(site.seen(FLAKY)) == 1
                return self._send(429 if first else 500, b"busy", {"Retry-After": "0"} if first else {})
            if self.path in LOOP:
                return self._send(302, b"", {"Location": LOOP[1 - LOOP.index(self.path)]})
            body = site.body(path)
            if body is None:
                return self._send(404, b"not found")
            suffix = Path(path).suffix or (".docx" if path == "/backan/download" else ".html")
            content_type = TYPES.get(suffix, "application/octet-stream")
            if self.path == WINDOWS_1258:
                content_type = "text/html; charset=windows-1258"
            validators = {"Last-Modified": LAST_MODIFIED}
            if not self.path.startswith("/kontum/"):  # Kon Tum sends Last-Modified only
                validators["ETag"] = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if (self.headers.get("If-None-Match") == validators.get("ETag") and "ETag" in validators) or (
                "ETag" not in validators
                and self.headers.get("If-Modified-Since") == LAST_MODIFIED
                and self.path not in site.changed
            ):
                return self._send(304, b"", validators)
            self._send(200, body, {"Content-Type": content_type, **validators})

        def _send(self, status: int, body: bytes, headers: dict | None = None):
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    return Handler


class serve_portal:
    """Context manager: a PortalSite served on a free port of 127.0.0.1."""

    def __enter__(self) -> PortalSite:
        self.site = PortalSite()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.site))
        self.server.daemon_threads = True
        self.site.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.site

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
