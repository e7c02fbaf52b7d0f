"""Document identity, links resolved in any ingest order, and reposted copies stored once."""

import hashlib
import json
import shutil

import pytest
import sqlite_utils
from conftest import SEEDS, shared_path

from pipeline.store import duplicates
from pipeline.store import links
from pipeline import store
from pipeline.parse.identity import identify, references
from pipeline.ingest.steps import ingest
from pipeline.ingest.files import discover

HEADER = ("VĂN PHÒNG CHÍNH PHỦ CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
          "Số: 63/CĐ-VPCP Hà Nội, ngày 11 tháng 01 năm 2026\nCÔNG ĐIỆN\n")


def test_identity_from_the_header():
    assert identify(HEADER) == identify(HEADER)
    own = identify(HEADER)
    assert (own.doc_number, own.doc_type, own.issuer, own.signed_date) == \
        ("63/CĐ-VPCP", "Công điện", "VĂN PHÒNG CHÍNH PHỦ", "2026-01-11")
    typed = identify("Công điện số 159/CĐ-TTg\nvề định hướng chỉ đạo")
    assert (typed.doc_number, typed.doc_type) == ("159/CĐ-TTg", "Công điện")


def test_relations_from_wording():
    text = HEADER + ("(Công điện này thay thế cho Công điện số 58/CĐ-VPCP ngày 10 tháng 01 năm 2026). "
                     "Thực hiện Kế hoạch số 36/KH-STP; sửa đổi, bổ sung Quyết định số 12/2024/QĐ-UBND; "
                     "theo Nghị quyết số 57-NQ/TW.")
    found = [(r.number, r.relation) for r in references(text, "63/CĐ-VPCP")]
    assert found == [("58/CĐ-VPCP", "replaces"), ("36/KH-STP", "implements"), ("12/2024/QĐ-UBND", "amends"),
                     ("57-NQ/TW", "cites")]


def test_replaced_document_ingested_later_is_still_linked(tmp_path):
    real = shared_path("corpus", "real")
    db_path = tmp_path / "d.db"
    ingest(discover([real / "006_vpcp-cd63-bcd-dulieu-thaythe.pdf"]), db_path)
    db = sqlite_utils.Database(db_path)
    assert [row["to_document_id"] for row in db.query("SELECT * FROM document_links WHERE relation = 'replaces'")] == [None]
    ingest(discover([real / "005_vpcp-cd58-bcd-dulieu.pdf"]), db_path)
    old = next(db.query("SELECT * FROM documents WHERE doc_number = '58/CĐ-VPCP'"))
    new = next(db.query("SELECT * FROM documents WHERE doc_number = '63/CĐ-VPCP'"))
    [link] = db.query("SELECT * FROM document_links WHERE relation = 'replaces'")
    assert (link["from_document_id"], link["to_document_id"]) == (new["id"], old["id"])
    assert old["superseded_by"] == new["id"]


def test_similarity_of_signatures():
    body = (SEEDS / "000_21784c90663ce49a.txt").read_text(encoding="utf-8")
    assert duplicates.similarity(duplicates.signature(body), duplicates.signature(body)) == 1.0
    other = (SEEDS / "001_d93671f2cbad73a6.txt").read_text(encoding="utf-8")
    assert duplicates.similarity(duplicates.signature(body), duplicates.signature(other)) < 0.1
    assert duplicates.signature("") is None


@pytest.mark.parametrize("text, digest", [
    (None, "8d703e896eb0378d"),  # a seed
    ("Ba từ thôi", "0e2df9e049177472"),  # fewer words than a shingle
    ("Chữ 𝐀 ngoài mặt phẳng cơ bản, số ２０２５ và ½ ly", "f3adfaa7a928bcef"),  # beyond the BMP, other digits
])
def test_signatures_stay_the_same_across_versions(text, digest):
    """Signatures are stored and compared with those of later runs: the values must not drift,
    and they are the minima of (a * h + b) mod p over the shingle hashes, as written plainly."""
    text = text or (SEEDS / "000_21784c90663ce49a.txt").read_text(encoding="utf-8")
    signature = duplicates.signature(text)
    prime = duplicates._PRIME
    assert signature == [min((int(a) * (h % prime) + int(b)) % prime for h in duplicates.shingles(text))
                         for a, b in zip(duplicates._A, duplicates._B)]
    assert hashlib.sha256(json.dumps(signature).encode()).hexdigest()[:16] == digest


@pytest.mark.parametrize("kept", [0.1, 0.5, 0.9])
def test_similarity_estimates_the_share_of_shingles(kept):
    """Two texts with a part in common: the estimate is near the Jaccard similarity of their
    shingle sets (128 permutations: within 0.15), however much they share. Signatures drawn
    from nearly monotone hash functions once estimated 0.9 for texts sharing 6% of shingles."""
    words = " ".join((SEEDS / name).read_text(encoding="utf-8") for name in
                     ("001_d93671f2cbad73a6.txt", "003_1716b84068ac115f.txt")).split()
    shared = int(len(words) * kept)  # the rest split in two: the Jaccard similarity is about `kept`
    first = " ".join(words[:shared] + words[shared:shared + (len(words) - shared) // 2])
    second = " ".join(words[:shared] + words[shared + (len(words) - shared) // 2:])
    a, b = duplicates.shingles(first), duplicates.shingles(second)
    exact = len(a & b) / len(a | b)
    estimate = duplicates.similarity(duplicates.signature(first), duplicates.signature(second))
    assert abs(estimate - exact) < 0.15, (estimate, exact)


def test_near_duplicates_share_a_band_and_unrelated_texts_do_not():
    body = (SEEDS / "000_21784c90663ce49a.txt").read_text(encoding="utf-8")
    repost = "Trang chủ > Tin tức\nCập nhật: 15/01/2021\n" + body.split("\n", 2)[2] + "\nNguồn: Báo Vĩnh Phúc"
    other = (SEEDS / "001_d93671f2cbad73a6.txt").read_text(encoding="utf-8")
    keys = set(duplicates.band_keys(duplicates.signature(body)))
    assert len(keys) == duplicates.BANDS
    assert duplicates.band_keys(duplicates.signature(body))[:2] == [5673909726672542066, 3247268814155542322]
    assert keys & set(duplicates.band_keys(duplicates.signature(repost)))
    assert not keys & set(duplicates.band_keys(duplicates.signature(other)))


def test_reposted_article_is_stored_once_with_its_copy_linked(tmp_path):
    folder = tmp_path / "portals"
    folder.mkdir()
    seed = SEEDS / "000_21784c90663ce49a.txt"
    shutil.copy(seed, folder / "a_original.txt")
    body = seed.read_text(encoding="utf-8").split("\n", 2)[2]  # without "Cập nhật: …" and "Xem cỡ chữ"
    (folder / "b_repost.txt").write_text(
        "Trang chủ > Tin tức > Thời sự\nCập nhật: 15/01/2021 08:00\nTăng cỡ chữ\n\n" + body
        + "\n\nNguồn: Báo Vĩnh Phúc\nBản quyền thuộc Cổng thông tin điện tử tỉnh", encoding="utf-8")
    db_path = tmp_path / "d.db"
    summary = ingest(discover([folder]), db_path)
    db = sqlite_utils.Database(db_path)
    documents = {row["name"]: row for row in db["documents"].rows}
    original, copy = documents["a_original.txt"], documents["b_repost.txt"]
    assert original["canonical_id"] == original["id"] and copy["canonical_id"] == original["id"]
    [link] = db.query("SELECT * FROM document_links WHERE relation = 'duplicate_of'")
    assert (link["from_document_id"], link["to_document_id"]) == (copy["id"], original["id"])
    counts = {name: db.execute("SELECT count(*) FROM indicators WHERE document_id = ?", [row["id"]]).fetchone()[0]
              for name, row in documents.items()}
    assert counts["b_repost.txt"] == 0 and counts["a_original.txt"] > 5
    assert summary.rows["indicators"] == counts["a_original.txt"]  # what was stored, the copy's rows not
    # The original re-ingested stays the original.
    (folder / "a_original.txt").write_text(seed.read_text(encoding="utf-8") + "\nNgọc Anh.", encoding="utf-8")
    ingest(discover([folder]), db_path)
    again = next(db.query("SELECT * FROM documents WHERE name = 'a_original.txt'"))
    assert again["canonical_id"] == again["id"]
    assert db.execute("SELECT count(*) FROM indicators WHERE document_id = ?", [again["id"]]).fetchone()[0] > 5


def test_documents_taken_for_copies_by_old_signatures_are_extracted_again(tmp_path):
    """Migration 9: a document a store of version 8 took for a copy of one it is not alike
    (old signatures overrated shared phrases) gets its own rows at the next ingest; a true
    copy stays a copy."""
    folder = tmp_path / "portals"
    folder.mkdir()
    seed = SEEDS / "000_21784c90663ce49a.txt"
    shutil.copy(seed, folder / "a_original.txt")
    body = seed.read_text(encoding="utf-8").split("\n", 2)[2]
    (folder / "b_repost.txt").write_text("Trang chủ > Tin tức\nCập nhật: 15/01/2021 08:00\n\n" + body, encoding="utf-8")
    shutil.copy(SEEDS / "001_d93671f2cbad73a6.txt", folder / "c_other.txt")
    db_path = tmp_path / "d.db"
    ingest(discover([folder]), db_path)
    db = sqlite_utils.Database(db_path)
    ids = {row["name"]: row["id"] for row in db["documents"].rows}
    other_indicators = db.execute("SELECT count(*) FROM indicators WHERE document_id = ?", [ids["c_other.txt"]]).fetchone()[0]
    assert other_indicators > 5
    # what a version-8 store could hold: c_other taken for a copy of a_original, without rows
    with db.conn:
        db.execute("UPDATE documents SET canonical_id = ? WHERE id = ?", [ids["a_original.txt"], ids["c_other.txt"]])
        db.execute("DELETE FROM indicators_extracted WHERE document_id = ?", [ids["c_other.txt"]])
        db.execute("INSERT INTO document_links (from_document_id, to_document_id, relation) VALUES (?, ?, 'duplicate_of')",
                   [ids["c_other.txt"], ids["a_original.txt"]])
        db.execute("UPDATE document_signatures SET minhash = '[1, 2, 3]'")
        db.execute("DROP TABLE document_bands")  # as version 8 kept them
        db.execute("CREATE TABLE document_bands (document_id TEXT REFERENCES documents(id), key TEXT, ingested_at TEXT)")
        db.execute("CREATE INDEX document_bands_key_order ON document_bands (key, ingested_at, document_id)")
        db.execute("PRAGMA user_version = 8")
    db.close()
    summary = ingest(discover([folder]), db_path)
    assert summary.documents == {"changed": 1, "unchanged": 2}
    db = sqlite_utils.Database(db_path)
    canonical = dict(db.execute("SELECT name, canonical_id FROM documents").fetchall())
    assert canonical == {"a_original.txt": ids["a_original.txt"], "b_repost.txt": ids["a_original.txt"],
                         "c_other.txt": ids["c_other.txt"]}
    assert db.execute("SELECT count(*) FROM indicators WHERE document_id = ?",
                      [ids["c_other.txt"]]).fetchone()[0] == other_indicators
    assert [tuple(row) for row in db.execute("SELECT from_document_id, to_document_id FROM document_links "
                                             "WHERE relation = 'duplicate_of'")] == \
        [(ids["b_repost.txt"], ids["a_original.txt"])]
    assert db.execute("SELECT count(*) FROM document_signatures WHERE minhash = '[1, 2, 3]'").fetchone()[0] == 0


def test_a_changed_document_keeps_only_its_new_bands(tmp_path):
    """Bands are deleted by the keys of the stored signature (the band table has no index
    by document): after a change, the document's bands are those of its new text."""
    folder = tmp_path / "in"
    folder.mkdir()
    seed = SEEDS / "000_21784c90663ce49a.txt"
    shutil.copy(seed, folder / "a.txt")
    shutil.copy(SEEDS / "001_d93671f2cbad73a6.txt", folder / "b.txt")
    db_path = tmp_path / "d.db"
    ingest(discover([folder]), db_path)

    def stored_bands():
        db = sqlite_utils.Database(db_path)
        found = {name: ({key for key, in db.execute("SELECT key FROM document_bands WHERE document_id = ?", [id_])},
                        set(duplicates.band_keys(duplicates.decode(db["document_signatures"].get(id_)["minhash"]))))
                 for name, id_ in db.execute("SELECT name, id FROM documents")}
        db.close()
        return found

    before = stored_bands()
    (folder / "a.txt").write_text(seed.read_text(encoding="utf-8").replace("2021", "2022"), encoding="utf-8")
    assert ingest(discover([folder]), db_path).documents == {"changed": 1, "unchanged": 1}
    after = stored_bands()
    assert after["a.txt"][0] == after["a.txt"][1] and after["b.txt"] == before["b.txt"]
    assert before["a.txt"][0] - after["a.txt"][0]  # some bands changed, and the old ones are gone
    db = sqlite_utils.Database(db_path)
    assert db.execute("SELECT count(*) FROM document_bands").fetchone()[0] == 2 * duplicates.BANDS


def test_migration_11_keeps_the_bands_in_one_ordered_table(tmp_path):
    """A version-10 store's bands (a table and two indexes, text keys) end in the WITHOUT
    ROWID table of integer keys; a repost ingested after the migrations is still found."""
    folder = tmp_path / "in"
    folder.mkdir()
    seed = SEEDS / "000_21784c90663ce49a.txt"
    shutil.copy(seed, folder / "a_original.txt")
    db_path = tmp_path / "d.db"
    db = sqlite_utils.Database(db_path)
    for migration in store.MIGRATIONS[:10]:
        migration(db)
    db.execute("PRAGMA user_version = 10")
    db.close()
    ingest(discover([folder]), db_path)  # migrates, then stores
    db = sqlite_utils.Database(db_path)
    kept = db.execute("SELECT key, document_id FROM document_bands ORDER BY key").fetchall()
    ingested_at = db.execute("SELECT ingested_at FROM documents").fetchone()[0]
    # back to version 10: the same rows in the old layout, keys as text
    with db.conn:
        db.execute("DROP TABLE document_bands")
        db.execute("CREATE TABLE document_bands (document_id TEXT REFERENCES documents(id), key TEXT, ingested_at TEXT)")
        db.execute("CREATE INDEX document_bands_key_order ON document_bands (key, ingested_at, document_id)")
        db.conn.executemany("INSERT INTO document_bands (key, ingested_at, document_id) VALUES (?, ?, ?)",
                            [(f"{n}:{key:x}", ingested_at, document_id) for n, (key, document_id) in enumerate(kept)])
        db.execute("PRAGMA user_version = 10")
    db.close()
    body = seed.read_text(encoding="utf-8").split("\n", 2)[2]
    (folder / "b_repost.txt").write_text("Trang chủ > Tin tức\n\n" + body, encoding="utf-8")
    summary = ingest(discover([folder]), db_path)
    assert summary.documents == {"new": 1, "unchanged": 1}
    db = sqlite_utils.Database(db_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(store.MIGRATIONS)
    assert "WITHOUT ROWID" in db.execute("SELECT sql FROM sqlite_master WHERE name = 'document_bands'").fetchone()[0]
    ids = dict(db.execute("SELECT name, id FROM documents").fetchall())
    # the original's bands recomputed from its signature; the copy has none
    assert db.execute("SELECT key, document_id FROM document_bands ORDER BY key").fetchall() == kept
    assert {document_id for _, document_id in kept} == {ids["a_original.txt"]}
    assert db.execute("SELECT canonical_id FROM documents WHERE id = ?",
                      [ids["b_repost.txt"]]).fetchone()[0] == ids["a_original.txt"]


def test_copies_store_no_bands_and_later_copies_find_the_original(tmp_path):
    """Only originals have bands (migration 13 drops a copy's; 14 keeps the rest, without a
    foreign key): copies of one article ingested run after run, two of them in one run, all
    name the first as their original."""
    folder = tmp_path / "in"
    folder.mkdir()
    seed = SEEDS / "000_21784c90663ce49a.txt"
    body = seed.read_text(encoding="utf-8").split("\n", 2)[2]
    shutil.copy(seed, folder / "a_original.txt")
    db_path = tmp_path / "d.db"
    ingest(discover([folder]), db_path)
    (folder / "b_repost.txt").write_text("Trang chủ > Tin tức\n\n" + body, encoding="utf-8")
    ingest(discover([folder]), db_path)
    for name in ("c_repost.txt", "d_repost.txt"):
        (folder / name).write_text(f"{name}\nCập nhật: 16/01/2021\n\n" + body + "\nNguồn: Báo Vĩnh Phúc", encoding="utf-8")
    assert ingest(discover([folder]), db_path).documents == {"new": 2, "unchanged": 2}
    db = sqlite_utils.Database(db_path)
    ids = dict(db.execute("SELECT name, id FROM documents").fetchall())
    assert dict(db.execute("SELECT name, canonical_id FROM documents").fetchall()) == \
        dict.fromkeys(["a_original.txt", "b_repost.txt", "c_repost.txt", "d_repost.txt"], ids["a_original.txt"])
    assert db.execute("SELECT DISTINCT document_id FROM document_bands").fetchall() == [(ids["a_original.txt"],)]
    assert db.execute("SELECT count(*) FROM document_bands").fetchone()[0] == duplicates.BANDS
    # a store of version 12 kept every document's bands: the migration keeps the original's
    signature = duplicates.decode(db["document_signatures"].get(ids["b_repost.txt"])["minhash"])
    with db.conn:
        db.conn.executemany("INSERT INTO document_bands (key, document_id) VALUES (?, ?)",
                            [(key, ids["b_repost.txt"]) for key in duplicates.band_keys(signature)])
        db.execute("PRAGMA user_version = 12")
    db.close()
    store.open_db(db_path).close()
    db = sqlite_utils.Database(db_path)
    assert db.execute("SELECT DISTINCT document_id FROM document_bands").fetchall() == [(ids["a_original.txt"],)]
    assert db.execute("SELECT count(*) FROM document_bands").fetchone()[0] == duplicates.BANDS
    assert db["document_bands"].foreign_keys == []  # since version 14: no look-up of the document per band row


def test_resolving_a_batch_does_not_read_the_unresolved_links_of_the_store(tmp_path):
    """A batch's links are resolved reading what its documents can change: the same work
    (SQLite virtual machine steps) beside 20 or 2,000 links that no document resolves,
    for a batch of one document and for a batch of 64 (with many ids to look up, SQLite
    had taken 'to_document_id IS NULL' for the cheaper way in: every unresolved link)."""
    db = store.open_db(tmp_path / "d.db")
    batch = ["a"] + [f"b{n}" for n in range(63)]

    def steps(unresolved: int, stored: list[str]) -> int:
        with db.conn:
            db.execute("DELETE FROM document_links")
            db.execute("DELETE FROM documents")
            db["documents"].insert_all([{"id": "x", "url": "u:x", "ingested_at": "2026-01-01"}]
                                       + [{"id": id_, "url": f"u:{id_}", "doc_number": "5/KH-UBND" if id_ == "a" else None,
                                           "ingested_at": "2026-01-02"} for id_ in batch])
            db["document_links"].insert_all([{"from_document_id": "x", "to_number": f"{n}/CV-UBND", "relation": "cites"}
                                             for n in range(unresolved)]
                                            + [{"from_document_id": "x", "to_number": "5/kh-ubnd", "relation": "replaces"}])
        count = [0]
        db.conn.set_progress_handler(lambda: count.__setitem__(0, count[0] + 1), 1)
        with db.conn:
            links.resolve(db, stored)
        db.conn.set_progress_handler(None, 1)
        assert db.execute("SELECT to_document_id FROM document_links WHERE relation = 'replaces'").fetchone()[0] == "a"
        assert db.execute("SELECT superseded_by FROM documents WHERE id = 'a'").fetchone()[0] == "x"
        return count[0]

    assert steps(2000, ["a"]) < 1.5 * steps(20, ["a"])
    assert steps(2000, batch) < 1.5 * steps(20, batch)
