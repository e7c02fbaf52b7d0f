"""Staff corrections: export a sheet, edit it as Excel or pandas would, import, re-extract.

Every test works on a real SQLite file made by a real ingest of documents written to a
temporary folder; rows are found by what they hold (value, text), not by hard-coded ids.
"""

import json
import shutil
import unicodedata

import pandas as pd
import pytest
import sqlite_utils
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.ingest.files import discover
from pipeline.ingest.steps import ingest
from pipeline.research.evaluate import evaluate
from pipeline.review.corrections import list_corrections
from pipeline.review.csvio import read_sheet
from pipeline.review.export import Filters, export
from pipeline.review.gold_export import to_gold
from pipeline.review.importer import import_sheet

URL = "https://ubnd.langson.gov.vn/kehoach-1"
HEAD = """UBND tỉnh Lạng Sơn ban hành Kế hoạch thực hiện nhiệm vụ năm 2021

Lạng Sơn, ngày 15 tháng 1 năm 2021

Thực hiện Nghị quyết số 42/NQ-CP của Chính phủ, UBND tỉnh giao các nhiệm vụ sau:

1. Phấn đấu giải ngân vốn đầu tư công đạt 95% trở lên, hoàn thành trước ngày 30/11/2021.

2. Phấn đấu có thêm 10 xã đạt chuẩn nông thôn mới trong năm 2021.
Ưu tiên các xã miền núi.

3. Thu ngân sách nhà nước đạt 5.835 tỷ đồng, báo cáo trước ngày 31/11/2021.
"""
ITEM_4 = "\n4. Kết nạp 1.200 đảng viên mới, hoàn thành trong quý II/2021.\n"
ITEM_4_CHANGED = "\n4. Trồng mới 300 ha rừng trong quý III/2021.\n"


def _write_corpus(folder, body: str):
    folder.mkdir(exist_ok=True)
    (folder / "kehoach-1.txt").write_text(body, encoding="utf-8")
    (folder / "manifest.tsv").write_text(
        f"file\turl\tsource\tprovince\nkehoach-1.txt\t{URL}\tlangson\tLạng Sơn\n", encoding="utf-8"
    )


@pytest.fixture(scope="module")
def pristine_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    _write_corpus(folder / "docs", HEAD + ITEM_4)
    db_path = folder / "pristine.db"
    summary = ingest(discover([folder / "docs"]), db_path)
    assert summary.documents["new"] == 1, summary.errors
    return folder


@pytest.fixture
def db_path(pristine_db, tmp_path):
    """A fresh copy of the ingested database, and the corpus folder beside it."""
    shutil.copytree(pristine_db / "docs", tmp_path / "docs")
    shutil.copy(pristine_db / "pristine.db", tmp_path / "d.db")
    return tmp_path / "d.db"


def _rows(db_path, view: str) -> list[dict]:
    return list(sqlite_utils.Database(db_path).query(f"SELECT * FROM [{view}] ORDER BY start"))


def _indicator(db_path, value: float) -> dict:
    return next(row for row in _rows(db_path, "indicators") if row["value"] == value)


def _log_count(db_path) -> int:
    return sqlite_utils.Database(db_path).execute("SELECT count(*) FROM corrections").fetchone()[0]


def _exported(db_path, tmp_path, category="indicators") -> pd.DataFrame:
    out = tmp_path / f"{category}.csv"
    export(db_path, category, out)
    return pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def _problems(result) -> list[str]:
    return [str(problem) for problem in result.plan.problems]


# Export


def test_views_keep_the_extracted_columns_and_add_corrected_at_the_end(db_path):
    db = sqlite_utils.Database(db_path)
    for name in ("tasks", "indicators", "deadlines", "citations"):
        extracted = [c.name for c in db[f"{name}_extracted"].columns]
        assert [c.name for c in db[name].columns] == extracted + ["corrected"]


def test_a_database_from_before_corrections_is_migrated(tmp_path):
    from pipeline import store

    db = sqlite_utils.Database(tmp_path / "old.db")
    store.MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db["documents"].insert({"id": "d1", "url": "u", "status": "ok"})
    db["citations_extracted"].insert({"id": "c1", "document_id": "d1", "number": "42/NQ-CP"})
    db.close()
    db = store.open_db(tmp_path / "old.db")
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(store.MIGRATIONS)
    assert [(r["id"], r["number"], r["corrected"]) for r in db.query("SELECT * FROM citations")] == [
        ("c1", "42/NQ-CP", None)
    ]


def test_export_is_utf8_with_bom_and_neutralizes_formula_cells(db_path, tmp_path):
    out = tmp_path / "indicators.csv"
    assert export(db_path, "indicators", out) == 4
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b",'=," in data and b",>=," in data  # the comparator "=" would be a formula in Excel
    frame = read_sheet(out)
    assert list(frame["comparator"]) == [">=", "=", "=", "="]
    assert list(frame["value"]) == ["95", "10", "5835", "1200"]
    assert frame.loc[0, "document_url"] == URL and frame.loc[0, "document_date"] == "2021-01-15"
    assert "giải ngân vốn đầu tư công" in frame.loc[0, "sentence"]


def test_export_filters(db_path, tmp_path):
    out = tmp_path / "x.csv"
    assert export(db_path, "indicators", out, Filters(province="Lạng Sơn", since="2021-01-01")) == 4
    assert export(db_path, "indicators", out, Filters(until="2020-12-31")) == 0
    assert export(db_path, "indicators", out, Filters(document="kehoach-1.txt", category="xây dựng Đảng")) == 1
    assert export(db_path, "citations", out, Filters(document=URL)) == 1


@pytest.mark.parametrize("category", ["indicators", "tasks", "deadlines", "citations"])
def test_untouched_export_imports_as_no_change(db_path, tmp_path, category):
    # The deadlines include the impossible 2021-11-31 (valid = 0), which must pass unchanged.
    export(db_path, category, tmp_path / "x.csv")
    result = import_sheet(db_path, tmp_path / "x.csv", "lan")
    assert _problems(result) == [] and result.plan.changes == [] and _log_count(db_path) == 0


# Round trips


def test_pandas_round_trip_edit_delete_add_ok_and_second_import(db_path, tmp_path):
    frame = _exported(db_path, tmp_path)
    frame.loc[frame["value"] == "95", "value"] = "96,5"
    frame.loc[frame["value"] == "10", "status"] = "delete"
    frame.loc[frame["value"] == "5835", ["status", "note"]] = ["ok", "checked against the source"]
    added = {column: "" for column in frame.columns}
    added.update(
        document_id=URL,
        name="trồng rừng",
        value="300",
        unit="ha",
        comparator=">=",
        kind="target",
        sentence="Phấn đấu có thêm 10 xã đạt chuẩn nông thôn mới trong năm 2021.",
    )
    frame = pd.concat([frame, pd.DataFrame([added])], ignore_index=True)
    frame.to_csv(tmp_path / "edited.csv", index=False)  # plain UTF-8, no BOM

    result = import_sheet(db_path, tmp_path / "edited.csv", "lan")
    assert _problems(result) == [] and result.applied
    rows = {row["value"]: row for row in _rows(db_path, "indicators")}
    assert sorted(rows) == [96.5, 300, 1200, 5835]
    assert rows[96.5]["corrected"] == "edited" and rows[5835]["corrected"] == "ok"
    assert rows[1200]["corrected"] is None
    new = rows[300]
    assert (new["corrected"], new["unit"], new["comparator"], new["rule_id"], new["name"]) == (
        "added",
        "ha",
        ">=",
        "staff.added",
        "trồng rừng",
    )
    text = sqlite_utils.Database(db_path).execute("SELECT text FROM documents").fetchone()[0]
    assert text[new["start"] : new["end"]] == added["sentence"]
    count = _log_count(db_path)
    assert [(c["action"], c["field"], c["new"]) for c in list_corrections(db_path)[:3]] == [
        ("edit", "value", "96.5"),
        ("delete", None, None),
        ("ok", None, None),
    ]

    again = import_sheet(db_path, tmp_path / "edited.csv", "lan")
    assert again.plan.changes == [] and _log_count(db_path) == count


def test_excel_semicolon_file_with_bom_and_vietnamese_numbers(db_path, tmp_path):
    target = _indicator(db_path, 95)
    lines = [
        "id;document_id;name;value;value_high;unit;per;comparator;kind;period_start;period_end;status;note",
        f"{target['id']};{target['document_id']};{target['name']};95,5;;%;;>=;target;01/01/2021;31/12/2021;ok;",
        f";{URL};kết nạp đảng viên;5.835;;đảng viên;;'=;result;;;;thiếu",
    ]
    (tmp_path / "excel.csv").write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    result = import_sheet(db_path, tmp_path / "excel.csv", "lan")
    assert _problems(result) == []
    edited = _indicator(db_path, 95.5)
    assert (edited["period_start"], edited["period_end"], edited["comparator"]) == ("2021-01-01", "2021-12-31", ">=")
    by_origin = {row["rule_id"]: row for row in _rows(db_path, "indicators") if row["value"] == 5835}
    assert (by_origin["staff.added"]["unit"], by_origin["staff.added"]["kind"]) == ("đảng viên", "result")
    assert by_origin["ind.money"]["unit"] == "tỷ đồng"  # the extracted 5835 stays


def test_a_sheet_applies_after_a_re_extraction_named_other_cues(db_path, tmp_path):
    """A rule change may name other cues after a row's reader in its rule_id: the row is the
    same (its id hashes its span), so a sheet exported before still applies; a sheet that
    shows another reader is refused."""
    target = _indicator(db_path, 95)
    assert target["rule_id"] == "ind.percent+cmp.tro_len+kind.phan_dau"
    frame = _exported(db_path, tmp_path)
    db = sqlite_utils.Database(db_path)
    with db.conn:
        db.execute("UPDATE indicators_extracted SET rule_id = 'ind.percent+cmp.tro_len' WHERE id = ?", [target["id"]])
    row = frame.index[frame["id"] == target["id"]][0]
    frame.loc[row, "value"] = "96"
    frame.to_csv(tmp_path / "before.csv", index=False)
    result = import_sheet(db_path, tmp_path / "before.csv", "lan")
    assert _problems(result) == [] and result.applied
    assert (_indicator(db_path, 96)["corrected"], _indicator(db_path, 96)["rule_id"]) == (
        "edited",
        "ind.percent+cmp.tro_len",
    )
    frame.loc[row, "rule_id"] = "ind.money+cmp.tro_len"
    frame.to_csv(tmp_path / "other_reader.csv", index=False)
    assert _problems(import_sheet(db_path, tmp_path / "other_reader.csv", "lan")) == [
        f"row {row + 2}, column rule_id, value 'ind.money+cmp.tro_len': read-only column changed "
        "(was 'ind.percent+cmp.tro_len')"
    ]


def test_utf16_tab_separated_file(db_path, tmp_path):
    target = _indicator(db_path, 1200)
    frame = _exported(db_path, tmp_path)
    frame.loc[frame["id"] == target["id"], "unit"] = "người"
    text = frame.to_csv(index=False, sep="\t")
    (tmp_path / "unicode.txt").write_bytes(text.encode("utf-16"))  # Excel's "Unicode text": BOM + UTF-16LE
    result = import_sheet(db_path, tmp_path / "unicode.txt", "lan")
    assert _problems(result) == [] and [(c.field, c.new) for c in result.plan.changes] == [("unit", "người")]
    assert _indicator(db_path, 1200)["unit"] == "người"


def _to_cp1258(text: str) -> bytes:
    """Windows-1258 as Excel writes it: base letters precomposed, tone marks combining."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
            out.append((base + "".join(c for c in decomposed if c in tones)).encode("cp1258"))
    return b"".join(out)


def test_cp1258_comma_file(db_path, tmp_path):
    target = _indicator(db_path, 10)
    lines = [
        "id,document_id,name,value,value_high,unit,per,comparator,kind,period_start,period_end,status,note",
        f"{target['id']},{target['document_id']},số xã được công nhận đạt chuẩn nông thôn mới,10,,xã,năm,'=,target,1/1/2021,31/12/2021,,",
    ]
    (tmp_path / "cp1258.csv").write_bytes(_to_cp1258("\n".join(lines) + "\n"))
    result = import_sheet(db_path, tmp_path / "cp1258.csv", "lan")
    assert _problems(result) == []
    assert [(c.field, c.new) for c in result.plan.changes] == [
        ("name", "số xã được công nhận đạt chuẩn nông thôn mới"),
        ("per", "năm"),
    ]


@pytest.mark.parametrize(
    "cell, value", [("95,5", 95.5), ("95.5", 95.5), ("5.835", 5835), ("1.234.567,8", 1234567.8), ("'-2,5", -2.5)]
)
def test_numbers_in_vietnamese_or_english_form(db_path, tmp_path, cell, value):
    frame = _exported(db_path, tmp_path)
    frame.loc[0, "value"] = cell
    frame.to_csv(tmp_path / "n.csv", index=False)
    assert _problems(import_sheet(db_path, tmp_path / "n.csv", "lan")) == []
    assert _rows(db_path, "indicators")[0]["value"] == value


def test_formula_cells_are_stored_as_text_and_neutralized_again(db_path, tmp_path):
    frame = _exported(db_path, tmp_path)
    frame.loc[0, "name"] = '\'=HYPERLINK("http://x")'
    frame.loc[1, "name"] = "'@SUM(A1)"
    frame.to_csv(tmp_path / "f.csv", index=False)
    assert _problems(import_sheet(db_path, tmp_path / "f.csv", "lan")) == []
    assert [r["name"] for r in _rows(db_path, "indicators")[:2]] == ['=HYPERLINK("http://x")', "@SUM(A1)"]
    export(db_path, "indicators", tmp_path / "again.csv")
    raw = (tmp_path / "again.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in raw and ",'@SUM(A1)," in raw


# Validation


def test_every_invalid_row_is_reported_and_nothing_is_applied(db_path, tmp_path):
    frame = _exported(db_path, tmp_path)
    first_id, first_name = frame.loc[0, "id"], frame.loc[0, "name"]
    frame.loc[0, "value"] = "9x"
    frame.loc[0, "period_start"] = "31/02/2021"
    frame.loc[1, "unit"] = "quả táo"
    frame.loc[1, "comparator"] = "~"
    frame.loc[1, "kind"] = "goal"
    frame.loc[2, "sentence"] = "Câu khác."
    frame.loc[2, "status"] = "maybe"
    frame.loc[3, "id"] = "0000000000000000"
    extra = pd.DataFrame(
        [
            {**frame.loc[0].to_dict(), "value": "95"},
            {c: "" for c in frame.columns}
            | {"document_id": "https://no.such/doc", "value": "1", "kind": "target", "unit": "xã"},
        ]
    )
    frame = pd.concat([frame, extra], ignore_index=True)
    frame.to_csv(tmp_path / "bad.csv", index=False)

    result = CliRunner().invoke(cli, ["import", str(tmp_path / "bad.csv"), "--editor", "lan", "--db", str(db_path)])
    assert result.exit_code == 1
    expected = [
        "row 2, column value, value '9x': not a number (write 95,5 or 95.5; 5.835 is five thousand eight hundred thirty-five)",
        "row 2, column period_start, value '31/02/2021': not a date that exists",
        "row 3, column unit, value 'quả táo': unknown unit (not in extractors/rules/units.yaml nor used in the database)",
        "row 3, column comparator, value '~': comparator must be one of =, >=, >, <=, <, range",
        "row 3, column kind, value 'goal': kind must be one of target, result",
        "row 4, column status, value 'maybe': status must be blank, ok or delete",
        "row 4, column sentence, value 'Câu khác.': read-only column changed (was "
        "'3. Thu ngân sách nhà nước đạt 5.835 tỷ đồng, báo cáo trước ngày 31/11/2021.')",
        "row 5, column id, value '0000000000000000': unknown id: no such row in indicators",
        f"row 6, column id, value '{first_id}': duplicate id (also in row 2)",
        "row 7, column document_id, value 'https://no.such/doc': unknown document: give an ingested document's id or url",
    ]
    for line in expected:
        assert f"bad.csv: {line}" in result.output
    assert "10 problems; nothing imported" in result.output
    assert _log_count(db_path) == 0 and _rows(db_path, "indicators")[0]["name"] == first_name


def test_missing_required_columns_and_unknown_tables(db_path, tmp_path):
    frame = _exported(db_path, tmp_path).drop(columns=["kind", "status"])
    frame.to_csv(tmp_path / "cols.csv", index=False)
    assert _problems(import_sheet(db_path, tmp_path / "cols.csv", "lan")) == [
        "row 1, column kind: missing required column for indicators",
        "row 1, column status: missing required column for indicators",
    ]
    (tmp_path / "other.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert _problems(import_sheet(db_path, tmp_path / "other.csv", "lan")) == [
        "row 1: cannot tell which table this is: expected the columns of an exported sheet "
        "(see 'directives export --help')"
    ]


def test_added_row_needs_its_required_fields(db_path, tmp_path):
    (tmp_path / "t.csv").write_text(
        f"id,document_id,label,ordinal,level,section,text,status\n,{URL},5.,5,0,,,\n", encoding="utf-8"
    )
    assert _problems(import_sheet(db_path, tmp_path / "t.csv", "lan")) == [
        "row 2, column text: an added row needs text"
    ]


def test_partial_applies_valid_rows_and_writes_rejects(db_path, tmp_path):
    frame = _exported(db_path, tmp_path)
    frame.loc[0, "value"] = "97"
    frame.loc[1, "value"] = "abc"
    frame.to_csv(tmp_path / "p.csv", index=False)
    result = import_sheet(db_path, tmp_path / "p.csv", "lan", partial=True)
    assert result.applied and result.rejects_path == tmp_path / "p.rejects.csv"
    assert _rows(db_path, "indicators")[0]["value"] == 97
    rejects = read_sheet(result.rejects_path)
    assert list(rejects["value"]) == ["abc"]
    assert rejects.loc[0, "reason"].startswith("row 3, column value, value 'abc': not a number")


def test_dry_run_prints_changes_and_writes_nothing(db_path, tmp_path):
    exported = CliRunner().invoke(
        cli, ["export", "indicators", "-o", str(tmp_path / "e.csv"), "--db", str(db_path), "--province", "Lạng Sơn"]
    )
    assert exported.output == f"{tmp_path / 'e.csv'}: 4 indicators\n"
    frame = read_sheet(tmp_path / "e.csv")
    frame.loc[0, "status"] = "delete"
    frame.to_csv(tmp_path / "d.csv", index=False)
    result = CliRunner().invoke(
        cli, ["import", str(tmp_path / "d.csv"), "--editor", "lan", "--db", str(db_path), "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert f"delete indicators {frame.loc[0, 'id']}" in result.output
    assert "1 changes would apply" in result.output
    assert _log_count(db_path) == 0 and len(_rows(db_path, "indicators")) == 4


# Re-extraction and listing


def test_corrections_survive_re_extraction(db_path, tmp_path):
    frame = _exported(db_path, tmp_path)
    frame.loc[frame["value"] == "95", "comparator"] = ">"
    frame.loc[frame["value"] == "10", "status"] = "delete"
    frame.loc[frame["value"] == "1200", "unit"] = "người"  # its sentence goes away below
    added = {c: "" for c in frame.columns} | {
        "document_id": URL,
        "name": "thu ngân sách",
        "value": "6.000",
        "unit": "tỷ đồng",
        "kind": "target",
    }
    frame = pd.concat([frame, pd.DataFrame([added])], ignore_index=True)
    frame.to_csv(tmp_path / "review.csv", index=False)
    assert _problems(import_sheet(db_path, tmp_path / "review.csv", "lan")) == []
    orphan_id = frame.loc[frame["value"] == "1200", "id"].item()

    _write_corpus(tmp_path / "docs", HEAD + ITEM_4_CHANGED)
    summary = ingest(discover([tmp_path / "docs"]), db_path)
    assert summary.documents["changed"] == 1

    rows = {row["value"]: row for row in _rows(db_path, "indicators")}
    assert sorted(rows) == [95, 300, 5835, 6000]
    assert (rows[95]["comparator"], rows[95]["corrected"]) == (">", "edited")
    assert rows[6000]["corrected"] == "added" and rows[300]["corrected"] is None
    assert _log_count(db_path) == 3 + 6  # three row corrections, one added row of six fields
    orphans = list_corrections(db_path, orphaned=True)
    assert [(o["row_id"], o["field"], o["old"], o["new"]) for o in orphans] == [
        (orphan_id, "unit", "đảng viên", "người")
    ]
    listed = CliRunner().invoke(cli, ["corrections", "--orphaned", "--db", str(db_path)])
    assert orphan_id in listed.output and "người" in listed.output
    assert len(listed.output.splitlines()) == 2

    # The old sheet still names the orphan: it is refused, with the reason.
    again = import_sheet(db_path, tmp_path / "review.csv", "lan")
    assert f"row 5, column id, value '{orphan_id}': its row is no longer extracted (orphaned correction)" in _problems(
        again
    )


def test_restoring_a_deleted_row_with_ok(db_path, tmp_path):
    frame = _exported(db_path, tmp_path)
    frame.loc[0, "status"] = "delete"
    frame.to_csv(tmp_path / "del.csv", index=False)
    import_sheet(db_path, tmp_path / "del.csv", "lan")
    assert len(_rows(db_path, "indicators")) == 3
    frame.loc[0, "status"] = "ok"
    frame.to_csv(tmp_path / "ok.csv", index=False)
    assert [c.action for c in import_sheet(db_path, tmp_path / "ok.csv", "minh").plan.changes] == ["restore"]
    assert _rows(db_path, "indicators")[0]["corrected"] == "ok"
    assert [c["editor"] for c in list_corrections(db_path, editor="minh")] == ["minh"]
    assert list_corrections(db_path, since="2999-01-01") == []


def test_reviewed_documents_become_gold_that_evaluate_scores_perfectly(db_path, tmp_path):
    frame = _exported(db_path, tmp_path)
    frame.loc[frame["value"] == "10", "status"] = "delete"
    frame.to_csv(tmp_path / "g.csv", index=False)
    import_sheet(db_path, tmp_path / "g.csv", "lan")
    written = to_gold(db_path, tmp_path / "gold")
    assert [p.name for p in written] == ["kehoach-1.json"]
    gold = json.loads(written[0].read_text(encoding="utf-8"))
    assert gold["document"] == "kehoach-1.txt" and gold["province"] == "Lạng Sơn"
    assert [i["value"] for i in gold["indicators"]] == [95, 5835, 1200]
    assert gold["references"] == [{"number": "42/NQ-CP", "type": "Nghị quyết"}]
    assert {"evidence": "trước ngày 31/11/2021", "end": "2021-11-31", "valid": False} in gold["deadlines"]
    report = evaluate(tmp_path / "gold", db_path)
    assert {name: (s.fp, s.fn) for name, s in report.scores.items()} == {
        "tasks": (0, 0),
        "indicators": (0, 0),
        "deadlines": (0, 0),
        "citations": (0, 0),
    }
    assert report.scores["indicators"].tp == 3


def test_corrected_task_text_is_searchable(db_path, tmp_path):
    from pipeline.store.search import search

    frame = _exported(db_path, tmp_path, "tasks")
    frame.loc[0, "text"] = frame.loc[0, "text"] + " Ưu tiên vùng đồng bào dân tộc thiểu số."
    frame.to_csv(tmp_path / "t.csv", index=False)
    assert _problems(import_sheet(db_path, tmp_path / "t.csv", "lan")) == []
    hits = search(sqlite_utils.Database(db_path), "đồng bào dân tộc", kinds=("task",))
    assert [hit.ref_id for hit in hits] == [frame.loc[0, "id"]]
