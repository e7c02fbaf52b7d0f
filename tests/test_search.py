"""Vietnamese full-text search: exact and accent-free, phrases, filters, kept in sync."""

import shutil

import pytest
from click.testing import CliRunner
from conftest import SEEDS

from pipeline.store import search
from pipeline import store
from pipeline.cli import cli
from pipeline.ingest.steps import ingest, process_batch, store_batches
from pipeline.ingest.files import discover


@pytest.fixture(scope="module")
def db(bundled_db):
    database = store.open_db(bundled_db)
    yield database
    database.close()


def _matched(hits):
    return {hit.text[s:e].lower() for hit in hits for s, e in hit.spans}


@pytest.mark.parametrize("text, folded", [("Đồng Nai", "Dong Nai"), ("tỉnh ủy", "tinh uy"),
                                          ("Khánh Hòa", "Khanh Hoa"), ("mới môi", "moi moi")])
def test_folding_removes_every_diacritic_and_keeps_length(text, folded):
    assert search.fold_accents(text) == folded


def test_folding_many_texts_at_once_is_folding_each():
    texts = ["Đồng Nai", "", "ascii only", "Thừa Thiên Huế\n", "Ωμέγα ǅ 𝐀 ０", "tỉnh ủy"]
    assert search.fold_accents_all(texts) == [search.fold_accents(text) for text in texts]


@pytest.mark.parametrize("text, folded", [("hoà thuỷ quý", "hòa thủy quý"), ("Khánh Hoà, HOÀ", "Khánh Hòa, HÒA"),
                                          ("hoàng", "hoàng"), ("qoà", "qoà")])
def test_tones_move_to_the_old_style_place(text, folded):
    assert search.exact_form(text) == folded


def test_exact_search_keeps_tones_apart(db):
    tinh = search.search(db, "tỉnh", limit=100)
    assert _matched(tinh) == {"tỉnh"}
    assert len({hit.document for hit in tinh if hit.kind == "document"}) == 5
    assert search.search(db, "tính", limit=100) == []
    assert _matched(search.search(db, "mới", limit=100)) == {"mới"}
    assert search.search(db, "môi") == []


def test_accent_free_search_ignores_every_diacritic(db):
    hits = search.search(db, "moi", accents=False, limit=100)
    assert _matched(hits) == {"mới", "mọi", "mỗi"}
    assert "tỉnh" in _matched(search.search(db, "tinh", accents=False, limit=100))
    assert len(search.search(db, "giai ngan", accents=False)) == len(search.search(db, "giải ngân")) == 5


def test_a_query_is_a_phrase_of_syllables_in_order(db):
    assert _matched(search.search(db, "nông thôn mới", limit=100)) == {"nông thôn mới"}
    assert search.search(db, "ngân giải") == []
    both = search.search(db, '"nong thon" xa', accents=False, limit=100)
    assert {"nong thon", "xa"} <= {search.fold_accents(m) for m in _matched(both)}


def test_tone_placement_does_not_matter(db):
    assert _matched(search.search(db, "hoà")) == {"hòa"}


def test_province_and_date_filters(db):
    hits = search.search(db, "giải ngân", province="Thái Nguyên")
    assert {(hit.document, hit.province) for hit in hits} == {("001_d93671f2cbad73a6.txt", "Bắc Kạn")}
    assert {hit.published_date >= "2021-01-01" for hit in search.search(db, "tỉnh", since="2021-01-01")} == {True}


def test_index_follows_reingest_and_corrections(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    seed = folder / "seed.txt"
    shutil.copy(SEEDS / "004_779c34460cddf585.txt", seed)
    db_path = tmp_path / "d.db"
    ingest(discover([folder]), db_path)
    db = store.open_db(db_path)
    assert search.search(db, "giải ngân")
    assert search.search(db, "xyzmới") == []
    seed.write_text("Hội nghị giao ban.\n\nTỉnh ủy yêu cầu đẩy nhanh xyzmới.\n", encoding="utf-8")
    ingest(discover([folder]), db_path)
    assert search.search(db, "giải ngân") == []
    assert [hit.kind for hit in search.search(db, "xyzmới")] == ["document"]
    with db.conn:
        db.execute("UPDATE documents SET title = 'Kế hoạch sửa tay'")
        search.refresh_search(db, store.stable_id(discover([folder])[0].url))
    assert len(search.search(db, "sửa tay")) == 1
    db.close()


def test_documents_stored_are_indexed_from_a_queue_even_after_an_interruption(tmp_path):
    """A batch is stored without waiting for the index; the ingest indexes the queue at its
    end, and a search indexes what an interrupted ingest left queued."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / "004_779c34460cddf585.txt", folder / "seed.txt")
    db_path = tmp_path / "d.db"
    store.open_db(db_path).close()
    store_batches([process_batch(discover([folder]), db_path)], db_path)  # as if the run stopped here
    db = store.open_db(db_path)
    assert db.execute("SELECT count(*) FROM search_index_pending").fetchone()[0] == 1
    assert search.search(db, "giải ngân") == []
    db.close()
    result = CliRunner().invoke(cli, ["search", "giải ngân", "--db", str(db_path), "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert "seed.txt" in result.output and result.output.rstrip().endswith("1 hit(s)")
    db = store.open_db(db_path)
    assert db.execute("SELECT count(*) FROM search_index_pending").fetchone()[0] == 0
    db.close()


def test_cli_prints_hits_with_context(bundled_db):
    result = CliRunner().invoke(cli, ["search", "giai ngan", "--no-accents", "--db", str(bundled_db),
                                      "--province", "Bắc Kạn", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert "001_d93671f2cbad73a6.txt · Bắc Kạn · 2020-10-09 · task" in result.output
    assert "giải ngân số kế hoạch vốn" in result.output
    assert result.output.rstrip().endswith("1 hit(s)")


def _cli_search(bundled_db, *arguments):
    result = CliRunner().invoke(cli, ["search", *arguments, "--db", str(bundled_db), "--limit", "100"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    return lines[0], [line for line in lines if " · " in line], lines[-1]


def test_a_query_without_diacritics_searches_without_them_and_says_so(db, bundled_db):
    first, hits, last = _cli_search(bundled_db, "giai ngan")
    assert first == ('Searching without diacritics, as the query has none: "giai ngan" matches the words written '
                     "with any diacritics (đ = d); --exact matches them as typed.")
    exact = search.search(db, "giải ngân", limit=100)
    assert _matched(exact) == {"giải ngân"} and last == f"{len(exact)} hit(s)" == "5 hit(s)"
    assert hits == [f"{h.document} · {h.province or '-'} · {h.published_date or '-'} · {h.kind}" for h in exact]
    assert _matched(search.search(db, "giai ngan", limit=100)) == {"giải ngân"}  # the library's default too


def test_a_query_with_diacritics_stays_exact(db, bundled_db):
    first, _, last = _cli_search(bundled_db, "tính")
    assert (first, last) == ("Exact search (the query has diacritics): diacritics must match; --no-accents "
                             "ignores them.", "0 hit(s)")
    tinh = search.search(db, "tỉnh", limit=100)
    assert _cli_search(bundled_db, "tỉnh")[2] == f"{len(tinh)} hit(s)" and _matched(tinh) == {"tỉnh"}


def test_exact_and_no_accents_force_either_way(db, bundled_db):
    for flag in ("--exact", "--accents"):
        first, hits, last = _cli_search(bundled_db, "giai ngan", flag)
        assert first.startswith("Exact search (--exact)") and (hits, last) == ([], "0 hit(s)")
    first, _, last = _cli_search(bundled_db, "tính", "--no-accents")
    assert first.startswith('Searching without diacritics (--no-accents): "tinh"')
    assert last == f"{len(search.search(db, 'tinh', accents=False, limit=100))} hit(s)" != "0 hit(s)"
