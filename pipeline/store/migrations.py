"""The migrations that build and update the store's schema, in order: `PRAGMA user_version`
is how many have run."""

import sqlite_utils

from pipeline.store import correction_tables as correction_schema
from pipeline.store import duplicates, search, views
from pipeline.store.schema import _COLUMNS, EXTRACTED, PARTY_COLUMNS


def _migration_1(db: sqlite_utils.Database) -> None:
    for table, columns in _COLUMNS.items():
        pk = "id" if "id" in columns else None
        foreign = [("document_id", "documents", "id")] if "document_id" in columns else None
        db.table(table).create(columns, pk=pk, foreign_keys=foreign, not_null={"id"} if pk else None)
    db.table("pages").create_index(["document_id", "page"], unique=True)
    db.table("documents").create_index(["url"], unique=True)
    for table in [f"{name}_extracted" for name in EXTRACTED] + ["quality_flags"]:
        db.table(table).create_index(["document_id"])
    for name in EXTRACTED:
        db.create_view(name, f"SELECT * FROM {name}_extracted")


def _migration_research(db: sqlite_utils.Database) -> None:
    """Researchers' views and the full-text index (pipeline/store/views.py, pipeline/store/search.py)."""
    views.create_views(db)
    search.create_index(db)


def _migration_corrections(db: sqlite_utils.Database) -> None:
    """Staff corrections: their tables, and public views that apply them (pipeline/store/correction_tables.py);
    the researchers' views are rebuilt over the new public views."""
    correction_schema.migrate(db)
    views.create_views(db)


def _migration_portal_state(db: sqlite_utils.Database) -> None:
    """What portal ingest remembers: URLs and their validators, failures to retry, links
    from articles to their attached documents, and one row per run and source."""
    if "fetched_urls" not in db.table_names():
        db.table("fetched_urls").create(
            {
                "url": str,
                "source": str,
                "kind": str,
                "document_id": str,
                "etag": str,
                "last_modified": str,
                "content_sha256": str,
                "http_status": int,
                "first_seen": str,
                "last_fetched": str,
                "last_checked": str,
            },
            pk="url",
        )
    if "fetch_failures" not in db.table_names():
        db.table("fetch_failures").create(
            {
                "url": str,
                "source": str,
                "kind": str,
                "parent_url": str,
                "reason": str,
                "http_status": int,
                "attempts": int,
                "first_seen": str,
                "last_seen": str,
                "next_retry": str,
            },
            pk="url",
        )
    if "document_links" not in db.table_names():
        db.table("document_links").create(
            {"from_document_id": str, "to_document_id": str, "relation": str, "url": str},
            pk=("from_document_id", "to_document_id", "relation"),
        )
        db.table("document_links").create_index(["to_document_id"])
    if "ingest_runs" not in db.table_names():
        db.table("ingest_runs").create(
            {
                "id": int,
                "started": str,
                "finished": str,
                "source": str,
                "discovered": int,
                "fetched": int,
                "not_modified": int,
                "new": int,
                "changed": int,
                "unchanged": int,
                "failed": int,
                "errors": str,
            },
            pk="id",
        )


def _migration_real_documents(db: sqlite_utils.Database) -> None:
    """How the text was read (OCR, per-page confidence), the document's own identity,
    links between documents, and near-duplicate signatures (docs/schema.md)."""
    documents = db.table("documents")
    for column in ("text_source", "doc_number", "doc_type", "issuer", "signed_date", "superseded_by", "canonical_id"):
        if column not in documents.columns_dict:
            documents.add_column(column, str)
    if "confidence" not in db.table("pages").columns_dict:
        db.table("pages").add_column("confidence", float)
    # document_links is shared with portal ingest (attachments): create it in the same
    # shape if absent, then add the columns that links by number need.
    if "document_links" not in db.table_names():
        db.table("document_links").create(
            {"from_document_id": str, "to_document_id": str, "relation": str, "url": str},
            pk=("from_document_id", "to_document_id", "relation"),
        )
        db.table("document_links").create_index(["to_document_id"])
    links = db.table("document_links")
    for column, kind in (("to_number", str), ("start", int), ("end", int)):
        if column not in links.columns_dict:
            links.add_column(column, kind)
    links.create_index(["to_number"], if_not_exists=True)
    if "document_signatures" not in db.table_names():
        db.table("document_signatures").create(
            {"document_id": str, "minhash": str}, pk="document_id", foreign_keys=[("document_id", "documents", "id")]
        )
    documents.create_index(["doc_number"], if_not_exists=True)


def _migration_parties(db: sqlite_utils.Database) -> None:
    """Indicator categories; the responsible body on tasks and indicators; the `parties` view."""
    for table, columns in (("tasks_extracted", ("assignee",)), ("indicators_extracted", ("category", "assignee"))):
        for column in columns:
            if column not in db.table(table).columns_dict:
                db.table(table).add_column(column, str)
    if "parties_extracted" not in db.table_names():
        db.table("parties_extracted").create(
            PARTY_COLUMNS, pk="id", not_null={"id"}, foreign_keys=[("document_id", "documents", "id")]
        )
        db.table("parties_extracted").create_index(["document_id"])
    if "parties" not in db.view_names():
        db.create_view("parties", "SELECT * FROM parties_extracted")
    correction_schema.create_views(db)  # the public views and the researchers' views pick up the new columns
    views.create_views(db)


def _migration_scaling(db: sqlite_utils.Database) -> None:
    """Lookups that must not scan every document: MinHash bands of each signature (a new
    document is compared with those sharing a band), document numbers as links match them."""
    if "document_bands" not in db.table_names():
        db.table("document_bands").create(
            {"document_id": str, "key": str}, foreign_keys=[("document_id", "documents", "id")]
        )
        db.table("document_bands").create_index(["key"])
        db.table("document_bands").create_index(["document_id"])
        db.table("document_bands").insert_all(
            {"document_id": document_id, "key": key}
            for document_id, stored in db.execute("SELECT document_id, minhash FROM document_signatures").fetchall()
            for key in duplicates.band_keys(duplicates.decode(stored))
        )
    db.execute("CREATE INDEX IF NOT EXISTS documents_doc_number_upper ON documents (upper(doc_number))")


def _migration_ordered_lookups(db: sqlite_utils.Database) -> None:
    """Lookups that do not grow with the store: each band row carries its document's
    ingested_at, so the documents sharing a band come out of one index oldest first
    (links.canonical_of reads the first few, not every copy of a much reposted article);
    partial indexes find the 'replaces' links and the documents marked replaced; the
    full-text entries of a document are found by its id (search.index_document_ids)."""
    if "ingested_at" not in db.table("document_bands").columns_dict:
        db.table("document_bands").add_column("ingested_at", str)
    db.execute("""UPDATE document_bands SET ingested_at = (
                      SELECT ingested_at FROM documents WHERE documents.id = document_bands.document_id)""")
    db.execute("CREATE INDEX IF NOT EXISTS document_bands_key_order ON document_bands (key, ingested_at, document_id)")
    db.execute("DROP INDEX IF EXISTS idx_document_bands_key")  # a prefix of the one above
    db.execute(
        "CREATE INDEX IF NOT EXISTS document_links_replaces ON document_links (to_document_id) "
        "WHERE relation = 'replaces'"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS documents_superseded ON documents (superseded_by) WHERE superseded_by IS NOT NULL"
    )
    search.index_document_ids(db)


def _migration_universal_minhash(db: sqlite_utils.Database) -> None:
    """Signatures by a universal hash family: those stored before were drawn from nearly
    monotone functions, so texts sharing a few phrases were taken for copies (estimates of
    0.9 where the shingle sets overlapped by 0.06). Signatures and bands are recomputed from
    the stored texts; a document taken for a copy of one it is not alike enough now becomes
    its own original, with its hash and its URL's validators forgotten so the next ingest
    extracts it again (a copy was stored without extracted rows)."""
    db.execute("DELETE FROM document_bands")
    db.execute("DELETE FROM document_signatures")
    signatures = {}
    for document_id, text, ingested_at in db.execute(
        "SELECT id, text, ingested_at FROM documents WHERE text IS NOT NULL"
    ):
        signature = duplicates.signature(text)
        if signature is None:
            continue
        signatures[document_id] = signature
        db.execute(
            "INSERT INTO document_signatures (document_id, minhash) VALUES (?, ?)",
            [document_id, duplicates.encode(signature)],
        )
        db.conn.executemany(
            "INSERT INTO document_bands (document_id, key, ingested_at) VALUES (?, ?, ?)",
            [(document_id, key, ingested_at) for key in duplicates.band_keys(signature)],
        )
    copies = db.execute("SELECT id, url, canonical_id FROM documents WHERE canonical_id != id").fetchall()
    for document_id, url, original in copies:
        mine, theirs = signatures.get(document_id), signatures.get(original)
        if mine and theirs and duplicates.similarity(mine, theirs) >= duplicates.THRESHOLD:
            continue
        db.execute("UPDATE documents SET canonical_id = id, content_sha256 = NULL WHERE id = ?", [document_id])
        db.execute("DELETE FROM document_links WHERE from_document_id = ? AND relation = 'duplicate_of'", [document_id])
        db.execute(
            "UPDATE fetched_urls SET etag = NULL, last_modified = NULL, content_sha256 = NULL WHERE url = ?", [url]
        )


def _migration_search_queue(db: sqlite_utils.Database) -> None:
    """Documents are indexed for search after their batch is stored, from a queue
    (search.queue_documents, search.catch_up)."""
    search.create_queue(db)


def _migration_bands_without_rowid(db: sqlite_utils.Database) -> None:
    """MinHash bands in one b-tree ordered as links.canonical_of reads them (key,
    ingested_at, document_id), not a table and two indexes: one random insert per band
    instead of three, so storing slows less as the store grows. A document's bands
    are deleted by their keys, recomputed from its stored signature (links.store_links)."""
    # copied aside and back, not renamed: ALTER TABLE RENAME re-parses every view, and
    # SQLite rejects the parenthesised join of targets_vs_results there (not when queried)
    db.execute(
        "CREATE TEMP TABLE bands_copy AS SELECT key, coalesce(ingested_at, '') AS ingested_at, document_id "
        "FROM document_bands"
    )
    db.execute("DROP TABLE document_bands")
    db.execute("""CREATE TABLE document_bands (
                      key TEXT NOT NULL, ingested_at TEXT NOT NULL,
                      document_id TEXT NOT NULL REFERENCES documents(id),
                      PRIMARY KEY (key, ingested_at, document_id)) WITHOUT ROWID""")
    db.execute("INSERT OR IGNORE INTO document_bands SELECT key, ingested_at, document_id FROM bands_copy")
    db.execute("DROP TABLE bands_copy")


def _migration_link_numbers(db: sqlite_utils.Database) -> None:
    """What links.resolve looks up by number (upper case) without reading every row: the
    unresolved links a newly stored document's number resolves, and the oldest document
    carrying a number (first in the index, not sorted out of every repost carrying it)."""
    db.execute("CREATE INDEX IF NOT EXISTS document_links_to_number_upper ON document_links (upper(to_number))")
    db.execute(
        "CREATE INDEX IF NOT EXISTS documents_doc_number_upper_order ON documents (upper(doc_number), ingested_at)"
    )
    db.execute("DROP INDEX IF EXISTS documents_doc_number_upper")  # a prefix of the one above


def _migration_integer_bands(db: sqlite_utils.Database) -> None:
    """Bands as (key, document_id), the key a 64-bit integer (duplicates.band_keys) that
    the workers compute, and for originals only: a copy is found through its original, so
    reposts add no bands, and candidates are few enough to be put oldest first after they
    are found (links.canonical_ids). Rows a third of the size they were: fewer pages of
    the index written per batch."""
    db.execute("DROP TABLE document_bands")
    db.execute("""CREATE TABLE document_bands (
                      key INTEGER NOT NULL, document_id TEXT NOT NULL REFERENCES documents(id),
                      PRIMARY KEY (key, document_id)) WITHOUT ROWID""")
    originals = db.conn.execute("""SELECT s.document_id, s.minhash FROM document_signatures s
                                   JOIN documents d ON d.id = s.document_id
                                   WHERE coalesce(d.canonical_id, d.id) = d.id""")
    db.conn.executemany(
        "INSERT OR IGNORE INTO document_bands (key, document_id) VALUES (?, ?)",
        (
            (key, document_id)
            for document_id, minhash in originals
            for key in duplicates.band_keys(duplicates.decode(minhash))
        ),
    )


def _migration_bands_unchecked(db: sqlite_utils.Database) -> None:
    """Bands without a foreign key: SQLite looked each band row's document up in `documents`
    as it went in (32 look-ups per original, a twelfth of storing a batch). Bands are
    written and deleted only with their document's signature, in the transaction that
    stores the document (links.store_links), so the check found nothing to refuse."""
    db.execute("CREATE TEMP TABLE bands_copy AS SELECT key, document_id FROM document_bands")
    db.execute("DROP TABLE document_bands")
    db.execute("""CREATE TABLE document_bands (key INTEGER NOT NULL, document_id TEXT NOT NULL,
                                               PRIMARY KEY (key, document_id)) WITHOUT ROWID""")
    db.execute("INSERT INTO document_bands SELECT key, document_id FROM bands_copy")
    db.execute("DROP TABLE bands_copy")


def _migration_kind_basis_recurrence(db: sqlite_utils.Database) -> None:
    """`indicators.kind_basis`: the step of the kind decision list that decided a figure's
    kind; `deadlines.recurrence`: how often a recurring deadline falls (no interval then)."""
    for table, column in (("indicators_extracted", "kind_basis"), ("deadlines_extracted", "recurrence")):
        if column not in db.table(table).columns_dict:
            db.table(table).add_column(column, str)
    correction_schema.create_views(db)
    views.create_views(db)


def _migration_final_url(db: sqlite_utils.Database) -> None:
    """`fetched_urls.final_url`: where a fetch landed after its redirects."""
    if "final_url" not in db.table("fetched_urls").columns_dict:
        db.table("fetched_urls").add_column("final_url", str)


def _migration_name_basis(db: sqlite_utils.Database) -> None:
    """`indicators.name_basis`: the step of the name rules that decided a figure's name."""
    if "name_basis" not in db.table("indicators_extracted").columns_dict:
        db.table("indicators_extracted").add_column("name_basis", str)
    correction_schema.create_views(db)
    views.create_views(db)


MIGRATIONS = [
    _migration_1,
    _migration_research,
    _migration_corrections,
    _migration_portal_state,
    _migration_real_documents,
    _migration_parties,
    _migration_scaling,
    _migration_ordered_lookups,
    _migration_universal_minhash,
    _migration_search_queue,
    _migration_bands_without_rowid,
    _migration_link_numbers,
    _migration_integer_bands,
    _migration_bands_unchecked,
    _migration_kind_basis_recurrence,
    _migration_final_url,
    _migration_name_basis,
]
