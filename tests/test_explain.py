"""`directives explain`: a document's spans with their rule ids, in the terminal and as HTML;
the parties view and assignees on a real fixture."""

import pytest
import sqlite_utils
from click.testing import CliRunner
from conftest import FIXTURES

from pipeline.cli import cli
from pipeline.ingest.files import discover
from pipeline.ingest.steps import ingest
from pipeline.research.explain import DocumentNotFound, explain, to_html, to_rich


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("explain") / "d.db"
    ingest(discover([FIXTURES / "kehoach-12-langson.html"]), db_path)
    return db_path


def test_spans_carry_rule_ids_in_text_order(fixture_db):
    document, spans = explain(fixture_db, "kehoach-12-langson.html")
    assert document["name"] == "kehoach-12-langson.html"
    text = document["text"]
    found = {(s.kind, text[s.start : s.end], s.rule_id) for s in spans if s.kind != "task"}
    assert {
        ("indicator", "95% trở lên", "ind.percent+cmp.tro_len"),
        ("indicator", "10 xã", "ind.unit_lexicon+kind.phan_dau"),
        ("indicator", "5.835 tỷ đồng", "ind.money+cmp.it_nhat+kind.phan_dau"),
        ("deadline", "trước ngày 30/11/2021", "deadline.day+end.truoc_ngay"),
        ("deadline", "trong quý II/2021", "deadline.quarter+within.trong"),
        ("citation", "Nghị quyết số 101-NQ/TU ngày 12/12/2019", "cite.coded_number"),
        ("party", "Cục Thuế tỉnh", "body.cuc_thue_tinh"),
    } <= found
    assert [s.start for s in spans] == sorted(s.start for s in spans)


def test_terminal_and_html_show_every_span(fixture_db):
    document, spans = explain(fixture_db, "kehoach-12")
    rendered = to_rich(document["text"], spans).plain
    page = to_html(document, spans)
    for span in spans:
        assert span.rule_id in rendered and span.rule_id in page
    assert rendered.count("⟨ind.percent+cmp.tro_len: 95 % >= target") == 1
    # the step that decided the kind, and the cues that decided comparator and kind
    assert rendered.count("⟨ind.percent+cmp.tro_len: 95 % >= target [clause_cue] · ") == 1
    assert rendered.count("⟨ind.money+cmp.it_nhat+kind.phan_dau: 5835 tỷ đồng >= target [clause_cue] · ") == 1
    assert page.count('<sup class="indicator">ind.money+cmp.it_nhat+kind.phan_dau</sup>') == 1
    # and the step that decided each name (name_basis)
    assert "· giải ngân vốn đầu tư công [words_before] ·" in rendered
    assert "· xã đạt chuẩn nông thôn mới [counted_noun] ·" in rendered
    assert "· thu ngân sách nhà nước [quantity_before] ·" in rendered
    assert page.startswith("<!DOCTYPE html>") and page.count('<sup class="indicator">') == 3
    assert "[1. → Sở Kế hoạch và Đầu tư]" in page


def test_unknown_or_ambiguous_document_is_named(fixture_db):
    with pytest.raises(DocumentNotFound, match="nope: no document with this id, URL or name"):
        explain(fixture_db, "nope")
    result = CliRunner().invoke(cli, ["explain", "nope", "--db", str(fixture_db)])
    assert result.exit_code == 1 and "nope: no document" in result.output


def test_cli_writes_a_page(fixture_db, tmp_path):
    page = tmp_path / "k.html"
    result = CliRunner().invoke(
        cli, ["explain", "kehoach-12-langson.html", "--db", str(fixture_db), "--html", str(page)]
    )
    assert result.exit_code == 0, result.output
    assert "Nghị quyết số 101-NQ/TU ngày 12/12/2019" in page.read_text(encoding="utf-8")


def test_cli_shows_the_cue_ids_of_each_row(fixture_db):
    result = CliRunner().invoke(cli, ["explain", "kehoach-12-langson.html", "--db", str(fixture_db)])
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())  # the terminal wraps long lines
    assert shown.count("⟨ind.unit_lexicon+kind.phan_dau: 10 xã = target [clause_cue] · ") == 1
    assert shown.count("⟨deadline.day+end.truoc_ngay: … – 2021-11-30⟩") == 1


def test_parties_view_and_assignees(fixture_db):
    db = sqlite_utils.Database(fixture_db)
    parties = [
        (r["party"], r["role"], r["task_id"] is not None) for r in db.query("SELECT * FROM parties ORDER BY start")
    ]
    assert parties == [
        ("Sở Kế hoạch và Đầu tư", "assignee", True),
        ("Sở Nông nghiệp và Phát triển nông thôn", "assignee", True),
        ("Cục Thuế tỉnh", "assignee", True),
    ]
    assert [(r["label"], r["assignee"]) for r in db.query("SELECT label, assignee FROM tasks ORDER BY start")] == [
        ("1.", "Sở Kế hoạch và Đầu tư"),
        ("2.", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("a)", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("b)", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("3.", "Cục Thuế tỉnh"),
    ]
    indicators = [
        (r["name"], r["category"], r["period_end"], r["assignee"])
        for r in db.query("SELECT * FROM indicators ORDER BY start")
    ]
    assert indicators == [
        ("giải ngân vốn đầu tư công", "giải ngân/đầu tư công", "2021-12-31", "Sở Kế hoạch và Đầu tư"),
        ("xã đạt chuẩn nông thôn mới", "nông thôn mới", "2021-12-31", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("thu ngân sách nhà nước", "ngân sách", "2021-12-31", "Cục Thuế tỉnh"),
    ]  # the title's year


def test_migration_upgrades_a_version_1_database(tmp_path):
    from pipeline import store

    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    store.migrations._migration_1(db)
    db.execute("PRAGMA user_version = 1")
    db.close()
    upgraded = store.open_db(path)
    assert {"assignee"} <= set(upgraded["tasks"].columns_dict)
    assert {"category", "assignee", "name", "value"} <= set(upgraded["indicators"].columns_dict)
    assert set(upgraded["parties"].columns_dict) >= {"document_id", "party", "role", "task_id", "rule_id"}
