"""`directives report`: one offline HTML file with charts, checked as a picture in Chromium."""

import json
import re
import shutil
from html import escape, unescape

import sqlite_utils
from browser import dump_dom, screenshot
from click.testing import CliRunner
from PIL import Image

from pipeline.cli import cli
from pipeline.research import charts as svg
from pipeline.research.charts import PALETTE
from pipeline.research.report import UNCATEGORISED, render
from pipeline.review.importer import import_sheet

WIDTH, HEIGHT = 1200, 1800


def test_report_is_one_offline_file_with_charts_and_tables(bundled_db, tmp_path):
    output = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["report", "--db", str(bundled_db), "-o", str(output)])
    assert result.exit_code == 0, result.output
    html = output.read_text(encoding="utf-8")
    assert "<script" not in html and not re.search(r'(src|href)="', html)
    assert html.count("<svg") == 7  # four provinces with figures, counts, flags, coverage
    for heading in (
        "Targets and results by category and year, per province",
        "Extraction counts per document",
        "Quality flags",
        "Coverage: documents per source and year",
        "Documents",
        "Targets and the results reported later",
    ):
        assert f"<h2>{heading}</h2>" in html
    assert "<title>002_e6d35a45ef2bf389.txt (Lạng Sơn): targets 4</title>" in html
    assert "<td>xã đạt chuẩn nông thôn mới</td>" in html


def test_report_renders_as_a_picture(bundled_db, tmp_path):
    output = tmp_path / "report.html"
    CliRunner().invoke(cli, ["report", "--db", str(bundled_db), "-o", str(output)])
    png = tmp_path / "report.png"
    screenshot(output.as_uri(), png, WIDTH, HEIGHT)
    image = Image.open(png).convert("RGB")
    assert image.size == (WIDTH, HEIGHT)
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 50
    white = sum(count for count, colour in colours if colour == (255, 255, 255))
    assert 0.5 < white / (WIDTH * HEIGHT) < 0.97
    present = {colour for _, colour in colours}
    for hex_colour in PALETTE[:5]:  # tasks, targets, results, deadlines, citations bars
        assert tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)) in present


# What a reader sees: nothing cut, unknowns named, an empty match explained.

MEASURE = """<script>
const cut = [];
let texts = 0;
for (const chart of document.querySelectorAll("svg")) {
  const box = chart.getBoundingClientRect();
  for (const text of chart.querySelectorAll("text")) {
    texts += 1;
    const b = text.getBoundingClientRect();
    if (b.left < box.left - 0.5 || b.right > box.right + 0.5 || b.top < box.top - 0.5 || b.bottom > box.bottom + 0.5)
      cut.push(text.textContent);
  }
}
const page = document.documentElement.clientWidth;
for (const item of document.querySelectorAll(".legend span")) {
  texts += 1;
  if (item.getBoundingClientRect().right > page || item.scrollWidth > item.clientWidth + 1) cut.push(item.textContent);
}
const out = document.createElement("pre");
out.id = "measured";
out.textContent = JSON.stringify({texts, cut});
document.body.appendChild(out);
</script>"""


def _measured(html: str, tmp_path, width: int = 900) -> dict:
    """Every chart text's box against its chart's, and every legend item against the page, in Chromium."""
    page = tmp_path / "measured.html"
    page.write_text(html.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    dom = dump_dom(page.as_uri() + f"#{width}")
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert found, dom[-500:]
    return json.loads(unescape(found.group(1)))


def test_no_label_or_legend_is_cut_in_chromium(bundled_db, tmp_path):
    html = render(bundled_db)
    measured = _measured(html, tmp_path)
    # the number of chart texts follows the bundled corpus's rows (names decide categories)
    assert measured["cut"] == [] and measured["texts"] == 58
    # The longest labels a store could hold: a source's full name, a long category, many series.
    long_source = "Cổng thông tin điện tử tỉnh Bà Rịa - Vũng Tàu (Liferay Portal, Sở Thông tin và Truyền thông)"
    series = [f"hạ tầng/giao thông, đô thị và nông thôn mới {i}" for i in range(9)] + [UNCATEGORISED]
    chart = svg.stacked_bars(
        [
            (long_source, {name: 1 for name in series}),
            ("ĐẨY MẠNH GIẢI NGÂN VỐN ĐẦU TƯ CÔNG WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", {series[0]: 3}),
        ],
        series,
    )
    grid = svg.heat_grid([long_source, "Tỉnh ủy"], ["2020", "2021"], {(long_source, "2021"): 2})
    page = html.replace("<h2>Documents</h2>", chart + grid + "<h2>Documents</h2>")
    measured = _measured(page, tmp_path)
    assert measured["cut"] == [] and "…" not in chart
    assert all(f"{escape(name)}</span>" in chart for name in series)


def _store_with_results(bundled_db, tmp_path):
    """The bundled store with two results staff added (one matching a Lạng Sơn target, one in
    another unit than a Vĩnh Phúc target) and the Lạng Sơn document's date unknown."""
    db_path = tmp_path / "d.db"
    shutil.copy(bundled_db, db_path)
    db = sqlite_utils.Database(db_path)
    documents = {row["province"]: row["id"] for row in db.query("SELECT id, province FROM documents")}
    db.execute("UPDATE documents SET published_date = NULL WHERE province = 'Lạng Sơn'")
    db.conn.commit()
    db.close()
    header = "id,document_id,name,value,value_high,unit,per,comparator,kind,period_start,period_end,status"
    lines = [
        header,
        f",{documents['Lạng Sơn']},xã đạt chuẩn nông thôn mới,12,,xã,,=,result,,,",
        f",{documents['Vĩnh Phúc']},cưỡng chế thu hồi đất,80,,%,,=,result,,,",
    ]
    (tmp_path / "results.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_sheet(db_path, tmp_path / "results.csv", "lan")
    assert [str(p) for p in result.plan.problems] == [] and result.applied
    return db_path


def test_unknown_years_are_named_and_missing_results_explained(bundled_db, tmp_path):
    html = render(_store_with_results(bundled_db, tmp_path))
    assert "? results" not in html and "?" not in re.sub(r"<(table|p)\b.*?</\1>", "", html, flags=re.S)
    lang_son = html[html.index("<h3>Lạng Sơn</h3>") : html.index("<h3>Nghệ An</h3>")]
    assert re.findall(r">([^<>]+)</tspan>", lang_son) == ["results, year not stated", "targets, year not stated"]
    section = html[html.index("<h2>Targets and the results reported later</h2>") :]
    assert (
        '<p class="note">1 of 11 targets have a result reported later. A result is matched to a target when '
        "it names the same indicator, in the same unit and the same province, in a document published on or "
        "after the target&#x27;s (view targets_vs_results). The last column says what is missing for the "
        "others.</p>"
    ) in section
    rows = {
        tuple(re.findall(r"<td[^>]*>(.*?)</td>", row)[i] for i in (0, 1, 2, 6, 10))
        for row in re.findall(r"<tr>(.*?)</tr>", section)[1:]
    }
    assert ("Lạng Sơn", "year not stated", "xã đạt chuẩn nông thôn mới", "12", "") in rows
    assert (
        "Lạng Sơn",
        "year not stated",
        "đường bê tông giao thông nông thôn",
        "",
        "1 result in Lạng Sơn, none with this indicator&#x27;s name",
    ) in rows
    assert (
        "Vĩnh Phúc",
        "2021",
        "cưỡng chế thu hồi đất",
        "",
        "a result with this name is in another unit (%, not dự án)",
    ) in rows
