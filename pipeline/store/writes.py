"""Writes of documents and rows, and the ids that make them stable across runs."""

import datetime as dt
import hashlib

import sqlite_utils

from pipeline.store import search
from pipeline.store.connection import transaction
from pipeline.store.schema import ROW_TABLES


def stable_id(*parts) -> str:
    """The same extraction gets the same id on every run: a hash of what identifies it."""
    return hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def known_version(db: sqlite_utils.Database, document_id: str) -> tuple[str, str, str] | None:
    """(content_sha256, extractor_version, status) of a stored document, if any."""
    row = db.execute("SELECT content_sha256, extractor_version, status FROM documents WHERE id = ?",
                     [document_id]).fetchone()
    return tuple(row) if row else None


def write_documents(db: sqlite_utils.Database, documents: list[dict]) -> None:
    """Write documents inside the caller's transaction, deleting the pages and extracted
    rows of those stored before (one DELETE per table), their new rows and search entries
    left to the caller. A document keeps the `ingested_at` of when it was first stored."""
    ingested = dict(execute_in(db, "SELECT id, ingested_at FROM documents WHERE id IN ({})",
                               [document["id"] for document in documents]))
    if ingested:
        for table in [*ROW_TABLES.values(), "pages"]:
            execute_in(db, f"DELETE FROM [{table}] WHERE document_id IN ({{}})", list(ingested))
    _upsert(db, "documents", [{**document, "ingested_at": ingested.get(document["id"], document["updated_at"])}
                              for document in documents])


def execute_in(db: sqlite_utils.Database, sql: str, values: list, chunk: int = 500) -> list[tuple]:
    """Run `sql` with its `IN ({})` filled, in chunks below SQLite's variable limit."""
    found = []
    for i in range(0, len(values), chunk):
        part = values[i:i + chunk]
        found += db.execute(sql.format(", ".join("?" * len(part))), part).fetchall()
    return found


def insert_rows(db: sqlite_utils.Database, table: str, rows: list[dict]) -> None:
    """One prepared INSERT for rows that share their keys (rows of one kind always do)."""
    for columns, group in by_columns(rows):
        db.conn.executemany(f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
                            f"VALUES ({', '.join('?' * len(columns))})", group)


def _upsert(db: sqlite_utils.Database, table: str, rows: list[dict]) -> None:
    """Insert or update by `id` in place (no delete, so rows that point at it stay valid)."""
    for columns, group in by_columns(rows):
        updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c != "id")
        db.conn.executemany(f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
                            f"VALUES ({', '.join('?' * len(columns))}) ON CONFLICT(id) DO UPDATE SET {updates}", group)


def by_columns(rows: list[dict]) -> list[tuple[tuple, list[tuple]]]:
    """Rows grouped by their keys, as (keys, value tuples)."""
    groups: dict[tuple, list[tuple]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(tuple(row.values()))
    return list(groups.items())


def record_failure(db: sqlite_utils.Database, document: dict) -> None:
    """Mark a document as failed (`error`, `needs_ocr`, `no_article`). A version stored before keeps its text and rows, and
    its old hash, so the next run tries again."""
    with transaction(db):
        existing = db.execute("SELECT 1 FROM documents WHERE id = ?", [document["id"]]).fetchone()
        if existing:
            db["documents"].update(document["id"], {"status": document["status"], "error": document["error"],
                                                    "updated_at": document["updated_at"]})
        else:
            db["documents"].insert({**document, "ingested_at": document["updated_at"]}, pk="id")
        search.refresh_search(db, document["id"])
