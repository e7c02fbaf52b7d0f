"""Ingest from portals, step by step: discover article URLs, fetch them (and their attached
documents), hand the bytes to `ingest.process`, and remember what was fetched.

Plain functions; `flows.py` composes them into a Prefect flow and `ingest_sources` runs
the same steps without Prefect."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline import store
from pipeline.ingest import steps
from pipeline.portal import discovery, fetch_state, runs
from pipeline.portal.fetch import Fetcher, FetchResult, FetchSettings, Scope
from pipeline.portal.fetch_state import RetryPolicy, Target
from pipeline.portal.sources import PortalSource
from pipeline.store import lock
from pipeline.store.archive import sha256

MAX_SITEMAPS = 50  # sitemap files read per source and run, indexes included
PAGE_KINDS = ("listing", "feed", "sitemap")  # fetched to find documents, not stored as documents


@dataclass(frozen=True)
class PortalDocument:
    """A fetched document, shaped as `ingest.process` expects."""

    url: str
    source: str
    province: str | None
    content: bytes
    charset: str | None = None

    @property
    def name(self) -> str:
        parts = urlsplit(self.url)
        return unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]) or parts.netloc

    def read_bytes(self) -> bytes:
        return self.content


@dataclass
class Fetched:
    target: Target
    result: FetchResult


@dataclass
class Discovery:
    """What discovery found (`targets`) and the listing pages, feeds and sitemaps it fetched
    (`pages`), remembered only once the documents found are stored: a run cut short in
    between fetches those pages in full again instead of getting a 304 and missing them."""

    targets: list[Target]
    pages: list[Fetched]


def discover(source: PortalSource, fetcher: Fetcher, db_path: str | Path, run: runs.SourceRun) -> Discovery:
    """Article URLs from listing pages (following pagination), feeds and sitemaps, plus the
    failed URLs due for a retry; pages are fetched conditionally. URLs still waiting for
    their retry time are left out."""
    db = store.open_db(db_path)
    try:
        found: dict[str, None] = {}
        pages: list[Fetched] = []

        scope = source.scope

        def get(url: str, kind: str) -> FetchResult | None:
            result = fetcher.fetch(url, fetch_state.validators(db, [url]).get(url), scope)
            pages.append(Fetched(Target(url, kind), result))
            return result if result.status == "ok" else None

        def in_scope(target: Target) -> bool:
            return _in_scope(db, source, target, run)

        for start in source.start_urls:
            queue, seen = [start], {start}
            for _ in range(source.max_pages):
                if not queue:
                    break
                result = get(queue.pop(0), "listing")
                if result is None:
                    continue
                page_links = discovery.links(result.content, result.landed_at, result.charset)
                found.update(dict.fromkeys(link.url for link in page_links if source.is_article(link.url)))
                for url in discovery.next_pages(page_links, result.landed_at, source.is_article):
                    if url not in seen:
                        seen.add(url)
                        queue.append(url)
        for feed in source.feeds:
            result = get(feed, "feed")
            if result is not None:
                found.update(dict.fromkeys(_parsed(discovery.feed_links, result, run)))
        sitemaps, read = list(source.sitemaps), 0
        while sitemaps and read < MAX_SITEMAPS:
            result, read = get(sitemaps.pop(0), "sitemap"), read + 1
            if result is not None:
                listed, children = _parsed(discovery.sitemap_links, result, run) or ([], [])
                found.update(dict.fromkeys(url for url in listed if source.is_article(url)))
                sitemaps.extend(url for url in children if in_scope(Target(url, "sitemap")))
        when = store.now()
        targets = [
            Target(url, "article")
            for url in found
            if in_scope(Target(url, "article")) and not fetch_state.waiting(db, url, when)
        ]
        retries = [t for t in fetch_state.due_retries(db, source.name, when) if t.url not in found]
        run.discovered += len(targets) + len(retries)
        return Discovery(targets + retries, pages)
    finally:
        db.close()


def _in_scope(db, source: PortalSource, target: Target, run: runs.SourceRun) -> bool:
    """Whether a URL found is on the source's hosts; one that is not is recorded as skipped."""
    reason = source.scope.refuses(target.url)
    if reason:
        fetch_state.record_skipped(db, source.name, target, reason)
        run.skipped.append(f"{target.url}: {reason}")
    return reason is None


def _parsed(reader, result: FetchResult, run: runs.SourceRun):
    try:
        return reader(result.content, result.url)
    except ValueError as error:
        run.fail(str(error))
        return None


def fetch_batch(
    fetcher: Fetcher, targets: list[Target], db_path: str | Path, scope: Scope | None = None
) -> list[Fetched]:
    """Fetch documents, conditionally for every URL fetched before, within `scope` (a source's)."""
    db = store.open_db(db_path)
    try:
        known = fetch_state.validators(db, [t.url for t in targets])
    finally:
        db.close()
    results = fetcher.fetch_all([(t.url, known.get(t.url)) for t in targets], scope)
    return [Fetched(target, result) for target, result in zip(targets, results)]


def attachment_targets(
    fetched: list[Fetched], db_path: str | Path, run: runs.SourceRun, source: PortalSource | None = None
) -> list[Target]:
    """The documents that freshly fetched articles link to, not yet waiting for a retry; with
    `source`, those off its hosts are recorded as skipped instead."""
    db = store.open_db(db_path)
    try:
        when, found = store.now(), {}
        for item in fetched:
            result = item.result
            if item.target.kind != "article" or result.status != "ok" or "html" not in (result.content_type or "html"):
                continue
            for url in discovery.attachments(result.content, result.landed_at, result.charset):
                target = Target(url, "attachment", item.target.url)
                if url in found or (source is not None and not _in_scope(db, source, target, run)):
                    continue
                if not fetch_state.waiting(db, url, when):
                    found[url] = target
        run.discovered += len(found)
        return list(found.values())
    finally:
        db.close()


def documents(fetched: list[Fetched], source: PortalSource) -> list[PortalDocument]:
    """The fetched bodies (200 answers) as inputs for `ingest.process_batch`."""
    return [
        PortalDocument(f.target.url, source.name, source.province, f.result.content, f.result.charset)
        for f in fetched
        if f.result.status == "ok"
    ]


def record_batch(
    fetched: list[Fetched],
    outcomes: list[steps.Outcome],
    source: PortalSource,
    db_path: str | Path,
    run: runs.SourceRun,
    policy: RetryPolicy = RetryPolicy(),
) -> None:
    """Remember validators and hashes of what was fetched and stored, record failures
    (fetch or parse) for a later retry, and link attachments to their articles. Listing
    pages, feeds and sitemaps are remembered too but not counted as documents."""
    by_url = {outcome.url: outcome for outcome in outcomes}
    db = store.open_db(db_path)
    try:
        for item in fetched:
            target, result = item.target, item.result
            outcome = by_url.get(target.url)
            if result.status == "failed":
                fetch_state.record_failure(
                    db, source.name, target, result.reason or "failed", result.http_status, policy
                )
                run.fail(f"{target.url}: {result.reason}")
                continue
            if target.kind in PAGE_KINDS:
                fetch_state.record_fetched(db, source.name, target.kind, result)
                continue
            run.fetched += result.status == "ok"
            if outcome is not None and outcome.status == "failed":
                # validators are not kept, so the retry fetches the body again and re-parses it
                fetch_state.record_failure(
                    db, source.name, target, outcome.document["error"], result.http_status, policy
                )
                run.fail(outcome.document["error"])
            elif result.status == "not_modified":
                run.not_modified += 1
                fetch_state.record_fetched(db, source.name, target.kind, result)
            else:
                fetch_state.record_fetched(
                    db, source.name, target.kind, result, sha256(result.content), store.stable_id(target.url)
                )
                if outcome is not None:
                    setattr(run, outcome.status, getattr(run, outcome.status) + 1)
            if target.parent_url:  # a document stored with status 'error' is linked too
                fetch_state.link_attachment(db, target.parent_url, target.url)
    finally:
        db.close()


@dataclass(frozen=True)
class Steps:
    """The steps of one source's ingest; the Prefect flow swaps in its task-wrapped versions."""

    discover: Callable = discover
    fetch: Callable = fetch_batch
    process: Callable = steps.process_batch
    store: Callable = steps.store_batches
    record: Callable = record_batch
    index: Callable = steps.index_stored


def ingest_source(
    source: PortalSource,
    fetcher: Fetcher,
    db_path: str | Path,
    policy: RetryPolicy = RetryPolicy(),
    do: Steps = Steps(),
) -> runs.SourceRun:
    """One source, start to finish: discover, fetch articles then their attachments,
    process, store, record, index for search. Any error ends this source's run, not the others'."""
    run = runs.start(db_path, source.name)
    try:
        found = do.discover(source, fetcher, db_path, run)
        articles = do.fetch(fetcher, found.targets, db_path, source.scope)
        fetched = articles + do.fetch(
            fetcher, attachment_targets(articles, db_path, run, source), db_path, source.scope
        )
        processed = do.process(documents(fetched, source), str(db_path))
        do.store([processed], str(db_path))
        do.record(found.pages + fetched, processed.outcomes, source, db_path, run, policy)
        do.index(str(db_path))
    except Exception as error:  # one broken portal must not stop the others; the run row says why
        run.fail(f"{source.name}: {type(error).__name__}: {error}")
    finally:
        runs.finish(db_path, run)
    return run


def ingest_sources(
    sources: list[PortalSource],
    db_path: str | Path,
    settings: FetchSettings | None = None,
    policy: RetryPolicy = RetryPolicy(),
    wait: float = 0.0,
    on_source=None,
    do: Steps = Steps(),
) -> list[runs.SourceRun]:
    """Every source in turn with one polite client, holding the database's lock (waiting
    up to `wait` seconds for another run); `on_source(run)` after each source."""
    done = []
    with lock.exclusive(db_path, wait), Fetcher(settings) as fetcher:
        for source in sources:
            done.append(ingest_source(source, fetcher, db_path, policy, do))
            if on_source:
                on_source(done[-1])
    return done
