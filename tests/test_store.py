"""The store's connections: one held open for an ingest and lent to its writes."""

import sqlite3
import threading

import pytest

from pipeline import store


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
