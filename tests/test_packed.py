"""Rows packed into a database image by the process that extracted them, copied by the writer."""

import pickle

import pytest
import sqlite_utils
from conftest import FIXTURES, SEEDS

from pipeline.store import packed
from pipeline import store
from pipeline.ingest.steps import batches, process, process_batch, store_batches
from pipeline.settings import raw_dir_for
from pipeline.ingest.files import discover


def test_the_store_holds_the_rows_extraction_made_in_the_order_made(tmp_path):
    path = tmp_path / "d.db"
    items = discover([SEEDS])
    unpacked = [process(item, None, raw_dir_for(path)) for item in items]
    processed = pickle.loads(pickle.dumps(process_batch(items, path)))  # as a worker process hands it over
    assert [(outcome.rows, outcome.pages, outcome.links) for outcome in processed.outcomes] == [({}, [], [])] * 5

    summary = store_batches([processed], path)

    db = sqlite_utils.Database(path)
    for key, table in store.ROW_TABLES.items():
        extracted = [row for outcome in unpacked for row in outcome.rows[table]]
        stored = list(db.query(f"SELECT * FROM [{table}] ORDER BY rowid"))
        assert [{column: row[column] for column in wanted} for row, wanted in zip(stored, extracted)] == extracted
        assert len(stored) == len(extracted) == summary.rows[key]
    assert summary.rows["indicators"] == 34
    links = [{**link, "from_document_id": outcome.document["id"]} for outcome in unpacked for link in outcome.links]
    stored_links = db.query("SELECT from_document_id, to_number, relation, start, [end] FROM document_links ORDER BY rowid")
    assert list(stored_links) == links
    assert db.execute("SELECT count(*) FROM document_bands").fetchone()[0] == 5 * 32


def test_more_batches_than_are_attached_at_once_are_stored_in_turn(tmp_path, monkeypatch):
    """The fixture plan's PDF repeats its DOCX (stored before it): it keeps its document row
    but none of its extracted rows or bands. (The HTML is a news item about the plan.)"""
    path = tmp_path / "d.db"
    monkeypatch.setattr(packed, "MAX_ATTACHED", 2)
    items = discover([SEEDS]) + [item for item in discover([FIXTURES])
                                 if item.name.startswith(("kehoach-12-langson", "truncated"))]
    processed = [process_batch(batch, path) for batch in batches(items, 1)]
    assert [batch.packed is None for batch in processed] == [False] * 8 + [True]  # truncated.pdf failed

    summary = store_batches(processed, path)

    assert dict(summary.documents) == {"new": 8, "failed": 1}
    db = sqlite_utils.Database(path)
    plan = {row["name"].rsplit(".")[-1]: row for row in db.query("SELECT name, id, canonical_id FROM documents "
                                                                  "WHERE name LIKE 'kehoach-12%'")}
    assert [plan[kind]["canonical_id"] for kind in ("docx", "html", "pdf")] == [plan["docx"]["id"], plan["html"]["id"],
                                                                              plan["docx"]["id"]]
    rows_by_document = dict(db.execute("SELECT document_id, count(*) FROM indicators_extracted GROUP BY document_id"))
    assert plan["pdf"]["id"] not in rows_by_document and plan["docx"]["id"] in rows_by_document
    assert sum(rows_by_document.values()) == summary.rows["indicators"]
    assert db.execute("SELECT count(DISTINCT document_id) FROM document_bands").fetchone()[0] == 7  # originals


def test_at_most_max_attached_images_are_attached(tmp_path):
    db = store.open_db(tmp_path / "d.db")
    image = packed.pack({"pages": [{"document_id": "a", "page": 1}, {"document_id": "a", "page": 2, "start": 0}]})
    assert image.startswith(b"SQLite format 3\x00")  # a database file's header
    with packed.attached(db, [image]) as schemas:
        assert db.execute(f"SELECT * FROM {schemas[0]}.pages").fetchall() == [("a", 1, None), ("a", 2, 0)]
    with pytest.raises(ValueError, match="9 images: at most 8"):
        with packed.attached(db, [image] * 9):
            pass
    assert [row[1] for row in db.execute("PRAGMA database_list") if row[1].startswith("packed")] == []
