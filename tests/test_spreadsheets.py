"""Review sheets through real spreadsheet software: XLSX and CSV opened and saved again by
LibreOffice Calc (headless), then imported; skipped, with the reason, where soffice is absent.

The document's id is made only of digits and its figures are Vietnamese decimals (33,293%,
945,4 tỷ đồng): what a spreadsheet turns into 9.44929979899906E+015 and 33293 when nothing
protects them.
"""

import datetime as dt
import shutil
import subprocess
import zipfile

import pytest
import sqlite_utils
from openpyxl import load_workbook

from pipeline.errors import LimitError
from pipeline.ingest.files import discover
from pipeline.ingest.steps import ingest
from pipeline.review.export import export
from pipeline.review.importer import import_sheet

CATEGORIES = ("indicators", "tasks", "deadlines", "citations")
URL = "https://ubnd.langson.gov.vn/kehoach-2586"
DOCUMENT_ID = "9125747246410503"  # store.stable_id(URL): digits only, beyond a float's 2**53
TEXT = """UBND tỉnh Lạng Sơn ban hành Kế hoạch phát triển kinh tế - xã hội năm 2022

Lạng Sơn, ngày 20 tháng 1 năm 2022

Căn cứ Nghị quyết số 15/NQ-HĐND của Hội đồng nhân dân tỉnh, UBND tỉnh giao các nhiệm vụ sau:

1. Năm 2021, tỷ lệ che phủ rừng đạt 33,293%.

2. Thu ngân sách nhà nước trên địa bàn năm 2021 đạt 945,4 tỷ đồng.

3. Phấn đấu tỷ lệ che phủ rừng đạt 64,5% trở lên trong năm 2022, hoàn thành trước ngày 15/12/2022.

4. Phấn đấu có thêm 12 xã đạt chuẩn nông thôn mới trong năm 2022.
"""
CSV_FILTER = "Text - txt - csv (StarCalc)"
ENGLISH, VIETNAMESE = 1033, 1066  # LibreOffice language ids of the CSV import's locale


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sheets")
    (folder / "docs").mkdir()
    (folder / "docs" / "kehoach.txt").write_text(TEXT, encoding="utf-8")
    (folder / "docs" / "manifest.tsv").write_text(
        f"file\turl\tsource\tprovince\nkehoach.txt\t{URL}\tlangson\tLạng Sơn\n", encoding="utf-8"
    )
    db_path = folder / "pristine.db"
    assert ingest(discover([folder / "docs"]), db_path).documents["new"] == 1
    db = sqlite_utils.Database(db_path)
    # A name stored as an empty text: the sheet shows it as an empty cell, read back as missing.
    db.execute("UPDATE indicators_extracted SET name = '' WHERE value = 12")
    db.conn.commit()
    db.close()
    return db_path


@pytest.fixture
def db_path(pristine, tmp_path):
    shutil.copy(pristine, tmp_path / "d.db")
    return tmp_path / "d.db"


def _indicators(db_path) -> dict[float, dict]:
    return {row["value"]: row for row in sqlite_utils.Database(db_path).query("SELECT * FROM indicators")}


def _changes(result) -> list[str]:
    assert [str(p) for p in result.plan.problems] == []
    return [str(change) for change in result.plan.changes]


def soffice(tmp_path, files, target: str, infilter: str | None = None) -> list:
    """Open each file in LibreOffice Calc and save it as `target` (xlsx or csv) in its own
    folder, with a profile of its own; the saved files."""
    program = shutil.which("soffice")
    if program is None:
        pytest.skip("LibreOffice is not installed (apt-get install -y libreoffice-calc-nogui; .ci/run installs it)")
    out = tmp_path / f"saved-{target}"
    out.mkdir(exist_ok=True)
    convert = f"csv:{CSV_FILTER}:44,34,76,1" if target == "csv" else target
    command = [
        program,
        f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
        "--headless",
        *([f"--infilter={infilter}"] if infilter else []),
        "--convert-to",
        convert,
        "--outdir",
        str(out),
        *map(str, files),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    saved = [out / f"{path.stem}.{target}" for path in files]
    assert all(path.exists() for path in saved), command
    return saved


def test_the_document_id_is_made_of_digits(db_path):
    assert sqlite_utils.Database(db_path).execute("SELECT id FROM documents").fetchone()[0] == DOCUMENT_ID
    assert sorted(_indicators(db_path)) == [12, 33.293, 64.5, 945.4]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
@pytest.mark.parametrize("category", CATEGORIES)
def test_an_untouched_export_imports_as_no_change(db_path, tmp_path, category, suffix):
    out = tmp_path / f"{category}.{suffix}"
    export(db_path, category, out)
    assert _changes(import_sheet(db_path, out, "lan")) == []


def test_xlsx_cells_are_typed_shaded_protected_and_validated(db_path, tmp_path):
    out = tmp_path / "indicators.xlsx"
    assert export(db_path, "indicators", out) == 4
    ws = load_workbook(out).active
    header = [cell.value for cell in ws[1]]
    column = {name: index for index, name in enumerate(header)}
    first = ws[2]
    cell = lambda name: first[column[name]]  # noqa: E731
    assert (cell("value").value, cell("value").data_type) == (33.293, "n")
    assert (cell("document_id").value, cell("document_id").data_type) == (DOCUMENT_ID, "s")
    assert cell("document_date").value == dt.datetime(2022, 1, 20) and cell("start").value == 241
    assert (cell("comparator").value, cell("comparator").data_type) == ("=", "s")  # no apostrophe
    assert cell("sentence").value == "1. Năm 2021, tỷ lệ che phủ rừng đạt 33,293%."
    assert cell("sentence").alignment.wrap_text and ws.column_dimensions["F"].width == 70
    assert ws.column_dimensions["B"].width == 19  # an id in full
    # The document's title (73 characters in a column 40 wide) wraps onto two lines: rows are two lines high.
    assert [ws.row_dimensions[r].height for r in range(2, 6)] == [30, 30, 30, 30]
    assert ws.protection.sheet and ws.freeze_panes == "B2"
    for name in ("id", "document_id", "sentence", "task_id", "start", "rule_id"):
        assert cell(name).protection.locked and cell(name).fill.fgColor.rgb == "FFEDEDED", name
    for name in ("name", "value", "unit", "comparator", "kind", "status", "note"):
        assert not cell(name).protection.locked and cell(name).fill.fill_type is None, name
    assert not ws.cell(row=6, column=column["document_id"] + 1).protection.locked  # a row to add an item
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert lists == {"P2:P205": '"ok,delete"', "L2:L205": '"=,>=,>,<=,<,range"', "M2:M205": '"target,result"'}


def test_csv_keeps_ids_dates_and_ambiguous_decimals_as_text(db_path, tmp_path):
    export(db_path, "indicators", tmp_path / "i.csv")
    export(db_path, "tasks", tmp_path / "t.csv")
    raw = (tmp_path / "i.csv").read_text(encoding="utf-8-sig")
    assert f'"=""{DOCUMENT_ID}"""' in raw and '"=""33.293"""' in raw and '"=""2022-01-20"""' in raw
    assert ",945.4,," in raw and ",64.5,," in raw and ",12,," in raw  # plain dot decimals, no grouping
    assert ",'=," in raw  # the formula guard stays in CSV
    assert '"=""1."""' in (tmp_path / "t.csv").read_text(encoding="utf-8-sig")  # a label, not the number 1


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_libreoffice_resaved_sheets_import_with_no_change(db_path, tmp_path, suffix):
    exported = [tmp_path / f"{category}.{suffix}" for category in CATEGORIES]
    for path in exported:
        export(db_path, path.stem, path)
    saved = soffice(tmp_path, exported, suffix, f"CSV:44,34,76,1,,{ENGLISH}" if suffix == "csv" else None)
    if suffix == "csv":  # written back as text, not 9.1257472464105E+015
        assert f'"{DOCUMENT_ID}"' in saved[0].read_text(encoding="utf-8")
    for path in saved:
        assert _changes(import_sheet(db_path, path, "lan")) == [], path


def test_csv_resaved_by_libreoffice_in_a_vietnamese_locale_imports_with_no_change(db_path, tmp_path):
    export(db_path, "indicators", tmp_path / "indicators.csv")
    [saved] = soffice(tmp_path, [tmp_path / "indicators.csv"], "csv", f"CSV:44,34,76,1,,{VIETNAMESE}")
    assert _changes(import_sheet(db_path, saved, "lan")) == []


def test_an_xlsx_edit_resaved_by_libreoffice_applies_exactly_that_edit(db_path, tmp_path):
    export(db_path, "indicators", tmp_path / "review.xlsx")
    workbook = load_workbook(tmp_path / "review.xlsx")
    ws = workbook.active
    column = {cell.value: cell.column for cell in ws[1]}
    rows = {ws.cell(row=r, column=column["value"]).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(row=rows[945.4], column=column["value"]).value = 950.25
    ws.cell(row=rows[945.4], column=column["note"]).value = "số liệu quyết toán"
    ws.cell(row=rows[33.293], column=column["comparator"]).value = ">="
    ws.cell(row=rows[12], column=column["status"]).value = "delete"
    workbook.save(tmp_path / "review.xlsx")
    [saved] = soffice(tmp_path, [tmp_path / "review.xlsx"], "xlsx")

    before = _indicators(db_path)
    result = import_sheet(db_path, saved, "lan")
    assert _changes(result) == [
        f"edit indicators {before[33.293]['id']} comparator: '=' -> '>='",
        f"edit indicators {before[945.4]['id']} value: 945.4 -> 950.25",
        f"delete indicators {before[12]['id']}",
    ]
    assert result.applied and result.plan.changes[1].note == "số liệu quyết toán"
    after = _indicators(db_path)
    assert sorted(after) == [33.293, 64.5, 950.25]
    assert (after[33.293]["comparator"], after[950.25]["corrected"]) == (">=", "edited")
    assert import_sheet(db_path, saved, "lan").plan.changes == []


def test_a_dot_decimal_read_back_as_thousands_is_refused_with_the_reason(db_path, tmp_path):
    export(db_path, "indicators", tmp_path / "i.csv")
    raw = (tmp_path / "i.csv").read_text(encoding="utf-8-sig")
    (tmp_path / "reread.csv").write_text(
        raw.replace('"=""33.293"""', "33293").replace(",945.4,", ",9454,"), encoding="utf-8"
    )
    result = import_sheet(db_path, tmp_path / "reread.csv", "lan")
    assert [f"{p.row} {p.column} {p.value}" for p in result.plan.problems] == ["2 value 33293", "3 value 9454"]
    assert "differs from the exported 33.293 only in its separators" in str(result.plan.problems[0])
    # Typed so that no separator is lost, the same figure is an edit.
    (tmp_path / "meant.csv").write_text(raw.replace('"=""33.293"""', '"33293,0"'), encoding="utf-8")
    assert _changes(import_sheet(db_path, tmp_path / "meant.csv", "lan", dry_run=True))[0].endswith(
        "value: 33.293 -> 33293.0"
    )


def test_xlsx_from_the_command_line_with_a_blank_row_and_a_rejected_one(db_path, tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import cli
    from pipeline.review.csvio import read_sheet

    out = tmp_path / "tasks.xlsx"
    exported = CliRunner().invoke(cli, ["export", "tasks", "-o", str(out), "--db", str(db_path)])
    assert exported.output == f"{out}: 4 tasks\n"
    workbook = load_workbook(out)
    ws = workbook.active
    column = {cell.value: cell.column for cell in ws[1]}
    ws.insert_rows(3)  # a blank row 3: the rows below keep their numbers in the messages
    ws.cell(row=4, column=column["ordinal"]).value = "hai"
    ws.cell(row=5, column=column["section"]).value = "Kinh tế"
    workbook.save(out)
    result = CliRunner().invoke(cli, ["import", str(out), "--editor", "lan", "--db", str(db_path), "--partial"])
    assert result.exit_code == 0, result.output
    assert f"{out}: row 4, column ordinal, value 'hai': not a number" in result.output
    assert f"{out}: 1 changes applied, 1 rows rejected" in result.output
    rejects = read_sheet(tmp_path / "tasks.rejects.csv")
    assert (list(rejects["ordinal"]), list(rejects["document_id"])) == (["hai"], [DOCUMENT_ID])
    assert list(rejects["label"]) == ["2."]  # kept as text, as in the export


def test_an_xlsx_that_inflates_past_the_limit_is_refused_unread(db_path, tmp_path, monkeypatch):
    """A review workbook is a zip like a DOCX: its members are counted as they inflate, and
    one past DIRECTIVES_MAX_UNZIPPED_BYTES is an error naming the file, before openpyxl reads it."""
    out = tmp_path / "indicators.xlsx"
    export(db_path, "indicators", out)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member, source.read(member))
        target.writestr("xl/media/padding.bin", b"\0" * 3_000_000)
    monkeypatch.setenv("DIRECTIVES_MAX_UNZIPPED_BYTES", "2000000")
    with pytest.raises(LimitError, match=r"bomb\.xlsx.*unzipped_bytes|bomb\.xlsx.*DIRECTIVES_MAX_UNZIPPED_BYTES"):
        import_sheet(db_path, bomb, "lan")
