"""Where a source may fetch, enforced down to the socket: its hosts (checked at every redirect
hop by the client), no private, loopback or link-local address unless allowed (checked when
connecting, after resolving, so a name cannot be rebound to one), and a deadline for each URL
that every read and write of its connections keeps."""

import ipaddress
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore


@dataclass(frozen=True)
class Scope:
    """Where a source may fetch: its `hosts` ("host", "host:port", "*.host" for subdomains; a
    host without a port means the default ports; none listed: any host), and private,
    loopback or link-local addresses only with `allow_private`."""

    hosts: tuple[str, ...] = ()
    allow_private: bool = False

    @classmethod
    def of_urls(cls, urls, extra_hosts=(), allow_private: bool = False) -> "Scope":
        """The hosts of `urls` (with their ports where given) and `extra_hosts`."""
        hosts = [host_of(url) for url in urls] + [host.lower() for host in extra_hosts]
        return cls(tuple(dict.fromkeys(host for host in hosts if host)), allow_private)

    def refuses(self, url: str) -> str | None:
        """Why `url` is out of scope, or None."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return f"not an http(s) URL: {url}"
        if not self.hosts:
            return None
        host = (parts.hostname or "").lower()
        try:
            port = parts.port
        except ValueError:
            return f"a malformed port: {url}"
        for entry in self.hosts:
            name, _, wanted = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
            if not (host == name or (name.startswith("*.") and host.endswith(name[1:]))):
                continue
            if (wanted and port == int(wanted)) or (not wanted and port in (None, 80, 443)):
                return None
        return f"off the source's hosts ({', '.join(self.hosts)}): {url}"


def host_of(url: str) -> str:
    """'host' or 'host:port' of a URL, lower-cased, without user info."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        return f"{host}:{parts.port}" if parts.port is not None else host
    except ValueError:
        return host


def non_public(address: str) -> str | None:
    """What kind of address an IP is when it is not a public one ('loopback', 'private', ...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    mapped = getattr(ip, "ipv4_mapped", None)  # an IPv6 address that carries an IPv4 one
    if mapped is not None:
        ip = mapped
    for kind in ("loopback", "link_local", "unspecified", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if ip.is_global else "non-global"


def _a(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind


class Refused(Exception):
    """A connection the source's scope does not allow (raised from the network layer)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Context(threading.local):
    """What the fetch running in this thread allows: its deadline, private addresses."""

    deadline: float | None = None
    allow_private: bool = False


CONTEXT = Context()


def _bounded(timeout: float | None, timed_out) -> float | None:
    """`timeout`, cut to what is left before this thread's deadline."""
    if CONTEXT.deadline is None:
        return timeout
    left = CONTEXT.deadline - time.monotonic()
    if left <= 0:
        raise timed_out("the URL's time is up")
    return left if timeout is None else min(timeout, left)


class _GuardedStream(httpcore.NetworkStream):
    """A connection whose reads and writes end by the fetch's deadline, and which refuses to
    serve a fetch not allowed private addresses if it reached one (connections are pooled)."""

    def __init__(self, stream, private: str | None):
        self._stream, self._private = stream, private

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if self._private and not CONTEXT.allow_private:
            raise Refused(f"{_a(self._private)} address, which the source does not allow (allow_private)")
        self._stream.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        return _GuardedStream(
            self._stream.start_tls(ssl_context, server_hostname, _bounded(timeout, httpcore.ConnectTimeout)),
            self._private,
        )

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """Resolves a host itself and connects only to addresses the fetch allows: a name that
    resolves to a private address is refused at the moment of connecting (no DNS rebinding)."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        timeout = _bounded(timeout, httpcore.ConnectTimeout)
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise httpcore.ConnectError(f"cannot resolve {host} ({error})") from error
        addresses = list(dict.fromkeys(info[4][0] for info in found))
        kinds = {address: non_public(address) for address in addresses}
        if not CONTEXT.allow_private:
            for address, kind in kinds.items():
                if kind:
                    raise Refused(
                        f"{host} is {address}, {_a(kind)} address, which the source does not allow (allow_private)"
                    )
        failures: list[httpcore.ConnectError] = []
        for address in addresses:
            try:
                stream = super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as failed:
                failures.append(failed)
                continue
            return _GuardedStream(stream, kinds[address])
        raise failures[-1] if failures else httpcore.ConnectError(f"no address for {host}")


class Budget:
    """The seconds left for one URL's requests; `running()` puts a request under the deadline."""

    def __init__(self, seconds: float):
        self.left = seconds or None

    @contextmanager
    def running(self):
        started = time.monotonic()
        CONTEXT.deadline = None if self.left is None else started + self.left
        try:
            yield
        finally:
            CONTEXT.deadline = None
            if self.left is not None:
                self.left -= time.monotonic() - started

    def spent(self) -> bool:
        return self.left is not None and self.left <= 0.001
