"""The SQLite store: schema and migrations, writes, links, duplicates, search index, views."""

from pipeline.store.connection import (
    CHECKPOINT_PAGES,
    WRITER_CACHE_KIB,
    checkpoint_beside,
    held_open,
    open_db,
    open_reader,
    transaction,
    writer,
)
from pipeline.store.schema import EXTRACTED, MIGRATIONS, PARTY_COLUMNS, ROW_TABLES
from pipeline.store.writes import (
    by_columns,
    execute_in,
    insert_rows,
    known_version,
    now,
    record_failure,
    stable_id,
    write_documents,
)

__all__ = [
    "CHECKPOINT_PAGES", "EXTRACTED", "MIGRATIONS", "PARTY_COLUMNS", "ROW_TABLES", "WRITER_CACHE_KIB",
    "by_columns", "checkpoint_beside", "execute_in", "held_open", "insert_rows", "known_version", "now",
    "open_db", "open_reader", "record_failure", "stable_id", "transaction", "write_documents", "writer",
]
