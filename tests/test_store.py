"""The store's connections: one held open for an ingest and lent to its writes."""

import shutil
import sqlite3
import threading

import pytest
from conftest import SEEDS

from pipeline import store
from pipeline.ingest.steps import batches, process_batch, store_and_index
from pipeline.ingest.files import discover


def test_a_held_store_lends_its_connection_to_the_writes_of_its_thread(tmp_path):
    path = tmp_path / "d.db"
    with store.held_open(path):
        with store.writer(path) as first, store.writer(tmp_path / "." / "d.db") as second:
            assert first is second
            assert first.execute("PRAGMA cache_size").fetchone()[0] == -store.WRITER_CACHE_KIB
            first.execute("CREATE TABLE t (x)")
        lent = []

        def write_elsewhere():
            with store.writer(path) as db:  # SQLite connections belong to their thread: a new one
                lent.append(db is first)
                with db.conn:
                    db.execute("INSERT INTO t VALUES (1)")

        thread = threading.Thread(target=write_elsewhere)
        thread.start()
        thread.join()
        assert lent == [False]
        assert first.execute("SELECT x FROM t").fetchall() == [(1,)]
    with pytest.raises(sqlite3.ProgrammingError):  # closed with the block
        first.execute("SELECT 1")
    with store.writer(path) as db:
        assert db is not first and db.execute("SELECT x FROM t").fetchall() == [(1,)]


def test_the_log_is_copied_into_the_database_after_each_batch_while_held(tmp_path):
    """An ingest holding the store copies each batch's write-ahead log into the database
    file beside its next batch's work: the file alone (what a backup copying only it
    would hold) has every batch once the next write may begin, and the log starts over
    instead of growing with the ingest."""
    path = tmp_path / "d.db"
    items = discover([SEEDS])
    with store.held_open(path):
        log_sizes = []
        for batch in batches(items, 1):
            store_and_index([process_batch(batch, path)], path)
            with store.writer(path):  # waits for the checkpoint
                shutil.copy(path, tmp_path / "file_alone.db")
            log_sizes.append((tmp_path / "d.db-wal").stat().st_size)
            copied = sqlite3.connect(tmp_path / "file_alone.db")
            assert copied.execute("SELECT count(*) FROM documents").fetchone()[0] == len(log_sizes)
            copied.close()
    assert len(log_sizes) == len(items) == 5
    assert log_sizes[-1] < 2 * max(log_sizes[:2])  # the log file is reused from its start, not appended to


def _counts(path) -> tuple:
    connection = sqlite3.connect(path)
    try:
        return tuple(connection.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]
                     for table in ("documents", *store.ROW_TABLES.values(), "pages"))
    finally:
        connection.close()


def test_a_write_that_fails_half_way_leaves_the_rows_it_was_replacing(tmp_path):
    """Replacing a stored document deletes its rows with one statement per table: inside
    `store.transaction` those deletes are undone with the rest when the write fails
    (sqlite-utils would have committed each of them on its own)."""
    path = tmp_path / "d.db"
    store_and_index([process_batch(discover([SEEDS]), path)], path)
    before = _counts(path)
    assert before[0] == 5 and before[2] > 0
    db = store.open_db(path)
    document = next(db.query("SELECT * FROM documents ORDER BY id LIMIT 1"))
    with pytest.raises(RuntimeError, match="disk full"):
        with store.transaction(db):
            store.write_documents(db, [{**document, "content_sha256": "new"}])
            raise RuntimeError("disk full")
    db.close()
    assert _counts(path) == before
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT count(*) FROM documents WHERE content_sha256 = 'new'").fetchone() == (0,)
    connection.close()


def test_a_migration_that_fails_leaves_the_schema_of_the_step_before(tmp_path, monkeypatch):
    path = tmp_path / "d.db"
    store.open_db(path).close()

    def half_done(db):
        db.execute("CREATE TABLE half (x)")
        db.execute("ALTER TABLE documents ADD COLUMN half TEXT")
        raise RuntimeError("killed")

    monkeypatch.setattr(store.schema, "MIGRATIONS", [*store.MIGRATIONS, half_done])
    with pytest.raises(RuntimeError, match="killed"):
        store.open_db(path)
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone() == (len(store.schema.MIGRATIONS) - 1,)
    assert connection.execute("SELECT name FROM sqlite_master WHERE name = 'half'").fetchall() == []
    assert "half" not in [row[1] for row in connection.execute("PRAGMA table_info(documents)")]
    connection.close()
