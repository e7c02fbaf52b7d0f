"""A polite HTTP client: robots.txt, per-host delay and concurrency, retries with backoff,
conditional GET, redirects with a loop limit, a size cap on streamed bodies and a time limit on
each URL; it fetches only within a source's scope (its hosts, and no private address unless
allowed), checked at every redirect hop and again at connect time."""

import email.utils
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from pipeline import __version__
from pipeline.portal.scope import CONTEXT, Budget, GuardedBackend, Refused, Scope
from pipeline.settings import Limits, limits

USER_AGENT = f"directives/{__version__} (research crawler for provincial directives; polite, honours robots.txt)"
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class FetchSettings:
    """How politely and how patiently to fetch; tests shorten the delays and timeouts."""

    user_agent: str = USER_AGENT
    timeout: float = 20.0  # seconds, per request (connect, read)
    delay: float = 1.0  # seconds between two request starts on one host (robots.txt Crawl-delay can raise it)
    per_host: int = 2  # concurrent requests per host
    workers: int = 8  # concurrent requests overall
    retries: int = 3  # extra attempts after a timeout, a connection error, a 5xx or a 429
    backoff: float = 2.0  # seconds before the first retry; doubles each time
    max_retry_after: float = 300.0  # longest Retry-After honoured, seconds
    max_redirects: int = 5
    max_bytes: int = field(default_factory=lambda: limits().file_bytes)  # a larger body is abandoned while streaming
    max_crawl_delay: float = 30.0
    # seconds of requests for one URL, redirects and retries included (not the waits between
    # them): a server that trickles bytes is cut off (0: no limit)
    max_seconds: float = field(default_factory=lambda: limits().url_seconds)


@dataclass(frozen=True)
class Validators:
    """What a server said about a URL last time, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        found = {"If-None-Match": self.etag, "If-Modified-Since": self.last_modified}
        return {name: value for name, value in found.items() if value}


@dataclass
class FetchResult:
    """One URL fetched: `status` is 'ok', 'not_modified' or 'failed' (with `reason`)."""

    url: str
    status: str
    final_url: str | None = None
    http_status: int | None = None
    content: bytes = b""
    content_type: str | None = None
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    reason: str | None = None
    attempts: int = 0

    @property
    def landed_at(self) -> str:
        """Where the body came from: the final URL after redirects, else the URL asked for."""
        return self.final_url or self.url


class _Failed(Exception):
    def __init__(self, reason: str, attempts: int = 1, http_status: int | None = None):
        super().__init__(reason)
        self.reason, self.attempts, self.http_status = reason, attempts, http_status


@dataclass
class _Response:
    status: int
    headers: httpx.Headers
    body: bytes
    charset: str | None
    attempts: int


class _HostGate:
    """At most `concurrency` requests at a time to one host, starts `delay` seconds apart."""

    def __init__(self, delay: float, concurrency: int):
        self.delay = delay
        self._slots = threading.Semaphore(concurrency)
        self._lock = threading.Lock()
        self._next_start = 0.0

    @contextmanager
    def turn(self):
        with self._slots:
            with self._lock:
                start = max(self._next_start, time.monotonic())
                self._next_start = start + self.delay
            time.sleep(max(0.0, start - time.monotonic()))
            yield


class Fetcher:
    """Fetch URLs politely; one instance per run (it remembers robots.txt and host gates).
    `scope` is where fetches go unless a call names another (a source's)."""

    def __init__(self, settings: FetchSettings | None = None, scope: Scope | None = None):
        self.settings = settings = settings or FetchSettings()
        self.scope = scope or Scope()
        transport = httpx.HTTPTransport()
        transport._pool._network_backend = GuardedBackend()  # httpx takes no backend of its own
        self._client = httpx.Client(
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=settings.timeout,
            follow_redirects=False,
            transport=transport,
        )
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, RobotFileParser | None] = {}
        self._lock = threading.Lock()
        self._robots_lock = threading.Lock()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch_all(self, requests: list[tuple[str, Validators | None]], scope: Scope | None = None) -> list[FetchResult]:
        """Fetch many URLs concurrently (within each host's limits); results in request order."""
        if not requests:
            return []
        with ThreadPoolExecutor(max_workers=self.settings.workers) as pool:
            return list(pool.map(lambda request: self.fetch(request[0], request[1], scope=scope), requests))

    def fetch(self, url: str, validators: Validators | None = None, scope: Scope | None = None) -> FetchResult:
        """GET `url`, conditionally when validators are given; never raises on HTTP trouble.
        Every hop of a redirect chain must be in `scope`; the result names the last one."""
        scope = scope or self.scope
        CONTEXT.allow_private = scope.allow_private
        try:
            return self._fetch(url, validators, scope, Budget(self.settings.max_seconds))
        except _Failed as failure:
            return FetchResult(
                url, "failed", http_status=failure.http_status, reason=failure.reason, attempts=failure.attempts
            )
        finally:
            CONTEXT.deadline, CONTEXT.allow_private = None, False

    def _fetch(self, url: str, validators: Validators | None, scope: Scope, budget: Budget) -> FetchResult:
        chain = [url]
        headers = validators.headers() if validators else {}
        attempts = 0
        while True:
            refused = scope.refuses(chain[-1])
            if refused:
                hop = f"redirected from {chain[-2]}: " if len(chain) > 1 else ""
                raise _Failed(f"{hop}{refused}", attempts)
            self._check_robots(chain[-1], scope)
            response = self._get_with_retries(chain[-1], headers, budget)
            attempts += response.attempts
            if response.status not in REDIRECTS:
                break
            location = response.headers.get("location")
            if not location:
                raise _Failed(f"HTTP {response.status} without a Location header", attempts, response.status)
            target = urljoin(chain[-1], location)
            if target in chain:
                raise _Failed("redirect loop: " + " -> ".join(chain + [target]), attempts, response.status)
            if len(chain) > self.settings.max_redirects:
                raise _Failed(f"more than {self.settings.max_redirects} redirects", attempts, response.status)
            chain.append(target)
            headers = {}  # validators belong to the URL they were given for
        result = FetchResult(
            url,
            "ok",
            final_url=chain[-1],
            http_status=response.status,
            attempts=attempts,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )
        if response.status == 304:
            result.status = "not_modified"
            return result
        if not 200 <= response.status < 300:
            raise _Failed(f"HTTP {response.status}", attempts, response.status)
        result.content = response.body
        result.content_type = response.headers.get("content-type", "").split(";")[0].strip().lower() or None
        result.charset = response.charset
        return result

    def _get_with_retries(self, url: str, headers: dict[str, str], budget: Budget) -> _Response:
        gate = self._gate(url)
        attempt = 0
        while True:
            attempt += 1
            wait = None
            try:
                with gate.turn(), budget.running():
                    status, response_headers, body, charset = self._get(url, headers)
            except Refused as refused:
                raise _Failed(f"{url}: {refused.reason}", attempt) from None
            except httpx.TimeoutException:
                if budget.spent():
                    raise _Failed(
                        f"cut off after {self.settings.max_seconds:g} s, the limit of time per URL "
                        f"({Limits.ENV['url_seconds']})",
                        attempt,
                    ) from None
                reason = f"timeout after {self.settings.timeout:g} s"
            except httpx.TransportError as error:
                reason = f"connection failed ({type(error).__name__}: {error})"
            else:
                if status != 429 and status < 500:
                    return _Response(status, response_headers, body, charset, attempt)
                reason = f"HTTP {status}"
                wait = retry_after_seconds(response_headers.get("retry-after"))
            if attempt > self.settings.retries:
                raise _Failed(f"{reason} ({attempt} attempts)", attempt)
            backoff = self.settings.backoff * 2 ** (attempt - 1)
            time.sleep(min(self.settings.max_retry_after, wait if wait is not None else backoff))

    def _get(self, url: str, headers: dict[str, str]) -> tuple[int, httpx.Headers, bytes, str | None]:
        """One GET, its body streamed and abandoned past the size cap (counted after gzip)."""
        cap = self.settings.max_bytes
        with self._client.stream("GET", url, headers=headers) as response:
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > cap and response.status_code == 200:
                raise _Failed(f"larger than the {cap}-byte cap (Content-Length {declared})")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    raise _Failed(f"larger than the {cap}-byte cap (stopped reading)")
                chunks.append(chunk)
            return response.status_code, response.headers, b"".join(chunks), response.charset_encoding

    def _gate(self, url: str) -> _HostGate:
        host = urlsplit(url).netloc
        with self._lock:
            if host not in self._gates:
                self._gates[host] = _HostGate(self.settings.delay, self.settings.per_host)
            return self._gates[host]

    def _check_robots(self, url: str, scope: Scope) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._robots_lock:  # one robots.txt request per origin, even with many workers
            if origin not in self._robots:
                try:
                    self._robots[origin] = self._load_robots(origin, scope)
                except Refused as refused:  # not remembered: another source may be allowed there
                    raise _Failed(f"{url}: {refused.reason}", 1) from None
            robots = self._robots[origin]
        if robots is not None and not robots.can_fetch(self.settings.user_agent, url):
            raise _Failed(f"disallowed by {origin}/robots.txt", 0)

    def _load_robots(self, origin: str, scope: Scope) -> RobotFileParser | None:
        """Read an origin's robots.txt once per run, following redirects within `scope`. A missing
        one (4xx), one redirected out of scope or an unreachable host allows everything; a 5xx
        answer disallows everything this run (RFC 9309). An address the scope refuses raises Refused."""
        gate, url = self._gate(origin + "/"), origin + "/robots.txt"
        status = None
        for _ in range(self.settings.max_redirects + 1):
            if scope.refuses(url):
                break
            try:
                with gate.turn(), Budget(self.settings.max_seconds).running():
                    status, headers, body, _ = self._get(url, {})
            except (httpx.HTTPError, _Failed):
                status = None
                break
            if status not in REDIRECTS or not headers.get("location"):
                break
            url, status = urljoin(url, headers["location"]), None
        if status is None:
            robots = None
        else:
            robots = RobotFileParser(origin + "/robots.txt")
            if status >= 500:
                robots.disallow_all = True  # type: ignore[attr-defined]  # read by can_fetch, set by parse
            elif status >= 400:
                robots = None
            else:
                robots.parse(body.decode("utf-8", "replace").splitlines())
                crawl_delay = robots.crawl_delay(self.settings.user_agent)
                if crawl_delay:
                    gate.delay = max(gate.delay, min(float(crawl_delay), self.settings.max_crawl_delay))
        return robots


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
