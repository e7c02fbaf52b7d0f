"""The portals to ingest, read from a sources file (`corpus/sources.toml`)."""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import DirectivesError
from pipeline.portal.fetch import Scope

DEFAULT_MAX_PAGES = 3
_LIST_KEYS = ("start_urls", "feeds", "sitemaps")
_KNOWN_KEYS = {
    "name",
    "province",
    "article_pattern",
    "max_pages",
    "enabled",
    "allowed_hosts",
    "allow_private",
    *_LIST_KEYS,
}


class SourcesError(DirectivesError):
    """A sources file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class PortalSource:
    name: str
    province: str | None
    start_urls: tuple[str, ...]
    feeds: tuple[str, ...]
    sitemaps: tuple[str, ...]
    article_pattern: str
    max_pages: int = DEFAULT_MAX_PAGES
    enabled: bool = True
    allowed_hosts: tuple[str, ...] = ()  # hosts besides those of its URLs ("cdn.example.vn", "*.example.vn")
    allow_private: bool = False  # may fetch from private, loopback and link-local addresses

    def is_article(self, url: str) -> bool:
        return re.search(self.article_pattern, url) is not None

    @property
    def scope(self) -> Scope:
        """Where this source fetches: the hosts of its start URLs, feeds and sitemaps, and its allowed_hosts."""
        return Scope.of_urls([*self.start_urls, *self.feeds, *self.sitemaps], self.allowed_hosts, self.allow_private)


def load_sources(path: str | Path, only: tuple[str, ...] | list[str] = ()) -> list[PortalSource]:
    """The enabled sources of a sources file, or those named in `only` (enabled or not)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SourcesError(f"{path}: cannot read ({error.strerror})") from error
    except tomllib.TOMLDecodeError as error:
        raise SourcesError(f"{path}: not valid TOML ({error})") from error
    sources = [_source(path, number, entry) for number, entry in enumerate(data.get("source", []), start=1)]
    names = [s.name for s in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SourcesError(f"{path}: duplicate source name(s): {', '.join(duplicates)}")
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise SourcesError(f"{path}: no source named {', '.join(unknown)} (known: {', '.join(names)})")
        return [s for s in sources if s.name in only]
    return [s for s in sources if s.enabled]


def _source(path: Path, number: int, entry: dict) -> PortalSource:
    where = f"{path}: [[source]] #{number} ({entry.get('name', 'no name')})"
    unknown = sorted(set(entry) - _KNOWN_KEYS)
    if unknown:
        raise SourcesError(f"{where}: unknown key(s) {', '.join(unknown)}")
    for key in ("name", "article_pattern"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise SourcesError(f"{where}: '{key}' must be a non-empty string")
    lists = {}
    for key in _LIST_KEYS:
        value = entry.get(key, [])
        if not isinstance(value, list) or not all(
            isinstance(url, str) and url.startswith(("http://", "https://")) for url in value
        ):
            raise SourcesError(f"{where}: '{key}' must be a list of http(s) URLs")
        lists[key] = tuple(value)
    if not any(lists.values()):
        raise SourcesError(f"{where}: needs at least one of start_urls, feeds, sitemaps")
    try:
        re.compile(entry["article_pattern"])
    except re.error as error:
        raise SourcesError(f"{where}: article_pattern is not a valid regular expression ({error})") from error
    max_pages = entry.get("max_pages", DEFAULT_MAX_PAGES)
    if not isinstance(max_pages, int) or max_pages < 1:
        raise SourcesError(f"{where}: 'max_pages' must be a positive integer")
    hosts = entry.get("allowed_hosts", [])
    if not isinstance(hosts, list) or not all(isinstance(host, str) and _HOST.fullmatch(host) for host in hosts):
        raise SourcesError(
            f"{where}: 'allowed_hosts' must be a list of host names ('files.example.vn', "
            "'example.vn:8080', '*.example.vn'), without scheme or path"
        )
    if not isinstance(entry.get("allow_private", False), bool):
        raise SourcesError(f"{where}: 'allow_private' must be true or false")
    return PortalSource(
        name=entry["name"],
        province=entry.get("province"),
        article_pattern=entry["article_pattern"],
        max_pages=max_pages,
        enabled=bool(entry.get("enabled", True)),
        allowed_hosts=tuple(host.lower() for host in hosts),
        allow_private=entry.get("allow_private", False),
        **lists,
    )


_HOST = re.compile(r"(\*\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?")
