"""What portal ingest remembers between runs: URLs with their validators and hashes,
failed URLs with their retry schedule, and links from articles to attachments."""

import datetime as dt
from dataclasses import dataclass

import sqlite_utils

from pipeline import store
from pipeline.portal.fetch import FetchResult, Validators


@dataclass(frozen=True)
class RetryPolicy:
    """A failed URL is tried again on a later run after `first_delay` seconds, doubling
    each time, until it has failed `max_attempts` runs; then it is left alone."""

    first_delay: float = 6 * 3600.0
    max_attempts: int = 5


@dataclass(frozen=True)
class Target:
    """A URL to fetch as a document: an article, or an attachment of `parent_url`."""

    url: str
    kind: str
    parent_url: str | None = None


def validators(db: sqlite_utils.Database, urls: list[str]) -> dict[str, Validators]:
    """ETag / Last-Modified stored for the URLs seen before (those fetched successfully)."""
    found = {}
    for url in urls:
        row = db.execute("SELECT etag, last_modified FROM fetched_urls WHERE url = ?", [url]).fetchone()
        if row:
            found[url] = Validators(*row)
    return found


def waiting(db: sqlite_utils.Database, url: str, when: str) -> bool:
    """Whether a failed URL must not be fetched yet (its retry is later, or it was given up).
    A URL skipped as out of scope (no attempt) is not waiting: it is checked again each run."""
    row = db.execute("SELECT next_retry, attempts FROM fetch_failures WHERE url = ?", [url]).fetchone()
    return row is not None and row[1] > 0 and (row[0] is None or row[0] > when)


def due_retries(db: sqlite_utils.Database, source: str, when: str) -> list[Target]:
    """Failed articles and attachments of a source whose retry time has come."""
    rows = db.execute(
        "SELECT url, kind, parent_url FROM fetch_failures WHERE source = ? AND next_retry <= ? "
        "AND kind IN ('article', 'attachment') ORDER BY first_seen, url",
        [source, when],
    ).fetchall()
    return [Target(*row) for row in rows]


def record_fetched(
    db: sqlite_utils.Database,
    source: str,
    kind: str,
    result: FetchResult,
    content_sha256: str | None = None,
    document_id: str | None = None,
) -> None:
    """Remember a URL that answered 200 or 304, and clear any failure it had."""
    stamp = store.now()
    with store.transaction(db):
        old = db.execute("SELECT first_seen FROM fetched_urls WHERE url = ?", [result.url]).fetchone()
        row = {
            "url": result.url,
            "source": source,
            "kind": kind,
            "http_status": result.http_status,
            "first_seen": old[0] if old else stamp,
            "last_checked": stamp,
        }
        if result.status == "ok":
            row.update(
                etag=result.etag,
                last_modified=result.last_modified,
                last_fetched=stamp,
                content_sha256=content_sha256,
                document_id=document_id,
                final_url=result.final_url,
            )
        db.table("fetched_urls").upsert(row, pk="url")
        db.execute("DELETE FROM fetch_failures WHERE url = ?", [result.url])


def record_failure(
    db: sqlite_utils.Database, source: str, target: Target, reason: str, http_status: int | None, policy: RetryPolicy
) -> None:
    """Count one more failed run for a URL and schedule its next try (none past the limit)."""
    stamp = store.now()
    with store.transaction(db):
        old = db.execute("SELECT attempts, first_seen FROM fetch_failures WHERE url = ?", [target.url]).fetchone()
        attempts = (old[0] if old else 0) + 1
        next_retry = None
        if attempts < policy.max_attempts:
            delay = dt.timedelta(seconds=policy.first_delay * 2 ** (attempts - 1))
            next_retry = (dt.datetime.fromisoformat(stamp) + delay).isoformat(timespec="seconds")
        db.table("fetch_failures").upsert(
            {
                "url": target.url,
                "source": source,
                "kind": target.kind,
                "parent_url": target.parent_url,
                "reason": reason,
                "http_status": http_status,
                "attempts": attempts,
                "first_seen": old[1] if old else stamp,
                "last_seen": stamp,
                "next_retry": next_retry,
            },
            pk="url",
        )


def record_skipped(db: sqlite_utils.Database, source: str, target: Target, reason: str) -> None:
    """Record a URL found but not fetched (off the source's hosts), with why: no attempt was
    made and none is scheduled."""
    stamp = store.now()
    with db.conn:
        old = db.execute("SELECT first_seen FROM fetch_failures WHERE url = ?", [target.url]).fetchone()
        db.table("fetch_failures").upsert(
            {
                "url": target.url,
                "source": source,
                "kind": target.kind,
                "parent_url": target.parent_url,
                "reason": f"skipped: {reason}",
                "http_status": None,
                "attempts": 0,
                "first_seen": old[0] if old else stamp,
                "last_seen": stamp,
                "next_retry": None,
            },
            pk="url",
        )


def link_attachment(db: sqlite_utils.Database, parent_url: str, url: str) -> None:
    """Record that the article at `parent_url` links to the document at `url`."""
    from_id, to_id = store.stable_id(parent_url), store.stable_id(url)
    with store.transaction(db):
        present = db.execute("SELECT count(*) FROM documents WHERE id IN (?, ?)", [from_id, to_id]).fetchone()[0]
        if present == 2:
            db.table("document_links").upsert(
                {"from_document_id": from_id, "to_document_id": to_id, "relation": "attachment", "url": url},
                pk=("from_document_id", "to_document_id", "relation"),
            )
